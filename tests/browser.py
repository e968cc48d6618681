"""Browser fixtures (a pytest plugin, registered in tests/conftest.py so that every test
module shares ONE session-wide Playwright instance: importing the fixtures into a module
would start a second one, whose event loop breaks the first's sync API).

Debian's chromium driven by Playwright against the live test server."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "var" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("RECTIFY_REQUIRE_BROWSER") == "1":
            pytest.fail(f"chromium required (RECTIFY_REQUIRE_BROWSER=1) but not at {CHROMIUM}")
        pytest.skip("chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    # Playwright runs an event loop in this thread; the test's ORM calls are still sync.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def page(browser, live_server, settings):
    settings.RECTIFY_REQUIRE_2FA = False
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15000)
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.base_url = live_server.url
    page.csp_errors = csp_errors
    yield page
    context.close()


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
