"""Interoperability with a real third-party DICOMweb server: Orthanc + its DICOMweb plugin.

A small CT series from the sandbox generator is uploaded to Orthanc over its REST API, then
searched (QIDO-RS) and retrieved (WADO-RS) with the workstation's own DICOMweb client, and
every instance that arrives is decoded and compared pixel for pixel with the original file.
"""

from __future__ import annotations

import base64
import datetime
import json
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import httpx
import numpy as np
import pydicom
import pytest
from pydicom.uid import generate_uid

from sandbox.generate.imaging import InstanceInfo, PatientTags, StudyTags, write_ct_series
from workstation.dicomweb.client import DicomWebClient
from workstation.http import ErrorKind, PlatformError, make_client
from workstation.imaging.decode import DicomImage, load

pytestmark = pytest.mark.interop

ORTHANC_BINARY = "/usr/sbin/Orthanc"
DICOMWEB_PLUGIN = Path("/usr/share/orthanc/plugins/libOrthancDicomWeb.so")
ORTHANC_USER = "hr"
START_TIMEOUT_S = 30.0
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


@dataclass(frozen=True)
class Orthanc:
    """A running Orthanc server: REST root, DICOMweb root and its one user's credentials."""

    url: str
    user: str
    password: str

    @property
    def dicomweb_url(self) -> str:
        """Root of the DICOMweb plugin's services."""
        return f"{self.url}/dicom-web"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return {"Authorization": f"Basic {token}"}


def _orthanc_binary() -> str:
    binary = shutil.which("Orthanc") or ORTHANC_BINARY
    if not Path(binary).is_file():
        pytest.fail(
            f"Orthanc server binary not found ({ORTHANC_BINARY}); "
            "install the Debian package 'orthanc' to run the interop tests"
        )
    if not DICOMWEB_PLUGIN.is_file():
        pytest.fail(
            f"Orthanc DICOMweb plugin not found ({DICOMWEB_PLUGIN}); "
            "install the Debian package 'orthanc-dicomweb' to run the interop tests"
        )
    return binary


def _log_tail(log_path: Path, lines: int = 40) -> str:
    try:
        text = log_path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def _wait_until_up(
    process: subprocess.Popen[bytes], url: str, headers: dict[str, str], log_path: Path
) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    last = "no answer"
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(
                    f"Orthanc exited with code {process.returncode} during start-up:\n"
                    + _log_tail(log_path)
                )
            try:
                response = client.get(f"{url}/system", headers=headers)
            except httpx.HTTPError as exc:
                last = f"{type(exc).__name__}: {exc}"
            else:
                if response.status_code == 200:
                    return
                last = f"HTTP {response.status_code}"
            time.sleep(0.1)
    pytest.fail(
        f"Orthanc did not answer GET /system within {START_TIMEOUT_S:.0f} s ({last}):\n"
        + _log_tail(log_path)
    )


@pytest.fixture(scope="module")
def orthanc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Orthanc]:
    """A real Orthanc server (DICOMweb plugin, HTTP basic auth) on a free loopback port.

    Storage, index, configuration and log live in a temporary directory. Fails (never
    skips) when Orthanc or its DICOMweb plugin is not installed.
    """
    binary = _orthanc_binary()
    root = tmp_path_factory.mktemp("orthanc")
    password = secrets.token_urlsafe(16)
    http_port = _free_port()
    dicom_port = _free_port()
    config = {
        "Name": "hr-interop",
        "StorageDirectory": str(root / "storage"),
        "IndexDirectory": str(root / "index"),
        "HttpPort": http_port,
        "DicomPort": dicom_port,
        "DicomServerEnabled": False,
        "RemoteAccessAllowed": False,  # only this machine may connect
        "AuthenticationEnabled": True,
        "RegisteredUsers": {ORTHANC_USER: password},
        "HttpServerEnabled": True,
        "SslEnabled": False,
        "Plugins": [str(DICOMWEB_PLUGIN)],
        "DicomWeb": {"Enable": True, "Root": "/dicom-web/"},
    }
    config_path = root / "orthanc.json"
    config_path.write_text(json.dumps(config, indent=2), encoding="utf-8")
    log_path = root / "orthanc.log"
    url = f"http://127.0.0.1:{http_port}"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [binary, str(config_path)],
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            cwd=root,
        )
    try:
        _wait_until_up(process, url, _basic(ORTHANC_USER, password), log_path)
        yield Orthanc(url, ORTHANC_USER, password)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


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
    headers = {**_basic(orthanc.user, orthanc.password), "Content-Type": "application/dicom"}
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
    """The workstation's DICOMweb client pointed at Orthanc, with the right password."""
    headers = _basic(orthanc.user, orthanc.password)
    with make_client() as client:
        yield DicomWebClient(client, orthanc.dicomweb_url, lambda force_refresh: dict(headers))


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
    wrong = _basic(orthanc.user, orthanc.password + "-wrong")
    with make_client() as client:
        dicomweb = DicomWebClient(client, orthanc.dicomweb_url, lambda force_refresh: dict(wrong))
        with pytest.raises(PlatformError) as caught:
            dicomweb.search_series(generate_uid())
    assert caught.value.kind is ErrorKind.AUTH
    assert caught.value.status == 401
