"""The window a presentation state names (its Softcopy VOI LUT module, PS3.3 C.11.8), read
in full and put in the units of the image it is shown on.

A GSPS's window applies after the GSPS's own Modality LUT (its Rescale Slope/Intercept; the
identity when it has none, PS3.4 N.2.1), not the image's: the viewer's windows are in the
image's modality units, so the numbers are carried across through the stored values."""

from __future__ import annotations

from collections.abc import Sequence

from pydicom.dataset import Dataset
from pydicom.multival import MultiValue

from workstation.annotations.model import NotShown, SoftcopyWindow
from workstation.imaging.voi import VoiFunction, Window

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
    rescale = _rescale(ds)
    if "ModalityLUTSequence" in ds:
        return (), [NotShown("its window", "its modality LUT is a table, not a rescale")]
    windows: list[SoftcopyWindow] = []
    not_shown: list[NotShown] = []
    named = _uids(  # a window naming no image is for every image the state names
        [
            image
            for series in ds.get("ReferencedSeriesSequence") or []
            for image in series.get("ReferencedImageSequence") or []
        ]
    )
    for item in ds.get("SoftcopyVOILUTSequence") or []:
        if "WindowCenter" not in item:
            if "VOILUTSequence" in item:
                not_shown.append(NotShown("a VOI LUT", "a VOI LUT table is not applied"))
            continue
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
            )
        )
    return tuple(windows), not_shown


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
