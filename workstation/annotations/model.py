"""The annotation data that is saved and read back: marks on referenced images in pixel
coordinates, with their measured values, and what could not be shown and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from workstation.imaging.identity import ImageIdentity
from workstation.imaging.lut_data import Lut
from workstation.imaging.marks import MarkKind, Point
from workstation.imaging.voi import PresentationLutShape

# Her login in a presentation state: the content creator's identification code in a private
# coding scheme (DICOM leaves "99…" designators to local use), so her GSPS are known as hers.
LOGIN_SCHEME = "99HRLOGIN"


class Quantity(Enum):
    """What a measured value is (the concept names of the report, SNOMED CT)."""

    LENGTH = "410668003"
    ANGLE = "1483009"
    AREA = "42798000"
    MEAN = "373098007"
    SD = "386136009"
    MINIMUM = "255605001"
    MAXIMUM = "56851009"


@dataclass(frozen=True)
class MeasuredValue:
    """One number of a mark, with its UCUM unit ("mm", "deg", "mm2", "[hnsf'U]", "1",
    "{pixel}")."""

    quantity: Quantity
    value: float
    unit: str


@dataclass(frozen=True)
class MarkToSave:
    """A mark on one frame of one image: points in pixel coordinates (column, row from the
    image's top-left corner, 0.0 at the corner of the first pixel, as DICOM graphic data)."""

    image: ImageIdentity
    frame: int  # 0-based
    kind: MarkKind
    points_px: tuple[Point, ...]
    text: str = ""
    values: tuple[MeasuredValue, ...] = ()


@dataclass(frozen=True)
class KeyImageRef:
    """A key image: one frame (0-based) of a referenced image."""

    image: ImageIdentity
    frame: int = 0


@dataclass(frozen=True)
class Author:
    """Who made the object: her display name and login, and her hospital."""

    name: str
    login: str = ""
    organization: str = ""


@dataclass(frozen=True)
class SavedMark:
    """A mark read from a saved object, on (SOP Instance UID, 0-based frame), in pixels."""

    sop_instance_uid: str
    frame: int
    kind: MarkKind
    points_px: tuple[Point, ...]
    text: str = ""
    values: tuple[MeasuredValue, ...] = ()


class Why(Enum):
    """Why a part of a saved object is not drawn, in kinds she can act on."""

    UNSUPPORTED = "unsupported"  # a graphic this viewer does not draw (3D, a point, …)
    DAMAGED = "damaged"  # the object's data is broken (coordinates, no image named)
    ELSEWHERE = "elsewhere"  # it refers to another study, or to images this one lacks
    TOO_MANY = "too many"  # beyond what one object or study may draw (a bound on the cost)


@dataclass(frozen=True)
class NotShown:
    """A part of a saved object that is not drawn, and why (for the list of objects):
    ``reason`` is the technical detail (English), ``why`` its kind."""

    what: str
    reason: str
    why: Why = Why.UNSUPPORTED


class ObjectKind(Enum):
    """The kinds of saved annotation objects."""

    REPORT = "SR"  # a structured report with measurements
    KEY_IMAGES = "KOS"  # a key object selection
    PRESENTATION = "GSPS"  # a grayscale softcopy presentation state


@dataclass(frozen=True)
class SoftcopyWindow:
    """One window of a presentation state's Softcopy VOI LUT module (PS3.3 C.11.8) as
    written: centre and width in the presentation state's own modality units (after its
    Modality LUT: ``rescale`` slope, intercept; None when it has none, the identity), the
    VOI LUT Function, its explanation, and the SOP Instance UIDs it is for."""

    centre: float
    width: float
    function: str = "LINEAR"
    explanation: str = ""
    rescale: tuple[float, float] | None = None
    images: frozenset[str] = frozenset()
    item: int = 0  # its place in the Softcopy VOI LUT Sequence (the first for an image applies)


@dataclass(frozen=True)
class SoftcopyVoiTable:
    """A VOI LUT table of a presentation state's Softcopy VOI LUT module (PS3.3 C.11.8,
    C.11.2.1.1): ``lut.first_mapped`` is the descriptor's 16-bit pattern, whose sign depends
    on the image it is shown on (``softcopy_voi.state_on_image`` reads it)."""

    lut: Lut
    explanation: str = ""
    images: frozenset[str] = frozenset()
    item: int = 0


@dataclass(frozen=True)
class StateLuts:
    """What a presentation state says beyond its windows: its Modality LUT table (C.11.1),
    VOI LUT tables, and Presentation LUT (C.11.6): its shape, or its table (``shape`` None
    and ``table`` None: the state names none, the image's own presentation stays)."""

    modality: Lut | None = None
    voi_tables: tuple[SoftcopyVoiTable, ...] = ()
    shape: PresentationLutShape | None = None
    table: Lut | None = None
    rescale: tuple[float, float] | None = None  # its Rescale Slope, Intercept (None: none)
    images: frozenset[str] = frozenset()  # the SOP Instance UIDs it names

    @property
    def any(self) -> bool:
        """True when the state has any of them."""
        return bool(
            self.modality is not None or self.voi_tables or self.shape or self.table is not None
        )


@dataclass(frozen=True)
class SavedObject:
    """One saved SR, KOS or GSPS of a study as read: its marks and key images in pixels, and
    what in it is not shown."""

    kind: ObjectKind
    sop_instance_uid: str
    series_instance_uid: str
    study_instance_uid: str
    author: str = ""  # the observer or the content creator as written ("" unknown)
    author_login: str = ""  # the login it names (as written by anyone: never proof)
    title: str = ""
    created: str = ""  # DICOM date and time as written, YYYYMMDDHHMMSS ("" unknown)
    marks: tuple[SavedMark, ...] = ()
    key_images: tuple[tuple[str, int], ...] = ()  # (SOP Instance UID, 0-based frame)
    window: tuple[float, float] | None = None  # a presentation state's centre, width
    windows: tuple[SoftcopyWindow, ...] = ()  # its softcopy VOI windows in full
    luts: StateLuts = StateLuts()  # its LUT tables and presentation shape
    not_shown: tuple[NotShown, ...] = field(default=())


def to_mm(point_px: Point, spacing: tuple[float, float] | None) -> Point:
    """A point in pixel coordinates (column, row) as image mm (``spacing`` = row, column
    mm; pixels when None): the inverse of ``calibration.to_pixels``."""
    if spacing is None:
        return point_px
    return point_px[0] * spacing[1], point_px[1] * spacing[0]


@dataclass(frozen=True)
class Rendering:
    """How she saw the images: her window (centre, width in modality units) and the
    images' rescale (slope, intercept) and modality, which the window applies after;
    ``inverse``: low values showed white (a MONOCHROME1 film, or her inversion), which a
    presentation state says with its Presentation LUT Shape INVERSE (PS3.4 N.2.1.4: a state
    overrides the image's Photometric Interpretation)."""

    window: tuple[float, float] | None
    rescale: tuple[float, float] = (1.0, 0.0)
    modality: str = ""
    inverse: bool = False
