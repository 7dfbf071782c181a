"""One patient across platforms: grouping by the identity rules, and a search of two city
platforms (sandboxes served with --region) at once, one of them down."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from devtools.sandbox_launcher import RunningSandbox, sign_in_demo, start_sandbox
from sandbox.disc import patient_tags
from workstation.http import ErrorKind, PlatformError
from workstation.model import Gender, Patient
from workstation.records.platform import PatientQuery, QueryKind, ResultsPlatform
from workstation.services import Connection
from workstation.sources.identity import Fact, Match
from workstation.sources.patients import SourcedPatient, group_patients, search_everywhere

CARD = "510100198001011230"
CARD2 = "510100198001011257"
BORN = dt.date(1980, 1, 1)


def _p(source: str, pid: str, card: str = "", sex: Gender = Gender.MALE) -> SourcedPatient:
    return SourcedPatient(source, Patient(pid, "张伟", sex, BORN, id_card=card))


@pytest.mark.unit
def test_the_same_id_card_under_another_name_is_never_joined() -> None:
    card = "510700198001011241"  # a woman born 1980-01-01
    mother = SourcedPatient("成都", Patient("c1", "王芳", Gender.FEMALE, BORN, id_card=card))
    baby = SourcedPatient("绵阳", Patient("m1", "王芳之女", Gender.FEMALE, None, id_card=card))
    groups = group_patients([mother, baby])
    assert [g.anchor.key for g in groups] == [("成都", "c1"), ("绵阳", "m1")]
    assert groups[0].confirmed == []
    assert groups[0].probable == []
    (warning,) = groups[0].conflicts
    assert warning.verdict.match is Match.CONFLICT
    assert warning.verdict.contradicted == (Fact.NAME,)
    assert [m.record.key for m in groups[1].conflicts] == [("成都", "c1")]


@pytest.mark.unit
def test_records_are_grouped_by_the_identity_rules() -> None:
    found = [
        _p("成都", "c1"),  # no 身份证: probable to the group of CARD
        _p("绵阳", "m1", CARD),
        _p("成都", "c2", CARD),  # same 身份证: confirmed
        _p("广安", "g1", CARD2),  # another 身份证, same name, birth, sex: conflict
        _p("广安", "g2", sex=Gender.FEMALE),  # no 身份证, other sex: conflict
    ]
    groups = group_patients(found)
    first = groups[0]
    assert first.anchor.key == ("绵阳", "m1")  # a record with a 身份证 anchors
    assert [m.record.key for m in first.confirmed] == [("成都", "c2")]
    assert [m.record.key for m in first.probable] == [("成都", "c1")]
    assert first.needs_confirmation
    assert {m.record.key for m in first.conflicts} == {("广安", "g1"), ("广安", "g2")}
    assert {m.verdict.match for m in first.conflicts} == {Match.CONFLICT}
    # conflicting records are patients of their own, carrying the warning too
    own = {g.anchor.key: g for g in groups[1:]}
    assert set(own) == {("广安", "g1"), ("广安", "g2")}
    assert {m.record.key for m in own[("广安", "g1")].conflicts} == {("绵阳", "m1"), ("广安", "g2")}
    # the probable record counts only once she confirms it
    assert [r.key for r in first.members()] == [("绵阳", "m1"), ("成都", "c2")]
    assert [r.key for r in first.members(confirmed={("成都", "c1")})] == [
        ("绵阳", "m1"),
        ("成都", "c2"),
        ("成都", "c1"),
    ]
    assert [r.key for r in first.members(confirmed={("广安", "g1")})] == [
        ("绵阳", "m1"),
        ("成都", "c2"),
    ]


@pytest.mark.unit
def test_strangers_are_apart() -> None:
    groups = group_patients(
        [
            SourcedPatient("a", Patient("1", "李强", Gender.MALE, BORN, id_card=CARD)),
            SourcedPatient("b", Patient("2", "王芳", Gender.FEMALE, None)),
        ]
    )
    assert len(groups) == 2
    assert all(not g.confirmed and not g.probable and not g.conflicts for g in groups)


@pytest.mark.e2e
def test_two_city_platforms_give_one_patient(
    cities: dict[str, RunningSandbox], sandbox_data: Path
) -> None:
    connections: list[Connection] = [sign_in_demo(c.base_url) for c in cities.values()]
    try:
        platforms: dict[str, ResultsPlatform] = {
            name: conn.platform for name, conn in zip(cities, connections, strict=True)
        }
        # a platform that went down after she signed in
        gone = start_sandbox(sandbox_data, extra_args=("--region", "510100"), timeout_s=120)
        connections.append(sign_in_demo(gone.base_url))
        gone.stop()
        platforms["广安"] = connections[-1].platform
        card = patient_tags(sandbox_data, "p0001").id_card
        outcome = search_everywhere(platforms, PatientQuery(QueryKind.ID_CARD, card))
        assert set(outcome.errors) == {"广安"}
        assert isinstance(outcome.errors["广安"], PlatformError)
        (group,) = outcome.groups
        keys = {r.key for r in group.members()}
        assert keys == {("成都", "p0001-510100"), ("绵阳", "p0001-510700")}
        assert not group.conflicts
        assert not group.needs_confirmation
    finally:
        for conn in connections[:2]:
            conn.sign_out()
        connections[-1].client.close()  # nothing to sign out of any more


@pytest.mark.e2e
def test_a_platform_that_hangs_never_holds_up_the_others(
    cities: dict[str, RunningSandbox], sandbox_data: Path
) -> None:
    import time

    import httpx

    key = "hang-test-key"
    slow = start_sandbox(
        sandbox_data, extra_args=("--region", "510700", "--control-key", key), timeout_s=120
    )
    connections = [sign_in_demo(cities["成都"].base_url), sign_in_demo(slow.base_url)]
    try:
        # signed in; now every answer of 绵阳's platform takes 20 s
        httpx.post(
            f"{slow.base_url}/_sandbox/faults",
            json={"latency_ms": 20000},
            headers={"X-Sandbox-Control-Key": key},
        ).raise_for_status()
        card = patient_tags(sandbox_data, "p0001").id_card
        platforms: dict[str, ResultsPlatform] = {
            "成都": connections[0].platform,
            "绵阳": connections[1].platform,
        }
        started = time.monotonic()
        outcome = search_everywhere(
            platforms, PatientQuery(QueryKind.ID_CARD, card), answer_within_s=2.0
        )
        elapsed = time.monotonic() - started
        assert elapsed < 6.0  # not the 20 s the hanging platform takes
        assert list(outcome.errors) == ["绵阳"]
        assert outcome.errors["绵阳"].kind is ErrorKind.TIMEOUT
        (group,) = outcome.groups
        assert group.anchor.key == ("成都", "p0001-510100")
    finally:
        connections[0].sign_out()
        connections[1].client.close()
        slow.stop()
