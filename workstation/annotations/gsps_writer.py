"""Her marks and the window she read with as a DICOM Grayscale Softcopy Presentation State:
graphic objects (lines, angles, rectangles, ellipses) and arrow texts in pixel coordinates
on each image, and her window as the softcopy VOI. Other viewers (Weasis, DCMTK) show
these; the measurement report (sr_writer) holds the values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import highdicom as hd
import numpy as np
from pydicom.uid import generate_uid

import workstation
from workstation.annotations.model import LOGIN_SCHEME, Author, MarkToSave, Rendering
from workstation.annotations.sr_writer import MANUFACTURER, UTF8, graphic, person_name
from workstation.clock import china_time
from workstation.imaging.identity import ImageIdentity
from workstation.imaging.marks import MarkKind

GSPS_SERIES_NUMBER = 9903
LAYER = "HR_MARKS"
_TEXT_HEIGHT_PX = 12.0
_CHAR_WIDTH_PX = 7.0


def _inside(points: Sequence[tuple[float, float]], image: ImageIdentity) -> bool:
    return all(0 <= x <= image.columns and 0 <= y <= image.rows for x, y in points)


def _text_box(
    tail: tuple[float, float], text: str, image: ImageIdentity
) -> tuple[float, float, float, float]:
    """The text's box at the arrow's tail, moved inside the image (a GSPS box must be)."""
    width = min(max(len(text), 1) * _CHAR_WIDTH_PX, float(image.columns))
    height = min(_TEXT_HEIGHT_PX, float(image.rows))
    left = min(max(tail[0], 0.0), image.columns - width)
    top = min(max(tail[1], 0.0), image.rows - height)
    return (left, top, left + width, top + height)


def _objects(
    marks: Sequence[MarkToSave],
) -> tuple[list[hd.pr.GraphicObject], list[hd.pr.TextObject]]:
    """The graphic and text objects of one frame's marks; a mark reaching outside the image
    is left out (a GSPS may not draw there; the measurement report keeps it)."""
    graphics, texts = [], []
    for mark in marks:
        if not _inside(mark.points_px, mark.image):
            continue
        if mark.kind is MarkKind.ARROW:
            (tip, tail) = mark.points_px[0], mark.points_px[1]
            texts.append(
                hd.pr.TextObject(
                    text_value=mark.text or "→",
                    units=hd.pr.AnnotationUnitsValues.PIXEL,
                    bounding_box=_text_box(tail, mark.text, mark.image),
                    anchor_point=(tip[0], tip[1]),
                    anchor_point_visible=True,
                )
            )
            continue
        graphic_type, data = graphic(mark.kind, mark.points_px)
        graphics.append(
            hd.pr.GraphicObject(
                graphic_type=hd.pr.GraphicTypeValues(graphic_type.value),
                graphic_data=np.asarray(data, dtype=np.float64),
                units=hd.pr.AnnotationUnitsValues.PIXEL,
            )
        )
    return graphics, texts


def presentation_state(
    marks: Sequence[MarkToSave],
    rendering: Rendering,
    author: Author,
    now: dt.datetime,
    series_instance_uid: str | None = None,
    sop_instance_uid: str | None = None,
) -> hd.pr.GrayscaleSoftcopyPresentationState:
    """A GSPS of ``marks`` (grey images of one study) with ``rendering``'s window. Raises
    ValueError for no marks, several studies or a colour image."""
    if not marks:
        raise ValueError("no marks to present")
    if len({m.image.study_instance_uid for m in marks}) != 1:
        raise ValueError("the marks are on images of more than one study")
    images: dict[ImageIdentity, dict[int, list[MarkToSave]]] = {}
    for mark in marks:
        images.setdefault(mark.image, {}).setdefault(mark.frame, []).append(mark)
    references = {image: image.as_dataset() for image in images}
    layer = hd.pr.GraphicLayer(layer_name=LAYER, order=1, description="互认阅片标注")
    annotations = []
    for image, frames in images.items():
        for frame, on_frame in frames.items():
            graphics, texts = _objects(on_frame)
            if not graphics and not texts:
                continue
            annotations.append(
                hd.pr.GraphicAnnotation(
                    referenced_images=[references[image]],
                    graphic_layer=layer,
                    referenced_frame_number=frame + 1 if image.number_of_frames > 1 else None,
                    graphic_objects=graphics or None,
                    text_objects=texts or None,
                )
            )
    slope, intercept = rendering.rescale
    modality_lut = hd.ModalityLUTTransformation(
        rescale_intercept=intercept,
        rescale_slope=slope,
        rescale_type="HU" if rendering.modality == "CT" else "US",
    )
    voi = None
    if rendering.window is not None:
        centre, width = rendering.window
        voi = [hd.pr.SoftcopyVOILUTTransformation(window_center=centre, window_width=width)]
    local = china_time(now)
    gsps = hd.pr.GrayscaleSoftcopyPresentationState(
        referenced_images=list(references.values()),
        series_instance_uid=series_instance_uid or generate_uid(),
        series_number=GSPS_SERIES_NUMBER,
        sop_instance_uid=sop_instance_uid or generate_uid(),
        instance_number=1,
        manufacturer=MANUFACTURER,
        manufacturer_model_name=MANUFACTURER,
        software_versions=workstation.__version__,
        device_serial_number="0",
        content_label=LAYER,
        content_description="互认阅片标注与窗宽窗位",
        graphic_annotations=annotations or None,
        graphic_layers=[layer],
        institution_name=author.organization or None,
        content_creator_name=person_name(author.name),
        content_creator_identification=hd.ContentCreatorIdentificationCodeSequence(
            person_identification_codes=[
                hd.sr.CodedConcept(author.login, LOGIN_SCHEME, author.name or author.login)
            ],
            institution_name=author.organization or "-",
        )
        if author.login
        else None,
        modality_lut_transformation=modality_lut,
        voi_lut_transformations=voi,
        presentation_lut_transformation=hd.PresentationLUTTransformation(
            presentation_lut_shape=hd.PresentationLUTShapeValues.INVERSE
            if rendering.inverse
            else hd.PresentationLUTShapeValues.IDENTITY
        ),
        specific_character_set=UTF8,
    )
    # General Series: the laterality of a paired body part (type 2C), empty when unknown
    gsps.Laterality = next((i.laterality for i in images if i.laterality in ("R", "L")), "")
    gsps.PresentationCreationDate = local.strftime("%Y%m%d")
    gsps.PresentationCreationTime = local.strftime("%H%M%S")
    gsps.TimezoneOffsetFromUTC = local.strftime("%z")
    return gsps
