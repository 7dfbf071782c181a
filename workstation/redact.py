"""Masking of personal identifiers before anything reaches a log or a crash report."""

from __future__ import annotations

import re

# 18-character resident identity card numbers (last character may be X).
# Digits on either side would make it another number; letters do not (file names, "ID…").
_ID_CARD = re.compile(r"(?<!\d)(\d{4})\d{10}(\d{3}[\dXx])(?!\d)")
# Mainland mobile numbers.
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
# URL-encoded separators hide the boundaries of identifiers in query strings.
_URL_SEPARATORS = re.compile(r"%7[Cc]|%3[Dd]|%26|%2[Cc]")
_DECODED = {"%7C": "|", "%3D": "=", "%26": "&", "%2C": ","}
# Bearer tokens, JWTs and secrets in key=value form.
_BEARER = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+")
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_SECRET_KV = re.compile(
    r"(?i)\b(password|passwd|refresh_token|access_token|id_token|client_secret|code_verifier)"
    r"(\"?\s*[:=]\s*\"?)([^\s&\",]+)"
)


def mask_id_card(number: str) -> str:
    """Mask an ID card number the way it may appear on screen or in print (5101**********1234)."""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def redact(text: str) -> str:
    """Remove ID card numbers, phone numbers, tokens and passwords from free text."""
    text = _URL_SEPARATORS.sub(lambda m: _DECODED[m.group(0).upper()], text)
    text = _ID_CARD.sub(lambda m: m.group(1) + "*" * 10 + m.group(2), text)
    text = _MOBILE.sub(lambda m: m.group(1) + "****" + m.group(2), text)
    text = _JWT.sub("<jwt>", text)
    text = _BEARER.sub(r"\1<redacted>", text)
    return _SECRET_KV.sub(r"\1\2<redacted>", text)
