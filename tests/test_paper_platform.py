"""A paper report on the platform: sent as FHIR (Binary + DocumentReference + DiagnosticReport
transcribed by her + Observations) to the real sandbox, valid FHIR R4, back in the patient's
results, decided on exactly once, and counted apart in the region's statistics."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from tests.conftest import DEMO_PASSWORD, Sandbox
from workstation import fhir_systems as systems
from workstation.config import PlatformEntry
from workstation.http import ErrorKind, PlatformError
from workstation.journal import Journal
from workstation.labs.analytes import load_analyte_table
from workstation.model import Category, Result
from workstation.paper.draft import LabEntry, PaperDraft, check_draft
from workstation.paper.fhir import paper_resources, transaction_bundle
from workstation.paper.upload import build_upload
from workstation.recognition.decisions import DecisionKind, new_decision
from workstation.recognition.outbox import send_pending
from workstation.services import Connection, sign_in

# p0009: a patient whose whole record no other test reads, so the paper reports added here
# change no other test's counts (others check, e.g., that every RAD report of p0001 has images).
pytestmark = pytest.mark.e2e
TABLE = load_analyte_table()
CST = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(scope="module")
def connection(sandbox: Sandbox) -> Iterator[Connection]:
    entry = PlatformEntry("Sandbox", sandbox.base_url)
    connection = sign_in(entry, "dr.li", DEMO_PASSWORD, remember=False, secrets=None)
    yield connection
    connection.sign_out()


def _photo(width: int = 3000, height: int = 4000) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (240, 240, 230)).save(out, "PNG")
    return out.getvalue()


def _draft(**changes: Any) -> PaperDraft:
    now = dt.datetime.now(CST)
    draft = PaperDraft(
        id=uuid.uuid4().hex,
        patient_id="p0009",
        hospital_id="",
        hospital_name="某县第二人民医院",
        effective=now - dt.timedelta(days=1),
        item_code="JY003",
        hr_mark=True,
        mark_region="510100",
        labs=(LabEntry("CREA", "130", "μmol/L", "57", "111"), LabEntry("UREA", "5.2", "mmol/L")),
        image_name="photo.png",
    )
    return dataclasses.replace(draft, **changes)


def _get(sandbox: Sandbox, path: str, token: str, **params: Any) -> httpx.Response:
    return httpx.get(
        f"{sandbox.base_url}{path}", params=params, headers={"Authorization": f"Bearer {token}"}
    )


def _send(connection: Connection, draft: PaperDraft, original: bytes) -> Result:
    platform = connection.platform
    catalog = platform.catalog()
    assert check_draft(draft, catalog, platform.hospitals(), TABLE, dt.datetime.now(CST)) == []
    now = dt.datetime.now(CST)
    upload = build_upload(draft, original, catalog, TABLE, connection.user, now)
    platform.send_paper_report(upload)
    return upload.result


def _decide(connection: Connection, tmp_path: Path, result: Result) -> str:
    journal = Journal(tmp_path / "journal")
    user = connection.user
    decision = journal.record(
        new_decision(
            result,
            DecisionKind.ACCEPTED,
            username=user.username,
            practitioner=user.practitioner,
            catalog_version=connection.platform.catalog().version,
            eligibility="below_level",
            now=dt.datetime.now(CST),
        )
    )
    report = send_pending(journal, connection.platform)
    assert report.sent == [decision.id]
    assert send_pending(journal, connection.platform).sent == []  # nothing left to send
    return decision.id


def test_a_paper_lab_report_reaches_the_platform_and_comes_back(
    sandbox: Sandbox, connection: Connection, tmp_path: Path
) -> None:
    from fhir.resources.R4B import get_fhir_model_class

    draft = _draft()
    sent = _send(connection, draft, _photo())
    token = sandbox.token()
    # over plain HTTP: every resource is there, valid FHIR R4
    report = _get(sandbox, f"/fhir/DiagnosticReport/{draft.report_id}", token).json()
    document = _get(sandbox, f"/fhir/DocumentReference/{draft.report_id}-doc", token).json()
    picture = _get(sandbox, f"/fhir/Binary/{draft.report_id}-img", token).json()
    original = _get(sandbox, f"/fhir/Binary/{draft.report_id}-orig", token).json()
    values = [
        _get(sandbox, f"/fhir/Observation/{draft.report_id}-{n}", token).json() for n in (1, 2)
    ]
    for res in (report, document, picture, original, *values):
        get_fhir_model_class(res["resourceType"]).model_validate(res)
    tags = report["meta"]["tag"]
    assert {"system": systems.CS_RESULT_SOURCE, "code": "paper", "display": "纸质报告转录"} in tags
    (transcribed,) = [e for e in report["extension"] if e["url"] == systems.EXT_TRANSCRIBED]
    by = next(p for p in transcribed["extension"] if p["url"] == "by")["valueReference"]
    assert by == {"reference": connection.user.practitioner, "display": "李静"}
    assert report["performer"] == [{"display": "某县第二人民医院"}]
    assert document["context"]["related"] == [{"reference": f"DiagnosticReport/{draft.report_id}"}]
    assert picture["contentType"] == "image/jpeg"
    assert original["contentType"] == "image/png"
    assert values[0]["valueQuantity"] == {
        "value": 130.0,
        "unit": "μmol/L",
        "system": systems.UCUM,
        "code": "umol/L",
    }
    assert values[0]["code"]["coding"][0]["code"] == "14682-9"
    # through the client: in the patient's results, with its values and its picture
    platform = connection.platform
    results = [r for page in platform.results("p0009") for r in page.results]
    (back,) = [r for r in results if r.id == draft.report_id]
    assert back.paper is not None
    assert back.paper.transcribed_by == connection.user.practitioner
    assert back.paper.hospital_name == "某县第二人民医院"
    assert back.paper.image_binary_id == f"{draft.report_id}-img"
    assert (back.category, back.item_code, back.mark) == (Category.LAB, "JY003", sent.mark)
    observations = platform.observations(back)
    assert [(o.name, o.value, o.unit, o.ref_high) for o in observations] == [
        ("肌酐", 130.0, "μmol/L", 111.0),
        ("尿素", 5.2, "mmol/L", None),
    ]
    jpeg = platform.binary(back.paper.image_binary_id)
    assert max(Image.open(io.BytesIO(jpeg)).size) == 2400  # downscaled from 4000 px


def test_a_resend_stores_nothing_twice(sandbox: Sandbox, connection: Connection) -> None:
    draft = _draft(item_code="JC002", labs=(), conclusion="双肺未见明显异常。")
    now = dt.datetime.now(CST)
    platform = connection.platform
    upload = build_upload(draft, _photo(800, 600), platform.catalog(), TABLE, connection.user, now)
    platform.send_paper_report(upload)
    platform.send_paper_report(upload)  # the answer was lost: the same upload goes again
    token = sandbox.token()
    found = _get(
        sandbox,
        "/fhir/DiagnosticReport",
        token,
        identifier=f"{systems.SID_PAPER_REPORT}|{draft.report_id}",
    ).json()
    assert found["total"] == 1
    assert found["entry"][0]["resource"]["meta"]["versionId"] == "1"
    assert found["entry"][0]["resource"]["conclusion"] == "双肺未见明显异常。"


def test_decisions_on_paper_results_are_sent_once_and_counted_apart(
    sandbox: Sandbox, connection: Connection, tmp_path: Path
) -> None:
    admin = sandbox.token("admin")
    before = _get(sandbox, "/admin/statistics", admin).json()["paper"]
    breakdown_before = _get(sandbox, "/admin/statistics/breakdown", admin).json()
    lab = _send(connection, _draft(), _photo(600, 800))
    imaging = _send(connection, _draft(item_code="JC002", labs=()), _photo(600, 800))
    first = _decide(connection, tmp_path / "a", lab)
    second = _decide(connection, tmp_path / "b", imaging)
    assert sandbox.task_total(first) == 1
    assert sandbox.task_total(second) == 1
    after = _get(sandbox, "/admin/statistics", admin).json()
    assert after["paper"]["results"] == before["results"] + 2
    assert (
        after["paper"]["decisions"].get("accepted", 0) == before["decisions"].get("accepted", 0) + 2
    )
    price = {"JY003": 32.0, "JC002": 260.0}
    assert after["paper"]["savedYuan"] == pytest.approx(
        before["savedYuan"] + price["JY003"] + price["JC002"]
    )
    breakdown = _get(sandbox, "/admin/statistics/breakdown", admin).json()
    assert breakdown["paper"]["accepted"] == breakdown_before["paper"]["accepted"] + 2
    assert breakdown["totals"]["accepted"] == breakdown_before["totals"]["accepted"] + 2
    # the administrator's client reads the paper part apart from the totals
    entry = PlatformEntry("Sandbox", sandbox.base_url)
    administrator = sign_in(entry, "admin", DEMO_PASSWORD, remember=False, secrets=None)
    try:
        stats = administrator.platform.region_statistics(None, None)
    finally:
        administrator.sign_out()
    assert stats.paper is not None
    assert stats.paper.accepted == breakdown["paper"]["accepted"]
    assert stats.totals.accepted == breakdown["totals"]["accepted"]


def _post(sandbox: Sandbox, token: str, bundle: dict[str, Any]) -> httpx.Response:
    return httpx.post(
        f"{sandbox.base_url}/fhir", json=bundle, headers={"Authorization": f"Bearer {token}"}
    )


def test_the_platform_refuses_what_is_not_her_paper_report(
    sandbox: Sandbox, connection: Connection
) -> None:
    platform = connection.platform
    catalog = platform.catalog()
    now = dt.datetime.now(CST)
    draft = _draft()
    upload = build_upload(draft, _photo(400, 400), catalog, TABLE, connection.user, now)
    resources = paper_resources(upload, platform.hospitals())
    token = sandbox.token()
    # another doctor cannot send a report as transcribed by dr.li
    assert (
        _post(sandbox, sandbox.token("dr.wang"), transaction_bundle(resources)).status_code == 403
    )
    future = [
        {**r, "effectiveDateTime": (now + dt.timedelta(days=2)).isoformat()}
        if r["resourceType"] == "DiagnosticReport"
        else r
        for r in resources
    ]
    assert _post(sandbox, token, transaction_bundle(future)).status_code == 422
    not_paper = [{**r, "id": "p0009"} if r["resourceType"] == "Binary" else r for r in resources]
    assert _post(sandbox, token, transaction_bundle(not_paper)).status_code == 400
    untagged = [{k: v for k, v in r.items() if k != "meta"} for r in resources]
    assert _post(sandbox, token, transaction_bundle(untagged)).status_code == 422
    no_patient = [
        {**r, "subject": {"reference": "Patient/nobody"}}
        if r["resourceType"] != "Binary"
        else {**r, "securityContext": {"reference": "Patient/nobody"}}
        for r in resources
    ]
    assert _post(sandbox, token, transaction_bundle(no_patient)).status_code == 404
    assert _post(sandbox, token, {"resourceType": "Bundle", "type": "batch"}).status_code == 400
    # nothing of the refused attempts was stored
    assert _get(sandbox, f"/fhir/DiagnosticReport/{draft.report_id}", token).status_code == 404
    # once she sent it, another doctor cannot overwrite it
    platform.send_paper_report(upload)
    other = sign_in(
        PlatformEntry("Sandbox", sandbox.base_url),
        "dr.wang",
        DEMO_PASSWORD,
        remember=False,
        secrets=None,
    )
    theirs = dataclasses.replace(upload, practitioner=other.user.practitioner)
    try:
        with pytest.raises(PlatformError) as caught:
            other.platform.send_paper_report(theirs)
    finally:
        other.sign_out()
    assert caught.value.kind is ErrorKind.FORBIDDEN


def _own_report_of(connection: Connection) -> list[dict[str, Any]]:
    """The resources of a fresh, valid paper report transcribed by ``connection``'s doctor."""
    platform = connection.platform
    now = dt.datetime.now(CST)
    upload = build_upload(
        _draft(), _photo(300, 400), platform.catalog(), TABLE, connection.user, now
    )
    return paper_resources(upload, platform.hospitals())


def _as_sent(stored: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A stored resource as a client would send it again: its tags, not the server's meta."""
    return {**stored, "meta": {"tag": stored["meta"]["tag"]}, **changes}


def test_another_doctor_cannot_change_or_point_at_her_paper_resources(
    sandbox: Sandbox, connection: Connection
) -> None:
    draft = _draft()
    _send(connection, draft, _photo(300, 400))
    token = sandbox.token()
    rid = draft.report_id
    value = _get(sandbox, f"/fhir/Observation/{rid}-1", token).json()
    picture = _get(sandbox, f"/fhir/Binary/{rid}-img", token).json()
    other = sign_in(
        PlatformEntry("Sandbox", sandbox.base_url),
        "dr.wang",
        DEMO_PASSWORD,
        remember=False,
        secrets=None,
    )
    try:
        his = _own_report_of(other)
    finally:
        other.sign_out()
    wang = sandbox.token("dr.wang")
    forged_value = _as_sent(value, valueQuantity={**value["valueQuantity"], "value": 9999})
    his_picture = next(r for r in his if r["resourceType"] == "Binary")
    forged_picture = _as_sent(picture, data=his_picture["data"])
    # his own valid report cannot carry a PUT of her value or of her picture
    for forged in (forged_value, forged_picture):
        answer = _post(sandbox, wang, transaction_bundle([*his, forged]))
        assert answer.status_code == 422, answer.text
    # nor can his report point at her value
    his_report = his[-1]
    pointing = {**his_report, "result": [{"reference": f"Observation/{rid}-1"}]}
    assert _post(sandbox, wang, transaction_bundle([*his[:-1], pointing])).status_code == 422
    # a report under her id, even one he claims to have transcribed, changes none of hers
    under_hers = json.loads(json.dumps(his).replace(his_report["id"], rid))
    assert _post(sandbox, wang, transaction_bundle(under_hers)).status_code == 403
    # nothing he sent was stored; her value and picture are as she sent them
    assert _get(sandbox, f"/fhir/Observation/{rid}-1", token).json() == value
    assert _get(sandbox, f"/fhir/Binary/{rid}-img", token).json() == picture
    assert _get(sandbox, f"/fhir/DiagnosticReport/{his_report['id']}", wang).status_code == 404


def test_a_stored_paper_report_cannot_move_to_another_patient(
    sandbox: Sandbox, connection: Connection
) -> None:
    platform = connection.platform
    now = dt.datetime.now(CST)
    draft = _draft()
    upload = build_upload(draft, _photo(300, 400), platform.catalog(), TABLE, connection.user, now)
    platform.send_paper_report(upload)
    resources = paper_resources(upload, platform.hospitals())
    moved = [
        {**r, "securityContext": {"reference": "Patient/p0001"}}
        if r["resourceType"] == "Binary"
        else {**r, "subject": {"reference": "Patient/p0001"}}
        for r in resources
    ]
    token = sandbox.token()
    assert _post(sandbox, token, transaction_bundle(moved)).status_code == 409
    # one value moved alone is refused too (a report's parts are of one patient)
    one = [
        {**r, "subject": {"reference": "Patient/p0001"}} if r["id"] == f"{draft.report_id}-1" else r
        for r in resources
    ]
    assert _post(sandbox, token, transaction_bundle(one)).status_code == 422
    report = _get(sandbox, f"/fhir/DiagnosticReport/{draft.report_id}", token).json()
    assert report["subject"] == {"reference": "Patient/p0009"}
    assert report["meta"]["versionId"] == "1"
    # she may still correct her own report for the same patient
    corrected = [
        {**r, "conclusion": "复核后更正。"} if r["resourceType"] == "DiagnosticReport" else r
        for r in resources
    ]
    assert _post(sandbox, token, transaction_bundle(corrected)).status_code == 200
    report = _get(sandbox, f"/fhir/DiagnosticReport/{draft.report_id}", token).json()
    assert report["conclusion"] == "复核后更正。"
