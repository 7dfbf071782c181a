"""The timeline's rows: the open patient's results newest first, one heading row per day
(Beijing time), narrowed by the doctor's filter. Qt-free: the timeline widget's item model
reads these rows and forwards the events below to its view.

Cost is kept proportional to what changed, so a patient with 10,000 reports does not freeze
the window: a page of results is merged into the rows (never a rebuild), each result's badge
(``Assessment``) and filter text are computed once, a decision changes one row, and only a
new filter or a badge that changed under a "valid only" filter walks the whole history.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import total_ordering

from workstation.clock import china_time
from workstation.model import Catalog, Hospital, Result
from workstation.recognition.decisions import Decision, DecisionKind
from workstation.recognition.validity import (
    Assessment,
    Eligibility,
    assess,
    hourly_badge,
    next_badge_change,
)
from workstation.session.events import Event
from workstation.session.reading import ReadingSession
from workstation.session.timeline_sources import TimelineSources
from workstation.timeline import TimelineFilter, search_text


@total_ordering
class _Descending:
    """A string that sorts in reverse, so a tie of times puts the larger id first (as
    ``newest_first`` does) in an ascending sort key."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Descending) and self.text == other.text

    def __lt__(self, other: _Descending) -> bool:
        return self.text > other.text

    def __hash__(self) -> int:
        return hash(self.text)


_Key = tuple[int, int, float, _Descending]
_HEADING, _RESULT = 0, 1


@dataclass(frozen=True)
class TimelineRow:
    """One row: a day's heading (``result`` None) or one result of that day."""

    day: dt.date
    result: Result | None = None


def day_of(result: Result) -> dt.date:
    """The calendar day of a result in Beijing time (a visit at 07:30 is not put on the day
    before by the UTC date line)."""
    return china_time(result.effective).date()


def _result_key(result: Result) -> _Key:
    # Ascending keys in the order shown: later days first, the heading before its results,
    # later results first.
    return (
        -day_of(result).toordinal(),
        _RESULT,
        -result.effective.timestamp(),
        _Descending(result.id),
    )


def _heading_key(day: dt.date) -> _Key:
    return (-day.toordinal(), _HEADING, 0.0, _Descending(""))


class TimelineRows:
    """The rows the timeline shows, and what each result's badge and decision are.

    Events (all emitted on the thread that changes the model, the GUI thread):
    ``inserting(first, count)`` before and ``inserted(first, count)`` after rows enter at
    ``first``; ``resetting()``/``reset()`` around a rebuild (new patient, new filter);
    ``changed(first, last)`` when rows' badges or decisions read differently;
    ``badges_changed()`` when a badge changed by itself (a validity window ended).
    """

    def __init__(
        self,
        session: ReadingSession,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self.session = session
        self.clock = clock
        self.hospitals: dict[str, Hospital] = {}
        self.catalog: Catalog | None = None
        # another platform's results are assessed with that platform's catalog (by source)
        self.source_catalogs: dict[str, Catalog] = {}
        self.here_region = ""
        self.now = clock()
        self.assessments: dict[str, Assessment] = {}
        self.decisions: dict[str, DecisionKind | None] = {}
        self.filter = TimelineFilter()
        self.rows: list[TimelineRow] = []
        self._row_keys: list[_Key] = []
        self._day_counts: dict[dt.date, int] = {}
        self._ordered: list[Result] = []  # every result, in the order shown
        self._ordered_keys: list[_Key] = []
        self._texts: dict[str, str] = {}
        self._by_id: dict[str, Result] = {}
        self._keys: dict[str, _Key] = {}  # each result's place in the order, computed once
        self._next_edge: dt.datetime | None = None
        self.hospital_ids: set[str] = set()  # of every result, for the filter's choices
        self.modalities: set[str] = set()
        self.sources = TimelineSources()  # of every result, for the rows and the filter
        self.inserting: Event[[int, int]] = Event()
        self.inserted: Event[[int, int]] = Event()
        self.resetting: Event[[]] = Event()
        self.reset: Event[[]] = Event()
        self.changed: Event[[int, int]] = Event()
        self.badges_changed: Event[[]] = Event()
        session.patient_opened.connect(lambda _patient: self.clear())
        session.results_added.connect(self.add)

    # --- context ---------------------------------------------------------------------------
    def set_context(
        self,
        hospitals: Mapping[str, Hospital],
        catalog: Catalog | None,
        here_region: str,
        now: dt.datetime,
        source_catalogs: Mapping[str, Catalog] | None = None,
    ) -> None:
        """What the badges are computed against (hospitals by id, the recognition catalog,
        the doctor's region code, the moment of reading, timezone-aware; the catalogs of
        the other platforms signed in to, by name: their results are assessed with them)."""
        self.hospitals, self.catalog = dict(hospitals), catalog
        self.source_catalogs = dict(source_catalogs or {})
        self.here_region, self.now = here_region, now
        self.assessments = {}
        self._texts = {}
        self._assess(self._ordered)
        self._next_edge = next_badge_change(self.assessments.values(), self.now)
        self._rebuild()

    @property
    def results(self) -> list[Result]:
        """Every result of the open patient, in arrival order (the session's list)."""
        return self.session.results

    # --- pages -----------------------------------------------------------------------------
    def clear(self) -> None:
        """Forget every row, badge and decision (another patient, or none, is open)."""
        self.resetting.emit()
        self.rows, self._row_keys, self._day_counts = [], [], {}
        self._ordered, self._ordered_keys = [], []
        self.assessments, self.decisions, self._texts, self._by_id = {}, {}, {}, {}
        self._keys = {}
        self._next_edge = None
        self.hospital_ids, self.modalities = set(), set()
        self.sources.clear()
        self.reset.emit()

    def add(self, results: list[Result]) -> None:
        """Merge a page of results the session has just kept into the rows: each new row
        (and the heading of a day not shown yet) is inserted where it belongs."""
        self._assess(results)
        self.sources.add(results)
        edges = [
            self._next_edge,
            next_badge_change(
                (self.assessments[r.id] for r in results if r.id in self.assessments), self.now
            ),
        ]
        self._next_edge = min((e for e in edges if e is not None), default=None)
        for result in results:
            key = self._keys[result.id] = _result_key(result)
            at = bisect.bisect_left(self._ordered_keys, key)
            self._ordered_keys.insert(at, key)
            self._ordered.insert(at, result)
            self._by_id[result.id] = result
            self.hospital_ids.add(result.hospital_id)
            if result.modality:
                self.modalities.add(result.modality)
        shown = sorted((r for r in results if self._passes(r)), key=lambda r: self._keys[r.id])
        self._merge(shown)

    def _merge(self, shown: list[Result]) -> None:
        """Insert rows for ``shown`` (sorted as shown) in runs of adjacent rows, each new
        day with its heading before its first result."""
        run: list[tuple[_Key, TimelineRow]] = []
        run_at = 0
        for result in shown:
            key = self._keys[result.id]
            at = bisect.bisect_left(self._row_keys, key)
            if run and at != run_at:
                self._insert_run(run_at, run)
                run = []
                at = bisect.bisect_left(self._row_keys, key)
            if not run:
                run_at = at
            day = dt.date.fromordinal(-key[0])
            if not self._day_counts.get(day):
                run.append((_heading_key(day), TimelineRow(day)))
            run.append((key, TimelineRow(day, result)))
            self._day_counts[day] = self._day_counts.get(day, 0) + 1
        self._insert_run(run_at, run)

    def _insert_run(self, at: int, run: list[tuple[_Key, TimelineRow]]) -> None:
        if not run:
            return
        self.inserting.emit(at, len(run))
        self._row_keys[at:at] = [key for key, _row in run]
        self.rows[at:at] = [row for _key, row in run]
        self.inserted.emit(at, len(run))

    # --- filter ----------------------------------------------------------------------------
    def set_filter(self, criteria: TimelineFilter) -> None:
        """Show only what ``criteria`` lets through (a walk over the whole history)."""
        if criteria == self.filter:
            return
        self.filter = criteria
        self._rebuild()

    def _passes(self, result: Result) -> bool:
        text = self._texts.get(result.id)
        if text is None:
            text = self._texts[result.id] = search_text(result, self.hospitals)
        return self.filter.matches(
            result, self.hospitals, assessment=self.assessments.get(result.id), text=text
        )

    def _rebuild(self) -> None:
        self.resetting.emit()
        rows: list[TimelineRow] = []
        keys: list[_Key] = []
        counts: dict[dt.date, int] = {}
        for result, key in zip(self._ordered, self._ordered_keys, strict=True):
            if not self._passes(result):
                continue
            day = dt.date.fromordinal(-key[0])
            if day not in counts:
                rows.append(TimelineRow(day))
                keys.append(_heading_key(day))
                counts[day] = 0
            counts[day] += 1
            rows.append(TimelineRow(day, result))
            keys.append(key)
        self.rows, self._row_keys, self._day_counts = rows, keys, counts
        self.reset.emit()

    # --- what rows say ---------------------------------------------------------------------
    def row_of(self, result_id: str) -> int | None:
        """The row index of a result, None when it is not shown."""
        result = self._by_id.get(result_id)
        if result is None:
            return None
        at = bisect.bisect_left(self._row_keys, self._keys[result_id])
        if at < len(self.rows) and (row := self.rows[at].result) is not None:
            return at if row.id == result_id else None
        return None

    def row_for_day(self, day: dt.date) -> int | None:
        """The first row on or before ``day`` (the heading of that day, or of the latest
        earlier day shown); None when nothing that old is shown."""
        at = bisect.bisect_left(self._row_keys, _heading_key(day))
        return at if at < len(self.rows) else None

    def visible_results(self) -> list[Result]:
        """The results shown, top to bottom."""
        return [row.result for row in self.rows if row.result is not None]

    def first_result(self) -> Result | None:
        """The topmost result shown."""
        return next((row.result for row in self.rows if row.result is not None), None)

    def set_decisions(self, in_force: Mapping[str, Decision]) -> None:
        """The decisions in force already in the journal, per result id."""
        for result_id, decision in in_force.items():
            self.set_decision(result_id, decision)

    def set_decision(self, result_id: str, in_force: Decision | None) -> None:
        """One result's decision in force changed (None: it has none now)."""
        self.decisions[result_id] = in_force.kind if in_force is not None else None
        row = self.row_of(result_id)
        if row is not None:
            self.changed.emit(row, row)

    # --- badges over time ------------------------------------------------------------------
    def _assess(self, results: Iterable[Result]) -> None:
        if self.catalog is None:
            return
        for result in results:
            self.assessments[result.id] = assess(
                result,
                self.source_catalogs.get(result.source, self.catalog),
                self.hospitals.get(result.hospital_id),
                self.here_region,
                self.now,
            )

    def next_change(self) -> dt.datetime | None:
        """When a badge will next read differently (a window ends, an hour passes)."""
        return self._next_edge

    def reassess(self) -> bool:
        """Read again, at the clock's time, the badges that time can change (valid ones and
        hour-scale ones); True when one reads differently."""
        self.now = self.clock()
        moving = [
            self._by_id[result_id]
            for result_id, a in self.assessments.items()
            if result_id in self._by_id
            and (a.eligibility is Eligibility.VALID or hourly_badge(a) is not None)
        ]
        before = {r.id: _reading(self.assessments[r.id]) for r in moving}
        self._assess(moving)
        self._next_edge = next_badge_change(self.assessments.values(), self.now)
        moved = [r.id for r in moving if before[r.id] != _reading(self.assessments[r.id])]
        if not moved:
            return False
        if self.filter.valid_only:
            self._rebuild()
        else:
            for result_id in moved:
                row = self.row_of(result_id)
                if row is not None:
                    self.changed.emit(row, row)
        self.badges_changed.emit()
        return True


def _reading(assessment: Assessment) -> tuple[Eligibility, object]:
    """What a badge reads: its verdict and its hours."""
    return assessment.eligibility, hourly_badge(assessment)
