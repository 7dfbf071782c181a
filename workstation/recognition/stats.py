"""A doctor's own recognition statistics from her journal: reviewed, accepted, repeats by
reason, acceptance by category and source hospital, and yuan saved for the patient."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from workstation.journal import JournalEntry
from workstation.model import Catalog
from workstation.recognition.decisions import Decision, DecisionKind, decisions_in_force


@dataclass
class Rate:
    """Accepted out of decided."""

    accepted: int = 0
    decided: int = 0

    @property
    def percent(self) -> float:
        """Acceptance in percent (0 when nothing was decided)."""
        return 100.0 * self.accepted / self.decided if self.decided else 0.0


@dataclass
class Statistics:
    """Figures over a date range, counting each result's decision in force."""

    reviewed: int = 0
    accepted: int = 0
    repeated: int = 0
    refusals: int = 0  # repeats whose reason counts as a refusal
    saved_yuan: float = 0.0
    by_category: dict[str, Rate] = field(default_factory=dict)
    by_hospital: dict[str, Rate] = field(default_factory=dict)
    reasons: Counter[str] = field(default_factory=Counter)


def in_force(entries: Iterable[JournalEntry]) -> list[Decision]:
    """The decision in force per result (``decisions_in_force``), in journal order of results."""
    return list(decisions_in_force(entry.decision for entry in entries).values())


def compute(
    entries: Iterable[JournalEntry],
    catalog: Catalog | None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Statistics:
    """Statistics of decisions authored between ``start`` and ``end`` (inclusive, local)."""
    stats = Statistics()
    refusal = {r.code: r.counts_as_refusal for r in catalog.reasons} if catalog else {}
    for decision in in_force(entries):
        day = decision.authored_on.date()
        if (start and day < start) or (end and day > end):
            continue
        stats.reviewed += 1
        accepted = decision.kind is DecisionKind.ACCEPTED
        for key, table in (
            (decision.category, stats.by_category),
            (decision.hospital_id, stats.by_hospital),
        ):
            rate = table.setdefault(key, Rate())
            rate.decided += 1
            rate.accepted += int(accepted)
        if accepted:
            stats.accepted += 1
            item = catalog.item(decision.item_code) if catalog else None
            stats.saved_yuan += item.price_yuan if item else 0.0
        else:
            stats.repeated += 1
            stats.reasons[decision.reason_label or decision.reason_code] += 1
            stats.refusals += int(refusal.get(decision.reason_code, True))
    return stats


def to_csv(
    entries: Iterable[JournalEntry], start: dt.date | None = None, end: dt.date | None = None
) -> str:
    """The decisions in force as CSV (UTF-8 text with a BOM so Excel opens Chinese)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "authored_on",
            "result",
            "patient",
            "category",
            "item",
            "hospital",
            "decision",
            "reason_code",
            "reason",
            "note",
            "patient_informed",
            "catalog_version",
        ]
    )
    for d in in_force(entries):
        day = d.authored_on.date()
        if (start and day < start) or (end and day > end):
            continue
        writer.writerow(
            [
                d.authored_on.isoformat(timespec="seconds"),
                d.result_id,
                d.patient_id,
                d.category,
                d.item_code,
                d.hospital_id,
                d.kind.value,
                d.reason_code,
                d.reason_label,
                d.note,
                int(d.patient_informed),
                d.catalog_version,
            ]
        )
    return "\ufeff" + out.getvalue()
