"""Which flag a lab value shows: the one rule the lab table, the trends and the printed
summary use.

The hospital's own flag (``Observation.interpretation``) is shown as reported: it may rest
on things this program does not know (age- or sex-specific limits, critical limits). The
value is also checked against the hospital's own printed reference range, and where the two
disagree the disagreement is shown beside the flag, never instead of it: "↑ high (value
within the reference range)", or an unflagged value above the range as "↑? (not flagged by
the hospital)".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

from workstation.labs.normalize import recompute_flag
from workstation.model import Interpretation, LabObservation

__all__ = ["ABNORMAL_FLAGS", "LabFlag", "RangeCheck", "compare_flag", "lab_flag"]

ABNORMAL_FLAGS = frozenset(
    {
        Interpretation.HIGH,
        Interpretation.LOW,
        Interpretation.CRITICAL_HIGH,
        Interpretation.CRITICAL_LOW,
        Interpretation.ABNORMAL,
    }
)
_HIGH = frozenset({Interpretation.HIGH, Interpretation.CRITICAL_HIGH})
_LOW = frozenset({Interpretation.LOW, Interpretation.CRITICAL_LOW})


class RangeCheck(Enum):
    """What the value against the hospital's own range says, compared with its flag."""

    AGREES = "agrees"  # the same as the flag, or nothing to check (no value or no range)
    WITHIN_RANGE = "within_range"  # flagged abnormal, but the value is within the range
    ABOVE_RANGE = "above_range"  # above the range, but not flagged high
    BELOW_RANGE = "below_range"  # below the range, but not flagged low


@dataclass(frozen=True)
class LabFlag:
    """The flag of one lab value: the hospital's, and how its range reads the value.

    ``reported`` is the hospital's flag as reported (UNKNOWN: it gave none; NORMAL: it
    said normal); ``recomputed`` is the value against the hospital's own range
    (``recompute_flag``; UNKNOWN when there is no value or no range); ``check`` says
    whether and how the two disagree.
    """

    reported: Interpretation
    recomputed: Interpretation
    check: RangeCheck

    @property
    def flagged(self) -> bool:
        """Whether the hospital flagged the value abnormal (H, L, HH, LL or A)."""
        return self.reported in ABNORMAL_FLAGS

    @property
    def questioned(self) -> bool:
        """Outside the hospital's range although the hospital did not flag it so (shown as
        "↑?"/"↓?", not as the hospital's flag)."""
        return not self.flagged and self.check in (RangeCheck.ABOVE_RANGE, RangeCheck.BELOW_RANGE)

    @property
    def disagrees(self) -> bool:
        """Whether the range reads the value differently from the hospital's flag."""
        return self.check is not RangeCheck.AGREES

    @property
    def direction(self) -> int:
        """+1 high, -1 low, 0 neither: the hospital's flag when it gave one, else the
        range's reading of an unflagged value outside it."""
        if self.reported in _HIGH:
            return 1
        if self.reported in _LOW:
            return -1
        if self.questioned:
            return 1 if self.check is RangeCheck.ABOVE_RANGE else -1
        return 0


def compare_flag(reported: Interpretation, recomputed: Interpretation) -> LabFlag:
    """The ``LabFlag`` of a value the hospital flagged ``reported`` and its range reads
    ``recomputed``. Critical and plain flags of the same direction agree; "A" (abnormal)
    agrees with either direction."""
    check = RangeCheck.AGREES
    if recomputed is not Interpretation.UNKNOWN:
        flagged = reported in ABNORMAL_FLAGS
        if flagged and recomputed is Interpretation.NORMAL:
            check = RangeCheck.WITHIN_RANGE
        elif recomputed is Interpretation.HIGH and reported not in _HIGH | {
            Interpretation.ABNORMAL
        }:
            check = RangeCheck.ABOVE_RANGE
        elif recomputed is Interpretation.LOW and reported not in _LOW | {Interpretation.ABNORMAL}:
            check = RangeCheck.BELOW_RANGE
    return LabFlag(reported, recomputed, check)


def lab_flag(obs: LabObservation) -> LabFlag:
    """What flag ``obs`` shows: the hospital's own flag, checked against the hospital's own
    reference range in the unit it was reported in. Never raises for missing data."""
    value = obs.value if obs.value is not None and math.isfinite(obs.value) else None
    recomputed = recompute_flag(value, obs.ref_low, obs.ref_high)
    return compare_flag(obs.interpretation, recomputed)
