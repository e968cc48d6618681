"""Fixtures of the disclosure tests (see support.py for who sees what). The clock stands
at 2020-09-10, ten days after the reference disclosure's date."""

import base64

import pytest
import time_machine

from rectify.complaints import crypto
from tests.reports.disclosure import support


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(support.at(support.TODAY), tick=False):
        yield


@pytest.fixture
def pii_key(settings, tmp_path):
    """A personal-data key of the test's own (complaint intake encrypts complainants)."""
    settings.RECTIFY_PII_KEY = base64.b64encode(b"k" * 32).decode()
    settings.RECTIFY_PII_KEY_FILE = tmp_path / "none.key"
    crypto.reset_keys()
    yield
    crypto.reset_keys()


@pytest.fixture
def inspection(orgs):
    return support.lookback()


@pytest.fixture
def ledger(inspection):
    return support.build_ledger(inspection)


@pytest.fixture
def world(inspection, ledger, office_clerk, pii_key):
    """The ledger with a follow-up inspection, oversight records and complaints."""
    support.build_followup(inspection)
    support.build_oversight(office_clerk, inspection)
    support.build_complaints(office_clerk, inspection)
    return inspection


@pytest.fixture(autouse=True)
def english(client):
    """UI messages in English (the msgids) whatever the catalogue holds: pages through the
    Accept-Language header, actions and commands through the active language. The
    disclosure's own text keeps its language (zh or en) regardless."""
    from django.utils import translation

    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield
