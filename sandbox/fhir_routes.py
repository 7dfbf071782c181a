"""FHIR R4 REST subset: capability statement, read, search with paging and _include, Task and
AuditEvent create (conditional create with If-None-Exist)."""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.auth import User
from sandbox.generate.fhir_build import DICOMWEB_ENDPOINT_ID, endpoint
from sandbox.indexing import SEARCH_PARAMS, index_values
from sandbox.responses import fhir_response, outcome, require_user
from sandbox.store import SearchError, Store, now_iso
from workstation import fhir_systems as systems

JsonObj = dict[str, Any]
CLINICAL = ("radiologist", "clinician")
READ_ROLES: dict[str, tuple[str, ...]] = {
    "Patient": CLINICAL,
    "DiagnosticReport": CLINICAL,
    "Observation": CLINICAL,
    "ImagingStudy": CLINICAL,
    "Organization": (*CLINICAL, "admin"),
    "Practitioner": (*CLINICAL, "admin"),
    "Task": (*CLINICAL, "admin"),
    "AuditEvent": ("admin",),
    "Endpoint": (*CLINICAL, "admin"),
}
DEFAULT_COUNT = 50
MAX_COUNT = 500
_CONTROL_PARAMS = {"_count", "_offset", "_include", "_sort", "_format", "_total"}


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _base(request: Request) -> str:
    return f"{request.app.state.settings.base_url}/fhir"


def capability_statement(base: str) -> JsonObj:
    """What this server supports, as a CapabilityStatement."""
    resources = []
    for rtype, params in SEARCH_PARAMS.items():
        interactions = [{"code": "read"}, {"code": "search-type"}]
        if rtype in ("Task", "AuditEvent"):
            interactions.append({"code": "create"})
        entry: JsonObj = {
            "type": rtype,
            "interaction": interactions,
            "searchParam": [{"name": n, "type": t} for n, t in params.items()],
        }
        if rtype == "DiagnosticReport":
            entry["searchInclude"] = [
                "DiagnosticReport:result",
                "DiagnosticReport:imaging-study",
                "DiagnosticReport:performer",
                "DiagnosticReport:patient",
            ]
        if rtype == "Task":
            entry["conditionalCreate"] = True
        resources.append(entry)
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-11-01",
        "kind": "instance",
        "software": {"name": "HR sandbox platform", "version": "0.1.0"},
        "implementation": {"description": "检查检验结果互认平台（沙箱）", "url": base},
        "fhirVersion": "4.0.1",
        "format": ["json"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "service": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                                    "code": "OAuth",
                                }
                            ]
                        }
                    ]
                },
                "resource": resources,
            }
        ],
    }


async def metadata(request: Request) -> Response:
    return fhir_response(capability_statement(_base(request)))


async def read(request: Request) -> Response:
    rtype = request.path_params["rtype"]
    if rtype not in READ_ROLES:
        return outcome(404, "not-supported", f"resource type {rtype} is not served")
    require_user(request, *READ_ROLES[rtype])
    if rtype == "Endpoint" and request.path_params["rid"] == DICOMWEB_ENDPOINT_ID:
        return fhir_response(endpoint(request.app.state.settings.base_url))
    found = _store(request).get_resource(rtype, request.path_params["rid"])
    if found is None:
        return outcome(404, "not-found", f"{rtype}/{request.path_params['rid']} does not exist")
    return fhir_response(found, 200, ETag=f'W/"{found["meta"]["versionId"]}"')


def _page_url(request: Request, offset: int) -> str:
    query = [(k, v) for k, v in parse_qsl(request.url.query) if k != "_offset"]
    query.append(("_offset", str(offset)))
    return f"{_base(request)}/{request.path_params['rtype']}?{urlencode(query)}"


async def search(request: Request) -> Response:
    rtype = request.path_params["rtype"]
    if rtype not in READ_ROLES:
        return outcome(404, "not-supported", f"resource type {rtype} is not served")
    require_user(request, *READ_ROLES[rtype])
    query = parse_qsl(request.url.query, keep_blank_values=True)
    controls: dict[str, list[str]] = {}
    params: list[tuple[str, str]] = []
    for key, value in query:
        if key in _CONTROL_PARAMS:
            controls.setdefault(key, []).append(value)
        else:
            params.append((key, value))
    try:
        count = min(int(controls.get("_count", [DEFAULT_COUNT])[0]), MAX_COUNT)
        offset = int(controls.get("_offset", ["0"])[0])
        if count < 0 or offset < 0:
            raise ValueError("negative")
    except ValueError:
        return outcome(400, "invalid", "_count and _offset must be whole numbers ≥ 0")
    sort = controls.get("_sort", [""])[0]
    try:
        result = _store(request).search(rtype, params, count=count, offset=offset, sort=sort)
    except SearchError as exc:
        return outcome(400, "not-supported", str(exc))
    entries = [
        {
            "fullUrl": f"{_base(request)}/{rtype}/{r['id']}",
            "resource": r,
            "search": {"mode": "match"},
        }
        for r in result.resources
    ]
    included = _includes(request, rtype, result.resources, controls.get("_include", []))
    if isinstance(included, Response):
        return included
    entries.extend(
        {
            "fullUrl": f"{_base(request)}/{r['resourceType']}/{r['id']}",
            "resource": r,
            "search": {"mode": "include"},
        }
        for r in included
    )
    links = [{"relation": "self", "url": _page_url(request, offset)}]
    if offset + count < result.total:
        next_url = _page_url(request, offset + count)
        if request.app.state.settings.faults.broken_next_links:
            next_url = f"{_base(request)}/{rtype}?_getpages=gone&_offset={offset + count}"
        links.append({"relation": "next", "url": next_url})
    if offset > 0:
        links.append({"relation": "previous", "url": _page_url(request, max(0, offset - count))})
    bundle = {
        "resourceType": "Bundle",
        "id": uuid.uuid4().hex,
        "type": "searchset",
        "total": result.total,
        "link": links,
        "entry": entries,
    }
    return fhir_response(bundle)


def _includes(
    request: Request, rtype: str, matches: list[JsonObj], includes: list[str]
) -> list[JsonObj] | Response:
    refs: list[str] = []
    for include in includes:
        source, _, param = include.partition(":")
        if source != rtype or SEARCH_PARAMS.get(rtype, {}).get(param) != "reference":
            return outcome(400, "not-supported", f"_include={include} is not supported")
        for resource in matches:
            refs.extend(v for n, v in index_values(resource) if n == param)
    found = _store(request).get_references(refs)
    user = require_user(request)
    return [r for r in found if user.role in READ_ROLES.get(r["resourceType"], ())]


def _one_identifier(condition: str) -> tuple[str, str] | None:
    pairs = parse_qsl(condition)
    if len(pairs) != 1 or pairs[0][0] != "identifier" or "|" not in pairs[0][1]:
        return None
    return pairs[0]


async def _body(request: Request) -> JsonObj | Response:
    try:
        body = json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return outcome(400, "structure", f"body is not JSON: {exc}")
    if not isinstance(body, dict):
        return outcome(400, "structure", "body must be a JSON object")
    return body


def _task_problems(task: JsonObj, user: User, store: Store) -> tuple[int, str] | None:
    """A (status, message) when a Task may not be stored, else None."""
    required = (
        "identifier",
        "status",
        "intent",
        "code",
        "focus",
        "for",
        "owner",
        "authoredOn",
        "businessStatus",
    )
    missing = [k for k in required if not task.get(k)]
    if missing:
        return 422, f"Task lacks {', '.join(missing)}"
    if task["status"] not in ("completed", "cancelled", "entered-in-error"):
        return 422, "Task.status must be completed, cancelled or entered-in-error"
    if not any(i.get("system") == systems.SID_TASK and i.get("value") for i in task["identifier"]):
        return 422, f"Task needs an identifier in system {systems.SID_TASK}"
    codes = task["code"].get("coding", [])
    if not any(c.get("system") == systems.CS_TASK_CODE for c in codes):
        return 422, "Task.code must be a recognition review"
    status_codes = [
        c.get("code")
        for c in task["businessStatus"].get("coding", [])
        if c.get("system") == systems.CS_DECISION
    ]
    if len(status_codes) != 1 or status_codes[0] not in systems.DECISION_CODES:
        return 422, "Task.businessStatus must be one recognition decision code"
    if status_codes[0] == "repeat-ordered" and not task.get("reasonCode"):
        return 422, "a repeat needs a reasonCode"
    if task["owner"].get("reference") != user.practitioner:
        return 403, "a decision can only be recorded by its owner"
    focus_ref = str(task["focus"].get("reference", ""))
    ftype, _, fid = focus_ref.partition("/")
    if ftype not in ("DiagnosticReport", "Observation", "ImagingStudy") or (
        store.get_resource(ftype, fid) is None
    ):
        return 422, f"Task.focus {focus_ref!r} is not a known result"
    return None


async def create(request: Request) -> Response:
    rtype = request.path_params["rtype"]
    if rtype not in ("Task", "AuditEvent"):
        return outcome(405, "not-supported", f"{rtype} cannot be created here")
    user = require_user(request, *CLINICAL)
    body = await _body(request)
    if isinstance(body, Response):
        return body
    if body.get("resourceType") != rtype:
        return outcome(400, "invalid", f"body is not a {rtype}")
    store = _store(request)
    if rtype == "Task":
        problem = _task_problems(body, user, store)
    else:
        agents = [a.get("who", {}).get("reference") for a in body.get("agent", [])]
        problem = None if user.practitioner in agents else (403, "AuditEvent agent is not you")
        if not body.get("recorded") or not body.get("type"):
            problem = (422, "AuditEvent needs type and recorded")
    if problem is not None:
        status, message = problem
        return outcome(status, "forbidden" if status == 403 else "invariant", message)

    condition = request.headers.get("if-none-exist", "")
    with store.transaction() as db:
        if condition:
            pair = _one_identifier(condition)
            if pair is None:
                return outcome(400, "not-supported", "If-None-Exist supports identifier=sys|val")
            existing = store.search(rtype, [pair], count=2, offset=0, db=db)
            if existing.total > 1:
                return outcome(412, "duplicate", "If-None-Exist matches more than one resource")
            if existing.total == 1:
                found = existing.resources[0]
                return fhir_response(found, 200, Location=f"{_base(request)}/{rtype}/{found['id']}")
        body = {**body, "id": uuid.uuid4().hex}
        if rtype == "Task":
            body.setdefault("lastModified", now_iso())
        saved = store.put_resource(body, db)
    location = f"{_base(request)}/{rtype}/{saved['id']}/_history/{saved['meta']['versionId']}"
    return fhir_response(saved, 201, Location=location, ETag=f'W/"{saved["meta"]["versionId"]}"')


ROUTES = [
    Route("/fhir/metadata", metadata),
    Route("/fhir/{rtype}", search, methods=["GET"]),
    Route("/fhir/{rtype}", create, methods=["POST"]),
    Route("/fhir/{rtype}/{rid}", read),
]
