"""What reading another's saved object may cost is bounded, whatever it claims: frames only
those the image has, marks and key images per object and per study, the depth of the content
tree, the size of each object fetched; what is left off is listed as not shown."""

from __future__ import annotations

import time

from pydicom.dataset import Dataset
from pydicom.sequence import Sequence
from pydicom.uid import generate_uid

from workstation.annotations.model import Why
from workstation.annotations.reader import (
    GSPS_CLASS,
    KOS_CLASS,
    MAX_DEPTH,
    MAX_MARKS_PER_OBJECT,
    MAX_NOTES,
    read_object,
)


def _gsps_bomb(sop_uid: str, frames: int, graphics: int) -> Dataset:
    """A presentation state naming ``frames`` frames of one image for each of ``graphics``
    lines (each pair would be one mark)."""
    ds = Dataset()
    ds.SOPClassUID, ds.SOPInstanceUID = GSPS_CLASS, generate_uid()
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    image = Dataset()
    image.ReferencedSOPClassUID, image.ReferencedSOPInstanceUID = "1.2.3", sop_uid
    image.ReferencedFrameNumber = list(range(1, frames + 1))
    series = Dataset()
    series.SeriesInstanceUID = generate_uid()
    series.ReferencedImageSequence = Sequence([image])
    ds.ReferencedSeriesSequence = Sequence([series])
    lines = []
    for i in range(graphics):
        line = Dataset()
        line.GraphicAnnotationUnits, line.GraphicType = "PIXEL", "POLYLINE"
        line.GraphicData = [0.0, float(i), 1.0, float(i)]
        lines.append(line)
    annotation = Dataset()
    annotation.GraphicLayer = "L"
    annotation.GraphicObjectSequence = Sequence(lines)
    ds.GraphicAnnotationSequence = Sequence([annotation])
    return ds


def test_a_presentation_state_naming_frames_the_image_lacks_draws_only_those_it_has() -> None:
    sop = generate_uid()
    bomb = _gsps_bomb(sop, frames=1000, graphics=200)
    started = time.perf_counter()
    single = read_object(bomb, {sop: None})  # a single-frame image
    assert time.perf_counter() - started < 1.0
    assert len(single.marks) == 200
    assert {m.frame for m in single.marks} == {0}
    assert [(n.reason, n.why) for n in single.not_shown] == [
        ("it refers to 999 frame(s) beyond the image's 1", Why.ELSEWHERE)
    ]
    three = read_object(bomb, {sop: 3})
    assert {m.frame for m in three.marks} == {0, 1, 2}
    assert len(three.marks) == 600


def test_marks_beyond_the_bound_of_one_object_are_listed_as_too_many() -> None:
    sop = generate_uid()
    started = time.perf_counter()
    obj = read_object(_gsps_bomb(sop, frames=1000, graphics=200), {sop: 1000})
    assert time.perf_counter() - started < 2.0
    assert len(obj.marks) == MAX_MARKS_PER_OBJECT
    (too_many,) = obj.not_shown
    assert too_many.why is Why.TOO_MANY
    assert too_many.what == f"{200 * 1000 - MAX_MARKS_PER_OBJECT} mark(s)"


def test_a_key_object_selection_naming_many_frames_is_bounded() -> None:
    sop = generate_uid()
    ds = Dataset()
    ds.SOPClassUID, ds.SOPInstanceUID = KOS_CLASS, generate_uid()
    items = []
    for _ in range(5):
        ref = Dataset()
        ref.ReferencedSOPClassUID, ref.ReferencedSOPInstanceUID = "1.2.3", sop
        ref.ReferencedFrameNumber = list(range(1, 5001))
        item = Dataset()
        item.ValueType, item.ReferencedSOPSequence = "IMAGE", Sequence([ref])
        items.append(item)
    ds.ContentSequence = Sequence(items)
    obj = read_object(ds, {sop: 5000})
    assert len(obj.key_images) == MAX_MARKS_PER_OBJECT
    assert obj.not_shown[-1].why is Why.TOO_MANY


def test_damaged_parts_are_listed_up_to_a_bound_and_counted_beyond() -> None:
    sop = generate_uid()
    ds = _gsps_bomb(sop, frames=1, graphics=0)
    damaged = []
    for _ in range(5000):
        line = Dataset()
        line.GraphicAnnotationUnits, line.GraphicType, line.GraphicData = "PIXEL", "POLYLINE", [1]
        damaged.append(line)
    ds.GraphicAnnotationSequence[0].GraphicObjectSequence = Sequence(damaged)
    obj = read_object(ds, {sop: 1})
    assert len(obj.not_shown) == MAX_NOTES + 1
    assert obj.not_shown[-1].what == f"{5000 - MAX_NOTES} more part(s)"


def _nested_report(sop_uid: str, depth: int) -> Dataset:
    """A report whose one length lies ``depth`` containers down."""
    image = Dataset()
    ref = Dataset()
    ref.ReferencedSOPClassUID, ref.ReferencedSOPInstanceUID = "1.2.3", sop_uid
    image.ValueType, image.ReferencedSOPSequence = "IMAGE", Sequence([ref])
    scoord = Dataset()
    scoord.ValueType, scoord.GraphicType = "SCOORD", "POLYLINE"
    scoord.GraphicData = [0.0, 0.0, 5.0, 0.0]
    scoord.ContentSequence = Sequence([image])
    item = scoord
    for _ in range(depth):
        container = Dataset()
        container.ValueType = "CONTAINER"
        container.ContentSequence = Sequence([item])
        item = container
    ds = Dataset()
    ds.SOPClassUID, ds.SOPInstanceUID = "1.2.840.10008.5.1.4.1.1.88.33", generate_uid()
    ds.ValueType = "CONTAINER"
    ds.ContentSequence = Sequence([item])
    return ds


def test_content_nested_deeper_than_the_bound_is_not_read() -> None:
    sop = generate_uid()
    shallow = read_object(_nested_report(sop, 3), {sop: 1})
    assert len(shallow.marks) == 1
    deep = read_object(_nested_report(sop, MAX_DEPTH + 5), {sop: 1})
    assert deep.marks == ()
    assert [(n.reason, n.why) for n in deep.not_shown] == [("nested too deeply", Why.DAMAGED)]


def test_a_study_draws_at_most_its_bound_of_marks_hers_first() -> None:
    from dataclasses import replace

    from workstation.annotations.service import MAX_MARKS_PER_STUDY, _within_study_bound

    sop = generate_uid()
    full = read_object(_gsps_bomb(sop, frames=1000, graphics=200), {sop: 1000})
    others = [replace(full, sop_instance_uid=generate_uid()) for _ in range(12)]
    hers = replace(full, sop_instance_uid=generate_uid())
    bounded = _within_study_bound([*others, hers], own={hers.sop_instance_uid})
    assert sum(len(o.marks) for o in bounded) == MAX_MARKS_PER_STUDY
    assert len(bounded[-1].marks) == MAX_MARKS_PER_OBJECT  # hers are drawn whole
    assert bounded[-2].marks == ()
    assert bounded[-2].not_shown[-1].why is Why.TOO_MANY


def test_the_frames_a_presentation_state_names_are_read_once_not_per_annotation() -> None:
    sop = generate_uid()
    ds = _gsps_bomb(sop, frames=20000, graphics=1)
    item = ds.GraphicAnnotationSequence[0]
    ds.GraphicAnnotationSequence = Sequence([item] * 1000)  # none names its own images
    started = time.perf_counter()
    obj = read_object(ds, {sop: 1})
    assert time.perf_counter() - started < 2.0
    assert len(obj.marks) == MAX_MARKS_PER_OBJECT
