"""``python -m sandbox serve --region CODE``: one city's platform with only its hospitals and
their results, and its own FHIR ids for the same person."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from devtools.sandbox_launcher import DEMO_PASSWORD, RunningSandbox, start_sandbox
from sandbox.generate.hospitals import hospitals_in
from tests.conftest import Sandbox
from workstation import fhir_systems as systems

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def mianyang(sandbox_data: Path) -> Iterator[RunningSandbox]:
    running = start_sandbox(sandbox_data, extra_args=("--region", "510700"), timeout_s=120)
    try:
        yield running
    finally:
        running.stop()


def _get(base: str, path: str, **params: object) -> dict[str, object]:
    token = httpx.post(
        f"{base}/oauth/token",
        data={
            "grant_type": "password",
            "username": "dr.wang",
            "password": DEMO_PASSWORD,
            "client_id": "hr-workstation",
        },
    ).json()["access_token"]
    response = httpx.get(
        f"{base}/fhir/{path}", params=params, headers={"Authorization": f"Bearer {token}"}
    )
    response.raise_for_status()
    body: dict[str, object] = response.json()
    return body


def _entries(bundle: dict[str, object]) -> list[dict[str, object]]:
    return [e["resource"] for e in bundle.get("entry", [])]  # type: ignore[attr-defined, index]


def test_only_the_regions_hospitals_and_their_results(
    mianyang: RunningSandbox, sandbox: Sandbox
) -> None:
    base = mianyang.base_url
    hospitals = {str(o["id"]) for o in _entries(_get(base, "Organization", _count=100))}
    assert hospitals == {h.id for h in hospitals_in("510700")}
    reports = _entries(_get(base, "DiagnosticReport", _count=500))
    assert reports
    for report in reports:
        performers = {p["reference"] for p in report["performer"]}  # type: ignore[attr-defined]
        assert performers <= {f"Organization/{h}" for h in hospitals}


def test_the_same_person_has_another_id_on_each_platform(
    mianyang: RunningSandbox, sandbox: Sandbox
) -> None:
    everyone = _entries(_get(sandbox.base_url, "Patient", _count=100))  # the whole province
    twins = 0
    for person in everyone:
        card = next(
            i["value"]
            for i in person["identifier"]  # type: ignore[attr-defined]
            if i["system"] == systems.SID_RESIDENT_ID
        )
        found = _entries(
            _get(mianyang.base_url, "Patient", identifier=f"{systems.SID_RESIDENT_ID}|{card}")
        )
        for twin in found:
            assert twin["id"] != person["id"]
            assert twin["name"] == person["name"]
            twins += 1
    assert twins >= 5


def test_an_unknown_region_is_refused(sandbox_data: Path) -> None:
    from sandbox.generate.hospitals import REGIONS

    assert "999999" not in {r.code for r in REGIONS}
    with pytest.raises(Exception, match="exited with status 2"):
        start_sandbox(sandbox_data, extra_args=("--region", "999999"), timeout_s=60)
