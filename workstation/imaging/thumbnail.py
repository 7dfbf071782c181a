"""A series' thumbnail drawn here, for sources that serve none (a disc, a PACS): one image
through the same pixel chain as the viewer, shrunk, as PNG bytes."""

from __future__ import annotations

import math

from workstation.imaging.decode import DicomImage
from workstation.imaging.display import render_frame
from workstation.imaging.png import encode_png

THUMBNAIL_PX = 64  # the strip shows 48 px icons; a little more keeps them sharp


def render_thumbnail(image: DicomImage, long_side: int = THUMBNAIL_PX) -> bytes:
    """PNG bytes of ``image``'s middle frame in its own window (the file's first VOI
    window, else its full range), its long side at most ``long_side`` pixels (every
    n-th pixel: a thumbnail shows what the series is, not its detail). Raises ValueError
    for a window the standard forbids or a ``long_side`` below 1."""
    if long_side < 1:
        raise ValueError("long_side must be at least 1")
    pixels = render_frame(image, image.frames // 2)
    step = max(1, math.ceil(max(pixels.shape[0], pixels.shape[1]) / long_side))
    return encode_png(pixels[::step, ::step])
