"""Unit spellings: from what a Chinese laboratory report prints to one UCUM spelling.

Reports print the same unit many ways: "μmol/L" with a Greek mu or "µmol/l" with the micro
sign, "10^9/L", "×10⁹/L", "10E9/L", full-width "mmol／L", "秒" for seconds, "IU/L" for the
international unit. ``normalize_unit`` maps the spellings it knows to the UCUM code the
analyte table uses and leaves everything else alone: a unit it does not know is returned as
printed (stripped), never guessed, so that the caller can flag it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

__all__ = [
    "PROPERTY_KINDS",
    "UnitKind",
    "display_unit",
    "normalize_unit",
    "shown_unit",
    "unit_kind",
]

# Superscript digits as printed in "×10⁹/L"; NFKC would turn "10⁹" into "109".
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_SUPERSCRIPT_RUN = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
# A leading multiplication sign before a power of ten: "×10^9/L", "x10*9/L".
_LEADING_TIMES = re.compile(r"^[×xX*·]\s*(?=10)")
# Powers of ten: "10^9", "10**9", "10*9", "10E9", "10e9".
_POWER_OF_TEN = re.compile(r"^10(?:\^|\*\*|\*|[eE])(\d{1,2})(?=/)")
_COUNT_PER_VOLUME = re.compile(r"^10\*(\d{1,2})/(l|ul|ml|nl)$")
_COUNT_VOLUMES = {"l": "L", "ul": "uL", "ml": "mL", "nl": "nL"}

# Known spellings, keyed by their case-folded form after the clean-up in ``_clean`` (micro
# as "u", no spaces). Every key is unambiguous without its letter case.
_KNOWN: dict[str, str] = {
    # substance concentration
    "mol/l": "mol/L",
    "mmol/l": "mmol/L",
    "umol/l": "umol/L",
    "nmol/l": "nmol/L",
    "pmol/l": "pmol/L",
    "mmol/mol": "mmol/mol",
    "meq/l": "meq/L",
    # mass concentration
    "g/l": "g/L",
    "g/dl": "g/dL",
    "mg/l": "mg/L",
    "mg/dl": "mg/dL",
    "ug/l": "ug/L",
    "ug/dl": "ug/dL",
    "ug/ml": "ug/mL",
    "ng/l": "ng/L",
    "ng/ml": "ng/mL",
    "ng/dl": "ng/dL",
    "pg/ml": "pg/mL",
    "mcg/l": "ug/L",
    "mcg/ml": "ug/mL",
    # catalytic and arbitrary units
    "u/l": "U/L",
    "u/ml": "U/mL",
    "ku/l": "kU/L",
    "iu/l": "[IU]/L",
    "iu/ml": "[IU]/mL",
    "miu/l": "m[IU]/L",
    "miu/ml": "m[IU]/mL",
    "uiu/ml": "u[IU]/mL",
    "[iu]/l": "[IU]/L",
    "[iu]/ml": "[IU]/mL",
    "ukat/l": "ukat/L",
    # counts ("10*N/L" and friends are handled by pattern)
    "k/ul": "10*3/uL",
    "m/ul": "10*6/uL",
    # fractions, ratios, time
    "%": "%",
    "l/l": "L/L",
    "inr": "{INR}",
    "{inr}": "{INR}",
    "s": "s",
    "sec": "s",
    "secs": "s",
    "second": "s",
    "seconds": "s",
    "秒": "s",
    "min": "min",
    "分钟": "min",
    "h": "h",
    "小时": "h",
    # cell sizes
    "fl": "fL",
    "pg": "pg",
}


def _clean(text: str) -> str:
    """Fold the typographic variants of a unit to plain ASCII-ish form (not yet case-folded)."""
    cleaned = _SUPERSCRIPT_RUN.sub(lambda m: "^" + m.group(0).translate(_SUPERSCRIPTS), text)
    # NFKC: full-width "／％（）Ｌ" to ASCII, the micro sign U+00B5 to Greek mu U+03BC.
    cleaned = unicodedata.normalize("NFKC", cleaned)
    cleaned = cleaned.replace("μ", "u")
    cleaned = "".join(cleaned.split())
    cleaned = _LEADING_TIMES.sub("", cleaned)
    return _POWER_OF_TEN.sub(r"10*\1", cleaned)


def normalize_unit(text: str) -> str:
    """The UCUM code of a unit as a report prints it, e.g. "µmol/l" → "umol/L".

    Knows the usual spellings of Chinese laboratory reports: micro as "u", "µ" (micro sign)
    or "μ" (Greek mu); any letter case ("mmol/l", "MG/DL"); full-width characters
    ("mmol／L", "％"); powers of ten as "10^9", "×10⁹", "10E9" or "10*9" ("10*9/L");
    "IU/L" ("[IU]/L"); "sec" and "秒" ("s"); "INR" ("{INR}"); "K/uL" ("10*3/uL").

    Text it does not know is returned stripped of surrounding white space, unchanged
    otherwise: it is never guessed. An empty text gives "". Never raises.
    """
    stripped = text.strip()
    if not stripped:
        return ""
    cleaned = _clean(stripped)
    folded = cleaned.casefold()
    known = _KNOWN.get(folded)
    if known is not None:
        return known
    counts = _COUNT_PER_VOLUME.match(folded)
    if counts is not None:
        return f"10*{int(counts.group(1))}/{_COUNT_VOLUMES[counts.group(2)]}"
    return stripped


_DISPLAY_POWER = re.compile(r"^10\*(\d{1,2})/")
_SUPERSCRIPT_OF = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def display_unit(ucum: str) -> str:
    """How to print a UCUM unit on screen: "umol/L" → "µmol/L", "10*9/L" → "×10⁹/L".

    Micro as "µ" (micro sign), powers of ten as "×10ⁿ", "[IU]" as "IU", "meq" as "mEq";
    the INR has no unit (""). ``normalize_unit`` reads every other result back. Other
    text is returned unchanged. Never raises.
    """
    if ucum == "{INR}":
        return ""
    text = ucum.replace("[IU]", "IU")
    power = _DISPLAY_POWER.match(text)
    prefix = ""
    if power is not None:
        prefix = "×10" + power.group(1).translate(_SUPERSCRIPT_OF) + "/"
        text = text[power.end() :]
    if len(text) > 1 and text[0] == "u" and text[1].isalpha():
        text = "µ" + text[1:]
    text = text.replace("/uL", "/µL").replace("meq/", "mEq/")
    return prefix + text


def shown_unit(printed: str) -> str:
    """A unit as printed by a hospital, written the way a doctor writes it.

    A spelling ``normalize_unit`` knows ("mmol/l", "10*9/L", "umol/L") is shown through
    ``display_unit`` ("mmol/L", "×10⁹/L", "µmol/L"); anything else is shown as printed
    (stripped), never guessed. Never raises.
    """
    ucum = normalize_unit(printed)
    if ucum and unit_kind(ucum) is not None:
        return display_unit(ucum)
    return printed.strip()


UnitKind = Literal[
    "mass",
    "substance",
    "catalytic",
    "international",
    "arbitrary",
    "number",
    "fraction",
    "substance_fraction",
    "time",
    "ratio",
    "size",
]

_KIND_OF: dict[str, UnitKind] = {
    **dict.fromkeys(
        ("g/L", "g/dL", "mg/L", "mg/dL", "ug/L", "ug/dL", "ug/mL", "ng/L", "ng/mL", "ng/dL",
         "pg/mL"),
        "mass",
    ),
    **dict.fromkeys(("mol/L", "mmol/L", "umol/L", "nmol/L", "pmol/L", "meq/L"), "substance"),
    **dict.fromkeys(("U/L", "ukat/L"), "catalytic"),
    **dict.fromkeys(("[IU]/L", "[IU]/mL", "m[IU]/L", "m[IU]/mL", "u[IU]/mL"), "international"),
    **dict.fromkeys(("U/mL", "kU/L"), "arbitrary"),
    **dict.fromkeys(("%", "L/L"), "fraction"),
    "mmol/mol": "substance_fraction",
    **dict.fromkeys(("s", "min", "h"), "time"),
    "{INR}": "ratio",
    **dict.fromkeys(("fL", "pg"), "size"),
}  # fmt: skip

# Which kinds of unit a LOINC property admits. Mass and substance concentration of one
# component are the same quantity in two units (the molar mass links them), so either fits
# a concentration code; the component's published factor then decides the conversion.
_CONCENTRATION: frozenset[UnitKind] = frozenset({"mass", "substance"})
PROPERTY_KINDS: dict[str, frozenset[UnitKind]] = {
    "MCnc": _CONCENTRATION,
    "SCnc": _CONCENTRATION,
    "CCnc": frozenset({"catalytic", "international"}),
    "ACnc": frozenset({"arbitrary", "international"}),
    "NCnc": frozenset({"number"}),
    "VFr": frozenset({"fraction"}),
    "MFr": frozenset({"fraction", "substance_fraction"}),
    "SFr": frozenset({"fraction", "substance_fraction"}),
    "Time": frozenset({"time"}),
    "RelTime": frozenset({"ratio"}),
    "EntVol": frozenset({"size"}),
    "EntMass": frozenset({"size"}),
}


def unit_kind(ucum: str) -> UnitKind | None:
    """What kind of quantity a UCUM unit measures ("mg/dL" → "mass", "10*9/L" → "number"),
    None for a unit this module does not know. Never raises."""
    if _COUNT_PER_VOLUME.match(ucum.casefold()):
        return "number"
    return _KIND_OF.get(ucum)
