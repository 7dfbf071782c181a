"""The region's recognition figures over a period, broken down by issuing hospital, item and
repeat reason (``GET /admin/statistics/breakdown?from=YYYY-MM-DD&to=YYYY-MM-DD``, admin only).

Each doctor's latest decision on a result counts (a withdrawal takes hers back); the period
and the order of decisions follow the platform's own receipt time (``meta.lastUpdated``),
never the client's clock, and the days are China Standard Time days.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox import scopes
from sandbox.paper_rules import is_paper
from sandbox.responses import outcome, require_user
from sandbox.store import CATALOG_META_KEY, Store
from workstation import fhir_systems as systems

JsonObj = dict[str, Any]
CHINA = dt.timezone(dt.timedelta(hours=8))


def _coding(concept: Any, system: str) -> JsonObj | None:
    if not isinstance(concept, dict):
        return None
    for coding in concept.get("coding", []):
        if isinstance(coding, dict) and coding.get("system") == system:
            return coding
    return None


def _received(task: JsonObj) -> dt.datetime | None:
    """When the platform received the Task (its lastUpdated), as an aware datetime."""
    text = str(task.get("meta", {}).get("lastUpdated") or task.get("authoredOn") or "")
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def latest_decisions(tasks: Iterable[JsonObj]) -> list[tuple[JsonObj, dt.datetime]]:
    """Each doctor's latest decision Task per result (by receipt time), with that time."""
    latest: dict[tuple[str, str], tuple[JsonObj, dt.datetime]] = {}
    for task in tasks:
        received = _received(task)
        if received is None:
            continue
        key = (
            str(task.get("focus", {}).get("reference", "")),
            str(task.get("owner", {}).get("reference", "")),
        )
        if key not in latest or received >= latest[key][1]:
            latest[key] = (task, received)
    return list(latest.values())


def _group() -> JsonObj:
    return {"decided": 0, "accepted": 0, "repeated": 0, "refusals": 0, "savedYuan": 0.0}


def region_breakdown(
    store: Store, catalog: JsonObj, start: dt.date | None, end: dt.date | None
) -> JsonObj:
    """Accepted / repeated / refusals / yuan saved in total, by issuing hospital and by item,
    and repeat counts by reason (``paper``: the totals' part on reports transcribed from
    paper), for decisions received between ``start`` and ``end``
    (inclusive, China days; None = open)."""
    items = {str(i["code"]): i for i in catalog.get("items", [])}
    reasons_doc = {str(r["code"]): r for r in catalog.get("repeatReasons", [])}
    with store.connect() as db:
        rows = db.execute("SELECT body FROM resource WHERE rtype='Task'").fetchall()
    tasks = [json.loads(row["body"]) for row in rows]
    totals = _group()
    paper = _group()  # the part of the totals on reports transcribed from paper
    by_hospital: dict[str, JsonObj] = {}
    by_item: dict[str, JsonObj] = {}
    by_reason: dict[str, JsonObj] = {}
    for task, received in latest_decisions(tasks):
        day = received.astimezone(CHINA).date()
        if (start and day < start) or (end and day > end):
            continue
        decision = (_coding(task.get("businessStatus"), systems.CS_DECISION) or {}).get("code")
        if decision not in ("accepted", "repeat-ordered"):
            continue  # withdrawn or viewed: no decision in force
        rtype, _, rid = str(task.get("focus", {}).get("reference", "")).partition("/")
        result = store.get_resource(rtype, rid) or {}
        performer = (result.get("performer") or [{}])[0]
        hospital_id = str(performer.get("reference", "")).removeprefix("Organization/")
        item_coding = _coding(result.get("code"), systems.CS_RECOGNITION_ITEM) or {}
        item_code = str(item_coding.get("code") or "")
        item = items.get(item_code, {})
        hospital = by_hospital.setdefault(
            hospital_id, {"id": hospital_id, "name": str(performer.get("display", "")), **_group()}
        )
        item_group = by_item.setdefault(
            item_code or "-",
            {
                "code": item_code,
                "name": str(item.get("name_zh") or result.get("code", {}).get("text", "")),
                "category": str(item.get("category", "")),
                **_group(),
            },
        )
        groups = (totals, hospital, item_group, *((paper,) if is_paper(result) else ()))
        for group in groups:
            group["decided"] += 1
        if decision == "accepted":
            price = float(item.get("price_yuan", 0.0))
            for group in groups:
                group["accepted"] += 1
                group["savedYuan"] = round(group["savedYuan"] + price, 2)
            continue
        reason = _coding(task.get("reasonCode"), systems.CS_REPEAT_REASON) or {}
        code = str(reason.get("code") or "")
        known = reasons_doc.get(code, {})
        refusal = bool(known.get("counts_as_refusal", True))
        entry = by_reason.setdefault(
            code,
            {
                "code": code,
                "label": str(known.get("label_zh") or reason.get("display") or code),
                "countsAsRefusal": refusal,
                "count": 0,
            },
        )
        entry["count"] += 1
        for group in groups:
            group["repeated"] += 1
            group["refusals"] += int(refusal)
    return {
        "from": start.isoformat() if start else None,
        "to": end.isoformat() if end else None,
        "totals": totals,
        "paper": paper,
        "byHospital": sorted(by_hospital.values(), key=lambda g: (-g["decided"], g["id"])),
        "byItem": sorted(by_item.values(), key=lambda g: (-g["decided"], g["code"])),
        "byReason": sorted(by_reason.values(), key=lambda g: (-g["count"], g["code"])),
    }


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


async def breakdown(request: Request) -> Response:
    """The route: admin only; ``from`` / ``to`` optional ISO dates."""
    require_user(request, "admin", scope=scopes.STATISTICS)
    try:
        start = _day(request.query_params.get("from"))
        end = _day(request.query_params.get("to"))
    except ValueError:
        return outcome(400, "invalid", "from and to must be dates (YYYY-MM-DD)")
    store: Store = request.app.state.store
    catalog: JsonObj = json.loads(store.get_meta(CATALOG_META_KEY) or "{}")
    return JSONResponse(region_breakdown(store, catalog, start, end))
