"""What the doctor sees of lab values: troponin assays as separate series on a real time
axis, converted values with the measured precision in the table, the trend and the PDF,
units as a doctor writes them, the value beside the name, and a badge that changes when
a window ends while she looks."""

from __future__ import annotations

import datetime as dt
import re

import pypdfium2 as pdfium
import pyqtgraph as pg
import pytest
from pytestqt.qtbot import QtBot

from ui.lab_table import LabTable
from ui.timeline import COL_BADGE, TimelineWidget
from ui.trend_plot import TrendPlot, tick_label
from workstation.labs import load_analyte_table, normalize, trend_series
from workstation.labs.trends import RECENT_WINDOW, series_for, series_title, trend_window
from workstation.model import (
    Catalog,
    CatalogItem,
    Category,
    Gender,
    Hospital,
    HospitalLevel,
    Interpretation,
    LabObservation,
    Patient,
    RecognitionMark,
    Result,
)
from workstation.session.reading import ReadingSession
from workstation.summary.model import SummaryInput, SummaryItem
from workstation.summary.pdf import build_summary_pdf

pytestmark = pytest.mark.ui

TABLE = load_analyte_table()
CST = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=CST)
CDFY = Hospital("cdfy", "成都市第一人民医院", "3A", "三级甲等", "510100")
CDTF = Hospital("cdtf", "成都天府国际医院", "3B", "三级乙等", "510100")
HOSPITALS = {h.id: h for h in (CDFY, CDTF)}
_ENGLISH_MONTH = re.compile(r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec")


def _obs(
    oid: str,
    loinc: str,
    value: float,
    unit: str,
    when: dt.datetime,
    hospital: str,
    ref: tuple[float | None, float | None] = (None, None),
    name: str = "",
) -> LabObservation:
    return LabObservation(
        oid, name, loinc, "", value, unit, "", ref[0], ref[1],
        Interpretation.UNKNOWN, when, hospital_id=hospital,
    )  # fmt: skip


def _cardiac() -> list[LabObservation]:
    """A conventional cTnI at a hospital printing ng/mL, then hs-cTnI 3 h and 30 h later."""
    return [
        _obs("c1", "10839-9", 0.04, "ng/mL", T0, "cdtf", (None, 0.04), "心肌肌钙蛋白I"),
        _obs("h1", "89579-7", 35.2, "ng/L", T0 + dt.timedelta(hours=3), "cdfy", (None, 26.2)),
        _obs("h2", "89579-7", 120.0, "ng/L", T0 + dt.timedelta(hours=30), "cdfy", (None, 26.2)),
    ]


def test_troponin_assays_are_separate_series_on_a_time_axis(qtbot: QtBot) -> None:
    values = _cardiac()
    series = trend_series(TABLE, values)
    keys = series_for(TABLE, series, values[1:2], limit=6)
    assert keys == ["CTNI·高敏", "CTNI"]
    plot = TrendPlot()
    qtbot.addWidget(plot)
    plot.show_trends([(series_title(TABLE, k), series[k]) for k in keys], HOSPITALS, {"h1"})
    assert len(plot.plots) == 2
    titles = [p.titleLabel.text for p in plot.plots]
    assert "心肌肌钙蛋白I（高敏）" in titles[0]
    assert "（高敏）" not in titles[1]
    # no line joins the assays: each plot's points are of one assay only
    for p, key in zip(plot.plots, keys, strict=True):
        scatters = [i for i in p.items if isinstance(i, pg.ScatterPlotItem)]
        shown = {s.data()[0].observation_id for i in scatters for s in i.points()}
        assert shown == {pt.observation_id for pt in series[key]}
    # samples 27 h apart (3 h → 30 h) are 27 h apart on the axis
    hs = next(i for i in plot.plots[0].items if isinstance(i, pg.ScatterPlotItem))
    xs = sorted(s.pos().x() for s in hs.points())
    assert xs[1] - xs[0] == pytest.approx(27 * 3600)
    # the shared x range spans the samples, hours apart, not days of padding
    low, high = plot.plots[0].viewRange()[0]
    assert high - low < 3 * 86400


def test_time_labels_are_chinese() -> None:
    moment = dt.datetime(2026, 3, 1, 9, 0, tzinfo=CST).timestamp()
    assert tick_label(moment, 3 * 3600) == "09:00"
    assert tick_label(dt.datetime(2026, 3, 2, 0, 0, tzinfo=CST).timestamp(), 3600) == "3月2日"
    assert tick_label(moment, 86400) == "3月1日"
    assert tick_label(moment, 31 * 86400) == "3月"
    assert tick_label(dt.datetime(2026, 1, 1, tzinfo=CST).timestamp(), 31 * 86400) == "2026年1月"
    assert tick_label(moment, 366 * 86400) == "2026年"
    labels = [tick_label(moment + n * 86400 * 40, s) for n in range(12) for s in (3600, 1e7)]
    assert not any(_ENGLISH_MONTH.search(label) for label in labels)


def test_trend_legend_and_band_labels_name_each_hospital(qtbot: QtBot) -> None:
    values = _cardiac()
    series = trend_series(TABLE, values)
    plot = TrendPlot()
    qtbot.addWidget(plot)
    plot.show_trends([("hs", series["CTNI·高敏"]), ("c", series["CTNI"])], HOSPITALS, set())
    legend = plot.legend.text()
    assert "成都市第一人民医院" in legend
    assert "成都天府国际医院" in legend
    assert legend.count("▬") == 2  # one band entry per hospital, in its hue
    titles = [p.titleLabel.text for p in plot.plots]
    # each band is labelled with its hospital and range, in the hospital's hue; the
    # conventional hospital's range converted with the measured precision (0.04 ng/mL)
    hs_colour, conv_colour = (
        plot.colour_of("cdfy", ["cdfy", "cdtf"]),
        plot.colour_of("cdtf", ["cdfy", "cdtf"]),
    )
    assert f"<span style='color:{hs_colour}'>▬ 成都市第一人民医院 ≤26.2</span>" in titles[0]
    assert f"<span style='color:{conv_colour}'>▬ 成都天府国际医院 ≤40</span>" in titles[1]
    assert "成都天府国际医院" not in titles[0]


def test_a_cardiac_trend_opens_on_the_hours_around_the_report() -> None:
    old = _obs("o", "89579-7", 5.0, "ng/L", T0 - dt.timedelta(days=400), "cdfy")
    values = [old, *_cardiac()]
    points = trend_series(TABLE, values)["CTNI·高敏"]
    window = trend_window(points, {"h2"}, RECENT_WINDOW)
    assert window == (T0 + dt.timedelta(hours=3), T0 + dt.timedelta(hours=30))
    assert trend_window(points, {"h2"}, None) == (old.effective, T0 + dt.timedelta(hours=30))
    assert trend_window([], set(), None) is None


def test_tooltip_prints_the_measured_precision(qtbot: QtBot) -> None:
    creatinine = _obs("k1", "2160-0", 1.23, "mg/dL", T0, "cdtf")
    point = trend_series(TABLE, [creatinine])["CREA"][0]
    plot = TrendPlot()
    qtbot.addWidget(plot)
    text = plot.point_text(point, "成都天府国际医院")
    assert "109 µmol/L" in text
    assert "(1.23 mg/dL)" in text
    assert "108.7" not in text


def _lab_values() -> list[LabObservation]:
    return [
        _obs("u", "22664-7", 30.0, "mg/dL", T0, "cdtf", (15.0, 40.0), "尿素"),
        _obs("b", "3094-0", 14.0, "mg/dL", T0, "cdtf", (7.0, 20.0), "尿素氮"),
        _obs("k", "2160-0", 1.23, "mg/dL", T0, "cdtf", (0.57, 1.11), "肌酐"),
        _obs("a", "59261-8", 48.0, "mmol/mol", T0, "cdtf", (20.2, 42.1), "糖化血红蛋白"),
        _obs("t", "2571-8", 150.0, "mg/dL", T0, "cdtf", (None, 150.0), "甘油三酯"),
        _obs("w", "6690-2", 6.5, "10*9/L", T0, "cdtf", (3.5, 9.5), "白细胞计数"),
        _obs("g", "14749-6", 5.3, "mmol/l", T0, "cdtf", (3.9, 6.1), "葡萄糖"),
    ]


def test_table_prints_measured_precision_and_doctors_units(qtbot: QtBot) -> None:
    values = _lab_values()
    table = LabTable()
    qtbot.addWidget(table)
    table.resize(1920, 600)
    table.show()
    table.show_values("生化", values, [normalize(TABLE, v) for v in values])
    grid = table.table

    def row(column: int) -> list[str]:
        return [grid.item(r, column).text() for r in range(grid.rowCount())]

    units = row(2)
    assert units[5] == "×10⁹/L"
    assert units[6] == "mmol/L"
    table.normalized_box.setChecked(True)
    assert row(1) == ["5.0", "5.0", "109", "6.5", "1.69", "6.5", "5.3"]
    assert row(2) == ["mmol/L", "mmol/L", "µmol/L", "%", "mmol/L", "×10⁹/L", "mmol/L"]
    assert row(3)[2] == "50–98"  # 0.57–1.11 mg/dL × 88.4 = 50.4–98.1
    assert row(5)[0] == "30 mg/dL"  # the value as reported stays visible
    # the value sits next to the name at 1920 px, not across the screen
    assert grid.columnViewportPosition(1) < 320


def _summary(values: list[LabObservation]) -> SummaryInput:
    result = Result("lab1", "p1", Category.LAB, "JY003", "肾功能", "cdtf", T0,
                    mark=RecognitionMark("成都HR", "city", "510100"))  # fmt: skip
    item = SummaryItem(
        result, CDTF, None, labs=tuple(values),
        normalized=tuple(normalize(TABLE, v) for v in values),
    )  # fmt: skip
    series = trend_series(TABLE, _cardiac())
    return SummaryInput(
        hospital_name="成都市第一人民医院",
        department="心内科",
        doctor_name="王磊",
        printed_at=T0 + dt.timedelta(days=2),
        patient=Patient("p1", "张伟", Gender.MALE, dt.date(1970, 1, 1)),
        items=(item,),
        trends=tuple((series_title(TABLE, k), tuple(series[k])) for k in ("CTNI·高敏", "CTNI")),
        hospitals=HOSPITALS,
    )


def test_pdf_prints_the_same_precision_and_units() -> None:
    pdf = pdfium.PdfDocument(build_summary_pdf(_summary(_lab_values())))
    text = "\n".join(page.get_textpage().get_text_range() for page in pdf)
    # (the PDF sets "×10⁹/L" with a superscript 9, which text extraction reads as "×109")
    for expected in ("5.0 mmol/L", "109 µmol/L", "6.5 %", "1.69 mmol/L", "6.5 ×10"):
        assert expected in text, expected
    for false_precision in ("108.7", "6.54", "1.693", "4.99", "10*9"):
        assert false_precision not in text, false_precision
    assert "心肌肌钙蛋白I（高敏）" in text  # the assays print as two trends


def test_a_badge_changes_when_its_window_ends_while_she_looks(qtbot: QtBot) -> None:
    catalog = Catalog(
        "t", (CatalogItem("JY008", "心肌标志物", Category.LAB, 4, "2B", (), 360.0),), (),
        (HospitalLevel("3A", "三级甲等", 5), HospitalLevel("2B", "二级乙等", 2)),
    )  # fmt: skip
    session = ReadingSession()
    timeline = TimelineWidget(session)
    qtbot.addWidget(timeline)
    now = dt.datetime.now(dt.UTC)
    timeline.set_context(HOSPITALS, catalog, "510115", now)  # a doctor in 温江区
    session.open_patient(Patient("p1", "张伟", Gender.MALE, None))
    # sampled 4 h minus 1.5 s ago at a city hospital with the city's mark
    effective = now - dt.timedelta(hours=4) + dt.timedelta(seconds=1.5)
    result = Result("r1", "p1", Category.LAB, "JY008", "心肌标志物", "cdfy", effective,
                    mark=RecognitionMark("成都HR", "city", "510100"))  # fmt: skip
    session.add_results(session.patient_scope, [result])
    assert timeline.select("r1")

    def badge() -> str:
        return str(timeline.table.currentIndex().siblingAtColumn(COL_BADGE).data() or "")

    assert badge() == "Valid (valid for 4 h, 3 h elapsed)"
    assert timeline.badge_timer.isActive()
    qtbot.waitUntil(lambda: badge().startswith("Expired"), timeout=5000)
    assert badge() == "Expired (valid for 4 h, 4 h elapsed)"


def test_a_long_title_never_pushes_the_newest_point_off_a_narrow_pane(qtbot: QtBot) -> None:
    long_names = {
        h.id: Hospital(h.id, h.name + "（某某区域医疗中心总院本部）", h.level_code, h.level_name)
        for h in (CDFY, CDTF)
    }
    values = [
        _obs("a", "89579-7", 20.0, "ng/L", T0, "cdfy", (None, 26.2)),
        _obs("b", "89579-7", 30.0, "ng/L", T0 + dt.timedelta(hours=5), "cdtf", (None, 25.8)),
    ]
    series = trend_series(TABLE, values)
    plot = TrendPlot()
    qtbot.addWidget(plot)
    plot.resize(420, 400)
    plot.show()
    plot.show_trends([("hs", series["CTNI·高敏"])], long_names, {"b"})
    qtbot.waitUntil(lambda: plot.graphics.width() > 0, timeout=2000)
    qtbot.wait(50)
    view_width = plot.graphics.viewport().width()
    (shown,) = plot.plots
    assert shown.titleLabel.itemRect().width() > view_width  # the title alone is wider
    assert plot.graphics.ci.boundingRect().width() <= view_width + 1
    # the newest point (the reviewed value) is inside what the view shows
    newest = (T0 + dt.timedelta(hours=5)).timestamp()
    scene_x = shown.vb.mapViewToScene(pg.Point(newest, 30.0)).x()
    assert 0 <= plot.graphics.mapFromScene(pg.Point(scene_x, 0)).x() <= view_width


def test_values_before_the_opened_window_are_announced(qtbot: QtBot) -> None:
    old = _obs("o", "89579-7", 5.0, "ng/L", T0 - dt.timedelta(days=400), "cdfy")
    points = trend_series(TABLE, [old, *_cardiac()])["CTNI·高敏"]
    plot = TrendPlot()
    qtbot.addWidget(plot)
    plot.show_trends(
        [("hs", points)], HOSPITALS, {"h2"}, trend_window(points, {"h2"}, RECENT_WINDOW)
    )
    assert not plot.earlier.isHidden()
    assert "1" in plot.earlier.text()
    plot.show_trends([("hs", points)], HOSPITALS, {"h2"}, trend_window(points, {"h2"}, None))
    assert plot.earlier.isHidden()
