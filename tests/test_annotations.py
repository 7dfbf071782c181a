"""Her marks and key images written as DICOM SR / KOS and read back (Qt-free): the same
positions in mm, the measured values, DCMTK accepting the objects, and tolerant reading of
what others saved."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image as PILImage
from pydicom import dcmread
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence
from pydicom.uid import generate_uid

from tests.dicom_builders import image_dataset, read_pnm, worst_difference
from workstation.annotations.gsps_writer import presentation_state
from workstation.annotations.key_image_render import MIN_WIDTH_PX, render_key_image
from workstation.annotations.kos_writer import key_object_selection
from workstation.annotations.measure import mark_to_save, values_text
from workstation.annotations.model import (
    Author,
    KeyImageRef,
    ObjectKind,
    Quantity,
    Rendering,
    SavedMark,
    SavedObject,
    Why,
    to_mm,
)
from workstation.annotations.placement import place_on_study
from workstation.annotations.reader import GSPS_CLASS, read_object
from workstation.annotations.sr_writer import measurement_report
from workstation.imaging.decode import DicomImage, decode
from workstation.imaging.marks import Mark, MarkKind
from workstation.imaging.voi import Window

DSRDUMP = shutil.which("dsrdump") or "dsrdump"  # DCMTK: installed by devtools/system_packages.sh
DSR2XML = shutil.which("dsr2xml") or "dsr2xml"
NOW = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
AUTHOR = Author("李明", "dr.li", "武汉市第一医院")
MULTIFRAME_SC = "1.2.840.10008.5.1.4.1.1.7.3"  # Multi-frame Grayscale Word SC
SPACING = (0.5, 0.7)  # row, column mm: anisotropic, so x and y mix-ups show


def _ct(frames: int = 1) -> DicomImage:
    pixels = (np.arange(frames * 64 * 80, dtype=np.int16) % 2000).reshape(frames, 64, 80)
    ds = image_dataset(pixels if frames > 1 else pixels[0], modality="CT")
    if frames > 1:  # a multi-frame IOD (Secondary Capture is single-frame)
        ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = MULTIFRAME_SC
    ds.PixelSpacing = list(SPACING)
    ds.RescaleSlope, ds.RescaleIntercept = 1, -1024
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.PatientID, ds.PatientName, ds.PatientSex = "P-7", "张^三", "M"
    ds.StudyDate, ds.StudyTime, ds.StudyID, ds.AccessionNumber = "20261120", "101500", "S1", "A9"
    return decode(ds)


MARKS = (
    Mark(1, MarkKind.LENGTH, ((3.5, 2.0), (30.1, 21.7))),
    Mark(2, MarkKind.ANGLE, ((10.0, 5.0), (20.0, 15.0), (35.0, 4.0))),
    Mark(3, MarkKind.ELLIPSE, ((7.0, 6.0), (28.0, 16.5))),
    Mark(4, MarkKind.RECTANGLE, ((4.2, 3.0), (14.0, 25.0))),
    Mark(5, MarkKind.ARROW, ((22.0, 12.0), (40.0, 3.0)), "结节 右上叶"),
)


def _bytes(ds: Dataset) -> bytes:
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    return out.getvalue()


def _round_trip(ds: Dataset, frame_counts: dict[str, int | None] | None = None) -> SavedObject:
    return read_object(dcmread(io.BytesIO(_bytes(ds))), frame_counts)


def test_marks_come_back_at_the_same_positions_in_mm_with_their_values() -> None:
    image = _ct()
    saved = [mark_to_save(image, 0, mark) for mark in MARKS]
    obj = _round_trip(measurement_report(saved, AUTHOR, NOW))
    assert obj.kind is ObjectKind.REPORT
    assert obj.author == "李明"
    assert obj.author_login == "dr.li"
    assert obj.created == "20261201093000"  # China time, as the chart keeps it
    assert obj.study_instance_uid == image.study_instance_uid
    assert [m.kind for m in obj.marks] == [m.kind for m in MARKS]
    for mark, back in zip(MARKS, obj.marks, strict=True):
        assert back.sop_instance_uid == image.sop_instance_uid
        assert back.frame == 0
        points = [to_mm(p, image.pixel_spacing) for p in back.points_px]
        assert np.allclose(points, mark.points, atol=1e-4), mark.kind
    length, angle, ellipse, rectangle, arrow = obj.marks
    (length_value,) = length.values
    assert length_value.quantity is Quantity.LENGTH
    assert length_value.unit == "mm"
    assert length_value.value == pytest.approx(np.hypot(30.1 - 3.5, 21.7 - 2.0))
    assert angle.values[0].unit == "deg"
    assert 0 < angle.values[0].value < 180
    quantities = {v.quantity: v for v in ellipse.values}
    assert quantities[Quantity.MEAN].unit == "[hnsf'U]"
    assert quantities[Quantity.MINIMUM].value < quantities[Quantity.MEAN].value
    assert quantities[Quantity.AREA].unit == "mm2"
    assert {v.quantity for v in rectangle.values} >= {Quantity.MEAN, Quantity.SD, Quantity.AREA}
    assert arrow.text == "结节 右上叶"
    assert obj.not_shown == ()


def test_a_mark_on_a_frame_of_a_multiframe_image_names_that_frame() -> None:
    image = _ct(frames=4)
    saved = [mark_to_save(image, 2, MARKS[0])]
    obj = _round_trip(measurement_report(saved, AUTHOR, NOW), {image.sop_instance_uid: 4})
    assert [(m.sop_instance_uid, m.frame) for m in obj.marks] == [(image.sop_instance_uid, 2)]


def test_an_uncalibrated_length_is_saved_in_pixels() -> None:
    ds = image_dataset(np.zeros((32, 32), dtype=np.uint16))
    image = decode(ds)
    saved = mark_to_save(image, 0, Mark(1, MarkKind.LENGTH, ((0.0, 0.0), (3.0, 4.0))))
    assert saved.values[0].unit == "{pixel}"
    assert saved.values[0].value == pytest.approx(5.0)


def test_marks_on_two_studies_are_refused() -> None:
    a, b = _ct(), _ct()
    with pytest.raises(ValueError, match="more than one study"):
        measurement_report(
            [mark_to_save(a, 0, MARKS[0]), mark_to_save(b, 0, MARKS[0])], AUTHOR, NOW
        )
    with pytest.raises(ValueError, match="no marks"):
        measurement_report([], AUTHOR, NOW)


def test_dcmtk_reads_the_report_and_the_key_images(tmp_path: Path) -> None:
    image = _ct(frames=3)
    report = measurement_report([mark_to_save(image, 1, m) for m in MARKS], AUTHOR, NOW)
    kos = key_object_selection([KeyImageRef(image.identity, 1)], AUTHOR, NOW)  # type: ignore[arg-type]
    for name, ds in (("sr.dcm", report), ("kos.dcm", kos)):
        path = tmp_path / name
        path.write_bytes(_bytes(ds))
        dump = subprocess.run(
            [str(DSRDUMP), "-Ee", str(path)], capture_output=True, text=True, check=False
        )
        assert dump.returncode == 0, dump.stderr
        errors = [line for line in dump.stderr.splitlines() if line.startswith(("E:", "F:"))]
        assert not errors, errors
        xml = subprocess.run([str(DSR2XML), str(path)], capture_output=True, text=True, check=False)
        assert xml.returncode == 0, xml.stderr
        assert image.sop_instance_uid in xml.stdout
    dump = subprocess.run(
        [str(DSRDUMP), str(tmp_path / "sr.dcm")], capture_output=True, text=True, check=True
    ).stdout
    assert "Imaging Measurement Report" in dump
    assert dump.count('"Measurement Group"') == len(MARKS)
    assert "SCOORD" in dump
    assert "(ELLIPSE," in dump
    assert '"Comment")="结节 右上叶"' in dump


def test_key_images_come_back_with_their_frames() -> None:
    image, single = _ct(frames=3), _ct()
    refs = [KeyImageRef(image.identity, 0), KeyImageRef(image.identity, 2)]  # type: ignore[arg-type]
    obj = _round_trip(
        key_object_selection(refs + refs[:1], AUTHOR, NOW), {image.sop_instance_uid: 3}
    )
    assert obj.kind is ObjectKind.KEY_IMAGES
    assert obj.key_images == ((image.sop_instance_uid, 0), (image.sop_instance_uid, 2))
    assert obj.author == "李明"
    with pytest.raises(ValueError, match="more than one study"):
        key_object_selection(
            [KeyImageRef(image.identity), KeyImageRef(single.identity)],  # type: ignore[arg-type]
            AUTHOR,
            NOW,
        )


# --- what others saved: read tolerantly -----------------------------------------------------


def _item(value_type: str, code: str, meaning: str, relationship: str = "CONTAINS") -> Dataset:
    item = Dataset()
    item.RelationshipType = relationship
    item.ValueType = value_type
    concept = Dataset()
    concept.CodeValue, concept.CodingSchemeDesignator, concept.CodeMeaning = code, "DCM", meaning
    item.ConceptNameCodeSequence = Sequence([concept])
    return item


def _scoord(graphic_type: str, data: list[float], sop_uid: str | None) -> Dataset:
    scoord = _item("SCOORD", "111030", "Image Region")
    scoord.GraphicType = graphic_type
    scoord.GraphicData = data
    if sop_uid is not None:
        image = _item("IMAGE", "260753009", "Source", "SELECTED FROM")
        ref = Dataset()
        ref.ReferencedSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
        ref.ReferencedSOPInstanceUID = sop_uid
        image.ReferencedSOPSequence = Sequence([ref])
        scoord.ContentSequence = Sequence([image])
    return scoord


def _foreign_sr(study_uid: str, sop_uid: str) -> Dataset:
    """An SR as another program might write it: TID 300 style NUM → SCOORD, and things we
    cannot draw."""
    ds = Dataset()
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.88.22"  # Enhanced SR
    ds.SOPInstanceUID = generate_uid()
    ds.StudyInstanceUID, ds.SeriesInstanceUID = study_uid, generate_uid()
    ds.ContentCreatorName = "WANG^FANG"
    root = _item("CONTAINER", "126000", "Imaging Measurement Report", "")
    del root.RelationshipType
    num = _item("NUM", "410668003", "Length")
    measured = Dataset()
    measured.NumericValue = "12.5"
    unit = Dataset()
    unit.CodeValue, unit.CodingSchemeDesignator, unit.CodeMeaning = "mm", "UCUM", "mm"
    measured.MeasurementUnitsCodeSequence = Sequence([unit])
    num.MeasuredValueSequence = Sequence([measured])
    num.ConceptNameCodeSequence[0].CodeValue = "410668003"
    num.ContentSequence = Sequence([_scoord("POLYLINE", [1, 2, 10, 2], sop_uid)])
    three_d = _item("SCOORD3D", "111030", "Image Region")
    three_d.GraphicType, three_d.GraphicData = "POINT", [1.0, 2.0, 3.0]
    root.ContentSequence = Sequence(
        [
            num,
            _scoord("POINT", [5, 5], sop_uid),
            _scoord("POLYLINE", [1, 1, 5, 1], None),
            _scoord("POLYLINE", [1, 1, 5], sop_uid),
            _scoord("ELLIPSE", [0, 0, 10, 10, 0, 10, 10, 0], sop_uid),  # rotated 45°
            _scoord("CIRCLE", [10, 10, 13, 14], sop_uid),
            _scoord("POLYLINE", [1, 1, 9, 1, 9, 5, 1, 5, 1, 1], generate_uid()),
            three_d,
        ]
    )
    ds.ContentSequence = root.ContentSequence
    ds.ConceptNameCodeSequence = root.ConceptNameCodeSequence
    ds.ValueType = "CONTAINER"
    return ds


def test_anothers_report_shows_what_it_can_and_lists_the_rest_with_reasons() -> None:
    study, sop = generate_uid(), generate_uid()
    obj = read_object(_foreign_sr(study, sop))
    assert obj.author == "WANG FANG"
    kinds = [(m.kind, m.points_px) for m in obj.marks]
    assert (MarkKind.LENGTH, ((1.0, 2.0), (10.0, 2.0))) in kinds
    assert (MarkKind.ELLIPSE, ((5.0, 5.0), (15.0, 15.0))) in kinds  # the circle
    assert obj.marks[0].values[0].value == 12.5
    reasons = " | ".join(n.reason for n in obj.not_shown)
    for expected in (
        "graphic type POINT is not supported",
        "it names no image",
        "its coordinates are damaged",
        "a rotated ellipse",
        "3D coordinates are not shown",
    ):
        assert expected in reasons
    placed = place_on_study(obj, study, {sop: 1})
    assert [m.kind for m in placed.marks] == [MarkKind.LENGTH, MarkKind.ELLIPSE]
    assert "not in this study" in " ".join(n.reason for n in placed.not_shown)  # the rectangle
    elsewhere = place_on_study(obj, generate_uid(), {sop: 1})
    assert elsewhere.marks == ()
    assert "another study" in elsewhere.not_shown[0].reason


def test_a_frame_the_image_does_not_have_is_not_shown() -> None:
    image = _ct(frames=4)
    report = measurement_report([mark_to_save(image, 3, MARKS[0])], AUTHOR, NOW)
    obj = _round_trip(report, {image.sop_instance_uid: 4})
    placed = place_on_study(obj, image.study_instance_uid, {image.sop_instance_uid: 2})
    assert placed.marks == ()
    assert "frame 4 of an image with 2" in placed.not_shown[0].reason
    # the reader itself keeps to the frames the image has (one when it is not known)
    for counts, reason in (
        ({image.sop_instance_uid: 2}, "it refers to 1 frame(s) beyond the image's 2"),
        ({}, "it refers to 1 frame(s) beyond the image's 1"),
    ):
        read = _round_trip(report, counts)
        assert read.marks == ()
        assert [(n.reason, n.why) for n in read.not_shown] == [(reason, Why.ELSEWHERE)]


def _gsps(study_uid: str, sop_uid: str) -> Dataset:
    ds = Dataset()
    ds.SOPClassUID = GSPS_CLASS
    ds.SOPInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.StudyInstanceUID = study_uid
    ref = Dataset()
    ref.ReferencedSOPClassUID, ref.ReferencedSOPInstanceUID = "1.2.3", sop_uid
    series = Dataset()
    series.SeriesInstanceUID = generate_uid()
    series.ReferencedImageSequence = Sequence([ref])
    ds.ReferencedSeriesSequence = Sequence([series])
    voi = Dataset()
    voi.WindowCenter, voi.WindowWidth = 40, 400
    ds.SoftcopyVOILUTSequence = Sequence([voi])
    line, shown_on_display, text = Dataset(), Dataset(), Dataset()
    line.GraphicAnnotationUnits, line.GraphicType = "PIXEL", "POLYLINE"
    line.GraphicDimensions, line.NumberOfGraphicPoints = 2, 2
    line.GraphicData = [2.0, 3.0, 20.0, 3.0]
    shown_on_display.GraphicAnnotationUnits, shown_on_display.GraphicType = "DISPLAY", "POLYLINE"
    shown_on_display.GraphicData = [0.1, 0.1, 0.2, 0.2]
    text.UnformattedTextValue = "病灶"
    text.AnchorPointAnnotationUnits, text.AnchorPoint = "PIXEL", [10.0, 10.0]
    text.BoundingBoxAnnotationUnits = "PIXEL"
    text.BoundingBoxTopLeftHandCorner, text.BoundingBoxBottomRightHandCorner = [30, 2], [50, 8]
    annotation = Dataset()
    annotation.GraphicLayer = "LAYER1"
    annotation.GraphicObjectSequence = Sequence([line, shown_on_display])
    annotation.TextObjectSequence = Sequence([text])
    ds.GraphicAnnotationSequence = Sequence([annotation])
    return ds


def test_a_presentation_states_annotations_and_window_are_read() -> None:
    study, sop = generate_uid(), generate_uid()
    obj = read_object(_gsps(study, sop))
    assert obj.kind is ObjectKind.PRESENTATION
    assert obj.window == (40.0, 400.0)
    assert [(m.kind, m.points_px, m.text) for m in obj.marks] == [
        (MarkKind.LENGTH, ((2.0, 3.0), (20.0, 3.0)), ""),
        (MarkKind.ARROW, ((10.0, 10.0), (30.0, 2.0)), "病灶"),
    ]
    assert [n.reason for n in obj.not_shown] == ["given in display coordinates"]
    other = place_on_study(obj, generate_uid(), {sop: 1})
    assert other.marks == ()
    assert other.window is None


def test_an_image_is_no_annotation_object() -> None:
    with pytest.raises(ValueError, match="not an SR"):
        read_object(image_dataset(np.zeros((4, 4), dtype=np.uint8)))


def test_a_damaged_report_is_read_without_a_crash() -> None:
    ds = _foreign_sr(generate_uid(), generate_uid())
    ds.ContentSequence[0].MeasuredValueSequence[0].NumericValue = "1e999"
    ds.ContentSequence[0].ContentSequence[0].GraphicData = [1.0, float("inf"), 2.0, 2.0]
    obj = read_object(ds)
    assert all(m.kind is not MarkKind.LENGTH for m in obj.marks)
    assert "its coordinates are damaged" in [n.reason for n in obj.not_shown]


# --- her window and marks as a presentation state ---------------------------------------------


def _gsps_of(image: DicomImage, frame: int = 0) -> Dataset:
    saved = [mark_to_save(image, frame, mark) for mark in MARKS]
    rendering = Rendering((40.0, 400.0), (image.rescale_slope, image.rescale_intercept), "CT")
    return presentation_state(saved, rendering, AUTHOR, NOW)


def test_the_presentation_state_holds_her_marks_and_window() -> None:
    image = _ct()
    obj = _round_trip(_gsps_of(image))
    assert obj.kind is ObjectKind.PRESENTATION
    assert obj.window == (40.0, 400.0)
    assert obj.author == "李明"
    assert obj.author_login == "dr.li"
    assert obj.created == "20261201093000"
    assert [m.kind for m in obj.marks] == [
        m.kind for m in MARKS if m.kind is not MarkKind.ARROW
    ] + [MarkKind.ARROW]
    by_kind = {m.kind: m for m in obj.marks}
    for mark in MARKS:
        points = [to_mm(p, image.pixel_spacing) for p in by_kind[mark.kind].points_px]
        if mark.kind is MarkKind.ARROW:  # the text box is moved inside the image: the tip stays
            points, expected = points[:1], mark.points[:1]
        else:
            expected = mark.points
        assert np.allclose(points, expected, atol=1e-4), mark.kind
    assert by_kind[MarkKind.ARROW].text == "结节 右上叶"
    assert obj.not_shown == ()


def _non_ascii_errors_only(report: str) -> list[str]:
    """dcmpschk's errors that are not its known gap: it cannot check values in UTF-8
    (ISO_IR 192), so it reports every Chinese text as not conforming."""
    blocks = report.split("E: Error:")[1:]
    return [b for b in blocks if all(ord(c) < 128 for c in b.split("Attribute value")[-1])]


def test_dcmtk_checks_the_presentation_state_and_applies_her_window(tmp_path: Path) -> None:
    image_ds = image_dataset(
        (np.arange(64 * 80, dtype=np.int16) % 2000).reshape(64, 80), modality="CT"
    )
    image_ds.PixelSpacing = list(SPACING)
    image_ds.RescaleSlope, image_ds.RescaleIntercept = 1, -1024
    image_ds.PatientID, image_ds.PatientName = "P-8", "LI^SI"
    image = decode(image_ds)
    image_path, gsps_path = tmp_path / "image.dcm", tmp_path / "gsps.dcm"
    image_path.write_bytes(_bytes(image_ds))
    gsps_path.write_bytes(_bytes(_gsps_of(image)))
    check = subprocess.run(
        ["dcmpschk", str(gsps_path)], capture_output=True, text=True, check=False
    )
    assert "Testing:" in check.stderr + check.stdout
    assert _non_ascii_errors_only(check.stderr + check.stdout) == []
    # DCMTK renders the image through the presentation state: exactly her window
    with_state, windowed = tmp_path / "with_state.pgm", tmp_path / "windowed.pgm"
    subprocess.run(["dcmp2pgm", "-p", str(gsps_path), str(image_path), str(with_state)], check=True)
    subprocess.run(["dcmj2pnm", "+Ww", "40", "400", str(image_path), str(windowed)], check=True)
    plain = tmp_path / "plain.pgm"
    subprocess.run(["dcmp2pgm", str(image_path), str(plain)], check=True)
    assert worst_difference(read_pnm(with_state.read_bytes()), read_pnm(windowed.read_bytes())) == 0
    assert worst_difference(read_pnm(plain.read_bytes()), read_pnm(windowed.read_bytes())) > 0


def test_a_mark_reaching_outside_the_image_stays_out_of_the_presentation_state() -> None:
    image = _ct()
    outside = Mark(9, MarkKind.LENGTH, ((-5.0, 2.0), (30.0, 10.0)))
    saved = [mark_to_save(image, 0, m) for m in (outside, MARKS[2])]
    obj = _round_trip(presentation_state(saved, Rendering(None), AUTHOR, NOW))
    assert [m.kind for m in obj.marks] == [MarkKind.ELLIPSE]
    assert obj.window is None


def test_starting_the_window_does_not_import_highdicom() -> None:
    """highdicom takes over a second to import: only saving may pay for it."""
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, ui.main_window; print('highdicom' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert probe.stdout.strip() == "False"


def test_a_saved_key_image_is_drawn_with_her_marks_for_the_summary() -> None:
    image = _ct()
    saved = [mark_to_save(image, 0, mark) for mark in MARKS]
    marks = [SavedMark(image.sop_instance_uid, 0, m.kind, m.points_px, m.text) for m in saved]
    png, mm_per_pixel = render_key_image(image, 0, Window(40.0, 400.0), marks)
    picture = PILImage.open(io.BytesIO(png))
    assert picture.width >= MIN_WIDTH_PX
    scale = picture.width // 80
    assert mm_per_pixel == pytest.approx(SPACING[1] / scale)
    pixels = np.asarray(picture.convert("RGB"))
    (x0, y0), (x1, y1) = saved[0].points_px  # the length line's middle is drawn in colour
    middle = pixels[int((y0 + y1) / 2 * scale), int((x0 + x1) / 2 * scale)]
    assert middle[0] > 200
    assert middle[2] < 50
    assert values_text(saved[0].values) == f"{saved[0].values[0].value:.1f} mm"
    assert " HU" in values_text(saved[2].values)


def test_dciodvfy_finds_no_error_in_the_report_the_selection_or_the_presentation_state(
    tmp_path: Path,
) -> None:
    image = _ct(frames=3)
    saved = [mark_to_save(image, 1, m) for m in MARKS]
    objects = {
        "sr.dcm": measurement_report(saved, AUTHOR, NOW),
        "kos.dcm": key_object_selection([KeyImageRef(image.identity, 1)], AUTHOR, NOW),  # type: ignore[arg-type]
        "gsps.dcm": presentation_state(
            saved, Rendering((40.0, 400.0), (1.0, -1024.0), "CT"), AUTHOR, NOW
        ),
    }
    for name, ds in objects.items():
        path = tmp_path / name
        path.write_bytes(_bytes(ds))
        check = subprocess.run(["dciodvfy", str(path)], capture_output=True, text=True, check=False)
        lines = (check.stdout + check.stderr).splitlines()
        assert [line for line in lines if line.startswith("Error")] == [], name
        assert any(
            line.strip()
            in (
                "ComprehensiveSR",
                "KeyObjectSelectionDocument",
                "GrayscaleSoftcopyPresentationState",
            )
            for line in lines
        ), lines
