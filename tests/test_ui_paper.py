"""登记纸质报告 in the real window: a paper lab report and a paper imaging report entered
through the dialog (picture from a PNG and from a PDF, turned, cropped), refused with clear
messages until complete, sent to the sandbox, shown on the timeline with the 纸质 badge and
the picture, and decided on like any result (sent once); the draft is kept sealed."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader
from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from tests.conftest import Sandbox
from tests.memory_keyring import MemoryKeyring
from tests.test_paper_files import _bare_pdf
from tests.ui_helpers import accept, open_patient, signed_in_window
from ui.paper_dialog import COL_UNIT, COL_VALUE, PaperDialog
from ui.patient_page import PatientPage
from workstation.audit import AuditLog, AuditRecord
from workstation.clock import CHINA
from workstation.config import Settings
from workstation.journal import OutboxState
from workstation.model import Result
from workstation.paper.image import MAX_FILE_BYTES
from workstation.summary.pdf import build_summary_pdf
from workstation.user_folder import user_key

# p0009: a patient whose whole record no other test reads, so the paper reports added here
# change no other test's counts (others check, e.g., that every RAD report of p0001 has images).
pytestmark = [pytest.mark.ui, pytest.mark.e2e]
PAPER_LAB_SCREENSHOT = Path("/tmp/hr-paper-lab-title.png")  # looked at by hand


def _photo(path: Path) -> Path:
    image = Image.new("RGB", (1600, 1200), (250, 250, 245))
    draw = ImageDraw.Draw(image)
    draw.rectangle((100, 100, 1500, 220), outline=(20, 20, 20), width=6)
    for n in range(8):
        draw.line((140, 300 + 90 * n, 1400, 300 + 90 * n), fill=(60, 60, 60), width=4)
    image.save(path, "PNG")
    return path


def _pdf(path: Path) -> Path:
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.setFont("Helvetica-Bold", 20)
    pdf.drawString(72, 760, "CT chest report (scanned)")
    for n in range(12):
        pdf.line(72, 700 - 30 * n, 520, 700 - 30 * n)
    pdf.showPage()
    pdf.save()
    path.write_bytes(out.getvalue())
    return path


def _open_dialog(qtbot: QtBot, page: PatientPage) -> PaperDialog:
    qtbot.mouseClick(page.paper_button, Qt.MouseButton.LeftButton)
    dialog = page.paper.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    qtbot.waitUntil(lambda: dialog.search is not None, timeout=10000)  # pinyin is loaded
    return dialog


def _when(dialog: PaperDialog, moment: dt.datetime) -> None:
    china = moment.astimezone(CHINA)
    dialog.when_edit.setDateTime(
        QDateTime(QDate(china.year, china.month, china.day), QTime(china.hour, china.minute))
    )


def _load(qtbot: QtBot, dialog: PaperDialog, path: Path) -> None:
    dialog.load_file(str(path))
    qtbot.waitUntil(lambda: not dialog.picture_view.pixmap.isNull(), timeout=10000)


def _saved(qtbot: QtBot, page: PatientPage, dialog: PaperDialog) -> Result:
    known = {r.id for r in page.timeline.results}
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(page.timeline.results) == len(known) + 1, timeout=15000)
    (result,) = [r for r in page.timeline.results if r.id not in known]
    return result


def test_register_and_decide_on_paper_reports(
    qtbot: QtBot, sandbox: Sandbox, tmp_path: Path, chinese: None
) -> None:
    from fhir.resources.R4B import get_fhir_model_class

    keyring = MemoryKeyring()
    window = signed_in_window(
        qtbot, sandbox, tmp_path, "dr.li", Settings(language="zh_CN"), secrets=keyring
    )
    window.resize(1366, 768)
    page = open_patient(qtbot, window, "p0009")
    journal = window.journal  # sealed with her key from the keyring
    assert journal is not None
    shots = tmp_path / "shots"
    shots.mkdir()

    # --- a paper lab report -----------------------------------------------------------
    dialog = _open_dialog(qtbot, page)
    assert dialog.width() <= 1366
    assert dialog.height() <= 740  # fits a 1366×768 screen with its title bar
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    problems = dialog.problem_label.text()
    for expected in ("照片", "医院", "项目"):  # picture, hospital, item
        assert expected in problems
    _load(qtbot, dialog, _photo(tmp_path / "paper.png"))
    qtbot.mouseClick(dialog.rotate_right_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: dialog.picture_view.pixmap.height() > dialog.picture_view.pixmap.width(),
        timeout=10000,
    )
    dialog.picture_view.set_crop((0.05, 0.04, 0.95, 0.96))
    dialog.hospital_box.setEditText("某县第二人民医院")
    _when(dialog, dt.datetime.now(CHINA) + dt.timedelta(days=1))
    qtbot.keyClicks(dialog.item_edit, "sgn")  # 肾功能 by its pinyin initials
    assert dialog.item_list.count() == 1
    assert dialog.values.rowCount() == 3  # urea, creatinine, uric acid offered
    dialog.mark_box.setChecked(True)
    dialog.region_box.setCurrentIndex(dialog.region_box.findData("510100"))
    dialog.values.item(0, COL_VALUE).setText("5.2")
    unit = dialog.values.cellWidget(0, COL_UNIT)
    assert isinstance(unit, QComboBox)
    unit.setEditText("mmol/L")
    dialog.values.item(1, COL_VALUE).setText("13000")
    unit = dialog.values.cellWidget(1, COL_UNIT)
    assert isinstance(unit, QComboBox)
    unit.setEditText("g/L")
    dialog.values.setCurrentCell(2, COL_VALUE)
    qtbot.mouseClick(dialog.remove_value_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    problems = dialog.problem_label.text()
    assert "未来" in problems  # the date is in the future
    assert "单位" in problems  # g/L does not fit creatinine
    dialog.grab().save(str(shots / "paper-dialog-problems.png"))
    _when(dialog, dt.datetime.now(CHINA) - dt.timedelta(days=1))
    unit.setEditText("μmol/L")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "可测" in dialog.problem_label.text() or "范围" in dialog.problem_label.text()
    dialog.values.item(1, COL_VALUE).setText("130")
    dialog.values.item(1, 4).setText("111")
    dialog.check()
    assert dialog.problem_label.text() == ""
    dialog.show_rule_check()  # a hospital the platform does not list has no level to check
    assert "医院等级不足" in dialog.rule_label.text()
    dialog.grab().save(str(shots / "paper-dialog-lab.png"))
    lab = _saved(qtbot, page, dialog)
    assert lab.paper is not None
    assert lab.paper.hospital_name == "某县第二人民医院"
    assert lab.mark is not None
    # registering it is audited: in the local log and on the platform, by her
    registered = f"DiagnosticReport/{lab.id}"
    audit = AuditLog(tmp_path)

    def registrations() -> list[AuditRecord]:
        return [r for r in audit.records() if r.action == "paper-report"]

    qtbot.waitUntil(lambda: len(registrations()) == 1, timeout=10000)
    (record,) = registrations()
    assert (record.user, record.patient_id, record.entity) == ("dr.li", "p0009", registered)
    assert window.signed is not None
    assert record.practitioner == window.signed.connection.user.practitioner

    def sent_events() -> list[dict[str, Any]]:
        found = httpx.get(
            f"{sandbox.base_url}/fhir/AuditEvent",
            params={"patient": "Patient/p0009", "_count": "100"},
            headers={"Authorization": f"Bearer {sandbox.token('admin')}"},
        ).json()
        return [
            e["resource"]
            for e in found.get("entry", [])
            if {"reference": registered} in [x["what"] for x in e["resource"]["entity"]]
        ]

    qtbot.waitUntil(lambda: len(sent_events()) == 1, timeout=10000)
    (event,) = sent_events()
    assert event["action"] == "C"
    assert event["agent"][0]["who"]["reference"] == record.practitioner
    row = page.timeline.rows.row_of(lab.id)
    assert row is not None
    assert "纸质" in page.timeline.model.index(row, 1).data()
    # decided like any result: accept with one key, sent once
    assert page.timeline.select(lab.id)
    qtbot.waitUntil(lambda: page.paper.has_picture(lab.id), timeout=10000)
    qtbot.waitUntil(lambda: not page.paper.view.pixmap.isNull(), timeout=5000)
    assert page.paper.view.isVisible()
    assert not page.images.isVisible()
    assert "纸质报告" in page.report.toPlainText()
    qtbot.waitUntil(lambda: page.decision.accept_button.isEnabled(), timeout=5000)
    qtbot.waitUntil(lambda: [v.value for v in page.labs.values] == [5.2, 130.0], timeout=10000)
    # the lab title names the hospital as she typed it (it is not on the platform)
    assert "肾功能 · 某县第二人民医院 · " in page.labs.title.text()
    assert "某县第二人民医院" in page.report.toPlainText()
    window.grab().save(str(shots / "paper-lab-on-timeline.png"))
    window.grab().save(str(PAPER_LAB_SCREENSHOT))
    accept(qtbot, page)
    qtbot.waitUntil(lambda: len(journal.history(lab.id)) == 1, timeout=5000)
    qtbot.waitUntil(lambda: journal.history(lab.id)[0].state is OutboxState.SENT, timeout=20000)
    accepted = journal.history(lab.id)[0].decision
    assert sandbox.task_total(accepted.id) == 1
    qtbot.waitUntil(lambda: "纸质报告" in page.decision.sentence_label.text(), timeout=5000)
    # a county hospital below the level: accepted against the rules, and the chart says so
    assert "出具医院等级不符合互认要求，经本人审阅，仍予采纳" in page.decision.sentence_label.text()
    assert "某县第二人民医院" in page.decision.sentence_label.text()

    # --- a paper imaging report from a PDF, from a hospital on the platform -----------
    dialog = _open_dialog(qtbot, page)
    # a file too large is refused before it is read, a page far longer than wide before
    # it is drawn, each saying why
    too_big = tmp_path / "huge.pdf"
    with too_big.open("wb") as out:
        out.truncate(MAX_FILE_BYTES + 1)
    dialog.load_file(str(too_big))
    qtbot.waitUntil(lambda: "图片过大" in dialog.picture_note.text(), timeout=10000)
    strip = tmp_path / "strip.pdf"
    strip.write_bytes(_bare_pdf(b"0 0 1 1000000000"))
    dialog.load_file(str(strip))
    qtbot.waitUntil(lambda: "50 倍" in dialog.picture_note.text(), timeout=10000)
    assert dialog.picture_view.pixmap.isNull()
    _load(qtbot, dialog, _pdf(tmp_path / "ct.pdf"))
    assert dialog.picture_view.pixmap.height() > dialog.picture_view.pixmap.width()  # A4
    dialog.hospital_box.setCurrentIndex(0)
    _when(dialog, dt.datetime.now(CHINA) - dt.timedelta(days=3))
    qtbot.keyClicks(dialog.item_edit, "xbct")
    dialog.item_list.setCurrentRow(0)
    assert dialog.values_box.isHidden()
    dialog.conclusion_edit.setPlainText("双肺纹理清晰，未见明显实质性病变。")
    dialog.show_rule_check()
    assert "无 HR 标识" in dialog.rule_label.text()
    dialog.grab().save(str(shots / "paper-dialog-imaging.png"))
    imaging = _saved(qtbot, page, dialog)
    assert imaging.paper is not None
    assert imaging.mark is None
    assert page.timeline.select(imaging.id)
    qtbot.waitUntil(lambda: page.decision.accept_button.isEnabled(), timeout=5000)
    qtbot.mouseClick(page.decision.repeat_button, Qt.MouseButton.LeftButton)
    assert page.decision.repeat_box.isVisible()
    page.decision.reason_list.setCurrentRow(0)
    page.decision.informed_box.setChecked(True)
    qtbot.mouseClick(page.decision.save_repeat_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(journal.history(imaging.id)) == 1, timeout=5000)
    qtbot.waitUntil(lambda: journal.history(imaging.id)[0].state is OutboxState.SENT, timeout=20000)
    repeat = journal.history(imaging.id)[0].decision
    assert repeat.reason_code == "R01"
    assert sandbox.task_total(repeat.id) == 1
    qtbot.waitUntil(lambda: "不予互认" in page.decision.sentence_label.text(), timeout=5000)
    qtbot.waitUntil(lambda: page.paper.has_picture(imaging.id), timeout=10000)
    window.grab().save(str(shots / "paper-imaging-decided.png"))

    # the printed summary carries both with a thumbnail of the paper
    summary = page._summary_input([lab, imaging], "A4")
    assert [bool(item.paper_thumbnail) for item in summary.items] == [True, True]
    pdf = build_summary_pdf(summary)
    (tmp_path / "summary.pdf").write_bytes(pdf)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert text.count("纸质报告（缩略图）") == 2

    # the platform holds both, valid FHIR R4, over plain HTTP
    token = sandbox.token()
    for result in (lab, imaging):
        report = httpx.get(
            f"{sandbox.base_url}/fhir/DiagnosticReport/{result.id}",
            headers={"Authorization": f"Bearer {token}"},
        ).json()
        get_fhir_model_class("DiagnosticReport").model_validate(report)
        assert report["meta"]["tag"][0]["code"] == "paper"


def test_a_draft_is_kept_sealed_and_restored(
    qtbot: QtBot, sandbox: Sandbox, tmp_path: Path, chinese: None
) -> None:
    window = signed_in_window(
        qtbot, sandbox, tmp_path, "dr.li", Settings(language="zh_CN"), secrets=MemoryKeyring()
    )
    page = open_patient(qtbot, window, "p0009")
    dialog = _open_dialog(qtbot, page)
    _load(qtbot, dialog, _photo(tmp_path / "paper.png"))
    dialog.hospital_box.setEditText("某乡卫生院")
    qtbot.keyClicks(dialog.item_edit, "xcg")  # 血常规
    dialog.values.item(0, COL_VALUE).setText("6.1")
    # a lab's values have the room: no conclusion row, rows for a real 血常规 on screen, and
    # the problems (units not yet typed) do not push them away
    assert not dialog.conclusion_edit.isVisible()
    dialog.check()
    assert dialog.problem_label.text().count("\n") <= 3
    rows_on_screen = dialog.values.viewport().height() / dialog.values.rowHeight(0)
    assert rows_on_screen >= 7
    qtbot.mouseClick(dialog.keep_button, Qt.MouseButton.LeftButton)
    drafts = tmp_path / "paper-drafts" / user_key(sandbox.base_url, "dr.li")
    qtbot.waitUntil(lambda: any(drafts.glob("*/draft.json")), timeout=5000)
    qtbot.waitUntil(lambda: page.paper.dialog is None, timeout=5000)
    (fields,) = drafts.glob("*/draft.json")
    assert "某乡卫生院".encode() not in fields.read_bytes()
    assert fields.read_bytes().startswith(b"enc1:")
    dialog = _open_dialog(qtbot, page)
    qtbot.waitUntil(lambda: dialog.hospital_box.currentText() == "某乡卫生院", timeout=5000)
    qtbot.waitUntil(lambda: not dialog.picture_view.pixmap.isNull(), timeout=10000)
    assert dialog.current_draft().item_code == "JY001"
    assert dialog.values.item(0, COL_VALUE).text() == "6.1"
    qtbot.mouseClick(dialog.discard_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not any(drafts.glob("*/draft.json")), timeout=5000)


def test_the_region_page_shows_paper_results_apart(qtbot: QtBot, chinese: None) -> None:
    from ui.region_stats_page import RegionStatisticsPage
    from ui.workers import TaskRunner
    from workstation.recognition.region_stats import parse_region_statistics

    group = {"decided": 10, "accepted": 7, "repeated": 3, "refusals": 2, "savedYuan": 900.0}
    paper = {"decided": 2, "accepted": 1, "repeated": 1, "refusals": 1, "savedYuan": 32.0}
    doc = {"totals": group, "paper": paper, "byHospital": [], "byItem": [], "byReason": []}
    runner = TaskRunner()
    page = RegionStatisticsPage(runner)
    qtbot.addWidget(page)
    page.show_statistics(parse_region_statistics(doc))
    assert "纸质报告" in page.summary.text()
    assert "32.00" in page.summary.text()
    page.show_statistics(parse_region_statistics({**doc, "paper": None}))
    assert "纸质" not in page.summary.text()
    runner.shutdown()
