"""Complainants' personal data at rest: encrypted, bound to its complaint, key outside the DB."""

import base64
import os

import pytest
from django.core.exceptions import ImproperlyConfigured

from rectify.complaints import crypto
from rectify.complaints.crypto import PersonalData


@pytest.fixture
def key_file(tmp_path, settings):
    path = tmp_path / "pii.key"
    settings.RECTIFY_PII_KEY = ""
    settings.RECTIFY_PII_KEY_FILE = path
    settings.RECTIFY_PII_KEY_AUTOCREATE = True
    crypto.reset_keys()
    yield path
    crypto.reset_keys()


def test_round_trip_with_the_key_file_created_outside_the_database(key_file):
    data = PersonalData(name="林晓燕", phone="13985012345", address="遵义市播州区鸭溪镇")
    ciphertext, key_id = crypto.encrypt(data, context="D3GZ201811060001")
    assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert "林晓燕".encode() not in ciphertext and b"13985012345" not in ciphertext
    assert crypto.decrypt(ciphertext, key_id, context="D3GZ201811060001") == data


def test_the_national_cipher_is_used_when_the_backend_offers_it(key_file):
    ciphertext, _ = crypto.encrypt(PersonalData(name="甲"), context="X")
    assert ciphertext[:2] == (crypto.SM4 if crypto.sm4_available() else crypto.AES)


def test_a_ciphertext_moved_to_another_complaint_does_not_decrypt(key_file):
    ciphertext, key_id = crypto.encrypt(PersonalData(name="林晓燕"), context="D3GZ201811060001")
    with pytest.raises(ValueError):
        crypto.decrypt(ciphertext, key_id, context="D3GZ201811060002")


def test_a_tampered_ciphertext_is_refused(key_file):
    ciphertext, key_id = crypto.encrypt(PersonalData(name="林晓燕"), context="A")
    broken = ciphertext[:-1] + bytes([ciphertext[-1] ^ 1])
    with pytest.raises(ValueError):
        crypto.decrypt(broken, key_id, context="A")


def test_old_keys_still_decrypt_after_rotation(key_file):
    ciphertext, old_id = crypto.encrypt(PersonalData(phone="13800000000"), context="A")
    old = key_file.read_text().strip()
    key_file.write_text(base64.b64encode(os.urandom(32)).decode() + "\n" + old + "\n")
    crypto.reset_keys()
    assert crypto.current_key_id() != old_id
    assert crypto.decrypt(ciphertext, old_id, context="A").phone == "13800000000"


def test_production_refuses_to_invent_a_key(tmp_path, settings):
    settings.RECTIFY_PII_KEY = ""
    settings.RECTIFY_PII_KEY_FILE = tmp_path / "missing.key"
    settings.RECTIFY_PII_KEY_AUTOCREATE = False
    crypto.reset_keys()
    try:
        with pytest.raises(ImproperlyConfigured):
            crypto.encrypt(PersonalData(name="甲"), context="A")
    finally:
        crypto.reset_keys()
