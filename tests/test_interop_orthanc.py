"""Interoperability with a real third-party DICOMweb server: Orthanc + its DICOMweb plugin.

A small CT series from the sandbox generator is uploaded to Orthanc over its REST API, then
searched (QIDO-RS) and retrieved (WADO-RS) with the workstation's own DICOMweb client, and
every instance that arrives is decoded and compared pixel for pixel with the original file.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Iterator
from typing import BinaryIO

import httpx
import numpy as np
import pydicom
import pytest
from pydicom.uid import CTImageStorage, generate_uid

from sandbox.generate.imaging import InstanceInfo, PatientTags, StudyTags, write_ct_series
from tests.orthanc_server import Orthanc, basic_auth, running_orthanc
from workstation.dicomweb.bulk_get import BulkGet
from workstation.dicomweb.client import JPEG_LS_LOSSLESS, DicomWebClient
from workstation.dicomweb.parallel import retrieve_prioritised
from workstation.http import ErrorKind, PlatformError, make_client
from workstation.imaging.decode import DicomImage, load
from workstation.model import ImagingStudyRef, InstanceRef, SeriesRef
from workstation.services import series_priority

pytestmark = pytest.mark.interop

SLICES = 20
SIZE = 128
NUMBER_OF_SERIES_RELATED_INSTANCES = "00201209"
SERIES_INSTANCE_UID = "0020000E"

PATIENT = PatientTags(
    patient_id="WH0099001",
    name_zh="王芳",
    name_pinyin="Wang^Fang",
    birth_date=datetime.date(1975, 9, 14),
    sex="F",
    id_card="420102197509141227",
)


@pytest.fixture(scope="module")
def orthanc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Orthanc]:
    """A real Orthanc server (DICOMweb plugin, HTTP basic auth) on a free loopback port.

    Storage, index, configuration and log live in a temporary directory. Fails (never
    skips) when Orthanc or its DICOMweb plugin is not installed.
    """
    with running_orthanc(tmp_path_factory.mktemp("orthanc")) as server:
        yield server


@pytest.fixture(scope="module")
def ct_series(tmp_path_factory: pytest.TempPathFactory) -> list[InstanceInfo]:
    """A small generated CT series (20 slices of 128×128) on disk."""
    study = StudyTags(
        study_uid=generate_uid(),
        accession="A2024110800042",
        study_date=datetime.date(2024, 11, 8),
        institution="武汉市第一医院",
        description="胸部CT平扫",
    )
    out_dir = tmp_path_factory.mktemp("ct-series")
    return write_ct_series(out_dir, PATIENT, study, slices=SLICES, size=SIZE, seed=3)


@pytest.fixture(scope="module")
def uploaded(orthanc: Orthanc, ct_series: list[InstanceInfo]) -> list[InstanceInfo]:
    """The CT series stored in Orthanc (POST /instances, one file per request)."""
    headers = {**basic_auth(orthanc.user, orthanc.password), "Content-Type": "application/dicom"}
    with httpx.Client(timeout=30.0) as client:
        for info in ct_series:
            response = client.post(
                f"{orthanc.url}/instances", content=info.path.read_bytes(), headers=headers
            )
            assert response.status_code == 200, (response.status_code, response.text)
            assert response.json()["Status"] in ("Success", "AlreadyStored")
    return ct_series


@pytest.fixture
def dicomweb(orthanc: Orthanc) -> Iterator[DicomWebClient]:
    """The workstation's DICOMweb client pointed at Orthanc, with the right password; series
    stream through http.client (BulkGet) as from a platform."""
    headers = basic_auth(orthanc.user, orthanc.password)
    with make_client() as client:
        yield DicomWebClient(
            client, orthanc.dicomweb_url, lambda force_refresh: dict(headers), bulk=BulkGet()
        )


def _first_value(obj: dict[str, object], tag: str) -> object:
    element = obj.get(tag)
    assert isinstance(element, dict), f"tag {tag} missing from {sorted(obj)}"
    values = element.get("Value")
    assert isinstance(values, list)
    assert values
    return values[0]


def test_qido_series_reports_all_uploaded_instances(
    uploaded: list[InstanceInfo], dicomweb: DicomWebClient
) -> None:
    study_uid, series_uid = uploaded[0].study_uid, uploaded[0].series_uid

    series = dicomweb.search_series(study_uid)

    assert [_first_value(s, SERIES_INSTANCE_UID) for s in series] == [series_uid]
    # Orthanc's DICOMweb plugin includes the count by default (no ?includefield needed).
    count = _first_value(series[0], NUMBER_OF_SERIES_RELATED_INSTANCES)
    assert int(str(count)) == len(uploaded)
    instances = dicomweb.search_instances(study_uid, series_uid)
    assert sorted(str(_first_value(i, "00080018")) for i in instances) == sorted(
        info.sop_instance_uid for info in uploaded
    )


def test_wado_series_retrieval_is_pixel_exact(
    uploaded: list[InstanceInfo], dicomweb: DicomWebClient
) -> None:
    by_uid = {info.sop_instance_uid: info for info in uploaded}
    images: dict[str, DicomImage] = {}

    def sink(part: BinaryIO) -> str:
        image = load(part)
        images[image.sop_instance_uid] = image
        return image.sop_instance_uid

    received = dicomweb.retrieve_series(
        uploaded[0].study_uid, uploaded[0].series_uid, sink, expected=list(by_uid)
    )

    assert len(received) == len(uploaded)
    assert sorted(received) == sorted(by_uid)
    assert sorted(images) == sorted(by_uid)
    for uid, image in images.items():
        original = pydicom.dcmread(by_uid[uid].path)
        assert image.pixels.shape == (1, SIZE, SIZE)
        assert np.array_equal(image.pixels[0], original.pixel_array), uid
        assert image.pixels.dtype == original.pixel_array.dtype
        assert image.rescale_slope == float(original.RescaleSlope)
        assert image.rescale_intercept == float(original.RescaleIntercept)
        assert image.position == tuple(float(v) for v in original.ImagePositionPatient)


def test_wrong_password_is_an_auth_error(orthanc: Orthanc) -> None:
    wrong = basic_auth(orthanc.user, orthanc.password + "-wrong")
    with make_client() as client:
        dicomweb = DicomWebClient(client, orthanc.dicomweb_url, lambda force_refresh: dict(wrong))
        with pytest.raises(PlatformError) as caught:
            dicomweb.search_series(generate_uid())
    assert caught.value.kind is ErrorKind.AUTH
    assert caught.value.status == 401


def test_prioritised_retrieval_through_orthanc(
    uploaded: list[InstanceInfo], dicomweb: DicomWebClient
) -> None:
    """The workstation's own path (priority queue, parallel requests, JPEG-LS asked for with
    the stored syntax as fallback) against Orthanc: complete, pixel-exact, focus first."""
    by_uid = {info.sop_instance_uid: info for info in uploaded}
    series = SeriesRef(
        uploaded[0].series_uid,
        1,
        "CT",
        "",
        tuple(
            InstanceRef(info.sop_instance_uid, str(CTImageStorage), number)
            for number, info in enumerate(uploaded, start=1)
        ),
    )
    study = ImagingStudyRef(
        "orthanc", uploaded[0].study_uid, None, "", dicomweb.base_url, (series,)
    )
    priority = series_priority(series)
    priority.focus(len(priority) - 1)
    syntaxes: list[str] = []
    arrived: list[str] = []

    def sink(part: BinaryIO) -> str:
        syntaxes.append(
            str(pydicom.dcmread(part, stop_before_pixels=True).file_meta.TransferSyntaxUID)
        )
        part.seek(0)
        image = load(part)
        original = pydicom.dcmread(by_uid[image.sop_instance_uid].path)
        assert np.array_equal(image.pixels[0], original.pixel_array)
        arrived.append(image.sop_instance_uid)
        return image.sop_instance_uid

    # stream_when_fast=False: loopback would otherwise take the one-stream shortcut
    got = retrieve_prioritised(
        dicomweb,
        study.study_uid,
        series.uid,
        priority,
        sink,
        threading.Event(),
        stream_when_fast=False,
    )
    assert sorted(got) == sorted(by_uid)
    assert arrived[0] == priority.uids[-1]
    # Orthanc 1.10 transcodes to JPEG-LS lossless on request (its own transcoding, GDCM).
    assert set(syntaxes) == {JPEG_LS_LOSSLESS}
    assert not dicomweb.lossless_refused
