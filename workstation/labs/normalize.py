"""One lab value in its analyte's preferred unit, with that hospital's own reference range."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from workstation.labs.analytes import AnalyteInfo, AnalyteTable, UnconvertibleUnit
from workstation.labs.units import normalize_unit
from workstation.model import Interpretation, LabObservation

__all__ = ["NormalizedValue", "Problem", "normalize", "recompute_flag", "reported_unit"]

Problem = Literal["", "unknown_unit", "unknown_analyte", "no_value"]

# Two readings of one value that differ by more than this (relative) disagree.
_AGREEMENT = 1e-9


@dataclass(frozen=True)
class NormalizedValue:
    """A value and this hospital's range in the analyte's preferred unit, or why not.

    With ``problem`` empty, ``value``/``ref_low``/``ref_high`` are in ``unit`` (the
    preferred UCUM unit) and ``converted`` says whether a factor was applied. Otherwise
    they are the values as reported, in the unit as printed, and ``problem`` is
    "unknown_unit" (no known unit, or the coded and printed units disagree),
    "unknown_analyte" (neither the LOINC nor the local code is in the table) or "no_value"
    (a non-numeric result).
    """

    value: float | None
    unit: str
    ref_low: float | None
    ref_high: float | None
    converted: bool
    problem: Problem = ""
    analyte: AnalyteInfo | None = None


def reported_unit(obs: LabObservation) -> str:
    """The unit as the report prints it (the UCUM code when nothing is printed)."""
    return obs.unit.strip() or obs.unit_ucum.strip()


def _as_reported(
    obs: LabObservation, problem: Problem, analyte: AnalyteInfo | None
) -> NormalizedValue:
    return NormalizedValue(
        value=obs.value,
        unit=reported_unit(obs),
        ref_low=obs.ref_low,
        ref_high=obs.ref_high,
        converted=False,
        problem=problem,
        analyte=analyte,
    )


def _source_unit(table: AnalyteTable, analyte: AnalyteInfo, obs: LabObservation) -> str | None:
    """The unit the value is in: the UCUM code, else the printed unit; None if unknown.

    When both are known to the analyte they must give the same value in the preferred
    unit ("U/L" coded, "IU/L" printed is fine; "mg/dL" coded, "mmol/L" printed is not).
    """
    units = table.units(analyte.key)
    known = [u for u in (normalize_unit(obs.unit_ucum), normalize_unit(obs.unit)) if u in units]
    if not known:
        return None
    first = known[0]
    probe = obs.value if obs.value is not None and obs.value != 0 else 1.0
    for other in known[1:]:
        a = table.convert(analyte.key, probe, first, analyte.preferred_unit)
        b = table.convert(analyte.key, probe, other, analyte.preferred_unit)
        if not math.isclose(a, b, rel_tol=_AGREEMENT):
            return None
    return first


def normalize(table: AnalyteTable, obs: LabObservation) -> NormalizedValue:
    """``obs``'s value and reference range in its analyte's preferred unit.

    The analyte is found by LOINC, then by the hospital's local code. The unit is the
    UCUM code of the quantity, else the printed unit (``normalize_unit``). Anything that
    cannot be converted with a published factor is returned as reported with ``problem``
    set (see NormalizedValue); nothing is guessed. Never raises for bad data.
    """
    analyte = table.analyte_for(obs.loinc, obs.local_system, obs.local_code)
    if obs.value is None or not math.isfinite(obs.value):
        return _as_reported(obs, "no_value", analyte)
    if analyte is None:
        return _as_reported(obs, "unknown_analyte", None)
    source = _source_unit(table, analyte, obs)
    if source is None:
        return _as_reported(obs, "unknown_unit", analyte)
    target = analyte.preferred_unit

    def convert(value: float | None) -> float | None:
        return None if value is None else table.convert(analyte.key, value, source, target)

    try:
        return NormalizedValue(
            value=convert(obs.value),
            unit=target,
            ref_low=convert(obs.ref_low),
            ref_high=convert(obs.ref_high),
            converted=source != target,
            analyte=analyte,
        )
    except UnconvertibleUnit:  # pragma: no cover - _source_unit only returns table units
        return _as_reported(obs, "unknown_unit", analyte)


def recompute_flag(
    value: float | None, ref_low: float | None, ref_high: float | None
) -> Interpretation:
    """High/low/normal of ``value`` against one hospital's own range (same unit).

    A value equal to a bound is normal; a missing bound is not checked. UNKNOWN without a
    value or without any bound. Critical limits are not known here, so never HH/LL.
    """
    if value is None or (ref_low is None and ref_high is None):
        return Interpretation.UNKNOWN
    if ref_low is not None and value < ref_low:
        return Interpretation.LOW
    if ref_high is not None and value > ref_high:
        return Interpretation.HIGH
    return Interpretation.NORMAL
