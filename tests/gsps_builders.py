"""A presentation state as another hospital's system writes one: a window (with its own
modality LUT) and a line, on named images of a study. Built by hand, not by our writer, so
that what is read is what the standard says, not what we write."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence as DicomSequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from workstation.annotations.reader import GSPS_CLASS

DCMP2PGM = shutil.which("dcmp2pgm")


def hospital_gsps(
    study_uid: str,
    images: Sequence[tuple[str, str, str]],
    windows: Sequence[Dataset],
    rescale: tuple[float, float] | None = (1.0, -1024.0),
    patient_id: str = "",
) -> Dataset:
    """A GSPS of ``images`` ((series UID, SOP class UID, SOP instance UID)) with the
    Softcopy VOI LUT items ``windows`` (see ``voi_item``) and, unless None, Rescale Slope
    and Intercept ``rescale``; a line on the first image. Part 10 ready."""
    ds = Dataset()
    ds.PatientID = patient_id
    ds.SOPClassUID = GSPS_CLASS
    ds.SOPInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.StudyInstanceUID = study_uid
    ds.Modality, ds.SeriesNumber, ds.InstanceNumber = "PR", 60, 1
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.ContentLabel, ds.ContentDescription = "LUNG", "肺窗"
    ds.PresentationCreationDate, ds.PresentationCreationTime = "20261125", "083000"
    ds.ContentCreatorName = "ZHAO^LEI"
    by_series: dict[str, list[Dataset]] = {}
    for series_uid, class_uid, sop_uid in images:
        by_series.setdefault(series_uid, []).append(reference(class_uid, sop_uid))
    listed = []
    for series_uid, refs in by_series.items():
        series = Dataset()
        series.SeriesInstanceUID = series_uid
        series.ReferencedImageSequence = DicomSequence(refs)
        listed.append(series)
    ds.ReferencedSeriesSequence = DicomSequence(listed)
    if rescale is not None:
        ds.RescaleSlope, ds.RescaleIntercept = rescale
        ds.RescaleType = "HU"
    ds.SoftcopyVOILUTSequence = DicomSequence(list(windows))
    line = Dataset()
    line.GraphicAnnotationUnits, line.GraphicType = "PIXEL", "POLYLINE"
    line.GraphicDimensions, line.NumberOfGraphicPoints = 2, 2
    line.GraphicData = [10.0, 10.0, 40.0, 10.0]
    annotation = Dataset()
    annotation.GraphicLayer = "LAYER1"
    annotation.ReferencedImageSequence = DicomSequence([reference(*images[0][1:])])
    annotation.GraphicObjectSequence = DicomSequence([line])
    ds.GraphicAnnotationSequence = DicomSequence([annotation])
    layer = Dataset()
    layer.GraphicLayer, layer.GraphicLayerOrder = "LAYER1", 1
    ds.GraphicLayerSequence = DicomSequence([layer])
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    return ds


def reference(class_uid: str, sop_uid: str) -> Dataset:
    """A Referenced Image item."""
    ref = Dataset()
    ref.ReferencedSOPClassUID, ref.ReferencedSOPInstanceUID = class_uid, sop_uid
    return ref


def voi_item(
    centre: float,
    width: float,
    function: str = "",
    explanation: str = "",
    only: Sequence[tuple[str, str]] = (),
) -> Dataset:
    """A Softcopy VOI LUT item: a window, for ``only`` ((SOP class, SOP instance)) or, when
    empty, for every image the state names."""
    item = Dataset()
    item.WindowCenter, item.WindowWidth = centre, width
    if function:
        item.VOILUTFunction = function
    if explanation:
        item.WindowCenterWidthExplanation = explanation
    if only:
        item.ReferencedImageSequence = DicomSequence([reference(*o) for o in only])
    return item


def lut_item(
    data: Sequence[int], first_mapped: int, bits: int, explanation: str = "", words: bool = False
) -> Dataset:
    """A LUT Sequence item (PS3.3 C.11.1.1): LUT Descriptor (entries, first value mapped as
    its 16-bit pattern, bits per entry; VR US) and LUT Data as US numbers or, with
    ``words``, as OW little-endian words."""
    item = Dataset()
    item.add_new(0x00283002, "US", [len(data) % 65536, first_mapped & 0xFFFF, bits])
    if explanation:
        item.LUTExplanation = explanation
    if words:
        raw = b"".join(int(v).to_bytes(2, "little") for v in data)
        item.add_new(0x00283006, "OW", raw)
    else:
        item.add_new(0x00283006, "US", [int(v) for v in data])
    return item


def voi_table_item(lut: Dataset, only: Sequence[tuple[str, str]] = ()) -> Dataset:
    """A Softcopy VOI LUT item holding a VOI LUT table (``lut`` from ``lut_item``), for
    ``only`` ((SOP class, SOP instance)) or every image the state names."""
    item = Dataset()
    item.VOILUTSequence = DicomSequence([lut])
    if only:
        item.ReferencedImageSequence = DicomSequence([reference(*o) for o in only])
    return item


def complete_state(
    ds: Dataset,
    rows: int,
    columns: int,
    shape: str | None = "IDENTITY",
    presentation_lut: Dataset | None = None,
    modality_lut: Dataset | None = None,
) -> Dataset:
    """What A.33.1 requires beyond ``hospital_gsps`` (so that DCMTK accepts the state): the
    patient's name, the Displayed Area module (the whole image, 1:1), the Softcopy
    Presentation LUT module (``shape``, or the table ``presentation_lut``) and, when given,
    a Modality LUT table in place of the rescale (C.11.1: one or the other)."""
    ds.PatientName = "TEST^GSPS"
    area = Dataset()
    area.DisplayedAreaTopLeftHandCorner = [1, 1]
    area.DisplayedAreaBottomRightHandCorner = [columns, rows]
    area.PresentationSizeMode = "SCALE TO FIT"
    area.PresentationPixelSpacing = [1.0, 1.0]
    ds.DisplayedAreaSelectionSequence = DicomSequence([area])
    if presentation_lut is not None:
        ds.PresentationLUTSequence = DicomSequence([presentation_lut])
    elif shape is not None:
        ds.PresentationLUTShape = shape
    if modality_lut is not None:
        for name in ("RescaleSlope", "RescaleIntercept", "RescaleType"):
            if name in ds:
                del ds[name]
        modality_lut.ModalityLUTType = "US"
        ds.ModalityLUTSequence = DicomSequence([modality_lut])
    return ds


def dcmp2pgm(image: Path, state: Path, out: Path) -> npt.NDArray[np.uint8]:
    """DCMTK's rendering of ``image`` through the presentation state ``state`` (an
    independent reference): the 8-bit PGM it writes, rows × columns."""
    assert DCMP2PGM is not None
    subprocess.run(
        [DCMP2PGM, "-p", str(state), str(image), str(out)], check=True, capture_output=True
    )
    data = out.read_bytes()
    fields: list[bytes] = []
    at = 0
    while len(fields) < 4:  # magic, width, height, maximum, each after whitespace
        while data[at : at + 1].isspace():
            at += 1
        end = at
        while not data[end : end + 1].isspace():
            end += 1
        fields.append(data[at:end])
        at = end
    magic, width, height, top = fields
    assert magic == b"P5", "a binary PGM"
    assert int(top) == 255, "8 bits"
    columns, rows = int(width), int(height)
    start = at + 1  # one whitespace byte ends the header; the pixels may begin with any byte
    return np.frombuffer(data[start : start + rows * columns], np.uint8).reshape(rows, columns)
