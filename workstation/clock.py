"""The time the doctor reads: China Standard Time (UTC+8, no daylight saving). Stored and
exchanged times stay timezone-aware UTC; only what is shown is converted, here."""

from __future__ import annotations

import datetime as dt

CHINA = dt.timezone(dt.timedelta(hours=8), "CST")


def china_time(when: dt.datetime) -> dt.datetime:
    """``when`` (timezone-aware) as Beijing time. Raises ValueError for a naive time,
    whose zone nobody knows."""
    if when.tzinfo is None:
        raise ValueError("a time without a zone cannot be shown as Beijing time")
    return when.astimezone(CHINA)
