"""Her marks and key images stored in a real Orthanc (DICOMweb plugin) through the outbox by
STOW-RS, and read back with QIDO-RS + WADO-RS through the workstation's client: the same
marks at the same image positions in mm, each object stored once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest
from pydicom.uid import generate_uid

from sandbox.generate.imaging import InstanceInfo, PatientTags, StudyTags, write_ct_series
from tests.orthanc_server import Orthanc, basic_auth, running_orthanc
from workstation.annotations.measure import mark_to_save
from workstation.annotations.model import Author, KeyImageRef, ObjectKind, to_mm
from workstation.annotations.outbox import AnnotationOutbox, send_pending_annotations
from workstation.annotations.service import part10, save_annotations, saved_objects, store_with
from workstation.annotations.sr_writer import measurement_report
from workstation.dicomweb.client import DicomWebClient
from workstation.dicomweb.stow import store_instances
from workstation.http import make_client
from workstation.imaging.decode import load
from workstation.imaging.marks import Mark, MarkKind

pytestmark = pytest.mark.interop
NOW = dt.datetime(2026, 12, 1, 11, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
PATIENT = PatientTags(
    patient_id="WH0099002",
    name_zh="陈静",
    name_pinyin="Chen^Jing",
    birth_date=dt.date(1968, 3, 2),
    sex="F",
    id_card="420102196803021220",
)
MARKS = (
    Mark(1, MarkKind.LENGTH, ((10.0, 12.0), (60.0, 44.5))),
    Mark(2, MarkKind.RECTANGLE, ((20.0, 20.0), (45.0, 38.0))),
    Mark(3, MarkKind.ARROW, ((30.0, 30.0), (55.0, 10.0)), "肺结节"),
)


@pytest.fixture(scope="module")
def orthanc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Orthanc]:
    """A real Orthanc; fails (never skips) when it or its DICOMweb plugin is missing."""
    with running_orthanc(tmp_path_factory.mktemp("orthanc")) as server:
        yield server


@pytest.fixture(scope="module")
def ct_series(orthanc: Orthanc, tmp_path_factory: pytest.TempPathFactory) -> list[InstanceInfo]:
    """A small CT series, uploaded to Orthanc over its REST API."""
    study = StudyTags(
        study_uid=generate_uid(),
        accession="A2026112000007",
        study_date=dt.date(2026, 11, 20),
        institution="武汉市第一医院",
        description="胸部CT平扫",
    )
    series = write_ct_series(
        tmp_path_factory.mktemp("ct"), PATIENT, study, slices=4, size=96, seed=5
    )
    headers = {**basic_auth(orthanc.user, orthanc.password), "Content-Type": "application/dicom"}
    for info in series:
        answer = httpx.post(
            f"{orthanc.url}/instances", content=info.path.read_bytes(), headers=headers
        )
        assert answer.status_code == 200, answer.text
    return series


def _sr_count(orthanc: Orthanc, study_uid: str) -> int:
    answer = httpx.get(
        f"{orthanc.dicomweb_url}/studies/{study_uid}/instances",
        params={"Modality": "SR"},
        headers=basic_auth(orthanc.user, orthanc.password),
    )
    answer.raise_for_status()
    return len(answer.json()) if answer.content else 0


def test_marks_stored_in_orthanc_come_back_the_same(
    orthanc: Orthanc, ct_series: list[InstanceInfo], tmp_path: Path
) -> None:
    image = load(ct_series[1].path)
    assert image.pixel_spacing is not None
    outbox = AnnotationOutbox(tmp_path / "dr.li")
    saved = save_annotations(
        outbox,
        dicomweb_url=orthanc.dicomweb_url,
        result_id="r1",
        marks=[mark_to_save(image, 0, m) for m in MARKS],
        key_images=[KeyImageRef(image.identity)],  # type: ignore[arg-type]
        author=Author("李医生", "dr.li", "省人民医院"),
        now=NOW,
    )
    headers = basic_auth(orthanc.user, orthanc.password)
    with make_client() as client:

        def client_for(base_url: str) -> DicomWebClient:
            return DicomWebClient(client, base_url, lambda force_refresh: dict(headers))

        store = store_with(client_for)
        report = send_pending_annotations(outbox, store)
        assert report.sent == [saved.report_uid, saved.key_images_uid], report
        sent = outbox.find(saved.report_uid)
        assert sent is not None
        assert sent.data == b""  # not kept here once the platform has it
        assert _sr_count(orthanc, image.study_instance_uid) == 1

        objects, problems = saved_objects(
            client_for(orthanc.dicomweb_url), image.study_instance_uid
        )
    assert problems == []
    mine = next(o for o in objects if o.sop_instance_uid == saved.report_uid)
    assert mine.kind is ObjectKind.REPORT
    assert mine.author == "李医生"
    for mark, back in zip(MARKS, mine.marks, strict=True):
        assert back.kind is mark.kind
        assert back.sop_instance_uid == image.sop_instance_uid
        points = [to_mm(p, image.pixel_spacing) for p in back.points_px]
        assert np.allclose(points, mark.points, atol=1e-3), mark.kind
    assert mine.marks[2].text == "肺结节"
    keys = next(o for o in objects if o.kind is ObjectKind.KEY_IMAGES)
    assert keys.key_images == ((image.sop_instance_uid, 0),)


def test_the_same_object_sent_twice_is_one_in_orthanc(
    orthanc: Orthanc, ct_series: list[InstanceInfo]
) -> None:
    image = load(ct_series[2].path)
    data = part10(measurement_report([mark_to_save(image, 0, MARKS[0])], Author("李"), NOW))
    headers = basic_auth(orthanc.user, orthanc.password)
    before = _sr_count(orthanc, image.study_instance_uid)
    with make_client() as client:
        dicomweb = DicomWebClient(client, orthanc.dicomweb_url, lambda force_refresh: dict(headers))
        first = store_instances(dicomweb, image.study_instance_uid, [data])
        second = store_instances(dicomweb, image.study_instance_uid, [data])
    assert len(first.stored) == 1
    assert second.stored == first.stored
    assert _sr_count(orthanc, image.study_instance_uid) == before + 1
