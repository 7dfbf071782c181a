"""The stack of a series while it arrives (workstation.session.series_stack): a place for
every slice from the start, placed by instance number until its pixels say where it is."""

from __future__ import annotations

import random

import numpy as np

from workstation.imaging.decode import DicomImage
from workstation.session.series_stack import SeriesStack, Slice, Waiting, estimate_keys

Orientation = tuple[float, float, float, float, float, float]
AXIAL: Orientation = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)
CORONAL: Orientation = (1.0, 0.0, 0.0, 0.0, 0.0, -1.0)


def _slice(number: int, z: float, orientation: Orientation = AXIAL) -> DicomImage:
    return DicomImage(
        pixels=np.zeros((1, 4, 4), dtype=np.uint16),
        photometric="MONOCHROME2",
        modality="CT",
        sop_instance_uid=f"1.{number}",
        series_instance_uid="1",
        study_instance_uid="1",
        instance_number=number,
        orientation=orientation,
        position=(0.0, 0.0, z) if orientation == AXIAL else (0.0, z, 0.0),
    )


def _uids(stack: list[Slice | Waiting]) -> list[str]:
    return [e.image.sop_instance_uid if isinstance(e, Slice) else e.sop_instance_uid for e in stack]


def test_keys_are_guessed_between_and_beyond_the_arrived_numbers() -> None:
    assert estimate_keys([], [3, 1]) == [3.0, 1.0]
    assert estimate_keys([(5, 10.0)], [4, 7]) == [9.0, 12.0]
    # keys falling with the number: interpolated inside, continued with the slope outside
    assert estimate_keys([(1, 0.0), (5, -8.0)], [3, 7, 0]) == [-4.0, -12.0, 2.0]
    # two slices at one place at the end: the overall direction goes on
    assert estimate_keys([(1, 0.0), (4, 6.0), (5, 6.0)], [6]) == [9.0]


def test_every_slice_has_its_place_before_it_arrives() -> None:
    stack = SeriesStack()
    changes: list[None] = []
    stack.changed.connect(lambda: changes.append(None))
    stack.expect((f"1.{n}", n) for n in (3, 1, 2, 4))
    assert _uids(stack.stack(None)) == ["1.1", "1.2", "1.3", "1.4"]
    assert all(isinstance(e, Waiting) for e in stack.stack(None))
    assert stack.waiting == 4
    assert len(changes) == 1


def test_arrived_slices_take_their_place_by_geometry() -> None:
    # head first on screen; this scanner numbers from the feet: the order turns round
    stack = SeriesStack()
    stack.expect((f"1.{n}", n) for n in range(1, 6))
    plane = stack.add(_slice(1, z=0.0))
    stack.add(_slice(5, z=20.0))
    entries = stack.stack(plane)
    assert _uids(entries) == ["1.5", "1.4", "1.3", "1.2", "1.1"]
    assert [isinstance(e, Slice) for e in entries] == [True, False, False, False, True]
    assert not stack.is_waiting("1.5")
    assert stack.is_waiting("1.3")
    assert stack.finish() == 3
    assert _uids(stack.stack(plane)) == ["1.5", "1.1"]


def test_the_waiting_places_belong_to_the_main_plane() -> None:
    stack = SeriesStack()
    stack.expect((f"1.{n}", n) for n in range(1, 5))
    localizer = stack.add(_slice(1, 0.0, orientation=CORONAL))
    assert len(stack.stack(localizer)) == 4  # the only plane so far
    axial = stack.add(_slice(2, 0.0))
    stack.add(_slice(3, -5.0))
    assert stack.main_plane() == axial
    assert _uids(stack.stack(localizer)) == ["1.1"]
    assert _uids(stack.stack(axial)) == ["1.2", "1.3", "1.4"]


def test_slices_arriving_in_any_order_keep_the_stack_in_geometric_order() -> None:
    rng = random.Random(18)
    numbers = list(range(1, 41))
    # positions mostly falling with the number, two slices out of step (a re-scanned pair)
    z = {n: -2.0 * n for n in numbers} | {7: -30.0, 30: -13.0}
    stack = SeriesStack()
    stack.expect((f"1.{n}", n) for n in numbers)
    order = numbers[:]
    rng.shuffle(order)
    for count, n in enumerate(order, start=1):
        plane = stack.add(_slice(n, z[n]))
        entries = stack.stack(plane)
        assert len(entries) == len(numbers)
        keys = [e.key for e in entries if isinstance(e, Slice)]
        assert keys == sorted(keys)
        assert len(keys) == count
    final = stack.stack(plane)
    assert [e.key for e in final] == sorted(-z[n] for n in numbers)  # head first
