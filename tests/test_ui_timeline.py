"""The timeline widget on its item model: rows as the model holds them, headings that cannot
be selected, the selection kept through filters, and the one-click filters."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from tests.test_timeline_rows import CATALOG, HOSPITALS, NOW, _history, _patient
from ui.timeline import COL_BADGE, COL_ITEM, TimelineWidget
from workstation.model import Result
from workstation.session.reading import ReadingSession
from workstation.session.timeline_rows import TimelineRow

pytestmark = pytest.mark.unit


def _widget(qtbot: QtBot) -> tuple[TimelineWidget, ReadingSession, list[Result]]:
    session = ReadingSession()
    widget = TimelineWidget(session, clock=lambda: NOW)
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    session.open_patient(_patient())
    widget.set_context(HOSPITALS, CATALOG, "510100", NOW)
    history = _history(600)
    for i in range(0, len(history), 100):
        session.add_results(session.patient_scope, history[i : i + 100])
    return widget, session, history


def test_the_view_shows_the_rows_of_the_model(qtbot: QtBot) -> None:
    widget, _session, history = _widget(qtbot)
    model = widget.model
    rows = widget.rows.rows
    assert model.rowCount() == len(rows) == len(history) + len({r.day for r in rows})
    heading = model.index(0, 0)
    assert heading.data() == rows[0].day.isoformat()
    assert not model.flags(heading) & Qt.ItemFlag.ItemIsSelectable
    first = rows[1].result
    assert first is not None
    assert model.index(1, COL_ITEM).data() == first.item_name
    assert model.index(1, COL_BADGE).data() == widget.assessment_text(widget.assessments[first.id])


def test_selection_is_announced_once_and_kept_through_a_filter(qtbot: QtBot) -> None:
    widget, _session, history = _widget(qtbot)
    seen: list[Result] = []
    widget.result_selected.connect(seen.append)
    target = next(r for r in history if r.hospital_id == "mysy")
    assert widget.select(target.id)
    assert seen == [target]
    widget.text_edit.setText("绵阳")
    assert all(r.hospital_id == "mysy" for r in widget.visible_results())
    assert widget.selected_result() == target
    widget.text_edit.setText("")
    assert widget.selected_result() == target
    assert seen == [target]  # the filter did not reopen it


def test_this_item_only_and_valid_only(qtbot: QtBot) -> None:
    widget, _session, history = _widget(qtbot)
    cardiac = next(r for r in history if r.item_code == "JY008")
    widget.select(cardiac.id)
    assert widget.this_item.isEnabled()
    widget.this_item.click()
    assert {r.item_code for r in widget.visible_results()} == {"JY008"}
    widget.this_item.click()
    assert len(widget.visible_results()) == len(history)
    widget.valid_only.setChecked(True)
    shown = widget.visible_results()
    assert shown
    assert len(shown) < len(history)
    assert {widget.assessments[r.id].eligible for r in shown} == {True}


def test_jump_to_date_scrolls_that_day_to_the_top(qtbot: QtBot) -> None:
    widget, _session, _ = _widget(qtbot)
    qtbot.wait(20)  # laid out, as when she reaches for the date box
    middle = widget.visible_results()[len(widget.visible_results()) // 2]
    day = middle.effective.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    assert widget.jump_to(day)
    top = widget.table.indexAt(widget.table.viewport().rect().topLeft())
    assert widget.rows.rows[top.row()] == TimelineRow(day)  # that day's heading, at the top
    before = widget.rows.row_for_day(day + dt.timedelta(days=1))
    assert before is not None
    assert before <= top.row()
    assert not widget.jump_to(dt.date(2000, 1, 1))
    widget.table.scrollToTop()
    widget.jump_calendar.clicked.emit(QDate(day.year, day.month, day.day))  # her click
    top = widget.table.indexAt(widget.table.viewport().rect().topLeft())
    assert widget.rows.rows[top.row()] == TimelineRow(day)
