"""A saved key image drawn again for the printed summary: the frame through the display
chain with her window, her marks (and the shown saved ones) burned in, as a PNG. The
summary then prints key images from the saved selection, not only those grabbed on screen
in this session."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from workstation.annotations.model import SavedMark
from workstation.imaging.decode import DicomImage
from workstation.imaging.display import render_frame
from workstation.imaging.marks import MarkKind
from workstation.imaging.voi import Window

FONT = Path(__file__).resolve().parents[2] / "resources" / "fonts" / "DroidSansFallbackFull.ttf"
MIN_WIDTH_PX = 512  # small images are enlarged (whole factors) so lines and texts read
_COLOR = (255, 220, 0)


@lru_cache(maxsize=4)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(str(FONT), size)
    except OSError:  # the font is not where the build put it: texts in the default font
        return ImageFont.load_default()


def render_key_image(
    image: DicomImage, frame: int, window: Window | None, marks: Sequence[SavedMark]
) -> tuple[bytes, float | None]:
    """The frame as a PNG with ``marks`` (pixel coordinates) drawn on it, and the size of a
    PNG pixel in mm (None when uncalibrated). Raises IndexError for a bad frame."""
    pixels = render_frame(image, frame, window)
    picture = Image.fromarray(pixels).convert("RGB")
    scale = max(1, math.ceil(MIN_WIDTH_PX / max(picture.width, 1)))
    if scale > 1:
        picture = picture.resize(
            (picture.width * scale, picture.height * scale), Image.Resampling.NEAREST
        )
    draw = ImageDraw.Draw(picture)
    width = max(2, scale)
    size = max(14, picture.width // 40)
    font = _font(size)
    for mark in marks:
        points = [(x * scale, y * scale) for x, y in mark.points_px]
        if mark.kind in (MarkKind.LENGTH, MarkKind.ANGLE):
            draw.line(points, fill=_COLOR, width=width)
        elif mark.kind is MarkKind.RECTANGLE:
            draw.rectangle([points[0], points[1]], outline=_COLOR, width=width)
        elif mark.kind is MarkKind.ELLIPSE:
            draw.ellipse([points[0], points[1]], outline=_COLOR, width=width)
        elif mark.kind is MarkKind.ARROW:
            (tx, ty), (sx, sy) = points[0], points[1]
            draw.line([(sx, sy), (tx, ty)], fill=_COLOR, width=width)
            angle = math.atan2(sy - ty, sx - tx)
            head = 6.0 * width
            for turn in (-0.45, 0.45):
                end = (tx + head * math.cos(angle + turn), ty + head * math.sin(angle + turn))
                draw.line([(tx, ty), end], fill=_COLOR, width=width)
            if mark.text:
                draw.text(
                    (sx + 3, sy - font.size if hasattr(font, "size") else sy),
                    mark.text,
                    fill=_COLOR,
                    font=font,
                )
    out = io.BytesIO()
    picture.save(out, format="PNG")
    spacing = image.pixel_spacing
    return out.getvalue(), (spacing[1] / scale if spacing else None)
