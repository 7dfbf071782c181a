"""How a reference range is written: "3.5–5.3", "≤ 26.3", "≥ 60"."""

from __future__ import annotations

from collections.abc import Callable


def range_text(
    low: float | None, high: float | None, number: Callable[[float], str], gap: str = ""
) -> str:
    """The range from ``low`` to ``high`` (either may be missing) with each bound written by
    ``number``; ``gap`` goes between "≤"/"≥" and the bound. "" when both are missing."""
    if low is not None and high is not None:
        return f"{number(low)}–{number(high)}"
    if high is not None:
        return f"≤{gap}{number(high)}"
    if low is not None:
        return f"≥{gap}{number(low)}"
    return ""
