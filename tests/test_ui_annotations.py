"""Her marks and key images saved as DICOM through the real window against the real sandbox:
draw → "Save marks" → sign out → sign in again → the same marks at the same image positions
in mm, editable; on another workstation (nothing saved there) and for another doctor they are
shown read-only, in another colour, and can be turned off; an object that names her as its
author but was not saved by her here is never hers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.conftest import Sandbox
from tests.stored_objects import stored_count
from tests.ui_helpers import accept, open_study, reopen, signed_in_window
from ui.mark_layer import SAVED_COLOR
from workstation.annotations.model import Why
from workstation.annotations.service import part10
from workstation.dicomweb.stow import store_instances
from workstation.imaging.decode import DicomImage
from workstation.imaging.marks import Mark, MarkKind, SliceKey
from workstation.session.annotations import ListedObject

pytestmark = [pytest.mark.ui, pytest.mark.e2e]
_NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
SCREENSHOT = Path("/tmp/hr-annotations-reopened.png")  # looked at by hand
KEY_IMAGE = Path("/tmp/hr-key-image-from-kos.png")
HOSPITAL_SCREENSHOT = Path("/tmp/hr-annotations-hospital.png")


def _positions(
    marks: dict[SliceKey, tuple[Mark, ...]],
) -> dict[SliceKey, list[tuple[MarkKind, tuple[tuple[float, float], ...], str]]]:
    return {key: [(m.kind, m.points, m.text) for m in found] for key, found in marks.items()}


def test_marks_saved_come_back_on_another_workstation_and_for_another_doctor(
    qtbot: QtBot, private_sandbox: Sandbox, tmp_path: Path
) -> None:
    window = signed_in_window(qtbot, private_sandbox, tmp_path / "first")
    page = open_study(qtbot, window, "p0001")
    viewer = page.viewer
    viewer.go_to(len(viewer.slices) // 2)
    viewer.add_length()
    viewer.add_roi()
    viewer.add_arrow("结节")
    viewer.mark_key_image()
    drawn = _positions(viewer.marks.all_marks())
    assert sum(len(v) for v in drawn.values()) == 3
    study = page.images.study
    assert study is not None
    qtbot.mouseClick(page.images.save_marks_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: stored_count(private_sandbox, study.study_uid, "SR") == 1, timeout=20000
    )
    qtbot.waitUntil(
        lambda: stored_count(private_sandbox, study.study_uid, "KO") == 1, timeout=20000
    )
    qtbot.waitUntil(
        lambda: stored_count(private_sandbox, study.study_uid, "PR") == 1, timeout=20000
    )
    # nothing changed: a second press queues nothing new
    qtbot.mouseClick(page.images.save_marks_button, Qt.MouseButton.LeftButton)
    qtbot.wait(300)
    assert window.annotation_outbox is not None
    assert window.annotation_outbox.pending() == []
    window.sign_out()

    # another day on the same workstation (her journal folder knows what she saved)
    again = signed_in_window(qtbot, private_sandbox, tmp_path / "first")
    page = open_study(qtbot, again, "p0001")
    qtbot.waitUntil(lambda: bool(page.images.annotations.model.objects), timeout=20000)
    qtbot.waitUntil(lambda: bool(page.viewer.marks.all_marks()), timeout=20000)
    back = _positions(page.viewer.marks.all_marks())
    assert back.keys() == drawn.keys()
    for key, marks in drawn.items():
        for (kind, points, text), (kind2, points2, text2) in zip(marks, back[key], strict=True):
            assert (kind, text) == (kind2, text2)
            assert np.allclose(points, points2, atol=1e-3)
    listed = page.images.annotations.model.objects
    assert {o.obj.kind.value for o in listed} == {"SR", "KOS", "GSPS"}
    gsps = next(o for o in listed if o.obj.kind.value == "GSPS")
    assert gsps.obj.window is not None  # the window she read with
    assert not gsps.visible  # its marks are those of the report
    assert all(o.mine for o in listed)
    report = next(o for o in listed if o.obj.kind.value == "SR")
    assert report.editable  # her latest report is back among her marks, not drawn twice
    key_slice = next(iter(back))
    page.viewer.go_to(
        next(
            i
            for i, s in enumerate(page.viewer.slices)
            if (s.image.sop_instance_uid, s.frame) == key_slice
        )
    )
    assert page.viewer.mark_layer.saved_graphics == []
    # her saved key image is drawn again, with her marks, for the printed summary
    result_id = page.decision.result.id if page.decision.result else ""
    qtbot.waitUntil(lambda: len(page.key_images.get(result_id, [])) == 1, timeout=10000)
    (key_image,) = page.key_images[result_id]
    assert key_image.png.startswith(b"\x89PNG")
    assert key_image.pixel_spacing_mm is not None
    assert " mm" in key_image.caption
    assert " HU" in key_image.caption
    KEY_IMAGE.write_bytes(key_image.png)
    again.sign_out()

    # another workstation (an empty journal folder), the same doctor: the objects name her,
    # but only what she saved here is hers — shown read-only, with a note
    elsewhere = signed_in_window(qtbot, private_sandbox, tmp_path / "second")
    page = open_study(qtbot, elsewhere, "p0001")
    qtbot.waitUntil(lambda: len(page.images.annotations.model.objects) == 3, timeout=20000)
    listed = page.images.annotations.model.objects
    assert not any(o.mine or o.editable for o in listed)
    assert all(o.claims_mine for o in listed)
    assert not page.viewer.marks.all_marks()
    page.images.annotations_button.setChecked(True)
    rows = page.images.annotation_list.rows
    sr_row = next(i for i in range(rows.count()) if "SR" in rows.item(i).text())
    assert any(n in rows.item(sr_row).text() for n in ("names you, not saved here", "署名为您"))
    elsewhere.sign_out()

    # another doctor: her marks are someone else's, read-only and in another colour
    other = signed_in_window(qtbot, private_sandbox, tmp_path / "third", user="dr.wang")
    page = open_study(qtbot, other, "p0001")
    qtbot.waitUntil(lambda: bool(page.images.annotations.model.objects), timeout=20000)
    assert not page.viewer.marks.all_marks()
    page.viewer.go_to(
        next(
            i
            for i, s in enumerate(page.viewer.slices)
            if (s.image.sop_instance_uid, s.frame) == key_slice
        )
    )
    saved = page.viewer.mark_layer.saved_graphics
    assert len(saved) == 3
    assert all(g.roi.currentPen.color().getRgb()[:3] == SAVED_COLOR for g in saved)
    assert "结节" in page.viewer.mark_layer.saved_labels()
    assert any("HU" in text for text in page.viewer.mark_layer.saved_labels())
    assert not any(o.mine or o.editable for o in page.images.annotations.model.objects)
    page.images.annotations_button.setChecked(True)
    rows = page.images.annotation_list.rows
    assert rows.count() == 3
    assert "李静" in rows.item(0).text()
    other.grab().save(str(SCREENSHOT))
    # she turns the report off: its marks go
    sr_row = next(i for i in range(rows.count()) if "SR" in rows.item(i).text())
    rows.item(sr_row).setCheckState(Qt.CheckState.Unchecked)
    assert page.viewer.mark_layer.saved_graphics == []
    rows.item(sr_row).setCheckState(Qt.CheckState.Checked)
    assert len(page.viewer.mark_layer.saved_graphics) == 3
    other.sign_out()


def test_recording_a_decision_saves_her_changed_marks_with_it(
    qtbot: QtBot, private_sandbox: Sandbox, tmp_path: Path
) -> None:
    window = signed_in_window(qtbot, private_sandbox, tmp_path)
    page = open_study(qtbot, window, "p0002")
    study = page.images.study
    assert study is not None
    assert stored_count(private_sandbox, study.study_uid, "SR") == 0
    page.viewer.add_length()
    qtbot.waitUntil(lambda: page.decision.accept_button.isEnabled(), timeout=5000)
    accept(qtbot, page)
    qtbot.waitUntil(
        lambda: stored_count(private_sandbox, study.study_uid, "SR") == 1, timeout=20000
    )
    assert stored_count(private_sandbox, study.study_uid, "KO") == 0  # no key image kept
    assert window.annotation_outbox is not None
    qtbot.waitUntil(lambda: window.annotation_outbox.pending() == [], timeout=10000)
    window.sign_out()


def _hospital_report(image: DicomImage) -> bytes:
    """A measurement report as the issuing hospital's system might write it (another
    program: TID 300 style NUM → SCOORD, no login), with a point this viewer cannot draw."""
    assert image.identity is not None
    ds = image.identity.as_dataset()
    for keyword in ("Rows", "Columns", "SamplesPerPixel", "NumberOfFrames", "FrameOfReferenceUID"):
        if keyword in ds:
            delattr(ds, keyword)
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.88.22"  # Enhanced SR
    ds.SOPInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.Modality, ds.SeriesNumber, ds.InstanceNumber = "SR", 50, 1
    ds.ContentDate, ds.ContentTime = "20261126", "170500"
    ds.ContentCreatorName = "ZHANG^WEI"
    ds.ValueType = "CONTAINER"
    ds.ContinuityOfContent = "SEPARATE"
    title = Dataset()
    title.CodeValue, title.CodingSchemeDesignator = "126000", "DCM"
    title.CodeMeaning = "Imaging Measurement Report"
    ds.ConceptNameCodeSequence = Sequence([title])

    def scoord(graphic_type: str, data: list[float]) -> Dataset:
        item = Dataset()
        item.RelationshipType, item.ValueType = "INFERRED FROM", "SCOORD"
        item.GraphicType, item.GraphicData = graphic_type, data
        source = Dataset()
        source.RelationshipType, source.ValueType = "SELECTED FROM", "IMAGE"
        ref = Dataset()
        ref.ReferencedSOPClassUID = image.identity.sop_class_uid  # type: ignore[union-attr]
        ref.ReferencedSOPInstanceUID = image.sop_instance_uid
        source.ReferencedSOPSequence = Sequence([ref])
        item.ContentSequence = Sequence([source])
        return item

    length = Dataset()
    length.RelationshipType, length.ValueType = "CONTAINS", "NUM"
    concept = Dataset()
    concept.CodeValue, concept.CodingSchemeDesignator, concept.CodeMeaning = (
        "410668003",
        "SCT",
        "Length",
    )
    length.ConceptNameCodeSequence = Sequence([concept])
    value, unit = Dataset(), Dataset()
    unit.CodeValue, unit.CodingSchemeDesignator, unit.CodeMeaning = "mm", "UCUM", "mm"
    value.NumericValue, value.MeasurementUnitsCodeSequence = "33.0", Sequence([unit])
    length.MeasuredValueSequence = Sequence([value])
    rows, columns = image.pixels.shape[1], image.pixels.shape[2]
    line = [columns * 0.3, rows * 0.5, columns * 0.6, rows * 0.5]
    length.ContentSequence = Sequence([scoord("POLYLINE", line)])
    ds.ContentSequence = Sequence([length, scoord("POINT", [columns * 0.5, rows * 0.3])])
    ds.ContentSequence[1].RelationshipType = "CONTAINS"
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    return part10(ds)


def test_the_issuing_hospitals_report_is_shown_with_what_cannot_be(
    qtbot: QtBot, private_sandbox: Sandbox, tmp_path: Path
) -> None:
    window = signed_in_window(qtbot, private_sandbox, tmp_path)
    page = open_study(qtbot, window, "p0003", modality=None)
    ct = page.decision.result
    assert ct is not None
    study = page.images.study
    assert study is not None
    assert window.signed is not None
    image = page.viewer.slices[0].image
    stored = store_instances(
        window.signed.connection.dicomweb(study.dicomweb_url),
        study.study_uid,
        [_hospital_report(image)],
    )
    assert len(stored.stored) == 1
    reopen(page)  # opened again: the report is found
    qtbot.waitUntil(lambda: bool(page.images.annotations.model.objects), timeout=20000)
    (listed,) = page.images.annotations.model.objects
    assert not listed.mine
    assert listed.visible
    assert [m.kind for m in listed.obj.marks] == [MarkKind.LENGTH]
    assert [n.why for n in listed.obj.not_shown] == [Why.UNSUPPORTED]
    page.images.annotations_button.setChecked(True)
    row = page.images.annotation_list.rows.item(0)
    assert "ZHANG WEI" in row.text()
    assert "1 not shown" in row.text() or "1 项未显示" in row.text()
    assert "POINT" in row.toolTip()
    qtbot.waitUntil(lambda: len(page.viewer.slices) > 0, timeout=20000)
    page.viewer.go_to(0)
    assert len(page.viewer.mark_layer.saved_graphics) == 1
    window.grab().save(str(HOSPITAL_SCREENSHOT))
    window.sign_out()


def test_marks_saved_while_the_platform_fails_wait_and_go_once_it_answers(
    qtbot: QtBot, private_sandbox: Sandbox, tmp_path: Path
) -> None:
    window = signed_in_window(qtbot, private_sandbox, tmp_path)
    page = open_study(qtbot, window, "p0002")
    study = page.images.study
    assert study is not None
    reports, states = (stored_count(private_sandbox, study.study_uid, m) for m in ("SR", "PR"))
    page.viewer.add_angle()
    private_sandbox.set_faults(error_rate=1.0)  # every answer a 503 from here on
    try:
        qtbot.mouseClick(page.images.save_marks_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "waiting" in window.outbox_label.text(), timeout=20000)
        assert "2 saved mark object(s)" in window.outbox_label.text()  # the SR and the GSPS
    finally:
        private_sandbox.reset_faults()
    window.flush_outbox()
    qtbot.waitUntil(
        lambda: stored_count(private_sandbox, study.study_uid, "SR") == reports + 1,
        timeout=30000,
    )
    qtbot.waitUntil(lambda: "waiting" not in window.outbox_label.text(), timeout=30000)
    assert stored_count(private_sandbox, study.study_uid, "PR") == states + 1
    window.sign_out()


def test_an_object_forged_in_her_name_is_not_taken_as_hers(
    qtbot: QtBot, private_sandbox: Sandbox, tmp_path: Path
) -> None:
    """dr.wang's report and key image selection naming dr.li as author, put on a platform
    that does not check (here written straight into the sandbox's store): dr.li sees them
    as someone else's — not among her marks, not re-saved in her name, not in her summary."""
    from sandbox.dicom_index import register_file
    from sandbox.store import Store
    from workstation.annotations.kos_writer import key_object_selection
    from workstation.annotations.measure import mark_to_save
    from workstation.annotations.model import Author, KeyImageRef
    from workstation.annotations.sr_writer import measurement_report

    window = signed_in_window(qtbot, private_sandbox, tmp_path)
    page = open_study(qtbot, window, "p0002")
    study = page.images.study
    assert study is not None
    image = page.viewer.slices[0].image
    forged_author = Author("李静", "dr.li")
    length = Mark(1, MarkKind.LENGTH, ((5.0, 5.0), (25.0, 5.0)))
    forged = [
        measurement_report([mark_to_save(image, 0, length)], forged_author, _NOW),
        key_object_selection([KeyImageRef(image.identity)], forged_author, _NOW),  # type: ignore[arg-type]
    ]
    store = Store(private_sandbox.data_dir / "sandbox.sqlite")
    for ds in forged:
        path = private_sandbox.data_dir / "forged" / f"{ds.SOPInstanceUID}.dcm"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(part10(ds))
        register_file(store, path, private_sandbox.data_dir)
    ct = page.decision.result
    assert ct is not None
    reopen(page)  # opened again: the forged objects are found
    uids = {str(ds.SOPInstanceUID) for ds in forged}

    def found() -> list[ListedObject]:  # other tests of the module may have saved here too
        return [o for o in page.images.annotations.model.objects if o.obj.sop_instance_uid in uids]

    qtbot.waitUntil(lambda: len(found()) == 2, timeout=60000)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=30000)
    listed = found()
    assert not any(o.mine or o.editable for o in listed)
    assert all(o.claims_mine for o in listed)
    assert not page.viewer.marks.all_marks()  # nothing taken into her editable marks
    assert page.images.annotations.model.own_key_images() == []
    assert not page.key_images.get(ct.id)  # nor into her printed summary
    assert not page.images.annotations.has_changes(ct.id)
    page.images.annotations_button.setChecked(True)
    row = page.images.annotations.model.objects.index(listed[0])
    tip = page.images.annotation_list.rows.item(row).toolTip()
    assert "not saved from your account" in tip or "本工作站" in tip
    window.sign_out()
