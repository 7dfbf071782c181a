"""The text over the image in cells of every size (workstation.imaging.overlay_layout): the
level of corner text follows the cell's size, and no overlay covers another."""

from __future__ import annotations

import itertools

import pytest

from workstation.imaging.overlay_layout import Rect, TextLevel, overlay_layout, text_level

pytestmark = pytest.mark.unit


def _overlap(a: Rect, b: Rect) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


def test_small_cells_get_less_corner_text() -> None:
    assert text_level(1400, 900) is TextLevel.FULL  # one cell at 1920×1080
    assert text_level(660, 420) is TextLevel.FULL  # 1×2 at 1920×1080
    assert text_level(570, 250) is TextLevel.COMPACT  # the CT cell on a 1366×768 laptop
    assert text_level(390, 500) is TextLevel.COMPACT  # narrower than 400 px
    assert text_level(420, 200) is TextLevel.MINIMAL  # 2×3 on a laptop
    assert text_level(180, 300) is TextLevel.NONE


@pytest.mark.parametrize(
    ("width", "height"),
    list(
        itertools.product(
            (120, 199, 240, 299, 330, 399, 420, 570, 800, 1366, 1900),
            (100, 149, 180, 219, 250, 299, 400, 700, 1000),
        )
    ),
)
def test_no_overlay_covers_another_and_all_stay_inside(width: int, height: int) -> None:
    layout = overlay_layout(width, height)
    boxes = {**layout.markers, **layout.corners}
    if layout.scale_bar is not None and layout.scale_label is not None:
        boxes["scale_bar"], boxes["scale_label"] = layout.scale_bar, layout.scale_label
    for name, (x, y, w, h) in boxes.items():
        assert min(w, h) > 0, name
        assert min(x, y) >= 0, name
        assert x + w <= width, name
        assert y + h <= height, name
    for (a, ra), (b, rb) in itertools.combinations(boxes.items(), 2):
        assert not _overlap(ra, rb), (a, b, ra, rb)


def test_the_scale_bar_only_where_there_is_room_and_the_font_shrinks() -> None:
    assert overlay_layout(570, 250).scale_bar is not None
    assert overlay_layout(420, 200).scale_bar is None
    assert overlay_layout(1400, 900).font_px > overlay_layout(420, 200).font_px
    full, compact = overlay_layout(1400, 900), overlay_layout(570, 250)
    assert compact.corners["top_right"][3] < full.corners["top_right"][3]


def _rows(rect: Rect) -> tuple[int, int]:
    return rect[1], rect[1] + rect[3]


@pytest.mark.parametrize(
    ("width", "height"),
    list(
        itertools.product((300, 330, 399, 420, 495, 570, 800, 997, 1900), (220, 250, 299, 384, 700))
    ),
)
def test_the_window_line_is_never_on_the_scale_bars_row(width: int, height: int) -> None:
    # side by side on one row, a bar lying on a bright CT couch read as one bar running
    # into 窗位 (the radiologist's 1×2 at 1366×768): the window gets the bottom row
    layout = overlay_layout(width, height)
    assert layout.scale_bar is not None
    assert layout.scale_label is not None
    x, y, w, h = layout.window_line
    left = layout.corners["bottom_left"]
    assert (x, w) == (left[0], left[2])
    assert y + h == left[1] + left[3] == height - 4  # the last line, at the bottom edge
    top, bottom = _rows(layout.window_line)
    for name, box in (("scale_bar", layout.scale_bar), ("scale_label", layout.scale_label)):
        assert not _overlap(layout.window_line, box), name
        box_top, box_bottom = _rows(box)
        assert bottom <= box_top or box_bottom <= top, (name, (top, bottom), box)
