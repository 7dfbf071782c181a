"""Her marks and key images stored in the sandbox by STOW-RS through the outbox, exactly
once, and found again from another session: the same marks at the same positions in mm."""

from __future__ import annotations

import datetime as dt
import io
import threading
from pathlib import Path

import httpx
import numpy as np
import pytest
from pydicom import dcmread
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from devtools.sandbox_launcher import sign_in_demo
from tests.conftest import Sandbox
from tests.stored_objects import stored_count
from workstation.annotations.measure import mark_to_save
from workstation.annotations.model import Author, KeyImageRef, ObjectKind, to_mm
from workstation.annotations.outbox import AnnotationOutbox, send_pending_annotations
from workstation.annotations.service import part10, save_annotations, saved_objects, store_with
from workstation.annotations.sr_writer import measurement_report
from workstation.dicomweb.stow import StowResult, store_instances
from workstation.http import ErrorKind, PlatformError
from workstation.imaging.decode import DicomImage
from workstation.imaging.marks import Mark, MarkKind
from workstation.journal import OutboxState
from workstation.model import ImagingStudyRef
from workstation.services import Connection, LoadedImage, load_series

pytestmark = pytest.mark.e2e
NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
MARKS = (
    Mark(1, MarkKind.LENGTH, ((20.0, 30.0), (80.5, 61.25))),
    Mark(2, MarkKind.ELLIPSE, ((40.0, 40.0), (70.0, 60.0))),
    Mark(3, MarkKind.ARROW, ((50.0, 50.0), (90.0, 20.0)), "钙化灶"),
    Mark(4, MarkKind.ANGLE, ((10.0, 10.0), (30.0, 30.0), (60.0, 12.0))),
    Mark(5, MarkKind.RECTANGLE, ((12.0, 70.0), (35.0, 95.0))),
)


@pytest.fixture
def platform(private_sandbox: Sandbox) -> Sandbox:
    """The module's own sandbox: the objects stored here stay out of other tests' studies."""
    return private_sandbox


def _ct_study(connection: Connection) -> tuple[str, ImagingStudyRef, list[DicomImage]]:
    for page in connection.platform.results("p0002"):
        for result in page.results:
            for study_id in result.imaging_study_ids:
                study = connection.platform.imaging_study(study_id)
                series = study.series[0]
                loaded: list[LoadedImage] = []
                load_series(
                    connection.dicomweb(study.dicomweb_url),
                    study,
                    series,
                    loaded.append,
                    threading.Event(),
                )
                images = [x.image for x in loaded if x.image is not None]
                if images and images[0].pixel_spacing and not images[0].is_color:
                    return result.id, study, images
    raise AssertionError("no calibrated grey study for p0002")


def test_saved_marks_reach_the_platform_once_and_come_back_in_a_new_session(
    platform: Sandbox, tmp_path: Path
) -> None:
    connection = sign_in_demo(platform.base_url)
    result_id, study, images = _ct_study(connection)
    image = images[len(images) // 2]
    outbox = AnnotationOutbox(tmp_path / "dr.li")
    saved = save_annotations(
        outbox,
        dicomweb_url=study.dicomweb_url,
        result_id=result_id,
        marks=[mark_to_save(image, 0, m) for m in MARKS],
        key_images=[KeyImageRef(image.identity)],  # type: ignore[arg-type]
        author=Author("李医生", "dr.li", "省人民医院"),
        now=NOW,
    )
    assert [o.sop_uid for o in outbox.pending()] == [saved.report_uid, saved.key_images_uid]
    store = store_with(connection.dicomweb)

    def store_then_lose_the_answer(base_url: str, study_uid: str, data: bytes) -> StowResult:
        store(base_url, study_uid, data)
        raise PlatformError(ErrorKind.NETWORK, "connection dropped")

    lost = send_pending_annotations(outbox, store_then_lose_the_answer)
    assert lost.failed == "network"
    assert len(outbox.pending()) == 2  # not known to have arrived: still to send
    reopened = AnnotationOutbox(tmp_path / "dr.li")  # e.g. after a restart
    report = send_pending_annotations(reopened, store)
    assert report.sent == [saved.report_uid, saved.key_images_uid]
    assert reopened.pending() == []
    assert send_pending_annotations(reopened, store).sent == []
    assert stored_count(platform, study.study_uid, "SR") == 1
    assert stored_count(platform, study.study_uid, "KO") == 1
    connection.sign_out()

    # another day, another workstation: nothing local, everything from the platform
    later = sign_in_demo(platform.base_url)
    study_again = later.platform.imaging_study(study.id)
    objects, problems = saved_objects(later.dicomweb(study_again.dicomweb_url), study.study_uid)
    assert problems == []
    mine = next(o for o in objects if o.sop_instance_uid == saved.report_uid)
    assert mine.kind is ObjectKind.REPORT
    assert mine.author == "李医生"
    assert mine.author_login == "dr.li"
    assert [m.kind for m in mine.marks] == [m.kind for m in MARKS]
    for mark, back in zip(MARKS, mine.marks, strict=True):
        assert back.sop_instance_uid == image.sop_instance_uid
        points = [to_mm(p, image.pixel_spacing) for p in back.points_px]
        assert np.allclose(points, mark.points, atol=1e-3), mark.kind
    assert mine.marks[2].text == "钙化灶"
    keys = next(o for o in objects if o.sop_instance_uid == saved.key_images_uid)
    assert keys.key_images == ((image.sop_instance_uid, 0),)
    later.sign_out()


def _image_dataset(image: DicomImage) -> Dataset:
    assert image.identity is not None
    ds = image.identity.as_dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID = generate_uid()
    return ds


def _report(image: DicomImage) -> Dataset:
    return measurement_report([mark_to_save(image, 0, MARKS[0])], Author("李医生", "dr.li"), NOW)


def test_a_resend_of_the_same_object_is_stored_once(platform: Sandbox) -> None:
    connection = sign_in_demo(platform.base_url)
    _, study, images = _ct_study(connection)
    data = part10(measurement_report([mark_to_save(images[0], 0, MARKS[1])], Author("李"), NOW))
    client = connection.dicomweb(study.dicomweb_url)
    before = stored_count(platform, study.study_uid, "SR")
    first = store_instances(client, study.study_uid, [data])
    second = store_instances(client, study.study_uid, [data])
    assert first.stored == second.stored
    assert len(first.stored) == 1
    assert stored_count(platform, study.study_uid, "SR") == before + 1
    connection.sign_out()


def test_objects_that_refer_to_what_the_platform_does_not_have_are_refused(
    platform: Sandbox, tmp_path: Path
) -> None:
    connection = sign_in_demo(platform.base_url)
    result_id, study, images = _ct_study(connection)
    image = images[0]
    assert image.identity is not None
    ghost = type(image.identity)(**{**image.identity.__dict__, "sop_instance_uid": generate_uid()})
    elsewhere = type(image.identity)(
        **{**image.identity.__dict__, "study_instance_uid": generate_uid()}
    )
    client = connection.dicomweb(study.dicomweb_url)
    for identity, where in ((ghost, study.study_uid), (elsewhere, elsewhere.study_instance_uid)):
        mark = mark_to_save(image, 0, MARKS[0])
        data = part10(
            measurement_report(
                [type(mark)(**{**mark.__dict__, "image": identity})], Author("李"), NOW
            )
        )
        result = store_instances(client, where, [data])
        assert result.stored == ()
        assert len(result.failed) == 1
    # what is not DICOM cannot be understood; an image is not something a doctor stores
    assert store_instances(client, study.study_uid, [b"not dicom"]).failed == (("", 0xC000),)
    refused = store_instances(client, study.study_uid, [part10(_image_dataset(image))])
    assert refused.failed[0][1] == 0x0122
    # nor is a non-multipart body
    with pytest.raises(PlatformError) as wrong:
        store_instances(client, study.study_uid, [])
    assert wrong.value.kind is ErrorKind.REJECTED
    # through the outbox: the refusal is kept with its reason and not sent again
    outbox = AnnotationOutbox(tmp_path / "dr.li")
    mark = mark_to_save(image, 0, MARKS[0])
    save_annotations(
        outbox,
        dicomweb_url=study.dicomweb_url,
        result_id=result_id,
        marks=[type(mark)(**{**mark.__dict__, "image": ghost})],
        key_images=[],
        author=Author("李"),
        now=NOW,
    )
    report = send_pending_annotations(outbox, store_with(connection.dicomweb))
    assert report.sent == []
    assert len(report.rejected) == 1
    (kept,) = outbox.rejected()
    assert kept.state is OutboxState.REJECTED
    assert "0x0110" in kept.last_error
    connection.sign_out()


def test_stow_needs_a_doctor_with_write_access(platform: Sandbox) -> None:
    answer = httpx.post(
        f"{platform.base_url}/dicomweb/studies",
        content=b"--x\r\n\r\n\r\n--x--\r\n",
        headers={"Content-Type": 'multipart/related; type="application/dicom"; boundary=x'},
    )
    assert answer.status_code == 401
    admin = httpx.post(
        f"{platform.base_url}/dicomweb/studies",
        content=b"--x\r\n\r\n\r\n--x--\r\n",
        headers={
            "Content-Type": 'multipart/related; type="application/dicom"; boundary=x',
            "Authorization": f"Bearer {platform.token('admin')}",
        },
    )
    assert admin.status_code == 403


def test_an_object_in_another_doctors_name_is_refused(platform: Sandbox) -> None:
    """dr.wang cannot store a report, presentation state or selection that names dr.li as
    its author (the login code she would be known by): 0x0124, not authorised."""
    from workstation.annotations.gsps_writer import presentation_state
    from workstation.annotations.kos_writer import key_object_selection
    from workstation.annotations.model import Rendering

    wang = sign_in_demo(platform.base_url, "dr.wang")
    _, study, images = _ct_study(wang)
    image = images[0]
    client = wang.dicomweb(study.dicomweb_url)
    marks = [mark_to_save(image, 0, MARKS[0])]
    forged = Author("李医生", "dr.li")
    for ds in (
        measurement_report(marks, forged, NOW),
        presentation_state(marks, Rendering((40.0, 400.0)), forged, NOW),
        key_object_selection([KeyImageRef(image.identity)], forged, NOW),  # type: ignore[arg-type]
    ):
        result = store_instances(client, study.study_uid, [part10(ds)])
        assert result.stored == ()
        assert result.failed == ((str(ds.SOPInstanceUID), 0x0124),)
    # in her own name, or in nobody's (another program's report), it is stored
    for author in (Author("王医生", "dr.wang"), Author("王医生")):
        own = measurement_report(marks, author, NOW)
        assert store_instances(client, study.study_uid, [part10(own)]).stored
    wang.sign_out()


def test_an_object_naming_frames_the_image_lacks_is_refused(platform: Sandbox) -> None:
    connection = sign_in_demo(platform.base_url)
    _, study, images = _ct_study(connection)
    client = connection.dicomweb(study.dicomweb_url)
    ds = _report(images[0])

    def refs(item: Dataset) -> list[Dataset]:
        found = list(item.get("ReferencedSOPSequence") or [])
        for child in item.get("ContentSequence") or []:
            found += refs(child)
        return found

    image_refs = [
        r for r in refs(ds) if "ReferencedFrameNumber" in r or r.get("ReferencedSOPClassUID")
    ]
    assert image_refs
    image_refs[-1].ReferencedFrameNumber = list(range(1, 3001))  # a single-frame image
    data = part10(ds)
    result = store_instances(client, study.study_uid, [data])
    assert result.stored == ()
    assert result.failed == ((str(ds.SOPInstanceUID), 0x0110),)
    connection.sign_out()


def test_an_object_larger_than_the_bound_is_not_read(platform: Sandbox) -> None:
    from sandbox.dicom_index import register_file
    from sandbox.store import Store
    from workstation.annotations.service import MAX_OBJECT_BYTES

    connection = sign_in_demo(platform.base_url)
    _, study, images = _ct_study(connection)
    ds = dcmread(io.BytesIO(part10(_report(images[0]))))  # plain pydicom, not highdicom
    text = Dataset()
    text.RelationshipType, text.ValueType = "CONTAINS", "TEXT"
    concept = Dataset()
    concept.CodeValue, concept.CodingSchemeDesignator, concept.CodeMeaning = (
        "121106",
        "DCM",
        "Comment",
    )
    text.ConceptNameCodeSequence = Sequence([concept])
    text.TextValue = "很" * (MAX_OBJECT_BYTES // 2)  # 3 bytes each in UTF-8
    ds.ContentSequence.append(text)
    path = platform.data_dir / "large" / f"{ds.SOPInstanceUID}.dcm"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(part10(ds))
    assert path.stat().st_size > MAX_OBJECT_BYTES
    register_file(Store(platform.data_dir / "sandbox.sqlite"), path, platform.data_dir)
    objects, problems = saved_objects(connection.dicomweb(study.dicomweb_url), study.study_uid)
    assert str(ds.SOPInstanceUID) not in {o.sop_instance_uid for o in objects}
    assert "an object was not read: larger than 4 MiB" in problems
    connection.sign_out()


def test_marks_for_a_platform_out_of_reach_do_not_hold_back_the_others(
    platform: Sandbox, tmp_path: Path
) -> None:
    connection = sign_in_demo(platform.base_url)
    result_id, study, images = _ct_study(connection)
    image = images[0]
    outbox = AnnotationOutbox(tmp_path / "dr.li")

    def save(url: str) -> str:
        saved = save_annotations(
            outbox,
            dicomweb_url=url,
            result_id=result_id,
            marks=[mark_to_save(image, 0, MARKS[0])],
            key_images=[],
            author=Author("李医生", "dr.li", "省人民医院"),
            now=NOW,
        )
        return saved.report_uid

    # first, marks on a study of another platform she is no longer signed in to (its
    # server is not one this sign-in may be sent to), then marks on this platform's study
    waiting = save("http://127.0.0.1:9/dicomweb")
    sent = save(study.dicomweb_url)
    report = send_pending_annotations(outbox, store_with(connection.dicomweb))
    assert report.failed == ErrorKind.FOREIGN_ORIGIN.value
    assert report.sent == [sent]
    assert [o.sop_uid for o in outbox.pending()] == [waiting]
    connection.sign_out()
