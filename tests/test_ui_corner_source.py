"""Once the patient's studies come from several sources, the viewer's corner names the
source of the study in each cell as its timeline row does: 患者自带 for her disc, the
platform's name for the platform's; while one platform alone holds her results it says
nothing more than the hospital."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from sandbox.disc import patient_tags, write_disc
from tests.conftest import Sandbox
from tests.ui_helpers import arrived, open_study, signed_in_window
from ui.viewer import ImageViewer
from workstation.session.timeline_sources import RowSource
from workstation.sources.base import SourceKind
from workstation.sources.study_decisions import source_study_uid

pytestmark = pytest.mark.ui

HOME = "成都市全民健康信息平台"


def _corner(viewer: ImageViewer) -> str:
    return viewer.top_left.text()


@pytest.mark.e2e
def test_each_cell_names_the_source_of_its_study(
    qtbot: QtBot, chinese: None, sandbox: Sandbox, tmp_path: Path
) -> None:
    window = signed_in_window(qtbot, sandbox, tmp_path, platform=HOME)
    window.resize(1366, 768)
    page = open_study(qtbot, window, "p0001")
    platform_ct = page.decision.result
    assert platform_ct is not None
    assert "来源" not in _corner(page.viewer)  # one platform alone: the hospital says it
    hospital = page.viewer.current().image.institution  # type: ignore[union-attr]
    assert hospital in _corner(page.viewer)

    # her disc joins while the platform's CT is on screen: its corner names its source now
    disc = tmp_path / "disc"
    write_disc(disc, patient_tags(sandbox.data_dir, "p0001"))
    dialog = page.discs.import_folder(disc)
    assert dialog is not None
    qtbot.waitUntil(lambda: not dialog.table.isHidden(), timeout=20000)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: f"来源：{HOME}" in _corner(page.viewer), timeout=10000)
    assert page.timeline.source_text(platform_ct) == HOME  # the row's words

    # the disc's CT beside the platform's: each cell names its own source
    disc_ct = next(
        r for r in page.timeline.results if source_study_uid(r.id) and r.modality == "CT"
    )
    assert page.timeline.select(disc_ct.id)
    qtbot.waitUntil(lambda: arrived(page.viewer) > 0, timeout=30000)
    qtbot.waitUntil(lambda: "来源：患者自带" in _corner(page.viewer), timeout=10000)
    assert page.timeline.source_text(disc_ct) == "患者自带"
    index = next(
        i
        for i in range(page.compare_box.count())
        if page.compare_box.itemData(i) is not None
        and page.compare_box.itemData(i).id == platform_ct.id
    )
    page.compare_box.setCurrentIndex(index)
    page.compare_box.activated.emit(index)
    qtbot.waitUntil(lambda: arrived(page.compare_viewer) > 0, timeout=30000)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=30000)
    assert "来源：患者自带" in _corner(page.viewer)
    assert f"来源：{HOME}" in _corner(page.compare_viewer)
    assert "患者自带" not in _corner(page.compare_viewer)
    window.grab().save(str(tmp_path / "corner_sources_1x2_1366.png"))

    # in the small cells of 2×2 at 1366 × 768 the source still shows, under the date
    # (no hospital there: "来源" says the name is the source's)
    page.grid.set_layout(2, 2)
    qtbot.waitUntil(lambda: page.viewer.graphics.height() < 220, timeout=5000)
    qtbot.wait(200)
    for viewer, source in ((page.viewer, "患者自带"), (page.compare_viewer, HOME)):
        assert viewer.compact()
        assert _corner(viewer).splitlines()[1:] == [f"来源：{source}"], viewer.text_level()
    window.grab().save(str(tmp_path / "corner_sources_2x2_1366.png"))
    window.close()


@pytest.mark.parametrize(
    ("hospital", "source", "line"),
    [
        ("蓬溪县中医院", RowSource(SourceKind.DISC, "光盘 1"), "蓬溪县中医院 · 患者自带"),
        (
            "绵阳市中心医院放射科影像中心",
            RowSource(SourceKind.FHIR, "绵阳市全民健康信息平台"),
            None,  # too long together: the start of both kept
        ),
    ],
)
def test_a_compact_corner_names_hospital_and_source_on_one_line(
    qtbot: QtBot, chinese: None, hospital: str, source: RowSource, line: str | None
) -> None:
    from dataclasses import replace

    from tests.test_ui_viewer import _image

    viewer = ImageViewer()
    qtbot.addWidget(viewer)
    viewer.resize(380, 330)  # a cell of 2×3 on a large screen
    viewer.show()
    viewer.add_image(replace(_image(), institution=hospital, study_date="20261119"))
    qtbot.waitUntil(lambda: viewer.text_level().value == "compact", timeout=3000)
    assert viewer.top_left.text().splitlines() == ["2026-11-19", hospital]  # one source
    viewer.view_state.source = source
    date, where = viewer.top_left.text().splitlines()
    assert date == "2026-11-19"
    if line is not None:
        assert where == line
    else:
        first, second = where.split(" · ")
        assert first.startswith("绵阳市"), where
        assert second.startswith("绵阳市"), where
        room = viewer.top_left.contentsRect().width()
        assert viewer.top_left.fontMetrics().horizontalAdvance(where) <= room
    viewer.clear()
    assert viewer.view_state.source is None  # an emptied cell names no source
