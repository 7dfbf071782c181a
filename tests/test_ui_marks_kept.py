"""Her marks are never thrown away with the patient: leaving a patient saves what changed
(a radiologist drew a length and an ROI, opened the next patient, and they were gone)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.conftest import Sandbox
from tests.stored_objects import stored_count
from tests.ui_helpers import open_patient, open_study, signed_in_window

pytestmark = pytest.mark.ui


def test_opening_the_next_patient_saves_her_unsaved_marks_and_says_whose(
    qtbot: QtBot, private_sandbox: Sandbox, tmp_path: Path
) -> None:
    window = signed_in_window(qtbot, private_sandbox, tmp_path)
    page = open_study(qtbot, window, "p0002")
    study = page.images.study
    assert study is not None
    assert stored_count(private_sandbox, study.study_uid, "SR") == 0
    page.viewer.add_length()  # drawn, never saved, no decision
    open_patient(qtbot, window, "p0001")  # the next patient
    qtbot.waitUntil(
        lambda: stored_count(private_sandbox, study.study_uid, "SR") == 1, timeout=20000
    )
    qtbot.waitUntil(lambda: "previous patient" in window.statusBar().currentMessage(), timeout=5000)
    window.sign_out()
