"""The paper report she is entering: what recognition needs, the checks before it is kept,
and the Result and lab values it becomes (so the same badge rules apply as to platform
results)."""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from workstation.labs.analytes import AnalyteTable, LoincCode
from workstation.labs.normalize import recompute_flag
from workstation.labs.plausible import PlausibleRange, is_plausible, plausible_range
from workstation.labs.units import PROPERTY_KINDS, normalize_unit, unit_kind
from workstation.model import (
    Catalog,
    CatalogItem,
    Category,
    Hospital,
    LabObservation,
    PaperOrigin,
    RecognitionMark,
    Result,
)

# A sampling time a little ahead of this computer's clock is a clock difference, not the future.
CLOCK_SKEW = dt.timedelta(minutes=5)
MAX_CONCLUSION = 4000  # characters
_PROPERTY_OF_KIND = {"mass": "MCnc", "substance": "SCnc"}


@dataclass(frozen=True)
class LabEntry:
    """One lab value as she typed it from the paper (texts, checked by ``check_draft``)."""

    analyte: str  # analyte key of the analyte table ("GLU")
    value: str
    unit: str  # as printed on the paper
    ref_low: str = ""
    ref_high: str = ""


@dataclass(frozen=True)
class PaperDraft:
    """Everything entered so far; any field may still be empty. ``id`` names the report on
    the platform (``report_id``) once it is saved."""

    id: str
    patient_id: str
    hospital_id: str = ""  # a hospital of the platform …
    hospital_name: str = ""  # … or the name as printed, when the platform does not list it
    effective: dt.datetime | None = None  # examination or sampling time, timezone-aware
    item_code: str = ""
    hr_mark: bool = False  # whether the paper carries the HR mark
    mark_region: str = ""  # the region code printed with the mark
    conclusion: str = ""  # the report's conclusion as printed (imaging)
    labs: tuple[LabEntry, ...] = ()
    image_name: str = ""  # file name of the picture of the paper, "" before one is added
    rotation: int = 0  # quarter turns clockwise, 0–3
    crop: tuple[float, float, float, float] | None = None  # left, top, right, bottom (0–1)

    @property
    def report_id(self) -> str:
        """The DiagnosticReport id this draft is saved under."""
        return f"paper-{self.id}"


def new_draft(patient_id: str) -> PaperDraft:
    """An empty draft for ``patient_id`` with a fresh id."""
    return PaperDraft(id=uuid.uuid4().hex, patient_id=patient_id)


class ProblemCode(Enum):
    """Why a draft cannot be kept yet (the UI words each one)."""

    NO_IMAGE = "no_image"
    NO_HOSPITAL = "no_hospital"
    UNKNOWN_HOSPITAL = "unknown_hospital"
    NO_DATE = "no_date"
    FUTURE_DATE = "future_date"
    NO_ITEM = "no_item"
    UNKNOWN_ITEM = "unknown_item"
    NO_MARK_REGION = "no_mark_region"
    UNKNOWN_MARK_REGION = "unknown_mark_region"
    NO_VALUES = "no_values"
    CONCLUSION_TOO_LONG = "conclusion_too_long"
    # per lab row
    UNKNOWN_ANALYTE = "unknown_analyte"
    ANALYTE_NOT_IN_ITEM = "analyte_not_in_item"
    DUPLICATE_ANALYTE = "duplicate_analyte"
    NO_VALUE = "no_value"
    VALUE_NOT_NUMBER = "value_not_number"
    NO_UNIT = "no_unit"
    UNIT_UNFIT = "unit_unfit"
    IMPLAUSIBLE = "implausible"
    BAD_REFERENCE_RANGE = "bad_reference_range"


@dataclass(frozen=True)
class Problem:
    """One thing to correct; ``row`` is the lab row (0-based) for per-value problems and
    ``limits`` the plausible limits an implausible value broke."""

    code: ProblemCode
    row: int | None = None
    limits: PlausibleRange | None = None


def parse_number(text: str) -> float | None:
    """A typed number (full-width digits and "．" allowed); None when it is not one."""
    clean = unicodedata.normalize("NFKC", text).strip().replace("，", "")
    if not clean:
        return None
    try:
        value = float(clean)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def lab_code(table: AnalyteTable, key: str, unit: str) -> LoincCode | None:
    """The analyte's LOINC code that a value in ``unit`` (printed or UCUM) is of: its own
    component, a property that admits the unit's kind and a published factor for the unit
    (creatinine in µmol/L → 14682-9, in mg/dL → 2160-0). None when the unit does not fit."""
    analyte = table.analyte(key)
    ucum = normalize_unit(unit)
    if analyte is None or ucum not in table.units(key):
        return None
    kind = unit_kind(ucum)
    own = [c for c in analyte.codes if not c.component and not c.method]
    fitting = [c for c in own if kind is not None and kind in PROPERTY_KINDS.get(c.property, ())]
    # A mass unit is of the mass-concentration code, a molar unit of the substance one.
    preferred = _PROPERTY_OF_KIND.get(kind or "")
    return next((c for c in fitting if c.property == preferred), fitting[0] if fitting else None)


def _check_lab(
    table: AnalyteTable, item: CatalogItem | None, row: int, entry: LabEntry, seen: set[str]
) -> list[Problem]:
    if table.analyte(entry.analyte) is None:
        return [Problem(ProblemCode.UNKNOWN_ANALYTE, row)]
    problems = []
    if item is not None and item.analytes and entry.analyte not in item.analytes:
        problems.append(Problem(ProblemCode.ANALYTE_NOT_IN_ITEM, row))
    if entry.analyte in seen:
        problems.append(Problem(ProblemCode.DUPLICATE_ANALYTE, row))
    seen.add(entry.analyte)
    value = parse_number(entry.value)
    if not entry.value.strip():
        problems.append(Problem(ProblemCode.NO_VALUE, row))
    elif value is None:
        problems.append(Problem(ProblemCode.VALUE_NOT_NUMBER, row))
    if not entry.unit.strip():
        problems.append(Problem(ProblemCode.NO_UNIT, row))
        return problems
    if lab_code(table, entry.analyte, entry.unit) is None:
        problems.append(Problem(ProblemCode.UNIT_UNFIT, row))
        return problems
    ucum = normalize_unit(entry.unit)
    if value is not None and is_plausible(table, entry.analyte, value, ucum) is False:
        problems.append(
            Problem(ProblemCode.IMPLAUSIBLE, row, plausible_range(table, entry.analyte))
        )
    low, high = entry.ref_low.strip(), entry.ref_high.strip()
    low_value, high_value = parse_number(low), parse_number(high)
    if (
        (low and low_value is None)
        or (high and high_value is None)
        or (low_value is not None and high_value is not None and low_value > high_value)
    ):
        problems.append(Problem(ProblemCode.BAD_REFERENCE_RANGE, row))
    return problems


def check_draft(
    draft: PaperDraft,
    catalog: Catalog,
    hospitals: Mapping[str, Hospital],
    table: AnalyteTable,
    now: dt.datetime,
) -> list[Problem]:
    """What must be corrected before ``draft`` can be kept, in the order of the form; empty
    when it can. ``now`` is timezone-aware. A lab item needs at least one value; each value
    needs a number, a unit of the analyte (one the unit normalisation and the analyte's
    factors know) and must lie within the analyte's plausible limits."""
    problems: list[Problem] = []
    if not draft.image_name:
        problems.append(Problem(ProblemCode.NO_IMAGE))
    if draft.hospital_id:
        if draft.hospital_id not in hospitals:
            problems.append(Problem(ProblemCode.UNKNOWN_HOSPITAL))
    elif not draft.hospital_name.strip():
        problems.append(Problem(ProblemCode.NO_HOSPITAL))
    if draft.effective is None:
        problems.append(Problem(ProblemCode.NO_DATE))
    elif draft.effective > now + CLOCK_SKEW:
        problems.append(Problem(ProblemCode.FUTURE_DATE))
    item = catalog.item(draft.item_code) if draft.item_code else None
    if not draft.item_code:
        problems.append(Problem(ProblemCode.NO_ITEM))
    elif item is None:
        problems.append(Problem(ProblemCode.UNKNOWN_ITEM))
    if draft.hr_mark:
        if not draft.mark_region:
            problems.append(Problem(ProblemCode.NO_MARK_REGION))
        elif not any(r.code == draft.mark_region for r in catalog.regions):
            problems.append(Problem(ProblemCode.UNKNOWN_MARK_REGION))
    if len(draft.conclusion) > MAX_CONCLUSION:
        problems.append(Problem(ProblemCode.CONCLUSION_TOO_LONG))
    if item is not None and item.category is Category.LAB and not draft.labs:
        problems.append(Problem(ProblemCode.NO_VALUES))
    seen: set[str] = set()
    for row, entry in enumerate(draft.labs):
        problems.extend(_check_lab(table, item, row, entry, seen))
    return problems


def paper_mark(draft: PaperDraft, catalog: Catalog) -> RecognitionMark | None:
    """The HR mark as she recorded it (the region's mark text and scope), None without."""
    if not draft.hr_mark:
        return None
    region = next((r for r in catalog.regions if r.code == draft.mark_region), None)
    if region is None:
        return None
    return RecognitionMark(region.hr_mark, region.scope, region.code)


def paper_observations(draft: PaperDraft, table: AnalyteTable) -> list[LabObservation]:
    """The entered lab values (of a draft ``check_draft`` passed) as LabObservations, ids
    ``<report id>-<n>``, each with the LOINC code its unit is of and the flag recomputed
    against the range printed on the paper."""
    observations = []
    for row, entry in enumerate(draft.labs):
        analyte = table.analyte(entry.analyte)
        code = lab_code(table, entry.analyte, entry.unit)
        value = parse_number(entry.value)
        if analyte is None or code is None or value is None:
            raise ValueError(f"lab row {row} has not been checked")
        low, high = parse_number(entry.ref_low), parse_number(entry.ref_high)
        observations.append(
            LabObservation(
                id=f"{draft.report_id}-{row + 1}",
                name=analyte.name_zh,
                loinc=code.code,
                local_code="",
                value=value,
                unit=entry.unit.strip(),
                unit_ucum=normalize_unit(entry.unit),
                ref_low=low,
                ref_high=high,
                interpretation=recompute_flag(value, low, high),
                effective=draft.effective,
                hospital_id=draft.hospital_id,
            )
        )
    return observations


def paper_result(
    draft: PaperDraft,
    catalog: Catalog,
    origin: PaperOrigin,
) -> Result:
    """The Result a checked draft becomes: the item, hospital, time and the HR mark as she
    recorded them, so ``validity.assess`` gives it the badge a platform result would get."""
    item = catalog.item(draft.item_code)
    if item is None or draft.effective is None:
        raise ValueError("the draft has not been checked")
    return Result(
        id=draft.report_id,
        patient_id=draft.patient_id,
        category=item.category,
        item_code=item.code,
        item_name=item.name,
        hospital_id=draft.hospital_id,
        effective=draft.effective,
        issued=None,
        modality=item.modality,
        conclusion=draft.conclusion.strip(),
        mark=paper_mark(draft, catalog),
        observation_ids=tuple(f"{draft.report_id}-{n + 1}" for n in range(len(draft.labs))),
        paper=origin,
    )
