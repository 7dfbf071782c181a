"""The sandbox's FHIR endpoints over real HTTP: auth on every route, search, paging,
_include, conditional create, validity of the resources (checked with fhir.resources)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import httpx
import pytest

from tests.conftest import Sandbox
from workstation import fhir_systems as systems

pytestmark = pytest.mark.e2e

PROTECTED_GETS = [
    "/fhir/Patient",
    "/fhir/Patient/p0001",
    "/fhir/DiagnosticReport",
    "/fhir/Observation",
    "/fhir/ImagingStudy",
    "/fhir/Organization",
    "/fhir/Task",
    "/fhir/AuditEvent",
    "/fhir/Endpoint/dicomweb",
    "/catalog/recognition",
    "/admin/statistics",
    "/dicomweb/studies",
    "/oauth/userinfo",
]


def _get(sandbox: Sandbox, path: str, token: str, **params: Any) -> httpx.Response:
    return httpx.get(
        f"{sandbox.base_url}{path}",
        params=params,
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )


@pytest.mark.parametrize("path", PROTECTED_GETS)
def test_no_route_answers_without_a_valid_token(sandbox: Sandbox, path: str) -> None:
    assert httpx.get(f"{sandbox.base_url}{path}").status_code == 401
    forged = httpx.get(
        f"{sandbox.base_url}{path}", headers={"Authorization": "Bearer eyJhbGciOiJub25lIn0.e30."}
    )
    assert forged.status_code == 401


def test_capability_statement(sandbox: Sandbox) -> None:
    cs = httpx.get(f"{sandbox.base_url}/fhir/metadata").json()
    assert cs["resourceType"] == "CapabilityStatement"
    assert cs["fhirVersion"] == "4.0.1"
    types = {r["type"] for r in cs["rest"][0]["resource"]}
    assert {"Patient", "DiagnosticReport", "Task", "ImagingStudy"} <= types


def test_roles_limit_what_a_user_sees(sandbox: Sandbox) -> None:
    admin = sandbox.token("admin")
    assert _get(sandbox, "/fhir/Patient", admin).status_code == 403
    assert _get(sandbox, "/dicomweb/studies", admin).status_code == 403
    assert _get(sandbox, "/admin/statistics", admin).status_code == 200
    doctor = sandbox.token("dr.li")
    assert _get(sandbox, "/admin/statistics", doctor).status_code == 403
    assert _get(sandbox, "/fhir/AuditEvent", doctor).status_code == 403


def _first_patient(sandbox: Sandbox, token: str) -> dict[str, Any]:
    bundle = _get(sandbox, "/fhir/Patient", token, _count=1).json()
    resource: dict[str, Any] = bundle["entry"][0]["resource"]
    return resource


def test_patient_search_by_id_card_name_phone_gender(sandbox: Sandbox) -> None:
    token = sandbox.token()
    patient = _first_patient(sandbox, token)
    id_card = next(
        i["value"] for i in patient["identifier"] if i["system"] == systems.SID_RESIDENT_ID
    )
    by_id = _get(
        sandbox, "/fhir/Patient", token, identifier=f"{systems.SID_RESIDENT_ID}|{id_card}"
    ).json()
    assert [e["resource"]["id"] for e in by_id["entry"]] == [patient["id"]]
    name = patient["name"][0]["text"]
    by_family = _get(sandbox, "/fhir/Patient", token, name=name[0]).json()
    assert patient["id"] in {e["resource"]["id"] for e in by_family["entry"]}
    assert all(
        e["resource"]["name"][0]["text"].startswith(name[0])
        or name[0] in e["resource"]["name"][0]["text"]
        for e in by_family["entry"]
    )
    by_given = _get(sandbox, "/fhir/Patient", token, **{"name:contains": name[-1]}).json()
    assert patient["id"] in {e["resource"]["id"] for e in by_given["entry"]}
    phone = patient["telecom"][0]["value"]
    assert _get(sandbox, "/fhir/Patient", token, phone=phone).json()["total"] >= 1
    females = _get(sandbox, "/fhir/Patient", token, gender="female").json()
    assert all(e["resource"]["gender"] == "female" for e in females["entry"])
    nobody = _get(sandbox, "/fhir/Patient", token, name="不存在的名字").json()
    assert nobody["total"] == 0


def test_unknown_search_parameter_is_an_operation_outcome(sandbox: Sandbox) -> None:
    response = _get(sandbox, "/fhir/Patient", sandbox.token(), shoe_size="42")
    assert response.status_code == 400
    assert response.json()["resourceType"] == "OperationOutcome"


def test_reports_page_with_next_links_and_include(sandbox: Sandbox) -> None:
    token = sandbox.token()
    first = _get(
        sandbox,
        "/fhir/DiagnosticReport",
        token,
        patient="Patient/p0003",
        _count=7,
        _sort="-date",
        _include="DiagnosticReport:result",
    ).json()
    total = first["total"]
    assert total > 7
    seen: list[str] = []
    dates: list[str] = []
    bundle = first
    while True:
        matches = [e["resource"] for e in bundle["entry"] if e["search"]["mode"] == "match"]
        included = {
            e["resource"]["id"] for e in bundle["entry"] if e["search"]["mode"] == "include"
        }
        for report in matches:
            for ref in report.get("result", []):
                assert ref["reference"].split("/")[1] in included
        seen += [r["id"] for r in matches]
        dates += [r["effectiveDateTime"] for r in matches]
        nxt = [link["url"] for link in bundle["link"] if link["relation"] == "next"]
        if not nxt:
            break
        bundle = httpx.get(nxt[0], headers={"Authorization": f"Bearer {token}"}).json()
    assert len(seen) == total == len(set(seen))
    assert dates == sorted(dates, reverse=True)


def test_report_filters_category_date_performer(sandbox: Sandbox) -> None:
    token = sandbox.token()
    labs = _get(
        sandbox,
        "/fhir/DiagnosticReport",
        token,
        patient="p0001",
        category=f"{systems.V2_0074}|LAB",
        _count=200,
    ).json()
    rads = _get(
        sandbox,
        "/fhir/DiagnosticReport",
        token,
        patient="p0001",
        category="RAD",
        _count=200,
        _include="DiagnosticReport:imaging-study",
    ).json()
    assert labs["total"] > 0
    assert rads["total"] >= 4
    studies = [e for e in rads["entry"] if e["resource"]["resourceType"] == "ImagingStudy"]
    # every report with images brings its study (a paper report registered by an earlier
    # test has none)
    with_images = {
        ref["reference"]
        for e in rads["entry"]
        if e["resource"]["resourceType"] == "DiagnosticReport"
        for ref in e["resource"].get("imagingStudy", [])
    }
    assert with_images
    assert {f"ImagingStudy/{e['resource']['id']}" for e in studies} == with_images
    some = labs["entry"][0]["resource"]
    day = some["effectiveDateTime"][:10]
    on_day = _get(
        sandbox, "/fhir/DiagnosticReport", token, patient="p0001", date=[f"ge{day}", f"le{day}"]
    ).json()
    assert some["id"] in {e["resource"]["id"] for e in on_day["entry"]}
    assert all(e["resource"]["effectiveDateTime"][:10] == day for e in on_day["entry"])
    org = some["performer"][0]["reference"]
    by_org = _get(sandbox, "/fhir/DiagnosticReport", token, performer=org, _count=500).json()
    assert all(e["resource"]["performer"][0]["reference"] == org for e in by_org["entry"])


def _task(
    sandbox: Sandbox,
    token: str,
    identifier: str,
    decision: str = "accepted",
    owner: str = "Practitioner/pr001",
) -> dict[str, Any]:
    report = _get(sandbox, "/fhir/DiagnosticReport", token, patient="p0001", _count=1).json()[
        "entry"
    ][0]["resource"]
    task: dict[str, Any] = {
        "resourceType": "Task",
        "identifier": [{"system": systems.SID_TASK, "value": identifier}],
        "status": "completed",
        "intent": "order",
        "code": {"coding": [{"system": systems.CS_TASK_CODE, "code": "recognition-review"}]},
        "focus": {"reference": f"DiagnosticReport/{report['id']}"},
        "for": {"reference": "Patient/p0001"},
        "owner": {"reference": owner},
        "authoredOn": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "businessStatus": {"coding": [{"system": systems.CS_DECISION, "code": decision}]},
    }
    if decision == "repeat-ordered":
        task["reasonCode"] = {"coding": [{"system": systems.CS_REPEAT_REASON, "code": "R01"}]}
    return task


def test_conditional_create_is_idempotent(sandbox: Sandbox) -> None:
    token = sandbox.token("dr.li")
    identifier = str(uuid.uuid4())
    task = _task(sandbox, token, identifier)
    headers = {
        "Authorization": f"Bearer {token}",
        "If-None-Exist": f"identifier={systems.SID_TASK}|{identifier}",
    }
    url = f"{sandbox.base_url}/fhir/Task"
    first = httpx.post(url, json=task, headers=headers)
    second = httpx.post(url, json=task, headers=headers)
    assert first.status_code == 201
    assert second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    found = _get(sandbox, "/fhir/Task", token, identifier=f"{systems.SID_TASK}|{identifier}")
    assert found.json()["total"] == 1


def test_task_rules(sandbox: Sandbox) -> None:
    token = sandbox.token("dr.li")
    url = f"{sandbox.base_url}/fhir/Task"
    headers = {"Authorization": f"Bearer {token}"}
    as_someone_else = _task(sandbox, token, str(uuid.uuid4()), owner="Practitioner/pr002")
    assert httpx.post(url, json=as_someone_else, headers=headers).status_code == 403
    no_reason = _task(sandbox, token, str(uuid.uuid4()), decision="repeat-ordered")
    del no_reason["reasonCode"]
    response = httpx.post(url, json=no_reason, headers=headers)
    assert response.status_code == 422
    assert response.json()["resourceType"] == "OperationOutcome"
    bad_json = httpx.post(url, content=b"{not json", headers=headers)
    assert bad_json.status_code == 400
    admin = sandbox.token("admin")
    assert (
        httpx.post(
            url, json=_task(sandbox, token, "x"), headers={"Authorization": f"Bearer {admin}"}
        ).status_code
        == 403
    )


def test_catalog_etag(sandbox: Sandbox) -> None:
    token = sandbox.token()
    first = _get(sandbox, "/catalog/recognition", token)
    assert first.status_code == 200
    doc = first.json()
    assert doc["version"]
    assert len(doc["items"]) > 10
    etag = first.headers["etag"]
    again = httpx.get(
        f"{sandbox.base_url}/catalog/recognition",
        headers={"Authorization": f"Bearer {token}", "If-None-Match": etag},
    )
    assert again.status_code == 304
    assert again.content == b""


def test_resources_are_valid_fhir(sandbox: Sandbox) -> None:
    from fhir.resources.R4B import get_fhir_model_class

    token = sandbox.token()
    checked = 0
    for path, params in (
        ("/fhir/Patient", {"_count": 5}),
        ("/fhir/Organization", {}),
        (
            "/fhir/DiagnosticReport",
            {
                "patient": "p0001",
                "_count": 50,
                "_include": ["DiagnosticReport:result", "DiagnosticReport:imaging-study"],
            },
        ),
    ):
        bundle = _get(sandbox, path, token, **params).json()
        get_fhir_model_class("Bundle").model_validate(bundle)
        for entry in bundle["entry"]:
            resource = entry["resource"]
            get_fhir_model_class(resource["resourceType"]).model_validate(resource)
            checked += 1
    endpoint = _get(sandbox, "/fhir/Endpoint/dicomweb", token).json()
    get_fhir_model_class("Endpoint").model_validate(endpoint)
    assert endpoint["address"] == f"{sandbox.base_url}/dicomweb"
    assert checked > 20


def test_audit_event_create_and_statistics(sandbox: Sandbox) -> None:
    token = sandbox.token("dr.li")
    event = {
        "resourceType": "AuditEvent",
        "type": {"system": "http://dicom.nema.org/resources/ontology/DCM", "code": "110110"},
        "action": "R",
        "recorded": "2026-11-20T10:00:00+08:00",
        "outcome": "0",
        "agent": [{"who": {"reference": "Practitioner/pr001"}, "requestor": True}],
        "source": {"observer": {"display": "workstation"}},
        "entity": [{"what": {"reference": "Patient/p0001"}}],
    }
    url = f"{sandbox.base_url}/fhir/AuditEvent"
    response = httpx.post(url, json=event, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201
    stats = _get(sandbox, "/admin/statistics", sandbox.token("admin")).json()
    assert set(stats) >= {"decisions", "repeatReasons", "savedYuan"}
    events = _get(sandbox, "/fhir/AuditEvent", sandbox.token("admin"), patient="p0001").json()
    assert events["total"] >= 1


def test_injected_errors_and_latency(clean_faults: Sandbox) -> None:
    sandbox = clean_faults
    token = sandbox.token()
    sandbox.set_faults(error_rate=1.0)
    response = _get(sandbox, "/fhir/Patient", token)
    assert response.status_code == 503
    assert response.json()["resourceType"] == "OperationOutcome"
    sandbox.set_faults(error_rate=0.0, drop_rate=1.0)
    with pytest.raises(httpx.TransportError):
        _get(sandbox, "/fhir/Patient", token)
    sandbox.set_faults(drop_rate=0.0, latency_ms=300)
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(
            f"{sandbox.base_url}/fhir/Patient",
            timeout=0.1,
            headers={"Authorization": f"Bearer {token}"},
        )


def test_region_statistics_follow_the_latest_decision(sandbox: Sandbox) -> None:
    admin = sandbox.token("admin")
    before = _get(sandbox, "/admin/statistics", admin).json()
    token = sandbox.token("dr.li")
    headers = {"Authorization": f"Bearer {token}"}
    candidates = _get(sandbox, "/fhir/DiagnosticReport", token, category="LAB", _count=200).json()[
        "entry"
    ]
    report = next(
        e["resource"]
        for e in candidates
        if _get(
            sandbox, "/fhir/Task", token, focus=f"DiagnosticReport/{e['resource']['id']}"
        ).json()["total"]
        == 0
    )  # a report nobody has decided on yet, so the counts move by exactly one
    catalog = _get(sandbox, "/catalog/recognition", token).json()
    item = next(c for c in report["code"]["coding"] if c["system"] == systems.CS_RECOGNITION_ITEM)
    price = next(i["price_yuan"] for i in catalog["items"] if i["code"] == item["code"])
    first = _task(sandbox, token, str(uuid.uuid4()), decision="repeat-ordered")
    first["focus"] = {"reference": f"DiagnosticReport/{report['id']}"}
    first["for"] = report["subject"]
    assert (
        httpx.post(f"{sandbox.base_url}/fhir/Task", json=first, headers=headers).status_code == 201
    )
    middle = _get(sandbox, "/admin/statistics", admin).json()
    assert (
        middle["decisions"].get("repeat-ordered", 0)
        == before["decisions"].get("repeat-ordered", 0) + 1
    )
    assert middle["repeatReasons"].get("R01", 0) == before["repeatReasons"].get("R01", 0) + 1
    later = _task(sandbox, token, str(uuid.uuid4()))
    later["focus"] = first["focus"]
    later["for"] = report["subject"]
    assert (
        httpx.post(f"{sandbox.base_url}/fhir/Task", json=later, headers=headers).status_code == 201
    )
    after = _get(sandbox, "/admin/statistics", admin).json()
    assert after["decisions"].get("repeat-ordered", 0) == before["decisions"].get(
        "repeat-ordered", 0
    )
    assert after["decisions"]["accepted"] == before["decisions"].get("accepted", 0) + 1
    assert after["savedYuan"] == pytest.approx(before["savedYuan"] + price)
    by_owner = _get(
        sandbox,
        "/fhir/Task",
        token,
        owner="Practitioner/pr001",
        focus=f"DiagnosticReport/{report['id']}",
    ).json()
    assert by_owner["total"] >= 2
