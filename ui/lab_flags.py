"""How a lab value's flag reads on screen (the lab table, the trend plot): the words for a
``LabFlag`` from workstation.labs.flags, which decides what is shown."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from workstation.labs.flags import LabFlag, RangeCheck
from workstation.model import Interpretation


# One literal per message so that lupdate can extract it.
# fmt: off
def _reported_text(flag: Interpretation) -> str:
    """The hospital's own flag in words ("" for normal or none)."""
    return {
        Interpretation.HIGH: QCoreApplication.translate("LabFlag", "↑ high"),
        Interpretation.LOW: QCoreApplication.translate("LabFlag", "↓ low"),
        Interpretation.CRITICAL_HIGH: QCoreApplication.translate("LabFlag", "↑↑ critical"),
        Interpretation.CRITICAL_LOW: QCoreApplication.translate("LabFlag", "↓↓ critical"),
        Interpretation.ABNORMAL: QCoreApplication.translate("LabFlag", "abnormal"),
    }.get(flag, "")


def _range_note(check: RangeCheck) -> str:
    """After the hospital's flag: how its own range reads the value instead."""
    return {
        RangeCheck.WITHIN_RANGE: QCoreApplication.translate("LabFlag", "%1 (value within the reference range)"),
        RangeCheck.ABOVE_RANGE: QCoreApplication.translate("LabFlag", "%1 (value above the reference range)"),
        RangeCheck.BELOW_RANGE: QCoreApplication.translate("LabFlag", "%1 (value below the reference range)"),
    }.get(check, "%1")


def _questioned_text(flag: LabFlag) -> str:
    """An unflagged (or flagged normal) value outside the hospital's range."""
    high = flag.check is RangeCheck.ABOVE_RANGE
    if flag.reported is Interpretation.NORMAL:
        if high:
            return QCoreApplication.translate("LabFlag", "↑? (hospital flagged normal)")
        return QCoreApplication.translate("LabFlag", "↓? (hospital flagged normal)")
    if high:
        return QCoreApplication.translate("LabFlag", "↑? (not flagged by the hospital)")
    return QCoreApplication.translate("LabFlag", "↓? (not flagged by the hospital)")
# fmt: on


def flag_text(flag: LabFlag) -> str:
    """The flag as shown: the hospital's own as reported, and where the value against the
    hospital's reference range disagrees, that disagreement ("" when there is nothing)."""
    if flag.flagged:
        return _range_note(flag.check).replace("%1", _reported_text(flag.reported))
    if flag.questioned:
        return _questioned_text(flag)
    return ""


def flag_tooltip(flag: LabFlag) -> str:
    """Why a flag carries a remark ("" when the hospital's flag and its range agree)."""
    if not flag.disagrees:
        return ""
    return QCoreApplication.translate("LabFlag", "The hospital's own flag is shown as reported; against the hospital's reference range the value reads differently. Check the report.")  # fmt: skip
