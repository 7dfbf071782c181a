"""The timeline names each result's source beside its hospital once a second source is
present (a disc, a PACS, another platform), filters by source, and keeps the hospital and
the badge in view on a 1366 × 768 laptop and uncut at 1920 × 1080, in Chinese."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionButton
from pytestqt.qtbot import QtBot

from sandbox.disc import patient_tags, write_disc
from tests.conftest import Sandbox
from tests.test_timeline_rows import CATALOG, HOSPITALS, NOW, _history, _patient
from tests.ui_helpers import open_patient, signed_in_window
from ui.timeline import COL_BADGE, COL_HOSPITAL, COL_ITEM, TimelineWidget
from ui.timeline_cells import fit_pair
from workstation.model import Result
from workstation.session.reading import ReadingSession
from workstation.sources.base import SourceKind
from workstation.sources.study_decisions import source_study_uid

pytestmark = pytest.mark.ui

HOME = "成都市全民健康信息平台"
MIANYANG = "绵阳市全民健康信息平台"


def _widget(qtbot: QtBot) -> tuple[TimelineWidget, ReadingSession, list[Result]]:
    session = ReadingSession()
    widget = TimelineWidget(session, clock=lambda: NOW)
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    session.open_patient(_patient())
    widget.set_context(HOSPITALS, CATALOG, "510100", NOW)
    widget.set_home_source(HOME)
    history = _history(60)
    session.add_results(session.patient_scope, history)
    return widget, session, history


def _hospital_text(widget: TimelineWidget, result: Result) -> str:
    row = widget.rows.row_of(result.id)
    assert row is not None
    text = widget.model.index(row, COL_HOSPITAL).data()
    assert isinstance(text, str)
    return text


def test_one_platform_alone_names_no_source(qtbot: QtBot) -> None:
    widget, _session, history = _widget(qtbot)
    assert widget.source_box.isHidden()
    assert widget.model.headers[COL_HOSPITAL] == "Hospital"
    cdfy = next(r for r in history if r.hospital_id == "cdfy")
    assert _hospital_text(widget, cdfy) == "成都市第一人民医院（三级甲等）"


def test_a_second_source_names_every_rows_source_and_filters_by_it(qtbot: QtBot) -> None:
    widget, session, history = _widget(qtbot)
    other = [
        dataclasses.replace(r, id=f"my-{r.id}", source=MIANYANG)
        for r in _history(6, seed=3)
        if r.hospital_id == "mysy"
    ]
    assert other
    session.add_results(session.patient_scope, other)
    assert not widget.source_box.isHidden()
    assert widget.model.headers[COL_HOSPITAL] == "Hospital · source"
    cdfy = next(r for r in history if r.hospital_id == "cdfy")
    assert _hospital_text(widget, cdfy) == f"成都市第一人民医院（三级甲等） · {HOME}"
    assert _hospital_text(widget, other[0]) == f"绵阳市中心医院（三级甲等） · {MIANYANG}"
    assert [widget.source_box.itemText(i) for i in range(widget.source_box.count())] == [
        "All sources",
        HOME,
        MIANYANG,
    ]

    widget.note_source("Patient's disc", SourceKind.DISC)
    disc = dataclasses.replace(
        history[0], id="disc:1.2.3", source="Patient's disc", hospital_id="蓬溪县中医院"
    )
    session.add_results(session.patient_scope, [disc])
    assert _hospital_text(widget, disc) == "蓬溪县中医院 · patient's own"
    assert widget.source_box.itemText(3) == "patient's own"

    widget.source_box.setCurrentIndex(widget.source_box.findData(MIANYANG))
    assert sorted(r.id for r in widget.visible_results()) == sorted(r.id for r in other)
    widget.source_box.setCurrentIndex(widget.source_box.findData(""))  # her own platform's
    assert len(widget.visible_results()) == len(history)
    widget.source_box.setCurrentIndex(widget.source_box.findData("Patient's disc"))
    assert widget.visible_results() == [disc]
    widget.source_box.setCurrentIndex(0)
    assert len(widget.visible_results()) == len(history) + len(other) + 1

    session.open_patient(_patient())  # the next patient has only her platform again
    session.add_results(session.patient_scope, history[:5])
    assert widget.source_box.isHidden()
    assert widget.current_filter().source is None
    assert _hospital_text(widget, cdfy if cdfy in history[:5] else history[0]).count(" · ") == 0


def test_the_go_to_date_button_makes_room_for_its_arrow(qtbot: QtBot, chinese: None) -> None:
    widget = _widget(qtbot)[0]
    button = widget.jump_button
    assert button.text() == "跳到日期"
    option = QStyleOptionButton()
    option.initFrom(button)
    arrow = button.style().pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, option, button)
    text = button.fontMetrics().horizontalAdvance(button.text())
    assert button.width() >= text + arrow + 8  # the text, its arrow beside it, margins


def _shot(qtbot: QtBot, window: QApplication | object, path: Path) -> None:
    qtbot.wait(200)  # laid out at the new size
    window.grab().save(str(path))  # type: ignore[attr-defined]


def test_hospital_and_source_are_in_view_at_1366_and_uncut_at_1920(
    qtbot: QtBot, chinese: None, sandbox: Sandbox, tmp_path: Path
) -> None:
    window = signed_in_window(qtbot, sandbox, tmp_path, platform=HOME)
    page = open_patient(qtbot, window, "p0001")
    platform_rows = list(page.timeline.results)
    assert page.timeline.source_box.isHidden()  # her platform alone: no source named
    assert page.timeline.model.headers[COL_HOSPITAL] == "医院"
    assert " · " not in _hospital_text(page.timeline, platform_rows[0])
    window.resize(1366, 768)
    _shot(qtbot, window, tmp_path / "timeline_one_platform_1366.png")
    disc = tmp_path / "disc"
    write_disc(disc, patient_tags(sandbox.data_dir, "p0001"))
    dialog = page.discs.import_folder(disc)
    assert dialog is not None
    qtbot.waitUntil(lambda: not dialog.table.isHidden(), timeout=20000)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    timeline = page.timeline
    qtbot.waitUntil(lambda: len(timeline.results) == len(platform_rows) + 2, timeout=5000)
    disc_rows = [r for r in timeline.results if source_study_uid(r.id)]
    assert [_hospital_text(timeline, r) for r in disc_rows] == ["蓬溪县中医院 · 患者自带"] * 2
    assert _hospital_text(timeline, platform_rows[0]).endswith(f" · {HOME}")
    assert timeline.model.headers[COL_HOSPITAL] == "医院 · 来源"
    box = timeline.source_box
    assert [box.itemText(i) for i in range(box.count())] == ["全部来源", HOME, "患者自带"]

    table = timeline.table
    for width, height in ((1366, 768), (1920, 1080)):
        window.resize(width, height)
        _shot(qtbot, window, tmp_path / f"timeline_sources_{width}.png")
        room = table.viewport().width()
        hospital_end = table.columnViewportPosition(COL_HOSPITAL) + table.columnWidth(COL_HOSPITAL)
        assert hospital_end <= room, (width, hospital_end, room)  # no scrolling to find it
        badge = table.columnViewportPosition(COL_BADGE)
        assert room - badge >= 72, (width, badge, room)  # and the badge's words beside it
        if width == 1920:  # whole: not one hospital · source on screen is cut
            metrics = table.fontMetrics()
            needed = max(
                metrics.horizontalAdvance(_hospital_text(timeline, r))
                for r in timeline.visible_results()[:25]
            )
            assert table.columnWidth(COL_HOSPITAL) > needed
            assert table.columnWidth(COL_ITEM) > metrics.horizontalAdvance("胸部正位片（DR）")
    box.setCurrentIndex(box.findText("患者自带"))
    assert sorted(r.id for r in timeline.visible_results()) == sorted(r.id for r in disc_rows)
    _shot(qtbot, window, tmp_path / "timeline_sources_disc_only.png")
    window.close()


def test_a_squeezed_cell_keeps_the_start_of_both_hospital_and_source(qtbot: QtBot) -> None:
    widget = _widget(qtbot)[0]
    metrics = widget.table.fontMetrics()
    hospital, short, source = "绵阳博爱国际医院（二级乙等）", "绵阳博爱国际医院", HOME
    whole = f"{hospital} · {source}"
    assert fit_pair(hospital, source, metrics, metrics.horizontalAdvance(whole)) == whole
    room = metrics.horizontalAdvance(whole) // 2
    squeezed = fit_pair(hospital, source, metrics, room, first_short=short)
    first, second = squeezed.split(" · ")
    assert metrics.horizontalAdvance(squeezed) <= room
    assert first.startswith("绵阳博爱")  # both still named
    assert second.startswith("成都市")
    assert "（" not in first  # the level goes before the name is cut
    assert metrics.horizontalAdvance(second) <= room * 0.4
    # a short source stays whole; the hospital gives way
    assert fit_pair(hospital, "患者自带", metrics, room, first_short=short).endswith(" · 患者自带")
    assert fit_pair(hospital, "", metrics, 10_000) == hospital


def test_a_filter_hiding_the_open_result_moves_her_to_one_it_shows(qtbot: QtBot) -> None:
    widget, session, history = _widget(qtbot)
    other = [dataclasses.replace(r, id=f"my-{r.id}", source=MIANYANG) for r in history[:5]]
    session.add_results(session.patient_scope, other)
    announced: list[Result] = []
    widget.result_selected.connect(announced.append)
    home = next(r for r in widget.visible_results() if r.source == "")
    assert widget.select(home.id)
    widget.source_box.setCurrentIndex(widget.source_box.findData(MIANYANG))
    shown = widget.visible_results()
    assert {r.source for r in shown} == {MIANYANG}
    assert widget.selected_result() == shown[0]
    assert announced[-1] == shown[0]  # the panes follow: not the hidden 成都 result
