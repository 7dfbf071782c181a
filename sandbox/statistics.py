"""The region's recognition statistics, computed from the recorded decision Tasks."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from sandbox.store import Store
from workstation import fhir_systems as systems

JsonObj = dict[str, Any]


def _coding(concept: JsonObj | None, system: str) -> str | None:
    for coding in (concept or {}).get("coding", []):
        if coding.get("system") == system:
            return str(coding.get("code"))
    return None


def region_statistics(store: Store, catalog: JsonObj) -> JsonObj:
    """Accept/repeat counts, repeat reasons and yuan saved, using only each result's latest
    decision (a later Task on the same focus supersedes an earlier one)."""
    prices = {i["code"]: float(i.get("price_yuan", 0)) for i in catalog.get("items", [])}
    refusal = {
        r["code"]: bool(r.get("counts_as_refusal", True)) for r in catalog.get("repeatReasons", [])
    }
    latest: dict[str, JsonObj] = {}
    with store.connect() as db:
        rows = db.execute("SELECT body FROM resource WHERE rtype='Task'").fetchall()
    for row in rows:
        task = json.loads(row["body"])
        focus = task.get("focus", {}).get("reference", "")
        if focus not in latest or task.get("authoredOn", "") >= latest[focus].get("authoredOn", ""):
            latest[focus] = task
    decisions: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    saved = 0.0
    refusals = 0
    for focus, task in latest.items():
        decision = _coding(task.get("businessStatus"), systems.CS_DECISION) or "unknown"
        decisions[decision] += 1
        if decision == "repeat-ordered":
            for concept in (
                task.get("reasonCode", [])
                if isinstance(task.get("reasonCode"), list)
                else [task.get("reasonCode")]
            ):
                code = _coding(concept, systems.CS_REPEAT_REASON)
                if code:
                    reasons[code] += 1
                    refusals += int(refusal.get(code, True))
        if decision == "accepted":
            rtype, _, rid = focus.partition("/")
            result = store.get_resource(rtype, rid) or {}
            item = _coding(result.get("code"), systems.CS_RECOGNITION_ITEM)
            saved += prices.get(item or "", 0.0)
    return {
        "decisions": dict(decisions),
        "repeatReasons": dict(reasons),
        "refusals": refusals,
        "savedYuan": round(saved, 2),
        "results": len(latest),
    }
