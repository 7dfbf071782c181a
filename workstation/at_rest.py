"""Encryption at rest of patient data kept on this machine (the journal's patient fields,
cached image bytes), with a data key that lives only in the OS keyring.

Each sealed value is ``enc1:<algorithm>:<key id>:<base64 nonce‖ciphertext‖tag>``, an AEAD
(AES-256-GCM by default; SM4-GCM where the platform requires national algorithms, GB/T
32907) bound by its associated data to where it belongs (column and row), so a value copied
into another row does not open. A missing or different key makes old values unreadable:
they raise ``UnreadableValue``, which callers report; nothing here crashes the program.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
import secrets as random
from enum import Enum
from typing import Protocol

from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

log = logging.getLogger("workstation.at_rest")
PREFIX = "enc1"
KEYRING_SERVICE = "hr-workstation"
_NONCE = 12
_TAG = 16


class CipherName(Enum):
    """The AEADs offered for data at rest."""

    AES_256_GCM = "aes-256-gcm"
    SM4_GCM = "sm4-gcm"  # 国密 SM4 (GB/T 32907-2016) in GCM mode, 128-bit key

    @property
    def key_bytes(self) -> int:
        """Key length in bytes."""
        return 32 if self is CipherName.AES_256_GCM else 16


class UnreadableValue(Exception):
    """A sealed value cannot be opened: the key is missing or another one, or the bytes were
    changed. The message says which, without the value."""


class KeyUnavailable(Exception):
    """No data key can be kept (no secure keyring, or the keyring refused)."""


class SecretStore(Protocol):
    """The OS keyring's interface (as in workstation.auth)."""

    def get_password(self, service: str, username: str) -> str | None: ...
    def set_password(self, service: str, username: str, password: str) -> None: ...


def cipher_name(text: str) -> CipherName:
    """The cipher a setting names ("aes-256-gcm", "sm4-gcm"). Raises ValueError."""
    try:
        return CipherName(text.strip().lower())
    except ValueError:
        names = ", ".join(c.value for c in CipherName)
        raise ValueError(f"unknown cipher {text!r} (one of {names})") from None


def sm4_available() -> bool:
    """Whether this build's OpenSSL offers SM4-GCM (some FIPS builds leave it out)."""
    try:
        Cipher(algorithms.SM4(bytes(16)), modes.GCM(bytes(_NONCE))).encryptor()
    except (UnsupportedAlgorithm, ValueError):
        return False
    return True


def key_id(key: bytes) -> str:
    """A short public name of a key (first 8 hex digits of its SHA-256)."""
    return hashlib.sha256(b"hr-workstation data key\x00" + key).hexdigest()[:8]


class FieldCipher:
    """Seals and opens text and bytes with one data key. Thread-safe (no state changes)."""

    def __init__(self, key: bytes, name: CipherName = CipherName.AES_256_GCM) -> None:
        if len(key) != name.key_bytes:
            raise ValueError(f"{name.value} needs a {name.key_bytes}-byte key")
        if name is CipherName.SM4_GCM and not sm4_available():
            raise KeyUnavailable("SM4-GCM is not available in this build's OpenSSL")
        self.name = name
        self.key_id = key_id(key)
        self._key = key

    def _encrypt(self, nonce: bytes, data: bytes, aad: bytes) -> bytes:
        if self.name is CipherName.AES_256_GCM:
            return AESGCM(self._key).encrypt(nonce, data, aad)
        encryptor = Cipher(algorithms.SM4(self._key), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(aad)
        return encryptor.update(data) + encryptor.finalize() + encryptor.tag

    def _decrypt(self, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
        if self.name is CipherName.AES_256_GCM:
            return AESGCM(self._key).decrypt(nonce, sealed, aad)
        body, tag = sealed[:-_TAG], sealed[-_TAG:]
        decryptor = Cipher(algorithms.SM4(self._key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(aad)
        return decryptor.update(body) + decryptor.finalize()

    def _header(self) -> str:
        return f"{PREFIX}:{self.name.value}:{self.key_id}:"

    def _seal_raw(self, data: bytes, context: str) -> bytes:
        nonce = os.urandom(_NONCE)
        return nonce + self._encrypt(nonce, data, context.encode("utf-8"))

    def _open_raw(self, name: str, kid: str, raw: bytes, context: str) -> bytes:
        if name != self.name.value:
            raise UnreadableValue(f"encrypted with {name}, but {self.name.value} is configured")
        if kid != self.key_id:
            raise UnreadableValue(f"encrypted with another key ({kid}; this one is {self.key_id})")
        if len(raw) < _NONCE + _TAG:
            raise UnreadableValue("encrypted value is truncated")
        try:
            return self._decrypt(raw[:_NONCE], raw[_NONCE:], context.encode("utf-8"))
        except InvalidTag:
            raise UnreadableValue("encrypted value was altered or moved") from None

    def seal_bytes(self, data: bytes, context: str) -> bytes:
        """``data`` encrypted and authenticated, bound to ``context`` (where it is kept)."""
        return self._header().encode("ascii") + self._seal_raw(data, context)

    def open_bytes(self, blob: bytes, context: str) -> bytes:
        """The bytes ``seal_bytes`` sealed under the same ``context``. Raises UnreadableValue."""
        parts = blob.split(b":", 3)
        if len(parts) != 4 or parts[0] != PREFIX.encode("ascii"):
            raise UnreadableValue("not an encrypted value")
        name = parts[1].decode("ascii", "replace")
        return self._open_raw(name, parts[2].decode("ascii", "replace"), parts[3], context)

    def seal(self, text: str, context: str) -> str:
        """``text`` sealed as one line of ASCII (for a database column)."""
        raw = self._seal_raw(text.encode("utf-8"), context)
        return self._header() + base64.b64encode(raw).decode("ascii")

    def open(self, sealed: str, context: str) -> str:
        """The text ``seal`` sealed under the same ``context``. Raises UnreadableValue."""
        parts = sealed.split(":", 3)
        if len(parts) != 4 or parts[0] != PREFIX:
            raise UnreadableValue("not an encrypted value")
        try:
            raw = base64.b64decode(parts[3], validate=True)
        except (binascii.Error, ValueError):
            raise UnreadableValue("encrypted value is damaged") from None
        try:
            return self._open_raw(parts[1], parts[2], raw, context).decode("utf-8")
        except UnicodeDecodeError:
            raise UnreadableValue("encrypted value is damaged") from None


def is_sealed(value: str) -> bool:
    """Whether a stored text is a sealed value (else it is plain, from before encryption)."""
    return value.startswith(PREFIX + ":")


def data_key(
    store: SecretStore, account: str, name: CipherName = CipherName.AES_256_GCM
) -> tuple[FieldCipher, bool]:
    """The data key for ``account`` (e.g. one user's journal) from the keyring, made and
    kept there on first use. Returns (cipher, created). Raises KeyUnavailable when the
    keyring refuses or holds something that is not a key."""
    entry = f"data-key:{name.value}:{account}"
    try:
        kept = store.get_password(KEYRING_SERVICE, entry)
    except Exception as exc:  # every keyring backend has its own errors
        raise KeyUnavailable(f"the keyring cannot be read ({type(exc).__name__})") from exc
    if kept:
        try:
            key = base64.b64decode(kept, validate=True)
            return FieldCipher(key, name), False
        except (binascii.Error, ValueError) as exc:
            raise KeyUnavailable("the keyring holds a damaged data key") from exc
    key = random.token_bytes(name.key_bytes)
    try:
        store.set_password(KEYRING_SERVICE, entry, base64.b64encode(key).decode("ascii"))
    except Exception as exc:
        raise KeyUnavailable(f"the keyring refused the data key ({type(exc).__name__})") from exc
    log.info("new data key made in the keyring (%s)", name)
    return FieldCipher(key, name), True


def adopt_data_key(
    store: SecretStore, earlier: str, account: str, name: CipherName = CipherName.AES_256_GCM
) -> bool:
    """Copy the data key kept for account ``earlier`` to ``account`` when only the earlier
    one exists (a journal moved to a new folder name keeps opening with its key). Returns
    True when a key was copied. Raises KeyUnavailable when the keyring refuses."""
    old_entry = f"data-key:{name.value}:{earlier}"
    new_entry = f"data-key:{name.value}:{account}"
    try:
        if store.get_password(KEYRING_SERVICE, new_entry):
            return False
        kept = store.get_password(KEYRING_SERVICE, old_entry)
        if not kept:
            return False
        store.set_password(KEYRING_SERVICE, new_entry, kept)
    except Exception as exc:  # every keyring backend has its own errors
        raise KeyUnavailable(f"the keyring cannot be used ({type(exc).__name__})") from exc
    return True
