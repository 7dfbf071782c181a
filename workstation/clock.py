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


def china_today(now: dt.datetime | None = None) -> dt.date:
    """Today's date in Beijing (``now``: a timezone-aware moment, the present by default).
    Not the computer's local date: on a machine set to UTC the Beijing day begins at 16:00,
    and a period ending "today" would leave out what was decided since."""
    return china_time(now or dt.datetime.now(dt.UTC)).date()
