"""Trends of one patient's lab values across hospitals, in each analyte's preferred unit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from workstation.labs.analytes import AnalyteTable
from workstation.labs.flags import LabFlag, lab_flag
from workstation.labs.normalize import NormalizedValue, normalize, reported_unit
from workstation.labs.precision import lab_number
from workstation.labs.shown import converted_texts
from workstation.model import LabObservation

__all__ = [
    "AgeUnit",
    "TrendPoint",
    "age_text_parts",
    "series_for",
    "series_key",
    "series_title",
    "trend_series",
    "trend_window",
]

AgeUnit = Literal["minutes", "hours", "days"]


@dataclass(frozen=True)
class TrendPoint:
    """One value on a trend, with the reporting hospital's own range and the original.

    ``value``, ``ref_low`` and ``ref_high`` are in ``unit`` (the analyte's preferred
    unit); ``original_value``/``original_unit`` are as the hospital printed them. ``flag``
    is ``lab_flag`` of the observation: the hospital's own flag as reported, with how its
    range reads the value (the same as the lab table and the printed summary show).
    """

    time: dt.datetime
    value: float
    unit: str
    hospital_id: str
    ref_low: float | None
    ref_high: float | None
    observation_id: str
    original_value: float
    original_unit: str
    flag: LabFlag
    converted: bool = False
    decimals: int | None = None  # the analyte's customary decimals in ``unit``
    method: str = ""  # the assay when it is not interchangeable (its own series)
    range_text: str = ""  # the hospital's range in ``unit``, as ``converted_texts`` prints it

    @property
    def value_text(self) -> str:
        """The value as printed (``lab_number``: a converted value keeps the precision of
        the measurement)."""
        original = self.original_value if self.converted else None
        return lab_number(self.value, original=original, decimals=self.decimals)


def series_key(norm: NormalizedValue) -> str:
    """The trend a normalized value belongs to: its analyte, and its assay when the assay
    is not interchangeable ("CTNI" and "CTNI·高敏" are two series, never one line). ""
    for a value without an analyte."""
    if norm.analyte is None:
        return ""
    return f"{norm.analyte.key}·{norm.method}" if norm.method else norm.analyte.key


def series_title(table: AnalyteTable, key: str) -> str:
    """A trend's title: the analyte's Chinese name, with its assay ("心肌肌钙蛋白I（高敏）")."""
    analyte_key, _, method = key.partition("·")
    info = table.analyte(analyte_key)
    name = info.name_zh if info is not None else analyte_key
    return f"{name}（{method}）" if method else name


def trend_series(
    table: AnalyteTable, observations: Iterable[LabObservation]
) -> dict[str, list[TrendPoint]]:
    """Normalized values grouped by ``series_key`` (the analyte, and the assay where it is
    not interchangeable), each list sorted by time (then by id).

    Observations without a value or a time, of an unknown analyte, or in a unit that cannot
    be converted are left out (they stay visible as reported elsewhere). Times must be all
    timezone-aware or all naive (Python cannot order a mix; raises TypeError).
    """
    series: dict[str, list[TrendPoint]] = {}
    for obs in observations:
        if obs.effective is None or obs.value is None:
            continue
        normalized = normalize(table, obs)
        if normalized.problem or normalized.value is None or normalized.analyte is None:
            continue
        series.setdefault(series_key(normalized), []).append(
            TrendPoint(
                time=obs.effective,
                value=normalized.value,
                unit=normalized.unit,
                hospital_id=obs.hospital_id,
                ref_low=normalized.ref_low,
                ref_high=normalized.ref_high,
                observation_id=obs.id,
                original_value=obs.value,
                original_unit=reported_unit(obs),
                flag=lab_flag(obs),
                converted=normalized.converted,
                decimals=normalized.analyte.decimals,
                method=normalized.method,
                range_text=converted_texts(obs, normalized).range,
            )
        )
    for points in series.values():
        points.sort(key=lambda p: (p.time, p.observation_id))
    return series


def age_text_parts(effective: dt.datetime, now: dt.datetime) -> tuple[int, AgeUnit]:
    """How long ago ``effective`` was, as (amount, unit) for "3 h ago" / "5 days ago".

    Whole units, rounded down: minutes under an hour, hours under 48 hours (so that a
    cardiac marker of yesterday reads "30 h"), days beyond. A time in the future (clock
    skew) gives (0, "minutes"). Both times must be aware or both naive (else TypeError).
    """
    elapsed = now - effective
    if elapsed < dt.timedelta(0):
        return 0, "minutes"
    if elapsed < dt.timedelta(hours=1):
        return elapsed // dt.timedelta(minutes=1), "minutes"
    if elapsed < dt.timedelta(hours=48):
        return elapsed // dt.timedelta(hours=1), "hours"
    return elapsed.days, "days"


def series_for(
    table: AnalyteTable,
    series: Mapping[str, Sequence[TrendPoint]],
    values: Iterable[LabObservation],
    limit: int,
) -> list[str]:
    """The trends to show beside a report's ``values``: for each value in order, its own
    series, then the other assays of its analyte (each its own series: a high-sensitivity
    and a conventional troponin are shown apart, never as one line). At most ``limit``
    keys of ``series``, without repeats."""
    chosen: list[str] = []
    for value in values:
        norm = normalize(table, value)
        own = series_key(norm)
        if not own or norm.analyte is None:
            continue
        key = norm.analyte.key
        siblings = sorted(k for k in series if k == key or k.startswith(key + "·"))
        for candidate in [own, *siblings]:
            if candidate in series and candidate not in chosen:
                chosen.append(candidate)
    return chosen[:limit]


# A time-sensitive analyte (cardiac markers) opens on the hours around the current report:
# a troponin delta is read in hours, and two years of history would squash it to a dot.
RECENT_WINDOW = dt.timedelta(hours=72)


def trend_window(
    points: Iterable[TrendPoint], current_ids: set[str], recent: dt.timedelta | None
) -> tuple[dt.datetime, dt.datetime] | None:
    """The time span a trend opens on (she can zoom out): every point, or with ``recent``
    the points up to ``recent`` before the newest current one (the report she is reading;
    the newest point when none is current). None without points."""
    chosen = list(points)
    if not chosen:
        return None
    if recent is not None:
        current = [p.time for p in chosen if p.observation_id in current_ids]
        anchor = max(current or [p.time for p in chosen])
        chosen = [p for p in chosen if anchor - recent <= p.time <= anchor] or chosen
    times = [p.time for p in chosen]
    return min(times), max(times)
