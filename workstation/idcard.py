"""Resident identity card numbers (居民身份证号码, GB 11643-1999)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum

from workstation.clock import china_today

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


class IdCardProblem(Enum):
    """Why a typed number is not (yet) a valid ID card number."""

    INCOMPLETE = "incomplete"
    BAD_CHARACTERS = "bad_characters"
    BAD_DATE = "bad_date"
    BAD_CHECKSUM = "bad_checksum"


@dataclass(frozen=True)
class IdCardCheck:
    """Result of checking a (possibly partial) ID card number."""

    valid: bool
    problem: IdCardProblem | None
    expected_check_digit: str | None = None


def check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits. Raises ValueError."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("need exactly 17 digits")
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def check_id_card(text: str, *, today: dt.date | None = None) -> IdCardCheck:
    """Check an 18-character ID number as typed (spaces ignored, lower-case x accepted)."""
    number = text.replace(" ", "").upper()
    body_ok = number[:17].isdigit() or not number[:17]
    last_ok = len(number) < 18 or number[17] in "0123456789X"
    if len(number) > 18 or not body_ok or not last_ok:
        return IdCardCheck(False, IdCardProblem.BAD_CHARACTERS)
    if len(number) < 18:
        return IdCardCheck(False, IdCardProblem.INCOMPLETE)
    birth = birth_date(number)
    if birth is None or birth > (today or china_today()) or birth.year < 1890:
        return IdCardCheck(False, IdCardProblem.BAD_DATE)
    expected = check_digit(number[:17])
    if expected != number[17]:
        return IdCardCheck(False, IdCardProblem.BAD_CHECKSUM, expected)
    return IdCardCheck(True, None)


def birth_date(number: str) -> dt.date | None:
    """The birth date embedded in characters 7–14, or None if it is not a real date."""
    try:
        return dt.datetime.strptime(number[6:14], "%Y%m%d").date()
    except ValueError:
        return None


def is_valid_id_card(text: str) -> bool:
    """True for a complete number with a real birth date and a correct check character."""
    return check_id_card(text).valid
