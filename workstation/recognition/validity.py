"""Whether a result is eligible for recognition under the platform's catalog.

The program explains what the rules say; the receiving doctor decides (以接诊医师判断为标准).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from workstation.model import Catalog, Hospital, Result


class Eligibility(Enum):
    """The badge a result gets on the timeline. Order = how bad (first blocking rule wins)."""

    VALID = "valid"
    NOT_RECOGNIZED = "not_recognized"  # not a catalog item
    NO_MARK = "no_mark"  # the issuing hospital did not mark it HR
    OUT_OF_REGION = "out_of_region"
    BELOW_LEVEL = "below_level"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Assessment:
    """The rule check of one result, with the facts behind it."""

    eligibility: Eligibility
    catalog_version: str
    age: dt.timedelta
    validity: dt.timedelta | None = None
    expires_at: dt.datetime | None = None
    min_level: str = ""

    @property
    def eligible(self) -> bool:
        """True when every rule is met."""
        return self.eligibility is Eligibility.VALID


def region_prefix(code: str) -> str:
    """The part of a GB/T 2260 division code that its subdivisions share: "51" for a
    province (510000), "5101" for a city (510100), the whole code for a district or county
    (510115). Surrounding space is ignored; a code that is not six digits is its own
    prefix."""
    code = code.strip()
    if len(code) != 6 or not code.isdigit():
        return code
    if code[2:] == "0000":
        return code[:2]
    if code[4:] == "00":
        return code[:4]
    return code


def region_covers(scope: str, here: str) -> bool:
    """Whether the division ``scope`` contains the division ``here`` (GB/T 2260 codes):
    a province covers its cities, districts and counties; a city its districts and
    counties (510100 covers 510115 温江区 and 510100 itself); a district only itself.
    Region scope is hierarchical, never a comparison of six-digit codes."""
    prefix = region_prefix(scope)
    return bool(prefix) and here.strip().startswith(prefix)


def _in_region(mark_scope: str, mark_region: str, here: str) -> bool:
    if not here:
        return True
    if mark_scope == "national":
        return True
    if mark_scope == "province":
        return region_covers(mark_region[:2] + "0000", here)
    return region_covers(mark_region, here)


def assess(
    result: Result,
    catalog: Catalog,
    hospital: Hospital | None,
    here_region: str,
    now: dt.datetime,
) -> Assessment:
    """Check ``result`` (issued by ``hospital``) for a doctor working in ``here_region``
    (a GB/T 2260 code: province, city, district or county) at ``now`` (timezone-aware).

    A mark or a catalog item of a region covers every division inside it (``region_covers``).
    A result is valid up to and including the last moment of its window (exactly 24 h old
    is valid for a 24-hour item; 24 h and a second is expired)."""
    age = now - result.effective
    item = catalog.item(result.item_code)
    if item is None:
        return Assessment(Eligibility.NOT_RECOGNIZED, catalog.version, age)
    validity = dt.timedelta(hours=item.validity_hours)
    expires = result.effective + validity

    def verdict(eligibility: Eligibility) -> Assessment:
        return Assessment(eligibility, catalog.version, age, validity, expires, item.min_level)

    if result.mark is None:
        return verdict(Eligibility.NO_MARK)
    region_ok = _in_region(result.mark.scope, result.mark.region_code, here_region)
    if (
        item.regions
        and here_region
        and not any(region_covers(r, here_region) for r in item.regions)
    ):
        region_ok = False
    if not region_ok:
        return verdict(Eligibility.OUT_OF_REGION)
    have = catalog.level_rank(hospital.level_code) if hospital else None
    need = catalog.level_rank(item.min_level)
    if need is not None and (have is None or have < need):
        return verdict(Eligibility.BELOW_LEVEL)
    if age > validity:
        return verdict(Eligibility.EXPIRED)
    return verdict(Eligibility.VALID)


# Items valid for less than this are counted in hours on the badge (cardiac markers: 24 h).
HOURLY_BELOW = dt.timedelta(hours=72)
_HOUR = dt.timedelta(hours=1)
_SHOWN_ELAPSED = (Eligibility.VALID, Eligibility.EXPIRED)


@dataclass(frozen=True)
class HourlyBadge:
    """What the badge of an hour-scale item adds: "有效期4小时，已过2小时".

    ``validity_hours`` is the catalog's window; ``elapsed_hours`` the whole hours since
    the sample (rounded down), None once that is ``HOURLY_BELOW`` or more (the badge then
    names the window only).
    """

    validity_hours: int
    elapsed_hours: int | None


def hourly_badge(assessment: Assessment) -> HourlyBadge | None:
    """The hours to show on a valid or expired badge of an item whose window is under
    ``HOURLY_BELOW``; None for other items and other badges."""
    validity = assessment.validity
    if validity is None or validity >= HOURLY_BELOW or assessment.eligibility not in _SHOWN_ELAPSED:
        return None
    age = max(assessment.age, dt.timedelta(0))
    elapsed = age // _HOUR if age < HOURLY_BELOW else None
    return HourlyBadge(validity // _HOUR, elapsed)


def next_badge_change(assessments: Iterable[Assessment], now: dt.datetime) -> dt.datetime | None:
    """The first moment after ``now`` at which one of these badges reads differently: a
    valid result's window ends (just after ``expires_at``: a result exactly at the end of
    its window is still valid), or an hour-scale item's elapsed hours go up by one. None
    when no badge will change by itself. ``now`` must be timezone-aware."""
    edges: list[dt.datetime] = []
    for assessment in assessments:
        if assessment.expires_at is None or assessment.validity is None:
            continue
        if assessment.eligibility is Eligibility.VALID and assessment.expires_at >= now:
            edges.append(assessment.expires_at + dt.timedelta(microseconds=1))
        if hourly_badge(assessment) is None:
            continue
        effective = assessment.expires_at - assessment.validity
        age = now - effective
        if dt.timedelta(0) <= age < HOURLY_BELOW:
            edges.append(effective + (age // _HOUR + 1) * _HOUR)
    return min(edges, default=None)
