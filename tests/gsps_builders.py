"""A presentation state as another hospital's system writes one: a window (with its own
modality LUT) and a line, on named images of a study. Built by hand, not by our writer, so
that what is read is what the standard says, not what we write."""

from __future__ import annotations

from collections.abc import Sequence

from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence as DicomSequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from workstation.annotations.reader import GSPS_CLASS


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
