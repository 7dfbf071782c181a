"""The lab panel and the trend plot on the sandbox's mixed-unit data."""

from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
import pytest
from pytestqt.qtbot import QtBot

from tests.conftest import Sandbox
from tests.ui_helpers import open_patient, signed_in_window
from ui.trend_plot import TrendPlot
from workstation.model import Category
from workstation.recognition.validity import Eligibility

pytestmark = [pytest.mark.ui, pytest.mark.e2e]


def _drawn(trends: TrendPlot, kind: type) -> int:
    """How many points (scatter items) or bands (fills) the trend plots draw."""
    items = [item for plot in trends.plots for item in plot.items if isinstance(item, kind)]
    if kind is pg.ScatterPlotItem:
        return sum(len(item.points()) for item in items)
    return len(items)


def test_lab_panel_normalizes_and_trends_span_hospitals(
    qtbot: QtBot, sandbox: Sandbox, tmp_path: Path
) -> None:
    window = signed_in_window(qtbot, sandbox, tmp_path, "dr.wang")
    page = open_patient(qtbot, window, "p0003")
    labs = [r for r in page.timeline.results if r.category is Category.LAB]
    # a report from a hospital that prints conventional units, if the data has one
    conventional = {"cdtf", "mybo"}
    chosen = next((r for r in labs if r.hospital_id in conventional), labs[0])
    assert page.timeline.select(chosen.id)
    qtbot.waitUntil(lambda: page.labs.table.rowCount() > 0, timeout=10000)
    table = page.labs.table
    reported_units = [table.item(row, 2).text() for row in range(table.rowCount())]
    assert page.labs.table.isColumnHidden(5)
    page.labs.normalized_box.setChecked(True)
    assert not table.isColumnHidden(5)
    for row in range(table.rowCount()):
        assert table.item(row, 5).text()  # the value as reported stays visible
    normalized_units = [table.item(row, 2).text() for row in range(table.rowCount())]
    if chosen.hospital_id in conventional:
        assert normalized_units != reported_units
    assert "·" in page.labs.title.text()
    page.lab_tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: _drawn(page.trends, pg.ScatterPlotItem) > 0, timeout=20000)
    assert len(page.trends.plots) >= 1
    assert _drawn(page.trends, pg.FillBetweenItem) >= 1  # a hospital's reference band
    legend = page.trends.legend.text()
    assert legend.count("●") >= 2  # several hospitals on one time axis
    window.sign_out()


def test_cardiac_patient_trends_each_troponin_assay_apart(
    qtbot: QtBot, sandbox: Sandbox, tmp_path: Path
) -> None:
    window = signed_in_window(qtbot, sandbox, tmp_path, "dr.wang")
    page = open_patient(qtbot, window, "p0001")  # cardiac markers 3 h and 30 h old
    cardiac = sorted(
        (r for r in page.timeline.results if r.item_name == "心肌标志物"),
        key=lambda r: r.effective,
        reverse=True,
    )
    assert page.timeline.select(cardiac[0].id)
    qtbot.waitUntil(lambda: page.labs.table.rowCount() > 0, timeout=10000)
    page.lab_tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: _drawn(page.trends, pg.ScatterPlotItem) > 0, timeout=20000)
    titles = [plot.titleLabel.text for plot in page.trends.plots]
    troponin = [t for t in titles if "肌钙蛋白I" in t]
    # the data has both a conventional (ng/mL) and a high-sensitivity (ng/L) hospital
    assert len(troponin) == 2
    assert sum("（高敏）" in t for t in troponin) == 1
    # the trend opens on the hours around the report, not on years of history
    low, high = page.trends.plots[0].viewRange()[0]
    assert high - low < 5 * 86400
    window.sign_out()


def test_a_district_doctor_recognizes_city_marked_results(
    qtbot: QtBot, sandbox: Sandbox, tmp_path: Path
) -> None:
    window = signed_in_window(qtbot, sandbox, tmp_path, "dr.chen")  # 温江区人民医院
    assert window.signed is not None
    assert window.signed.here_region == "510115"
    seen_city_mark = False
    for patient_id in ("p0001", "p0002", "p0003", "p0004", "p0005"):
        page = open_patient(qtbot, window, patient_id)
        for result in page.timeline.results:
            mark = result.mark
            if mark is None or mark.scope != "city":
                continue
            eligibility = page.timeline.assessments[result.id].eligibility
            if mark.region_code == "510100":  # 成都HR covers 温江区
                seen_city_mark = True
                assert eligibility is not Eligibility.OUT_OF_REGION, result.item_name
            else:  # 绵阳HR does not
                assert eligibility is Eligibility.OUT_OF_REGION, result.item_name
    assert seen_city_mark
    window.sign_out()
