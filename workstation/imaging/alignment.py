"""Which slice of one stack shows the anatomy another stack shows, without Qt.

Two scans share coordinates only when they share a Frame of Reference (in practice: the
same acquisition). A prior from another hospital never does, so its slice positions say
nothing about the current scan's: the best first guess is the same relative place within
each scan's extent (both chest CTs cover roughly lung apex to adrenals), corrected by the
body part when the two scans cover different regions. The doctor refines it by eye.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

Vector = tuple[float, float, float]


class Basis(Enum):
    """Why two cells are thought to show the same anatomy."""

    FRAME_OF_REFERENCE = "frame of reference"  # shared coordinates: same position, same place
    EXTENT = "extent"  # same relative place within each scan's extent
    BODY_PART = "body part"  # placed through each scan's body part on a standard body
    USER = "user"  # she aligned them by eye


@dataclass(frozen=True)
class StackExtent:
    """Where a stack of parallel slices lies: ``low``/``high`` its lowest and highest slice
    position (mm along ``normal``, the unit slice normal), its Frame of Reference UID and
    Body Part Examined ("" when the file does not say)."""

    low: float
    high: float
    normal: Vector
    frame_of_reference: str = ""
    body_part: str = ""


def stack_extent(
    positions: Sequence[float | None],
    normal: Vector,
    frame_of_reference: str = "",
    body_part: str = "",
) -> StackExtent | None:
    """The extent of a stack from its slice positions (mm; slices without one are left
    out); None when no slice has a position."""
    known = [p for p in positions if p is not None]
    if not known:
        return None
    return StackExtent(
        min(known), max(known), normal, frame_of_reference.strip(), body_part.strip().upper()
    )


def _dot(a: Vector, b: Vector) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def parallel(a: StackExtent, b: StackExtent) -> bool:
    """True when the two stacks' slices are (nearly) parallel: only then does a position in
    one name a slice in the other (an axial and a sagittal stack never sync)."""
    return abs(_dot(a.normal, b.normal)) >= 0.9


def shares_frame(a: StackExtent, b: StackExtent) -> bool:
    """True when both stacks declare the same Frame of Reference."""
    return bool(a.frame_of_reference) and a.frame_of_reference == b.frame_of_reference


# Where each body part lies on a standard adult, mm down from the vertex (top, bottom):
# rough on purpose, only to place two scans of different regions against each other.
BODY_ATLAS: dict[str, tuple[float, float]] = {
    "HEAD": (0.0, 230.0),
    "BRAIN": (0.0, 190.0),
    "SKULL": (0.0, 230.0),
    "HEADNECK": (0.0, 330.0),
    "NECK": (190.0, 330.0),
    "CHEST": (290.0, 600.0),
    "THORAX": (290.0, 600.0),
    "LUNG": (290.0, 580.0),
    "HEART": (400.0, 560.0),
    "CHESTABDOMEN": (290.0, 850.0),
    "ABDOMEN": (520.0, 850.0),
    "ABDOMENPELVIS": (520.0, 1000.0),
    "CHESTABDPELVIS": (290.0, 1000.0),
    "PELVIS": (800.0, 1000.0),
}


def _axial(extent: StackExtent) -> bool:
    return abs(extent.normal[2]) > 0.8


def _fraction(extent: StackExtent, position: float) -> float:
    """Where ``position`` lies within the extent, 0 at ``low`` and 1 at ``high``, clamped."""
    span = extent.high - extent.low
    if span <= 0:
        return 0.5
    return min(max((position - extent.low) / span, 0.0), 1.0)


def _at_fraction(extent: StackExtent, fraction: float) -> float:
    return extent.low + fraction * (extent.high - extent.low)


def _from_head(extent: StackExtent, fraction: float) -> float:
    """A fraction from ``low`` turned into one from the cranial end (patient +z is up)."""
    return 1.0 - fraction if extent.normal[2] > 0 else fraction


def corresponding_position(
    source: StackExtent, position: float, target: StackExtent
) -> tuple[float, Basis] | None:
    """The position (mm along the target's normal) in ``target`` that shows the anatomy at
    ``position`` in ``source``, and why. None when the stacks are not parallel, or when
    their body parts do not overlap (a head scan has no slice matching the abdomen)."""
    if not parallel(source, target):
        return None
    if shares_frame(source, target):
        return position, Basis.FRAME_OF_REFERENCE
    fraction = _fraction(source, position)
    same_way = _dot(source.normal, target.normal) > 0
    regions = BODY_ATLAS.get(source.body_part), BODY_ATLAS.get(target.body_part)
    src_region, tgt_region = regions
    if (
        src_region is not None
        and tgt_region is not None
        and src_region != tgt_region
        and _axial(source)
        and _axial(target)
    ):
        if src_region[1] <= tgt_region[0] or tgt_region[1] <= src_region[0]:
            return None
        depth = src_region[0] + _from_head(source, fraction) * (src_region[1] - src_region[0])
        from_head = (depth - tgt_region[0]) / (tgt_region[1] - tgt_region[0])
        from_head = min(max(from_head, 0.0), 1.0)
        return _at_fraction(target, _from_head(target, from_head)), Basis.BODY_PART
    if not same_way:
        fraction = 1.0 - fraction
    return _at_fraction(target, fraction), Basis.EXTENT
