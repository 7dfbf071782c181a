"""How a reference range is written: "3.5–5.3", "≤ 26.3", "≥ 60"."""

from __future__ import annotations

from collections.abc import Callable


def range_text(
    low: float | None, high: float | None, number: Callable[[float], str], gap: str = ""
) -> str:
    """The range from ``low`` to ``high`` (either may be missing) with each bound written by
    ``number``; ``gap`` goes between "≤"/"≥" and the bound. "" when both are missing."""
    return bounds_text(
        None if low is None else number(low), None if high is None else number(high), gap
    )


def bounds_text(low: str | None, high: str | None, gap: str = "") -> str:
    """The range between two bounds already written ("3.5", "5.3" → "3.5–5.3"; a missing
    bound is None); ``gap`` goes between "≤"/"≥" and the bound."""
    if low is not None and high is not None:
        return f"{low}–{high}"
    if high is not None:
        return f"≤{gap}{high}"
    if low is not None:
        return f"≥{gap}{low}"
    return ""
