"""Settings → window presets: the table dialog and its place in the main window."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from ui.main_window import MainWindow, WindowDeps
from ui.presets_dialog import CENTER, MODALITY, NAME, WIDTH, PresetsDialog
from workstation.audit import AuditLog
from workstation.config import Settings
from workstation.imaging.presets import DEFAULT_PRESETS, WindowPreset

pytestmark = pytest.mark.ui


def _dialog(qtbot: QtBot, presets: tuple[WindowPreset, ...] = DEFAULT_PRESETS) -> PresetsDialog:
    dialog = PresetsDialog(presets)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _fill(dialog: PresetsDialog, row: int, values: dict[int, object]) -> None:
    model = dialog.model
    for column, value in values.items():
        assert model.setData(model.index(row, column), value)


def test_add_a_preset_and_accept(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    model = dialog.model
    assert model.rowCount() == len(DEFAULT_PRESETS)
    assert model.index(0, NAME).data() == "Brain"
    assert model.index(0, CENTER).data() == "40"
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    row = model.rowCount() - 1
    assert row == len(DEFAULT_PRESETS)
    assert model.index(row, MODALITY).data() == "CT"
    _fill(dialog, row, {MODALITY: "mr", NAME: "  T2 soft ", CENTER: "600", WIDTH: 1200.5})
    dialog.accept()
    assert dialog.result() == PresetsDialog.DialogCode.Accepted
    assert dialog.presets() == (*DEFAULT_PRESETS, WindowPreset("T2 soft", "MR", 600, 1200.5))


def test_invalid_rows_block_ok_with_a_message(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    model = dialog.model
    _fill(dialog, 2, {WIDTH: "0"})
    qtbot.mouseClick(
        dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    assert dialog.isVisible()
    assert dialog.result() != PresetsDialog.DialogCode.Accepted
    assert dialog.error.text().startswith("Row 3:")
    assert "at least 1" in dialog.error.text()
    assert model.index(2, WIDTH).data(Qt.ItemDataRole.ToolTipRole)
    _fill(dialog, 2, {WIDTH: "abc"})
    assert "numbers" in dialog.error.text()
    _fill(dialog, 2, {WIDTH: "8"})
    assert dialog.error.text() == ""
    _fill(dialog, 3, {NAME: "Brain"})  # a second CT "Brain"
    dialog.accept()
    assert dialog.isVisible()
    assert "already has this name" in dialog.error.text()
    dialog.table.selectRow(3)
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert model.rowCount() == len(DEFAULT_PRESETS) - 1
    dialog.accept()
    assert not dialog.isVisible()
    assert [p.name for p in dialog.presets()][:4] == ["Brain", "Subdural", "Stroke", "Mediastinum"]


def test_an_empty_new_row_blocks_ok(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, ())
    dialog.add_row()
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.error.text() == "Row 1: The preset has no name."


def test_restore_defaults(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, (WindowPreset("Mine", "MR", 300, 600),))
    assert dialog.model.rowCount() == 1
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    dialog.accept()
    assert dialog.presets() == DEFAULT_PRESETS


def test_text_typed_into_a_cell_counts_when_ok_comes_before_enter(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, (WindowPreset("Mine", "MR", 300, 600),))
    index = dialog.model.index(0, WIDTH)
    dialog.table.setCurrentIndex(index)
    dialog.table.edit(index)
    editor = dialog.table.findChild(QLineEdit)
    assert editor is not None
    editor.selectAll()
    editor.insert("900")
    dialog.accept()
    assert dialog.presets() == (WindowPreset("Mine", "MR", 300, 900),)


def test_cancel_keeps_nothing_and_the_menu_saves_on_ok(qtbot: QtBot, tmp_path: Path) -> None:
    saved: list[Settings] = []
    window = MainWindow(
        WindowDeps(Settings(), None, AuditLog(tmp_path), save_settings=saved.append)
    )
    qtbot.addWidget(window)
    applied: list[tuple[WindowPreset, ...]] = []
    window.patient_page.set_window_presets = applied.append  # type: ignore[attr-defined]
    mine = WindowPreset("T2 soft", "MR", 600, 1200)

    def answer(accept: bool) -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, PresetsDialog)
        if accept:
            dialog.model.append("MR")
            _fill(dialog, dialog.model.rowCount() - 1, {NAME: mine.name, CENTER: 600, WIDTH: 1200})
            dialog.accept()
        else:
            dialog.reject()

    QTimer.singleShot(0, lambda: answer(False))
    window.presets_action.trigger()
    assert window.deps.settings.window_presets is None
    assert saved == []
    assert applied == []

    QTimer.singleShot(0, lambda: answer(True))
    window.presets_action.trigger()
    assert window.deps.settings.window_presets == (*DEFAULT_PRESETS, mine)
    qtbot.waitUntil(lambda: bool(saved), timeout=5000)
    assert saved[-1].window_presets == (*DEFAULT_PRESETS, mine)
    assert applied == [(*DEFAULT_PRESETS, mine)]


def test_start_up_hands_the_saved_presets_to_the_patient_page(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.patient_page import PatientPage

    applied: list[tuple[WindowPreset, ...]] = []
    monkeypatch.setattr(
        PatientPage, "set_window_presets", lambda _self, p: applied.append(p), raising=False
    )
    mine = (WindowPreset("T2 soft", "MR", 600, 1200),)
    window = MainWindow(WindowDeps(Settings(window_presets=mine), None, AuditLog(tmp_path)))
    qtbot.addWidget(window)
    assert applied == [mine]
