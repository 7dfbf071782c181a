"""Slice geometry: position along the normal, display order, plane names and groups."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import numpy as np

from workstation.imaging.decode import DicomImage
from workstation.imaging.frames import frame_orientation, frame_position

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


def _along_normal(
    orientation: Sequence[float] | None, position: Sequence[float] | None
) -> float | None:
    if position is None or orientation is None:
        return None
    return float(np.dot(normal(orientation), position))


def slice_position(image: DicomImage) -> float | None:
    """Distance of the image plane along its normal (mm), or None without geometry."""
    return _along_normal(image.orientation, image.position)


def frame_slice_position(image: DicomImage, frame: int) -> float | None:
    """``slice_position`` of one frame, from that frame's own position (mm). Raises
    IndexError for a frame outside 0 … frames − 1."""
    return _along_normal(frame_orientation(image, frame), frame_position(image, frame))


def plane_name(orientation: Sequence[float]) -> str:
    """ "axial", "coronal" or "sagittal" when the slice normal lies within about 37° of a
    patient axis (|component| > 0.8), else "oblique". Raises ValueError for a degenerate
    orientation."""
    n = normal(orientation)
    axis = max(range(3), key=lambda a: abs(n[a]))
    if abs(n[axis]) <= 0.8:
        return "oblique"
    return ("sagittal", "coronal", "axial")[axis]


def _display_key(
    orientation: Sequence[float] | None, position: Sequence[float] | None
) -> float | None:
    along = _along_normal(orientation, position)
    if along is None or orientation is None:
        return None
    return -along if normal(orientation)[2] > 0.5 else along


def display_key(image: DicomImage) -> float | None:
    """Sort key for showing a stack: axial stacks run head to feet (as radiologists read
    them), other planes by position along the normal. None without geometry."""
    return _display_key(image.orientation, image.position)


def frame_display_key(image: DicomImage, frame: int) -> float | None:
    """``display_key`` of one frame, from that frame's own position (mm along the normal,
    negated for axial so head comes first). None without geometry. Raises IndexError for
    a frame outside 0 … frames − 1."""
    return _display_key(frame_orientation(image, frame), frame_position(image, frame))


def orientation_key(image: DicomImage, frame: int = 0) -> tuple[float, ...]:
    """Rounded orientation of one frame, to group images of one plane. Raises IndexError
    for a frame outside 0 … frames − 1."""
    orientation = frame_orientation(image, frame)
    return tuple(round(v, 3) for v in orientation) if orientation else ()


def sort_slices(images: Sequence[T]) -> list[T]:
    """Order images by position along the normal (feet→head for axial), falling back to
    InstanceNumber for images without geometry. File order never matters."""
    with_geometry = [(slice_position(i), i) for i in images]
    if all(p is not None for p, _ in with_geometry):
        return [i for _, i in sorted(with_geometry, key=lambda pi: (pi[0], pi[1].instance_number))]
    return sorted(images, key=lambda i: i.instance_number)
