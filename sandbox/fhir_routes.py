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

from sandbox import scopes
from sandbox.generate.fhir_build import DICOMWEB_ENDPOINT_ID, endpoint
from sandbox.indexing import SEARCH_PARAMS, index_values
from sandbox.limits import MAX_OFFSET, WHOLE_NUMBER, json_depth_ok
from sandbox.responses import fhir_response, granted_scopes, outcome, require_user
from sandbox.store import CATALOG_META_KEY, SearchError, Store
from sandbox.task_rules import SID_TASK, Refusal, check_audit_event, check_task

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
    "DocumentReference": CLINICAL,
    "Binary": CLINICAL,
}
DEFAULT_COUNT = 50
MAX_COUNT = 500
MAX_QUERY_PAIRS = 50
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
        if rtype in ("DiagnosticReport", "Observation", "DocumentReference"):
            interactions.append({"code": "update"})  # paper reports, in a transaction
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
                "interaction": [{"code": "transaction"}],
            }
        ],
    }


async def metadata(request: Request) -> Response:
    return fhir_response(capability_statement(_base(request)))


async def read(request: Request) -> Response:
    rtype = request.path_params["rtype"]
    if rtype not in READ_ROLES:
        return outcome(404, "not-supported", f"resource type {rtype} is not served")
    require_user(request, *READ_ROLES[rtype], scope=f"{rtype}.{scopes.READ}")
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
    require_user(request, *READ_ROLES[rtype], scope=f"{rtype}.{scopes.READ}")
    query = parse_qsl(request.url.query, keep_blank_values=True)
    if len(query) > MAX_QUERY_PAIRS:
        return outcome(400, "too-costly", f"at most {MAX_QUERY_PAIRS} search parameters")
    controls: dict[str, list[str]] = {}
    params: list[tuple[str, str]] = []
    for key, value in query:
        if key in _CONTROL_PARAMS:
            controls.setdefault(key, []).append(value)
        else:
            params.append((key, value))
    count_text = controls.get("_count", [str(DEFAULT_COUNT)])[0]
    offset_text = controls.get("_offset", ["0"])[0]
    if not WHOLE_NUMBER.match(count_text) or not WHOLE_NUMBER.match(offset_text):
        return outcome(400, "invalid", "_count and _offset must be whole numbers ≥ 0")
    count, offset = min(int(count_text), MAX_COUNT), int(offset_text)
    if offset > MAX_OFFSET:
        return outcome(400, "too-costly", f"_offset may be at most {MAX_OFFSET}")
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
    if count > 0 and offset + count < result.total:
        next_url = _page_url(request, offset + count)
        if request.app.state.settings.faults.broken_next_links:
            next_url = f"{_base(request)}/{rtype}?_getpages=gone&_offset={offset + count}"
        links.append({"relation": "next", "url": next_url})
    if offset > 0 and count > 0:
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
    found = _store(request).get_references(refs[:1000])
    user = require_user(request)
    granted = granted_scopes(request)
    return [
        r
        for r in found
        if user.role in READ_ROLES.get(r["resourceType"], ())
        and scopes.allows(granted, f"{r['resourceType']}.{scopes.READ}")
    ]


def _one_identifier(condition: str) -> tuple[str, str] | None:
    pairs = parse_qsl(condition)
    if len(pairs) != 1 or pairs[0][0] != "identifier" or "|" not in pairs[0][1]:
        return None
    system, _, value = pairs[0][1].partition("|")
    if system != SID_TASK or not value or "," in value or len(value) > 64:
        return None
    return pairs[0]


async def _body(request: Request) -> JsonObj | Response:
    raw = await request.body()
    if not json_depth_ok(raw):
        return outcome(400, "structure", "body nests too deeply")
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        return outcome(400, "structure", "body is not JSON")
    if not isinstance(body, dict):
        return outcome(400, "structure", "body must be a JSON object")
    return body


def _catalog(store: Store) -> JsonObj:
    try:
        doc = json.loads(store.get_meta(CATALOG_META_KEY) or "{}")
    except ValueError:
        return {}
    return doc if isinstance(doc, dict) else {}


async def create(request: Request) -> Response:
    rtype = request.path_params["rtype"]
    if rtype not in ("Task", "AuditEvent"):
        return outcome(405, "not-supported", f"{rtype} cannot be created here")
    user = require_user(request, *CLINICAL, scope=f"{rtype}.{scopes.WRITE}")
    body = await _body(request)
    if isinstance(body, Response):
        return body
    if body.get("resourceType") != rtype:
        return outcome(400, "invalid", f"body is not a {rtype}")
    store = _store(request)
    condition = request.headers.get("if-none-exist", "")
    pair = _one_identifier(condition) if condition else None
    if condition and (rtype != "Task" or pair is None):
        return outcome(400, "not-supported", "If-None-Exist supports Task identifier=sys|val")
    try:
        if rtype == "Task":
            body = check_task(body, user, store, _catalog(store))
        else:
            body = check_audit_event(body, user)
    except Refusal as refusal:
        return outcome(refusal.status, refusal.code, refusal.message)
    with store.transaction() as db:
        if pair is not None:
            # Scoped to the caller: another doctor's Task with this identifier is never hers.
            mine = [pair, ("owner", user.practitioner)]
            existing = store.search(rtype, mine, count=2, offset=0, db=db)
            if existing.total > 1:
                return outcome(412, "duplicate", "If-None-Exist matches more than one resource")
            if existing.total == 1:
                found = existing.resources[0]
                return fhir_response(found, 200, Location=f"{_base(request)}/{rtype}/{found['id']}")
        saved = store.put_resource({**body, "id": uuid.uuid4().hex}, db)
    location = f"{_base(request)}/{rtype}/{saved['id']}/_history/{saved['meta']['versionId']}"
    return fhir_response(saved, 201, Location=location, ETag=f'W/"{saved["meta"]["versionId"]}"')


ROUTES = [
    Route("/fhir/metadata", metadata),
    Route("/fhir/{rtype}", search, methods=["GET"]),
    Route("/fhir/{rtype}", create, methods=["POST"]),
    Route("/fhir/{rtype}/{rid}", read),
]
