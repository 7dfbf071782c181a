"""Who and what an image is: the identifying attributes a derived object (a measurement
report, a key object selection, a presentation state) must copy from the image it refers to."""

from __future__ import annotations

from dataclasses import dataclass

from pydicom.dataset import Dataset

from workstation.imaging.names import element_text


@dataclass(frozen=True)
class ImageIdentity:
    """The patient, study, series and instance attributes of one image, as stored (raw DICOM
    strings: a person name in its DICOM form, dates YYYYMMDD)."""

    sop_class_uid: str
    sop_instance_uid: str
    series_instance_uid: str
    study_instance_uid: str
    modality: str = ""
    patient_id: str = ""
    patient_name: str = ""
    patient_birth_date: str = ""
    patient_sex: str = ""
    study_id: str = ""
    study_date: str = ""
    study_time: str = ""
    accession_number: str = ""
    referring_physician_name: str = ""
    specific_character_set: tuple[str, ...] = ()
    frame_of_reference_uid: str = ""
    number_of_frames: int = 1
    rows: int = 0
    columns: int = 0
    samples_per_pixel: int = 1
    laterality: str = ""  # of a paired body part: Image Laterality, else the series' (R, L)

    def as_dataset(self) -> Dataset:
        """A header-only dataset with these attributes (what highdicom takes as evidence)."""
        ds = Dataset()
        if self.specific_character_set:
            ds.SpecificCharacterSet = list(self.specific_character_set)
        ds.SOPClassUID = self.sop_class_uid
        ds.SOPInstanceUID = self.sop_instance_uid
        ds.SeriesInstanceUID = self.series_instance_uid
        ds.StudyInstanceUID = self.study_instance_uid
        ds.Modality = self.modality or "OT"
        ds.PatientID = self.patient_id
        ds.PatientName = self.patient_name
        ds.PatientBirthDate = self.patient_birth_date
        ds.PatientSex = self.patient_sex
        ds.StudyID = self.study_id
        ds.StudyDate = self.study_date
        ds.StudyTime = self.study_time
        ds.AccessionNumber = self.accession_number
        ds.ReferringPhysicianName = self.referring_physician_name
        if self.frame_of_reference_uid:
            ds.FrameOfReferenceUID = self.frame_of_reference_uid
        if self.number_of_frames > 1:
            ds.NumberOfFrames = self.number_of_frames
        ds.Rows, ds.Columns = self.rows, self.columns
        ds.SamplesPerPixel = self.samples_per_pixel
        return ds


def _text(ds: Dataset, keyword: str) -> str:
    value = ds.get(keyword, "")
    return str(value if value is not None else "").strip()


def _whole(ds: Dataset, keyword: str, default: int) -> int:
    try:
        return int(ds.get(keyword, default) or default)
    except (TypeError, ValueError):
        return default


def identity_of(ds: Dataset) -> ImageIdentity:
    """The identity of a parsed image; missing attributes are empty (never raises for
    absent or damaged optional values)."""
    charset = ds.get("SpecificCharacterSet")
    if not charset:
        charsets: tuple[str, ...] = ()
    elif isinstance(charset, str):
        charsets = (charset,)
    else:
        charsets = tuple(str(c) for c in charset)
    return ImageIdentity(
        sop_class_uid=_text(ds, "SOPClassUID"),
        sop_instance_uid=_text(ds, "SOPInstanceUID"),
        series_instance_uid=_text(ds, "SeriesInstanceUID"),
        study_instance_uid=_text(ds, "StudyInstanceUID"),
        modality=_text(ds, "Modality"),
        patient_id=_text(ds, "PatientID"),
        # decoded as the viewer decodes it (a mislabelled character set is not copied as
        # mojibake): the derived objects are written in UTF-8
        patient_name=element_text(ds, "PatientName").text,
        patient_birth_date=_text(ds, "PatientBirthDate"),
        patient_sex=_text(ds, "PatientSex"),
        study_id=_text(ds, "StudyID"),
        study_date=_text(ds, "StudyDate"),
        study_time=_text(ds, "StudyTime"),
        accession_number=_text(ds, "AccessionNumber"),
        referring_physician_name=_text(ds, "ReferringPhysicianName"),
        specific_character_set=charsets,
        frame_of_reference_uid=_text(ds, "FrameOfReferenceUID"),
        number_of_frames=_whole(ds, "NumberOfFrames", 1),
        rows=_whole(ds, "Rows", 0),
        columns=_whole(ds, "Columns", 0),
        samples_per_pixel=_whole(ds, "SamplesPerPixel", 1),
        laterality=_text(ds, "ImageLaterality") or _text(ds, "Laterality"),
    )
