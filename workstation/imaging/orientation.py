"""Patient Orientation (0020,0020) of projection images, as direction vectors."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

_LETTER_DIRECTIONS = {
    "L": (1.0, 0.0, 0.0),
    "R": (-1.0, 0.0, 0.0),
    "P": (0.0, 1.0, 0.0),
    "A": (0.0, -1.0, 0.0),
    "H": (0.0, 0.0, 1.0),
    "F": (0.0, 0.0, -1.0),
}


def patient_orientation_directions(
    values: Sequence[str],
) -> tuple[float, float, float, float, float, float] | None:
    """Patient Orientation (0020,0020) of a projection image — the patient directions of
    the rows (towards higher columns) and of the columns (towards higher rows), e.g.
    ``["L", "F"]`` — as the two unit vectors ImageOrientationPatient would hold, so that
    orientation letters can be drawn (and turned with the image) the same way as for
    CT/MR. None when the values are missing or not made of the letters L R A P H F."""
    if len(values) != 2:
        return None
    vectors: list[float] = []
    for text in values:
        letters = str(text).strip().upper()
        if not letters or any(c not in _LETTER_DIRECTIONS for c in letters):
            return None
        total = np.sum([_LETTER_DIRECTIONS[c] for c in letters], axis=0)
        length = float(np.linalg.norm(total))
        if length == 0:
            return None
        vectors.extend(float(v) / length for v in total)
    row, col = vectors[:3], vectors[3:]
    if abs(float(np.dot(row, col))) > 0.99:
        return None  # both along one axis: no plane
    return (vectors[0], vectors[1], vectors[2], vectors[3], vectors[4], vectors[5])
