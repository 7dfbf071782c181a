"""The region's recognition statistics, computed from the recorded decision Tasks."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from sandbox.paper_rules import is_paper
from sandbox.store import Store
from sandbox.task_rules import CS_DECISION, CS_REPEAT_REASON, DECISION_CODES

JsonObj = dict[str, Any]
CS_RECOGNITION_ITEM = "https://hr-platform.invalid/fhir/CodeSystem/recognition-item"


def _coding(concept: Any, system: str) -> str | None:
    if not isinstance(concept, dict) or not isinstance(concept.get("coding"), list):
        return None
    for coding in concept["coding"]:
        if isinstance(coding, dict) and coding.get("system") == system:
            code = coding.get("code")
            return code if isinstance(code, str) else None
    return None


def _reference(value: Any) -> str:
    ref = value.get("reference") if isinstance(value, dict) else None
    return ref if isinstance(ref, str) else ""


def _decision(body: str) -> tuple[str, str, JsonObj] | None:
    """(owner, focus, task) of a stored Task, or None when it is not a readable decision."""
    try:
        task = json.loads(body)
    except ValueError:
        return None
    if not isinstance(task, dict):
        return None
    owner, focus = _reference(task.get("owner")), _reference(task.get("focus"))
    if not owner or not focus:
        return None
    return owner, focus, task


def _price(value: Any) -> float:
    try:
        price = float(value)
    except (TypeError, ValueError):
        return 0.0
    return price if price >= 0 else 0.0


def region_statistics(store: Store, catalog: JsonObj) -> JsonObj:
    """Accept/repeat counts, repeat reasons and yuan saved, from each doctor's own latest
    decision on each result: a later Task by the same owner on the same focus supersedes her
    earlier one; another doctor's Task never does. "Later" is the platform's own time of
    storing (``meta.lastUpdated`` in storing order), never the client's ``authoredOn``.
    ``paper`` repeats the counts for results transcribed from paper reports.
    Tasks that cannot be read as decisions are left out, so no stored body can break this."""
    items = catalog.get("items", []) if isinstance(catalog.get("items"), list) else []
    prices = {i.get("code"): _price(i.get("price_yuan", 0)) for i in items if isinstance(i, dict)}
    reasons_doc = catalog.get("repeatReasons", [])
    refusal = {
        r.get("code"): bool(r.get("counts_as_refusal", True))
        for r in (reasons_doc if isinstance(reasons_doc, list) else [])
        if isinstance(r, dict)
    }
    latest: dict[tuple[str, str], JsonObj] = {}
    with store.read() as db:
        rows = db.execute(
            "SELECT body FROM resource WHERE rtype='Task' ORDER BY last_updated, rowid"
        ).fetchall()
    for row in rows:
        found = _decision(row["body"])
        if found is not None:
            owner, focus, task = found
            latest[(owner, focus)] = task  # rows come oldest first: the last one wins
    decisions: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    paper: Counter[str] = Counter()  # decisions on results transcribed from paper, by code
    saved = paper_saved = 0.0
    refusals = 0
    paper_results: set[str] = set()
    for (_owner, focus), task in latest.items():
        decision = _coding(task.get("businessStatus"), CS_DECISION) or "unknown"
        decision = decision if decision in DECISION_CODES else "unknown"
        decisions[decision] += 1
        rtype, _, rid = focus.partition("/")
        result = store.get_resource(rtype, rid) or {}
        on_paper = is_paper(result)
        if on_paper:
            paper[decision] += 1
            paper_results.add(focus)
        if decision == "repeat-ordered":
            concepts = task.get("reasonCode")
            for concept in concepts if isinstance(concepts, list) else [concepts]:
                code = _coding(concept, CS_REPEAT_REASON)
                if code:
                    reasons[code] += 1
                    refusals += int(refusal.get(code, True))
        if decision == "accepted":
            item = _coding(result.get("code"), CS_RECOGNITION_ITEM)
            saved += prices.get(item, 0.0)
            paper_saved += prices.get(item, 0.0) if on_paper else 0.0
    return {
        "decisions": dict(decisions),
        "repeatReasons": dict(reasons),
        "refusals": refusals,
        "savedYuan": round(saved, 2),
        "results": len({focus for _owner, focus in latest}),
        # The part of the above on reports transcribed from paper, shown apart.
        "paper": {
            "decisions": dict(paper),
            "results": len(paper_results),
            "savedYuan": round(paper_saved, 2),
        },
    }
