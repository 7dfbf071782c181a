"""Nothing of one patient ever appears on the next patient's screen, however late the
platform answers (the sandbox with latency, a real server over loopback)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.conftest import Sandbox
from tests.ui_helpers import open_patient, signed_in_window
from ui.main_window import MainWindow
from workstation.model import Category

pytestmark = [pytest.mark.ui, pytest.mark.e2e]


def _shown_study_uids(window: MainWindow) -> set[str]:
    cells = window.patient_page.images.grid.cells
    return {s.image.study_instance_uid for cell in cells for s in cell.slices}


def _her_study_uids(window: MainWindow, patient_id: str) -> set[str]:
    assert window.signed is not None
    platform = window.signed.connection.platform
    uids = set()
    for page in platform.results(patient_id):
        for result in page.results:
            for study_id in result.imaging_study_ids:
                uids.add(platform.imaging_study(study_id).study_uid)
    return uids


def test_switching_patient_while_the_first_ones_data_arrives(
    qtbot: QtBot, clean_faults: Sandbox, tmp_path: Path
) -> None:
    window = signed_in_window(qtbot, clean_faults, tmp_path)
    assert window.signed is not None
    platform = window.signed.connection.platform
    first, second = platform.patient("p0001"), platform.patient("p0003")
    page = open_patient(qtbot, window, first.id)
    ct = next(r for r in page.timeline.results if r.modality == "CT")
    clean_faults.set_faults(latency_ms=400)
    page.timeline.select(ct.id)  # a series, thumbnails and decisions are now on their way
    lab = next(r for r in page.timeline.results if r.category is Category.LAB)
    page.timeline.select(lab.id)  # and lab values and trends
    window.open_patient(first)  # her results page by page, slowly …
    qtbot.wait(150)
    window.open_patient(second)  # … when the doctor opens the next patient
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=30000)
    qtbot.wait(1500)  # answers of the first patient still in flight arrive now
    clean_faults.reset_faults()

    assert page.timeline.results
    assert {r.patient_id for r in page.timeline.results} == {second.id}
    her_values = {o.id for o in platform.patient_observations(second.id)}
    assert {v.id for v in page.labs.values} <= her_values
    assert _shown_study_uids(window) <= _her_study_uids(window, second.id)
    assert page.session.patient == second


def test_moving_from_a_ct_to_a_dx_leaves_nothing_of_the_ct(
    qtbot: QtBot, clean_faults: Sandbox, tmp_path: Path
) -> None:
    window = signed_in_window(qtbot, clean_faults, tmp_path)
    page = open_patient(qtbot, window, "p0001")
    ct = next(r for r in page.timeline.results if r.modality == "CT")
    dx = next(r for r in page.timeline.results if r.modality == "DX")
    page.timeline.select(ct.id)
    qtbot.waitUntil(
        lambda: not window.runner.busy and bool(page.images.viewer.slices), timeout=30000
    )
    page.images.compare_box.setCurrentIndex(1)
    page.images.compare_box.activated.emit(1)  # a CT prior in the second cell
    qtbot.waitUntil(lambda: bool(page.images.compare_viewer.slices), timeout=30000)
    viewer = page.images.viewer
    centre = viewer.view.mapViewToScene(viewer.view.viewRect().center())
    viewer.graphics.scene().sigMouseMoved.emit(centre)  # the mouse over the CT: its HU readout
    assert viewer.probe_text.endswith("HU")
    clean_faults.set_faults(latency_ms=300)
    page.timeline.select(dx.id)
    qtbot.waitUntil(
        lambda: not window.runner.busy and bool(page.images.viewer.slices), timeout=30000
    )
    qtbot.wait(1000)
    clean_faults.reset_faults()
    assert {s.image.modality for s in page.images.viewer.slices} == {"DX"}
    assert not page.images.compare_viewer.slices
    assert "HU" not in page.images.viewer.probe_text
    assert "HU" not in page.images.viewer.bottom_left.text()


def test_a_mistyped_id_card_number_clears_the_previous_searchs_patients(
    qtbot: QtBot, clean_faults: Sandbox, tmp_path: Path
) -> None:
    window = signed_in_window(qtbot, clean_faults, tmp_path)
    assert window.signed is not None
    patient = window.signed.connection.platform.patient("p0001")
    qtbot.keyClicks(window.search.query_edit, patient.id_card)
    qtbot.waitUntil(lambda: window.search.table.rowCount() == 1, timeout=10000)
    wrong = patient.id_card[:-1] + ("0" if patient.id_card[-1] != "0" else "1")  # check digit
    window.search.query_edit.clear()
    qtbot.keyClicks(window.search.query_edit, wrong)
    qtbot.waitUntil(lambda: window.search.table.rowCount() == 0, timeout=5000)
    qtbot.wait(500)
    assert window.search.table.rowCount() == 0
    assert "found" not in window.search.status_label.text()
