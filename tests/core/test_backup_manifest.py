"""A backup directory whose manifest is not what `rectify backup` writes is refused by name."""

import pytest

from rectify.core.backup import MANIFEST, BackupError, read_manifest


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"app": "rectify", "format": ', "JSON"),  # cut off mid-write
        (b"\xff\xfe not utf-8", "JSON"),
        (b"[1, 2, 3]", "Rectify"),  # valid JSON, not a manifest
        (b'{"app": "other"}', "Rectify"),
    ],
)
def test_a_damaged_or_foreign_manifest_is_refused_naming_the_file(tmp_path, content, expected):
    (tmp_path / MANIFEST).write_bytes(content)
    with pytest.raises(BackupError) as refused:
        read_manifest(tmp_path)
    assert MANIFEST in str(refused.value) and expected in str(refused.value)


def test_a_directory_without_a_manifest_is_not_a_backup(tmp_path):
    with pytest.raises(BackupError, match=MANIFEST):
        read_manifest(tmp_path)
