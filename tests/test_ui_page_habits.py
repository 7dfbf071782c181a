"""A new user's habits in the real window against the real sandbox: the cursor waits in
用户名 and, after a wrong password, in 密码; Enter opens a single match and ↓ moves into the
list; birth date and 病历号 are listed; the 病历 sentence wraps and copies, her note shows
in the history, a form message goes once fixed, "accept all eligible" says why nothing
qualifies; on a 1366×768 laptop the images get 60 % of the window with the decision panel
beside them; the summary is offered in Documents under the masked ID and the date; the
administrator lands on the region's statistics and exports them as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from devtools.sandbox_launcher import sign_in_demo
from tests.conftest import DEMO_PASSWORD, Sandbox
from tests.ui_helpers import open_patient, signed_in_window
from ui.decision_panel import DecisionPanel
from ui.main_window import MainWindow, WindowDeps
from ui.summary_dialog import SummaryDialog
from workstation.audit import AuditLog
from workstation.clock import china_time
from workstation.config import PlatformEntry, Settings
from workstation.journal import Journal
from workstation.model import Category
from workstation.recognition.decisions import DecisionKind, new_decision
from workstation.records.fhir_parse import parse_catalog
from workstation.redact import mask_id_card
from workstation.timeline import SkipReason, bulk_accept_plan
from workstation.user_folder import user_key

pytestmark = [pytest.mark.ui, pytest.mark.e2e]


def _window(qtbot: QtBot, sandbox: Sandbox, tmp_path: Path) -> MainWindow:
    settings = Settings().with_platform(PlatformEntry("Sandbox", sandbox.base_url))
    window = MainWindow(
        WindowDeps(settings, None, AuditLog(tmp_path), journal_root=tmp_path / "journal")
    )
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    return window


def test_the_cursor_waits_in_the_user_name_then_in_the_password_after_a_wrong_one(
    qtbot: QtBot, sandbox: Sandbox, tmp_path: Path
) -> None:
    window = _window(qtbot, sandbox, tmp_path)
    assert window.focusWidget() is window.sign_in.user_edit
    qtbot.keyClicks(window.sign_in.user_edit, "dr.li")
    qtbot.keyClicks(window.sign_in.password_edit, "wrong")
    qtbot.keyClick(window.sign_in.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.sign_in.error_label.isVisible(), timeout=10000)
    assert window.focusWidget() is window.sign_in.password_edit
    assert window.sign_in.password_edit.text() == ""
    qtbot.keyClicks(window.sign_in.password_edit, DEMO_PASSWORD)  # typed where she is
    qtbot.keyClick(window.sign_in.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.search, timeout=15000)
    assert window.focusWidget() is window.search.query_edit
    window.sign_out()


def test_enter_opens_a_single_match_and_down_selects_the_first_of_several(
    qtbot: QtBot, sandbox: Sandbox, tmp_path: Path
) -> None:
    window = signed_in_window(qtbot, sandbox, tmp_path)
    assert window.signed is not None
    platform = window.signed.connection.platform
    patient = platform.patient("p0001")
    search = window.search

    # several matches: ↓ goes into the list with the first selected; Enter there opens it
    surname = patient.name[0]
    search.query_edit.setText(surname)
    qtbot.waitUntil(lambda: search.table.rowCount() >= 1, timeout=10000)
    qtbot.keyClick(search.query_edit, Qt.Key.Key_Down)
    assert window.focusWidget() is search.table
    assert search.table.currentRow() == 0
    assert search.table.selectionModel().isRowSelected(0)

    # birth date and 病历号 columns
    row = next(
        r for r in range(search.table.rowCount()) if search.table.item(r, 0).text() == patient.name
    )
    headers = [search.table.horizontalHeaderItem(c).text() for c in range(7)]
    assert headers[3] == "Date of birth"
    assert headers[5] == "Medical record no."
    assert patient.birth_date is not None
    assert search.table.item(row, 3).text() == patient.birth_date.isoformat()
    own = [m.value for m in patient.mrns if m.hospital_id == search.home_hospital]
    shown = search.table.item(row, 5).text()
    assert shown.startswith(own[0] if own else patient.mrns[0].value)
    if len(patient.mrns) > 1:
        assert f"(+{len(patient.mrns) - 1})" in shown
        assert all(m.value in search.table.item(row, 5).toolTip() for m in patient.mrns)

    # a single match: Enter pressed at once (before the answer) opens the patient
    search.query_edit.clear()
    search.query_edit.setFocus()
    qtbot.keyClicks(search.query_edit, patient.id_card)
    qtbot.keyClick(search.query_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.patient_page, timeout=10000)
    assert window.patient_page.patient is not None
    assert window.patient_page.patient.id == patient.id
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=20000)

    # back, the answer shown: Enter opens it again without another search
    window.patient_page.back_requested.emit()
    assert window.pages.currentWidget() is window.search
    qtbot.keyClick(search.query_edit, Qt.Key.Key_Return)
    assert window.pages.currentWidget() is window.patient_page
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=20000)
    window.sign_out()


def test_on_a_laptop_screen_the_images_get_60_percent_and_the_report_reads_in_chinese_headings(
    qtbot: QtBot, sandbox: Sandbox, tmp_path: Path
) -> None:
    window = signed_in_window(qtbot, sandbox, tmp_path)
    window.resize(1366, 768)
    page = open_patient(qtbot, window, "p0001")
    ct = next(r for r in page.timeline.visible_results() if r.modality == "CT")
    assert page.timeline.select(ct.id)
    qtbot.waitUntil(lambda: len(page.viewer.slices) > 0, timeout=20000)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=30000)
    images = page.images.width() * page.images.height()
    assert images >= 0.6 * window.width() * window.height()
    # the decision panel is beside the images, wide enough to use, its buttons on screen
    panel = page.decision_scroll
    assert panel.isVisible()
    assert panel.width() >= 300
    assert page.decision.accept_button.visibleRegion().boundingRect().width() > 40
    assert window.statusBar().isVisible()
    assert window.statusBar().geometry().bottom() < window.height()
    # the report has the room it needs, with its headings from the translation
    assert page.report.height() >= 100
    text = page.report.toPlainText()
    assert "Findings" in text  # the source string: tr() found it (checked in Chinese below)
    assert ct.findings[:8] in text
    assert ct.conclusion in text
    # a key image's caption carries the window, never the cursor's readout
    page.viewer.probe_text = "(91, 253)  -848 HU"  # as if the cursor rested on the image
    page.viewer._update_text()
    assert "-848 HU" in page.viewer.bottom_left.text()  # on screen, in the corner
    page.viewer.mark_key_image()
    qtbot.waitUntil(lambda: bool(page.key_images.get(ct.id)), timeout=5000)
    caption = page.key_images[ct.id][0].caption
    assert "HU" not in caption
    assert "400" in caption  # the file's mediastinal window (W 400 / L 40)
    assert "\n" not in caption
    # the timeline folded for the images comes back with its button
    assert not page.timeline_button.isChecked()
    assert page.main_splitter.sizes()[0] == 0
    page.timeline_button.click()
    assert page.main_splitter.sizes()[0] > 200
    window.sign_out()


def test_report_headings_are_translated(qapp: QApplication) -> None:
    from PySide6.QtCore import QCoreApplication

    from ui.i18n import install_language

    translator = install_language(qapp, "zh_CN")
    assert translator is not None
    try:
        assert QCoreApplication.translate("PatientPage", "Findings") == "检查所见"
        assert QCoreApplication.translate("PatientPage", "Conclusion") == "诊断意见"
    finally:
        qapp.removeTranslator(translator)


def test_deciding_note_in_history_message_cleared_and_bulk_accept_explained(
    qtbot: QtBot, sandbox: Sandbox, tmp_path: Path
) -> None:
    window = signed_in_window(qtbot, sandbox, tmp_path, "dr.wang")
    page = open_patient(qtbot, window, "p0004")
    journal = Journal(tmp_path / "journal" / user_key(sandbox.base_url, "dr.wang"))
    result = page.timeline.visible_results()[0]
    assert page.timeline.select(result.id)
    qtbot.waitUntil(lambda: page.decision.repeat_button.isEnabled(), timeout=5000)
    panel = page.decision

    # a reason that needs a note: the message says so, and goes as she fixes the form
    qtbot.keyClick(window, Qt.Key.Key_R)
    needs_note = next(
        i for i, r in enumerate(panel.reasons, 1) if r.needs_note and r.counts_as_refusal
    )
    panel.pick_reason(needs_note)
    qtbot.mouseClick(panel.save_repeat_button, Qt.MouseButton.LeftButton)
    assert panel.problem_label.text() == "This reason needs a note."
    qtbot.keyClicks(panel.note_edit, "symptoms worse since the last scan")
    assert "explained" in panel.problem_label.text()  # the next thing the form lacks
    panel.informed_box.setChecked(True)
    assert panel.problem_label.text() == ""
    assert journal.history(result.id) == []  # nothing saved until she saves

    qtbot.mouseClick(panel.save_repeat_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(journal.history(result.id)) == 1, timeout=5000)
    qtbot.waitUntil(lambda: panel.history_list.count() >= 1, timeout=5000)
    qtbot.waitUntil(
        lambda: "symptoms worse since the last scan" in panel.history_list.item(0).text(),
        timeout=5000,
    )
    # the sentence for the 病历: whole, wrapped, selectable, copied by the button
    sentence = panel.sentence_label.text()
    assert "symptoms worse since the last scan" in sentence
    assert panel.sentence_label.wordWrap()
    assert (
        panel.sentence_label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    )
    qtbot.mouseClick(panel.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == sentence

    # accept all eligible of this visit, when nothing qualifies: says why, saves nothing
    timeline = page.timeline
    anchor = next(
        r
        for r in timeline.visible_results()
        if not bulk_accept_plan(
            timeline.results, r, timeline.assessments, timeline.decisions
        ).accept
    )
    plan = bulk_accept_plan(timeline.results, anchor, timeline.assessments, timeline.decisions)
    assert page.timeline.select(anchor.id)
    qtbot.waitUntil(lambda: panel.bulk_button.isEnabled(), timeout=5000)
    before = len(journal.all())
    qtbot.mouseClick(panel.bulk_button, Qt.MouseButton.LeftButton)
    assert panel.bulk_label.isVisible()
    message = panel.bulk_label.text()
    assert message.startswith("No result of this visit qualifies")
    for key, count in plan.skip_counts().items():
        words = (
            "already decided"
            if key is SkipReason.DECIDED
            else panel.verdict_text(key)
            if not isinstance(key, SkipReason)
            else "no rule check"
        )
        assert f"{words}: {count}" in message
    qtbot.wait(200)
    assert len(journal.all()) == before
    qtbot.waitUntil(lambda: journal.pending() == [], timeout=20000)
    window.sign_out()


def test_a_panel_message_never_outlives_its_cause(qtbot: QtBot) -> None:
    from sandbox.generate.catalog import catalog_document

    panel = DecisionPanel()
    qtbot.addWidget(panel)
    panel.set_catalog(parse_catalog(catalog_document()))  # type: ignore[arg-type]
    panel.open_repeat()
    qtbot.mouseClick(panel.save_repeat_button, Qt.MouseButton.LeftButton)
    assert panel.problem_label.text() == "Choose a reason."
    panel.pick_reason(1)  # a refusal: the form now asks for the tick
    assert "explained" in panel.problem_label.text()
    panel.informed_box.setChecked(True)
    assert panel.problem_label.text() == ""
    panel.informed_box.setChecked(False)  # no message until she tries to save again
    assert panel.problem_label.text() == ""


def test_the_summary_is_saved_from_a_translated_dialog_in_documents_under_a_masked_name(
    qtbot: QtBot, sandbox: Sandbox, tmp_path: Path
) -> None:
    window = signed_in_window(qtbot, sandbox, tmp_path)
    page = open_patient(qtbot, window, "p0001")
    patient = page.patient
    assert patient is not None
    dialogs: list[SummaryDialog] = []

    def capture() -> None:
        dialogs.extend(w for w in QApplication.topLevelWidgets() if isinstance(w, SummaryDialog))
        for dialog in dialogs:
            dialog.reject()

    from PySide6.QtCore import QTimer

    QTimer.singleShot(200, capture)
    page.open_summary()
    assert dialogs
    dialog = dialogs[0]
    qtbot.addWidget(dialog)
    today = china_time(dt.datetime.now(dt.UTC)).date().isoformat()
    masked = mask_id_card(patient.id_card).replace("*", "＊")
    assert dialog.file_name == f"Recognition summary_{masked}_{today}.pdf"
    assert patient.id_card not in dialog.file_name
    save = dialog.save_dialog()
    qtbot.addWidget(save)
    assert save.testOption(QFileDialog.Option.DontUseNativeDialog)  # Qt's, so translated
    assert save.acceptMode() is QFileDialog.AcceptMode.AcceptSave
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    expected = Path(documents) if Path(documents).is_dir() else Path.home()
    assert Path(save.directory().absolutePath()) == expected
    assert save.selectedFiles()[0].endswith(dialog.file_name)
    window.sign_out()


def test_the_administrator_lands_on_the_regions_statistics_and_exports_them(
    qtbot: QtBot, sandbox: Sandbox, tmp_path: Path
) -> None:
    # a doctor's decisions reach the platform first
    doctor = sign_in_demo(sandbox.base_url, "dr.wang")
    catalog = doctor.platform.catalog()
    decided = []
    for page in doctor.platform.results("p0006"):
        for result in page.results[:3]:
            decision = new_decision(
                result,
                DecisionKind.ACCEPTED,
                username="dr.wang",
                practitioner=doctor.user.practitioner,
                catalog_version=catalog.version,
                eligibility="valid",
                now=dt.datetime.now(dt.UTC),
            )
            doctor.platform.send_decision(decision)
            decided.append(result)
    doctor.sign_out()

    window = signed_in_window_as_admin(qtbot, sandbox, tmp_path)
    region = window.region_page
    assert window.pages.currentWidget() is region
    assert not window.stats_action.isVisible()
    assert window.region_action.isVisible()
    qtbot.waitUntil(lambda: region.stats is not None, timeout=15000)
    stats = region.stats
    assert stats is not None
    start, end = region.period()
    assert (end - start).days >= 28  # a period, not today only
    assert stats.totals.decided >= len(decided)
    hospitals = {g.key: g for g in stats.by_hospital}
    for result in decided:
        assert hospitals[result.hospital_id].accepted >= 1
    # the charts draw the data on an axis scaled to it, with whole labels
    chart = region.hospital_chart
    assert chart.labels == [g.name or g.key for g in stats.by_hospital[: len(chart.labels)]]
    assert chart.limit <= 100
    assert chart.limit >= max(chart.values)
    assert region.reason_chart.limit < 1000
    assert region.table.rowCount() >= 1 + len(stats.by_hospital) + len(stats.by_item)

    out = tmp_path / "region.csv"
    region.write_csv(out)
    qtbot.waitUntil(out.exists, timeout=5000)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel opens the Chinese names as UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "Period"
    assert rows[0][1] == f"{start} – {end}"
    assert rows[1][:3] == ["Group", "Name", "Decided"]
    assert rows[2][0] == "Region"
    assert rows[2][2] == str(stats.totals.decided)
    names = {r[1] for r in rows if r[0] == "Hospital"}
    assert {g.name for g in stats.by_hospital} <= names
    assert any("医院" in name for name in names)
    assert region.default_csv_name() == f"Region recognition statistics_{start}_{end}.csv"
    window.sign_out()
    assert region.stats is None


def test_a_doctors_statistics_say_why_they_are_empty(
    qtbot: QtBot, sandbox: Sandbox, tmp_path: Path
) -> None:
    from ui.statistics_dialog import StatisticsDialog

    window = signed_in_window(qtbot, sandbox, tmp_path)
    assert window.signed is not None
    assert window.journal is not None
    dialog = StatisticsDialog(
        window.journal, window.signed.catalog, window.runner, window.signed.hospitals
    )
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: hasattr(dialog, "stats"), timeout=5000)
    assert dialog.stats.reviewed == 0
    assert "no decision" in dialog.message.text()
    assert dialog.plot.labels == []
    window.sign_out()


def signed_in_window_as_admin(qtbot: QtBot, sandbox: Sandbox, tmp_path: Path) -> MainWindow:
    """The window signed in as the administrator (she lands on the region's statistics)."""
    window = _window(qtbot, sandbox, tmp_path)
    qtbot.keyClicks(window.sign_in.user_edit, "admin")
    qtbot.keyClicks(window.sign_in.password_edit, DEMO_PASSWORD)
    qtbot.keyClick(window.sign_in.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.signed is not None, timeout=15000)
    return window


def test_only_the_administrator_gets_the_regions_breakdown(sandbox: Sandbox) -> None:
    import httpx

    url = f"{sandbox.base_url}/admin/statistics/breakdown"
    doctor = httpx.get(url, headers={"Authorization": f"Bearer {sandbox.token('dr.li')}"})
    assert doctor.status_code == 403
    admin = {"Authorization": f"Bearer {sandbox.token('admin')}"}
    bad = httpx.get(url, params={"from": "yesterday"}, headers=admin)
    assert bad.status_code == 400
    future = httpx.get(url, params={"from": "2999-01-01"}, headers=admin).json()
    assert future["totals"]["decided"] == 0
    assert future["from"] == "2999-01-01"


def test_the_window_keeps_where_she_left_it(qtbot: QtBot, tmp_path: Path) -> None:
    from ui.window_fit import Rect

    saved: list[Settings] = []
    settings = Settings(window_geometry=(40, 50, 1300, 800))
    window = MainWindow(WindowDeps(settings, None, AuditLog(tmp_path), save_settings=saved.append))
    qtbot.addWidget(window)
    window.show_placed(Rect(0, 0, 1920, 1040))
    assert (window.width(), window.height()) == (1300, 800)
    window.resize(1400, 860)
    qtbot.waitUntil(lambda: bool(saved) and saved[-1].window_geometry is not None, timeout=5000)
    qtbot.waitUntil(lambda: saved[-1].window_geometry[2:] == (1400, 860), timeout=5000)  # type: ignore[index]
    assert not saved[-1].window_maximized
    window.showMaximized()
    qtbot.waitUntil(lambda: saved[-1].window_maximized, timeout=5000)
    assert saved[-1].window_geometry[2:] == (1400, 860)  # type: ignore[index]  # the normal size


_PLACEMENT_SCRIPT = """
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
from ui.main_window import MainWindow, WindowDeps
from ui.window_fit import Rect
from workstation.audit import AuditLog
from workstation.config import Settings
window = MainWindow(WindowDeps(Settings(), None, AuditLog(Path(sys.argv[1]))))
free = app.primaryScreen().availableGeometry()
window.show_placed(Rect(free.x(), free.y(), free.width(), free.height()))
for _ in range(20):
    app.processEvents()
frame, bar = window.frameGeometry(), window.statusBar()
bottom = window.mapToGlobal(bar.geometry().bottomLeft()).y()
print(free.width(), free.height(), frame.right(), frame.bottom(), bottom, int(window.isMaximized()))
window.close()
"""


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_on_a_real_screen_size_the_status_bar_stays_on_screen(
    size: tuple[int, int], tmp_path: Path
) -> None:
    import json
    import os
    import subprocess
    import sys

    width, height = size
    config = tmp_path / "screen.json"
    screen = {"name": "s", "x": 0, "y": 0, "width": width, "height": height}
    config.write_text(json.dumps({"screens": [{**screen, "logicalDpi": 96, "dpr": 1}]}))
    root = Path(__file__).resolve().parent.parent
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
        "PYTHONPATH": str(root),
    }
    out = subprocess.run(
        [sys.executable, "-c", _PLACEMENT_SCRIPT, str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    ).stdout.split()
    free_w, free_h, right, bottom, bar_bottom, maximized = map(int, out[-6:])
    assert (free_w, free_h) == size  # the offscreen screen really has that size
    assert right < free_w
    assert bottom < free_h
    assert bar_bottom < free_h  # the status bar is on screen
    assert maximized == int(width <= 1440)


def test_a_result_past_its_window_says_so_whatever_the_first_reason(qtbot: QtBot) -> None:
    import datetime as dt

    from workstation.model import Category, Result
    from workstation.recognition.validity import Assessment, Eligibility

    panel = DecisionPanel()
    qtbot.addWidget(panel)
    when = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
    result = Result("r1", "p1", Category.LAB, "JY008", "心肌标志物", "cdfy", when)
    unmarked_and_old = Assessment(
        Eligibility.NO_MARK, "v1", dt.timedelta(hours=35), dt.timedelta(hours=24)
    )
    text = panel.explain(result, unmarked_and_old, None)
    assert "no HR mark" in text
    assert "also expired" in text
    recent = Assessment(Eligibility.NO_MARK, "v1", dt.timedelta(hours=3), dt.timedelta(hours=24))
    assert "expired" not in panel.explain(result, recent, None)


def test_count_charts_have_whole_number_ticks(qtbot: QtBot) -> None:
    from ui.bar_chart import BarChart

    chart = BarChart("复查原因（次数）")
    qtbot.addWidget(chart)
    chart.show_bars(["设备差异", "病情变化"], [1, 2])
    ticks = chart.getAxis("bottom")._tickLevels
    assert ticks is not None
    assert all(float(value).is_integer() for value, _label in ticks[0])


def test_a_lab_result_folds_the_empty_viewer_away_and_an_imaging_result_brings_it_back(
    qtbot: QtBot, sandbox: Sandbox, tmp_path: Path
) -> None:
    window = signed_in_window(qtbot, sandbox, tmp_path)
    window.resize(1366, 768)
    page = open_patient(qtbot, window, "p0001")
    lab = next(r for r in page.timeline.visible_results() if r.category is Category.LAB)
    assert page.timeline.select(lab.id)
    qtbot.waitUntil(lambda: page.labs.table.rowCount() > 0, timeout=10000)
    column = sum(page.right_splitter.sizes())
    # no toolbars of an empty viewer above the values (they took ~290 px at 1366×768)
    assert page.right_splitter.sizes()[0] == 0
    assert page.lab_tabs.height() >= 0.95 * column
    ct = next(r for r in page.timeline.visible_results() if r.modality == "CT")
    assert page.timeline.select(ct.id)
    qtbot.waitUntil(lambda: len(page.viewer.slices) > 0, timeout=20000)
    assert page.images.height() >= 0.95 * column
    window.sign_out()


def test_every_repeat_reason_is_on_screen_and_nothing_covers_the_list(
    qtbot: QtBot, sandbox: Sandbox, tmp_path: Path
) -> None:
    window = signed_in_window(qtbot, sandbox, tmp_path)
    window.resize(1366, 768)
    page = open_patient(qtbot, window, "p0001")
    ct = next(r for r in page.timeline.visible_results() if r.modality == "CT")
    assert page.timeline.select(ct.id)
    page.decision.open_repeat()
    reasons = page.decision.reason_list
    assert reasons.count() >= 9

    def all_rows_shown_and_uncovered() -> bool:
        viewport = reasons.viewport().rect()
        shown = all(
            viewport.contains(reasons.visualItemRect(reasons.item(row)))
            for row in range(reasons.count())
        )  # no scrolling inside the list
        # the note starts under the list's last row (a scroll area had squeezed them)
        return shown and reasons.geometry().bottom() < page.decision.note_edit.geometry().top()

    qtbot.waitUntil(all_rows_shown_and_uncovered, timeout=5000)
    window.sign_out()


def test_her_statistics_open_without_blocking_and_close_when_she_signs_out(
    qtbot: QtBot, sandbox: Sandbox, tmp_path: Path
) -> None:
    from ui.statistics_dialog import StatisticsDialog

    window = signed_in_window(qtbot, sandbox, tmp_path)
    window.show_statistics()  # returns at once: no nested event loop to end a session in
    (dialog,) = window.findChildren(StatisticsDialog)
    assert dialog.isVisible()
    assert dialog.isModal() or dialog.windowModality() is not Qt.WindowModality.NonModal
    window.sign_out()
    qtbot.waitUntil(lambda: not window.findChildren(StatisticsDialog), timeout=5000)


def test_the_result_count_stays_a_count_and_follows_what_she_adds(
    qtbot: QtBot, sandbox: Sandbox, tmp_path: Path
) -> None:
    import dataclasses

    window = signed_in_window(qtbot, sandbox, tmp_path)
    page = open_patient(qtbot, window, "p0001")
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=30000)
    total = len(page.timeline.results)
    assert page.count_label.text() == f"{total} result(s)"
    ct = next(r for r in page.timeline.visible_results() if r.modality == "CT")
    assert page.timeline.select(ct.id)
    qtbot.waitUntil(lambda: len(page.viewer.slices) > 0, timeout=20000)
    page.viewer.mark_key_image()
    qtbot.waitUntil(lambda: "Key image kept" in window.statusBar().currentMessage(), timeout=5000)
    assert page.count_label.text() == f"{total} result(s)"  # not replaced by the key image
    # a study from her disc (or a paper report) joins the timeline: the count follows
    brought = dataclasses.replace(ct, id="disc:1.2.3.4", imaging_study_ids=())
    page.session.add_results(page.session.patient_scope, [brought])
    assert page.count_label.text() == f"{total + 1} result(s)"
    window.sign_out()


def test_the_timeline_folded_for_images_comes_back_for_a_lab_but_hers_stays_folded(
    qtbot: QtBot, sandbox: Sandbox, tmp_path: Path
) -> None:
    window = signed_in_window(qtbot, sandbox, tmp_path)
    window.resize(1366, 768)
    page = open_patient(qtbot, window, "p0001")
    ct = next(r for r in page.timeline.visible_results() if r.modality == "CT")
    lab = next(r for r in page.timeline.visible_results() if r.category is Category.LAB)
    assert page.timeline.select(ct.id)
    qtbot.waitUntil(lambda: len(page.viewer.slices) > 0, timeout=20000)
    assert page.main_splitter.sizes()[0] == 0  # folded by the page for the images
    assert page.timeline.select(lab.id)
    assert page.main_splitter.sizes()[0] > 200  # a lab: the list of results is back
    assert page.timeline_button.isChecked()
    page.timeline_button.click()  # she folds it herself
    assert page.main_splitter.sizes()[0] == 0
    other = next(r for r in page.timeline.results if r.category is Category.LAB and r != lab)
    assert page.timeline.select(other.id)
    assert page.main_splitter.sizes()[0] == 0  # hers stays folded
    window.sign_out()
