"""A patient's results as a timeline: filtering and grouping by day (pure functions)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum

from workstation.clock import china_time
from workstation.model import Category, Hospital, Result
from workstation.recognition.validity import Assessment, Eligibility


def search_text(result: Result, hospitals: Mapping[str, Hospital]) -> str:
    """What the timeline's text filter searches in a result, lower-cased: item name and
    code, modality, conclusion, hospital name, HR mark and the name of the source it came
    from (another platform, a PACS, a disc); for a result transcribed from paper also "纸质"
    and the hospital as she typed it."""
    hospital = hospitals.get(result.hospital_id)
    paper = [] if result.paper is None else ["纸质", result.paper.hospital_name]
    return " ".join(
        [
            result.item_name,
            result.item_code,
            result.modality,
            result.conclusion,
            hospital.name if hospital else result.hospital_id,
            result.mark.mark if result.mark else "",
            result.source,
            *paper,
        ]
    ).lower()


@dataclass(frozen=True)
class TimelineFilter:
    """What the doctor narrowed the timeline to. Empty fields do not filter.

    ``valid_only``: only results whose badge is valid now (within their validity window and
    recognisable here); ``item_code``: only results of one catalog item (every creatinine
    panel, every chest CT); ``source``: only results from one source (``Result.source``:
    "" is the platform she signed into first, so None, not "", means every source)."""

    hospital_id: str = ""
    category: Category | None = None
    modality: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    text: str = ""
    valid_only: bool = False
    item_code: str = ""
    source: str | None = None

    def matches(
        self,
        result: Result,
        hospitals: Mapping[str, Hospital],
        *,
        assessment: Assessment | None = None,
        text: str | None = None,
    ) -> bool:
        """Whether ``result`` passes every set criterion. ``assessment`` is its badge (a
        result without one never passes ``valid_only``); ``text`` its ``search_text``,
        when the caller keeps it (computed here otherwise). Days are Beijing days."""
        if self.hospital_id and result.hospital_id != self.hospital_id:
            return False
        if self.category is not None and result.category is not self.category:
            return False
        if self.modality and result.modality != self.modality:
            return False
        if self.item_code and result.item_code != self.item_code:
            return False
        if self.source is not None and result.source != self.source:
            return False
        if self.date_from or self.date_to:
            day = china_time(result.effective).date()
            if self.date_from and day < self.date_from:
                return False
            if self.date_to and day > self.date_to:
                return False
        if self.valid_only and (
            assessment is None or assessment.eligibility is not Eligibility.VALID
        ):
            return False
        if self.text:
            haystack = text if text is not None else search_text(result, hospitals)
            if not all(word in haystack for word in self.text.lower().split()):
                return False
        return True


def same_visit(results: Iterable[Result], anchor: Result) -> list[Result]:
    """Results of the same hospital on the same day as ``anchor`` (one visit), the day
    counted in Beijing time (a visit at 07:30 is not split from the rest of its morning by
    the UTC date line)."""
    day = china_time(anchor.effective).date()
    return [
        r
        for r in results
        if r.hospital_id == anchor.hospital_id and china_time(r.effective).date() == day
    ]


class SkipReason(Enum):
    """Why a result of the visit is left out of "accept all eligible"."""

    DECIDED = "decided"  # a decision is already in force
    NOT_CHECKED = "not_checked"  # no rule check yet (no catalog)
    NOT_ELIGIBLE = "not_eligible"  # the rules do not allow recognition (see eligibility)


@dataclass(frozen=True)
class BulkAcceptPlan:
    """What "accept all eligible of this visit" would accept, and why the rest would not be
    (each skipped result with its reason and, for NOT_ELIGIBLE, the blocking rule)."""

    accept: list[Result] = field(default_factory=list)
    skipped: list[tuple[Result, SkipReason, Eligibility | None]] = field(default_factory=list)

    def skip_counts(self) -> dict[SkipReason | Eligibility, int]:
        """How many results were left out per reason, the blocking rule standing for
        NOT_ELIGIBLE (insertion order: as the visit lists them)."""
        counts: dict[SkipReason | Eligibility, int] = {}
        for _result, reason, eligibility in self.skipped:
            key: SkipReason | Eligibility = eligibility if eligibility is not None else reason
            counts[key] = counts.get(key, 0) + 1
        return counts


def bulk_accept_plan(
    results: Iterable[Result],
    anchor: Result,
    assessments: Mapping[str, Assessment],
    decided: Mapping[str, object | None],
) -> BulkAcceptPlan:
    """What "accept all eligible of this visit" accepts: the visit's results that the
    rules find eligible and that have no decision in force (``decided`` maps a result id to
    its decision in force, or None); the others with the reason they are left out. The
    doctor still presses the button: nothing is ever accepted on her behalf."""
    plan = BulkAcceptPlan()
    for result in same_visit(results, anchor):
        assessment = assessments.get(result.id)
        if decided.get(result.id) is not None:
            plan.skipped.append((result, SkipReason.DECIDED, None))
        elif assessment is None:
            plan.skipped.append((result, SkipReason.NOT_CHECKED, None))
        elif not assessment.eligible:
            plan.skipped.append((result, SkipReason.NOT_ELIGIBLE, assessment.eligibility))
        else:
            plan.accept.append(result)
    return plan
