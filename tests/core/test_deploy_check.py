import os
import subprocess
import sys
from pathlib import Path


def test_deploy_check_is_clean_under_production_settings(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rectify.settings_production",
        "RECTIFY_SECRET_KEY": "x" * 20 + "-production-key-with-enough-entropy-1234567890",
        "RECTIFY_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by browser tests; deploy check flags it
    rectify = Path(sys.executable).parent / "rectify"
    result = subprocess.run(
        [str(rectify), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rectify.settings_production",
        "RECTIFY_VAR_DIR": str(tmp_path),
    }
    env.pop("RECTIFY_SECRET_KEY", None)
    rectify = Path(sys.executable).parent / "rectify"
    result = subprocess.run(
        [str(rectify), "check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "RECTIFY_SECRET_KEY" in result.stderr
