"""Synchronized scrolling of a reading grid's cells, without Qt: each cell's stack, the
offset that registers it to the reference cell (the current study, cell 0) and why, and
whether scrolling is tied at all.

Scrolling is tied only when the doctor says the cells are aligned, or when they really
share a Frame of Reference: a prior from another hospital opens at the corresponding slice
(see workstation.imaging.alignment) but stays untied until she confirms or corrects it.
The grid widget draws from this model and keeps none of it.
"""

from __future__ import annotations

from collections.abc import Mapping

from workstation.imaging.alignment import (
    Basis,
    StackExtent,
    corresponding_position,
    parallel,
)
from workstation.session.events import Event

REFERENCE = 0  # the cell of the current study; offsets are relative to it


class SliceSync:
    """Offsets in mm: a cell at position p shows the anatomy the reference shows at
    ``p − offset(cell)``. ``changed()`` is emitted whenever the tie, an offset or a stack
    changes."""

    def __init__(self) -> None:
        self.changed: Event[[]] = Event()
        self._enabled = True
        self._extents: dict[int, StackExtent] = {}
        self._offsets: dict[int, float] = {}
        self._bases: dict[int, Basis] = {}

    @property
    def enabled(self) -> bool:
        """True when scrolling one cell scrolls the others."""
        return self._enabled

    def extent(self, cell: int) -> StackExtent | None:
        """The stack a cell shows (None: empty or without positions)."""
        return self._extents.get(cell)

    def offset(self, cell: int) -> float | None:
        """The cell's registration offset to the reference cell, mm (0 for the reference);
        None when the cell is not registered."""
        if cell == REFERENCE:
            return 0.0 if cell in self._extents else None
        return self._offsets.get(cell)

    def basis(self, cell: int) -> Basis | None:
        """Why the cell's offset is what it is; None when not registered."""
        return self._bases.get(cell)

    def clear(self) -> None:
        """No stacks (a new study): scrolling tied again by default."""
        self._extents, self._offsets, self._bases = {}, {}, {}
        self._enabled = True
        self.changed.emit()

    def remove(self, cell: int) -> None:
        """The cell is emptied (or shows something without positions)."""
        self._extents.pop(cell, None)
        self._offsets.pop(cell, None)
        self._bases.pop(cell, None)
        if cell == REFERENCE:
            self._offsets, self._bases = {}, {}
        self.changed.emit()

    def set_reference(self, extent: StackExtent) -> None:
        """The reference cell's stack arrived (or was replaced): every registration made
        against the previous stack is dropped (the grid registers the cells again)."""
        self._extents[REFERENCE] = extent
        self._offsets = {}
        self._bases = {REFERENCE: Basis.FRAME_OF_REFERENCE}
        self.changed.emit()

    def register(
        self, cell: int, extent: StackExtent, reference_position: float | None
    ) -> float | None:
        """A stack arrived in ``cell`` (not the reference) while the reference shows
        ``reference_position``: returns the position the cell should open at (None: no
        corresponding slice, the cell stays where it is and is not registered). Unless the
        two share a Frame of Reference, scrolling is untied until she confirms."""
        self._extents[cell] = extent
        self._offsets.pop(cell, None)
        self._bases.pop(cell, None)
        reference = self._extents.get(REFERENCE)
        found = None
        if reference is not None and reference_position is not None:
            found = corresponding_position(reference, reference_position, extent)
        if found is None or reference_position is None:
            self.changed.emit()
            return None
        position, basis = found
        self._offsets[cell] = position - reference_position
        self._bases[cell] = basis
        if basis is not Basis.FRAME_OF_REFERENCE:
            self._enabled = False
        self.changed.emit()
        return position

    def tie(self, positions: Mapping[int, float]) -> None:
        """She says the cells are aligned as they are now (``positions``: cell → mm on
        screen): scrolling is tied, keeping these offsets."""
        start, reference = positions.get(REFERENCE), self._extents.get(REFERENCE)
        if start is not None and reference is not None:
            for cell, position in positions.items():
                extent = self._extents.get(cell)
                if cell == REFERENCE or extent is None or not parallel(reference, extent):
                    continue
                offset = position - start
                previous = self._offsets.get(cell)
                if previous is None or abs(offset - previous) > 0.01:
                    self._offsets[cell], self._bases[cell] = offset, Basis.USER
        self._enabled = True
        self.changed.emit()

    def untie(self) -> None:
        """Cells scroll on their own (offsets are kept for the corner text)."""
        self._enabled = False
        self.changed.emit()

    def follow(self, source: int, position: float, target: int) -> float | None:
        """Where ``target`` should go when ``source`` shows ``position`` (mm); None when
        scrolling is untied or either cell is not registered."""
        if not self._enabled:
            return None
        source_offset, target_offset = self.offset(source), self.offset(target)
        if source_offset is None or target_offset is None:
            return None
        return position - source_offset + target_offset

    def nudge(self, cell: int, delta: float) -> None:
        """She moved one cell alone by ``delta`` mm to correct the registration (the others
        stay): its offset changes by as much, and the offset becomes hers."""
        if cell == REFERENCE:
            for other in list(self._offsets):
                self._offsets[other] -= delta
                self._bases[other] = Basis.USER
        elif cell in self._offsets:
            self._offsets[cell] += delta
            self._bases[cell] = Basis.USER
        else:
            return
        self.changed.emit()
