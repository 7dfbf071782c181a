"""The printed review summary as a PDF (reportlab), with its fonts embedded.

Chinese text is set in Droid Sans Fallback (``resources/fonts``), which has no Latin letters
or digits; those are set in Bitstream Vera, which ships with reportlab. Every piece of text
is split into runs by which font has its characters (``_runs``), for paragraphs and for
text drawn directly on the page alike, so nothing relies on a font of the machine. The
page header and footer (page "n of m", verification code and its QR code) are drawn when
the document is saved, once the number of pages is known.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from xml.sax.saxutils import escape

import reportlab  # type: ignore[import-untyped, unused-ignore]
from reportlab.graphics.barcode.qr import (  # type: ignore[import-untyped, unused-ignore]
    QrCodeWidget,
)
from reportlab.lib import colors  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.pagesizes import A4, LETTER  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.units import mm as _reportlab_mm  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.utils import ImageReader  # type: ignore[import-untyped, unused-ignore]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped, unused-ignore]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped, unused-ignore]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped, unused-ignore]
from reportlab.platypus import (  # type: ignore[import-untyped, unused-ignore]
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from workstation.clock import CHINA
from workstation.labs.flags import LabFlag, RangeCheck, lab_flag
from workstation.labs.normalize import NormalizedValue
from workstation.labs.shown import converted_texts, reported_texts
from workstation.labs.trends import TrendPoint
from workstation.labs.units import display_unit
from workstation.model import (
    Category,
    Gender,
    Hospital,
    Interpretation,
    LabObservation,
    Result,
)
from workstation.recognition.decisions import (
    Decision,
    DecisionKind,
    accepted_against_rules,
    origin_phrase,
    record_sentence,
)
from workstation.redact import mask_id_card
from workstation.session.timeline_sources import RowSource
from workstation.sources.base import SourceKind
from workstation.summary.model import KeyImage, SummaryInput, SummaryItem, verification_code
from workstation.summary.people import decided_by, record_numbers
from workstation.summary.time_axis import AxisLabel, lay_out

__all__ = ["CJK_FONT_FILE", "FONT_DIRECTORY", "TITLE", "build_summary_pdf"]

FONT_DIRECTORY = Path(__file__).resolve().parents[2] / "resources" / "fonts"
CJK_FONT_FILE = FONT_DIRECTORY / "DroidSansFallbackFull.ttf"
_LATIN_DIRECTORY = Path(reportlab.__file__).resolve().parent / "fonts"

TITLE = "检查检验结果互认审阅摘要"

_MM = float(_reportlab_mm)  # points per millimetre
_CHINA = CHINA
_CJK = "HRSummary-CJK"
_LATIN = "HRSummary-Latin"
_LATIN_BOLD = "HRSummary-LatinBold"
_SUPER_SCALE = 0.7

_INK = colors.HexColor("#1a1a1a")
_GREY = colors.HexColor("#616161")
_LIGHT = colors.HexColor("#bdbdbd")
_RULE = colors.HexColor("#9e9e9e")
_HEAD_FILL = colors.HexColor("#eceff1")
_ABNORMAL = colors.HexColor("#c62828")
_ABNORMAL_FILL = colors.HexColor("#fdecea")
# A value outside the hospital's range that the hospital did not flag: amber, never its red.
_QUESTIONED = colors.HexColor("#b26a00")
_QUESTIONED_HEX = "#b26a00"
_BAND_FILL = colors.HexColor("#e8f5e9")

_PAGE_SIZES: dict[str, tuple[float, float]] = {"A4": A4, "Letter": LETTER}
_MARGIN_X = 16 * _MM
_MARGIN_TOP = 24 * _MM
_MARGIN_BOTTOM = 27 * _MM
_QR_SIZE = 16 * _MM
_KEY_IMAGE_MAX_HEIGHT = 100 * _MM
_PAPER_MAX_WIDTH, _PAPER_MAX_HEIGHT = 60 * _MM, 80 * _MM  # the thumbnail of a paper report

_GENDER = {Gender.MALE: "男", Gender.FEMALE: "女", Gender.OTHER: "其他", Gender.UNKNOWN: "未知"}
_CATEGORY = {Category.LAB: "检验", Category.IMAGING: "检查", Category.OTHER: "其他"}
_DATE_LABEL = {Category.LAB: "检验日期", Category.IMAGING: "检查日期", Category.OTHER: "日期"}
_SCOPE = {"national": "全国", "province": "省级", "city": "市级", "alliance": "医联体"}
_DECISION_WORD = {
    DecisionKind.ACCEPTED: "互认",
    DecisionKind.REPEAT_ORDERED: "重新检查",
    DecisionKind.WITHDRAWN: "已撤销",
}
_NO_DECISION = "未作结论"
_DECISION_HEX = {
    DecisionKind.ACCEPTED: "#2e7d32",
    DecisionKind.REPEAT_ORDERED: "#e65100",
    DecisionKind.WITHDRAWN: "#616161",
}
_NO_DECISION_HEX = "#757575"
# (arrow direction, number of arrows, word) of each flag the hospital can give.
_FLAG_MARKS: dict[Interpretation, tuple[int, int, str]] = {
    Interpretation.HIGH: (1, 1, "偏高"),
    Interpretation.LOW: (-1, 1, "偏低"),
    Interpretation.CRITICAL_HIGH: (1, 2, "危急高值"),
    Interpretation.CRITICAL_LOW: (-1, 2, "危急低值"),
    Interpretation.ABNORMAL: (0, 0, "异常"),
}
# Where the hospital's own range reads the value differently from its flag (lab_flag).
_RANGE_NOTE = {
    RangeCheck.WITHIN_RANGE: "值在参考范围内",
    RangeCheck.ABOVE_RANGE: "值高于参考范围",
    RangeCheck.BELOW_RANGE: "值低于参考范围",
}
_QUESTIONED_WORD = {Interpretation.NORMAL: "医院标记正常", Interpretation.UNKNOWN: "医院未标记"}
_FLAG_FOOTNOTE = (
    "注：“提示”按医院报告原样显示；按该院参考范围计算与之不符时另行注明，"
    "“?”表示数值超出该院参考范围而医院未标记异常。"
)
_PROBLEM_TEXT = {"unknown_unit": "单位无法识别", "unknown_analyte": "未收录", "no_value": "—"}
# Hospital colours and marker shapes on trend charts (shapes tell them apart in grey print).
_PALETTE = tuple(
    colors.HexColor(c)
    for c in ("#1565c0", "#ef6c00", "#2e7d32", "#6a1b9a", "#00838f", "#8d6e63", "#ad1457")
)
_SHAPES = ("circle", "square", "triangle", "diamond")

Anchor = Literal["start", "middle", "end"]


# --- fonts and mixed-script text --------------------------------------------------------


@dataclass(frozen=True)
class _Coverage:
    """The characters each embedded font has."""

    cjk: frozenset[int]
    latin: frozenset[int]


@functools.cache
def _fonts() -> _Coverage:
    """Register the embedded fonts with reportlab (once) and return what they cover."""
    latin_file, bold_file = _LATIN_DIRECTORY / "Vera.ttf", _LATIN_DIRECTORY / "VeraBd.ttf"
    for path in (CJK_FONT_FILE, latin_file, bold_file):
        if not path.is_file():
            raise FileNotFoundError(f"font file not found: {path}")
    cjk = TTFont(_CJK, str(CJK_FONT_FILE))
    latin = TTFont(_LATIN, str(latin_file))
    for font in (cjk, latin, TTFont(_LATIN_BOLD, str(bold_file))):
        pdfmetrics.registerFont(font)
    pdfmetrics.registerFontFamily(_CJK, normal=_CJK, bold=_CJK, italic=_CJK, boldItalic=_CJK)
    pdfmetrics.registerFontFamily(
        _LATIN, normal=_LATIN, bold=_LATIN_BOLD, italic=_LATIN, boldItalic=_LATIN_BOLD
    )
    return _Coverage(frozenset(cjk.face.charToGlyph), frozenset(latin.face.charToGlyph))


# Characters neither font has, with a printable stand-in in the Latin font.
_STAND_INS = {"μ": "µ", "↑": "^", "↓": "v"}


@dataclass(frozen=True)
class _Run:
    """A piece of text set in one font."""

    text: str
    latin: bool
    superscript: bool = False


@functools.lru_cache(maxsize=8192)
def _place(char: str) -> _Run:
    """Which font sets ``char`` (and as what: "⁹" is a superscript "9", "℃" is "°C")."""
    fonts = _fonts()
    stand_in = _STAND_INS.get(char)
    if stand_in is not None:
        return _Run(stand_in, latin=True)
    if ord(char) in fonts.latin:
        return _Run(char, latin=True)
    if ord(char) in fonts.cjk:
        return _Run(char, latin=False)
    folded = unicodedata.normalize("NFKC", char)
    if folded != char:
        superscript = unicodedata.decomposition(char).startswith("<super>")
        if all(ord(c) in fonts.latin for c in folded):
            return _Run(folded, latin=True, superscript=superscript)
        if all(ord(c) in fonts.cjk for c in folded):
            return _Run(folded, latin=False)
    return _Run(char, latin=True)  # no font has it: the Latin font's missing-glyph box


def _runs(text: str) -> list[_Run]:
    """``text`` split into runs of one font each (white space joins the run before it)."""
    runs: list[_Run] = []
    pieces: list[list[str]] = []
    for char in text:
        place = _place(char)
        if runs and (
            char.isspace()
            or (runs[-1].latin == place.latin and runs[-1].superscript == place.superscript)
        ):
            pieces[-1].append(place.text)
            continue
        runs.append(place)
        pieces.append([place.text])
    return [_Run("".join(p), r.latin, r.superscript) for r, p in zip(runs, pieces, strict=True)]


def _font_of(run: _Run, bold: bool) -> str:
    if run.latin:
        return _LATIN_BOLD if bold else _LATIN
    return _CJK


def _markup(text: str, *, bold: bool = False, colour: str = "") -> str:
    """Paragraph markup of plain ``text`` with each run in the font that has it."""
    parts: list[str] = []
    for run in _runs(text):
        body = escape(run.text).replace("\n", "<br/>")
        if run.superscript:
            body = f"<super>{body}</super>"
        if run.latin:
            body = f'<font name="{_font_of(run, bold)}">{body}</font>'
        parts.append(body)
    joined = "".join(parts)
    return f'<font color="{colour}">{joined}</font>' if colour else joined


def _text_width(text: str, size: float, *, bold: bool = False) -> float:
    """Width of ``text`` as ``_draw_text`` sets it, in points."""
    return sum(
        float(
            pdfmetrics.stringWidth(
                run.text, _font_of(run, bold), size * _SUPER_SCALE if run.superscript else size
            )
        )
        for run in _runs(text)
    )


def _draw_text(
    canvas: Any,
    x: float,
    y: float,
    text: str,
    size: float,
    *,
    bold: bool = False,
    colour: Any = _INK,
    anchor: Anchor = "start",
) -> float:
    """Draw one line of mixed-script text with its baseline at ``y``; returns its width.

    Bold Latin text uses the bold face; the Chinese font has none, so bold Chinese is
    stroked as well as filled.
    """
    width = _text_width(text, size, bold=bold)
    if anchor == "end":
        x -= width
    elif anchor == "middle":
        x -= width / 2
    canvas.saveState()
    canvas.setFillColor(colour)
    canvas.setStrokeColor(colour)
    canvas.setLineWidth(size * 0.035)
    line = canvas.beginText(x, y)
    for run in _runs(text):
        line.setFont(_font_of(run, bold), size * _SUPER_SCALE if run.superscript else size)
        line.setRise(size * 0.35 if run.superscript else 0)
        line.setTextRenderMode(2 if bold and not run.latin else 0)
        line.textOut(run.text)
    canvas.drawText(line)
    canvas.restoreState()
    return width


def _fit(text: str, size: float, width: float, *, bold: bool = False) -> str:
    """``text``, shortened with "…" if it is wider than ``width``."""
    if _text_width(text, size, bold=bold) <= width:
        return text
    while text and _text_width(text + "…", size, bold=bold) > width:
        text = text[:-1]
    return text + "…"


# --- paragraph styles and small formatters ----------------------------------------------


def _style(name: str, size: float, **extra: Any) -> Any:
    settings: dict[str, Any] = {
        "fontName": _CJK,
        "fontSize": size,
        "leading": size * 1.38,
        "textColor": _INK,
        "wordWrap": "CJK",
    }
    return ParagraphStyle(name, **(settings | extra))


@functools.cache
def _styles() -> dict[str, Any]:
    _fonts()
    return {
        "body": _style("hr-body", 9),
        "label": _style("hr-label", 8.5, textColor=_GREY),
        "cell": _style("hr-cell", 8.5),
        "head": _style("hr-head", 8.5, textColor=_GREY),
        "small": _style("hr-small", 8, textColor=_GREY),
        "caption": _style("hr-caption", 8.5, alignment=1),
        "sign": _style("hr-sign", 10.5, leading=16),
    }


def _para(text: str, style: str = "body", *, bold: bool = False, colour: str = "") -> Any:
    return Paragraph(_markup(text, bold=bold, colour=colour), _styles()[style])


def _china(moment: dt.datetime, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """``moment`` in China time (naive times are taken as China time)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_CHINA)
    return moment.astimezone(_CHINA).strftime(fmt)


def _number(value: float, significant: int = 6) -> str:
    """``value`` with at most ``significant`` significant digits, never in exponent form."""
    if not math.isfinite(value):
        return "—"
    if value == 0:
        return "0"
    exponent = math.floor(math.log10(abs(value)))
    decimals = max(0, significant - 1 - exponent)
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _hospital_text(hospital: Hospital | None, fallback_id: str) -> str:
    if hospital is None:
        return fallback_id or "—"
    level = hospital.level_name or hospital.level_code
    return f"{hospital.name}（{level}）" if level else hospital.name


def _decision_word(decision: Decision | None) -> str:
    return _NO_DECISION if decision is None else _DECISION_WORD[decision.kind]


def _verdict_text(decision: Decision | None) -> str:
    """The decision as its item's table says it: an acceptance against the rules says so."""
    against = accepted_against_rules(decision) if decision is not None else ""
    word = _decision_word(decision)
    return f"{word}（{against}，医师判断采纳）" if against else word


def _decision_hex(decision: Decision | None) -> str:
    return _NO_DECISION_HEX if decision is None else _DECISION_HEX[decision.kind]


# --- flowables --------------------------------------------------------------------------


class _Line(Flowable):  # type: ignore[misc, unused-ignore]
    """One line of text (bold or not), shortened to fit, with an optional rule under it."""

    def __init__(
        self,
        text: str,
        size: float,
        *,
        bold: bool = True,
        anchor: Anchor = "start",
        rule: bool = False,
        space_before: float = 0,
    ) -> None:
        super().__init__()
        self._text, self._size, self._bold = text, size, bold
        self._anchor: Anchor = anchor
        self._rule = rule
        self.spaceBefore = space_before
        self._width = 0.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self._width = available_width
        return available_width, self._size * 1.45 + (3 if self._rule else 0)

    def draw(self) -> None:
        canvas = self.canv
        x = {"start": 0.0, "middle": self._width / 2, "end": self._width}[self._anchor]
        baseline = 3 + self._size * 0.35 if self._rule else self._size * 0.3
        text = _fit(self._text, self._size, self._width, bold=self._bold)
        _draw_text(canvas, x, baseline, text, self._size, bold=self._bold, anchor=self._anchor)
        if self._rule:
            canvas.setStrokeColor(_RULE)
            canvas.setLineWidth(0.6)
            canvas.line(0, 0.5, self._width, 0.5)


class _HeadingBar(Flowable):  # type: ignore[misc, unused-ignore]
    """An item's heading: number and name on a tinted bar, the decision on the right."""

    _HEIGHT = 17.0

    def __init__(self, text: str, decision: str, colour: Any) -> None:
        super().__init__()
        self._text, self._decision, self._colour = text, decision, colour
        self._width = 0.0
        self.spaceBefore = 8

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self._width = available_width
        return available_width, self._HEIGHT

    def draw(self) -> None:
        canvas = self.canv
        canvas.setFillColor(_HEAD_FILL)
        canvas.rect(0, 0, self._width, self._HEIGHT, stroke=0, fill=1)
        canvas.setFillColor(self._colour)
        canvas.rect(0, 0, 3, self._HEIGHT, stroke=0, fill=1)
        badge = _text_width(self._decision, 10, bold=True) + 12
        canvas.roundRect(self._width - badge - 3, 2.5, badge, self._HEIGHT - 5, 3, stroke=0, fill=1)
        _draw_text(
            canvas,
            self._width - 3 - badge / 2,
            5.6,
            self._decision,
            10,
            bold=True,
            colour=colors.white,
            anchor="middle",
        )
        text = _fit(self._text, 10.5, self._width - badge - 20, bold=True)
        _draw_text(canvas, 8, 5.2, text, 10.5, bold=True)


def _has_mark(flag: LabFlag) -> bool:
    """Whether the 提示 cell shows something for ``flag``."""
    return flag.reported in _FLAG_MARKS or flag.questioned


class _FlagMark(Flowable):  # type: ignore[misc, unused-ignore]
    """The 提示 cell: drawn arrows (the embedded fonts have none) and a word. The hospital's
    flag in red as reported, with a grey note under it where its range reads the value
    otherwise; an unflagged value outside the range as an amber arrow with "?" over
    "医院未标记" (or "医院标记正常")."""

    _NOTE_LINE = 9.0

    def __init__(self, flag: LabFlag) -> None:
        super().__init__()
        if flag.reported in _FLAG_MARKS:
            self._direction, self._arrows, self._word = _FLAG_MARKS[flag.reported]
            self._colour, self._note_colour = _ABNORMAL, _GREY
            self._note = _RANGE_NOTE.get(flag.check, "")
        else:
            self._direction, self._arrows, self._word = flag.direction, 1, "?"
            self._colour = self._note_colour = _QUESTIONED
            self._note = _QUESTIONED_WORD.get(flag.reported, "医院未标记")

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        width = 6.5 * self._arrows + _text_width(self._word, 8.5) + 3
        if self._note:
            width = max(width, _text_width(self._note, 7) + 1)
        return min(available_width, width), 11 + (self._NOTE_LINE if self._note else 0)

    def draw(self) -> None:
        canvas = self.canv
        if self._note:
            _draw_text(canvas, 0, 1.2, self._note, 7, colour=self._note_colour)
            canvas.translate(0, self._NOTE_LINE)
        canvas.setFillColor(self._colour)
        canvas.setStrokeColor(self._colour)
        canvas.setLineWidth(1.1)
        for index in range(self._arrows):
            middle = 2.6 + index * 6.5
            bottom, top = 0.5, 9.0
            tip, base = (top, top - 3.6) if self._direction > 0 else (bottom, bottom + 3.6)
            canvas.line(middle, bottom if self._direction > 0 else top, middle, base)
            path = canvas.beginPath()
            path.moveTo(middle - 2.6, base)
            path.lineTo(middle + 2.6, base)
            path.lineTo(middle, tip)
            path.close()
            canvas.drawPath(path, stroke=0, fill=1)
        x = 6.5 * self._arrows + (2 if self._arrows else 0)
        _draw_text(canvas, x, 1.6, self._word, 8.5, colour=self._colour)


_BAR_LENGTHS_MM = (1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0)


class _KeyImageFigure(Flowable):  # type: ignore[misc, unused-ignore]
    """A key image, scaled to the frame (aspect kept), with a scale bar or "未校准" under it."""

    _BAR_ROW = 15.0

    def __init__(self, image: KeyImage, max_height: float) -> None:
        super().__init__()
        self._reader = ImageReader(io.BytesIO(image.png))
        self._pixels_w, self._pixels_h = self._reader.getSize()
        if self._pixels_w <= 0 or self._pixels_h <= 0:
            raise ValueError(f"key image of {image.result_id} has no pixels")
        self._spacing = image.pixel_spacing_mm
        self._max_height = max_height
        self._width = self._shown_w = self._shown_h = 0.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        scale = min(available_width / self._pixels_w, self._max_height / self._pixels_h)
        self._width = available_width
        self._shown_w, self._shown_h = self._pixels_w * scale, self._pixels_h * scale
        return available_width, self._shown_h + self._BAR_ROW

    def draw(self) -> None:
        canvas = self.canv
        left = (self._width - self._shown_w) / 2
        canvas.drawImage(self._reader, left, self._BAR_ROW, self._shown_w, self._shown_h)
        canvas.setStrokeColor(_LIGHT)
        canvas.setLineWidth(0.5)
        canvas.rect(left, self._BAR_ROW, self._shown_w, self._shown_h, stroke=1, fill=0)
        spacing = self._spacing
        if spacing is None or not math.isfinite(spacing) or spacing <= 0:
            _draw_text(canvas, left, 4, "比例尺：未校准", 8, colour=_GREY)
            return
        points_per_mm = self._shown_w / self._pixels_w / spacing
        fitting = [n for n in _BAR_LENGTHS_MM if n * points_per_mm <= self._shown_w * 0.3]
        if not fitting:
            _draw_text(canvas, left, 4, "比例尺：像素间距过大，无法标注", 8, colour=_GREY)
            return
        length_mm = fitting[-1]
        length = length_mm * points_per_mm
        canvas.setStrokeColor(_INK)
        canvas.setFillColor(_INK)
        canvas.rect(left, 5, length, 2.2, stroke=0, fill=1)
        canvas.setLineWidth(0.8)
        for x in (left, left + length):
            canvas.line(x, 3, x, 10)
        _draw_text(canvas, left + length + 4, 4, f"{_number(length_mm)} mm", 8)


@dataclass(frozen=True)
class _Legend:
    """A trend legend entry: a hospital's colour, marker shape and name."""

    colour: Any
    shape: str
    name: str


def _marker(canvas: Any, shape: str, x: float, y: float, radius: float, colour: Any) -> None:
    canvas.setFillColor(colour)
    canvas.setStrokeColor(colors.white)
    canvas.setLineWidth(0.5)
    if shape == "circle":
        canvas.circle(x, y, radius, stroke=1, fill=1)
        return
    path = canvas.beginPath()
    if shape == "square":
        r = radius * 0.9
        corners = [(x - r, y - r), (x + r, y - r), (x + r, y + r), (x - r, y + r)]
    elif shape == "triangle":
        r = radius * 1.2
        corners = [(x - r, y - r * 0.8), (x + r, y - r * 0.8), (x, y + r)]
    else:
        r = radius * 1.25
        corners = [(x, y - r), (x + r, y), (x, y + r), (x - r, y)]
    path.moveTo(*corners[0])
    for corner in corners[1:]:
        path.lineTo(*corner)
    path.close()
    canvas.drawPath(path, stroke=1, fill=1)


def _nice_ticks(low: float, high: float, count: int = 5) -> tuple[list[float], int]:
    """Round tick values covering [low, high], and the decimals to print them with."""
    if not high > low:
        pad = max(abs(low) * 0.1, 1.0)
        low, high = low - pad, high + pad
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    steps = math.ceil(high / step - 1e-9) - math.floor(low / step)
    ticks = [start + i * step for i in range(max(steps, 1) + 1)]
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    if round(step / 10**-decimals, 6) % 1:
        decimals += 1
    return ticks, decimals


class _TrendChart(Flowable):  # type: ignore[misc, unused-ignore]
    """One analyte's values over time: points coloured (and shaped) by hospital, a legend."""

    _PLOT_HEIGHT = 46 * _MM
    _TITLE_ROW = 22.0
    _AXIS_LINE = 8.0  # one line of an x label
    _LEADER = 8.0  # from a tick down to its label (slanted where the label moved aside)
    _LEGEND_ROW = 12.0
    _LEFT = 36.0
    _RIGHT = 12.0

    def __init__(
        self, title: str, points: Sequence[TrendPoint], legends: Mapping[str, _Legend]
    ) -> None:
        super().__init__()
        self._points = sorted(points, key=lambda p: (p.time, p.observation_id))
        unit = display_unit(self._points[0].unit) if self._points else ""
        self._title = f"{title}（{unit}）" if unit else title
        self._legends = legends
        self._width = 0.0
        self._legend_rows: list[list[tuple[float, _Legend]]] = []
        self._labels: list[AxisLabel] = []
        self._band = self._shared_range()

    def _shared_range(self) -> tuple[float | None, float | None] | None:
        ranges = {(p.ref_low, p.ref_high) for p in self._points}
        if len(ranges) != 1:
            return None
        (low, high) = next(iter(ranges))
        return None if low is None and high is None else (low, high)

    def _entries(self) -> list[_Legend]:
        seen: dict[str, _Legend] = {}
        for point in self._points:
            seen.setdefault(point.hospital_id, self._legends[point.hospital_id])
        entries = list(seen.values())
        if self._band is not None:
            entries.append(_Legend(_BAND_FILL, "band", "参考范围"))
        return entries

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self._width = available_width
        rows: list[list[tuple[float, _Legend]]] = [[]]
        x = self._LEFT
        for entry in self._entries():
            width = 14 + _text_width(entry.name, 8) + 12
            if rows[-1] and x + width > available_width:
                rows.append([])
                x = self._LEFT
            rows[-1].append((x, entry))
            x += width
        self._legend_rows = rows
        self._labels = self._x_labels()
        height = self._TITLE_ROW + self._PLOT_HEIGHT + self._axis_height()
        return available_width, height + self._LEGEND_ROW * len(rows) + 4

    def _time_range(self) -> tuple[float, float]:
        """The first and last moment of the x axis (timestamps), padded past the points."""
        times = [p.time.timestamp() for p in self._points]
        t_low, t_high = min(times), max(times)
        pad = max((t_high - t_low) * 0.06, 43200.0)
        return t_low - pad, t_high + pad

    def _x_of(self, moment: float) -> float:
        t_low, t_high = self._time_range()
        right = self._width - self._RIGHT
        return self._LEFT + (moment - t_low) / (t_high - t_low) * (right - self._LEFT)

    def _x_labels(self) -> list[AxisLabel]:
        """The dates (and times where two points share a day) under the axis, none over
        another."""
        xs = [self._x_of(p.time.timestamp()) for p in self._points]
        times = [p.time for p in self._points]
        return lay_out(xs, times, lambda text: _text_width(text, 7), 0.0, self._width)

    def _axis_height(self) -> float:
        lines = max((len(label.lines) for label in self._labels), default=1)
        return self._LEADER + lines * self._AXIS_LINE + 2.0

    def draw(self) -> None:
        canvas = self.canv
        legend_height = self._LEGEND_ROW * len(self._legend_rows) + 4
        bottom = legend_height + self._axis_height()
        top = bottom + self._PLOT_HEIGHT
        left, right = self._LEFT, self._width - self._RIGHT
        _draw_text(canvas, 0, top + 11, _fit(self._title, 9.5, self._width), 9.5, bold=True)
        self._draw_legend(canvas)
        if not self._points:
            _draw_text(canvas, (left + right) / 2, (bottom + top) / 2, "无数值", 9, anchor="middle")
            return

        values = [p.value for p in self._points]
        if self._band is not None:
            values += [v for v in self._band if v is not None]
        ticks, decimals = _nice_ticks(min(values), max(values))
        y_low, y_high = ticks[0], ticks[-1]

        def y_of(value: float) -> float:
            return bottom + (value - y_low) / (y_high - y_low) * (top - bottom)

        times = [p.time.timestamp() for p in self._points]
        x_of = self._x_of

        if self._band is not None:
            low = y_low if self._band[0] is None else max(self._band[0], y_low)
            high = y_high if self._band[1] is None else min(self._band[1], y_high)
            canvas.setFillColor(_BAND_FILL)
            canvas.rect(left, y_of(low), right - left, y_of(high) - y_of(low), stroke=0, fill=1)
        canvas.setLineWidth(0.4)
        for tick in ticks:
            canvas.setStrokeColor(_LIGHT if tick not in (y_low,) else _RULE)
            canvas.line(left, y_of(tick), right, y_of(tick))
            _draw_text(canvas, left - 4, y_of(tick) - 2.5, f"{tick:.{decimals}f}", 7, anchor="end")
        canvas.setStrokeColor(_RULE)
        canvas.line(left, bottom, left, top)

        canvas.setStrokeColor(_RULE)
        for moment in times:
            canvas.line(x_of(moment), bottom, x_of(moment), bottom - 2.5)
        self._draw_x_labels(canvas, bottom)

        canvas.setStrokeColor(_RULE)
        canvas.setLineWidth(0.8)
        path = canvas.beginPath()
        path.moveTo(x_of(times[0]), y_of(values[0]))
        for moment, point in zip(times[1:], self._points[1:], strict=True):
            path.lineTo(x_of(moment), y_of(point.value))
        canvas.drawPath(path, stroke=1, fill=0)
        label_values = len(self._points) <= 14
        for moment, point in zip(times, self._points, strict=True):
            legend = self._legends[point.hospital_id]
            x, y = x_of(moment), y_of(point.value)
            _marker(canvas, legend.shape, x, y, 3.2, legend.colour)
            abnormal, questioned = point.flag.flagged, point.flag.questioned
            if label_values or abnormal or questioned:
                _draw_text(
                    canvas,
                    x,
                    y + 5.5,
                    point.value_text + ("?" if questioned else ""),
                    6.5,
                    bold=abnormal or questioned,
                    colour=_ABNORMAL if abnormal else _QUESTIONED if questioned else _INK,
                    anchor="middle",
                )

    def _draw_x_labels(self, canvas: Any, bottom: float) -> None:
        """Each label under its tick; one moved aside hangs from a thin leader."""
        top = bottom - self._LEADER
        for label in self._labels:
            if abs(label.x - label.tick) > 0.5:
                canvas.setStrokeColor(_GREY)
                canvas.setLineWidth(0.3)
                canvas.line(label.tick, bottom - 2.5, label.x, top + 1.0)
            for n, line in enumerate(label.lines):
                y = top - 6.0 - n * self._AXIS_LINE
                _draw_text(canvas, label.x, y, line, 7, colour=_GREY, anchor="middle")

    def _draw_legend(self, canvas: Any) -> None:
        for row_index, row in enumerate(self._legend_rows):
            y = self._LEGEND_ROW * (len(self._legend_rows) - row_index - 1) + 5
            for x, entry in row:
                if entry.shape == "band":
                    canvas.setFillColor(entry.colour)
                    canvas.setStrokeColor(_LIGHT)
                    canvas.rect(x, y - 1, 10, 7, stroke=1, fill=1)
                else:
                    _marker(canvas, entry.shape, x + 5, y + 2.5, 3.2, entry.colour)
                _draw_text(canvas, x + 14, y, entry.name, 8)


# --- page decoration (two passes: drawn once the page count is known) -------------------


@dataclass(frozen=True)
class _PageDecor:
    """What every page carries in its header and footer."""

    hospital: str
    department: str
    doctor: str
    printed: str
    patient: str
    code: str
    page_size: tuple[float, float]

    def draw(self, canvas: Any, page: int, total: int, qr_form: str) -> None:
        width, height = self.page_size
        left, right = _MARGIN_X, width - _MARGIN_X
        top = height - 11 * _MM
        canvas.saveState()
        used = _draw_text(canvas, left, top, self.hospital, 10.5, bold=True)
        _draw_text(canvas, left + used + 8, top, self.department, 9.5)
        _draw_text(canvas, right, top, f"打印时间：{self.printed}（北京时间）", 8.5, anchor="end")
        second = top - 5.5 * _MM
        _draw_text(canvas, left, second, f"审阅医师：{self.doctor}", 8.5, colour=_GREY)
        _draw_text(canvas, right, second, f"患者：{self.patient}", 8.5, anchor="end")
        canvas.setStrokeColor(_RULE)
        canvas.setLineWidth(0.6)
        canvas.line(left, height - 19 * _MM, right, height - 19 * _MM)

        canvas.line(left, 24 * _MM, right, 24 * _MM)
        canvas.saveState()
        canvas.translate(left, 6 * _MM)
        canvas.doForm(qr_form)
        canvas.restoreState()
        text_x = left + _QR_SIZE + 4 * _MM
        _draw_text(canvas, text_x, 15.5 * _MM, f"验证码：{self.code}", 10, bold=True)
        _draw_text(
            canvas, text_x, 10.5 * _MM, f"{TITLE} · 打印时间 {self.printed}", 7.5, colour=_GREY
        )
        _draw_text(canvas, right, 12 * _MM, f"第 {page} 页 / 共 {total} 页", 9, anchor="end")
        canvas.restoreState()


class _NumberedCanvas(Canvas):  # type: ignore[misc, unused-ignore]
    """A canvas that keeps its pages until saved, then decorates each with "n of m"."""

    def __init__(self, *args: Any, decor: _PageDecor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._decor = decor
        self._held_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held_pages)
        form = "hrVerificationQR"
        for page, state in enumerate(self._held_pages, start=1):
            self.__dict__.update(state)
            if page == 1:
                self._define_qr(form)
            self._decor.draw(self, page, total, form)
            super().showPage()
        super().save()

    def _define_qr(self, form: str) -> None:
        """The QR code of the verification code as a form drawn on every page.

        The widget's modules are drawn as plain rectangles (renderPDF would add a
        non-embedded Helvetica to the page's fonts).
        """
        widget = QrCodeWidget(
            self._decor.code, barWidth=_QR_SIZE, barHeight=_QR_SIZE, barBorder=1, barLevel="M"
        )
        self.beginForm(form, 0, 0, _QR_SIZE, _QR_SIZE)
        self.setFillColor(colors.white)
        self.rect(0, 0, _QR_SIZE, _QR_SIZE, stroke=0, fill=1)
        self.setFillColor(colors.black)
        for module in widget.draw().contents:
            if getattr(module, "fillColor", None) is not None:
                self.rect(module.x, module.y, module.width, module.height, stroke=0, fill=1)
        self.endForm()


# --- the story ----------------------------------------------------------------------------


def _table(rows: list[list[Any]], widths: list[float], commands: Iterable[tuple[Any, ...]]) -> Any:
    table = Table(rows, colWidths=widths, hAlign="LEFT")
    base: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), _LATIN, 8.5),  # else the table sets Helvetica
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    table.setStyle(TableStyle(base + list(commands)))
    return table


def _patient_block(summary: SummaryInput, width: float) -> list[Any]:
    patient = summary.patient
    age = patient.age_on(summary.printed_at.astimezone(_CHINA).date())
    # her numbers at each hospital the summary concerns, wherever the record came from, a
    # line each (a hospital's name and its number are never broken apart)
    mrns = [_para(f"{name}：{value}") for name, value in record_numbers(summary)]
    rows = [
        [
            _para("姓名", "label"),
            _para(patient.name, bold=True),
            _para("性别", "label"),
            _para(_GENDER[patient.gender]),
            _para("年龄", "label"),
            _para("未知" if age is None else f"{age} 岁"),
        ],
        [
            _para("身份证号", "label"),
            _para(mask_id_card(patient.id_card) if patient.id_card else "—"),
            _para("病历号", "label"),
            mrns or _para("—"),
            "",
            "",
        ],
    ]
    fixed = [17 * _MM, 48 * _MM, 15 * _MM, 24 * _MM, 15 * _MM]
    widths = [*fixed, width - sum(fixed)]
    table = _table(
        rows,
        widths,
        [
            ("SPAN", (3, 1), (5, 1)),
            ("BOX", (0, 0), (-1, -1), 0.6, _RULE),
            ("INNERGRID", (0, 0), (-1, -1), 0.3, _LIGHT),
            ("BACKGROUND", (0, 0), (0, -1), _HEAD_FILL),
            ("BACKGROUND", (2, 0), (2, -1), _HEAD_FILL),
            ("BACKGROUND", (4, 0), (4, 0), _HEAD_FILL),
        ],
    )
    return [_Line("患者信息", 11, rule=True, space_before=4), Spacer(1, 4), table]


def _overview(items: Sequence[SummaryItem]) -> Any:
    counts = {word: 0 for word in (*_DECISION_WORD.values(), _NO_DECISION)}
    for item in items:
        counts[_decision_word(item.decision)] += 1
    parts = "，".join(f"{word} {n} 项" for word, n in counts.items() if n)
    against = sum(1 for i in items if i.decision is not None and accepted_against_rules(i.decision))
    if against:
        parts += f"（其中不符合互认条件、经医师判断采纳 {against} 项）"
    return _para(f"本次审阅共 {len(items)} 项" + (f"：{parts}。" if parts else "。"), "body")


def _mark_text(item: SummaryItem) -> str:
    mark = item.result.mark
    if mark is None:
        return "无HR标识"
    details = [_SCOPE.get(mark.scope, mark.scope)]
    if mark.region_code:
        details.append(f"地区 {mark.region_code}")
    shown = "，".join(d for d in details if d)
    return f"{mark.mark}（{shown}）" if shown else mark.mark


def _details(item: SummaryItem, summary: SummaryInput, width: float) -> Any:
    result, decision = item.result, item.decision
    hospital = item.hospital or summary.hospitals.get(result.hospital_id)
    verdict = _verdict_text(decision)
    rows: list[list[Any]] = [
        [
            _para("来源医院", "label"),
            _hospital_cell(item, hospital),
            _para(_DATE_LABEL[result.category], "label"),
            _para(_china(result.effective)),
        ],
        [
            _para("项目", "label"),
            _para(result.item_name + (f"（{result.item_code}）" if result.item_code else "")),
            _para("互认标识", "label"),
            _para(_mark_text(item)),
        ],
        [
            _para("审阅结论", "label"),
            _para(verdict, bold=True, colour=_decision_hex(decision)),
            _para("目录版本", "label"),
            _para(decision.catalog_version if decision and decision.catalog_version else "—"),
        ],
    ]
    spanned: list[tuple[str, str]] = []
    if decision is not None:
        who = decided_by(summary, decision)  # her name, as the chart knows her
        spanned.append(("结论时间", f"{_china(decision.authored_on)}（{who}）"))
        if decision.reason_label or decision.reason_code:
            spanned.append(("原因", decision.reason_label or decision.reason_code))
        if decision.note:
            spanned.append(("备注", decision.note))
        if decision.patient_informed:
            spanned.append(("患者告知", "已向患者说明"))
    if result.paper is not None:
        spanned.append(("结果来源", _paper_text(result)))
    if result.conclusion.strip():
        spanned.append(("报告结论", result.conclusion.strip()))
    origin = origin_phrase(item.source.kind.value, item.source.name) if item.source else ""
    sentence = record_sentence(decision, result, hospital, origin) if decision else "（未作结论）"
    spanned.append(("病历记录", sentence))
    first_spanned = len(rows)
    rows += [[_para(label, "label"), _para(text), "", ""] for label, text in spanned]
    fixed = 18 * _MM
    value = (width - 2 * fixed) / 2
    commands: list[tuple[Any, ...]] = [
        ("SPAN", (1, r), (3, r)) for r in range(first_spanned, len(rows))
    ]
    commands += [
        ("LINEBELOW", (0, 0), (-1, -2), 0.3, _LIGHT),
        ("LINEBELOW", (0, -1), (-1, -1), 0.6, _RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    return _table(rows, [fixed, value, fixed, value], commands)


def _lab_table(item: SummaryItem, width: float) -> Any:
    unified = bool(item.normalized)
    head = ["项目", "结果", "单位", *(["统一单位"] if unified else []), "参考范围", "提示"]
    fractions = [0.27, 0.12, 0.13, 0.19, 0.14, 0.15] if unified else [0.34, 0.15, 0.15, 0.20, 0.16]
    rows: list[list[Any]] = [[_para(h, "head") for h in head]]
    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), _HEAD_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, _RULE),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, _LIGHT),
        ("BOX", (0, 0), (-1, -1), 0.6, _RULE),
    ]
    normalized: Sequence[NormalizedValue | None] = item.normalized or [None] * len(item.labs)
    for index, (obs, norm) in enumerate(zip(item.labs, normalized, strict=True), start=1):
        flag = lab_flag(obs)
        colour = "#c62828" if flag.flagged else _QUESTIONED_HEX if flag.questioned else ""
        reported = reported_texts(obs)
        name = obs.name + (f"（{obs.specimen}）" if obs.specimen else "")
        row: list[Any] = [
            _para(name, "cell"),
            _para(reported.value or "—", "cell", bold=bool(colour), colour=colour),
            _para(reported.unit, "cell"),
        ]
        if unified:
            row.append(_para(_unified_text(obs, norm), "cell"))
        row.append(_para(reported.range or "—", "cell"))
        row.append(_FlagMark(flag) if _has_mark(flag) else "")
        rows.append(row)
        if flag.flagged:
            commands.append(("BACKGROUND", (0, index), (-1, index), _ABNORMAL_FILL))
    table = Table(rows, colWidths=[f * width for f in fractions], repeatRows=1, hAlign="LEFT")
    base: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), _LATIN, 8.5),  # else the table sets Helvetica
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    table.setStyle(TableStyle(base + commands))
    return table


def _unified_text(obs: LabObservation, norm: NormalizedValue | None) -> str:
    if norm is None:
        return "—"
    if norm.problem:
        return _PROBLEM_TEXT.get(norm.problem, "—")
    if norm.value is None:
        return "—"
    shown = converted_texts(obs, norm)
    return f"{shown.value} {shown.unit}".strip()


def _key_images(item: SummaryItem) -> list[Any]:
    flowables: list[Any] = []
    count = len(item.key_images)
    for index, image in enumerate(item.key_images, start=1):
        caption = f"关键图像 {index}/{count}：{image.caption}" if image.caption else ""
        parts: list[Any] = [Spacer(1, 6), _KeyImageFigure(image, _KEY_IMAGE_MAX_HEIGHT)]
        if caption:
            parts.append(_para(caption, "caption"))
        flowables.append(KeepTogether(parts))
    return flowables


def _item_flowables(
    index: int, item: SummaryItem, summary: SummaryInput, width: float
) -> list[Any]:
    result = item.result
    heading = _HeadingBar(
        f"{index}. {_CATEGORY[result.category]} · {result.item_name}"
        + ("（纸质）" if result.paper is not None else ""),
        _decision_word(item.decision),
        colors.HexColor(_decision_hex(item.decision)),
    )
    flowables: list[Any] = [KeepTogether([heading, _details(item, summary, width)])]
    if item.labs:
        flowables += [Spacer(1, 5), _lab_table(item, width)]
        if any(lab_flag(obs).disagrees for obs in item.labs):
            flowables.append(_para(_FLAG_FOOTNOTE, "small"))
    flowables += _paper_picture(item)
    flowables += _key_images(item)
    return flowables


def _hospital_cell(item: SummaryItem, hospital: Hospital | None) -> Any:
    """The hospital (and level) of a result, with the source it was read from under it
    ("来源：绵阳市平台"; from the patient's disc, "来源：患者自带")."""
    result = item.result
    name = _para(_hospital_text(hospital, _typed_hospital(result) or result.hospital_id))
    source = _source_text(item.source)
    return [name, _para(f"来源：{source}", "small")] if source else name


def _source_text(source: RowSource | None) -> str:
    """A source as the summary names it: a platform's or PACS's name; a disc is the
    patient's own, whatever it was called."""
    if source is None:
        return ""
    if source.kind is SourceKind.DISC:
        return "患者自带"
    return source.name or ("登录平台" if source.home else "")


def _typed_hospital(result: Result) -> str:
    return result.paper.hospital_name if result.paper is not None else ""


def _paper_text(result: Result) -> str:
    """Where a paper result came from: "纸质报告，由 李静 于 2026-12-01 15:10 录入"."""
    paper = result.paper
    if paper is None:
        return ""
    who = paper.transcribed_by_name or paper.transcribed_by
    when = f" 于 {_china(paper.transcribed_at)}" if paper.transcribed_at else ""
    return f"纸质报告，由 {who}{when} 录入"


def _paper_picture(item: SummaryItem) -> list[Any]:
    """The thumbnail of the paper a result was transcribed from, with its caption."""
    if not item.paper_thumbnail:
        return []
    reader = ImageReader(io.BytesIO(item.paper_thumbnail))
    width, height = reader.getSize()
    if width <= 0 or height <= 0:
        return []
    scale = min(_PAPER_MAX_WIDTH / width, _PAPER_MAX_HEIGHT / height)
    picture = Image(
        io.BytesIO(item.paper_thumbnail), width * scale, height * scale, hAlign="CENTER"
    )
    return [KeepTogether([Spacer(1, 6), picture, _para("纸质报告（缩略图）", "caption")])]


def _legends(summary: SummaryInput) -> dict[str, _Legend]:
    names = {key: h.name for key, h in summary.hospitals.items()}
    names.update({i.hospital.id: i.hospital.name for i in summary.items if i.hospital})
    legends: dict[str, _Legend] = {}
    for _, points in summary.trends:
        for point in points:
            if point.hospital_id not in legends:
                n = len(legends)
                legends[point.hospital_id] = _Legend(
                    _PALETTE[n % len(_PALETTE)],
                    _SHAPES[n % len(_SHAPES)],
                    names.get(point.hospital_id, point.hospital_id or "未知医院"),
                )
    return legends


def _trend_flowables(summary: SummaryInput) -> list[Any]:
    if not summary.trends:
        return []
    legends = _legends(summary)
    flowables: list[Any] = [_Line("检验趋势", 11, rule=True, space_before=12)]
    for title, points in summary.trends:
        flowables.append(KeepTogether([Spacer(1, 8), _TrendChart(title, points, legends)]))
    flowables.append(
        _para(
            "数值已换算为统一单位；点的颜色和形状表示报告医院，红色数值为医院标记的异常，"
            "带“?”的数值超出该院参考范围而医院未标记。",
            "small",
        )
    )
    return flowables


def _signature() -> Any:
    gap = "&nbsp;" * 6
    line = _markup("医师签名：____________") + gap + _markup("日期：____________")
    return KeepTogether([Spacer(1, 22), Paragraph(line, _styles()["sign"])])


def _story(summary: SummaryInput, width: float) -> list[Any]:
    story: list[Any] = [_Line(TITLE, 16, anchor="middle"), Spacer(1, 4)]
    story += _patient_block(summary, width)
    story += [Spacer(1, 6), _overview(summary.items)]
    if summary.items:
        story.append(_Line("审阅项目", 11, rule=True, space_before=10))
    for index, item in enumerate(summary.items, start=1):
        story += _item_flowables(index, item, summary, width)
    story += _trend_flowables(summary)
    story.append(_signature())
    return story


def build_summary_pdf(summary: SummaryInput) -> bytes:
    """The printed review summary of ``summary`` as PDF bytes.

    Header (printing hospital, department, doctor, time in China time, patient), title,
    patient block with the ID card number masked, one section per result (source, HR mark,
    decision with reason, note and medical-record sentence, lab table, key images with a
    scale bar), trend charts, a signature line; every page carries "第 n 页 / 共 m 页", the
    verification code and its QR code. The fonts are embedded (subsets). Raises ValueError
    for a key image that is not a readable PNG.
    """
    _fonts()
    page_size = _PAGE_SIZES[summary.page_size]
    code = verification_code(summary)
    patient = summary.patient
    masked = mask_id_card(patient.id_card) if patient.id_card else ""
    decor = _PageDecor(
        hospital=summary.hospital_name,
        department=summary.department,
        doctor=summary.doctor_name,
        printed=_china(summary.printed_at),
        patient=f"{patient.name}  {masked}".strip(),
        code=code,
        page_size=page_size,
    )
    buffer = io.BytesIO()
    document = BaseDocTemplate(
        buffer,
        pagesize=page_size,
        leftMargin=_MARGIN_X,
        rightMargin=_MARGIN_X,
        topMargin=_MARGIN_TOP,
        bottomMargin=_MARGIN_BOTTOM,
        title=TITLE,
        author=summary.doctor_name,
        subject=f"验证码 {code}",
        creator="检查检验结果互认工作站",
        initialFontName=_LATIN,
        lang="zh-CN",
    )
    frame = Frame(
        _MARGIN_X,
        _MARGIN_BOTTOM,
        document.width,
        document.height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    document.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    try:
        story = _story(summary, document.width)
        document.build(story, canvasmaker=functools.partial(_NumberedCanvas, decor=decor))
    except OSError as exc:  # PIL cannot identify an image
        raise ValueError(f"a key image could not be read: {exc}") from exc
    return buffer.getvalue()
