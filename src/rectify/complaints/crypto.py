"""Encryption of complainants' personal data (whistle-blower protection).

SM4-GCM (GB/T 32907, the national standard cipher) where the cryptography library's OpenSSL
offers it, AES-256-GCM otherwise; the algorithm is tagged in each ciphertext so that records
stay readable when a machine with the other backend takes over. The master key lives outside
the database (settings.RECTIFY_PII_KEY or RECTIFY_PII_KEY_FILE); per-algorithm keys are
derived from it with HKDF. The associated data binds a ciphertext to its complaint's
acceptance number, so a ciphertext copied onto another row does not decrypt.

Nothing here logs, and decrypted values are returned only to complaints.actions.
"""

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SM4 = b"S1"
AES = b"A1"
NONCE = 12
TAG = 16


@dataclass(frozen=True)
class PersonalData:
    name: str = ""
    phone: str = ""
    address: str = ""

    def is_empty(self) -> bool:
        return not (self.name or self.phone or self.address)

    def values(self) -> list[str]:
        return [v for v in (self.name, self.phone, self.address) if v]


def _derive(master: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info).derive(master)


@dataclass(frozen=True)
class Key:
    key_id: str
    sm4: bytes
    aes: bytes


def _key(master: bytes) -> Key:
    if len(master) != 32:
        raise ImproperlyConfigured("A personal-data key must be 32 bytes (base64-encoded).")
    return Key(
        key_id=hashlib.sha256(b"rectify-pii-id" + master).hexdigest()[:12],
        sm4=_derive(master, b"rectify-pii-sm4", 16),
        aes=_derive(master, b"rectify-pii-aes", 32),
    )


@cache
def _keys() -> tuple[Key, ...]:
    """The configured keys, newest first."""
    lines: list[str] = []
    if settings.RECTIFY_PII_KEY:
        lines.append(settings.RECTIFY_PII_KEY)
    path = settings.RECTIFY_PII_KEY_FILE
    if path.exists():
        lines += [x.strip() for x in path.read_text().splitlines() if x.strip()]
    elif not lines:
        if not settings.RECTIFY_PII_KEY_AUTOCREATE:
            raise ImproperlyConfigured(
                "Set RECTIFY_PII_KEY or RECTIFY_PII_KEY_FILE: the key that encrypts "
                "complainants' personal data."
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(base64.b64encode(os.urandom(32)).decode() + "\n")
        lines = [path.read_text().strip()]
    try:
        return tuple(_key(base64.b64decode(line, validate=True)) for line in lines)
    except ValueError as exc:
        raise ImproperlyConfigured(f"Unreadable personal-data key: {exc}") from None


def reset_keys() -> None:
    """Forget cached keys (after the settings changed: tests, key rotation)."""
    _keys.cache_clear()


@cache
def sm4_available() -> bool:
    try:
        enc = Cipher(algorithms.SM4(b"\0" * 16), modes.GCM(b"\0" * NONCE)).encryptor()
        enc.update(b"x")
        enc.finalize()
    except Exception:  # any refusal of the backend means "not offered"
        return False
    return True


def current_key_id() -> str:
    return _keys()[0].key_id


class Sealer:
    """Encrypts with the current key; makes the cipher objects once, so that a bulk intake
    pays per record only for the nonce and the cipher run."""

    def __init__(self):
        key = _keys()[0]
        self.key_id = key.key_id
        self._sm4 = algorithms.SM4(key.sm4) if sm4_available() else None
        self._aes = None if self._sm4 is not None else AESGCM(key.aes)

    def seal(self, data: PersonalData, *, context: str) -> bytes:
        """Ciphertext of `data` bound to `context` (the acceptance number)."""
        plain = json.dumps(
            {"n": data.name, "p": data.phone, "a": data.address}, ensure_ascii=False
        ).encode()
        aad = context.encode()
        nonce = os.urandom(NONCE)
        if self._sm4 is not None:
            enc = Cipher(self._sm4, modes.GCM(nonce)).encryptor()
            enc.authenticate_additional_data(aad)
            body = enc.update(plain) + enc.finalize() + enc.tag
            return SM4 + nonce + body
        return AES + nonce + self._aes.encrypt(nonce, plain, aad)


def encrypt(data: PersonalData, *, context: str) -> tuple[bytes, str]:
    """Ciphertext of `data` bound to `context` (the acceptance number), and the key id."""
    sealer = Sealer()
    return sealer.seal(data, context=context), sealer.key_id


def decrypt(ciphertext: bytes, key_id: str, *, context: str) -> PersonalData:
    """The personal data in `ciphertext`; ValueError when no key or the wrong context."""
    ciphertext = bytes(ciphertext)
    key = next((k for k in _keys() if k.key_id == key_id), None)
    if key is None:
        raise ValueError(f"personal-data key {key_id} is not configured")
    tag, nonce, body = ciphertext[:2], ciphertext[2 : 2 + NONCE], ciphertext[2 + NONCE :]
    aad = context.encode()
    try:
        if tag == SM4:
            dec = Cipher(algorithms.SM4(key.sm4), modes.GCM(nonce, body[-TAG:])).decryptor()
            dec.authenticate_additional_data(aad)
            plain = dec.update(body[:-TAG]) + dec.finalize()
        elif tag == AES:
            plain = AESGCM(key.aes).decrypt(nonce, body, aad)
        else:
            raise ValueError("unknown ciphertext format")
    except InvalidTag:
        raise ValueError("personal data does not decrypt for this complaint") from None
    raw = json.loads(plain)
    return PersonalData(name=raw["n"], phone=raw["p"], address=raw["a"])
