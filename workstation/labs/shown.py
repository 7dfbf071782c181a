"""A lab value's printed texts (value, unit, reference range), as reported or converted:
the lab table and the printed summary print these, so both read the same."""

from __future__ import annotations

from dataclasses import dataclass

from workstation.labs.normalize import NormalizedValue, reported_unit
from workstation.labs.precision import lab_number
from workstation.labs.reference_range import bounds_text, range_text
from workstation.labs.units import display_unit, shown_unit
from workstation.model import LabObservation

__all__ = ["ShownValue", "converted_texts", "reported_texts"]


@dataclass(frozen=True)
class ShownValue:
    """What a row prints: the value, its unit as a doctor writes it, the range in it."""

    value: str
    unit: str
    range: str


def reported_texts(obs: LabObservation, gap: str = "") -> ShownValue:
    """``obs`` as the hospital reported it (a known unit spelled as a doctor writes it,
    "mmol/l" → "mmol/L"). ``gap`` goes between "≤"/"≥" and a bound."""
    value = lab_number(obs.value) if obs.value is not None else obs.value_text
    return ShownValue(
        value=value,
        unit=shown_unit(reported_unit(obs)),
        range=range_text(obs.ref_low, obs.ref_high, lab_number, gap=gap),
    )


def converted_texts(obs: LabObservation, norm: NormalizedValue, gap: str = "") -> ShownValue:
    """``obs`` in its analyte's preferred unit, each number with the precision of the one
    measured (``lab_number``). ``norm`` must be ``normalize`` of ``obs`` without a
    problem (else the values as reported are returned)."""
    if norm.problem or norm.value is None:
        return reported_texts(obs, gap)
    decimals = norm.analyte.decimals if norm.analyte is not None else None

    def number(value: float | None, original: float | None) -> str:
        if not norm.converted:
            return lab_number(value)
        return lab_number(value, original=original, decimals=decimals)

    low = number(norm.ref_low, obs.ref_low) if norm.ref_low is not None else None
    high = number(norm.ref_high, obs.ref_high) if norm.ref_high is not None else None
    return ShownValue(
        value=number(norm.value, obs.value),
        unit=display_unit(norm.unit),
        range=bounds_text(low, high, gap),
    )
