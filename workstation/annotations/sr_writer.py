"""Her marks as a DICOM Comprehensive SR measurement report (TID 1500): one TID 1410
measurement group per mark, its outline as SCOORD on the referenced image, its values as
NUM items (SNOMED CT concepts, UCUM units), an arrow's text as a TEXT comment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import highdicom as hd
import numpy as np
from pydicom.dataset import Dataset
from pydicom.sr.codedict import codes
from pydicom.uid import generate_uid

from workstation.annotations.model import Author, MarkToSave, MeasuredValue, Quantity
from workstation.clock import china_time
from workstation.imaging.identity import ImageIdentity
from workstation.imaging.marks import MarkKind, Point

MANUFACTURER = "HR Workstation"
UTF8 = "ISO_IR 192"  # her names and texts are Chinese whatever the images declare
SR_SERIES_NUMBER = 9901
_MEANINGS = {
    Quantity.LENGTH: "Length",
    Quantity.ANGLE: "Angle",
    Quantity.AREA: "Area",
    Quantity.MEAN: "Mean",
    Quantity.SD: "Standard Deviation",
    Quantity.MINIMUM: "Minimum",
    Quantity.MAXIMUM: "Maximum",
}
_UNIT_MEANINGS = {
    "mm": "millimeter",
    "mm2": "square millimeter",
    "deg": "degree",
    "[hnsf'U]": "Hounsfield unit",
    "1": "no units",
    "{pixel}": "pixel",
}


def person_name(name: str) -> str:
    """A display name as a DICOM person name: a name without components is the family name
    (so "李明" becomes "李明^", which DICOM reads the same)."""
    name = name.strip() or "Unknown"
    return name if "^" in name else f"{name}^"


def _code(value: MeasuredValue) -> tuple[hd.sr.CodedConcept, hd.sr.CodedConcept]:
    name = hd.sr.CodedConcept(value.quantity.value, "SCT", _MEANINGS[value.quantity])
    unit = hd.sr.CodedConcept(value.unit, "UCUM", _UNIT_MEANINGS.get(value.unit, value.unit))
    return name, unit


def graphic(kind: MarkKind, points: Sequence[Point]) -> tuple[hd.sr.GraphicTypeValues, list[Point]]:
    """The SCOORD graphic type and data (column, row) of a mark's pixel points: a line or an
    arrow (tip, tail) as a two-point polyline, an angle (end, vertex, end) as a three-point
    polyline, a rectangle as a closed polyline, an ellipse by its major then minor axis."""
    if kind is MarkKind.RECTANGLE:
        (x0, y0), (x1, y1) = points[0], points[1]
        return hd.sr.GraphicTypeValues.POLYLINE, [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]
    if kind is MarkKind.ELLIPSE:
        (x0, y0), (x1, y1) = points[0], points[1]
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        horizontal = [(x0, cy), (x1, cy)]
        vertical = [(cx, y0), (cx, y1)]
        major, minor = (horizontal, vertical) if x1 - x0 >= y1 - y0 else (vertical, horizontal)
        return hd.sr.GraphicTypeValues.ELLIPSE, major + minor
    return hd.sr.GraphicTypeValues.POLYLINE, list(points)


def _group(mark: MarkToSave) -> hd.sr.PlanarROIMeasurementsAndQualitativeEvaluations:
    frames = [mark.frame + 1] if mark.image.number_of_frames > 1 else None
    graphic_type, data = graphic(mark.kind, mark.points_px)
    region = hd.sr.ImageRegion(
        graphic_type=graphic_type,
        graphic_data=np.asarray(data, dtype=np.float64),
        source_image=hd.sr.SourceImageForRegion(
            mark.image.sop_class_uid, mark.image.sop_instance_uid, frames
        ),
    )
    measurements = []
    for value in mark.values:
        name, unit = _code(value)
        measurements.append(hd.sr.Measurement(name=name, value=float(value.value), unit=unit))
    group = hd.sr.PlanarROIMeasurementsAndQualitativeEvaluations(
        tracking_identifier=hd.sr.TrackingIdentifier(
            uid=generate_uid(), identifier=mark.kind.value
        ),
        referenced_region=region,
        measurements=measurements or None,
    )
    if mark.text:
        container = group[0]
        container.ContentSequence.append(
            hd.sr.TextContentItem(
                name=codes.DCM.Comment,
                value=mark.text,
                relationship_type=hd.sr.RelationshipTypeValues.CONTAINS,
            )
        )
    return group


def _evidence(images: Sequence[ImageIdentity]) -> dict[str, Dataset]:
    found: dict[str, Dataset] = {}
    for image in images:
        found.setdefault(image.sop_instance_uid, image.as_dataset())
    return found


def observation_context(author: Author) -> hd.sr.ObservationContext:
    """The observer context of her objects: a person with her name, login and hospital."""
    return hd.sr.ObservationContext(
        observer_person_context=hd.sr.ObserverContext(
            observer_type=codes.DCM.Person,
            observer_identifying_attributes=hd.sr.PersonObserverIdentifyingAttributes(
                name=person_name(author.name),
                login_name=author.login or None,
                organization_name=author.organization or None,
            ),
        )
    )


def measurement_report(
    marks: Sequence[MarkToSave],
    author: Author,
    now: dt.datetime,
    series_instance_uid: str | None = None,
    sop_instance_uid: str | None = None,
) -> hd.sr.ComprehensiveSR:
    """A Comprehensive SR (TID 1500 Imaging Measurement Report) of ``marks``, all on images
    of one study, observed by ``author`` at ``now`` (timezone-aware). New UIDs unless given.
    Raises ValueError for no marks or marks on images of several studies."""
    if not marks:
        raise ValueError("no marks to save")
    studies = {m.image.study_instance_uid for m in marks}
    if len(studies) != 1:
        raise ValueError("the marks are on images of more than one study")
    evidence = _evidence([m.image for m in marks])
    report = hd.sr.MeasurementReport(
        observation_context=observation_context(author),
        procedure_reported=codes.SCT.ImagingProcedure,
        imaging_measurements=[_group(m) for m in marks],
    )
    local = china_time(now)  # the chart's clock; the offset says so
    sr = hd.sr.ComprehensiveSR(
        evidence=list(evidence.values()),
        content=report[0],
        series_instance_uid=series_instance_uid or generate_uid(),
        series_number=SR_SERIES_NUMBER,
        sop_instance_uid=sop_instance_uid or generate_uid(),
        instance_number=1,
        manufacturer=MANUFACTURER,
        is_complete=True,
        institution_name=author.organization or None,
        series_description="互认阅片测量",
        specific_character_set=UTF8,
        content_date=local.strftime("%Y%m%d"),
        content_time=local.strftime("%H%M%S"),
    )
    sr.TimezoneOffsetFromUTC = local.strftime("%z")
    return sr
