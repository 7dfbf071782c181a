"""Plausible limits of typed lab values: a value outside them is almost certainly a typing
slip (a decimal point lost, the wrong unit), so it is questioned before it is kept.

The limits are generous bounds of what laboratories report for living patients, in each
analyte's preferred unit (resources/labs/analytes.json); they are not reference ranges and
say nothing about normal or abnormal.
"""

from __future__ import annotations

from dataclasses import dataclass

from workstation.labs.analytes import AnalyteTable, UnconvertibleUnit


@dataclass(frozen=True)
class PlausibleRange:
    """Inclusive limits in ``unit`` (the analyte's preferred UCUM unit)."""

    low: float
    high: float
    unit: str


# analyte key → (low, high) in its preferred unit
_LIMITS: dict[str, tuple[float, float]] = {
    "WBC": (0.0, 500.0),  # 10*9/L (hyperleukocytosis stays below)
    "RBC": (0.3, 10.0),  # 10*12/L
    "HGB": (20.0, 250.0),  # g/L
    "HCT": (0.05, 0.8),  # L/L
    "PLT": (0.0, 3000.0),  # 10*9/L
    "ALT": (0.0, 20000.0),  # U/L
    "AST": (0.0, 20000.0),
    "TBIL": (0.0, 1000.0),  # umol/L
    "DBIL": (0.0, 800.0),
    "TP": (20.0, 150.0),  # g/L
    "ALB": (5.0, 70.0),
    "UREA": (0.2, 100.0),  # mmol/L
    "CREA": (5.0, 3000.0),  # umol/L
    "UA": (10.0, 2000.0),  # umol/L
    "GLU": (0.5, 100.0),  # mmol/L
    "HBA1C": (2.0, 25.0),  # %
    "TC": (0.5, 30.0),  # mmol/L
    "TG": (0.05, 100.0),
    "HDL": (0.05, 6.0),
    "LDL": (0.05, 20.0),
    "K": (1.0, 10.0),  # mmol/L
    "NA": (90.0, 200.0),
    "CL": (60.0, 150.0),
    "CA": (0.5, 5.0),
    "CTNI": (0.0, 1_000_000.0),  # ng/L
    "CTNT": (0.0, 100_000.0),
    "CKMB": (0.0, 2000.0),  # ug/L
    "MYO": (0.0, 50_000.0),  # ug/L
    "NTPROBNP": (0.0, 100_000.0),  # ng/L
    "PT": (5.0, 150.0),  # s
    "INR": (0.5, 15.0),
    "APTT": (10.0, 300.0),  # s
    "FIB": (0.1, 15.0),  # g/L
    "AFP": (0.0, 1_000_000.0),  # ng/mL
    "CEA": (0.0, 100_000.0),
    "CA125": (0.0, 100_000.0),  # U/mL
}


def plausible_range(table: AnalyteTable, key: str) -> PlausibleRange | None:
    """The plausible limits of analyte ``key`` in its preferred unit; None when not known."""
    analyte = table.analyte(key)
    limits = _LIMITS.get(key)
    if analyte is None or limits is None:
        return None
    return PlausibleRange(limits[0], limits[1], analyte.preferred_unit)


def is_plausible(table: AnalyteTable, key: str, value: float, unit: str) -> bool | None:
    """Whether ``value`` in ``unit`` (a UCUM unit the table converts for ``key``) lies
    within the plausible limits; None when the limits or the conversion are not known."""
    limits = plausible_range(table, key)
    if limits is None:
        return None
    try:
        preferred = table.convert(key, value, unit, limits.unit)
    except UnconvertibleUnit:
        return None
    return limits.low <= preferred <= limits.high
