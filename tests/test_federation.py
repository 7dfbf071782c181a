"""Two city platforms signed into at once (sandboxes served with --region): one patient's
results from both, lab values and images from the platform holding them, decisions sent
where they belong exactly once, and a platform that signs out or goes down hiding nothing
of the other."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from devtools.sandbox_launcher import RunningSandbox, sign_in_demo, start_sandbox
from sandbox.disc import patient_tags
from workstation.http import ErrorKind, PlatformError
from workstation.journal import Journal
from workstation.model import Category, Gender, Patient, Result
from workstation.recognition.decisions import DecisionKind, PlatformDecision, new_decision
from workstation.recognition.outbox import send_pending
from workstation.records.platform import PatientQuery, QueryKind
from workstation.services import Connection, LoadedImage, load_series
from workstation.sources.base import study_result
from workstation.sources.federation import (
    FederatedPlatform,
    Member,
    SharedOrigin,
    fhir_id,
    platform_key,
    split_id,
)
from workstation.sources.patients import SourcedPatient, group_patients

HOME, OTHER = "成都", "绵阳"


@pytest.mark.unit
def test_ids_of_other_platforms_carry_their_key_and_home_ids_stay() -> None:
    key = platform_key("https://mianyang.example/")
    assert key == platform_key("https://mianyang.example")  # the slash does not matter
    assert key != platform_key("https://chengdu.example")
    assert len(key) == 16
    assert split_id(f"{key}~rad000008") == (key, "rad000008")
    assert split_id("rad000008") == ("", "rad000008")
    # a disc study's id and odd ids are never taken for another platform's
    assert split_id("患者光盘:1.2.840.1") == ("", "患者光盘:1.2.840.1")
    assert split_id("nothexnothexnoth~x") == ("", "nothexnothexnoth~x")
    assert split_id(f"{key[:8]}~x") == ("", f"{key[:8]}~x")
    assert split_id(f"{key}~") == ("", f"{key}~")


@dataclass
class Cities:
    running: dict[str, RunningSandbox]
    data: Path


@pytest.fixture
def cities_data(cities: dict[str, RunningSandbox], sandbox_data: Path) -> Cities:
    return Cities(cities, sandbox_data)


def _member(name: str, connection: Connection) -> Member:
    user = connection.user
    return Member(
        platform_key(connection.entry.base_url),
        name,
        connection.platform,
        user.username,
        user.practitioner,
        connection.session.endpoints.origins(),
    )


@dataclass
class Signed:
    home: Connection
    other: Connection
    federation: FederatedPlatform

    def home_decisions(self, result_id: str) -> list[PlatformDecision]:
        return self.home.platform.decisions_on(result_id, "p0001-510100")


@pytest.fixture
def signed(cities_data: Cities) -> Iterator[Signed]:
    home = sign_in_demo(cities_data.running[HOME].base_url)
    other = sign_in_demo(cities_data.running[OTHER].base_url)
    federation = FederatedPlatform(_member(HOME, home), [_member(OTHER, other)])
    try:
        yield Signed(home, other, federation)
    finally:
        home.sign_out()
        other.sign_out()


def _open(signed: Signed, data: Path) -> tuple[str, list[Result]]:
    card = patient_tags(data, "p0001").id_card
    outcome = signed.federation.search_groups(PatientQuery(QueryKind.ID_CARD, card))
    assert outcome.errors == {}
    (group,) = outcome.groups
    patient = signed.federation.open_patient(group)
    results = [r for page in signed.federation.results(patient.id) for r in page.results]
    return patient.id, results


@pytest.mark.e2e
def test_one_patient_from_two_platforms(signed: Signed, cities_data: Cities) -> None:
    patient_id, results = _open(signed, cities_data.data)
    assert patient_id == "p0001-510100"  # her record on the home platform is the one opened
    home_only = [r for page in signed.home.platform.results(patient_id) for r in page.results]
    native_other = [
        r for page in signed.other.platform.results("p0001-510700") for r in page.results
    ]
    assert len(results) == len(home_only) + len(native_other)
    key = platform_key(cities_data.running[OTHER].base_url)
    others = [r for r in results if r.source == OTHER]
    assert sorted(split_id(r.id)[1] for r in others) == sorted(r.id for r in native_other)
    # each result names its own record: 绵阳's record of her, for decisions there
    assert all(split_id(r.id)[0] == key for r in others)
    assert {r.patient_id for r in others} == {f"{key}~p0001-510700"}
    assert {r.id for r in results if r.source == ""} == {r.id for r in home_only}
    # every result's hospital is known under the id the result names
    hospitals = signed.federation.hospitals()
    assert all(r.hospital_id in hospitals for r in results)
    mianyang = hospitals[others[0].hospital_id]
    assert mianyang.region_code == "510700"
    assert mianyang.id == others[0].hospital_id

    # lab values come from the platform holding the result, trends from both
    lab = next(r for r in others if r.category is Category.LAB)
    values = signed.federation.observations(lab)
    native_lab = next(r for r in native_other if r.id == split_id(lab.id)[1])
    assert [split_id(v.id)[1] for v in values] == [
        v.id for v in signed.other.platform.observations(native_lab)
    ]
    trend = signed.federation.patient_observations(patient_id)
    assert {split_id(v.id)[0] for v in trend} == {"", key}
    times = [v.effective for v in trend if v.effective is not None]
    assert times == sorted(times)


@pytest.mark.e2e
def test_images_of_the_other_platform_come_with_its_own_sign_in(
    signed: Signed, cities_data: Cities
) -> None:
    _patient_id, results = _open(signed, cities_data.data)
    ct = next(r for r in results if r.source == OTHER and r.modality == "CT")
    ref = signed.federation.imaging_study(ct.imaging_study_ids[0])
    federated = Connection(
        signed.home.entry,
        signed.home.client,
        signed.home.session,
        signed.federation,
        peers=(signed.other,),
    )
    series = ref.series[0]
    images: list[LoadedImage] = []
    count = load_series(federated.dicomweb(ref.dicomweb_url), ref, series, images.append)
    assert count == len(series.instances) > 0
    arrived = {i.sop_instance_uid for i in images if i.image is not None}
    assert arrived == {i.sop_instance_uid for i in series.instances}
    # a platform naming another platform's server for its images is refused before
    # anything is fetched (that server would be asked with its own sign-in)
    member = _member(OTHER, signed.other)
    liar = dataclasses.replace(member, origins=("https://images.elsewhere.example",))
    signed.federation.add(liar)
    with pytest.raises(PlatformError) as foreign:
        signed.federation.imaging_study(ct.imaging_study_ids[0])
    assert foreign.value.kind is ErrorKind.FOREIGN_ORIGIN
    signed.federation.add(member)
    # the home platform's own session alone is never sent there
    alone = Connection(
        signed.home.entry, signed.home.client, signed.home.session, signed.home.platform
    )
    with pytest.raises(PlatformError) as refused:
        alone.dicomweb(ref.dicomweb_url).search_instances(ref.study_uid, series.uid)
    assert refused.value.kind is ErrorKind.FOREIGN_ORIGIN


def _decide(result: Result, practitioner: str) -> object:
    return new_decision(
        result,
        DecisionKind.ACCEPTED,
        username="dr.li",
        practitioner=practitioner,
        catalog_version="",
        eligibility="valid",
        now=dt.datetime.now(dt.UTC),
    )


@pytest.mark.e2e
def test_decisions_go_to_the_platform_holding_the_result_exactly_once(
    signed: Signed, cities_data: Cities, tmp_path: Path
) -> None:
    patient_id, results = _open(signed, cities_data.data)
    home_result = next(r for r in results if r.source == "")
    other_result = next(r for r in results if r.source == OTHER and r.modality == "DX")
    practitioner = signed.home.user.practitioner
    journal = Journal(tmp_path / "journal")
    for result in (other_result, home_result):
        journal.record(_decide(result, practitioner))  # type: ignore[arg-type]
    report = send_pending(journal, signed.federation, destination=signed.federation.destination)
    assert report.clean
    assert len(report.sent) == 2
    native = split_id(other_result.id)[1]
    ours = {e.decision.result_id: e.decision.id for e in journal.all()}
    on_other = signed.other.platform.decisions_on(native, "p0001-510700")
    (sent,) = [d for d in on_other if d.decision_id == ours[other_result.id]]
    assert sent.kind is DecisionKind.ACCEPTED
    assert sent.practitioner == signed.other.user.practitioner
    assert all(d.decision_id != ours[other_result.id] for d in signed.home_decisions(native))
    on_home = signed.home_decisions(home_result.id)
    assert [d.kind for d in on_home if d.decision_id == ours[home_result.id]] == [
        DecisionKind.ACCEPTED
    ]
    # read back through the federation: on the federated id, and hers
    back = signed.federation.decisions_on(other_result.id, patient_id)
    assert (other_result.id, practitioner) in {(d.result_id, d.practitioner) for d in back}
    # a resend (the outbox after a crash) stores nothing twice
    for entry in journal.all():
        signed.federation.send_decision(entry.decision)
    again = signed.other.platform.decisions_on(native, "p0001-510700")
    assert len(again) == len(on_other)


@pytest.mark.e2e
def test_a_platform_signed_out_or_down_hides_nothing_of_the_other(
    signed: Signed, cities_data: Cities, tmp_path: Path, sandbox_data: Path
) -> None:
    patient_id, results = _open(signed, cities_data.data)
    other_result = next(r for r in results if r.source == OTHER)
    home_result = next(r for r in results if r.source == "")
    key = platform_key(cities_data.running[OTHER].base_url)
    signed.federation.remove(key)  # she signed out of 绵阳
    pages = list(signed.federation.results(patient_id))
    shown = [r for p in pages for r in p.results]
    assert {r.source for r in shown} == {""}
    assert len(shown) == len([r for r in results if r.source == ""])
    (down,) = [p.sources_down for p in pages if p.sources_down]
    assert list(down) == [OTHER]
    assert down[OTHER].kind is ErrorKind.SIGNED_OUT
    # her decision on 绵阳's result waits; the home platform's still goes
    journal = Journal(tmp_path / "journal")
    practitioner = signed.home.user.practitioner
    journal.record(_decide(other_result, practitioner))  # type: ignore[arg-type]
    journal.record(_decide(home_result, practitioner))  # type: ignore[arg-type]
    report = send_pending(journal, signed.federation, destination=signed.federation.destination)
    assert report.failed == ErrorKind.SIGNED_OUT.value
    assert len(report.sent) == 1
    assert len(journal.pending()) == 1
    assert journal.pending()[0].decision.result_id == other_result.id
    # back in: it goes, to 绵阳
    signed.federation.add(_member(OTHER, signed.other))
    report = send_pending(journal, signed.federation, destination=signed.federation.destination)
    assert report.clean
    assert len(report.sent) == 1
    assert journal.pending() == []
    # a platform that went down after sign-in: the other's results still come
    gone = start_sandbox(sandbox_data, extra_args=("--region", "510700"), timeout_s=120)
    connection = sign_in_demo(gone.base_url)
    gone.stop()
    try:
        signed.federation.remove(key)
        signed.federation.add(
            Member(
                key,
                OTHER,
                connection.platform,
                "dr.li",
                connection.user.practitioner,
                connection.session.endpoints.origins(),
            )
        )
        pages = list(signed.federation.results(patient_id))
        assert {r.source for p in pages for r in p.results} == {""}
        (down,) = [p.sources_down for p in pages if p.sources_down]
        assert down[OTHER].kind in (ErrorKind.NETWORK, ErrorKind.TIMEOUT)
    finally:
        connection.client.close()


@pytest.mark.e2e
def test_disc_decisions_go_to_the_configured_decision_authority(
    signed: Signed, cities_data: Cities, tmp_path: Path
) -> None:
    from tests.test_study_decisions import _disc_row

    patient_id, _results = _open(signed, cities_data.data)
    key = platform_key(cities_data.running[OTHER].base_url)
    signed.federation.set_authority(key, OTHER)  # the province's (here: 绵阳's) platform decides
    study = _disc_row()
    disc = study_result(study, patient_id=patient_id)
    decision = new_decision(
        disc,
        DecisionKind.REPEAT_ORDERED,
        username="dr.li",
        practitioner=signed.home.user.practitioner,
        catalog_version="",
        eligibility="no HR mark",
        now=dt.datetime.now(dt.UTC),
        reason=next(iter(signed.home.platform.catalog().reasons)),
        patient_informed=True,
    )
    assert signed.federation.destination(decision) == key
    journal = Journal(tmp_path / "journal")
    journal.record(decision)
    report = send_pending(journal, signed.federation, destination=signed.federation.destination)
    assert report.clean
    # on 绵阳, for her record there, focused on the study's UID; nothing on the home one
    on_other = signed.other.platform.decisions_on(disc.id, "p0001-510700")
    assert [d.decision_id for d in on_other] == [decision.id]
    assert signed.home.platform.decisions_on(disc.id, "p0001-510100") == []
    back = signed.federation.decisions_on(disc.id, patient_id)
    assert [(d.decision_id, d.practitioner) for d in back] == [
        (decision.id, signed.home.user.practitioner)
    ]


@pytest.mark.e2e
def test_a_platform_naming_another_members_server_is_not_added(
    signed: Signed, cities_data: Cities
) -> None:
    member = _member(OTHER, signed.other)
    claims_home = dataclasses.replace(
        member, origins=(*member.origins, cities_data.running[HOME].base_url + "/dicomweb")
    )
    with pytest.raises(SharedOrigin) as refused:
        signed.federation.add(claims_home)
    assert (refused.value.name, refused.value.other) == (OTHER, HOME)
    assert signed.federation.others == (member,)  # the one signed in before stays


@pytest.mark.unit
def test_only_well_formed_fhir_ids_pass() -> None:
    assert fhir_id("p0001-510700")
    assert fhir_id("rad.000008")
    for bad in ("", "a~b", "患者光盘:1.2.3", "a/b", "x" * 65, "a b"):
        assert not fhir_id(bad)


@pytest.mark.unit
def test_two_look_alike_records_of_one_platform_are_never_offered_as_one() -> None:
    born = dt.date(1980, 1, 1)
    one = Patient("p1", "张伟", Gender.MALE, born)
    two = Patient("p2", "张伟", Gender.MALE, born)
    groups = group_patients([SourcedPatient(HOME, one), SourcedPatient(HOME, two)])
    assert len(groups) == 2
    assert all(not g.probable for g in groups)
    # on two platforms they are a probable match, to be confirmed
    (group,) = group_patients([SourcedPatient(HOME, one), SourcedPatient(OTHER, two)])
    assert [m.record.key for m in group.probable] == [(OTHER, "p2")]
