"""How a lab number is printed: the one rule the lab table, the trend and the PDF share.

A value as reported prints as the hospital sent it. A converted value carries the precision
of the measurement, not of the arithmetic: 1.23 mg/dL creatinine is 108.732 µmol/L by the
factor but was measured to three significant figures, so it prints "109"; and it never
shows more decimals than laboratories customarily print in that unit (the analyte table's
``decimals``).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["lab_number", "significant_figures"]

# A whole number counts at least this many figures: a laboratory printing "7" mg/dL
# measured to the unit, not to one figure (BUN 7 mg/dL reads 2.5 mmol/L, not "2").
_MIN_WHOLE_FIGURES = 2


def _plain(value: float) -> str:
    """``value`` in its shortest exact decimal form, never in exponent form ("0.00001")."""
    text = format(Decimal(repr(value)).normalize(), "f")
    return "0" if text in ("-0", "") else text


def significant_figures(value: float) -> int:
    """How many significant figures the printed ``value`` carries ("0.012" → 2, "1.23" →
    3, "30" → 2: the digits of a whole number are taken as measured). 1 for zero."""
    digits = _plain(abs(value)).replace(".", "").lstrip("0")
    return max(len(digits), 1)


def _round(value: float, figures: int, decimals: int | None) -> Decimal:
    """``value`` to ``figures`` significant figures, at most ``decimals`` places (and never
    fewer than none: whole digits are not rounded away)."""
    places = figures - 1 - math.floor(math.log10(abs(value))) if value else 0
    places = max(places, 0)
    if decimals is not None:
        places = min(places, decimals)
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def lab_number(
    value: float | None, *, original: float | None = None, decimals: int | None = None
) -> str:
    """``value`` as a lab report prints it ("" when None, "—" when not finite).

    ``original`` is None for a value as reported: printed as the hospital sent it. For a
    converted value it is the value as measured: the result is rounded (half away from
    zero) to the original's significant figures (a whole number counts at least two),
    never rounding away whole digits, and to at most ``decimals`` places (the analyte's
    customary decimals in this unit) when given: 0.009 ng/mL troponin is "9" ng/L, 1.23
    mg/dL creatinine "109" µmol/L, 30 mg/dL urea "5.0" mmol/L.
    """
    if value is None:
        return ""
    if not math.isfinite(value):
        return "—"
    if original is None or not math.isfinite(original):
        return _plain(value)
    figures = significant_figures(original)
    if "." not in _plain(original):
        figures = max(figures, _MIN_WHOLE_FIGURES)
    rounded = _round(value, figures, decimals)
    if rounded and abs(rounded) >= 10 ** (math.floor(math.log10(abs(value))) + 1):
        # 9.99 to two figures is "10", not "10.0": the rounding carried into a new digit
        rounded = _round(float(rounded), figures, decimals)
    text = f"{rounded:f}"
    return "0" if rounded == 0 and not text.strip("-0.") else text
