"""Disc studies are kept on this computer only if she chooses so (issue 17 item 5): the
choice is off by default and off without a secure keyring; a kept study is stored sealed
with her data key (no patient name, no DICOM file in the clear) and is back, with its
images, when she opens the patient again after the disc is gone."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from pydicom import dcmread
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sandbox.disc import patient_tags
from tests.conftest import Sandbox
from tests.memory_keyring import MemoryKeyring
from tests.multi_series import dcmmkdir_disc, write_multi_series_ct
from tests.ui_helpers import arrived, chinese_interface, open_patient, signed_in_window
from ui.disc_import import DiscImportDialog
from ui.patient_page import PatientPage
from workstation.session.series_stack import Slice

pytestmark = [pytest.mark.ui, pytest.mark.e2e]
STUDY = "1.2.826.0.1.3680043.8.498.321"
SERIES = ((1, "软组织 5mm", 4, 5.0), (2, "肺窗 1.25mm", 6, 1.25))


def _dialog(qtbot: QtBot, page: PatientPage, disc: Path) -> DiscImportDialog:
    dialog = page.discs.import_folder(disc)
    assert dialog is not None
    qtbot.waitUntil(lambda: not dialog.table.isHidden(), timeout=30000)
    return dialog


def _disc_rows(page: PatientPage) -> list[str]:
    return [r.id for r in page.timeline.results if r.id in page.discs.studies]


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:
    with chinese_interface(qapp):
        yield


def test_she_chooses_to_keep_her_disc_and_it_is_back_without_it(
    qtbot: QtBot, sandbox: Sandbox, tmp_path: Path, chinese: None
) -> None:
    tags = patient_tags(sandbox.data_dir, "p0001")
    series = write_multi_series_ct(tmp_path / "ct", tags, STUDY, dt.date.today(), SERIES)
    disc = dcmmkdir_disc(tmp_path / "disc", [p for s in series for p in s.files])
    pixels = {str(ds.SOPInstanceUID): ds.pixel_array for ds in map(dcmread, series[1].files)}
    window = signed_in_window(qtbot, sandbox, tmp_path, secrets=MemoryKeyring())
    window.resize(1366, 768)
    page = open_patient(qtbot, window, "p0001")
    patient = page.patient
    assert patient is not None

    # not kept unless she says so
    dialog = _dialog(qtbot, page, disc)
    assert dialog.keep_box.isVisible()
    assert dialog.keep_box.isEnabled()
    assert not dialog.keep_box.isChecked()
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(_disc_rows(page)) == 1, timeout=5000)
    page = open_patient(qtbot, window, "p0001")  # she opens the patient again
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=10000)  # kept ones read too
    assert _disc_rows(page) == []

    # kept when she ticks it
    dialog = _dialog(qtbot, page, disc)
    dialog.keep_box.setChecked(True)
    dialog.grab().save(str(tmp_path / "disc_import_keep_zh.png"))
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    kept_root = tmp_path / "kept-studies"
    qtbot.waitUntil(lambda: any(kept_root.rglob("index.bin")), timeout=20000)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=20000)
    stored = [p for p in kept_root.rglob("*") if p.is_file()]
    assert len(stored) == 4 + 6 + 1  # every file, and the listing
    name = tags.name_zh.replace("^", "")
    for path in stored:
        data = path.read_bytes()
        assert data.startswith(b"enc1:")  # sealed with her data key
        for secret in (name.encode(), name.encode("gb18030"), tags.id_card.encode(), b"DICM"):
            assert secret not in data
        assert path.stat().st_mode & 0o077 == 0 or path.parent.stat().st_mode & 0o077 == 0

    # the disc is gone; she opens the patient again: the study is back, every series
    shutil.rmtree(disc)
    page = open_patient(qtbot, window, "p0001")
    qtbot.waitUntil(lambda: len(_disc_rows(page)) == 1, timeout=10000)
    (kept,) = _disc_rows(page)
    kept_row = next(r for r in page.timeline.results if r.id == kept)
    assert page.timeline.source_text(kept_row) == "患者自带"
    assert page.timeline.select(kept)
    qtbot.waitUntil(lambda: page.strip.count() == 2, timeout=20000)
    page.strip.series_chosen.emit(1)  # she clicks the second series
    qtbot.waitUntil(lambda: arrived(page.viewer) == 6, timeout=20000)
    for shown in page.viewer.slices:
        assert isinstance(shown, Slice)
        assert np.array_equal(shown.image.pixels[0], pixels[shown.image.sop_instance_uid])
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=20000)
    window.grab().save(str(tmp_path / "kept_disc_back_zh.png"))
    window.close()


def test_without_a_secure_keyring_nothing_can_be_kept(
    qtbot: QtBot, sandbox: Sandbox, tmp_path: Path
) -> None:
    tags = patient_tags(sandbox.data_dir, "p0001")
    series = write_multi_series_ct(tmp_path / "ct", tags, STUDY, dt.date.today(), SERIES[:1])
    disc = dcmmkdir_disc(tmp_path / "disc", list(series[0].files))
    window = signed_in_window(qtbot, sandbox, tmp_path)  # no keyring on this machine
    page = open_patient(qtbot, window, "p0001")
    dialog = _dialog(qtbot, page, disc)
    assert not dialog.keep_box.isEnabled()
    assert not dialog.keep_box.isChecked()
    dialog.reject()
    window.close()
