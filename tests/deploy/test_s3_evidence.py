"""Evidence in S3-compatible object storage: what RECTIFY_S3_BUCKET selects, end to end.

The S3 API is served in-process by moto (a stand-in for MinIO / the cloud's store; no
network); everything of Rectify's is real: core/files.py through Django's storage API,
django-storages' S3Storage with the options settings.py gives it, the attach action, the
scope-checked download view.
"""

import boto3
import pytest
from django.db import transaction
from moto import mock_aws

from rectify.core import files
from rectify.core.models import StoredFile
from rectify.problems import evidence
from rectify.problems.testing import ProblemFactory
from tests.problems import evidence_samples as s

BUCKET = "rectify-evidence"


@pytest.fixture
def bucket(settings):
    """An empty private bucket as the default storage (settings.py's S3 block options)."""
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": BUCKET,
                    "region_name": "us-east-1",
                    "access_key": "test",
                    "secret_key": "test",
                    "default_acl": "private",
                    "querystring_auth": True,
                    "file_overwrite": False,
                },
            },
        }
        yield client


def keys(client) -> set[str]:
    listing = client.list_objects_v2(Bucket=BUCKET)
    return {o["Key"] for o in listing.get("Contents", [])}


def test_a_photo_is_stored_in_the_bucket_with_its_public_copy_and_reads_back(bucket, office_clerk):
    data = s.jpeg_bytes(gps=s.ZUNYI, size=(200, 150))
    with transaction.atomic():
        stored = files.store_upload(s.upload("现场.jpg", data), actor=office_clerk, purpose="t")
    assert keys(bucket) == {stored.storage_name, stored.public_name}
    assert bucket.get_object(Bucket=BUCKET, Key=stored.storage_name)["Body"].read() == data
    with files.open_stored(stored) as fh:
        assert fh.read() == data
    assert files.verify_stored(stored)
    public = files.stripped_image_bytes(stored)
    assert public.startswith(b"\xff\xd8") and b"Exif" not in public
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=stored.storage_name)["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]  # owner only: private


def test_the_object_of_a_rolled_back_upload_is_deleted_from_the_bucket(bucket, office_clerk):
    inspected = files.inspect_upload(s.upload("报告.pdf", b"%PDF-1.4\n" + b"x" * 500))
    with pytest.raises(RuntimeError), files.discard_on_error(), transaction.atomic():
        files.store_inspected(inspected, actor=office_clerk, purpose="t")
        assert len(keys(bucket)) == 1
        raise RuntimeError("the action failed after the file was written")
    assert keys(bucket) == set()
    assert not StoredFile.objects.exists()


def test_evidence_attached_to_a_problem_downloads_from_the_bucket(bucket, office_clerk, login):
    problem = ProblemFactory()
    data = b"%PDF-1.4\n" + bytes(range(256)) * 64
    item = evidence.check_attach_evidence(
        problem, actor=office_clerk, uploaded_file=s.upload("整改报告.pdf", data)
    )
    assert keys(bucket) == {item.file.storage_name}
    response = login(office_clerk).get(f"/ledger/evidence/{item.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
