"""Which saved objects are hers: only those she saved from her outbox here (their SOP
Instance UIDs, kept after sending), never those that merely name her login as their author,
which anyone storing into the study can write."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydicom.uid import generate_uid

from workstation.annotations.model import ObjectKind, SavedMark, SavedObject
from workstation.annotations.outbox import AnnotationOutbox, OutgoingObject
from workstation.imaging.marks import MarkKind
from workstation.session.annotations import StudyAnnotations

NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)
STUDY = generate_uid()
IMAGE = generate_uid()


def _object(kind: ObjectKind, login: str, created: str, **kwargs: object) -> SavedObject:
    return SavedObject(
        kind=kind,
        sop_instance_uid=generate_uid(),
        series_instance_uid=generate_uid(),
        study_instance_uid=STUDY,
        author="李静",
        author_login=login,
        created=created,
        **kwargs,  # type: ignore[arg-type]
    )


def test_an_object_naming_her_is_not_hers_unless_she_saved_it_here() -> None:
    line = SavedMark(IMAGE, 0, MarkKind.LENGTH, ((0.0, 0.0), (5.0, 0.0)))
    hers = _object(ObjectKind.REPORT, "dr.li", "20261201090000", marks=(line,))
    her_keys = _object(ObjectKind.KEY_IMAGES, "dr.li", "20261201090000", key_images=((IMAGE, 0),))
    # dr.wang's, written with dr.li's login, newer than hers
    forged = _object(ObjectKind.REPORT, "dr.li", "20261201100000", marks=(line, line))
    forged_keys = _object(
        ObjectKind.KEY_IMAGES, "dr.li", "20261201100000", key_images=((IMAGE, 3),)
    )
    forged_gsps = _object(ObjectKind.PRESENTATION, "dr.li", "20261201100000", window=(1.0, 2.0))
    model = StudyAnnotations("dr.li")
    objects = [hers, her_keys, forged, forged_keys, forged_gsps]
    editable = model.set_objects(
        STUDY, objects, own_uids={hers.sop_instance_uid, her_keys.sop_instance_uid}
    )
    assert editable is not None
    assert editable.obj is hers  # not the newer forged one
    listed = {o.obj.sop_instance_uid: o for o in model.objects}
    for obj in (forged, forged_keys, forged_gsps):
        assert not listed[obj.sop_instance_uid].mine
        assert not listed[obj.sop_instance_uid].editable
        assert listed[obj.sop_instance_uid].claims_mine
    assert listed[forged.sop_instance_uid].visible  # shown, read-only
    assert not listed[forged_gsps.sop_instance_uid].visible  # saved with the forged report
    assert listed[hers.sop_instance_uid].mine
    assert not listed[hers.sop_instance_uid].claims_mine
    # the forged selection's images do not join her key images (nor her printed summary)
    assert model.own_key_images() == [(IMAGE, 0)]
    # the forged report's marks are drawn read-only, hers come from her mark store
    assert model.marks_on(IMAGE, 0) == [line, line]


def test_on_a_workstation_where_she_saved_nothing_nothing_is_hers() -> None:
    model = StudyAnnotations("dr.li")
    report = _object(ObjectKind.REPORT, "dr.li", "20261201090000")
    assert model.set_objects(STUDY, [report]) is None
    (listed,) = model.objects
    assert (listed.mine, listed.editable, listed.claims_mine) == (False, False, True)
    other = StudyAnnotations("dr.wang")
    other.set_objects(STUDY, [report])
    assert not other.objects[0].claims_mine  # it names someone else: nothing to note


def test_the_outbox_remembers_what_she_sent_after_the_bytes_are_gone(tmp_path: Path) -> None:
    outbox = AnnotationOutbox(tmp_path / "dr.li")
    uids = [generate_uid() for _ in range(4)]
    for uid in uids[:3]:
        outbox.put(OutgoingObject(uid, STUDY, "r1", "https://x/dicomweb", "SR", b"data"), NOW)
    outbox.put(OutgoingObject(uids[3], generate_uid(), "r2", "https://x", "SR", b"d"), NOW)
    outbox.mark_sent(uids[0])
    outbox.mark_rejected(uids[1], "0x0111")  # the platform may hold another object there
    found = outbox.find(uids[0])
    assert found is not None
    assert found.data == b""
    reopened = AnnotationOutbox(tmp_path / "dr.li")
    assert reopened.own_uids(STUDY) == {uids[0], uids[2]}
