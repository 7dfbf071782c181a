"""Her marks are never thrown away with the patient: leaving a patient saves what changed
(a radiologist drew a length and an ROI, opened the next patient, and they were gone)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from pytestqt.qtbot import QtBot

from tests.conftest import Sandbox
from tests.ui_helpers import open_patient, signed_in_window

pytestmark = pytest.mark.ui


def _reports_on(sandbox: Sandbox, study_uid: str) -> int:
    answer = httpx.get(
        f"{sandbox.base_url}/dicomweb/studies/{study_uid}/instances",
        params={"Modality": "SR"},
        headers={"Authorization": f"Bearer {sandbox.token()}"},
    )
    answer.raise_for_status()
    return len(answer.json())


def test_opening_the_next_patient_saves_her_unsaved_marks_and_says_whose(
    qtbot: QtBot, private_sandbox: Sandbox, tmp_path: Path
) -> None:
    window = signed_in_window(qtbot, private_sandbox, tmp_path)
    page = open_patient(qtbot, window, "p0002")
    ct = next(r for r in page.timeline.visible_results() if r.modality == "CT")
    assert page.timeline.select(ct.id)
    qtbot.waitUntil(lambda: len(page.viewer.slices) > 0, timeout=20000)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=30000)
    study = page.images.study
    assert study is not None
    assert _reports_on(private_sandbox, study.study_uid) == 0
    page.viewer.add_length()  # drawn, never saved, no decision
    open_patient(qtbot, window, "p0001")  # the next patient
    qtbot.waitUntil(lambda: _reports_on(private_sandbox, study.study_uid) == 1, timeout=20000)
    qtbot.waitUntil(lambda: "previous patient" in window.statusBar().currentMessage(), timeout=5000)
    window.sign_out()
