"""Command-line argument types shared by ``python -m workstation`` and ``python -m ui.snapshot``."""

from __future__ import annotations

import argparse
import math

from workstation.imaging.voi import Window


def parse_window(text: str) -> Window:
    """``CENTER,WIDTH`` in modality units (e.g. ``40,400``) as a LINEAR window.

    Raises argparse.ArgumentTypeError for anything else or a width below 1.
    """
    try:
        center, width = (float(v) for v in text.split(","))
    except ValueError as exc:
        raise argparse.ArgumentTypeError("use CENTER,WIDTH, e.g. 40,400") from exc
    if not (math.isfinite(center) and math.isfinite(width)):
        raise argparse.ArgumentTypeError("window center and width must be numbers")
    if width < 1:
        raise argparse.ArgumentTypeError("window width must be at least 1")
    return Window(center, width)
