"""One flag rule on every surface: a value the hospital flagged H although it lies within
its own range, and an unflagged value above the range, read the same in the lab table, the
trend data (and the trend plot's hover text) and the printed summary: the hospital's flag
as reported, the disagreement beside it, never a silent replacement."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pytest
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from tests.test_summary_pdf import JC, MARK, PATIENT, realistic_summary
from ui.lab_flags import flag_text
from ui.lab_table import LabTable
from ui.trend_plot import TrendPlot
from workstation.labs import load_analyte_table, normalize, trend_series
from workstation.labs.flags import lab_flag
from workstation.model import Category, Interpretation, LabObservation, Result
from workstation.summary.model import SummaryItem
from workstation.summary.pdf import build_summary_pdf

pytestmark = pytest.mark.ui

CST = dt.timezone(dt.timedelta(hours=8))
TABLE = load_analyte_table()
# The hospital says H, but 5.0 is within its own 3.9-6.1 mmol/L.
FLAGGED_WITHIN = LabObservation(
    "glu-1", "葡萄糖", "14749-6", "", 5.0, "mmol/L", "mmol/L", 3.9, 6.1,
    Interpretation.HIGH, dt.datetime(2026, 2, 1, 8, 0, tzinfo=CST), hospital_id="jc",
)  # fmt: skip
# The hospital gave no flag, but 7.5 is above its own 3.9-6.1 mmol/L.
UNFLAGGED_ABOVE = LabObservation(
    "glu-2", "葡萄糖", "14749-6", "", 7.5, "mmol/L", "mmol/L", 3.9, 6.1,
    Interpretation.UNKNOWN, dt.datetime(2026, 3, 1, 8, 0, tzinfo=CST), hospital_id="jc",
)  # fmt: skip
VALUES = [FLAGGED_WITHIN, UNFLAGGED_ABOVE]
# The words on screen, in whichever language the test process runs the interface.
SCREEN = {
    "glu-1": {"↑ high (value within the reference range)", "↑ 偏高（值在参考范围内）"},
    "glu-2": {"↑? (not flagged by the hospital)", "↑?（医院未标记）"},
}


def test_table_trend_and_pdf_say_the_same(qtbot: QtBot) -> None:
    # the lab table, in reported and in normalized units
    table = LabTable()
    qtbot.addWidget(table)
    table.show_values("葡萄糖", VALUES, [normalize(TABLE, v) for v in VALUES])
    for normalized in (False, True):
        table.normalized_box.setChecked(normalized)
        shown = {v.id: table.table.item(row, 4).text() for row, v in enumerate(VALUES)}
        for oid, text in shown.items():
            assert text in SCREEN[oid], (oid, text)
    assert table.table.item(0, 4).toolTip()  # why the flag carries a remark
    assert table.table.item(0, 1).foreground().color().name() == "#c62828"  # hospital's H
    assert table.table.item(1, 1).foreground().color().name() == "#b26a00"  # questioned

    # the trend data and the trend plot's hover text
    points = {p.observation_id: p for p in trend_series(TABLE, VALUES)["GLU"]}
    plot = TrendPlot()
    qtbot.addWidget(plot)
    for row, value in enumerate(VALUES):
        point = points[value.id]
        assert point.flag == lab_flag(value)
        assert flag_text(point.flag) == table.table.item(row, 4).text()
        assert plot.point_text(point, JC.name).endswith(" · " + table.table.item(row, 4).text())

    # the printed summary: the hospital's H once, with the note; the unflagged value as
    # an arrow with "?" over 医院未标记
    result = Result(
        "rep-glu", PATIENT.id, Category.LAB, "HR-LAB-003", "血糖", "jc",
        FLAGGED_WITHIN.effective or dt.datetime.now(CST), mark=MARK,
    )  # fmt: skip
    item = SummaryItem(
        result, JC, None, labs=tuple(VALUES), normalized=tuple(normalize(TABLE, v) for v in VALUES)
    )
    summary = dataclasses.replace(
        realistic_summary(), items=(item,), trends=(("葡萄糖", tuple(points.values())),)
    )
    pdf = build_summary_pdf(summary)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    compact = "".join(text.split())
    assert compact.count("偏高") == 1  # only the hospital's own H
    assert "值在参考范围内" in compact
    assert "医院未标记" in compact
    assert "7.5?" in compact  # the trend chart's label of the questioned value
