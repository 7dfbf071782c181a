"""The timeline's rows (Qt-free): pages merged in place, day headings in Beijing time, the
filter, one-click filters, and the events a view follows to stay identical to the rows."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from workstation.model import (
    Catalog,
    CatalogItem,
    Category,
    Gender,
    Hospital,
    HospitalLevel,
    Patient,
    RecognitionMark,
    Result,
)
from workstation.recognition.decisions import Decision, DecisionKind
from workstation.recognition.validity import Eligibility
from workstation.session.reading import ReadingSession
from workstation.session.timeline_rows import TimelineRow, TimelineRows
from workstation.timeline import TimelineFilter

pytestmark = pytest.mark.unit

CST = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 12, 1, 4, 0, tzinfo=dt.UTC)  # 12:00 in Beijing
CATALOG = Catalog(
    version="t",
    items=(
        CatalogItem("JY003", "肾功能", Category.LAB, 30 * 24, "2B", (), 32.0),
        CatalogItem("JY008", "心肌标志物", Category.LAB, 24, "2B", (), 360.0),
    ),
    reasons=(),
    levels=(HospitalLevel("3A", "三级甲等", 5), HospitalLevel("2B", "二级乙等", 2)),
)
HOSPITALS = {
    "cdfy": Hospital("cdfy", "成都市第一人民医院", "3A", "三级甲等", "510100"),
    "mysy": Hospital("mysy", "绵阳市中心医院", "3A", "三级甲等", "510700"),
}
MARK = RecognitionMark("川HR", "province", "510000")


def _patient() -> Patient:
    return Patient(id="p1", name="测试", gender=Gender.FEMALE, birth_date=None)


def _result(n: int, when: dt.datetime, item: str = "JY003", hospital: str = "cdfy") -> Result:
    return Result(
        id=f"r{n:05d}",
        patient_id="p1",
        category=Category.LAB,
        item_code=item,
        item_name={"JY003": "肾功能", "JY008": "心肌标志物"}.get(item, "其他"),
        hospital_id=hospital,
        effective=when,
        mark=MARK,
    )


def _history(count: int, seed: int = 7) -> list[Result]:
    rng = random.Random(seed)
    results = []
    for n in range(count):
        when = NOW - dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 400))
        item = rng.choice(["JY003", "JY008", "LOCAL"])
        results.append(_result(n, when, item, rng.choice(list(HOSPITALS))))
    # Ties of time: the larger id comes first.
    results.append(_result(count, results[0].effective))
    return results


def _expected(results: list[Result], keep: TimelineFilter | None = None) -> list[TimelineRow]:
    """The rows built independently: sort, then a heading at each new Beijing day."""
    shown = sorted(results, key=lambda r: (r.effective, r.id), reverse=True)
    rows: list[TimelineRow] = []
    for result in shown:
        day = result.effective.astimezone(CST).date()
        if keep is not None and not keep.matches(result, HOSPITALS):
            continue
        if not rows or rows[-1].day != day:
            rows.append(TimelineRow(day))
        rows.append(TimelineRow(day, result))
    return rows


class _Mirror:
    """A view that knows the rows only through the events (as a Qt view does)."""

    def __init__(self, rows: TimelineRows) -> None:
        self.rows = rows
        self.copy: list[TimelineRow] = []
        self.pending: tuple[int, int] | None = None
        self.changed: list[tuple[int, int]] = []
        self.resets = 0
        rows.inserting.connect(self._inserting)
        rows.inserted.connect(self._inserted)
        rows.reset.connect(self._reset)
        rows.changed.connect(lambda first, last: self.changed.append((first, last)))

    def _inserting(self, first: int, count: int) -> None:
        assert self.pending is None
        assert len(self.rows.rows) == len(self.copy)  # not changed yet
        self.pending = (first, count)

    def _inserted(self, first: int, count: int) -> None:
        assert self.pending == (first, count)
        self.pending = None
        self.copy[first:first] = self.rows.rows[first : first + count]
        assert self.copy == self.rows.rows

    def _reset(self) -> None:
        self.resets += 1
        self.copy = list(self.rows.rows)


def _open(session: ReadingSession) -> TimelineRows:
    rows = TimelineRows(session, clock=lambda: NOW)
    session.open_patient(_patient())
    rows.set_context(HOSPITALS, CATALOG, "510100", NOW)
    return rows


def test_pages_in_any_order_merge_into_the_rows_a_sort_would_give() -> None:
    session = ReadingSession()
    rows = _open(session)
    mirror = _Mirror(rows)
    history = _history(1500)
    pages = [history[i : i + 100] for i in range(0, len(history), 100)]
    random.Random(3).shuffle(pages)
    for page in pages:
        session.add_results(session.patient_scope, page)
    assert rows.rows == _expected(history)
    assert mirror.copy == rows.rows
    assert mirror.resets == 0  # pages are inserted, never a rebuild


def test_newest_first_pages_append_in_one_run_each() -> None:
    session = ReadingSession()
    rows = _open(session)
    runs: list[tuple[int, int]] = []
    rows.inserting.connect(lambda first, count: runs.append((first, count)))
    history = sorted(_history(300), key=lambda r: (r.effective, r.id), reverse=True)
    for i in range(0, len(history), 100):
        session.add_results(session.patient_scope, history[i : i + 100])
    assert len(runs) == 4  # 301 results: three full pages and one of a single result
    assert [first for first, _count in runs] == sorted(first for first, _count in runs)


def test_a_morning_result_is_on_its_beijing_day() -> None:
    session = ReadingSession()
    rows = _open(session)
    early = _result(1, dt.datetime(2026, 11, 30, 7, 30, tzinfo=CST))  # 23:30 UTC the 29th
    session.add_results(session.patient_scope, [early])
    assert rows.rows[0] == TimelineRow(dt.date(2026, 11, 30))


def test_filter_text_item_and_valid_only() -> None:
    session = ReadingSession()
    rows = _open(session)
    mirror = _Mirror(rows)
    history = _history(800)
    session.add_results(session.patient_scope, history)

    rows.set_filter(TimelineFilter(text="绵阳"))
    assert rows.rows == _expected(history, TimelineFilter(text="绵阳"))
    assert mirror.copy == rows.rows

    only = TimelineFilter(item_code="JY008")
    rows.set_filter(only)
    assert {r.item_code for r in rows.visible_results()} == {"JY008"}
    assert rows.rows == _expected(history, only)

    rows.set_filter(TimelineFilter(valid_only=True))
    shown = rows.visible_results()
    assert shown
    assert all(rows.assessments[r.id].eligibility is Eligibility.VALID for r in shown)
    # Independently: a province-marked renal panel is valid for 30 days, cardiac markers 24 h,
    # a local item never.
    expected = [
        r
        for r in history
        if (r.item_code == "JY003" and NOW - r.effective <= dt.timedelta(days=30))
        or (r.item_code == "JY008" and NOW - r.effective <= dt.timedelta(hours=24))
    ]
    assert {r.id for r in shown} == {r.id for r in expected}

    # A page arriving under a filter enters only where it passes.
    late = [_result(90000, NOW - dt.timedelta(days=2)), _result(90001, NOW - dt.timedelta(days=99))]
    session.add_results(session.patient_scope, late)
    assert rows.row_of("r90000") is not None
    assert rows.row_of("r90001") is None
    assert mirror.copy == rows.rows


def test_row_for_day_finds_that_day_or_the_latest_before_it() -> None:
    session = ReadingSession()
    rows = _open(session)
    days = [dt.datetime(2026, 11, d, 9, 0, tzinfo=CST) for d in (3, 10, 20)]
    session.add_results(session.patient_scope, [_result(n, w) for n, w in enumerate(days)])
    assert rows.rows[rows.row_for_day(dt.date(2026, 11, 10)) or 0].day == dt.date(2026, 11, 10)
    assert rows.rows[rows.row_for_day(dt.date(2026, 11, 15)) or 0].day == dt.date(2026, 11, 10)
    assert rows.row_for_day(dt.date(2026, 11, 1)) is None


def test_a_decision_changes_one_row() -> None:
    session = ReadingSession()
    rows = _open(session)
    mirror = _Mirror(rows)
    history = _history(50)
    session.add_results(session.patient_scope, history)
    target = history[10]
    decision = Decision(
        id="d1",
        result_id=target.id,
        patient_id="p1",
        kind=DecisionKind.ACCEPTED,
        username="dr.li",
        practitioner="Practitioner/pr001",
        authored_on=NOW,
        catalog_version="t",
        item_code=target.item_code,
        category="lab",
        hospital_id=target.hospital_id,
    )
    rows.set_decision(target.id, decision)
    row = rows.row_of(target.id)
    assert row is not None
    assert rows.rows[row].result == target
    assert mirror.changed == [(row, row)]
    assert rows.decisions[target.id] is DecisionKind.ACCEPTED


def test_a_window_ending_while_she_looks_changes_that_badge_only() -> None:
    clock = [NOW]
    session = ReadingSession()
    rows = TimelineRows(session, clock=lambda: clock[0])
    session.open_patient(_patient())
    rows.set_context(HOSPITALS, CATALOG, "510100", NOW)
    mirror = _Mirror(rows)
    cardiac = _result(1, NOW - dt.timedelta(hours=23, minutes=30), "JY008")
    renal = _result(2, NOW - dt.timedelta(days=400))
    session.add_results(session.patient_scope, [cardiac, renal])
    assert rows.assessments[cardiac.id].eligibility is Eligibility.VALID
    edge = rows.next_change()
    assert edge is not None
    assert edge <= NOW + dt.timedelta(minutes=30, microseconds=1)
    clock[0] = NOW + dt.timedelta(minutes=31)
    assert rows.reassess()
    assert rows.assessments[cardiac.id].eligibility is Eligibility.EXPIRED
    row = rows.row_of(cardiac.id)
    assert mirror.changed == [(row, row)]
    assert not rows.reassess()  # nothing else moves


def test_a_new_patient_empties_the_rows() -> None:
    session = ReadingSession()
    rows = _open(session)
    session.add_results(session.patient_scope, _history(20))
    session.open_patient(_patient())
    assert rows.rows == []
    assert rows.assessments == {}
    assert rows.decisions == {}
