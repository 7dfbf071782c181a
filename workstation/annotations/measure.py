"""A mark on a decoded image as a mark to save: its points in pixels and the values the
viewer shows for it (length, angle, region statistics in modality units)."""

from __future__ import annotations

from workstation.annotations.model import MarkToSave, MeasuredValue, Quantity
from workstation.imaging.calibration import measure_area, measure_length, to_pixels
from workstation.imaging.decode import DicomImage
from workstation.imaging.display import to_modality
from workstation.imaging.marks import BOX_KINDS, Mark, MarkKind
from workstation.imaging.padding import padding_mask
from workstation.imaging.roi import angle_degrees, region_stats


def _region_values(image: DicomImage, frame: int, mark: Mark) -> tuple[MeasuredValue, ...]:
    (x0, y0), (x1, y1) = mark.points[0], mark.points[1]
    ellipse = mark.kind is MarkKind.ELLIPSE
    if image.is_color:
        return ()
    stats = region_stats(
        image.pixels[frame],
        (x0, y0, x1 - x0, y1 - y0),
        image.pixel_spacing,
        ellipse=ellipse,
        convert=lambda block: to_modality(image, frame, block),
        exclude=padding_mask(image, frame),
    )
    if stats is None:
        return ()
    unit = "[hnsf'U]" if image.modality == "CT" else "1"
    values = [
        MeasuredValue(Quantity.MEAN, stats.mean, unit),
        MeasuredValue(Quantity.SD, stats.sd, unit),
        MeasuredValue(Quantity.MINIMUM, stats.minimum, unit),
        MeasuredValue(Quantity.MAXIMUM, stats.maximum, unit),
    ]
    spacing = image.pixel_spacing
    a, b = to_pixels(mark.points[0], spacing), to_pixels(mark.points[1], spacing)
    area = measure_area(image.calibration, a, b, pixels=stats.pixels, ellipse=ellipse)
    if area.mm2 is not None:
        values.append(MeasuredValue(Quantity.AREA, area.mm2, "mm2"))
    return tuple(values)


def mark_to_save(image: DicomImage, frame: int, mark: Mark) -> MarkToSave:
    """The mark (points in image mm, as the viewer keeps them) on ``frame`` of ``image`` as
    it is saved. Raises ValueError when the image has no identity (not read from DICOM) or
    the mark has too few points for its kind."""
    if image.identity is None:
        raise ValueError("the image has no DICOM identity")
    needed = 3 if mark.kind is MarkKind.ANGLE else 2
    if len(mark.points) < needed:
        raise ValueError(f"a {mark.kind.value} needs {needed} points")
    spacing = image.pixel_spacing
    points_px = tuple(to_pixels(p, spacing) for p in mark.points)
    values: tuple[MeasuredValue, ...] = ()
    if mark.kind is MarkKind.LENGTH:
        length = measure_length(image.calibration, points_px[0], points_px[1])
        values = (
            (MeasuredValue(Quantity.LENGTH, length.mm, "mm"),)
            if length.mm is not None
            else (MeasuredValue(Quantity.LENGTH, length.px, "{pixel}"),)
        )
    elif mark.kind is MarkKind.ANGLE:
        values = (MeasuredValue(Quantity.ANGLE, angle_degrees(*mark.points[:3]), "deg"),)
    elif mark.kind in BOX_KINDS:
        values = _region_values(image, frame, mark)
    return MarkToSave(image.identity, frame, mark.kind, points_px, mark.text, values)


_UNIT_TEXT = {"mm": " mm", "mm2": " mm²", "deg": "°", "[hnsf'U]": " HU", "1": "", "{pixel}": " px"}
_SHORT = {
    Quantity.LENGTH: "",
    Quantity.ANGLE: "",
    Quantity.AREA: "",
    Quantity.MEAN: "x̄ ",
    Quantity.SD: "SD ",
    Quantity.MINIMUM: "min ",
    Quantity.MAXIMUM: "max ",
}


def values_text(values: tuple[MeasuredValue, ...]) -> str:
    """A mark's values as one short line for a caption ("120.0 mm", "x̄ -273.6 HU SD 330.6
    min -1011 max 47 1645.3 mm²"): numbers and units, no words to translate."""
    return " ".join(
        f"{_SHORT[v.quantity]}{v.value:.1f}{_UNIT_TEXT.get(v.unit, ' ' + v.unit)}" for v in values
    )
