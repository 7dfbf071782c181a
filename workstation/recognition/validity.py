"""Whether a result is eligible for recognition under the platform's catalog.

The program explains what the rules say; the receiving doctor decides (以接诊医师判断为标准).
"""

from __future__ import annotations

import datetime as dt
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


def _in_region(mark_scope: str, mark_region: str, here: str) -> bool:
    if not here:
        return True
    if mark_scope == "national":
        return True
    if mark_scope == "province":
        return mark_region[:2] == here[:2]
    return mark_region == here


def assess(
    result: Result,
    catalog: Catalog,
    hospital: Hospital | None,
    here_region: str,
    now: dt.datetime,
) -> Assessment:
    """Check ``result`` (issued by ``hospital``) for a doctor working in ``here_region``
    (a region code) at ``now`` (timezone-aware)."""
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
    if item.regions and here_region and here_region not in item.regions:
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
