"""One lab value in its analyte's preferred unit, with that hospital's own reference range."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from workstation.labs.analytes import AnalyteInfo, AnalyteTable, LoincCode, UnconvertibleUnit
from workstation.labs.units import PROPERTY_KINDS, normalize_unit, unit_kind
from workstation.model import Interpretation, LabObservation

__all__ = [
    "NormalizedValue",
    "Problem",
    "measured_code",
    "normalize",
    "recompute_flag",
    "reported_unit",
]

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
    method: str = ""  # the assay when it is not interchangeable ("高敏"), see LoincCode


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


def measured_code(table: AnalyteTable, analyte: AnalyteInfo, obs: LabObservation) -> LoincCode:
    """What ``obs`` measures: its LOINC code's entry, else that of the LOINC code its local
    code maps to, else the analyte's own component with no property known."""
    for loinc in (obs.loinc, table.loinc_for_local(obs.local_system, obs.local_code) or ""):
        code = analyte.code(loinc)
        if code is not None:
            return code
    return LoincCode("", "")


def _fits(code: LoincCode, unit: str) -> bool:
    """Whether ``unit`` is a kind of unit the code's property admits (any, when unknown)."""
    if not code.property:
        return True
    kind = unit_kind(unit)
    return kind is not None and kind in PROPERTY_KINDS.get(code.property, frozenset())


def _source_unit(
    table: AnalyteTable, analyte: AnalyteInfo, code: LoincCode, obs: LabObservation
) -> str | None:
    """The unit the value is in: the UCUM code, else the printed unit; None if unknown.

    A unit counts only when the table has a factor for the code's component in it and it
    is of a kind the code's property admits (a catalytic "U/L" on a mass code is not
    converted). When both are known they must give the same value in the preferred unit
    ("U/L" coded, "IU/L" printed is fine; "mg/dL" coded, "mmol/L" printed is not).
    """
    units = table.units(analyte.key, code.component)
    known = [
        u
        for u in (normalize_unit(obs.unit_ucum), normalize_unit(obs.unit))
        if u in units and _fits(code, u)
    ]
    if not known:
        return None
    first = known[0]
    probe = obs.value if obs.value is not None and obs.value != 0 else 1.0
    for other in known[1:]:
        a = table.convert(
            analyte.key, probe, first, analyte.preferred_unit, component=code.component
        )
        b = table.convert(
            analyte.key, probe, other, analyte.preferred_unit, component=code.component
        )
        if not math.isclose(a, b, rel_tol=_AGREEMENT):
            return None
    return first


def normalize(table: AnalyteTable, obs: LabObservation) -> NormalizedValue:
    """``obs``'s value and reference range in its analyte's preferred unit.

    The analyte is found by LOINC, then by the hospital's local code; the factor follows
    what the code measures (its component and property, ``measured_code``), never the
    printed name. The unit is the UCUM code of the quantity, else the printed unit
    (``normalize_unit``); one of another kind than the code's property, or without a
    published factor for the component, is an unknown unit. Anything that
    cannot be converted with a published factor is returned as reported with ``problem``
    set (see NormalizedValue); nothing is guessed. Never raises for bad data.
    """
    analyte = table.analyte_for(obs.loinc, obs.local_system, obs.local_code)
    if obs.value is None or not math.isfinite(obs.value):
        return _as_reported(obs, "no_value", analyte)
    if analyte is None:
        return _as_reported(obs, "unknown_analyte", None)
    code = measured_code(table, analyte, obs)
    source = _source_unit(table, analyte, code, obs)
    if source is None:
        return _as_reported(obs, "unknown_unit", analyte)
    target = analyte.preferred_unit

    def convert(value: float | None) -> float | None:
        if value is None:
            return None
        return table.convert(analyte.key, value, source, target, component=code.component)

    try:
        return NormalizedValue(
            value=convert(obs.value),
            unit=target,
            ref_low=convert(obs.ref_low),
            ref_high=convert(obs.ref_high),
            converted=source != target or bool(code.component),
            analyte=analyte,
            method=code.method or obs.method.strip(),
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
