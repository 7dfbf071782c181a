"""Synthetic, anatomically plausible DICOM data for the sandbox platform.

Every object is generated from an analytic phantom with numpy: no real patient data is used.
Everything is deterministic: the same ``seed`` and the same patient/study tags give the same
UIDs and byte-identical pixel data (and files).

Files are DICOM Part 10 (preamble, file meta information) and are laid out as
``out_dir/<SeriesInstanceUID>/<SOPInstanceUID>.dcm``. Text is UTF-8
(SpecificCharacterSet ``ISO_IR 192``); the patient name carries an alphabetic (pinyin) and
an ideographic (汉字) component group, as in the standard's Chinese example
``Wang^XiaoDong=王^小東=``.

Coordinates follow DICOM's patient system (LPS, mm): +x to the patient's left, +y posterior,
+z towards the head.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import math
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
from pydicom import dcmread
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.sequence import Sequence
from pydicom.tag import Tag
from pydicom.uid import (
    JPEG2000,
    PYDICOM_ROOT_UID,
    UID,
    ComputedRadiographyImageStorage,
    CTImageStorage,
    DeflatedExplicitVRLittleEndian,
    DigitalXRayImageStorageForPresentation,
    ExplicitVRBigEndian,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    JPEG2000Lossless,
    JPEGBaseline8Bit,
    JPEGExtended12Bit,
    JPEGLosslessSV1,
    JPEGLSLossless,
    JPEGLSNearLossless,
    MRImageStorage,
    RLELossless,
    SecondaryCaptureImageStorage,
    UltrasoundImageStorage,
    UltrasoundMultiFrameImageStorage,
    generate_uid,
)
from pydicom.valuerep import format_number_as_ds

__all__ = [
    "InstanceInfo",
    "PatientTags",
    "StudyTags",
    "write_ct_series",
    "write_mr_series",
    "write_radiograph",
    "write_transfer_syntax_set",
    "write_ultrasound_cine",
]

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]

_UID_ROOT: Final = PYDICOM_ROOT_UID
_MANUFACTURER: Final = "HR-Sandbox"
_MODEL: Final = "HR-Sandbox Phantom"
_SOFTWARE: Final = "hr-sandbox imaging 1.0"
_CHARSET: Final = "ISO_IR 192"
_IMPLEMENTATION_CLASS_UID: Final = generate_uid(
    prefix=_UID_ROOT, entropy_srcs=["HR-Sandbox", "implementation class", "1"]
)
_IMPLEMENTATION_VERSION_NAME: Final = "HR_SANDBOX_1"
_ID_CARD_ISSUER: Final = "CN-RIC"

# Two-character Chinese family names; anything else is split after the first character.
_COMPOUND_SURNAMES_TEXT: Final = (
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 令狐 夏侯 司徒 端木 长孙 宇文 独孤 南宫 "
    "西门 轩辕 钟离 呼延 澹台 申屠 万俟 闻人 赫连 太史 濮阳 公羊 淳于 单于 百里 东郭"
)
_COMPOUND_SURNAMES: Final = frozenset(_COMPOUND_SURNAMES_TEXT.split())


# --------------------------------------------------------------------------------------------
# Public data types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PatientTags:
    """Patient identity written into the Patient module of every generated object."""

    patient_id: str  # hospital MRN -> PatientID
    name_zh: str  # e.g. "张伟" (optionally "张^伟") -> ideographic PN group
    name_pinyin: str  # e.g. "Zhang^Wei" -> alphabetic PN group ("" = Chinese only)
    birth_date: datetime.date
    sex: str  # "M" | "F" | "O"
    id_card: str  # 18-character 身份证 -> OtherPatientIDsSequence (issuer "CN-RIC")


@dataclass(frozen=True)
class StudyTags:
    """Study-level tags shared by every series written for one study."""

    study_uid: str
    accession: str
    study_date: datetime.date  # StudyDate / SeriesDate / ContentDate
    institution: str  # Chinese hospital name -> InstitutionName
    description: str  # StudyDescription
    referring: str = ""  # ReferringPhysicianName (PN, "" allowed: type 2)


@dataclass(frozen=True)
class InstanceInfo:
    """What was written for one SOP instance (one file)."""

    path: Path
    study_uid: str
    series_uid: str
    sop_instance_uid: str
    sop_class_uid: str
    transfer_syntax_uid: str
    modality: str
    series_number: int
    series_description: str
    instance_number: int
    rows: int
    columns: int
    number_of_frames: int


# --------------------------------------------------------------------------------------------
# Small helpers: UIDs, random streams, validation, text
# --------------------------------------------------------------------------------------------


def _uid(*parts: object) -> UID:
    """Deterministic UID under the pydicom root, derived from ``parts``."""
    return generate_uid(prefix=_UID_ROOT, entropy_srcs=["hr-sandbox", *(str(p) for p in parts)])


def _rng(seed: int, purpose: str) -> np.random.Generator:
    """Independent, reproducible random stream for one purpose."""
    return np.random.default_rng([seed, zlib.crc32(purpose.encode("utf-8"))])


def _ds(value: float) -> str:
    """Format a number as a valid DS string (at most 16 characters)."""
    return format_number_as_ds(float(round(value, 6)))


def _check_len(what: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise ValueError(f"{what} is longer than {limit} characters: {value!r}")


def _check_inputs(patient: PatientTags, study: StudyTags, seed: int, series_number: int) -> None:
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    if not 0 <= series_number <= 99_999:
        raise ValueError(f"series_number must be in 0..99999, got {series_number}")
    if patient.sex not in ("M", "F", "O"):
        raise ValueError(f"sex must be 'M', 'F' or 'O', got {patient.sex!r}")
    if not patient.patient_id:
        raise ValueError("patient_id must not be empty")
    _check_len("patient_id", patient.patient_id, 64)
    _check_len("id_card", patient.id_card, 64)
    if not patient.name_zh and not patient.name_pinyin:
        raise ValueError("a patient needs name_zh or name_pinyin")
    for part in (*patient.name_pinyin.split("^"), *patient.name_zh.split("^")):
        _check_len("patient name component", part, 64)
    if patient.birth_date > study.study_date:
        raise ValueError("birth_date is after study_date")
    uid = UID(study.study_uid)
    if not uid.is_valid:
        raise ValueError(f"study_uid is not a valid UID: {study.study_uid!r}")
    _check_len("accession", study.accession, 16)
    _check_len("institution", study.institution, 64)
    _check_len("description", study.description, 64)
    _check_len("referring", study.referring, 64)


def _chinese_pn(name_zh: str) -> str:
    """Split a Chinese full name into ``family^given`` (compound surnames respected)."""
    if "^" in name_zh or len(name_zh) < 2:
        return name_zh
    n = 2 if name_zh[:2] in _COMPOUND_SURNAMES and len(name_zh) > 2 else 1
    return f"{name_zh[:n]}^{name_zh[n:]}"


def _patient_name(patient: PatientTags) -> str:
    zh = _chinese_pn(patient.name_zh)
    if not patient.name_pinyin:
        return zh
    if not zh:
        return patient.name_pinyin
    return f"{patient.name_pinyin}={zh}"


def _age(birth: datetime.date, on: datetime.date) -> str:
    """DICOM AS string, e.g. ``045Y`` (months below two years, days below one month)."""
    years = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    if years >= 2:
        return f"{min(years, 999):03d}Y"
    months = (on.year - birth.year) * 12 + on.month - birth.month - (on.day < birth.day)
    if months >= 1:
        return f"{months:03d}M"
    return f"{(on - birth).days:03d}D"


def _study_time(study: StudyTags) -> datetime.datetime:
    """Fixed study start (08:00-16:59) derived from the Study Instance UID.

    Derived from the study, not the seed, so that every series of one study agrees even if the
    caller uses a different seed per series.
    """
    digest = hashlib.sha256(study.study_uid.encode("ascii")).digest()
    seconds = 8 * 3600 + int.from_bytes(digest[:4], "big") % (9 * 3600)
    return datetime.datetime.combine(study.study_date, datetime.time()) + datetime.timedelta(
        seconds=seconds
    )


# --------------------------------------------------------------------------------------------
# Dataset construction shared by all objects
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Series:
    patient: PatientTags
    study: StudyTags
    series_uid: UID
    series_number: int
    description: str
    modality: str
    sop_class_uid: UID
    body_part: str
    start: datetime.datetime  # SeriesTime / AcquisitionTime


def _series(
    patient: PatientTags,
    study: StudyTags,
    *,
    seed: int,
    kind: str,
    modality: str,
    sop_class_uid: UID,
    series_number: int,
    description: str,
    body_part: str,
) -> _Series:
    series_uid = _uid("series", kind, study.study_uid, patient.patient_id, series_number, seed)
    offset = datetime.timedelta(minutes=2 * (series_number % 120), seconds=17 * (seed % 3))
    return _Series(
        patient=patient,
        study=study,
        series_uid=series_uid,
        series_number=series_number,
        description=description,
        modality=modality,
        sop_class_uid=sop_class_uid,
        body_part=body_part,
        start=_study_time(study) + offset,
    )


def _base_dataset(series: _Series, instance_number: int, content_offset_s: float = 0.0) -> Dataset:
    """Patient, General Study, General Series, General Equipment, General Image, SOP Common."""
    p, st = series.patient, series.study
    ds = Dataset()
    ds.SpecificCharacterSet = _CHARSET
    # SOP Common
    ds.SOPClassUID = series.sop_class_uid
    ds.SOPInstanceUID = _uid("sop", series.series_uid, instance_number)
    study_start = _study_time(st)
    content = series.start + datetime.timedelta(seconds=content_offset_s)
    ds.InstanceCreationDate = content.strftime("%Y%m%d")
    ds.InstanceCreationTime = content.strftime("%H%M%S")
    ds.TimezoneOffsetFromUTC = "+0800"
    # Patient
    ds.PatientName = _patient_name(p)
    ds.PatientID = p.patient_id
    ds.IssuerOfPatientID = st.institution
    ds.TypeOfPatientID = "TEXT"
    ds.PatientBirthDate = p.birth_date.strftime("%Y%m%d")
    ds.PatientSex = p.sex
    other = Dataset()
    other.PatientID = p.id_card
    other.IssuerOfPatientID = _ID_CARD_ISSUER
    other.TypeOfPatientID = "TEXT"
    ds.OtherPatientIDsSequence = Sequence([other])
    # General Study + Patient Study
    ds.StudyInstanceUID = st.study_uid
    ds.StudyDate = st.study_date.strftime("%Y%m%d")
    ds.StudyTime = study_start.strftime("%H%M%S")
    ds.AccessionNumber = st.accession
    ds.ReferringPhysicianName = st.referring
    ds.StudyID = st.accession[-16:] if st.accession else "1"
    ds.StudyDescription = st.description
    ds.PatientAge = _age(p.birth_date, st.study_date)
    # General Series
    ds.Modality = series.modality
    ds.SeriesInstanceUID = series.series_uid
    ds.SeriesNumber = series.series_number
    ds.SeriesDate = series.start.strftime("%Y%m%d")
    ds.SeriesTime = series.start.strftime("%H%M%S")
    ds.SeriesDescription = series.description
    if series.body_part:
        ds.BodyPartExamined = series.body_part
    # General Equipment
    ds.Manufacturer = _MANUFACTURER
    ds.InstitutionName = st.institution
    ds.StationName = f"HRSBX{series.modality}01"
    ds.ManufacturerModelName = _MODEL
    ds.DeviceSerialNumber = f"HRS-{series.modality}-0001"
    ds.SoftwareVersions = _SOFTWARE
    # General Image / General Acquisition
    ds.InstanceNumber = instance_number
    ds.ContentDate = content.strftime("%Y%m%d")
    ds.ContentTime = content.strftime("%H%M%S")
    ds.AcquisitionDate = series.start.strftime("%Y%m%d")
    ds.AcquisitionTime = series.start.strftime("%H%M%S")
    ds.AcquisitionNumber = 1
    ds.BurnedInAnnotation = "NO"
    return ds


def _mono_pixel_module(
    ds: Dataset, rows: int, columns: int, bits_stored: int, signed: bool, photometric: str
) -> None:
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = photometric
    ds.Rows = rows
    ds.Columns = columns
    ds.BitsAllocated = 16 if bits_stored > 8 else 8
    ds.BitsStored = bits_stored
    ds.HighBit = bits_stored - 1
    ds.PixelRepresentation = 1 if signed else 0


def _rgb_pixel_module(ds: Dataset, rows: int, columns: int, photometric: str = "RGB") -> None:
    ds.SamplesPerPixel = 3
    ds.PhotometricInterpretation = photometric
    ds.PlanarConfiguration = 0
    ds.Rows = rows
    ds.Columns = columns
    ds.BitsAllocated = 8
    ds.BitsStored = 8
    ds.HighBit = 7
    ds.PixelRepresentation = 0


def _file_meta(ds: Dataset, transfer_syntax: UID) -> None:
    meta = FileMetaDataset()
    meta.FileMetaInformationVersion = b"\x00\x01"
    meta.MediaStorageSOPClassUID = ds.SOPClassUID
    meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    meta.TransferSyntaxUID = transfer_syntax
    meta.ImplementationClassUID = _IMPLEMENTATION_CLASS_UID
    meta.ImplementationVersionName = _IMPLEMENTATION_VERSION_NAME
    meta.SourceApplicationEntityTitle = "HR_SANDBOX"
    ds.file_meta = meta


def _set_encapsulated(ds: Dataset, frames: list[bytes]) -> None:
    ds.PixelData = encapsulate(frames)
    elem = ds["PixelData"]
    elem.VR = "OB"
    elem.is_undefined_length = True


def _save(ds: Dataset, out_dir: Path) -> InstanceInfo:
    """Write ``ds`` (which must carry file meta) as Part 10 and describe it."""
    path = Path(out_dir) / str(ds.SeriesInstanceUID) / f"{ds.SOPInstanceUID}.dcm"
    path.parent.mkdir(parents=True, exist_ok=True)
    ds.save_as(path, enforce_file_format=True)
    return InstanceInfo(
        path=path,
        study_uid=str(ds.StudyInstanceUID),
        series_uid=str(ds.SeriesInstanceUID),
        sop_instance_uid=str(ds.SOPInstanceUID),
        sop_class_uid=str(ds.SOPClassUID),
        transfer_syntax_uid=str(ds.file_meta.TransferSyntaxUID),
        modality=str(ds.Modality),
        series_number=int(ds.SeriesNumber),
        series_description=str(ds.get("SeriesDescription", "")),
        instance_number=int(ds.InstanceNumber),
        rows=int(ds.Rows),
        columns=int(ds.Columns),
        number_of_frames=int(ds.get("NumberOfFrames", 1)),
    )


def _shuffled(n: int, rng: np.random.Generator) -> list[int]:
    """A permutation of range(n) that is never the identity (for n > 1)."""
    order = [int(i) for i in rng.permutation(n)]
    if n > 1 and order == sorted(order):
        order[0], order[-1] = order[-1], order[0]
    return order


# --------------------------------------------------------------------------------------------
# Analytic 2-D painter for axial phantoms (CT, MR)
# --------------------------------------------------------------------------------------------

Profile = Callable[[float], float]


def _always(_h: float) -> float:
    return 1.0


def _ellipsoid(zc: float, zh: float) -> Profile:
    """In-plane scale of an ellipsoid centred at ``zc`` with half-length ``zh`` (mm)."""

    def scale(h: float) -> float:
        t = (h - zc) / zh
        return math.sqrt(1.0 - t * t) if abs(t) < 1.0 else 0.0

    return scale


def _zrange(lo: float, hi: float) -> Profile:
    def scale(h: float) -> float:
        return 1.0 if lo <= h <= hi else 0.0

    return scale


def _periodic(period: float, phase: float, lo: float, hi: float) -> Profile:
    """Rib-like presence: a cross-section that grows and vanishes periodically along z."""

    def scale(h: float) -> float:
        if not lo <= h <= hi:
            return 0.0
        return min(1.0, max(0.0, (math.sin(2 * math.pi * h / period + phase) - 0.25) * 3.0))

    return scale


def _bands(period: float, centre: float, width: float) -> Profile:
    """Present only in bands of ``width`` mm every ``period`` mm (intervertebral discs)."""

    def scale(h: float) -> float:
        d = (h - centre) % period
        return 1.0 if min(d, period - d) <= width / 2 else 0.0

    return scale


@dataclass(frozen=True)
class _Blob:
    """Elliptic structure: centre and semi-axes in mm, value in output units."""

    cx: float
    cy: float
    ax: float
    ay: float
    value: float
    angle: float = 0.0  # degrees, rotates the x semi-axis towards +y
    profile: Profile = _always
    lung_only: bool = False  # paint only over aerated lung (for vessels inside the lung)


@dataclass(frozen=True)
class _Grid:
    size: int
    spacing: float  # mm

    @property
    def origin(self) -> float:
        """Coordinate (mm) of the first pixel centre along x and y; the image is centred."""
        return -self.size * self.spacing / 2 + self.spacing / 2

    def coords(self) -> F64:
        return self.origin + self.spacing * np.arange(self.size, dtype=np.float64)


@dataclass(frozen=True)
class _Prepared:
    blob: _Blob
    rows: slice
    cols: slice
    r: F32  # normalised elliptic radius inside the bounding box
    sharp: float  # pixels per unit of r at the boundary


def _prepare(blob: _Blob, grid: _Grid) -> _Prepared | None:
    c = grid.coords()
    ext = max(blob.ax, blob.ay) + 2 * grid.spacing
    c0, c1 = np.searchsorted(c, [blob.cx - ext, blob.cx + ext])
    r0, r1 = np.searchsorted(c, [blob.cy - ext, blob.cy + ext])
    if c1 <= c0 or r1 <= r0:
        return None
    u = (c[c0:c1] - blob.cx)[None, :]
    v = (c[r0:r1] - blob.cy)[:, None]
    ca, sa = math.cos(math.radians(blob.angle)), math.sin(math.radians(blob.angle))
    xr = (u * ca + v * sa) / blob.ax
    yr = (-u * sa + v * ca) / blob.ay
    r = np.sqrt(xr * xr + yr * yr).astype(np.float32)
    sharp = math.sqrt(blob.ax * blob.ay) / grid.spacing
    return _Prepared(blob, slice(int(r0), int(r1)), slice(int(c0), int(c1)), r, sharp)


def _paint(img: F32, prep: _Prepared, scale: float) -> None:
    """Composite the blob (scaled in-plane by ``scale``) over ``img`` with a 1-pixel soft edge."""
    if scale <= 0.0:
        return
    sub = img[prep.rows, prep.cols]
    cov = (np.float32(scale) - prep.r) * np.float32(prep.sharp)
    cov += np.float32(0.5)
    np.clip(cov, 0.0, 1.0, out=cov)
    if prep.blob.lung_only:
        cov *= sub < -400.0
    sub += (np.float32(prep.blob.value) - sub) * cov


def _paint_disc(
    img: F32, grid: _Grid, cx: float, cy: float, radius: float, value: float, lung_only: bool
) -> None:
    """Small disc computed on the fly (used for many tiny moving structures)."""
    prep = _prepare(_Blob(cx, cy, radius, radius, value, lung_only=lung_only), grid)
    if prep is not None:
        _paint(img, prep, 1.0)


# --------------------------------------------------------------------------------------------
# CT chest phantom (values in HU)
# --------------------------------------------------------------------------------------------

_HU_AIR: Final = -1000.0
_HU_FAT: Final = -100.0
_HU_SOFT: Final = 40.0
_HU_LUNG: Final = -850.0
_HU_BONE: Final = 750.0  # vertebral body (cancellous, deliberately dense: a phantom)
_HU_CORTEX: Final = 1000.0
_CT_NOISE_HU: Final = 8.0
_CT_FOV_MM: Final = 360.0
_CT_TABLE_Z_MM: Final = -250.0  # table coordinate of the scan centre (anatomical h = 0)

# Landmarks at the scan centre (h = 0), away from edges: (x mm, y mm, expected HU).
_CT_LANDMARKS: Final[dict[str, tuple[float, float, float]]] = {
    "air": (0.0, -160.0, _HU_AIR),
    "fat": (-160.0, 0.0, _HU_FAT),
    "lung": (-100.0, 25.0, _HU_LUNG),
    "soft_tissue": (22.0, 38.0, 45.0),  # descending aorta (unenhanced blood)
    "bone": (0.0, 55.0, _HU_BONE),
}


def _ct_static_blobs() -> list[_Blob]:
    return [
        _Blob(0, 0, 170, 120, _HU_FAT),  # body outline: subcutaneous fat
        _Blob(0, 0, 150, 108, _HU_SOFT),  # chest wall muscle and everything inside
    ]


def _ct_dynamic_blobs(rng: np.random.Generator) -> list[_Blob]:
    lung_z = _ellipsoid(-20, 135)
    blobs = [
        _Blob(0, -35, 38, 62, -90.0, profile=_ellipsoid(5, 115)),  # mediastinal fat
        _Blob(-75, -5, 60, 85, _HU_LUNG, profile=lung_z),  # right lung
        _Blob(75, -5, 58, 85, _HU_LUNG, profile=lung_z),  # left lung
        _Blob(0, 12, 9, 9, _HU_AIR, profile=_zrange(8, 200)),  # trachea
        _Blob(-17, 10, 6, 6, _HU_AIR, profile=_zrange(-18, 8)),  # right main bronchus
        _Blob(17, 10, 6, 6, _HU_AIR, profile=_zrange(-22, 8)),  # left main bronchus
        _Blob(5, -32, 15, 15, 45.0, profile=_zrange(-40, 45)),  # ascending aorta
        _Blob(13, 3, 14, 40, 45.0, angle=-14, profile=_zrange(45, 60)),  # aortic arch
        _Blob(22, 38, 12, 12, 45.0, profile=_zrange(-400, 58)),  # descending aorta
        _Blob(-22, -28, 10, 10, 40.0, profile=_zrange(-25, 100)),  # superior vena cava
        _Blob(25, -35, 64, 52, -90.0, angle=25, profile=_ellipsoid(-65, 58)),  # epicardial fat
        _Blob(25, -35, 60, 48, _HU_SOFT, angle=25, profile=_ellipsoid(-65, 55)),  # heart
        _Blob(-55, 5, 85, 82, 60.0, profile=_ellipsoid(-190, 125)),  # liver (right dome)
        _Blob(-75, -5, 12, 12, 12.0, profile=_ellipsoid(-115, 12)),  # hepatic cyst
        _Blob(85, 45, 30, 45, 50.0, angle=-30, profile=_ellipsoid(-180, 85)),  # spleen
        _Blob(50, -40, 45, 35, 28.0, profile=_ellipsoid(-175, 85)),  # stomach
        _Blob(48, -60, 20, 8, _HU_AIR, profile=_ellipsoid(-128, 16)),  # gastric air
        # thoracic spine: cortex, cancellous body, discs, pedicles, posterior elements, canal
        _Blob(0, 55, 19, 17, _HU_CORTEX),
        _Blob(0, 55, 16, 14, _HU_BONE),
        _Blob(0, 55, 19, 17, 80.0, profile=_bands(28, 14, 6)),
        _Blob(-12, 72, 5, 9, _HU_CORTEX),
        _Blob(12, 72, 5, 9, _HU_CORTEX),
        _Blob(0, 93, 7, 15, _HU_CORTEX),
        _Blob(0, 76, 9, 8, 10.0),  # spinal canal (CSF)
        _Blob(0, -101, 14, 5, 800.0, profile=_zrange(-90, 90)),  # sternum
    ]
    # ribs: oblique cross-sections along the chest wall, appearing periodically along z
    for deg in range(10, 360, 20):
        if abs(deg - 90) < 25 or abs(deg - 270) < 20:
            continue
        t = math.radians(deg)
        x, y = 150 * 0.95 * math.cos(t), 108 * 0.95 * math.sin(t)
        tangent = math.degrees(math.atan2(108 * math.cos(t), -150 * math.sin(t)))
        phase = deg / 57.0 + (0.8 if x < 0 else 0.0)
        blobs.append(
            _Blob(x, y, 8, 4, 900.0, angle=tangent, profile=_periodic(34, phase, -140, 115))
        )
    # lung nodules (seeded): anterior lung zones only, so posterior landmarks stay clean
    for _ in range(3):
        side = -1.0 if rng.random() < 0.5 else 1.0
        x = side * float(rng.uniform(55, 95))
        y = float(rng.uniform(-55, -30))
        zc = float(rng.uniform(-60, 90))
        radius = float(rng.uniform(3, 8))
        blobs.append(_Blob(x, y, radius, radius, 35.0, profile=_ellipsoid(zc, radius)))
    return blobs


@dataclass(frozen=True)
class _Vessels:
    x0: F64
    y0: F64
    h0: F64
    vx: F64
    vy: F64
    half: F64
    hilum_x: F64


def _ct_vessels(rng: np.random.Generator, n: int = 160) -> _Vessels:
    side = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    hilum_x = side * 35.0
    ang = rng.uniform(-math.pi, math.pi, n)
    dist = rng.uniform(20, 95, n)
    return _Vessels(
        x0=hilum_x + np.abs(np.cos(ang)) * dist * side,
        y0=np.sin(ang) * dist * 0.8,
        h0=rng.uniform(-120, 100, n),
        vx=side * rng.uniform(0.1, 0.6, n),
        vy=rng.uniform(-0.4, 0.4, n),
        half=rng.uniform(8, 25, n),
        hilum_x=hilum_x,
    )


class _CTPhantom:
    """Chest phantom; ``slice_hu(h)`` gives the noise-free axial slice at ``h`` mm from centre."""

    def __init__(self, size: int, seed: int) -> None:
        self.grid = _Grid(size, _CT_FOV_MM / size)
        rng = _rng(seed, "ct-phantom")
        base = np.full((size, size), _HU_AIR, dtype=np.float32)
        c = self.grid.coords()
        # carbon-fibre table top and foam pad below the patient
        cols = np.abs(c) < 165
        base[np.ix_((c > 121) & (c < 136), cols)] = -950.0
        base[np.ix_((c >= 136) & (c < 143), cols)] = 250.0
        for blob in _ct_static_blobs():
            prep = _prepare(blob, self.grid)
            if prep is not None:
                _paint(base, prep, 1.0)
        self.base = base
        self.dynamic = [p for b in _ct_dynamic_blobs(rng) if (p := _prepare(b, self.grid))]
        self.vessels = _ct_vessels(rng)

    def slice_hu(self, h: float) -> F32:
        img = self.base.copy()
        for prep in self.dynamic:
            _paint(img, prep, prep.blob.profile(h))
        v = self.vessels
        active = np.nonzero(np.abs(h - v.h0) < v.half)[0]
        for i in active:
            dh = h - v.h0[i]
            x = v.x0[i] + v.vx[i] * dh
            y = v.y0[i] + v.vy[i] * dh
            radius = max(0.9, 3.2 - 0.03 * math.hypot(x - v.hilum_x[i], y))
            _paint_disc(img, self.grid, x, y, radius, 40.0, lung_only=True)
        return img


def _ct_dataset(
    series: _Series,
    phantom: _CTPhantom,
    *,
    index: int,
    h: float,
    thickness: float,
    images_in_acquisition: int,
    frame_of_reference: UID,
    seed: int,
) -> Dataset:
    """One axial CT slice at anatomical height ``h`` (mm), pixel data uncompressed LE int16."""
    grid = phantom.grid
    z = _CT_TABLE_Z_MM + h
    img = phantom.slice_hu(h)
    # noise stream keyed by slice index, so the write order cannot change the pixels
    noise = _rng(seed, f"ct-noise-{index}").standard_normal(img.shape, dtype=np.float32)
    img += noise * np.float32(_CT_NOISE_HU)
    stored = np.clip(np.rint(img) + 1024.0, 0, 4095).astype("<i2")
    ds = _base_dataset(series, index + 1, content_offset_s=0.35 * index)
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.PatientPosition = "HFS"
    ds.FrameOfReferenceUID = frame_of_reference
    ds.PositionReferenceIndicator = ""
    ds.PixelSpacing = [_ds(grid.spacing), _ds(grid.spacing)]
    ds.ImageOrientationPatient = ["1", "0", "0", "0", "1", "0"]
    ds.ImagePositionPatient = [_ds(grid.origin), _ds(grid.origin), _ds(z)]
    ds.SliceThickness = _ds(thickness)
    ds.SpacingBetweenSlices = _ds(thickness)
    ds.SliceLocation = _ds(z)
    ds.KVP = "120"
    ds.XRayTubeCurrent = 200
    ds.ExposureTime = 500
    ds.Exposure = 100
    ds.ConvolutionKernel = "STANDARD"
    ds.ReconstructionDiameter = _ds(_CT_FOV_MM)
    ds.DataCollectionDiameter = "500"
    ds.GantryDetectorTilt = "0"
    ds.TableHeight = "160"
    ds.RotationDirection = "CW"
    ds.ImagesInAcquisition = images_in_acquisition
    _mono_pixel_module(ds, grid.size, grid.size, 16, signed=True, photometric="MONOCHROME2")
    ds.RescaleIntercept = "-1024"
    ds.RescaleSlope = "1"
    ds.RescaleType = "HU"
    ds.WindowCenter = ["40", "-600"]
    ds.WindowWidth = ["400", "1500"]
    ds.WindowCenterWidthExplanation = ["MEDIASTINUM", "LUNG"]
    ds.LossyImageCompression = "00"
    ds.PixelData = stored.tobytes()
    _file_meta(ds, ExplicitVRLittleEndian)
    return ds


def write_ct_series(
    out_dir: Path,
    patient: PatientTags,
    study: StudyTags,
    *,
    slices: int = 220,
    size: int = 512,
    slice_thickness_mm: float = 1.25,
    seed: int = 0,
    series_number: int = 1,
) -> list[InstanceInfo]:
    """Write an axial chest CT series (CT Image Storage, explicit VR little endian).

    Content: analytic chest phantom in Hounsfield units - air -1000, subcutaneous fat -100,
    soft tissue / unenhanced blood 40-60, aerated lung -850 with vessels, spine (cancellous
    750, cortex 1000, discs), ribs, sternum, heart, liver with a cyst, spleen, stomach, seeded
    lung nodules - plus Gaussian noise (std 8 HU). Stored int16 with RescaleIntercept -1024
    and RescaleSlope 1, so stored = HU + 1024 (clipped to 0..4095).

    Geometry (mm): ``size`` x ``size`` pixels over a 360 mm field of view (PixelSpacing
    0.703 at 512), ImageOrientationPatient 1\\0\\0\\0\\1\\0, contiguous slices of
    ``slice_thickness_mm`` (SliceThickness = SpacingBetweenSlices) centred on z = -250;
    InstanceNumber 1 is the most cranial slice and z decreases by the thickness per instance.
    One FrameOfReferenceUID for the series. Windows: 40/400 (mediastinum), -600/1500 (lung).

    The files are written - and returned - in a shuffled order unrelated to InstanceNumber,
    and file names are ``<SOPInstanceUID>.dcm``, so neither order matches the geometry.

    Raises ValueError for ``slices`` < 1, ``size`` < 16, a non-positive thickness, a negative
    seed, or tag values DICOM cannot hold (see PatientTags/StudyTags).
    """
    _check_inputs(patient, study, seed, series_number)
    if slices < 1 or size < 16 or slice_thickness_mm <= 0:
        raise ValueError("need slices >= 1, size >= 16 and slice_thickness_mm > 0")
    series = _series(
        patient,
        study,
        seed=seed,
        kind="CT",
        modality="CT",
        sop_class_uid=CTImageStorage,
        series_number=series_number,
        description=f"胸部平扫 {_ds(slice_thickness_mm)}mm",
        body_part="CHEST",
    )
    frame_of_reference = _uid("for", series.series_uid)
    phantom = _CTPhantom(size, seed)
    results: list[InstanceInfo] = []
    for k in _shuffled(slices, _rng(seed, "ct-order")):
        h = (slices - 1) * slice_thickness_mm / 2 - k * slice_thickness_mm
        ds = _ct_dataset(
            series,
            phantom,
            index=k,
            h=h,
            thickness=slice_thickness_mm,
            images_in_acquisition=slices,
            frame_of_reference=frame_of_reference,
            seed=seed,
        )
        results.append(_save(ds, out_dir))
    return results


# --------------------------------------------------------------------------------------------
# MR head phantom (T1-weighted look, arbitrary units 0..4095)
# --------------------------------------------------------------------------------------------

_MR_FOV_MM: Final = 230.0
_MR_THICKNESS_MM: Final = 5.0
_MR_SPACING_MM: Final = 6.0
_MR_TABLE_Z_MM: Final = 40.0
_MR_NOISE: Final = 14.0


class _MRPhantom:
    """Axial head phantom: scalp fat, skull, CSF, gyrated grey/white matter, ventricles, eyes."""

    def __init__(self, size: int) -> None:
        self.grid = _Grid(size, _MR_FOV_MM / size)
        blobs = [
            _Blob(0, 3, 82, 102, 850.0, profile=_ellipsoid(-10, 100)),  # scalp, subcutaneous fat
            _Blob(0, 3, 76, 96, 70.0, profile=_ellipsoid(-10, 94)),  # skull (cortical bone)
            _Blob(0, 3, 73, 93, 480.0, profile=_ellipsoid(-8, 91)),  # diploe (marrow)
            _Blob(0, 3, 71, 91, 60.0, profile=_ellipsoid(-8, 89)),  # inner table
            _Blob(0, 3, 69, 89, 220.0, profile=_ellipsoid(-6, 87)),  # subarachnoid CSF
        ]
        self.outer = [p for b in blobs if (p := _prepare(b, self.grid))]
        c = self.grid.coords()
        x = c[None, :]
        y = c[:, None] - 3.0
        self.theta = np.arctan2(y, x).astype(np.float32)
        self.r_gm = np.sqrt((x / 67.0) ** 2 + (y / 87.0) ** 2).astype(np.float32)
        self.r_wm = np.sqrt((x / 55.0) ** 2 + (y / 75.0) ** 2).astype(np.float32)
        self.gm_z = _ellipsoid(-4, 84)
        self.wm_z = _ellipsoid(4, 68)
        inner = [
            _Blob(-18, 6, 9, 15, 600.0, profile=_ellipsoid(6, 14)),  # deep grey (thalamus)
            _Blob(18, 6, 9, 15, 600.0, profile=_ellipsoid(6, 14)),
            _Blob(-10, -6, 6, 28, 220.0, angle=8, profile=_ellipsoid(20, 20)),  # lateral ventr.
            _Blob(10, -6, 6, 28, 220.0, angle=-8, profile=_ellipsoid(20, 20)),
            _Blob(0, 6, 2.5, 10, 220.0, profile=_ellipsoid(2, 10)),  # third ventricle
            _Blob(0, 22, 12, 14, 720.0, profile=_ellipsoid(-52, 28)),  # brainstem
            _Blob(-30, -62, 15, 17, 850.0, profile=_ellipsoid(-48, 16)),  # orbital fat
            _Blob(30, -62, 15, 17, 850.0, profile=_ellipsoid(-48, 16)),
            _Blob(-30, -66, 11, 11, 160.0, profile=_ellipsoid(-48, 11)),  # globes (vitreous)
            _Blob(30, -66, 11, 11, 160.0, profile=_ellipsoid(-48, 11)),
        ]
        self.inner = [p for b in inner if (p := _prepare(b, self.grid))]
        self.bias = (1.0 + 0.12 * (c[:, None] / 115.0) - 0.05 * (c[None, :] / 115.0) ** 2).astype(
            np.float32
        )

    def _gyral(self, img: F32, r: F32, scale: float, amp: float, h: float, value: float) -> None:
        if scale <= 0.0:
            return
        th = self.theta
        folds = np.sin(9.0 * th + 0.045 * h) * 0.6 + np.sin(17.0 * th - 0.07 * h + 1.0) * 0.4
        bound = np.float32(scale) * (1.0 + np.float32(amp) * folds)
        cov = (bound - r) * np.float32(60.0 / self.grid.spacing) + np.float32(0.5)
        np.clip(cov, 0.0, 1.0, out=cov)
        img += (np.float32(value) - img) * cov

    def slice_signal(self, h: float) -> F32:
        n = self.grid.size
        img = np.zeros((n, n), dtype=np.float32)
        for prep in self.outer:
            _paint(img, prep, prep.blob.profile(h))
        self._gyral(img, self.r_gm, self.gm_z(h), 0.03, h, 560.0)
        self._gyral(img, self.r_wm, self.wm_z(h), 0.10, h, 780.0)
        for prep in self.inner:
            _paint(img, prep, prep.blob.profile(h))
        img *= self.bias
        return img


def _mr_dataset(
    series: _Series,
    phantom: _MRPhantom,
    *,
    index: int,
    h: float,
    images_in_acquisition: int,
    frame_of_reference: UID,
    seed: int,
) -> Dataset:
    grid = phantom.grid
    signal = phantom.slice_signal(h)
    rng = _rng(seed, f"mr-noise-{index}")
    re = signal + rng.standard_normal(signal.shape, dtype=np.float32) * np.float32(_MR_NOISE)
    im = rng.standard_normal(signal.shape, dtype=np.float32) * np.float32(_MR_NOISE)
    magnitude = np.sqrt(re * re + im * im)  # Rician noise, as in a magnitude image
    stored = np.clip(np.rint(magnitude), 0, 4095).astype("<u2")
    z = _MR_TABLE_Z_MM + h
    ds = _base_dataset(series, index + 1, content_offset_s=4.0 * index)
    ds.ImageType = ["ORIGINAL", "PRIMARY", "OTHER"]
    ds.PatientPosition = "HFS"
    ds.FrameOfReferenceUID = frame_of_reference
    ds.PositionReferenceIndicator = ""
    ds.ScanningSequence = "SE"
    ds.SequenceVariant = "NONE"
    ds.ScanOptions = ""
    ds.MRAcquisitionType = "2D"
    ds.SequenceName = "se2d1"
    ds.RepetitionTime = "500"
    ds.EchoTime = "12"
    ds.EchoTrainLength = 1
    ds.NumberOfAverages = "2"
    ds.ImagingFrequency = "63.87"
    ds.ImagedNucleus = "1H"
    ds.MagneticFieldStrength = "1.5"
    ds.FlipAngle = "90"
    ds.PixelBandwidth = "130"
    ds.AcquisitionMatrix = [0, grid.size, grid.size * 3 // 4, 0]
    ds.InPlanePhaseEncodingDirection = "ROW"
    ds.ReceiveCoilName = "HEAD"
    ds.PixelSpacing = [_ds(grid.spacing), _ds(grid.spacing)]
    ds.ImageOrientationPatient = ["1", "0", "0", "0", "1", "0"]
    ds.ImagePositionPatient = [_ds(grid.origin), _ds(grid.origin), _ds(z)]
    ds.SliceThickness = _ds(_MR_THICKNESS_MM)
    ds.SpacingBetweenSlices = _ds(_MR_SPACING_MM)
    ds.SliceLocation = _ds(z)
    ds.ImagesInAcquisition = images_in_acquisition
    _mono_pixel_module(ds, grid.size, grid.size, 12, signed=False, photometric="MONOCHROME2")
    ds.WindowCenter = "500"
    ds.WindowWidth = "1000"
    ds.LossyImageCompression = "00"
    ds.PixelData = stored.tobytes()
    _file_meta(ds, ExplicitVRLittleEndian)
    return ds


def write_mr_series(
    out_dir: Path,
    patient: PatientTags,
    study: StudyTags,
    *,
    slices: int = 24,
    size: int = 256,
    seed: int = 0,
    series_number: int = 1,
) -> list[InstanceInfo]:
    """Write an axial T1-weighted-looking head MR series (MR Image Storage, explicit VR LE).

    Content: head phantom (scalp fat, skull with diploe, CSF, folded grey/white matter, deep
    grey matter, lateral/third ventricles, brainstem, orbits), a smooth receive-coil bias and
    Rician noise. Pixels are uint16 MONOCHROME2 with BitsStored 12 (0..4095, arbitrary
    units); no rescale. Window 500/1000.

    Geometry (mm): ``size`` x ``size`` over a 230 mm field of view, IOP 1\\0\\0\\0\\1\\0,
    SliceThickness 5 with SpacingBetweenSlices 6 (1 mm gap); InstanceNumber 1 is the most
    caudal slice and z increases by 6 per instance. One FrameOfReferenceUID for the series.
    Files are written and returned in a shuffled order, as for CT.

    Raises ValueError for ``slices`` < 1, ``size`` < 16, a negative seed or invalid tags.
    """
    _check_inputs(patient, study, seed, series_number)
    if slices < 1 or size < 16:
        raise ValueError("need slices >= 1 and size >= 16")
    series = _series(
        patient,
        study,
        seed=seed,
        kind="MR",
        modality="MR",
        sop_class_uid=MRImageStorage,
        series_number=series_number,
        description="头颅 T1WI 横断位",
        body_part="HEAD",
    )
    frame_of_reference = _uid("for", series.series_uid)
    phantom = _MRPhantom(size)
    results: list[InstanceInfo] = []
    for k in _shuffled(slices, _rng(seed, "mr-order")):
        h = -(slices - 1) * _MR_SPACING_MM / 2 + k * _MR_SPACING_MM
        ds = _mr_dataset(
            series,
            phantom,
            index=k,
            h=h,
            images_in_acquisition=slices,
            frame_of_reference=frame_of_reference,
            seed=seed,
        )
        results.append(_save(ds, out_dir))
    return results


# --------------------------------------------------------------------------------------------
# Chest radiograph (PA projection)
# --------------------------------------------------------------------------------------------

_DX_PIXEL_MM_AT_3000: Final = 0.139
_MU_WATER: Final = 0.02  # 1/mm, effective
_MU_BONE: Final = 0.045  # 1/mm, extra over water


def _smoothstep(x: npt.ArrayLike) -> F32:
    t = np.clip(np.asarray(x, dtype=np.float32), 0.0, 1.0)
    return (t * t * (np.float32(3.0) - np.float32(2.0) * t)).astype(np.float32, copy=False)


def _bbox(axis: F32, lo: float, hi: float) -> slice:
    i0, i1 = np.searchsorted(axis, [lo, hi])
    return slice(int(i0), int(i1))


def _ellipsoid_chord(
    u: F32, v: F32, cx: float, cy: float, ax: float, ay: float, depth: float, angle: float = 0.0
) -> tuple[slice, slice, F32]:
    """Projected thickness (mm) of an ellipsoid, inside its bounding box (rows, cols, values)."""
    ext = max(ax, ay)
    rs, cs = _bbox(v, cy - ext, cy + ext), _bbox(u, cx - ext, cx + ext)
    du = u[cs][None, :] - np.float32(cx)
    dv = v[rs][:, None] - np.float32(cy)
    ca, sa = np.float32(math.cos(math.radians(angle))), np.float32(math.sin(math.radians(angle)))
    xr = (du * ca + dv * sa) / np.float32(ax)
    yr = (-du * sa + dv * ca) / np.float32(ay)
    q = np.clip(1.0 - xr * xr - yr * yr, 0.0, None)
    return rs, cs, np.float32(2 * depth) * np.sqrt(q)


def _add_band(
    target: F32,
    u: F32,
    v: F32,
    *,
    u_lo: float,
    u_hi: float,
    curve: Callable[[F32], tuple[F32, F32]],
    half_width: float,
    amount: float,
    hollow: bool = True,
) -> None:
    """Add a curved tubular bone (rib, clavicle) defined by ``curve(u) -> (v_centre, weight)``."""
    cs = _bbox(u, u_lo, u_hi)
    if cs.stop <= cs.start:
        return
    vc, weight = curve(u[cs])
    rs = _bbox(v, float(vc.min()) - half_width, float(vc.max()) + half_width)
    if rs.stop <= rs.start:
        return
    x = (v[rs][:, None] - vc[None, :]) / np.float32(half_width)
    chord = np.sqrt(np.clip(1.0 - x * x, 0.0, None))
    if hollow:  # cortical shell: edges brighter than the marrow
        chord -= np.float32(0.55) * np.sqrt(np.clip(1.0 - (x / np.float32(0.7)) ** 2, 0.0, None))
    target[rs, cs] += chord * (weight[None, :] * np.float32(amount))


def _chest_radiograph(rows: int, columns: int, spacing: float, sex: str, seed: int) -> F32:
    """Relative brightness (0..1, MONOCHROME2: attenuation is bright) of a PA chest film."""
    rng = _rng(seed, "dx-phantom")
    u = ((np.arange(columns, dtype=np.float32) - (columns - 1) / 2) * spacing).astype(np.float32)
    v = ((np.arange(rows, dtype=np.float32) - (rows - 1) / 2) * spacing).astype(np.float32)
    # torso: elliptic cross-section whose half-width follows neck -> shoulders -> chest
    vv = v[:, None]
    half_w = 55.0 + 125.0 * _smoothstep((vv + 205.0) / 45.0) - 15.0 * _smoothstep((vv + 120) / 90)
    half_d = 60.0 + 42.0 * _smoothstep((vv + 205.0) / 45.0)
    ratio = u[None, :] / half_w
    body = np.float32(2.0) * half_d * np.sqrt(np.clip(1.0 - ratio * ratio, 0.0, None))
    # aerated lung thickness, cut by the diaphragm domes
    lung = np.zeros((rows, columns), dtype=np.float32)
    for side, v_peak in ((-1.0, 92.0), (1.0, 108.0)):
        cx = side * 88.0
        rs, cs, chord = _ellipsoid_chord(u, v, cx, -5.0, 58.0, 158.0, 80.0)
        dome = np.float32(v_peak) + np.float32(0.006) * (u[cs][None, :] - np.float32(cx)) ** 2
        chord *= np.clip((dome - v[rs][:, None]) / np.float32(6.0), 0.0, 1.0)
        lung[rs, cs] += chord
    # heart, aortic knob and hila displace aerated lung
    solid = np.zeros_like(lung)
    for cx, cy, ax, ay, depth, angle in (
        (22.0, 55.0, 80.0, 64.0, 58.0, 20.0),
        (34.0, -72.0, 17.0, 15.0, 25.0, 0.0),
        (-40.0, -8.0, 12.0, 24.0, 16.0, 0.0),
        (42.0, -14.0, 12.0, 22.0, 16.0, 0.0),
    ):
        rs, cs, chord = _ellipsoid_chord(u, v, cx, cy, ax, ay, depth, angle)
        solid[rs, cs] += chord
    # pulmonary vessels: branching tapered lines from the hila, only inside lung
    vessels = np.zeros_like(lung)
    segments: list[tuple[float, float, float, float, float]] = []
    for side in (-1.0, 1.0):
        for _ in range(9):
            ang = math.radians(float(rng.uniform(-75, 75)))
            length = float(rng.uniform(45, 80))
            x0, y0 = side * 40.0, float(rng.uniform(-30, 15))
            stack = [(x0, y0, ang, length, 3.2, 0)]
            while stack:
                sx, sy, a, ln, w, depth = stack.pop()
                ex, ey = sx + side * ln * math.cos(a), sy + ln * math.sin(a)
                segments.append((sx, sy, ex, ey, w))
                if depth < 2:
                    for turn in (-0.45, 0.4):
                        jitter = float(rng.uniform(-0.15, 0.15))
                        stack.append((ex, ey, a + turn + jitter, ln * 0.7, w * 0.65, depth + 1))
    for sx, sy, ex, ey, w in segments:
        rs = _bbox(v, min(sy, ey) - w, max(sy, ey) + w)
        cs = _bbox(u, min(sx, ex) - w, max(sx, ex) + w)
        if rs.stop <= rs.start or cs.stop <= cs.start:
            continue
        px = u[cs][None, :] - np.float32(sx)
        py = v[rs][:, None] - np.float32(sy)
        dx, dy = ex - sx, ey - sy
        t = np.clip((px * dx + py * dy) / np.float32(dx * dx + dy * dy), 0.0, 1.0)
        ddx, ddy = px - t * np.float32(dx), py - t * np.float32(dy)
        hw = np.float32(w) * (1.0 - 0.35 * t)
        x2 = (ddx * ddx + ddy * ddy) / (hw * hw)
        vessels[rs, cs] += np.float32(2.0) * hw * np.sqrt(np.clip(1.0 - x2, 0.0, None))
    aerated = np.clip(lung - 0.9 * solid, 0.0, None)
    vessels *= np.clip(aerated / np.float32(15.0), 0.0, 1.0)
    atten = np.float32(_MU_WATER) * (body - np.float32(0.85) * aerated + np.float32(1.6) * vessels)
    del lung, solid, vessels, aerated, body
    # trachea (air column) and gastric bubble
    cs = _bbox(u, -10.0, 10.0)
    xt = u[cs][None, :] / np.float32(9.0)
    tube = np.float32(18.0) * np.sqrt(np.clip(1.0 - xt * xt, 0.0, None))
    atten[:, cs] -= np.float32(0.8 * _MU_WATER) * tube * _smoothstep((-35.0 - vv) / 12.0)
    rs, cs, chord = _ellipsoid_chord(u, v, 72.0, 148.0, 30.0, 20.0, 26.0)
    atten[rs, cs] -= np.float32(0.8 * _MU_WATER) * chord
    if sex == "F":  # breast soft-tissue shadows over the lower zones
        for side in (-1.0, 1.0):
            rs, cs, chord = _ellipsoid_chord(u, v, side * 95.0, 95.0, 85.0, 65.0, 28.0)
            chord *= _smoothstep((v[rs][:, None] - np.float32(30.0)) / np.float32(80.0))
            atten[rs, cs] += np.float32(_MU_WATER) * chord
    # bones: spine (with discs), posterior and anterior ribs, clavicles
    bone = np.zeros_like(atten)
    cs = _bbox(u, -24.0, 24.0)
    xs = u[cs][None, :] / np.float32(23.0)
    disc = 1.0 - 0.6 * np.cos(np.float32(math.pi / 26.0) * (vv + np.float32(7.0))) ** 16
    pedicles = np.float32(1.0) + np.float32(0.8) * np.exp(-(((np.abs(xs) - 0.7) / 0.15) ** 2))
    bone[:, cs] += np.float32(16.0) * np.sqrt(np.clip(1.0 - xs * xs, 0.0, None)) * pedicles * disc
    for side in (-1.0, 1.0):
        for i in range(10):
            v0 = -160.0 + 23.0 * i
            reach = 95.0 + 50.0 * min(1.0, i / 4.0)

            def posterior(uu: F32, v0: float = v0, reach: float = reach) -> tuple[F32, F32]:
                t = (np.abs(uu) - np.float32(18.0)) / np.float32(reach)
                vc = v0 - 14.0 * np.sin(np.float32(math.pi) * t) + 38.0 * t * t
                fade = _smoothstep(t * 12.0) * _smoothstep((1.02 - t) * 12.0)
                return vc.astype(np.float32), fade

            def anterior(uu: F32, v0: float = v0, reach: float = reach) -> tuple[F32, F32]:
                t = (np.abs(uu) - np.float32(18.0)) / np.float32(reach)
                vc = v0 + 38.0 + 55.0 * np.clip(1.0 - t, 0.0, None) ** 1.1
                fade = _smoothstep((t - 0.35) * 8.0) * _smoothstep((1.02 - t) * 12.0)
                return np.asarray(vc, dtype=np.float32), fade

            lo, hi = (18.0, 18.0 + reach * 1.02) if side > 0 else (-18.0 - reach * 1.02, -18.0)
            _add_band(bone, u, v, u_lo=lo, u_hi=hi, curve=posterior, half_width=5.5, amount=11)
            _add_band(bone, u, v, u_lo=lo, u_hi=hi, curve=anterior, half_width=6.0, amount=4)

        def clavicle(uu: F32) -> tuple[F32, F32]:
            t = (np.abs(uu) - np.float32(15.0)) / np.float32(135.0)
            vc = -172.0 - 20.0 * t + 6.0 * np.sin(np.float32(2 * math.pi) * t)
            fade = _smoothstep(t * 10.0) * _smoothstep((1.0 - t) * 10.0)
            return vc.astype(np.float32), fade

        lo, hi = (15.0, 150.0) if side > 0 else (-150.0, -15.0)
        _add_band(bone, u, v, u_lo=lo, u_hi=hi, curve=clavicle, half_width=8.0, amount=16)
    atten += np.float32(_MU_BONE) * bone
    del bone
    np.clip(atten, 0.0, None, out=atten)
    bright: F32 = np.float32(0.04) + np.float32(0.92) * (
        np.float32(1.0) - np.exp(-atten / np.float32(2.2))
    )
    noise = _rng(seed, "dx-noise").standard_normal(bright.shape, dtype=np.float32)
    bright += noise * np.float32(0.004)
    return bright


def _radiograph_dataset(
    series: _Series,
    *,
    rows: int,
    columns: int,
    photometric: str,
    bits_stored: int,
    seed: int,
) -> tuple[Dataset, int]:
    """Single radiograph; returns the dataset and its maximum stored value."""
    spacing = _DX_PIXEL_MM_AT_3000 * 3000 / rows
    maxval = (1 << bits_stored) - 1
    bright = _chest_radiograph(rows, columns, spacing, series.patient.sex, seed)
    values = np.clip(np.rint(bright * np.float32(maxval)), 0, maxval).astype("<u2")
    centre, width = round(0.6 * maxval), round(0.78 * maxval)
    if photometric == "MONOCHROME1":
        values = (maxval - values).astype("<u2")
        centre = maxval + 1 - centre
    ds = _base_dataset(series, 1)
    is_dx = series.modality == "DX"
    ds.ImageType = ["ORIGINAL", "PRIMARY"]
    ds.PatientOrientation = ["L", "F"]
    ds.ViewPosition = "PA"
    ds.ImageLaterality = "U"
    if is_dx:
        ds.PresentationIntentType = "FOR PRESENTATION"
        region = Dataset()
        region.CodeValue = "816094009"
        region.CodingSchemeDesignator = "SCT"
        region.CodeMeaning = "Thorax"
        ds.AnatomicRegionSequence = Sequence([region])
        view = Dataset()
        view.CodeValue = "272479007"
        view.CodingSchemeDesignator = "SCT"
        view.CodeMeaning = "postero-anterior"
        view.ViewModifierCodeSequence = Sequence([])
        ds.ViewCodeSequence = Sequence([view])
        ds.EstimatedRadiographicMagnificationFactor = _ds(1800 / 1650)
        ds.AcquisitionContextSequence = Sequence([])
        ds.DetectorType = "SCINTILLATOR"
        ds.DetectorConfiguration = "AREA"
        ds.PixelIntensityRelationship = "LOG"
        ds.PixelIntensityRelationshipSign = 1 if photometric == "MONOCHROME1" else -1
        ds.RescaleIntercept = "0"
        ds.RescaleSlope = "1"
        ds.RescaleType = "US"
        ds.PresentationLUTShape = "INVERSE" if photometric == "MONOCHROME1" else "IDENTITY"
        ds.PositionerType = "NONE"
    else:
        ds.PlateType = "HR-IP-35x43"
    # calibration: only ImagerPixelSpacing (at the detector), deliberately no PixelSpacing
    ds.ImagerPixelSpacing = [_ds(spacing), _ds(spacing)]
    ds.DistanceSourceToDetector = "1800"
    ds.DistanceSourceToPatient = "1650"
    ds.KVP = "125"
    ds.ExposureTime = 10
    ds.XRayTubeCurrent = 320
    ds.Exposure = 3
    _mono_pixel_module(ds, rows, columns, bits_stored, signed=False, photometric=photometric)
    ds.WindowCenter = str(centre)
    ds.WindowWidth = str(width)
    ds.LossyImageCompression = "00"
    ds.PixelData = values.tobytes()
    _file_meta(ds, ExplicitVRLittleEndian)
    return ds, maxval


def write_radiograph(
    out_dir: Path,
    patient: PatientTags,
    study: StudyTags,
    *,
    rows: int = 3000,
    columns: int = 2500,
    photometric: str = "MONOCHROME2",
    bits_stored: int = 12,
    modality: str = "DX",
    seed: int = 0,
    series_number: int = 1,
) -> list[InstanceInfo]:
    """Write one PA chest radiograph (DX For Presentation or CR Image Storage, explicit VR LE).

    Content: projection of a chest phantom (torso, lungs with diaphragm domes and branching
    vessels, heart, aortic knob, hila, trachea, gastric bubble, spine, ribs, clavicles, breast
    shadows for female patients) with quantum noise. uint16 with ``bits_stored`` bits
    (8..16). MONOCHROME2: lungs dark, bone bright. MONOCHROME1: stored = 2**bits - 1 - value
    (PresentationLUTShape INVERSE, WindowCenter mirrored), so it displays the same after the
    MONOCHROME1 inversion.

    Calibration: ImagerPixelSpacing only (0.139 mm at 3000 rows; 0.139 * 3000 / rows mm in
    general, square pixels), deliberately no PixelSpacing; DistanceSourceToDetector 1800 and
    DistanceSourceToPatient 1650 mm. DX objects carry PresentationIntentType "FOR
    PRESENTATION"; both carry a VOI window.

    Raises ValueError for an unknown photometric (MONOCHROME1/2) or modality (DX/CR),
    ``bits_stored`` outside 8..16, fewer than 64 rows or columns, a negative seed or invalid
    tags.
    """
    _check_inputs(patient, study, seed, series_number)
    if photometric not in ("MONOCHROME1", "MONOCHROME2"):
        raise ValueError(f"photometric must be MONOCHROME1 or MONOCHROME2, got {photometric!r}")
    if modality not in ("DX", "CR"):
        raise ValueError(f"modality must be DX or CR, got {modality!r}")
    if not 8 <= bits_stored <= 16:
        raise ValueError(f"bits_stored must be in 8..16, got {bits_stored}")
    if rows < 64 or columns < 64:
        raise ValueError("rows and columns must be >= 64")
    series = _series(
        patient,
        study,
        seed=seed,
        kind=f"{modality}-{photometric}",
        modality=modality,
        sop_class_uid=DigitalXRayImageStorageForPresentation
        if modality == "DX"
        else ComputedRadiographyImageStorage,
        series_number=series_number,
        description="胸部正位 PA",
        body_part="CHEST",
    )
    ds, _ = _radiograph_dataset(
        series,
        rows=rows,
        columns=columns,
        photometric=photometric,
        bits_stored=bits_stored,
        seed=seed,
    )
    return [_save(ds, out_dir)]


# --------------------------------------------------------------------------------------------
# Ultrasound cine (apical four-chamber-like echo)
# --------------------------------------------------------------------------------------------

_US_DEPTH_CM: Final = 16.0
_US_HALF_ANGLE: Final = math.radians(37.0)
_US_FPS: Final = 30
_US_HEART_RATE: Final = 72


@dataclass(frozen=True)
class _USGeometry:
    rows: int
    columns: int
    apex_x: float  # pixels
    apex_y: float
    radius: float  # pixels (= _US_DEPTH_CM)

    @property
    def cm_per_pixel(self) -> float:
        return _US_DEPTH_CM / self.radius


def _us_geometry(rows: int, columns: int) -> _USGeometry:
    apex_y = round(0.06 * rows)
    radius = min(0.88 * rows, (columns / 2 - 6) / math.sin(_US_HALF_ANGLE), rows - apex_y - 50.0)
    return _USGeometry(rows, columns, (columns - 1) / 2, float(apex_y), float(radius))


def _box_smooth(a: F32, size_y: int, size_x: int) -> F32:
    """Separable moving average (same shape, edges shortened)."""
    for axis, k in ((0, size_y), (1, size_x)):
        if k <= 1:
            continue
        c = np.cumsum(a, axis=axis, dtype=np.float32)
        pad = [(0, 0), (0, 0)]
        pad[axis] = (1, 0)
        c = np.pad(c, pad)
        n = a.shape[axis]
        lo = np.clip(np.arange(n) - k // 2, 0, n)
        hi = np.clip(np.arange(n) + (k - k // 2), 0, n)
        a = (np.take(c, hi, axis=axis) - np.take(c, lo, axis=axis)) / np.float32(k)
    return a.astype(np.float32)


def _ecg(phase: F64) -> F64:
    """Synthetic ECG (mV-ish) over the cardiac phase 0..1."""
    p = np.mod(phase, 1.0)
    waves = [(0.1, 0.12, 0.025), (0.2, -0.1, 0.008), (0.22, 1.0, 0.01), (0.245, -0.25, 0.01)]
    waves.append((0.5, 0.3, 0.045))  # P, Q, R, S, T
    out = np.zeros_like(p)
    for centre, amp, width in waves:
        out += amp * np.exp(-(((p - centre) / width) ** 2))
    return out


def _ellipse_cover(
    xc: F32, yc: F32, cx: float, cy: float, ax: float, ay: float, angle: float, edge: float
) -> F32:
    ca, sa = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    du, dv = xc - np.float32(cx), yc - np.float32(cy)
    xr = (du * np.float32(ca) + dv * np.float32(sa)) / np.float32(ax)
    yr = (-du * np.float32(sa) + dv * np.float32(ca)) / np.float32(ay)
    r = np.sqrt(xr * xr + yr * yr)
    return np.clip((1.0 - r) * np.float32(min(ax, ay) / edge) + 0.5, 0.0, 1.0).astype(np.float32)


def _us_frames(frames: int, rows: int, columns: int, seed: int) -> npt.NDArray[np.uint8]:
    """RGB cine (frames, rows, columns, 3): beating heart in a sector, ECG and markers."""
    geo = _us_geometry(rows, columns)
    rng = _rng(seed, "us")
    yy, xx = np.mgrid[0:rows, 0:columns].astype(np.float32)
    dx, dy = xx - np.float32(geo.apex_x), yy - np.float32(geo.apex_y)
    rr = np.sqrt(dx * dx + dy * dy)
    th = np.arctan2(dx, dy)
    sector = np.clip((np.float32(geo.radius) - rr) / 2.0, 0.0, 1.0)
    sector *= np.clip((np.float32(_US_HALF_ANGLE) - np.abs(th)) * rr / 2.0, 0.0, 1.0)
    sector *= rr > 6.0
    cm = np.float32(geo.cm_per_pixel)
    xc, yc = dx * cm, dy * cm  # lateral and depth in cm

    # tissue-fixed speckle, two independent fields mixed to decorrelate slowly over time
    def field() -> tuple[F32, F32]:
        re = _box_smooth(rng.standard_normal((rows, columns), dtype=np.float32), 3, 9)
        im = _box_smooth(rng.standard_normal((rows, columns), dtype=np.float32), 3, 9)
        return re, im

    (a_re, a_im), (b_re, b_im) = field(), field()
    texture = _box_smooth(rng.standard_normal((rows, columns), dtype=np.float32), 25, 25)
    texture = np.float32(1.0) + np.float32(3.0) * texture  # low-frequency tissue variation
    tgc = (np.float32(1.15) - np.float32(0.35) * (rr / np.float32(geo.radius))).astype(np.float32)
    period = 60.0 / _US_HEART_RATE
    out = np.zeros((frames, rows, columns, 3), dtype=np.uint8)
    band_top = rows - 44
    ecg_x0, ecg_x1 = int(0.08 * columns), int(0.92 * columns)
    ecg_cols = np.arange(ecg_x0, ecg_x1)
    ecg_phase = (ecg_cols - ecg_x0) / (ecg_x1 - ecg_x0) * 2.0
    ecg_y = band_top + 26 - 18.0 * _ecg(ecg_phase)
    ecg_prev = np.concatenate([ecg_y[:1], ecg_y[:-1]])
    ecg_lo = np.minimum(ecg_y, ecg_prev) - 0.8
    ecg_hi = np.maximum(ecg_y, ecg_prev) + 0.8
    band_rows = np.arange(band_top, rows)[:, None]
    ecg_mask = (band_rows >= ecg_lo[None, :]) & (band_rows <= ecg_hi[None, :])
    for f in range(frames):
        t = f / _US_FPS
        phase = (t / period) % 1.0
        squeeze = math.sin(math.pi * phase / 0.4) ** 2 if phase < 0.4 else 0.0
        # warp: tissue near the heart moves towards the LV centre in systole
        heart_x, heart_y = 0.0, 9.5
        dist2 = (xc - np.float32(heart_x)) ** 2 + (yc - np.float32(heart_y)) ** 2
        pull = np.float32(1.0) + np.float32(0.10 * squeeze) * np.exp(-dist2 / np.float32(30.0))
        sx = np.clip((xx - np.float32(geo.apex_x)) * pull + np.float32(geo.apex_x), 0, columns - 1)
        sy = np.clip(
            (yy - np.float32(geo.apex_y + heart_y / geo.cm_per_pixel)) * pull
            + np.float32(geo.apex_y + heart_y / geo.cm_per_pixel),
            0,
            rows - 1,
        )
        iy, ix = sy.astype(np.intp), sx.astype(np.intp)
        alpha = 0.06 * f
        ca, sa = np.float32(math.cos(alpha)), np.float32(math.sin(alpha))
        sre = a_re[iy, ix] * ca + b_re[iy, ix] * sa
        sim = a_im[iy, ix] * ca + b_im[iy, ix] * sa
        speckle = np.sqrt(sre * sre + sim * sim)
        refl = np.float32(0.22) * np.clip(texture[iy, ix], 0.3, 2.0)
        k = 1.0 - 0.06 * squeeze
        layers = (
            (0.0, 9.7, 5.0 * k, 6.9 * k, 0.0, 1.0, 0.25),  # pericardium
            (0.0, 9.7, 4.7 * k, 6.6 * k, 0.0, 0.5, 0.15),  # myocardium / septum
            (1.1, 8.3, 1.9 * (1 - 0.2 * squeeze), 4.3 * (1 - 0.1 * squeeze), 8.0, 0.03, 0.12),
            (-2.3, 8.9, 1.2 * (1 - 0.15 * squeeze), 3.5 * (1 - 0.08 * squeeze), -10.0, 0.03, 0.12),
            (1.5, 13.6, 1.8, 1.4, 0.0, 0.03, 0.12),  # left atrium
            (-2.0, 13.4, 1.5, 1.35, 0.0, 0.03, 0.12),  # right atrium
        )
        for cx, cy, ax, ay, angle, value, edge in layers:
            cov = _ellipse_cover(xc, yc, cx, cy, ax, ay, angle, edge)
            refl += (np.float32(value) - refl) * cov
        # mitral leaflets: open towards the apex in diastole, closed in systole
        opening = 0.0 if phase < 0.38 else min(1.0, (phase - 0.38) * 6.0)
        for hinge_x, tilt in ((0.05, -90.0 * opening), (2.25, 180.0 + 90.0 * opening)):
            rad = math.radians(tilt)
            cx = hinge_x + 0.6 * math.cos(rad)
            cy = 12.1 + 0.6 * math.sin(rad)
            cov = _ellipse_cover(xc, yc, cx, cy, 0.6, 0.07, tilt, 0.05)
            refl += (np.float32(0.9) - refl) * cov
        intensity = refl * speckle * tgc
        db = np.float32(20.0) * np.log10(intensity + np.float32(1e-4))
        grey = np.clip((db + np.float32(38.0)) / np.float32(44.0), 0.0, 1.0) * sector
        g8 = np.rint(grey * np.float32(255.0)).astype(np.uint8)
        frame = out[f]
        frame[...] = g8[:, :, None]
        _us_annotations(frame, geo, ecg_mask, band_top, ecg_x0, ecg_x1, t / period)
    return out


def _us_annotations(
    frame: npt.NDArray[np.uint8],
    geo: _USGeometry,
    ecg_mask: npt.NDArray[np.bool_],
    band_top: int,
    x0: int,
    x1: int,
    cycles: float,
) -> None:
    """Colour overlays: green ECG, yellow time cursor, orange probe marker, depth scale."""
    band = frame[band_top:, x0:x1]
    band[ecg_mask] = (40, 220, 60)
    cursor = x0 + int(((cycles % 2.0) / 2.0) * (x1 - x0 - 1))
    frame[band_top + 4 : geo.rows - 4, max(cursor - 1, 0) : cursor + 1] = (250, 220, 40)
    # probe orientation marker at the upper left of the sector
    mx = int(geo.apex_x - 0.28 * geo.radius)
    my = int(geo.apex_y + 6)
    yy, xx = np.ogrid[0 : geo.rows, 0 : geo.columns]
    dot = (xx - mx) ** 2 + (yy - my) ** 2 <= 25
    frame[dot] = (255, 140, 0)
    # depth scale: a tick every cm, longer and cyan every 5 cm
    sx = geo.columns - 16
    pix_per_cm = 1.0 / geo.cm_per_pixel
    for cmark in range(int(_US_DEPTH_CM) + 1):
        y = round(geo.apex_y + cmark * pix_per_cm)
        if y >= geo.rows:
            break
        if cmark % 5 == 0:
            frame[y : y + 2, sx - 10 : sx + 2] = (80, 200, 230)
        else:
            frame[y : y + 1, sx - 5 : sx + 1] = (200, 200, 200)


def _us_common(ds: Dataset, geo: _USGeometry) -> None:
    """US Image and US Region Calibration attributes shared by single- and multi-frame US."""
    ds.ImageType = ["ORIGINAL", "PRIMARY", "CHEST", "0001"]
    ds.PatientOrientation = ""
    ds.TransducerType = "SECTOR_PHASED"
    region = Dataset()
    region.RegionSpatialFormat = 1  # 2D
    region.RegionDataType = 1  # tissue
    region.RegionFlags = 0
    region.RegionLocationMinX0 = max(0, int(geo.apex_x - geo.radius * math.sin(_US_HALF_ANGLE)))
    region.RegionLocationMinY0 = int(geo.apex_y)
    region.RegionLocationMaxX1 = min(
        geo.columns - 1, int(geo.apex_x + geo.radius * math.sin(_US_HALF_ANGLE)) + 1
    )
    region.RegionLocationMaxY1 = min(geo.rows - 1, int(geo.apex_y + geo.radius) + 1)
    region.PhysicalUnitsXDirection = 3  # cm
    region.PhysicalUnitsYDirection = 3
    region.ReferencePixelX0 = round(geo.apex_x)
    region.ReferencePixelY0 = int(geo.apex_y)
    region.ReferencePixelPhysicalValueX = 0.0
    region.ReferencePixelPhysicalValueY = 0.0
    region.PhysicalDeltaX = geo.cm_per_pixel
    region.PhysicalDeltaY = geo.cm_per_pixel
    region.TransducerFrequency = 3500
    ds.SequenceOfUltrasoundRegions = Sequence([region])
    ds.LossyImageCompression = "00"


def write_ultrasound_cine(
    out_dir: Path,
    patient: PatientTags,
    study: StudyTags,
    *,
    frames: int = 30,
    rows: int = 480,
    columns: int = 640,
    seed: int = 0,
    series_number: int = 1,
) -> list[InstanceInfo]:
    """Write one multi-frame echocardiography cine (Ultrasound Multi-frame Image Storage).

    Content: a sector (fan) image on black of an apical four-chamber-like heart that beats at
    72/min (chambers contract, speckle moves with the tissue, mitral leaflets open and close),
    plus colour overlays: green ECG trace with a yellow time cursor, an orange probe marker
    and a depth scale. RGB, 8 bits, PlanarConfiguration 0, explicit VR little endian,
    uncompressed.

    Cine: NumberOfFrames, FrameTime 33.33 ms (30 frames/s), CineRate 30,
    FrameIncrementPointer (0018,1063). Calibration in SequenceOfUltrasoundRegions
    (PhysicalDeltaX/Y in cm; 16 cm depth over the sector radius).

    Raises ValueError for ``frames`` < 1, rows < 120 or columns < 160, a negative seed or
    invalid tags.
    """
    _check_inputs(patient, study, seed, series_number)
    if frames < 1 or rows < 120 or columns < 160:
        raise ValueError("need frames >= 1, rows >= 120 and columns >= 160")
    series = _series(
        patient,
        study,
        seed=seed,
        kind="US-cine",
        modality="US",
        sop_class_uid=UltrasoundMultiFrameImageStorage,
        series_number=series_number,
        description="超声心动图 心尖四腔心",
        body_part="HEART",
    )
    pixels = _us_frames(frames, rows, columns, seed)
    ds = _base_dataset(series, 1)
    _us_common(ds, _us_geometry(rows, columns))
    _rgb_pixel_module(ds, rows, columns)
    ds.NumberOfFrames = frames
    ds.FrameIncrementPointer = Tag(0x0018, 0x1063)
    ds.FrameTime = _ds(1000.0 / _US_FPS)
    ds.CineRate = _US_FPS
    ds.RecommendedDisplayFrameRate = _US_FPS
    ds.ActualFrameDuration = 1000 // _US_FPS
    ds.EffectiveDuration = _ds(frames / _US_FPS)
    ds.HeartRate = _US_HEART_RATE
    ds.StartTrim = 1
    ds.StopTrim = frames
    ds.PreferredPlaybackSequencing = 0
    ds.PixelData = pixels.tobytes()
    _file_meta(ds, ExplicitVRLittleEndian)
    return [_save(ds, out_dir)]


# --------------------------------------------------------------------------------------------
# Transfer syntax set
# --------------------------------------------------------------------------------------------


def _huffman_table(freq: list[int]) -> tuple[list[int], list[int]]:
    """Code lengths per ITU-T T.81 Annex K.2: BITS (counts of lengths 1..16) and HUFFVAL.

    A reserved symbol of frequency 1 is included while building, so no code is all ones.
    """
    n = len(freq)
    f = [*freq, 1]
    size = [0] * (n + 1)
    others = [-1] * (n + 1)
    while True:
        live = [i for i in range(n + 1) if f[i] > 0]
        if len(live) < 2:
            break
        v1 = min(live, key=lambda i: (f[i], -i))
        v2 = min((i for i in live if i != v1), key=lambda i: (f[i], -i))
        f[v1] += f[v2]
        f[v2] = 0
        for start in (v1, v2):
            size[start] += 1
            node = start
            while others[node] != -1:
                node = others[node]
                size[node] += 1
            if start == v1:
                others[node] = v2
    bits = [0] * 40
    for s in size:
        if s:
            bits[s] += 1
    i = len(bits) - 1
    while i > 16:
        while bits[i] > 0:
            j = i - 2
            while bits[j] == 0:
                j -= 1
            bits[i] -= 2
            bits[i - 1] += 1
            bits[j + 1] += 2
            bits[j] -= 1
        i -= 1
    while bits[i] == 0:
        i -= 1
    bits[i] -= 1  # drop the reserved code (the all-ones one)
    huffval = sorted((s for s in range(n) if size[s] > 0), key=lambda s: (size[s], s))
    return bits[1:17], huffval


def _jpeg_lossless_sv1(samples: npt.NDArray[np.integer], precision: int) -> bytes:
    """Encode one greyscale frame as JPEG lossless, process 14, selection value 1 (ITU T.81).

    ``samples`` are taken modulo 2**precision (two's complement for signed data, as DICOM
    stores it). Point transform 0; one optimised Huffman table.
    """
    mask = (1 << precision) - 1
    a = samples.astype(np.int64) & mask
    rows, cols = int(a.shape[0]), int(a.shape[1])
    pred = np.empty_like(a)
    pred[0, 0] = 1 << (precision - 1)
    pred[0, 1:] = a[0, :-1]
    pred[1:, 0] = a[:-1, 0]
    pred[1:, 1:] = a[1:, :-1]
    diff = (a - pred) % 65536
    diff = np.where(diff >= 32768, diff - 65536, diff).ravel()
    mag = np.abs(diff)
    ssss = np.where(mag == 0, 0, np.frexp(mag.astype(np.float64))[1]).astype(np.int64)
    extra_len = np.where(ssss == 16, 0, ssss)
    extra = np.where(diff >= 0, diff, diff - 1) & ((np.int64(1) << extra_len) - 1)
    bits, huffval = _huffman_table(np.bincount(ssss, minlength=17).tolist())
    code_val = np.zeros(17, dtype=np.int64)
    code_len = np.zeros(17, dtype=np.int64)
    code, k = 0, 0
    for length in range(1, 17):
        for _ in range(bits[length - 1]):
            code_val[huffval[k]], code_len[huffval[k]] = code, length
            code += 1
            k += 1
        code <<= 1
    value = (code_val[ssss] << extra_len) | extra
    length_arr = code_len[ssss] + extra_len
    ends = np.cumsum(length_arr)
    starts = ends - length_arr
    total = int(ends[-1])
    stream = np.ones(((total + 7) // 8) * 8, dtype=np.uint8)  # pad the last byte with 1s
    for bit in range(int(length_arr.max())):
        sel = length_arr > bit
        stream[starts[sel] + bit] = (value[sel] >> (length_arr[sel] - 1 - bit)) & 1
    packed = np.packbits(stream)
    stuffed = np.insert(packed, np.nonzero(packed == 0xFF)[0] + 1, 0)  # byte stuffing
    sof = bytes([0xFF, 0xC3, 0, 11, precision]) + rows.to_bytes(2, "big")
    sof += cols.to_bytes(2, "big") + bytes([1, 1, 0x11, 0])
    dht = bytes([0xFF, 0xC4]) + (19 + len(huffval)).to_bytes(2, "big") + bytes([0x00])
    dht += bytes(bits) + bytes(huffval)
    sos = bytes([0xFF, 0xDA, 0, 8, 1, 1, 0x00, 1, 0, 0])  # Ss = predictor 1, Se = 0, Al = 0
    return b"\xff\xd8" + sof + dht + sos + stuffed.tobytes() + b"\xff\xd9"


def _jpeg_baseline_ybr422(rgb: npt.NDArray[np.uint8], quality: int = 90) -> bytes:
    """Encode RGB as baseline JPEG in YCbCr with 4:2:2 subsampling (YBR_FULL_422), via Pillow.

    The JFIF APP0 segment Pillow writes is removed, as DICOM encoders usually do.
    """
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="JPEG", quality=quality, subsampling=1)
    data = buf.getvalue()
    out, i = bytearray(data[:2]), 2
    while data[i] == 0xFF and 0xE0 <= data[i + 1] <= 0xEF:
        seg_len = int.from_bytes(data[i + 2 : i + 4], "big")
        if data[i + 1] != 0xE0:
            out += data[i : i + 2 + seg_len]
        i += 2 + seg_len
    return bytes(out + data[i:])


def _mark_lossy(ds: Dataset, method: str, raw_bytes: int) -> None:
    ds.LossyImageCompression = "01"
    ds.LossyImageCompressionRatio = _ds(raw_bytes / max(1, len(ds.PixelData)))
    ds.LossyImageCompressionMethod = method


_BUNDLED_PIXEL_KEYWORDS: Final = (
    "ImageType",
    "SamplesPerPixel",
    "PhotometricInterpretation",
    "PlanarConfiguration",
    "Rows",
    "Columns",
    "BitsAllocated",
    "BitsStored",
    "HighBit",
    "PixelRepresentation",
    "LossyImageCompression",
    "LossyImageCompressionRatio",
    "LossyImageCompressionMethod",
    "PixelData",
)


def _retag_bundled(name: str, series: _Series) -> Dataset:
    """Pixel data of a pydicom test file, unchanged (same transfer syntax), with our tags."""
    path = get_testdata_file(name, download=False)
    if not isinstance(path, str):
        raise RuntimeError(f"pydicom test file {name!r} is not bundled with this pydicom")
    src = dcmread(path)
    ds = _base_dataset(series, 1)
    for keyword in _BUNDLED_PIXEL_KEYWORDS:
        if keyword in src:
            ds.add(src[keyword])
    ds.PatientOrientation = ""
    ds.ConversionType = "WSD"
    ds.DerivationDescription = f"Pixel data from the pydicom test file {name}"
    _file_meta(ds, UID(src.file_meta.TransferSyntaxUID))
    return ds


def write_transfer_syntax_set(
    out_dir: Path, patient: PatientTags, study: StudyTags, *, seed: int = 0
) -> list[InstanceInfo]:
    """Write one single-instance series per common transfer syntax, series numbers 1..12.

    Content and source per series (all synthetic unless noted):

    1. Implicit VR Little Endian - CT chest slice (512x512, int16, HU + 1024).
    2. Explicit VR Little Endian - ultrasound frame, RGB (Ultrasound Image Storage).
    3. Deflated Explicit VR Little Endian - MR head slice (256x256, 12 bits).
    4. Explicit VR Big Endian (retired) - CT chest slice, pixel bytes big endian.
    5. RLE Lossless - CT chest slice (pydicom's RLE encoder).
    6. JPEG Baseline (Process 1) - ultrasound frame as YBR_FULL_422, encoded by Pillow
       (quality 90, 4:2:2; JFIF segment removed). Lossy.
    7. JPEG Extended (Process 2 & 4), 12-bit lossy - NOT synthetic: the pixel data of
       pydicom's bundled test file ``JPGExtended.dcm`` (a whole-body nuclear medicine bone
       scan, Secondary Capture), kept byte for byte with its transfer syntax, re-tagged with
       this patient/study and new UIDs. Nothing available here encodes 12-bit lossy JPEG.
    8. JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 SV1) - CT chest
       slice, encoded by this module's own small Huffman encoder (no library encodes it).
    9. JPEG-LS Lossless - MR head slice (pyjpegls via pydicom).
    10. JPEG-LS Near-Lossless - CT chest slice, NEAR = 3 (max error 3 HU; pyjpegls).
    11. JPEG 2000 Lossless - CT chest slice (openjpeg via pydicom).
    12. JPEG 2000 (lossy) - chest radiograph 1500x1250 DX, 12 bits, openjpeg with a 15:1 target.

    Lossy objects carry LossyImageCompression "01", the ratio and the method. HTJ2K is not
    included: no encoder is available. Returns the instances in series-number order.

    Raises ValueError for a negative seed or invalid tags; RuntimeError if pydicom's bundled
    test file is missing; encoder errors from pydicom if an optional encoder
    (pyjpegls, pylibjpeg-openjpeg, Pillow) is not installed.
    """
    _check_inputs(patient, study, seed, 1)
    ct_phantom = _CTPhantom(512, seed)
    mr_phantom = _MRPhantom(256)
    us_frame = _us_frames(1, 480, 640, seed)[0]
    plan: list[tuple[UID, str, str]] = [
        (ImplicitVRLittleEndian, "CT", "Implicit VR Little Endian"),
        (ExplicitVRLittleEndian, "US", "Explicit VR Little Endian"),
        (DeflatedExplicitVRLittleEndian, "MR", "Deflated Explicit VR Little Endian"),
        (ExplicitVRBigEndian, "CT", "Explicit VR Big Endian"),
        (RLELossless, "CT", "RLE Lossless"),
        (JPEGBaseline8Bit, "US", "JPEG Baseline 8-bit YBR_FULL_422"),
        (JPEGExtended12Bit, "SC", "JPEG Extended 12-bit (pydicom JPGExtended.dcm)"),
        (JPEGLosslessSV1, "CT", "JPEG Lossless SV1"),
        (JPEGLSLossless, "MR", "JPEG-LS Lossless"),
        (JPEGLSNearLossless, "CT", "JPEG-LS Near-Lossless NEAR=3"),
        (JPEG2000Lossless, "CT", "JPEG 2000 Lossless"),
        (JPEG2000, "DX", "JPEG 2000 lossy"),
    ]
    sop_classes = {
        "CT": CTImageStorage,
        "MR": MRImageStorage,
        "US": UltrasoundImageStorage,
        "SC": SecondaryCaptureImageStorage,
        "DX": DigitalXRayImageStorageForPresentation,
    }
    modalities = {"CT": "CT", "MR": "MR", "US": "US", "SC": "NM", "DX": "DX"}
    body_parts = {"CT": "CHEST", "MR": "HEAD", "US": "HEART", "SC": "WHOLEBODY", "DX": "CHEST"}
    results: list[InstanceInfo] = []
    for number, (ts, content, label) in enumerate(plan, start=1):
        series = _series(
            patient,
            study,
            seed=seed,
            kind=f"TS-{ts}",
            modality=modalities[content],
            sop_class_uid=sop_classes[content],
            series_number=number,
            description=f"TS {label}",
            body_part=body_parts[content],
        )
        frame_of_reference = _uid("for", series.series_uid)
        if content == "CT":
            ds = _ct_dataset(
                series,
                ct_phantom,
                index=0,
                h=0.0,
                thickness=1.25,
                images_in_acquisition=1,
                frame_of_reference=frame_of_reference,
                seed=seed,
            )
        elif content == "MR":
            ds = _mr_dataset(
                series,
                mr_phantom,
                index=0,
                h=15.0,
                images_in_acquisition=1,
                frame_of_reference=frame_of_reference,
                seed=seed,
            )
        elif content == "US":
            ds = _base_dataset(series, 1)
            _us_common(ds, _us_geometry(480, 640))
            _rgb_pixel_module(ds, 480, 640)
            ds.PixelData = us_frame.tobytes()
            _file_meta(ds, ExplicitVRLittleEndian)
        elif content == "DX":
            ds, _ = _radiograph_dataset(
                series,
                rows=1500,
                columns=1250,
                photometric="MONOCHROME2",
                bits_stored=12,
                seed=seed,
            )
        else:
            ds = _retag_bundled("JPGExtended.dcm", series)
        raw_bytes = len(ds.PixelData)
        if ts in (ImplicitVRLittleEndian, ExplicitVRLittleEndian, DeflatedExplicitVRLittleEndian):
            ds.file_meta.TransferSyntaxUID = ts
        elif ts == ExplicitVRBigEndian:
            ds.PixelData = np.frombuffer(ds.PixelData, dtype="<i2").astype(">i2").tobytes()
            ds.file_meta.TransferSyntaxUID = ts
        elif ts == JPEGBaseline8Bit:
            ds.PhotometricInterpretation = "YBR_FULL_422"
            _set_encapsulated(ds, [_jpeg_baseline_ybr422(us_frame)])
            ds.file_meta.TransferSyntaxUID = ts
            _mark_lossy(ds, "ISO_10918_1", raw_bytes)
        elif ts == JPEGLosslessSV1:
            stored = np.frombuffer(ds.PixelData, dtype="<i2").reshape(ds.Rows, ds.Columns)
            _set_encapsulated(ds, [_jpeg_lossless_sv1(stored, int(ds.BitsStored))])
            ds.file_meta.TransferSyntaxUID = ts
        elif ts == JPEGLSNearLossless:
            ds.compress(ts, generate_instance_uid=False, jls_error=3)
            _mark_lossy(ds, "ISO_14495_1", raw_bytes)
        elif ts == JPEG2000:
            ds.compress(ts, generate_instance_uid=False, j2k_cr=[15])
            _mark_lossy(ds, "ISO_15444_1", raw_bytes)
        elif ts != JPEGExtended12Bit:
            ds.compress(ts, generate_instance_uid=False)
        results.append(_save(ds, out_dir))
    return results
