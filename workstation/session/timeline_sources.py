"""Where the timeline's results came from: the platform she signed into first, another
platform, a PACS or the patient's own disc (Qt-free; the widget words it).

A result names its source by ``Result.source`` ("" for the platform signed into first).
The timeline shows sources only when they tell something: while every result comes from
the platform she signed into, a source column and filter would only be noise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from workstation.model import Result
from workstation.sources.base import SourceKind


@dataclass(frozen=True)
class RowSource:
    """One result's source as its row names it: ``kind`` (a disc is said to be the
    patient's own rather than by its name), ``name`` (the platform's, PACS's or disc's; the
    home platform's for a result of the platform she signed into first, "" while unknown)
    and ``home`` (it is that platform)."""

    kind: SourceKind
    name: str
    home: bool = False


class TimelineSources:
    """The sources present in the open patient's results, and what each is.

    ``home`` is the name of the platform she signed into first. A source is a platform
    unless ``note`` said otherwise (a disc, a PACS)."""

    def __init__(self) -> None:
        self.home = ""
        self._kinds: dict[str, SourceKind] = {}
        self._present: set[str] = set()

    def note(self, name: str, kind: SourceKind) -> None:
        """``name`` is a source of ``kind`` (said by whoever adds its results, before)."""
        self._kinds[name] = kind

    def kind_of(self, name: str) -> SourceKind:
        """What the source called ``name`` is (a platform unless noted otherwise)."""
        return self._kinds.get(name, SourceKind.FHIR)

    def add(self, results: Iterable[Result]) -> bool:
        """Count the sources of ``results`` as present; True when one was not yet."""
        before = len(self._present)
        self._present.update(r.source for r in results)
        return len(self._present) != before

    def clear(self) -> None:
        """No result is present any more (another patient); names and kinds are kept."""
        self._present.clear()

    @property
    def shown(self) -> bool:
        """Whether rows name their source: some result is not from the platform she
        signed into first (a second platform, a PACS or a disc is present)."""
        return any(name for name in self._present)

    def present(self) -> list[str]:
        """The sources present: the home platform ("") first, then other platforms, PACS,
        discs, each kind by name."""
        order = {SourceKind.FHIR: 0, SourceKind.DICOM: 1, SourceKind.DISC: 2}
        return sorted(self._present, key=lambda name: (name != "", order[self.kind_of(name)], name))

    def of(self, result: Result) -> RowSource:
        """The source ``result`` came from."""
        return self.of_name(result.source)

    def shown_of(self, result: Result) -> RowSource | None:
        """The source named beside ``result`` (its row, the viewer's corner): its source
        while several are present (``shown``), else None."""
        return self.of(result) if self.shown else None

    def of_name(self, name: str) -> RowSource:
        """The source called ``name`` ("" = the platform she signed into first)."""
        if not name:
            return RowSource(SourceKind.FHIR, self.home, home=True)
        return RowSource(self.kind_of(name), name)
