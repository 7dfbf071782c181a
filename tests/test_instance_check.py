"""Whether a file or a retrieved instance is of the patient its study was listed for."""

from __future__ import annotations

import datetime as dt

import pytest
from pydicom.dataset import Dataset

from workstation.model import Gender, Patient
from workstation.sources.base import SourceStudy
from workstation.sources.instance_check import (
    NOT_THIS_PATIENT,
    NOT_THIS_SERIES,
    instance_problem,
    same_patient,
)

pytestmark = pytest.mark.unit

BORN = dt.date(1980, 1, 1)


def _header(
    name: str = "Zhang^Wei=张^伟", patient_id: str = "MY0001", born: str = "19800101"
) -> Dataset:
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.PatientID = patient_id
    ds.PatientName = name
    ds.PatientBirthDate = born
    ds.StudyInstanceUID = "1.2.3"
    ds.SeriesInstanceUID = "1.2.3.1"
    ds.SOPInstanceUID = "1.2.3.1.1"
    return ds


def _listed(name: str = "张伟", born: dt.date | None = BORN) -> Patient:
    return Patient("MY0001", name, Gender.MALE, born)


@pytest.mark.parametrize(
    ("listed", "header", "same"),
    [
        (_listed(), _header(), True),
        (_listed("Zhang Wei"), _header(), True),  # C-FIND answered only the alphabetic group
        (_listed("??"), _header(), True),  # answered in a set without Chinese: not compared
        (_listed(born=None), _header(born=""), True),  # C-FIND without a birth date
        (_listed(), _header(name="Li^Si=李^四"), False),
        (_listed(), _header(name="张伟之女"), False),
        (_listed(), _header(name=""), False),  # the listing names her, the file nobody
        (_listed(), _header(patient_id="MY0002"), False),
        (_listed(), _header(born="19900101"), False),
        (_listed(), _header(born=""), False),
    ],
)
def test_same_patient(listed: Patient, header: Dataset, same: bool) -> None:
    assert same_patient(listed, header) is same


def test_instance_problem_names_why() -> None:
    study = SourceStudy("PACS", _listed(), "1.2.3", None, "", ("CT",), "")
    assert instance_problem(_header(), study, "1.2.3.1", "1.2.3.1.1") == ""
    assert instance_problem(_header(), study, "1.2.3.9") == NOT_THIS_SERIES
    assert instance_problem(_header(), study, "1.2.3.1", "1.2.3.1.9") == NOT_THIS_SERIES
    other_study = SourceStudy("PACS", _listed(), "1.2.4", None, "", ("CT",), "")
    assert instance_problem(_header(), other_study, "1.2.3.1") == NOT_THIS_SERIES
    assert instance_problem(_header(patient_id="X"), study, "1.2.3.1") == NOT_THIS_PATIENT
