"""The reading session model, without Qt: one patient at a time, nothing of one patient
ever reaches the next."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from workstation.model import Category, Gender, Patient, Result
from workstation.session.reading import ReadingSession

pytestmark = pytest.mark.unit


def _patient(pid: str) -> Patient:
    return Patient(id=pid, name=f"患者{pid}", gender=Gender.FEMALE, birth_date=dt.date(1970, 1, 1))


def _result(rid: str, pid: str) -> Result:
    when = dt.datetime(2026, 11, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    return Result(rid, pid, Category.LAB, "JY001", "肾功能", "h1", when)


def test_late_results_of_the_previous_patient_are_dropped() -> None:
    session = ReadingSession()
    announced: list[list[str]] = []
    session.results_added.connect(lambda rs: announced.append([r.id for r in rs]))
    first = session.open_patient(_patient("p1"))
    token = threading.Event()
    first.link(token)
    second = session.open_patient(_patient("p2"))
    assert token.is_set()  # the first patient's downloads are told to stop
    assert session.add_results(first, [_result("r1", "p1")]) == []  # a late page of p1
    assert session.add_results(second, [_result("r2", "p2"), _result("x", "p1")])[0].id == "r2"
    assert announced == [["r2"]]
    assert [r.id for r in session.results] == ["r2"]


def test_selecting_another_result_closes_the_previous_results_scope() -> None:
    session = ReadingSession()
    scope = session.open_patient(_patient("p1"))
    session.add_results(scope, [_result("r1", "p1"), _result("r2", "p1")])
    seen: list[str | None] = []
    session.selection_changed.connect(lambda r: seen.append(r.id if r else None))
    first = session.select(session.results[0])
    second = session.select(session.results[1])
    assert first.closed
    assert not second.closed
    assert seen == ["r1", "r2"]
    with pytest.raises(ValueError, match="another patient"):
        session.select(_result("r9", "p9"))


def test_sign_out_closes_everything_and_the_session_can_be_used_again() -> None:
    session = ReadingSession()
    scope = session.open_patient(_patient("p1"))
    result_scope = session.select(None)
    session.close()
    assert scope.closed
    assert result_scope.closed
    assert session.patient is None
    again = session.open_patient(_patient("p2"))
    assert not again.closed


def test_a_morning_visit_is_one_visit_and_bulk_accept_takes_its_eligible_undecided() -> None:
    from workstation.recognition.validity import Assessment, Eligibility
    from workstation.timeline import bulk_accept_plan, same_visit

    utc = dt.UTC
    # 07:30 and 09:00 Beijing on 1 December = 23:30 (30 November) and 01:00 UTC
    early = Result(
        "r1",
        "p1",
        Category.LAB,
        "JY001",
        "血常规",
        "h1",
        dt.datetime(2026, 11, 30, 23, 30, tzinfo=utc),
    )
    later = Result(
        "r2",
        "p1",
        Category.LAB,
        "JY002",
        "肾功能",
        "h1",
        dt.datetime(2026, 12, 1, 1, 0, tzinfo=utc),
    )
    decided = Result(
        "r3", "p1", Category.LAB, "JY003", "血脂", "h1", dt.datetime(2026, 12, 1, 2, 0, tzinfo=utc)
    )
    expired = Result(
        "r4",
        "p1",
        Category.LAB,
        "JY004",
        "电解质",
        "h1",
        dt.datetime(2026, 12, 1, 3, 0, tzinfo=utc),
    )
    other_day = Result(
        "r5",
        "p1",
        Category.LAB,
        "JY001",
        "血常规",
        "h1",
        dt.datetime(2026, 12, 1, 17, 0, tzinfo=utc),
    )
    results = [early, later, decided, expired, other_day]
    assert [r.id for r in same_visit(results, later)] == ["r1", "r2", "r3", "r4"]
    ok = Assessment(Eligibility.VALID, "2026.11-1", dt.timedelta(hours=3))
    old = Assessment(Eligibility.EXPIRED, "2026.11-1", dt.timedelta(days=40))
    assessments = {"r1": ok, "r2": ok, "r3": ok, "r4": old, "r5": ok}
    chosen = bulk_accept_plan(results, later, assessments, {"r3": "accepted"}).accept
    assert [r.id for r in chosen] == ["r1", "r2"]


def test_results_of_her_records_on_other_platforms_are_hers_and_no_others() -> None:
    session = ReadingSession()
    scope = session.open_patient(_patient("p1"), records=("k~m1",))
    kept = session.add_results(
        scope, [_result("r1", "p1"), _result("k~r2", "k~m1"), _result("k~r3", "k~m9")]
    )
    assert [r.id for r in kept] == ["r1", "k~r2"]
    session.select(kept[1])
    with pytest.raises(ValueError, match="another patient"):
        session.select(_result("k~r3", "k~m9"))
    # the next patient does not inherit the records
    scope = session.open_patient(_patient("p2"))
    assert session.add_results(scope, [_result("k~r2", "k~m1")]) == []
