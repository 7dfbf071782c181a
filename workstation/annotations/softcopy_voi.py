"""The window a presentation state names (its Softcopy VOI LUT module, PS3.3 C.11.8), read
in full and put in the units of the image it is shown on; its LUT tables (Modality LUT
Sequence C.11.1, VOI LUT Sequence C.11.2, Presentation LUT C.11.6) read beside it.

A GSPS's window applies after the GSPS's own Modality LUT (its Rescale Slope/Intercept; the
identity when it has none, PS3.4 N.2.1), not the image's: the viewer's windows are in the
image's modality units, so the numbers are carried across through the stored values. After
a Modality LUT table they stay in the table's units (no line carries them across)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from pydicom.dataset import Dataset
from pydicom.multival import MultiValue

from workstation.annotations.model import (
    NotShown,
    SavedObject,
    SoftcopyVoiTable,
    SoftcopyWindow,
    StateLuts,
    Why,
)
from workstation.imaging.decode import DicomImage
from workstation.imaging.display import StateSteps, Voi, presentation_inverts
from workstation.imaging.errors import DecodeError
from workstation.imaging.frames import frame_rescale
from workstation.imaging.lut_data import Lut, first_mapped, is_little_endian, read_lut
from workstation.imaging.voi import PresentationLutShape, VoiFunction, Window

_FUNCTIONS = {f.value for f in VoiFunction}


def _first(value: object) -> float:
    """The first of a multi-valued number (a window may list several): raises TypeError,
    ValueError or IndexError when it is not a number."""
    if isinstance(value, list | tuple | MultiValue):
        value = value[0]
    return float(value)  # type: ignore[arg-type]


def _rescale(ds: Dataset) -> tuple[float, float] | None:
    if "RescaleSlope" not in ds and "RescaleIntercept" not in ds:
        return None
    try:
        return float(ds.get("RescaleSlope", 1.0) or 1.0), float(ds.get("RescaleIntercept", 0.0))
    except (TypeError, ValueError):
        return None


def _uids(refs: Sequence[Dataset] | None) -> frozenset[str]:
    return frozenset(
        str(ref.get("ReferencedSOPInstanceUID", ""))
        for ref in refs or []
        if ref.get("ReferencedSOPInstanceUID")
    )


def read_softcopy_voi(ds: Dataset) -> tuple[tuple[SoftcopyWindow, ...], list[NotShown]]:
    """The windows of a presentation state's Softcopy VOI LUT Sequence, in order, and what
    of it cannot be applied (a VOI LUT table, a damaged window, an unknown function)."""
    rescale = None if ds.get("ModalityLUTSequence") else _rescale(ds)
    windows: list[SoftcopyWindow] = []
    not_shown: list[NotShown] = []
    named = _named(ds)  # a window naming no image is for every image the state names
    for number, item in enumerate(ds.get("SoftcopyVOILUTSequence") or []):
        if "WindowCenter" not in item:
            continue  # a VOI LUT table: read_state_luts
        try:
            centre, width = _first(item.WindowCenter), _first(item.WindowWidth)
        except (AttributeError, TypeError, ValueError, IndexError):
            not_shown.append(NotShown("a window", "its numbers are damaged"))
            continue
        function = str(item.get("VOILUTFunction", "") or "LINEAR").upper()
        if function not in _FUNCTIONS or width <= 0:
            not_shown.append(NotShown("a window", f"{function} width {width:g} is not valid"))
            continue
        explanation = item.get("WindowCenterWidthExplanation", "") or ""
        if isinstance(explanation, list | tuple | MultiValue):
            explanation = explanation[0] if explanation else ""
        windows.append(
            SoftcopyWindow(
                centre,
                width,
                function,
                str(explanation),
                rescale,
                _uids(item.get("ReferencedImageSequence")) or named,
                number,
            )
        )
    return tuple(windows), not_shown


def _named(ds: Dataset) -> frozenset[str]:
    return _uids(
        [
            image
            for series in ds.get("ReferencedSeriesSequence") or []
            for image in series.get("ReferencedImageSequence") or []
        ]
    )


def _one_lut(sequence: object, what: str, little_endian: bool) -> Lut:
    """The first item's LUT of a LUT Sequence, its first mapped value as the 16-bit pattern
    (its sign is the image's to decide). Raises DecodeError."""
    items = list(sequence or [])  # type: ignore[call-overload]
    if not items:
        raise DecodeError(f"the {what} sequence is empty")
    return read_lut(items[0], little_endian, False, what)


def read_state_luts(ds: Dataset) -> tuple[StateLuts, list[NotShown]]:
    """A presentation state's Modality LUT table, VOI LUT tables (each with the images it is
    for) and Presentation LUT Shape or table, and what of them is damaged."""
    little = is_little_endian(ds)
    not_shown: list[NotShown] = []
    modality = None
    if ds.get("ModalityLUTSequence"):
        try:
            modality = _one_lut(ds.ModalityLUTSequence, "modality LUT", little)
        except DecodeError as exc:
            not_shown.append(NotShown("its modality LUT", str(exc), Why.DAMAGED))
    named = _named(ds)
    tables: list[SoftcopyVoiTable] = []
    for number, item in enumerate(ds.get("SoftcopyVOILUTSequence") or []):
        if "WindowCenter" in item or "VOILUTSequence" not in item:
            continue
        try:
            lut = _one_lut(item.VOILUTSequence, "VOI LUT", little)
        except DecodeError as exc:
            not_shown.append(NotShown("a VOI LUT", str(exc), Why.DAMAGED))
            continue
        explanation = str(item.VOILUTSequence[0].get("LUTExplanation", "") or "")
        images = _uids(item.get("ReferencedImageSequence")) or named
        tables.append(SoftcopyVoiTable(lut, explanation, images, number))
    shape = None
    table = None
    if ds.get("PresentationLUTSequence"):
        try:
            table = _one_lut(ds.PresentationLUTSequence, "presentation LUT", little)
        except DecodeError as exc:
            not_shown.append(NotShown("its presentation LUT", str(exc), Why.DAMAGED))
    elif "PresentationLUTShape" in ds:
        written = str(ds.PresentationLUTShape or "").strip().upper()
        try:
            shape = PresentationLutShape(written)
        except ValueError:
            not_shown.append(
                NotShown("its presentation LUT", f"shape {written!r} is not valid", Why.DAMAGED)
            )
    rescale = None if modality is not None else _rescale(ds)
    return StateLuts(modality, tuple(tables), shape, table, rescale, named), not_shown


@dataclass(frozen=True)
class StateOnImage:
    """A presentation state as it applies to one image: its VOI (a window in the image's
    modality units, or in the state's Modality LUT table's; or a VOI LUT table; None: the
    state names none for the image) and its steps in place of the image's."""

    voi: Voi | None
    steps: StateSteps


def _signed_output(image: DicomImage, rescale: tuple[float, float]) -> bool:
    """Whether a rescale of the image's stored range can give a negative value (how a VOI
    LUT's first mapped value reads, C.11.2.1.1)."""
    bits = min(max(image.bits_stored, 1), 32)
    signed = image.pixels.dtype.kind == "i"
    low, high = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else (0, 2**bits - 1)
    slope, intercept = rescale
    return bool(min(low * slope + intercept, high * slope + intercept) < 0)


def state_on_image(obj: SavedObject, image: DicomImage, frame: int = 0) -> StateOnImage | None:
    """How the presentation state ``obj`` shows ``image`` (frame ``frame``), or None when it
    says nothing about it (it names no VOI, table or shape for the image). The first item of
    its Softcopy VOI LUT Sequence for the image applies.

    Where the state names no VOI for the image, ``voi`` is None and the viewer keeps the
    image's window: the standard's VOI would be the identity (PS3.4 N.2.1.3; DCMTK maps a
    CT's whole 16-bit range onto the greys, a flat field), which shows her nothing."""
    luts = obj.luts
    uid = image.sop_instance_uid
    modality = luts.modality
    signed_pixels = image.pixels.dtype.kind == "i"
    if modality is not None:  # its first mapped value reads as the pixels do (C.11.1.1)
        modality = replace(
            modality, first_mapped=first_mapped(modality.first_mapped, signed_pixels)
        )
    if luts.table is not None:
        presentation: PresentationLutShape | Lut = luts.table
    elif luts.shape is not None:
        presentation = luts.shape
    else:  # none named: the image's own presentation, as before
        inverse = presentation_inverts(image)
        presentation = PresentationLutShape.INVERSE if inverse else PresentationLutShape.IDENTITY
    steps = StateSteps(modality, presentation)
    window = next((w for w in obj.windows if uid in w.images), None)
    table = next((t for t in luts.voi_tables if uid in t.images), None)
    voi: Voi | None = None
    if table is not None and (window is None or table.item < window.item):
        # a table maps the state's own modality output: its rescale (none: the identity)
        rescale = luts.rescale or (1.0, 0.0)
        signed = False if modality is not None else _signed_output(image, rescale)
        voi = replace(table.lut, first_mapped=first_mapped(table.lut.first_mapped, signed))
        if modality is None:
            steps = replace(steps, rescale=rescale)
    elif window is not None:
        if modality is not None:
            voi = Window(
                window.centre,
                window.width,
                VoiFunction(window.function),
                window.explanation or "GSPS",
            )
        else:
            voi = window_on_image([window], uid, frame_rescale(image, frame))
    if voi is None and not (luts.any and uid in luts.images):
        return None
    return StateOnImage(voi, steps)


def state_images(obj: SavedObject) -> frozenset[str]:
    """The SOP Instance UIDs a presentation state's display is for (its windows' and tables'
    images, and every image it names when it has tables or a shape)."""
    found = {u for w in obj.windows for u in w.images}
    found.update(u for t in obj.luts.voi_tables for u in t.images)
    if obj.luts.any:
        found.update(obj.luts.images)
    return frozenset(found)


def window_on_image(
    windows: Sequence[SoftcopyWindow],
    sop_instance_uid: str,
    image_rescale: tuple[float, float],
) -> Window | None:
    """The presentation state's window for one image, in that image's modality units
    (``image_rescale``: its slope, intercept), or None when none of ``windows`` is for it.
    The first window for the image applies."""
    candidates = [w for w in windows if sop_instance_uid in w.images]
    if not candidates:
        return None
    chosen = candidates[0]
    slope, intercept = chosen.rescale or (1.0, 0.0)
    image_slope, image_intercept = image_rescale
    if slope == 0 or image_slope == 0:
        return None
    # stored = (value − intercept) / slope in the state's units, then the image's rescale
    factor = image_slope / slope
    centre = (chosen.centre - intercept) * factor + image_intercept
    function = VoiFunction(chosen.function)
    return Window(centre, chosen.width * abs(factor), function, chosen.explanation or "GSPS")
