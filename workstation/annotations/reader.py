"""Saved SR, KOS and GSPS objects read back as marks and key images, tolerantly: whatever
cannot be drawn (3D coordinates, unsupported graphic types, damaged data) is listed as not
shown with a reason; reading never raises for content, only ``read_object`` for a dataset
that is no annotation object at all (ValueError)."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from pydicom.dataset import Dataset
from pydicom.multival import MultiValue

from workstation.annotations.model import (
    LOGIN_SCHEME,
    MeasuredValue,
    NotShown,
    ObjectKind,
    Quantity,
    SavedMark,
    SavedObject,
    SoftcopyWindow,
    StateLuts,
    Why,
)
from workstation.annotations.softcopy_voi import read_softcopy_voi, read_state_luts
from workstation.imaging.marks import MarkKind, Point
from workstation.imaging.names import person_name_display

KOS_CLASS = "1.2.840.10008.5.1.4.1.1.88.59"
GSPS_CLASS = "1.2.840.10008.5.1.4.1.1.11.1"
_SR_CLASSES = {
    "1.2.840.10008.5.1.4.1.1.88.11",  # Basic Text SR
    "1.2.840.10008.5.1.4.1.1.88.22",  # Enhanced SR
    "1.2.840.10008.5.1.4.1.1.88.33",  # Comprehensive SR
    "1.2.840.10008.5.1.4.1.1.88.34",  # Comprehensive 3D SR
    "1.2.840.10008.5.1.4.1.1.88.35",  # Extensible SR
}
_TRACKING_IDENTIFIER = "112039"
_TEXT_CONCEPTS = {"121106", "121071", "112039"}  # Comment, Finding (DCM), tracking id
_QUANTITIES = {q.value: q for q in Quantity}
_TOLERANCE = 1e-3  # pixels: how far a box corner may stray from axis-aligned
# Bounds on what one object may cost to read and draw, whoever wrote it: a small object can
# name thousands of frames for each of thousands of graphics (each pair is a mark).
MAX_MARKS_PER_OBJECT = 1000  # marks, and key images, taken from one object
MAX_DEPTH = 32  # levels of the content tree read (ours has 4)
MAX_NOTES = 100  # "not shown" lines kept per object; the rest are counted in one line
FrameCounts = Mapping[str, int | None]  # SOP Instance UID → its number of frames (None: 1)


def object_kind(ds: Dataset) -> ObjectKind | None:
    """Which annotation object ``ds`` is by its SOP Class (None: none of them)."""
    sop_class = str(ds.get("SOPClassUID", ""))
    if sop_class == KOS_CLASS:
        return ObjectKind.KEY_IMAGES
    if sop_class == GSPS_CLASS:
        return ObjectKind.PRESENTATION
    if sop_class in _SR_CLASSES:
        return ObjectKind.REPORT
    return None


def _code(item: Dataset, keyword: str = "ConceptNameCodeSequence") -> str:
    seq = item.get(keyword)
    if not seq:
        return ""
    return str(seq[0].get("CodeValue", "") or seq[0].get("LongCodeValue", ""))


def _meaning(item: Dataset, keyword: str = "ConceptNameCodeSequence") -> str:
    seq = item.get(keyword)
    return str(seq[0].get("CodeMeaning", "")) if seq else ""


def _children(item: Dataset) -> list[Dataset]:
    return list(item.get("ContentSequence") or [])


@dataclass
class _Reading:
    frame_counts: FrameCounts
    marks: list[SavedMark] = field(default_factory=list)
    not_shown: list[NotShown] = field(default_factory=list)
    key_images: list[tuple[str, int]] = field(default_factory=list)
    too_many_marks: int = 0
    too_many_keys: int = 0
    notes_left_off: int = 0
    too_deep: bool = False

    def note(self, item: NotShown) -> None:
        if len(self.not_shown) < MAX_NOTES:
            self.not_shown.append(item)
        else:
            self.notes_left_off += 1

    def add_marks(
        self,
        targets: Sequence[tuple[str, int]],
        kind: MarkKind,
        points: tuple[Point, ...],
        text: str = "",
        values: tuple[MeasuredValue, ...] = (),
    ) -> None:
        """One mark on each (SOP Instance UID, frame) of ``targets``, up to the bound."""
        room = max(MAX_MARKS_PER_OBJECT - len(self.marks), 0)
        self.marks.extend(SavedMark(u, f, kind, points, text, values) for u, f in targets[:room])
        self.too_many_marks += max(len(targets) - room, 0)

    def add_key_images(self, targets: Sequence[tuple[str, int]]) -> None:
        room = max(MAX_MARKS_PER_OBJECT - len(self.key_images), 0)
        self.key_images.extend(targets[:room])
        self.too_many_keys += max(len(targets) - room, 0)

    def frames(self, uid: str, ref: Dataset, what: str) -> list[int]:
        """The 0-based frames ``ref`` names that the image has (its number of frames, 1 when
        not known); those it does not have are noted once."""
        count = max(self.frame_counts.get(uid) or 1, 1)
        named = _frames(ref)
        kept = list(dict.fromkeys(f for f in named if f < count))
        missing = len(set(named)) - len(kept)
        if missing:
            self.note(
                NotShown(
                    what,
                    f"it refers to {missing} frame(s) beyond the image's {count}",
                    Why.ELSEWHERE,
                )
            )
        return kept

    def finish(self) -> None:
        if self.too_deep:
            self.note(NotShown("nested content", "nested too deeply", Why.DAMAGED))
        for count, what in ((self.too_many_marks, "mark"), (self.too_many_keys, "key image")):
            if count:
                self.not_shown.append(
                    NotShown(
                        f"{count} {what}(s)",
                        f"too many in one object (more than {MAX_MARKS_PER_OBJECT})",
                        Why.TOO_MANY,
                    )
                )
        if self.notes_left_off:
            self.not_shown.append(
                NotShown(f"{self.notes_left_off} more part(s)", "too many to list", Why.TOO_MANY)
            )


def _points(data: Any) -> list[Point] | None:
    """Flat (column, row, …) values as points; None when damaged (odd count, not finite)."""
    try:
        values = [float(v) for v in (data if data is not None else [])]
    except (TypeError, ValueError):
        return None
    if not values or len(values) % 2 or not all(math.isfinite(v) for v in values):
        return None
    return [(values[i], values[i + 1]) for i in range(0, len(values), 2)]


def _frames(ref: Dataset) -> list[int]:
    """0-based frames of a reference (frame 0 when it names none or names them badly)."""
    value = ref.get("ReferencedFrameNumber")
    if value is None or value == "":
        return [0]
    items = list(value) if isinstance(value, MultiValue | list | tuple) else [value]
    try:
        numbers = [int(v) for v in items]
    except (TypeError, ValueError):
        return [0]
    return [n - 1 for n in numbers if n >= 1] or [0]


def _axis_aligned_box(points: list[Point]) -> tuple[Point, Point] | None:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    if len({round(x, 3) for x in xs}) != 2 or len({round(y, 3) for y in ys}) != 2:
        return None
    return (min(xs), min(ys)), (max(xs), max(ys))


def shape_of(
    graphic_type: str, points: list[Point], hint: str = "", has_text: bool = False
) -> tuple[MarkKind, tuple[Point, ...]] | str:
    """The mark kind and its points (boxes as top-left, bottom-right) of a graphic given in
    pixels, or the reason it cannot be drawn as one of our marks. ``hint``: the tracking
    identifier ("length", "arrow"… when written by this program)."""
    kind = graphic_type.upper()
    n = len(points)
    if kind in ("POLYLINE", "INTERPOLATED"):
        if n == 2:
            arrow = hint == MarkKind.ARROW.value or (has_text and hint != MarkKind.LENGTH.value)
            return (MarkKind.ARROW if arrow else MarkKind.LENGTH), tuple(points)
        if n == 3:
            return MarkKind.ANGLE, tuple(points)
        closed = n == 5 and math.dist(points[0], points[-1]) <= _TOLERANCE
        box = _axis_aligned_box(points[:4]) if closed else None
        if box is not None:
            return MarkKind.RECTANGLE, box
        return f"a polyline of {n} points (not a line, angle or upright rectangle)"
    if kind == "ELLIPSE":
        if n != 4:
            return f"an ellipse given by {n} points"
        (a0, a1, b0, b1) = points
        upright = (abs(a0[0] - a1[0]) <= _TOLERANCE or abs(a0[1] - a1[1]) <= _TOLERANCE) and (
            abs(b0[0] - b1[0]) <= _TOLERANCE or abs(b0[1] - b1[1]) <= _TOLERANCE
        )
        if not upright:
            return "a rotated ellipse"
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        return MarkKind.ELLIPSE, ((min(xs), min(ys)), (max(xs), max(ys)))
    if kind == "CIRCLE":
        if n != 2:
            return f"a circle given by {n} points"
        (cx, cy), edge = points
        r = math.dist((cx, cy), edge)
        return MarkKind.ELLIPSE, ((cx - r, cy - r), (cx + r, cy + r))
    return f"graphic type {kind or 'missing'} is not supported"


def _value(item: Dataset) -> MeasuredValue | None:
    quantity = _QUANTITIES.get(_code(item))
    seq = item.get("MeasuredValueSequence")
    if quantity is None or not seq:
        return None
    try:
        number = float(seq[0].NumericValue)
    except (AttributeError, TypeError, ValueError):
        return None
    unit = _code(seq[0], "MeasurementUnitsCodeSequence")
    return MeasuredValue(quantity, number, unit) if math.isfinite(number) else None


def _image_reference(scoord: Dataset) -> tuple[str, Dataset] | None:
    for child in _children(scoord):
        if child.get("ValueType") == "IMAGE" and child.get("ReferencedSOPSequence"):
            ref = child.ReferencedSOPSequence[0]
            uid = str(ref.get("ReferencedSOPInstanceUID", ""))
            if uid:
                return uid, ref
    return None


def _scoord_marks(
    scoord: Dataset,
    reading: _Reading,
    hint: str,
    text: str,
    values: tuple[MeasuredValue, ...],
    what: str,
) -> None:
    if scoord.get("ValueType") == "SCOORD3D":
        reading.note(NotShown(what, "3D coordinates are not shown"))
        return
    points = _points(scoord.get("GraphicData"))
    if points is None:
        reading.note(NotShown(what, "its coordinates are damaged", Why.DAMAGED))
        return
    reference = _image_reference(scoord)
    if reference is None:
        reading.note(NotShown(what, "it names no image", Why.DAMAGED))
        return
    shape = shape_of(str(scoord.get("GraphicType", "")), points, hint, bool(text))
    if isinstance(shape, str):
        reading.note(NotShown(what, shape))
        return
    kind, mark_points = shape
    uid, ref = reference
    frames = reading.frames(uid, ref, what)
    reading.add_marks([(uid, frame) for frame in frames], kind, mark_points, text, values)


def _read_group(container: Dataset, reading: _Reading, depth: int = 0) -> None:
    """One container: its direct SCOORD children are marks carrying its values and texts;
    NUM children with their own SCOORD (the TID 300 pattern) are marks of their own.
    Containers below MAX_DEPTH are not read (noted)."""
    if depth > MAX_DEPTH:
        reading.too_deep = True
        return
    children = _children(container)
    hint, texts, values, scoords = "", [], [], []
    for child in children:
        value_type = child.get("ValueType")
        if value_type == "TEXT":
            code = _code(child)
            if code == _TRACKING_IDENTIFIER:
                hint = str(child.get("TextValue", ""))
            elif code in _TEXT_CONCEPTS:
                texts.append(str(child.get("TextValue", "")))
        elif value_type == "NUM":
            value = _value(child)
            own = [c for c in _children(child) if c.get("ValueType") in ("SCOORD", "SCOORD3D")]
            if own:
                what = _meaning(child) or "a measurement"
                for scoord in own:
                    _scoord_marks(scoord, reading, hint, "", (value,) if value else (), what)
            elif value is not None:
                values.append(value)
        elif value_type in ("SCOORD", "SCOORD3D"):
            scoords.append(child)
        elif value_type == "CONTAINER":
            _read_group(child, reading, depth + 1)
    text = "\n".join(t for t in texts if t)
    for scoord in scoords:
        what = hint or _meaning(container) or "a region"
        _scoord_marks(scoord, reading, hint, text, tuple(values) if len(scoords) == 1 else (), what)


def _walk(item: Dataset, reading: _Reading | None = None, depth: int = 0) -> Iterator[Dataset]:
    """Every content item below ``item``, down to MAX_DEPTH levels (deeper: noted)."""
    if depth > MAX_DEPTH:
        if reading is not None:
            reading.too_deep = True
        return
    for child in _children(item):
        yield child
        yield from _walk(child, reading, depth + 1)


def _observer(ds: Dataset) -> str:
    for item in _walk(ds):
        if item.get("ValueType") == "PNAME" and _code(item) == "121008":
            return person_name_display(str(item.get("PersonName", "")))
    return person_name_display(str(ds.get("ContentCreatorName", "") or ""))


def _observer_login(ds: Dataset) -> str:
    for creator in ds.get("ContentCreatorIdentificationCodeSequence") or []:
        for code in creator.get("PersonIdentificationCodeSequence") or []:
            if code.get("CodingSchemeDesignator") == LOGIN_SCHEME:
                return str(code.get("CodeValue", ""))
    for item in _walk(ds):
        if item.get("ValueType") == "TEXT" and _code(item) == "128774":
            return str(item.get("TextValue", ""))
    return ""


def _read_kos(ds: Dataset, reading: _Reading) -> None:
    for item in _walk(ds, reading):
        if item.get("ValueType") not in ("IMAGE", "COMPOSITE"):
            continue
        refs = item.get("ReferencedSOPSequence") or []
        uid = str(refs[0].get("ReferencedSOPInstanceUID", "")) if refs else ""
        if item.ValueType == "COMPOSITE" or not uid:
            reading.note(NotShown("a selected object", "it is not an image"))
            continue
        frames = reading.frames(uid, refs[0], "a key image")
        reading.add_key_images([(uid, frame) for frame in frames])


def _image_frames(refs: Sequence[Dataset], reading: _Reading) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    for ref in refs:
        uid = str(ref.get("ReferencedSOPInstanceUID", ""))
        if uid:
            found.extend((uid, frame) for frame in reading.frames(uid, ref, "an annotation"))
    return list(dict.fromkeys(found))


def _read_gsps(ds: Dataset, reading: _Reading) -> None:
    every: list[tuple[str, int]] | None = None  # what the state names: read once, not per item
    for annotation in ds.get("GraphicAnnotationSequence") or []:
        refs = annotation.get("ReferencedImageSequence")
        if refs:
            images = _image_frames(refs, reading)
        else:  # it applies to every image the presentation state names
            if every is None:
                every = _image_frames(
                    [
                        image
                        for series in ds.get("ReferencedSeriesSequence") or []
                        for image in series.get("ReferencedImageSequence") or []
                    ],
                    reading,
                )
            images = every
        if not images:
            reading.note(NotShown("an annotation", "it names no image", Why.DAMAGED))
            continue
        for graphic in annotation.get("GraphicObjectSequence") or []:
            what = f"a {str(graphic.get('GraphicType', '')).lower() or 'graphic'}"
            if str(graphic.get("GraphicAnnotationUnits", "")).upper() != "PIXEL":
                reading.note(NotShown(what, "given in display coordinates"))
                continue
            points = _points(graphic.get("GraphicData"))
            if points is None:
                reading.note(NotShown(what, "its coordinates are damaged", Why.DAMAGED))
                continue
            shape = shape_of(str(graphic.get("GraphicType", "")), points)
            if isinstance(shape, str):
                reading.note(NotShown(what, shape))
                continue
            kind, mark_points = shape
            reading.add_marks(images, kind, mark_points)
        for text in annotation.get("TextObjectSequence") or []:
            value = str(text.get("UnformattedTextValue", ""))
            anchor = _points(text.get("AnchorPoint"))
            corner = _points(text.get("BoundingBoxTopLeftHandCorner"))
            pixel_anchor = str(text.get("AnchorPointAnnotationUnits", "")).upper() == "PIXEL"
            pixel_box = str(text.get("BoundingBoxAnnotationUnits", "")).upper() == "PIXEL"
            ends = [
                p[0] for p, pixel in ((anchor, pixel_anchor), (corner, pixel_box)) if p and pixel
            ]
            if not ends:
                reading.note(NotShown("a text", "given in display coordinates"))
                continue
            points_px = (ends[0], ends[-1])  # the anchor is the tip, the text box the tail
            reading.add_marks(images, MarkKind.ARROW, points_px, value)


def _created(ds: Dataset) -> str:
    """YYYYMMDDHHMMSS as written (a presentation state has its creation date instead)."""
    for date, time in (
        ("ContentDate", "ContentTime"),
        ("PresentationCreationDate", "PresentationCreationTime"),
    ):
        if ds.get(date):
            return f"{ds.get(date, '')}{ds.get(time, '') or ''}"[:14]
    return ""


def read_object(ds: Dataset, frame_counts: FrameCounts | None = None) -> SavedObject:
    """The marks, key images and window of a saved SR, KOS or GSPS, in pixels, with what is
    not shown. ``frame_counts``: the number of frames of the images it may refer to (an
    image not in it has one); frames beyond are not shown, nor marks or key images beyond
    MAX_MARKS_PER_OBJECT. Raises ValueError when ``ds`` is none of these."""
    kind = object_kind(ds)
    if kind is None:
        raise ValueError("not an SR, KOS or GSPS object")
    reading = _Reading(frame_counts or {})
    window: tuple[float, float] | None = None
    windows: tuple[SoftcopyWindow, ...] = ()
    luts = StateLuts()
    if kind is ObjectKind.REPORT:
        _read_group(ds, reading)  # the dataset is the root container
    elif kind is ObjectKind.KEY_IMAGES:
        _read_kos(ds, reading)
    else:
        _read_gsps(ds, reading)
        windows, voi_not_shown = read_softcopy_voi(ds)
        luts, luts_not_shown = read_state_luts(ds)
        if ds.get("ModalityLUTSequence") and luts.modality is None:
            # its VOI is in the units of a table that cannot be read: none of it applies
            windows, luts = (), replace(luts, voi_tables=())
        for note in [*voi_not_shown, *luts_not_shown]:
            reading.note(note)
        window = (windows[0].centre, windows[0].width) if windows else None
    reading.finish()
    title = _meaning(ds) if kind is not ObjectKind.PRESENTATION else ""
    return SavedObject(
        kind=kind,
        sop_instance_uid=str(ds.get("SOPInstanceUID", "")),
        series_instance_uid=str(ds.get("SeriesInstanceUID", "")),
        study_instance_uid=str(ds.get("StudyInstanceUID", "")),
        author=_observer(ds),
        author_login=_observer_login(ds),
        title=title or str(ds.get("ContentDescription", "") or ds.get("ContentLabel", "")),
        created=_created(ds),
        marks=tuple(reading.marks),
        key_images=tuple(reading.key_images),
        window=window,
        windows=windows,
        luts=luts,
        not_shown=tuple(reading.not_shown),
    )
