"""Where the main window opens and how the patient page shares its width: pure rules (no Qt),
so that a 1366×768 laptop can be checked without one."""

from __future__ import annotations

from dataclasses import dataclass

PREFERRED_SIZE = (1366, 820)  # the smallest first size worth having on a large screen
PREFERRED_SHARE = 0.9  # of a large screen's free area, for the first start
FRAME_ALLOWANCE = (8, 40)  # what a window manager adds around the window (border, title bar)
SMALL_SCREEN = (1440, 900)  # at or below this the window opens maximized
NARROW_WINDOW = 1600  # below this width the timeline gives way to the images


@dataclass(frozen=True)
class Rect:
    """A rectangle in screen pixels."""

    x: int
    y: int
    width: int
    height: int

    def contains(self, other: Rect) -> bool:
        """Whether ``other`` lies wholly inside this rectangle."""
        return (
            other.x >= self.x
            and other.y >= self.y
            and other.x + other.width <= self.x + self.width
            and other.y + other.height <= self.y + self.height
        )


@dataclass(frozen=True)
class Placement:
    """Where the window goes: its client rectangle and whether it is maximized."""

    rect: Rect
    maximized: bool


def initial_placement(
    available: Rect, saved: tuple[int, int, int, int] | None, saved_maximized: bool
) -> Placement:
    """The window's first placement on a screen whose ``available`` area (without task bars)
    is given: the saved one when it still fits there, else the preferred size shrunk to fit
    and centred. Maximized when it was, or when the screen is a small laptop's; the client
    rectangle leaves room for the window frame so the status bar stays on screen. The
    first size is PREFERRED_SHARE of the screen, at least PREFERRED_SIZE where it fits."""
    max_w = max(available.width - FRAME_ALLOWANCE[0], 200)
    max_h = max(available.height - FRAME_ALLOWANCE[1], 200)
    if saved is not None:
        x, y, w, h = saved
        rect = Rect(x, y, min(w, max_w), min(h, max_h))
        if available.contains(rect):
            return Placement(rect, saved_maximized)
    w = min(max(PREFERRED_SIZE[0], int(PREFERRED_SHARE * available.width)), max_w)
    h = min(max(PREFERRED_SIZE[1], int(PREFERRED_SHARE * available.height)), max_h)
    x = available.x + (available.width - w) // 2
    title = FRAME_ALLOWANCE[1] - FRAME_ALLOWANCE[0]  # the title bar sits above the client
    y = available.y + title + (max_h - h) // 2
    small = available.width <= SMALL_SCREEN[0] or available.height <= SMALL_SCREEN[1]
    return Placement(Rect(x, y, w, h), saved_maximized or small)


@dataclass(frozen=True)
class PageWidths:
    """How the patient page shares its width: timeline, images, report and decision column."""

    timeline: int
    images: int
    side: int


def page_widths(width: int, images: bool) -> PageWidths:
    """The split of ``width`` pixels (splitter handles included in the images' share).

    With images on screen the report and decision column keeps 300–420 px beside them and,
    in a window narrower than NARROW_WINDOW, the timeline folds away (its button brings it
    back); in wider windows it keeps at most 440 px. Without images the timeline gets 40 %.
    """
    side = min(max(int(0.25 * width), 300), 420)
    if images:
        timeline = 0 if width < NARROW_WINDOW else min(int(0.22 * width), 440)
    else:
        timeline = min(max(int(0.4 * width), 360), 620)
    return PageWidths(timeline, max(width - timeline - side, 0), side)
