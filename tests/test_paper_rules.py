"""The platform's judgement of a paper transaction against what it already stores, for the
stored states no client can make over HTTP (a part stored without its report, an id held by
a resource that is not from paper)."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox.auth import User
from sandbox.paper_rules import CS_RESULT_SOURCE, PaperTransaction, check_against_stored
from sandbox.task_rules import Refusal

LI = User("dr.li", "clinician", "Practitioner/pr001", "李静", "Organization/h1", "内科")
PREFIX = "paper-" + "a" * 32
TAG = {"tag": [{"system": CS_RESULT_SOURCE, "code": "paper"}]}
PATIENT = {"resourceType": "Patient", "id": "p0009"}


def _value(**changes: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": f"{PREFIX}-1",
        "meta": TAG,
        "subject": {"reference": "Patient/p0009"},
        "valueQuantity": {"value": 1.0},
        **changes,
    }


def _lookup(*stored: dict[str, Any]) -> Any:
    held = {(r["resourceType"], r["id"]): r for r in (PATIENT, *stored)}
    return lambda rtype, rid: held.get((rtype, rid))


@pytest.mark.parametrize(
    ("stored", "status"),
    [
        ((_value(),), 409),  # a part stored without its report belongs to nobody here
        ((_value(meta={}),), 409),  # not from paper
        ((), None),  # new: stored
    ],
)
def test_a_part_is_stored_only_over_a_part_of_a_report_of_hers(
    stored: tuple[dict[str, Any], ...], status: int | None
) -> None:
    paper = PaperTransaction([_value()], "Patient/p0009", PREFIX)
    if status is None:
        check_against_stored(paper, LI, _lookup(*stored))
        return
    with pytest.raises(Refusal) as caught:
        check_against_stored(paper, LI, _lookup(*stored))
    assert caught.value.status == status
