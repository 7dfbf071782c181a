"""Where the text over the image goes in a cell of a given size, without Qt: how much corner
text there is room for, and rectangles for the corner texts, the orientation letters and
the scale bar that never overlap, so that a letter is never hidden under the scale bar and
the corner text does not cover the anatomy of a small cell (2×3, a 1366×768 laptop).

The bottom corner texts end at the cell's bottom edge (their last line beside the bottom
letter), and the window line (窗宽/窗位) is the bottom-left text's last line: it never shares
a row with the scale bar, which sits above the bottom letter. Side by side on one row, the
bar lying on a bright CT couch read as one bar running into 窗位."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

Rect = tuple[int, int, int, int]  # x, y, width, height in screen pixels

MARKER_W, MARKER_H = 24, 20
EDGE = 4  # gap to the cell's edge
GAP = 4  # gap between two overlays
BAR_H = 4  # the scale bar's height with its dark rim


class TextLevel(Enum):
    """How much corner text a cell shows."""

    FULL = "full"  # patient, study, series, slice, position, zoom, window, calibration
    COMPACT = "compact"  # date and hospital, slice n/N, window; scale bar
    MINIMAL = "minimal"  # slice n/N with the sync state, window; no scale bar
    NONE = "none"  # orientation letters and warnings only


def text_level(width: int, height: int) -> TextLevel:
    """The text level for an image area of ``width`` × ``height`` screen pixels: full text
    from 400 × 300 (a 1×2 cell on a 1920 screen), less below."""
    if width < 200 or height < 150:
        return TextLevel.NONE
    if width < 300 or height < 220:
        return TextLevel.MINIMAL
    if width < 400 or height < 300:
        return TextLevel.COMPACT
    return TextLevel.FULL


# lines of corner text (top, bottom) and the font size for each level
_LINES = {
    TextLevel.FULL: (6, 4),
    TextLevel.COMPACT: (2, 2),
    TextLevel.MINIMAL: (2, 1),  # top right: n/N and whether the slices are synced
    TextLevel.NONE: (1, 1),  # the view-change warning ("mirrored") still shows
}
_FONT_PX = {TextLevel.FULL: 11, TextLevel.COMPACT: 10, TextLevel.MINIMAL: 10, TextLevel.NONE: 10}


@dataclass(frozen=True)
class OverlayLayout:
    """The overlays of one cell: ``markers`` by side (left, right, top, bottom),
    ``corners`` by name (top_left, top_right, bottom_left, bottom_right), the box the
    scale bar may use (it is centred in it, at most its width) and its label's box, both
    None when there is no room for a scale bar. The bottom corners' texts are drawn against
    the bottom of their boxes; ``window_line`` is the row of the bottom-left text's last
    line, where the window (窗宽/窗位) is written."""

    level: TextLevel
    font_px: int
    markers: dict[str, Rect]
    corners: dict[str, Rect]
    scale_bar: Rect | None
    scale_label: Rect | None
    window_line: Rect


def overlay_layout(width: int, height: int) -> OverlayLayout:
    """Rectangles for an image area of ``width`` × ``height`` pixels; none overlaps another
    and all lie inside the area (for areas of at least 120 × 100 pixels)."""
    level = text_level(width, height)
    font = _FONT_PX[level]
    line = font + 5
    mid_x, mid_y = width // 2, height // 2
    markers = {
        "left": (EDGE, mid_y - MARKER_H // 2, MARKER_W, MARKER_H),
        "right": (width - EDGE - MARKER_W, mid_y - MARKER_H // 2, MARKER_W, MARKER_H),
        "top": (mid_x - MARKER_W // 2, EDGE, MARKER_W, MARKER_H),
        "bottom": (mid_x - MARKER_W // 2, height - EDGE - MARKER_H, MARKER_W, MARKER_H),
    }
    top_lines, bottom_lines = _LINES[level]
    # corner texts stay above/below the side letters and beside the top/bottom ones
    room = max(mid_y - MARKER_H // 2 - GAP - EDGE, line)
    top_h, bottom_h = min(top_lines * line, room), min(bottom_lines * line, room)
    has_bar = level in (TextLevel.FULL, TextLevel.COMPACT)
    bar_w = width // 4 if has_bar else 0
    half_top = mid_x - MARKER_W // 2 - GAP - EDGE
    half_bottom = min(half_top, mid_x - bar_w // 2 - GAP - EDGE)
    corners = {
        "top_left": (EDGE, EDGE, half_top, top_h),
        "top_right": (width - EDGE - half_top, EDGE, half_top, top_h),
        "bottom_left": (EDGE, height - EDGE - bottom_h, half_bottom, bottom_h),
        "bottom_right": (
            width - EDGE - half_bottom,
            height - EDGE - bottom_h,
            half_bottom,
            bottom_h,
        ),
    }
    left_x, _y, left_w, _h = corners["bottom_left"]
    window_line = (left_x, height - EDGE - min(line, bottom_h), left_w, min(line, bottom_h))
    scale_bar = scale_label = None
    if has_bar:
        # above the bottom letter, so above the window line too (one line is lower than the
        # letter and its gap): the window is never on the bar's row
        label_h = line
        label_y = markers["bottom"][1] - GAP - label_h
        bar_y = label_y - GAP - BAR_H
        scale_label = (mid_x - bar_w // 2, label_y, bar_w, label_h)
        scale_bar = (mid_x - bar_w // 2, bar_y, bar_w, BAR_H)
    return OverlayLayout(level, font, markers, corners, scale_bar, scale_label, window_line)
