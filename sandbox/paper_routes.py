"""``POST /fhir`` with a transaction Bundle: a report transcribed from paper, stored whole or
not at all (sandbox.paper_rules says what is accepted). A resource sent again unchanged
keeps its version, so a resend after a lost answer stores nothing twice."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox import scopes
from sandbox.fhir_routes import CLINICAL, _body, _store
from sandbox.paper_rules import check_against_stored, check_paper_bundle
from sandbox.responses import fhir_response, outcome, require_user
from sandbox.task_rules import Refusal

JsonObj = dict[str, Any]
MAX_BODY_BYTES = 40 * 1024 * 1024  # the picture of the paper, display copy and original


def _same(stored: JsonObj, new: JsonObj) -> bool:
    return {k: v for k, v in stored.items() if k != "meta"} == {
        k: v for k, v in new.items() if k != "meta"
    } and stored.get("meta", {}).get("tag") == new.get("meta", {}).get("tag")


async def transaction(request: Request) -> Response:
    """Store a paper report's resources in one transaction; answer a transaction-response."""
    user = require_user(request, *CLINICAL, scope=f"DiagnosticReport.{scopes.WRITE}")
    body = await _body(request)
    if isinstance(body, Response):
        return body
    store = _store(request)
    try:
        paper = check_paper_bundle(body, user)
    except Refusal as refusal:
        return outcome(refusal.status, refusal.code, refusal.message)
    for rtype in sorted({r["resourceType"] for r in paper.resources}):
        require_user(request, *CLINICAL, scope=f"{rtype}.{scopes.WRITE}")
    answers = []
    with store.transaction() as db:

        def stored(rtype: str, rid: str) -> JsonObj | None:
            row = db.execute(
                "SELECT body FROM resource WHERE rtype=? AND rid=?", (rtype, rid)
            ).fetchone()
            return None if row is None else dict(json.loads(row["body"]))

        # Judged in the write transaction that stores it: nobody else's report can be stored
        # under these ids between the check and the write. (Refusal is caught here, not
        # outside: a frozen exception cannot pass through the transaction's context manager.)
        try:
            check_against_stored(paper, user, stored)
        except Refusal as refusal:
            return outcome(refusal.status, refusal.code, refusal.message)
        for res in paper.resources:
            old = stored(res["resourceType"], res["id"])
            if old is not None and _same(old, res):
                saved, status = old, "200 OK"
            else:
                saved = store.put_resource(res, db)
                status = "201 Created" if old is None else "200 OK"
            version = saved["meta"]["versionId"]
            location = f"{saved['resourceType']}/{saved['id']}/_history/{version}"
            answers.append({"response": {"status": status, "location": location}})
    return fhir_response(
        {"resourceType": "Bundle", "type": "transaction-response", "entry": answers}
    )


ROUTES = [Route("/fhir", transaction, methods=["POST"])]
