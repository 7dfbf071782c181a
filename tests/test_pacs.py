"""The `dicom` source against a real Orthanc on its DICOM port: C-ECHO, C-FIND at study,
series and instance level, C-GET into the viewer's image path; identity of what it finds."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from pydicom import dcmread
from pydicom.uid import generate_uid

from tests.orthanc_server import Orthanc, free_port, running_orthanc
from tests.pacs_data import BORN, CARD, PacsStudies, store_with_storescu, write_pacs_studies
from workstation.imaging.decode import load
from workstation.model import Gender, Patient
from workstation.services import LoadedImage
from workstation.sources.base import Cancelled, SourceError
from workstation.sources.identity import Match, match_patients
from workstation.sources.instance_check import NOT_THIS_PATIENT
from workstation.sources.pacs import PacsEntry, PacsSource, name_pattern

pytestmark = pytest.mark.interop

# the platform's record states her birth date (one derived from the number never agrees)
ANCHOR = Patient("p0001", "张伟", Gender.MALE, BORN, id_card=CARD)


@pytest.fixture(scope="module")
def pacs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Orthanc, PacsStudies]]:
    root = tmp_path_factory.mktemp("pacs")
    studies = write_pacs_studies(root / "files")
    # A Chinese PACS answers in UTF-8 or GB18030 (Orthanc's default, Latin-1, cannot hold 张伟).
    with running_orthanc(
        root / "orthanc", dicom_server=True, extra={"DefaultEncoding": "Utf8"}
    ) as orthanc:
        store_with_storescu(studies.files, orthanc.dicom_port, orthanc.aet)
        yield orthanc, studies


def _source(orthanc: Orthanc, **kw: object) -> PacsSource:
    entry = PacsEntry("绵阳PACS", "127.0.0.1", orthanc.dicom_port, orthanc.aet, "HRWS")
    return PacsSource(PacsEntry(**{**entry.__dict__, **kw}))  # type: ignore[arg-type]


def test_echo_answers_and_a_wrong_ae_or_port_is_a_source_error(
    pacs: tuple[Orthanc, PacsStudies],
) -> None:
    orthanc, _ = pacs
    _source(orthanc).echo()
    with pytest.raises(SourceError, match="rejected"):
        _source(orthanc, called_ae="NOTORTHANC").echo()
    with pytest.raises(SourceError):
        _source(orthanc, port=free_port(), timeout_s=3.0).echo()


def test_find_by_id_card_and_by_name_with_identity(pacs: tuple[Orthanc, PacsStudies]) -> None:
    orthanc, uids = pacs
    source = _source(orthanc)
    by_card = source.find_studies(patient_id=CARD)
    assert [s.study_uid for s in by_card] == [uids.by_card]
    found = {s.study_uid: s for s in source.find_studies(patient_id=CARD, name="张伟")}
    assert set(found) == {uids.by_mrn, uids.by_card, uids.other_sex}
    verdicts = {uid: match_patients(ANCHOR, s.patient).match for uid, s in found.items()}
    assert verdicts == {
        uids.by_card: Match.CONFIRMED,
        uids.by_mrn: Match.PROBABLE,
        uids.other_sex: Match.CONFLICT,
    }
    ct = found[uids.by_mrn]
    assert ct.patient.name == "张伟"
    assert ct.patient.id == "MY0001"
    assert ct.description == "胸部CT平扫"
    assert ct.modalities == ("CT",)
    assert ct.instances == 5
    assert ct.source == "绵阳PACS"
    assert source.find_studies(name="李强") == []


def test_series_and_instances_then_c_get_decodes_what_was_stored(
    pacs: tuple[Orthanc, PacsStudies],
) -> None:
    orthanc, uids = pacs
    source = _source(orthanc)
    ct = next(s for s in source.find_studies(patient_id="MY0001") if s.study_uid == uids.by_mrn)
    (series,) = source.study_series(ct)
    assert series.modality == "CT"
    assert [i.number for i in series.instances] == [1, 2, 3, 4, 5]
    images: list[LoadedImage] = []
    assert source.load_series(ct, series, images.append) == 5
    assert {i.sop_instance_uid for i in images} == {i.sop_instance_uid for i in series.instances}
    originals = {
        load(f).sop_instance_uid: load(f) for f in uids.files if f.parent.parent.name == "a"
    }
    for loaded in images:
        assert loaded.image is not None
        original = originals[loaded.sop_instance_uid]
        assert np.array_equal(loaded.image.pixels, original.pixels)


def test_one_instance_alone_is_retrieved_at_image_level(
    pacs: tuple[Orthanc, PacsStudies],
) -> None:
    # a series' thumbnail needs one image, not the whole series
    orthanc, uids = pacs
    source = _source(orthanc)
    ct = next(s for s in source.find_studies(patient_id="MY0001") if s.study_uid == uids.by_mrn)
    (series,) = source.study_series(ct)
    middle = series.instances[2]
    images: list[LoadedImage] = []
    assert source.load_instance(ct, series, middle, images.append) == 1
    assert [i.sop_instance_uid for i in images] == [middle.sop_instance_uid]
    original = next(
        load(f) for f in uids.files if load(f).sop_instance_uid == middle.sop_instance_uid
    )
    assert images[0].image is not None
    assert np.array_equal(images[0].image.pixels, original.pixels)


def test_c_get_is_cancelled(pacs: tuple[Orthanc, PacsStudies]) -> None:
    orthanc, uids = pacs
    source = _source(orthanc)
    ct = next(s for s in source.find_studies(patient_id="MY0001") if s.study_uid == uids.by_mrn)
    (series,) = source.study_series(ct)
    cancel = threading.Event()
    images: list[LoadedImage] = []

    def first_then_cancel(image: LoadedImage) -> None:
        images.append(image)
        cancel.set()

    with pytest.raises(Cancelled):
        source.load_series(ct, series, first_then_cancel, cancel)
    assert len(images) == 1
    _source(orthanc).echo()  # the PACS is fine afterwards


def test_name_pattern() -> None:
    assert name_pattern("张伟") == "*张*伟*"
    assert name_pattern(" 张 *伟?") == "*张*伟*"
    assert name_pattern("") == ""


def test_a_pacs_answering_in_gb18030_gives_the_same_names(tmp_path: Path) -> None:
    studies = write_pacs_studies(tmp_path / "files")
    with running_orthanc(
        tmp_path / "orthanc",
        dicom_server=True,
        extra={"DefaultEncoding": "Chinese"},  # GB18030
    ) as orthanc:
        store_with_storescu(studies.files, orthanc.dicom_port, orthanc.aet)
        found = _source(orthanc).find_studies(name="张伟")
    assert {s.patient.name for s in found} == {"张伟"}
    assert {s.description for s in found} == {"胸部CT平扫", "胸部正位"}
    assert {s.institution for s in found} == {"绵阳市某区医院"}


def test_c_move_where_configured_sends_the_series_to_our_port(tmp_path: Path) -> None:
    studies = write_pacs_studies(tmp_path / "files")
    port = free_port()
    peers = {"HRWS": ("HRWS", "127.0.0.1", port)}  # the PACS knows where to send to HRWS
    with running_orthanc(
        tmp_path / "orthanc",
        dicom_server=True,
        modalities=peers,
        extra={"DefaultEncoding": "Utf8"},
    ) as orthanc:
        store_with_storescu(studies.files, orthanc.dicom_port, orthanc.aet)
        source = _source(orthanc, move_port=port, move_bind="127.0.0.1")
        ct = next(s for s in source.find_studies(patient_id="MY0001"))
        (series,) = source.study_series(ct)
        images: list[LoadedImage] = []
        assert source.load_series(ct, series, images.append) == 5
        assert all(i.image is not None for i in images)
        # a PACS that does not know our AE title refuses to move
        stranger = _source(orthanc, calling_ae="NOBODY", move_port=free_port())
        stranger_move = stranger.load_series
        with pytest.raises(SourceError, match="C-MOVE"):
            stranger_move(ct, series, images.append)


def test_an_instance_of_another_patient_under_the_series_uid_is_never_shown(
    tmp_path: Path,
) -> None:
    studies = write_pacs_studies(tmp_path / "files")
    ct_file = next(f for f in studies.files if f.parent.parent.name == "a")
    intruder = dcmread(ct_file)
    intruder.PatientID = "OTHER-PATIENT"
    intruder.PatientName = "李^四"
    intruder.SOPInstanceUID = generate_uid()
    intruder.file_meta.MediaStorageSOPInstanceUID = intruder.SOPInstanceUID
    planted = tmp_path / "intruder.dcm"
    intruder.save_as(planted)
    with running_orthanc(tmp_path / "orthanc", dicom_server=True) as orthanc:
        store_with_storescu((*studies.files, planted), orthanc.dicom_port, orthanc.aet)
        source = _source(orthanc)
        ct = next(
            s for s in source.find_studies(patient_id="MY0001") if s.study_uid == studies.by_mrn
        )
        # Orthanc files the intruder under a study and series of its own patient with
        # the same UIDs: C-FIND lists it with hers, C-GET sends it with hers
        series = source.study_series(ct)[0]
        assert str(intruder.SOPInstanceUID) in {i.sop_instance_uid for i in series.instances}
        images: list[LoadedImage] = []
        assert source.load_series(ct, series, images.append) == 5
    shown = [i for i in images if i.image is not None]
    assert len(shown) == 5
    assert str(intruder.SOPInstanceUID) not in {i.sop_instance_uid for i in shown}
    refused = [i for i in images if i.image is None]
    assert [(i.sop_instance_uid, i.error) for i in refused] == [
        (str(intruder.SOPInstanceUID), NOT_THIS_PATIENT)
    ]
