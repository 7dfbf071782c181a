"""Whether a file or a retrieved instance is of the study and patient it was asked for.

A disc's DICOMDIR or a PACS answering C-GET/C-MOVE decides which files arrive; neither is
trusted to send only the series asked for. Every instance is checked before it is decoded
for the viewer: its Study and Series Instance UID must be the ones requested (and its SOP
Instance UID the one the DICOMDIR names, when it names one), and its Patient ID, name and
birth date those of the study as listed (from the study's first header on a disc, from the
C-FIND answer on a PACS). A fact the listing lacks is not compared (a PACS may answer
C-FIND without a birth date); a fact the listing has must be in the instance, the same.
Names are compared as ``identity.compare_names`` does, against every component group of
the instance's name (a C-FIND answer may carry only ``Zhang^Wei`` of ``Zhang^Wei=张^伟``):
a name in the same script written otherwise is another patient.
"""

from __future__ import annotations

import logging

from pydicom.dataset import Dataset

from workstation.imaging.decode import DecodeError, decode
from workstation.imaging.names import element_text
from workstation.logs import safe
from workstation.model import Patient
from workstation.services import LoadedImage
from workstation.sources.base import SourceStudy
from workstation.sources.dicom_facts import patient_of
from workstation.sources.identity import (
    NameComparison,
    compare_names,
    name_forms,
    normalise_name,
)

log = logging.getLogger("workstation.sources")
NOT_THIS_PATIENT = "not this patient"
NOT_THIS_SERIES = "not this series"


def same_patient(listed: Patient, ds: Dataset) -> bool:
    """Whether the header ``ds`` names the patient ``listed`` for its study: the same
    Patient ID, and the same name and birth date where the listing has them."""
    found = patient_of(ds)
    if listed.id.strip() != found.id.strip():
        return False
    listed_name = normalise_name(listed.name)
    # a PACS answering in a character set without Chinese writes "?^?": nothing to compare
    if name_forms(listed_name, lost_is_absent=True) != ("", ""):
        names = compare_names(
            listed_name, normalise_name(element_text(ds, "PatientName").text), lost_is_absent=True
        )
        if names in (NameComparison.CONTRADICT, NameComparison.ABSENT):
            return False
    return listed.birth_date is None or listed.birth_date == found.birth_date


def instance_problem(ds: Dataset, study: SourceStudy, series_uid: str, sop_uid: str = "") -> str:
    """Why the instance ``ds`` must not be shown as part of ``study``'s series
    ``series_uid`` (and, when given, as SOP Instance ``sop_uid``): "" when it may be."""
    if str(ds.get("StudyInstanceUID", "") or "") != study.study_uid:
        return NOT_THIS_SERIES
    if str(ds.get("SeriesInstanceUID", "") or "") != series_uid:
        return NOT_THIS_SERIES
    if sop_uid and str(ds.get("SOPInstanceUID", "") or "") != sop_uid:
        return NOT_THIS_SERIES
    if not same_patient(study.patient, ds):
        return NOT_THIS_PATIENT
    return ""


def checked_image(
    ds: Dataset, study: SourceStudy, series_uid: str, sop_uid: str, what: str
) -> LoadedImage:
    """``ds`` decoded as instance ``sop_uid`` of ``study``'s series ``series_uid``, or the
    reason it is not shown (``instance_problem``, logged as a refused ``what`` file, or
    why it cannot be decoded): never an image of another series or patient."""
    problem = instance_problem(ds, study, series_uid, sop_uid)
    if problem:
        log.warning("%s file refused: %s", what, safe(problem))
        return LoadedImage(sop_uid, None, problem)
    try:
        return LoadedImage(sop_uid, decode(ds))
    except DecodeError as exc:
        return LoadedImage(sop_uid, None, str(exc))
