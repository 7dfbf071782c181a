""" "导入光盘/文件夹…" on the patient page: the disc read in the background, its studies listed
with the identity verdict, the chosen ones on the timeline naming their source, their images
in the viewer; another patient's disc cannot be added; reading can be cancelled."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from sandbox.disc import patient_tags, write_disc
from tests.conftest import Sandbox
from tests.ui_helpers import accept, arrived, open_patient, signed_in_window
from ui.disc_import import DiscImportDialog
from ui.main_window import MainWindow
from ui.patient_page import PatientPage
from ui.timeline import COL_HOSPITAL, COL_ITEM
from workstation.journal import Journal, OutboxState
from workstation.recognition.decisions import DecisionKind
from workstation.sources.base import SourceKind
from workstation.sources.identity import Fact
from workstation.sources.study_decisions import source_study_uid
from workstation.summary.pdf import build_summary_pdf
from workstation.user_folder import user_key

pytestmark = pytest.mark.ui


@pytest.fixture
def window(qtbot: QtBot, sandbox: Sandbox, tmp_path: Path) -> Iterator[MainWindow]:
    window = signed_in_window(qtbot, sandbox, tmp_path)
    yield window
    window.close()


def _disc(sandbox: Sandbox, tmp_path: Path, patient: str) -> Path:
    out = tmp_path / f"disc-{patient}"
    write_disc(out, patient_tags(sandbox.data_dir, patient))
    return out


def _read(qtbot: QtBot, page: PatientPage, disc: Path) -> DiscImportDialog:
    dialog = page.discs.import_folder(disc)
    assert dialog is not None
    qtbot.waitUntil(lambda: not dialog.table.isHidden(), timeout=20000)
    return dialog


def test_her_disc_joins_the_timeline_and_shows_its_images(
    qtbot: QtBot, window: MainWindow, sandbox: Sandbox, tmp_path: Path
) -> None:
    page = open_patient(qtbot, window, "p0001")
    before = len(page.timeline.results)
    dialog = _read(qtbot, page, _disc(sandbox, tmp_path, "p0001"))
    assert dialog.table.rowCount() == 2
    assert dialog.warning.isHidden()  # the same 身份证: nothing to warn about
    assert dialog.problems.isHidden()
    assert len(dialog.chosen()) == 2
    tmp_shot = tmp_path / "disc_import.png"
    dialog.grab().save(str(tmp_shot))
    assert dialog.add_button.isEnabled()
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(page.timeline.results) == before + 2, timeout=5000)
    disc_rows = [r for r in page.timeline.results if source_study_uid(r.id)]
    assert len(disc_rows) == 2
    for result in disc_rows:
        assert result.patient_id == "p0001"
        assert result.mark is None
        # beside its hospital, the row says the study is the patient's own (not the disc's
        # name); her platform's rows now name it too
        row = page.timeline.rows.row_of(result.id)
        assert row is not None
        assert page.timeline.model.index(row, COL_HOSPITAL).data() == "蓬溪县中医院 · patient's own"
        assert page.timeline.model.index(row, COL_ITEM).data() == result.item_name
    first = page.timeline.rows.row_of(page.timeline.results[0].id)
    assert first is not None
    assert page.timeline.model.index(first, COL_HOSPITAL).data().endswith(" · Sandbox")
    ct = next(r for r in disc_rows if r.modality == "CT")
    page.timeline.select(ct.id)
    qtbot.waitUntil(lambda: arrived(page.viewer) == 12, timeout=20000)
    # the printed summary names where the study came from
    summary = page._summary_input(disc_rows, "A4")
    for item in summary.items:
        assert item.hospital is not None
        assert item.hospital.name == "蓬溪县中医院"
        assert item.source is not None
        assert item.source.kind is SourceKind.DISC
    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(build_summary_pdf(summary))).pages
    )
    assert "蓬溪县中医院" in text
    assert text.count("来源：患者自带") == 2  # whatever the UI's language: the summary is Chinese


def test_another_patients_disc_cannot_be_added(
    qtbot: QtBot, window: MainWindow, sandbox: Sandbox, tmp_path: Path
) -> None:
    page = open_patient(qtbot, window, "p0001")
    dialog = _read(qtbot, page, _disc(sandbox, tmp_path, "p0002"))
    assert not dialog.warning.isHidden()
    assert dialog.chosen() == []
    assert not dialog.add_button.isEnabled()
    for row in range(dialog.table.rowCount()):
        item = dialog.table.item(row, 0)
        assert item is not None
        assert not item.flags() & Qt.ItemFlag.ItemIsEnabled  # never merged
    dialog.reject()


def test_a_disc_under_her_id_card_with_another_name_cannot_be_added(
    qtbot: QtBot, window: MainWindow, sandbox: Sandbox, tmp_path: Path
) -> None:
    # a newborn registered under her mother's 身份证: the same number, another name
    page = open_patient(qtbot, window, "p0001")
    mother = patient_tags(sandbox.data_dir, "p0001")
    baby = dataclasses.replace(mother, name_zh=mother.name_zh + "之女", name_pinyin="")
    out = tmp_path / "disc-baby"
    write_disc(out, baby)
    dialog = _read(qtbot, page, out)
    assert dialog.table.rowCount() == 2
    assert dialog.chosen() == []
    assert not dialog.add_button.isEnabled()
    assert not dialog.warning.isHidden()
    for row in range(dialog.table.rowCount()):
        tick = dialog.table.item(row, 0)
        assert tick is not None
        assert not tick.flags() & Qt.ItemFlag.ItemIsEnabled
        identity = dialog.table.item(row, 7)
        assert identity is not None
        assert dialog.fact_text(Fact.NAME) in identity.text()  # says what contradicts
    dialog.reject()


def test_a_bad_disc_is_reported_and_reading_can_be_cancelled(
    qtbot: QtBot, window: MainWindow, sandbox: Sandbox, tmp_path: Path
) -> None:
    page = open_patient(qtbot, window, "p0001")
    disc = _disc(sandbox, tmp_path, "p0001")
    next(disc.rglob("IM*")).unlink()
    (disc / "README.TXT").write_text("viewer inside")
    dialog = _read(qtbot, page, disc)
    assert not dialog.problems.isHidden()
    assert dialog.problems.text().count("\n") == 0  # one line: a missing file
    dialog.reject()
    big = tmp_path / "big"
    big.mkdir()
    for n in range(3000):
        (big / f"F{n:05d}").write_bytes(b"not dicom")
    dialog = page.discs.import_folder(big)
    assert dialog is not None
    dialog.reject()
    assert dialog.task.cancel.is_set()
    qtbot.waitUntil(lambda: dialog.task.done.is_set(), timeout=20000)
    assert dialog.table.isHidden()  # a cancelled reading delivers nothing


def test_a_decision_on_a_disc_study_reaches_the_platform_once(
    qtbot: QtBot, window: MainWindow, sandbox: Sandbox, tmp_path: Path
) -> None:
    page = open_patient(qtbot, window, "p0001")
    dialog = _read(qtbot, page, _disc(sandbox, tmp_path, "p0001"))
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(page.discs.studies) == 2, timeout=5000)
    dx = next(r for r in page.timeline.results if r.id in page.discs.studies and r.modality == "DX")
    assert page.timeline.select(dx.id)
    qtbot.waitUntil(lambda: page.decision.accept_button.isEnabled(), timeout=5000)
    accept(qtbot, page)
    journal = Journal(tmp_path / "journal" / user_key(sandbox.base_url, "dr.li"))
    qtbot.waitUntil(lambda: len(journal.history(dx.id)) == 1, timeout=15000)
    qtbot.waitUntil(lambda: journal.history(dx.id)[0].state is OutboxState.SENT, timeout=15000)
    decision = journal.history(dx.id)[0].decision
    assert decision.kind is DecisionKind.ACCEPTED
    assert decision.patient_id == "p0001"
    assert sandbox.task_total(decision.id) == 1
    window.sign_out()  # closes the patient: what the sent decision still queued is dropped
