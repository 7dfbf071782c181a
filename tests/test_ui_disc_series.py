"""A study from her disc (a DICOMDIR by dcmmkdir) or from a PACS (a real Orthanc, C-GET) is
read like a platform study: every series in the strip with its thumbnail, any of them on
a click (its own pixels), the same tools, a platform prior of the same modality beside it
and the disc study beside a platform study; key images kept for the summary. Screenshots
at 1366×768 in Chinese."""

from __future__ import annotations

import dataclasses
import datetime as dt
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
from tests.multi_series import SeriesWritten, dcmmkdir_disc, write_multi_series_ct
from tests.orthanc_server import Orthanc, running_orthanc
from tests.pacs_data import store_with_storescu
from tests.ui_helpers import arrived, chinese_interface, open_patient, signed_in_window
from ui.disc_import import DiscImportDialog
from ui.main_window import MainWindow
from ui.patient_page import PatientPage
from ui.viewer import ImageViewer
from workstation.config import Settings
from workstation.model import Result
from workstation.session.series_stack import Slice

pytestmark = [pytest.mark.ui, pytest.mark.e2e]

DISC_CT = "1.2.826.0.1.3680043.8.498.301"
PACS_CT = "1.2.826.0.1.3680043.8.498.302"
CT_PACS = ((1, "软组织 5mm", 5, 5.0), (2, "肺窗 1.25mm", 8, 1.25))


def _file_pixels(series: SeriesWritten) -> dict[str, np.ndarray]:
    """SOP Instance UID → the stored pixels the file holds."""
    found = {}
    for path in series.files:
        ds = dcmread(path)
        found[str(ds.SOPInstanceUID)] = ds.pixel_array
    return found


def _shows_the_files(viewer: ImageViewer, series: SeriesWritten) -> None:
    """The cell holds exactly the series' files, each with the file's own pixels."""
    files = _file_pixels(series)
    shown = {s.image.sop_instance_uid: s.image for s in viewer.slices if isinstance(s, Slice)}
    assert set(shown) == set(files)
    for uid, image in shown.items():
        assert image.series_instance_uid == series.uid
        assert np.array_equal(image.pixels[0], files[uid]), uid


def _add_all(qtbot: QtBot, page: PatientPage, dialog: DiscImportDialog, added: int) -> None:
    qtbot.waitUntil(lambda: not dialog.table.isHidden(), timeout=30000)
    before = len(page.timeline.results)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(page.timeline.results) == before + added, timeout=5000)


def _click_series(qtbot: QtBot, page: PatientPage, index: int) -> None:
    """A real click on the strip's ``index``-th thumbnail."""
    item = page.strip.item(index)
    page.strip.scrollToItem(item)
    rect = page.strip.visualItemRect(item)
    qtbot.mouseClick(page.strip.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _compare_with(qtbot: QtBot, page: PatientPage, prior: Result) -> None:
    index = next(
        i
        for i in range(page.compare_box.count())
        if page.compare_box.itemData(i) is not None and page.compare_box.itemData(i).id == prior.id
    )
    page.compare_box.setCurrentIndex(index)
    page.compare_box.activated.emit(index)


def _strip_complete(qtbot: QtBot, page: PatientPage, series: list[SeriesWritten]) -> None:
    """Every series listed under its description, each with a drawn thumbnail."""
    qtbot.waitUntil(lambda: page.strip.count() == len(series), timeout=30000)
    assert page.series_box.count() == len(series)
    for row, written in enumerate(series):
        assert written.description in page.strip.item(row).text()
        assert written.description in page.series_box.itemText(row)
    qtbot.waitUntil(
        lambda: all(not page.strip.item(r).icon().isNull() for r in range(len(series))),
        timeout=60000,
    )


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:
    with chinese_interface(qapp):
        yield


@pytest.fixture
def window(qtbot: QtBot, sandbox: Sandbox, tmp_path: Path, chinese: None) -> Iterator[MainWindow]:
    window = signed_in_window(qtbot, sandbox, tmp_path)
    window.resize(1366, 768)
    yield window
    window.close()


def test_every_series_of_her_disc_is_read_like_a_platform_study(
    qtbot: QtBot, window: MainWindow, sandbox: Sandbox, tmp_path: Path
) -> None:
    tags = patient_tags(sandbox.data_dir, "p0001")
    series = write_multi_series_ct(tmp_path / "ct", tags, DISC_CT, dt.date.today())
    disc = dcmmkdir_disc(tmp_path / "disc", [p for s in series for p in s.files])
    page = open_patient(qtbot, window, "p0001")
    dialog = page.discs.import_folder(disc)
    assert dialog is not None
    _add_all(qtbot, page, dialog, 1)
    ct = next(r for r in page.timeline.results if r.id in page.discs.studies)
    platform_cts = [
        r for r in page.timeline.results if r.modality == "CT" and r.id not in page.discs.studies
    ]
    assert platform_cts

    # the strip lists every series of the disc, each with its thumbnail
    assert page.timeline.select(ct.id)
    qtbot.waitUntil(lambda: arrived(page.viewer) == len(series[0].files), timeout=30000)
    _strip_complete(qtbot, page, series)
    _shows_the_files(page.viewer, series[0])
    window.grab().save(str(tmp_path / "disc_ct_strip_zh.png"))

    # a click on the lung kernel shows its own images, with the same tools
    _click_series(qtbot, page, 2)
    qtbot.waitUntil(lambda: arrived(page.viewer) == len(series[2].files), timeout=30000)
    _shows_the_files(page.viewer, series[2])
    assert page.series_box.currentIndex() == 2
    window_before = page.viewer.effective_window()
    assert window_before is not None
    assert (window_before.center, window_before.width) == (40, 400)  # the file's own
    assert "窗宽 400" in page.viewer.bottom_left.text()
    page.viewer.view.window_dragged.emit(0.0, 120.0)  # right-drag widens the window
    assert page.viewer.chosen_window is not None
    assert page.viewer.chosen_window.width > 400
    assert f"窗宽 {page.viewer.chosen_window.width:.0f}" in page.viewer.bottom_left.text()
    page.viewer.go_to(5)
    page.viewer.mark_key_image()
    assert len(page.key_images[ct.id]) == 1  # for the printed summary
    # not on the platform: "Save marks" is off and says why
    assert not page.images.save_marks_button.isEnabled()
    assert "光盘" in page.images.save_marks_button.toolTip()

    # a platform prior of the same modality beside it
    _compare_with(qtbot, page, platform_cts[0])
    qtbot.waitUntil(lambda: arrived(page.compare_viewer) > 0, timeout=30000)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=30000)
    assert page.compare_viewer.isVisible()
    _shows_the_files(page.viewer, series[2])  # the disc's series stays in the first cell
    assert platform_cts[0].id in page.viewed
    window.grab().save(str(tmp_path / "disc_ct_vs_platform_zh.png"))

    # and the other way round: the disc study as the prior of a platform CT, the series
    # shown the one to read beside an axial stack (the lung kernel, not the localizer)
    assert page.timeline.select(platform_cts[0].id)
    qtbot.waitUntil(lambda: arrived(page.viewer) > 0, timeout=30000)
    qtbot.waitUntil(lambda: page.images.save_marks_button.isEnabled(), timeout=30000)
    disc_prior = next(
        page.compare_box.itemText(i)
        for i in range(page.compare_box.count())
        if page.compare_box.itemData(i) is not None and page.compare_box.itemData(i).id == ct.id
    )
    assert disc_prior.endswith(" · 患者自带")  # where the prior came from, in the menu too
    _compare_with(qtbot, page, ct)
    qtbot.waitUntil(lambda: arrived(page.compare_viewer) == len(series[2].files), timeout=30000)
    _shows_the_files(page.compare_viewer, series[2])
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=30000)
    window.grab().save(str(tmp_path / "platform_ct_vs_disc_zh.png"))

    # back to the disc study: its series come from the cache, a 2×2 grid fills with them
    assert page.timeline.select(ct.id)
    qtbot.waitUntil(lambda: arrived(page.viewer) == len(series[0].files), timeout=30000)
    page.grid.set_layout(2, 2)
    for cell, written in zip(page.grid.cells[1:4], series[1:], strict=True):
        qtbot.waitUntil(lambda c=cell, w=written: arrived(c) == len(w.files), timeout=30000)
        _shows_the_files(cell, written)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=30000)
    window.grab().save(str(tmp_path / "disc_ct_grid_zh.png"))


@pytest.fixture(scope="module")
def pacs_ct(
    sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Orthanc, list[SeriesWritten]]]:
    root = tmp_path_factory.mktemp("pacs-series")
    tags = patient_tags(sandbox.data_dir, "p0001")
    card = dataclasses.replace(tags, patient_id=tags.id_card)  # confirmed by 身份证
    series = write_multi_series_ct(root / "files", card, PACS_CT, dt.date.today(), CT_PACS)
    with running_orthanc(
        root / "orthanc", dicom_server=True, extra={"DefaultEncoding": "Utf8"}
    ) as orthanc:
        store_with_storescu(
            tuple(p for s in series for p in s.files), orthanc.dicom_port, orthanc.aet
        )
        yield orthanc, series


@pytest.mark.interop
def test_every_series_of_a_pacs_study_is_retrieved_on_her_choice(
    qtbot: QtBot,
    sandbox: Sandbox,
    tmp_path: Path,
    chinese: None,
    pacs_ct: tuple[Orthanc, list[SeriesWritten]],
) -> None:
    orthanc, series = pacs_ct
    entry = {"name": "绵阳PACS", "host": "127.0.0.1", "port": orthanc.dicom_port}
    entry |= {"called_ae": orthanc.aet, "calling_ae": "HRWS"}
    window = signed_in_window(qtbot, sandbox, tmp_path, settings=Settings(extra={"pacs": [entry]}))
    window.resize(1366, 768)
    page = open_patient(qtbot, window, "p0001")
    dialog = page.discs.query_pacs()
    assert dialog is not None
    _add_all(qtbot, page, dialog, 1)
    ct = next(r for r in page.timeline.results if r.id in page.discs.studies)
    assert page.timeline.select(ct.id)
    qtbot.waitUntil(lambda: arrived(page.viewer) == len(series[0].files), timeout=30000)
    _strip_complete(qtbot, page, series)  # thumbnails: one instance each, C-GET at IMAGE level
    _shows_the_files(page.viewer, series[0])
    _click_series(qtbot, page, 1)
    qtbot.waitUntil(lambda: arrived(page.viewer) == len(series[1].files), timeout=30000)
    _shows_the_files(page.viewer, series[1])
    prior = next(
        r for r in page.timeline.results if r.modality == "CT" and r.id not in page.discs.studies
    )
    _compare_with(qtbot, page, prior)
    qtbot.waitUntil(lambda: arrived(page.compare_viewer) > 0, timeout=30000)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=30000)
    window.grab().save(str(tmp_path / "pacs_ct_vs_platform_zh.png"))
    window.sign_out()
    window.close()
