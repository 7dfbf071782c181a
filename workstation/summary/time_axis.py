"""The x-axis labels of a printed trend chart: each point's date (China time), with its time
of day under it when another point falls on the same day, laid out side by side so that no
two overlap: labels of points close together are moved apart and hang from leaders to their
ticks, and only when the row cannot hold them all is every second one left out."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from workstation.clock import CHINA


@dataclass(frozen=True)
class AxisLabel:
    """One label: centred at ``x`` (points), its lines top to bottom, for the point whose
    tick is at ``tick`` (a label moved aside to make room hangs from a leader to it)."""

    x: float
    lines: tuple[str, ...]
    tick: float


def _local(moment: dt.datetime) -> dt.datetime:
    """``moment`` in China time (a naive time is taken as China time)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=CHINA)).astimezone(CHINA)


def label_lines(times: Sequence[dt.datetime], shown: Sequence[int]) -> list[tuple[str, ...]]:
    """The labels of ``times[i]`` for ``i`` in ``shown`` (ascending): its date, the year
    given on the first and wherever it changes ("2026-01-08", "02-27"); with its time of
    day under it ("08:30") when another of ``times`` is on the same day in China, so that
    two results a day apart are two dates and two on one day are told apart by the hour."""
    local = [_local(t) for t in times]
    per_day = Counter(t.date() for t in local)
    found: list[tuple[str, ...]] = []
    year = None
    for t in (local[i] for i in shown):
        date = f"{t:%Y-%m-%d}" if t.year != year else f"{t:%m-%d}"
        year = t.year
        found.append((date, f"{t:%H:%M}") if per_day[t.date()] > 1 else (date,))
    return found


def _spread(
    centres: list[float], halves: list[float], left: float, right: float, gap: float
) -> list[float] | None:
    """Centres as near ``centres`` as keeps the labels ``gap`` apart within ``left`` …
    ``right`` (pushed right where they crowd, then back from the right edge); None when
    they do not fit side by side."""
    placed: list[float] = []
    for i, centre in enumerate(centres):
        low = left + halves[i] if not placed else placed[-1] + halves[i - 1] + gap + halves[i]
        placed.append(max(centre, low))
    limit = right
    for i in range(len(placed) - 1, -1, -1):
        placed[i] = min(placed[i], limit - halves[i])
        limit = placed[i] - halves[i] - gap
    return placed if placed[0] - halves[0] >= left - 1e-6 else None


def lay_out(
    xs: Sequence[float],
    times: Sequence[dt.datetime],
    width_of: Callable[[str], float],
    left: float,
    right: float,
    gap: float = 4.0,
) -> list[AxisLabel]:
    """Labels for points at ``xs`` at ``times`` (both ascending), side by side in one row
    within ``left`` … ``right``, none over another: each as near its tick as room allows.
    A point at the same minute as the one before is not labelled again; when there are more
    labels than the row holds, every second one is left out (the first and the last kept)
    until they fit."""
    minute = [_local(t).replace(second=0, microsecond=0) for t in times]
    kept = [i for i in range(len(xs)) if i == 0 or minute[i] != minute[i - 1]]
    while kept:
        lines = label_lines(times, kept)
        halves = [max(width_of(line) for line in text) / 2 for text in lines]
        spread = _spread([xs[i] for i in kept], halves, left, right, gap)
        if spread is not None:
            return [
                AxisLabel(x, text, xs[i]) for x, text, i in zip(spread, lines, kept, strict=True)
            ]
        if len(kept) <= 2:
            kept = kept[:1]
            continue
        kept = kept[::2] if (len(kept) - 1) % 2 == 0 else [*kept[:-1:2], kept[-1]]
    return []
