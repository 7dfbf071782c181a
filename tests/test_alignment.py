"""Where a prior opens beside the current study, and when their scrolling is tied
(workstation.imaging.alignment, workstation.session.slice_sync): no Qt."""

from __future__ import annotations

import pytest

from workstation.imaging.alignment import (
    Basis,
    StackExtent,
    corresponding_position,
    stack_extent,
)
from workstation.session.slice_sync import SliceSync

UP = (0.0, 0.0, 1.0)  # axial, normal towards the head
pytestmark = pytest.mark.unit


def _chest(low: float, high: float, frame: str, body: str = "CHEST") -> StackExtent:
    return StackExtent(low, high, UP, frame, body)


def test_an_extent_ignores_slices_without_a_position() -> None:
    extent = stack_extent([None, -20.0, 5.0, None, -7.5], UP, " 1.2.3 ", "chest ")
    assert extent == StackExtent(-20.0, 5.0, UP, "1.2.3", "CHEST")
    assert stack_extent([None], UP) is None


def test_a_shared_frame_of_reference_means_the_same_position() -> None:
    found = corresponding_position(_chest(-400, -100, "A"), -253.0, _chest(-300, 0, "A"))
    assert found == (-253.0, Basis.FRAME_OF_REFERENCE)


def test_another_hospital_matches_by_the_place_within_each_scan() -> None:
    current = _chest(-387.5, -112.5, "A")  # 275 mm of chest
    prior = _chest(-250.0 - 162.0, -250.0 + 162.0, "B")  # 324 mm, other coordinates
    position, basis = corresponding_position(current, -250.0, prior) or (0.0, Basis.USER)
    assert basis is Basis.EXTENT
    assert position == pytest.approx(-250.0)  # the middle of one is the middle of the other
    top, _ = corresponding_position(current, -112.5, prior) or (0.0, Basis.USER)
    assert top == pytest.approx(-250.0 + 162.0)  # apex to apex
    # a third of the way up the current is a third of the way up the prior
    third, _ = corresponding_position(current, -387.5 + 275 / 3, prior) or (0.0, Basis.USER)
    assert third == pytest.approx(-412.0 + 324 / 3)


def test_a_stack_whose_normal_points_the_other_way_is_read_from_the_other_end() -> None:
    current = _chest(0.0, 100.0, "A")
    feet_first = StackExtent(-300.0, -200.0, (0.0, 0.0, -1.0), "B", "CHEST")
    position, _ = corresponding_position(current, 100.0, feet_first) or (0.0, Basis.USER)
    assert position == pytest.approx(-300.0)  # the head end: lowest along a downward normal


def test_body_parts_place_a_chest_within_a_chest_and_abdomen_scan() -> None:
    chest = _chest(0.0, 310.0, "A", "CHEST")  # atlas 290–600 mm below the vertex
    trunk = _chest(1000.0, 1560.0, "B", "CHESTABDOMEN")  # atlas 290–850
    position, basis = corresponding_position(chest, 0.0, trunk) or (0.0, Basis.USER)
    assert basis is Basis.BODY_PART
    # the chest's lowest slice (600 mm) is 310 mm below the trunk scan's top
    assert position == pytest.approx(1560.0 - 310.0)
    head = _chest(0.0, 230.0, "C", "HEAD")
    assert corresponding_position(head, 100.0, _chest(0, 300, "D", "ABDOMEN")) is None


def test_an_axial_and_a_sagittal_stack_never_correspond() -> None:
    sagittal = StackExtent(-80.0, 80.0, (1.0, 0.0, 0.0), "A", "CHEST")
    assert corresponding_position(_chest(0, 100, "A"), 50.0, sagittal) is None


def test_a_prior_opens_at_the_corresponding_slice_untied_until_she_confirms() -> None:
    sync = SliceSync()
    events: list[None] = []
    sync.changed.connect(lambda: events.append(None))
    sync.set_reference(_chest(-387.5, -112.5, "A"))
    wanted = sync.register(1, _chest(-412.0, -88.0, "B"), -253.0)
    assert wanted == pytest.approx(-412.0 + (-253.0 + 387.5) / 275 * 324)
    assert not sync.enabled  # other coordinates: she confirms first
    assert sync.basis(1) is Basis.EXTENT
    assert sync.offset(1) == pytest.approx(wanted - -253.0)  # type: ignore[operator]
    assert sync.follow(0, -243.0, 1) is None  # untied: the prior stays
    sync.tie({0: -253.0, 1: -90.0})  # she scrolled the prior to match, then ticked
    assert sync.enabled
    assert sync.basis(1) is Basis.USER
    assert sync.offset(1) == pytest.approx(163.0)
    assert sync.follow(0, -243.0, 1) == pytest.approx(-80.0)  # 10 mm up, 10 mm up
    assert sync.follow(1, -80.0, 0) == pytest.approx(-243.0)
    sync.nudge(1, 1.5)  # the prior alone one slice on
    assert sync.offset(1) == pytest.approx(164.5)
    sync.nudge(0, 2.0)  # the current alone: the others' offsets shrink by as much
    assert sync.offset(1) == pytest.approx(162.5)
    assert sync.offset(0) == 0.0
    sync.untie()
    assert sync.follow(0, 0.0, 1) is None
    assert events


def test_a_shared_frame_of_reference_ties_scrolling_at_once() -> None:
    sync = SliceSync()
    sync.set_reference(_chest(-300, 0, "A"))
    assert sync.register(2, _chest(-280, -20, "A"), -150.0) == -150.0
    assert sync.enabled
    assert sync.offset(2) == 0.0
    assert sync.follow(0, -100.0, 2) == -100.0
    assert sync.follow(0, -100.0, 3) is None  # a cell never registered


def test_a_new_reference_stack_drops_the_old_registrations() -> None:
    sync = SliceSync()
    sync.set_reference(_chest(-300, 0, "A"))
    sync.register(1, _chest(0, 300, "B"), -150.0)
    sync.set_reference(_chest(-200, 0, "C"))
    assert sync.offset(1) is None
    sync.remove(0)
    assert sync.offset(0) is None
    assert sync.register(1, _chest(0, 300, "B"), -150.0) is None  # no reference yet
    sync.clear()
    assert sync.enabled
    assert sync.extent(1) is None


def test_zoom_like_matches_physical_scale_and_relative_centre() -> None:
    from workstation.imaging.sync import zoom_like

    # the source shows 100 mm over 500 screen pixels, centred at 25 % / 50 % of a 200×100 mm image
    (x0, x1), (y0, y1) = zoom_like(
        ((0.0, 100.0), (0.0, 100.0)), (200.0, 100.0), (500, 500), (400.0, 300.0), (250, 500)
    )
    assert (x1 - x0, y1 - y0) == pytest.approx((50.0, 100.0))  # 0.2 mm per pixel on both
    assert ((x0 + x1) / 2, (y0 + y1) / 2) == pytest.approx((100.0, 150.0))
