"""Masking of personal identifiers and secrets in free text: the second net under the log
allow-list (workstation/logs.py), applied to every log line and crash report.

The first net is that patient data and secrets are never formatted into log messages at all;
these patterns catch what slips through anyway (an exception's text, a traceback, a library's
words): ID card numbers in every common spelling, mobile numbers, tokens, passwords and
authorization codes.
"""

from __future__ import annotations

import re

# Full-width digits and letters (０-９, Ｘ) are how some input methods type an ID number.
_FULL_WIDTH = str.maketrans(
    {chr(0xFF10 + i): str(i) for i in range(10)} | {"Ｘ": "X", "ｘ": "x", "－": "-", "\u3000": " "}
)
# URL-encoded separators hide the boundaries of identifiers in query strings and paths.
_URL_SEPARATORS = re.compile(r"%(7[Cc]|3[DdAa]|26|2[CcFf]|20|2[Bb])")
_DECODED = {"7C": "|", "3D": "=", "3A": ":", "26": "&", "2C": ",", "2F": "/", "20": " ", "2B": "+"}
_SEP = r"[ \-]?"  # one optional space or dash between digits ("110101 19900307 4514")
# 18-character resident identity card numbers (last character may be X), written whole or in
# groups. Digits on either side would make it another number; letters do not (file names,
# "ID…", "%3A…").
_ID_CARD_18 = re.compile(rf"(?<!\d)\d(?:{_SEP}\d){{16}}{_SEP}[\dXx](?![\dXx])")
# 15-digit first-generation card numbers (still on old records).
_ID_CARD_15 = re.compile(rf"(?<!\d)\d(?:{_SEP}\d){{14}}(?!\d)")
# Mainland mobile numbers, with or without +86 / 0086 / 86 and spaces or dashes.
_MOBILE = re.compile(
    rf"(?<![\d+])(?:(?:\+|00)?86{_SEP})?(1[3-9]\d){_SEP}(\d{{4}}){_SEP}(\d{{4}})(?!\d)"
)
# Bearer tokens and JWTs.
_BEARER = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+")
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
# Secrets in key=value, key: value, JSON ("key": "…") and Python-repr ('key': '…') form.
_SECRET_NAMES = "|".join(
    (
        *("password", "passwd", "pwd", "passphrase", "secret", "client_secret"),
        *("token", "access_token", "refresh_token", "id_token", "session_token"),
        *("code", "auth_code", "authorization_code", "code_verifier", "api_key", "apikey"),
    )
)
_SECRET_QUOTED = re.compile(
    rf"(?i)(?<![A-Za-z0-9_])(['\"]?(?:{_SECRET_NAMES})['\"]?\s*[:=]\s*)"
    r"(\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*')"
)
# Unquoted: the value runs to the next "&key=" or " key=" (another field) or the line's end,
# so a password with spaces, commas or "&" is taken whole.
_SECRET_BARE = re.compile(
    rf"(?i)(?<![A-Za-z0-9_])((?:{_SECRET_NAMES})\s*[:=]\s*)"
    r"(?![\"'<])((?:(?!&[A-Za-z_][A-Za-z0-9_]*=|[\s,;]+[A-Za-z_][A-Za-z0-9_]*\s*[:=])[^\r\n])+)"
)


def mask_id_card(number: str) -> str:
    """Mask an ID card number the way it may appear on screen or in print (5101**********1234)."""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def _mask_grouped(match: re.Match[str]) -> str:
    compact = re.sub(r"[ \-]", "", match.group(0))
    return mask_id_card(compact)


def redact(text: str) -> str:
    """Remove ID card numbers, phone numbers, tokens, codes and passwords from free text."""
    text = text.translate(_FULL_WIDTH)
    text = _URL_SEPARATORS.sub(lambda m: _DECODED[m.group(1).upper()], text)
    text = _JWT.sub("<jwt>", text)
    text = _BEARER.sub(r"\1<redacted>", text)
    text = _SECRET_QUOTED.sub(r"\1'<redacted>'", text)
    text = _SECRET_BARE.sub(r"\1<redacted>", text)
    text = _ID_CARD_18.sub(_mask_grouped, text)
    text = _ID_CARD_15.sub(_mask_grouped, text)
    return _MOBILE.sub(lambda m: m.group(1) + "****" + m.group(3), text)
