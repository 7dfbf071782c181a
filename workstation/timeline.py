"""A patient's results as a timeline: filtering and grouping by day (pure functions)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from workstation.clock import china_time
from workstation.model import Category, Hospital, Result
from workstation.recognition.validity import Assessment, Eligibility


def search_text(result: Result, hospitals: Mapping[str, Hospital]) -> str:
    """What the timeline's text filter searches in a result, lower-cased: item name and
    code, modality, conclusion, hospital name and HR mark."""
    hospital = hospitals.get(result.hospital_id)
    return " ".join(
        [
            result.item_name,
            result.item_code,
            result.modality,
            result.conclusion,
            hospital.name if hospital else result.hospital_id,
            result.mark.mark if result.mark else "",
        ]
    ).lower()


@dataclass(frozen=True)
class TimelineFilter:
    """What the doctor narrowed the timeline to. Empty fields do not filter.

    ``valid_only``: only results whose badge is valid now (within their validity window and
    recognisable here); ``item_code``: only results of one catalog item (every creatinine
    panel, every chest CT)."""

    hospital_id: str = ""
    category: Category | None = None
    modality: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    text: str = ""
    valid_only: bool = False
    item_code: str = ""

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


def bulk_accept_candidates(
    results: Iterable[Result],
    anchor: Result,
    assessments: Mapping[str, Assessment],
    decided: Mapping[str, object | None],
) -> list[Result]:
    """What "accept all eligible of this visit" accepts: the visit's results that the
    rules find eligible and that have no decision in force (``decided`` maps a result id to
    its decision in force, or None). The doctor still presses the button: nothing is ever
    accepted on her behalf."""
    return [
        r
        for r in same_visit(results, anchor)
        if (a := assessments.get(r.id)) is not None and a.eligible and decided.get(r.id) is None
    ]
