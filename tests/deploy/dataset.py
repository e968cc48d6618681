"""Data for deployment tests, loaded inside a separate instance (`rectify shell -c`).

Through the real actions: the Guizhou org tree, the demo accounts, the demo ledger (three
inspections, 242 problems with their dated events), the demo dispatch workflows (reports,
warnings, sign-off applications, a site photo), oversight (accountability, supervision,
meetings, battle teams), the published 2018 look-back disclosure, and evidence files of every
accepted kind attached to problems.
"""

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from rectify.accounts.actions import check_create_user
from rectify.accounts.models import User
from rectify.accounts.roles import Role
from rectify.core.files import store_upload
from rectify.demo.accounts import ensure_demo_accounts
from rectify.demo.disclosure import ensure_demo_disclosure
from rectify.demo.ledger import ensure_demo_ledger
from rectify.demo.oversight import ensure_demo_oversight
from rectify.demo.workflows import ensure_demo_workflows
from rectify.orgs.models import Org
from rectify.orgs.reference import do_load_reference
from rectify.problems.evidence import check_attach_evidence
from rectify.problems.models import Problem
from rectify.problems.testing import ProblemFactory
from tests.problems.evidence_samples import ZUNYI, docx_bytes, jpeg_bytes, png_bytes

PASSWORD = "Deploy-Tests-2026!x"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + bytes(range(256)) * 40


class FastPBKDF2(PBKDF2PasswordHasher):
    """PBKDF2 with few rounds: its hashes verify with the servers' own PBKDF2 hasher."""

    iterations = 1000


def _fast_hashing() -> None:
    # Argon2 costs ~0.5 s per account on this machine; these tests are not about hashing.
    settings.PASSWORD_HASHERS = ["tests.deploy.dataset.FastPBKDF2"]


def accounts() -> None:
    """The org tree, the demo accounts, and `clerk`, an office account made by the sysadmin."""
    _fast_hashing()
    if not Org.objects.filter(code="520000").exists():
        do_load_reference("520000", actor="tests")
    ensure_demo_accounts()
    if not User.objects.filter(username="clerk").exists():
        check_create_user(
            actor=User.objects.get(username="sysadmin"),
            username="clerk",
            password=PASSWORD,
            org=Org.objects.get(code="520000"),
            role=Role.OFFICE,
            display_name="测试办公室",
        )


def problems(n: int = 3) -> None:
    """`n` problems of one inspection (the ledger's factories; fast)."""
    ProblemFactory.create_batch(n)


def full() -> None:
    """Everything the backup test compares before and after."""
    accounts()
    today = timezone.localdate()
    ensure_demo_ledger(today)
    ensure_demo_workflows(today)
    ensure_demo_oversight(today)
    ensure_demo_disclosure(today)
    office = User.objects.get(username="office")
    problems = list(Problem.objects.order_by("id")[:3])
    samples = [
        ("现场照片.jpg", jpeg_bytes(gps=ZUNYI, size=(320, 240))),
        ("整改报告.pdf", PDF),
        ("验收意见.docx", docx_bytes()),
        ("示意图.png", png_bytes((64, 64))),
    ]
    for i, (name, data) in enumerate(samples):
        check_attach_evidence(
            problems[i % len(problems)],
            actor=office,
            uploaded_file=SimpleUploadedFile(name, data),
            caption=f"测试证据 {i + 1}",
        )


def loose_files(n: int) -> None:
    """`n` distinct PDF files stored by the office (not attached to anything)."""
    office = User.objects.get(username="office")
    for i in range(n):
        with transaction.atomic():
            store_upload(
                SimpleUploadedFile(f"{i}.pdf", PDF + bytes([i])), actor=office, purpose="test"
            )
