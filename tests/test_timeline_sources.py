"""The timeline's sources (Qt-free): each result names where it came from (the platform she
signed into first, another platform, a PACS, her disc), the filter narrows to one source,
and rows name sources only once a second one is present."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from tests.test_timeline_rows import CST, HOSPITALS, _history, _open
from workstation.model import Result
from workstation.recognition.validity import Eligibility
from workstation.session.reading import ReadingSession
from workstation.session.timeline_sources import RowSource, TimelineSources
from workstation.sources.base import SourceKind
from workstation.timeline import TimelineFilter, search_text

pytestmark = pytest.mark.unit

MIANYANG = "绵阳市全民健康信息平台"
DISC = "患者光盘"
PACS = "绵阳PACS"


def _from(source: str, results: list[Result], prefix: str) -> list[Result]:
    """The same kind of results as another source would list them (its own ids)."""
    return [dataclasses.replace(r, id=f"{prefix}{r.id}", source=source) for r in results]


def test_the_filter_keeps_one_source_and_none_means_every_source() -> None:
    home = _history(30)
    other = _from(MIANYANG, _history(12, seed=3), "my-")
    disc = _from(DISC, _history(4, seed=5), "disc-")
    every = home + other + disc
    assert len([r for r in every if TimelineFilter(source="").matches(r, HOSPITALS)]) == 31
    assert len([r for r in every if TimelineFilter(source=MIANYANG).matches(r, HOSPITALS)]) == 13
    assert [r.id for r in every if TimelineFilter(source=DISC).matches(r, HOSPITALS)] == [
        r.id for r in disc
    ]
    assert all(TimelineFilter().matches(r, HOSPITALS) for r in every)
    # with another criterion: both must hold
    both = TimelineFilter(source=MIANYANG, hospital_id="mysy")
    assert {r.id for r in every if both.matches(r, HOSPITALS)} == {
        r.id for r in other if r.hospital_id == "mysy"
    }


def test_the_text_filter_finds_a_source_by_name() -> None:
    result = _from(PACS, _history(1), "pacs-")[0]
    assert "绵阳pacs" in search_text(result, HOSPITALS)
    assert "绵阳pacs" not in search_text(dataclasses.replace(result, source=""), HOSPITALS)


def test_rows_name_sources_only_once_a_second_source_is_present() -> None:
    session = ReadingSession()
    rows = _open(session)
    rows.sources.home = "成都市全民健康信息平台"
    session.add_results(session.patient_scope, _history(40))
    assert not rows.sources.shown  # one platform alone: nothing more to say
    assert rows.sources.present() == [""]

    rows.sources.note(DISC, SourceKind.DISC)
    disc = _from(DISC, _history(2, seed=9), "disc-")  # three studies
    session.add_results(session.patient_scope, disc)
    session.add_results(session.patient_scope, _from(MIANYANG, _history(5, seed=4), "my-"))
    assert rows.sources.shown
    assert rows.sources.present() == ["", MIANYANG, DISC]  # hers, platforms, PACS, discs
    assert rows.sources.of(disc[0]) == RowSource(SourceKind.DISC, DISC)
    assert rows.sources.of(session.results[0]) == RowSource(
        SourceKind.FHIR, "成都市全民健康信息平台", home=True
    )

    rows.set_filter(TimelineFilter(source=DISC))
    assert sorted(r.id for r in rows.visible_results()) == sorted(r.id for r in disc)
    days = {r.effective.astimezone(CST).date() for r in disc}
    assert len(rows.rows) == len(disc) + len(days)  # each day's heading, then its results
    rows.set_filter(TimelineFilter(source=""))
    assert len(rows.visible_results()) == 41

    session.open_patient(None)  # another patient: her sources go with her
    assert not rows.sources.shown
    assert rows.sources.present() == []
    assert rows.sources.kind_of(DISC) is SourceKind.DISC  # what a source is, is kept


def test_a_disc_alone_is_named_too() -> None:
    sources = TimelineSources()
    sources.note(DISC, SourceKind.DISC)
    assert sources.add(_from(DISC, _history(1), "d-"))
    assert not sources.add(_from(DISC, _history(1, seed=2), "e-"))  # nothing new
    assert sources.shown  # her platform has nothing; the disc's rows still say it is hers
    assert sources.of_name("") == RowSource(SourceKind.FHIR, "", home=True)
    assert sources.of_name(PACS).kind is SourceKind.FHIR  # not noted: taken as a platform


def test_another_platforms_results_are_assessed_with_its_catalog() -> None:
    from tests.test_timeline_rows import CATALOG, NOW, _result

    session = ReadingSession()
    rows = _open(session)
    # 绵阳's catalog keeps the 肾功能 window at 3 days, the home one at 30
    short = dataclasses.replace(
        CATALOG,
        version="mianyang",
        items=tuple(
            dataclasses.replace(i, validity_hours=72) if i.code == "JY003" else i
            for i in CATALOG.items
        ),
    )
    rows.set_context(HOSPITALS, CATALOG, "510100", NOW, {MIANYANG: short})
    ten_days = NOW - dt.timedelta(days=10)
    home = _result(1, ten_days)
    other = dataclasses.replace(_result(2, ten_days), source=MIANYANG)
    scope = session.patient_scope
    session.add_results(scope, [home, other])
    assert rows.assessments[home.id].eligibility is Eligibility.VALID
    assert rows.assessments[other.id].eligibility is Eligibility.EXPIRED
