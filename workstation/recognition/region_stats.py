"""The region's recognition statistics as the platform reports them to an administrator:
totals, acceptance and repeats by issuing hospital and by item, repeats by reason, yuan
saved, over a period; and the same as CSV for Excel."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Group:
    """The figures of one hospital, one item, or the whole region."""

    key: str  # hospital id or item code ("" for the totals)
    name: str
    decided: int
    accepted: int
    repeated: int
    refusals: int  # repeats whose reason counts as a refusal
    saved_yuan: float

    @property
    def acceptance_percent(self) -> float:
        """Accepted out of decided, in percent (0 when nothing was decided)."""
        return 100.0 * self.accepted / self.decided if self.decided else 0.0

    @property
    def repeat_percent(self) -> float:
        """Repeated out of decided, in percent (0 when nothing was decided)."""
        return 100.0 * self.repeated / self.decided if self.decided else 0.0


@dataclass(frozen=True)
class ReasonCount:
    """How often one repeat reason was given."""

    code: str
    label: str
    count: int
    counts_as_refusal: bool


@dataclass(frozen=True)
class RegionStatistics:
    """The region's figures over ``start``–``end`` (China days, inclusive; None = open)."""

    start: dt.date | None
    end: dt.date | None
    totals: Group
    by_hospital: tuple[Group, ...]
    by_item: tuple[Group, ...]
    by_reason: tuple[ReasonCount, ...]
    paper: Group | None = None  # the part of ``totals`` on results transcribed from paper


def _group(raw: Any, key_field: str) -> Group:
    if not isinstance(raw, dict):
        raise ValueError("a group is not an object")
    return Group(
        key=str(raw.get(key_field, "")),
        name=str(raw.get("name", "")),
        decided=int(raw.get("decided", 0)),
        accepted=int(raw.get("accepted", 0)),
        repeated=int(raw.get("repeated", 0)),
        refusals=int(raw.get("refusals", 0)),
        saved_yuan=float(raw.get("savedYuan", 0.0)),
    )


def _date(text: Any) -> dt.date | None:
    return dt.date.fromisoformat(str(text)) if text else None


def parse_region_statistics(doc: Any) -> RegionStatistics:
    """The platform's breakdown document. Raises ValueError when it has another shape."""
    if not isinstance(doc, dict):
        raise ValueError("statistics are not a JSON object")
    try:
        return RegionStatistics(
            start=_date(doc.get("from")),
            end=_date(doc.get("to")),
            totals=_group(doc.get("totals", {}), "-"),
            by_hospital=tuple(_group(g, "id") for g in doc.get("byHospital", [])),
            by_item=tuple(_group(g, "code") for g in doc.get("byItem", [])),
            by_reason=tuple(
                ReasonCount(
                    str(r.get("code", "")),
                    str(r.get("label", "")),
                    int(r.get("count", 0)),
                    bool(r.get("countsAsRefusal", True)),
                )
                for r in doc.get("byReason", [])
            ),
            paper=_group(doc["paper"], "-") if doc.get("paper") is not None else None,
        )
    except (TypeError, AttributeError) as exc:
        raise ValueError(f"statistics have an unexpected shape: {exc}") from exc


def region_csv(stats: RegionStatistics, headings: dict[str, str]) -> str:
    """The statistics as CSV text with a BOM (Excel then reads the Chinese as UTF-8).

    One row per figure group: ``section`` (``headings`` maps "total", "hospital", "item",
    "reason" and the column names to the words printed), the group's name, decided,
    accepted, repeated, refusals, acceptance %, repeat %, yuan saved; reasons give their
    count in the repeated column (and in refusals when the reason counts as one).
    """
    out = io.StringIO()
    writer = csv.writer(out)
    period = f"{stats.start or ''} – {stats.end or ''}"
    writer.writerow([headings.get("period", "period"), period])
    columns = ["section", "name", "decided", "accepted", "repeated", "refusals"]
    columns += ["acceptance", "repeat_rate", "saved"]
    writer.writerow([headings.get(c, c) for c in columns])

    def row(section: str, g: Group) -> list[str]:
        return [
            headings.get(section, section),
            g.name or g.key,
            str(g.decided),
            str(g.accepted),
            str(g.repeated),
            str(g.refusals),
            f"{g.acceptance_percent:.1f}",
            f"{g.repeat_percent:.1f}",
            f"{g.saved_yuan:.2f}",
        ]

    writer.writerow(row("total", stats.totals))
    for g in stats.by_hospital:
        writer.writerow(row("hospital", g))
    for g in stats.by_item:
        writer.writerow(row("item", g))
    for r in stats.by_reason:
        refusals = str(r.count if r.counts_as_refusal else 0)
        label = r.label or r.code
        writer.writerow(
            [headings.get("reason", "reason"), label, "", "", str(r.count), refusals, "", "", ""]
        )
    return "\ufeff" + out.getvalue()
