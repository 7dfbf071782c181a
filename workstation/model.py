"""The core's data: plain frozen dataclasses and enums, no I/O."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum


class Category(Enum):
    """What kind of result a report is."""

    LAB = "lab"
    IMAGING = "imaging"
    OTHER = "other"


class Gender(Enum):
    """Administrative gender as FHIR codes it."""

    MALE = "male"
    FEMALE = "female"
    OTHER = "other"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Hospital:
    """A hospital (FHIR Organization) with its grade and region."""

    id: str
    name: str
    level_code: str = ""  # "3A", "2B", "1" …
    level_name: str = ""  # 三级甲等 …
    region_code: str = ""


@dataclass(frozen=True)
class MedicalRecordNumber:
    """One hospital's number for the patient."""

    hospital_id: str
    value: str


@dataclass(frozen=True)
class Patient:
    """A patient as the platform knows them."""

    id: str
    name: str
    gender: Gender
    birth_date: dt.date | None
    id_card: str = ""
    phone: str = ""
    mrns: tuple[MedicalRecordNumber, ...] = ()

    def age_on(self, day: dt.date) -> int | None:
        """Age in whole years on ``day``; None without a birth date."""
        if self.birth_date is None:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass(frozen=True)
class RecognitionMark:
    """The HR mark: the printed text, its scope and the region it is valid in, kept apart."""

    mark: str  # e.g. 川HR
    scope: str  # national | province | city | alliance
    region_code: str


@dataclass(frozen=True)
class PaperOrigin:
    """How a result transcribed from a paper report came to the platform: who entered it,
    when, the issuing hospital's name as she typed it (when it is not on the platform) and
    the Binary holding the picture of the paper."""

    transcribed_by: str  # "Practitioner/…"
    transcribed_by_name: str
    transcribed_at: dt.datetime | None
    hospital_name: str = ""
    image_binary_id: str = ""  # the display copy (downscaled JPEG)


@dataclass(frozen=True)
class Result:
    """One report (FHIR DiagnosticReport) on the patient's timeline."""

    id: str
    patient_id: str
    category: Category
    item_code: str  # recognition catalog code, or a local code
    item_name: str
    hospital_id: str
    effective: dt.datetime
    issued: dt.datetime | None = None
    modality: str = ""
    conclusion: str = ""
    findings: str = ""
    mark: RecognitionMark | None = None
    observation_ids: tuple[str, ...] = ()
    imaging_study_ids: tuple[str, ...] = ()
    paper: PaperOrigin | None = None  # set for a result transcribed from paper (纸质)
    # Where the result came from: "" for the platform she signed into first; else the name
    # of the other platform, the PACS or the disc it was read from (shown on its row).
    source: str = ""


class Interpretation(Enum):
    """High/low flags of a lab value."""

    NORMAL = "N"
    HIGH = "H"
    LOW = "L"
    CRITICAL_HIGH = "HH"
    CRITICAL_LOW = "LL"
    ABNORMAL = "A"
    UNKNOWN = ""


@dataclass(frozen=True)
class LabObservation:
    """One lab value as the hospital reported it."""

    id: str
    name: str
    loinc: str
    local_code: str
    value: float | None
    unit: str  # as printed
    unit_ucum: str
    ref_low: float | None
    ref_high: float | None
    interpretation: Interpretation
    effective: dt.datetime | None
    value_text: str = ""  # non-numeric results
    hospital_id: str = ""  # the reporting hospital (performer)
    local_system: str = ""  # code system of ``local_code``
    specimen: str = ""
    method: str = ""  # the assay as reported (Observation.method), "" when not given


@dataclass(frozen=True)
class InstanceRef:
    """One DICOM instance of a study."""

    sop_instance_uid: str
    sop_class_uid: str
    number: int


@dataclass(frozen=True)
class SeriesRef:
    """One series of an imaging study."""

    uid: str
    number: int
    modality: str
    description: str
    instances: tuple[InstanceRef, ...]


@dataclass(frozen=True)
class ImagingStudyRef:
    """Where a study's images are (FHIR ImagingStudy + its DICOMweb endpoint)."""

    id: str
    study_uid: str
    started: dt.datetime | None
    description: str
    dicomweb_url: str
    series: tuple[SeriesRef, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class CatalogItem:
    """A recognized item as the platform's catalog publishes it."""

    code: str
    name: str
    category: Category
    validity_hours: int
    min_level: str
    regions: tuple[str, ...]
    price_yuan: float
    modality: str = ""
    name_en: str = ""
    analytes: tuple[str, ...] = ()  # analyte keys of a lab item (resources/labs), if listed


@dataclass(frozen=True)
class MarkRegion:
    """A region the catalog names with its HR mark text and the mark's scope."""

    code: str
    name: str
    hr_mark: str
    scope: str  # national | province | city | alliance


@dataclass(frozen=True)
class RepeatReason:
    """A coded reason to repeat an examination."""

    code: str
    label_zh: str
    label_en: str
    counts_as_refusal: bool
    needs_note: bool


@dataclass(frozen=True)
class HospitalLevel:
    """A hospital grade with its rank (higher is higher)."""

    code: str
    name: str
    rank: int


@dataclass(frozen=True)
class Catalog:
    """The recognition catalog, with the version that decisions record."""

    version: str
    items: tuple[CatalogItem, ...]
    reasons: tuple[RepeatReason, ...]
    levels: tuple[HospitalLevel, ...]
    regions: tuple[MarkRegion, ...] = ()

    def item(self, code: str) -> CatalogItem | None:
        """The item with ``code``, if the catalog lists it."""
        return next((i for i in self.items if i.code == code), None)

    def level_rank(self, code: str) -> int | None:
        """The rank of a level code, if known."""
        return next((lv.rank for lv in self.levels if lv.code == code), None)


@dataclass(frozen=True)
class UserInfo:
    """Who is signed in."""

    username: str
    display_name: str
    role: str
    practitioner: str
    organization: str
    department: str = ""
