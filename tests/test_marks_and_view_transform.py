"""Marks kept per slice with undo, and the rotate/flip map between image and view."""

from __future__ import annotations

import itertools

import pytest

from workstation.imaging.marks import MarkKind, MarkStore
from workstation.imaging.view_transform import ViewTransform, box_to_image

pytestmark = pytest.mark.unit

A, B = ("1.2.3", 0), ("1.2.4", 0)


def test_marks_belong_to_their_slice() -> None:
    store = MarkStore()
    line = store.add(A, MarkKind.LENGTH, ((0, 0), (10, 0)))
    store.add(B, MarkKind.ARROW, ((5, 5), (20, 20)), "nodule")
    assert store.marks(A) == (line,)
    assert [m.text for m in store.marks(B)] == ["nodule"]
    assert store.marks(("other", 0)) == ()
    assert set(store.all_marks()) == {A, B}


def test_undo_reverts_add_move_remove_and_clear_in_order() -> None:
    store = MarkStore()
    first = store.add(A, MarkKind.ELLIPSE, ((0, 0), (4, 4)))
    second = store.add(A, MarkKind.RECTANGLE, ((1, 1), (2, 2)))
    store.move(A, first.ident, ((10, 10), (14, 14)))
    store.remove(A, second.ident)
    store.clear(A)
    assert store.marks(A) == ()
    assert store.undo() == A  # clear
    assert [m.points for m in store.marks(A)] == [((10, 10), (14, 14))]
    store.undo()  # remove
    assert {m.ident for m in store.marks(A)} == {first.ident, second.ident}
    store.undo()  # move
    assert store.marks(A)[0].points == ((0, 0), (4, 4))
    store.undo()
    store.undo()
    assert store.marks(A) == ()
    assert not store.can_undo()
    assert store.undo() is None


def test_noop_moves_and_unknown_marks_leave_no_history() -> None:
    store = MarkStore()
    mark = store.add(A, MarkKind.LENGTH, ((0, 0), (1, 1)))
    store.move(A, mark.ident, ((0, 0), (1, 1)))
    store.move(A, 999, ((5, 5), (6, 6)))
    store.remove(B, mark.ident)
    store.undo()
    assert not store.can_undo()


CORNERS = [(0.0, 0.0), (40.0, 0.0), (0.0, 30.0), (40.0, 30.0)]


@pytest.mark.parametrize(("turns", "flipped"), list(itertools.product(range(4), (False, True))))
def test_transform_maps_the_image_onto_its_view_and_back(turns: int, flipped: bool) -> None:
    transform = ViewTransform(40.0, 30.0, turns, flipped)
    width, height = transform.view_size
    mapped = {transform.to_view(*c) for c in CORNERS}
    assert mapped == {(0.0, 0.0), (width, 0.0), (0.0, height), (width, height)}
    for x, y in [(3.0, 7.0), (39.0, 1.0)]:
        assert transform.to_image(*transform.to_view(x, y)) == pytest.approx((x, y))


def test_clockwise_turn_puts_the_top_left_corner_top_right() -> None:
    turned = ViewTransform(40.0, 30.0).rotated_clockwise()
    assert turned.view_size == (30.0, 40.0)
    assert turned.to_view(0.0, 0.0) == (30.0, 0.0)
    # what was the image's left edge (column direction down) now runs right to left
    assert turned.image_direction(1, 0) == pytest.approx((0.0, -1.0))
    assert turned.image_direction(0, 1) == pytest.approx((1.0, 0.0))


def test_screen_flips_mirror_what_is_on_screen_whatever_the_turn() -> None:
    for turns in range(4):
        base = ViewTransform(40.0, 30.0, turns)
        width, height = base.view_size
        point = (5.0, 8.0)
        vx, vy = base.to_view(*point)
        assert base.flipped_horizontally().to_view(*point) == pytest.approx((width - vx, vy))
        assert base.flipped_vertically().to_view(*point) == pytest.approx((vx, height - vy))
        assert base.flipped_horizontally().flipped_horizontally() == base
        assert base.rotated_clockwise().rotated_counterclockwise() == base
    assert ViewTransform(40.0, 30.0, 3, True).reset() == ViewTransform(40.0, 30.0)


def test_boxes_map_back_to_image_boxes() -> None:
    turned = ViewTransform(40.0, 30.0, 1)
    # the image box x 0..10, y 0..5 shows at view x 25..30, y 0..10
    assert box_to_image(turned, 25.0, 0.0, 5.0, 10.0) == pytest.approx((0.0, 0.0, 10.0, 5.0))


def test_boxes_are_kept_as_top_left_and_bottom_right_corners() -> None:
    store = MarkStore()
    box = store.add(A, MarkKind.RECTANGLE, ((10, 8), (2, 3)))  # drawn from bottom right
    assert box.points == ((2, 3), (10, 8))
    store.move(A, box.ident, ((20, 1), (12, 9)))
    assert store.marks(A)[0].points == ((12, 1), (20, 9))
    line = store.add(A, MarkKind.LENGTH, ((10, 8), (2, 3)))
    assert line.points == ((10, 8), (2, 3))  # a line keeps its direction
