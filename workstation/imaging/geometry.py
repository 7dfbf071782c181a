"""Slice geometry: sorting a series by position along its normal, splitting orientations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import numpy as np

from workstation.imaging.decode import DicomImage

T = TypeVar("T", bound=DicomImage)


def normal(orientation: Sequence[float]) -> tuple[float, float, float]:
    """The slice normal: row direction × column direction (ImageOrientationPatient)."""
    row, col = np.asarray(orientation[:3], float), np.asarray(orientation[3:6], float)
    n = np.cross(row, col)
    length = float(np.linalg.norm(n))
    if length == 0:
        raise ValueError("degenerate image orientation")
    return (float(n[0] / length), float(n[1] / length), float(n[2] / length))


def orientation_letter(direction: Sequence[float]) -> str:
    """Patient-axis letters for a direction in LPS space, strongest first (up to two):
    +x = L, −x = R, +y = P, −y = A, +z = H, −z = F. Oblique directions get two letters."""
    letters = []
    for axis in sorted(range(3), key=lambda a: -abs(direction[a])):
        value = direction[axis]
        if abs(value) < 0.25:
            continue
        letters.append(("L", "P", "H")[axis] if value > 0 else ("R", "A", "F")[axis])
    return "".join(letters[:2])


def slice_position(image: DicomImage) -> float | None:
    """Distance of the image plane along its normal (mm), or None without geometry."""
    if image.position is None or image.orientation is None:
        return None
    return float(np.dot(normal(image.orientation), image.position))


def display_key(image: DicomImage) -> float | None:
    """Sort key for showing a stack: axial stacks run head to feet (as radiologists read
    them), other planes by position along the normal. None without geometry."""
    if image.position is None or image.orientation is None:
        return None
    n = normal(image.orientation)
    position = float(np.dot(n, image.position))
    return -position if n[2] > 0.5 else position


def orientation_key(image: DicomImage) -> tuple[float, ...]:
    """Rounded orientation, to group images of one plane."""
    return tuple(round(v, 3) for v in image.orientation) if image.orientation else ()


def sort_slices(images: Sequence[T]) -> list[T]:
    """Order images by position along the normal (feet→head for axial), falling back to
    InstanceNumber for images without geometry. File order never matters."""
    with_geometry = [(slice_position(i), i) for i in images]
    if all(p is not None for p, _ in with_geometry):
        return [i for _, i in sorted(with_geometry, key=lambda pi: (pi[0], pi[1].instance_number))]
    return sorted(images, key=lambda i: i.instance_number)


def split_by_orientation(images: Sequence[T]) -> list[list[T]]:
    """Groups of images sharing one orientation (a mixed localizer series splits)."""
    groups: dict[tuple[float, ...], list[T]] = {}
    for image in images:
        groups.setdefault(orientation_key(image), []).append(image)
    return [sort_slices(g) for g in groups.values()]
