"""What one cell of the reading grid shows, without Qt: the slice, the doctor's window, her
inversion, the rotation/mirroring of the view, the measuring tool she holds and the source
the study came from (named in the corner once the patient has several). The viewer
widget draws from it and keeps none of these itself; ``changed`` tells observers (the grid's
synchronization, a future hanging protocol) what moved."""

from __future__ import annotations

from workstation.imaging.display import StateSteps
from workstation.imaging.lut_data import Lut
from workstation.imaging.marks import MarkKind
from workstation.imaging.voi import Window
from workstation.session.events import Event
from workstation.session.timeline_sources import RowSource


class CellView:
    """The view state of one cell. Setting a field emits ``changed(field name)`` when the
    value really changes."""

    def __init__(self) -> None:
        self.changed: Event[[str]] = Event()
        self._index = 0
        self._window: Window | None = None
        self._inverted = False
        self._quarter_turns = 0
        self._flipped = False
        self._tool: MarkKind | None = None
        self._state_steps: StateSteps | None = None
        self._state_voi: Lut | None = None
        self._state_images: frozenset[str] = frozenset()
        self._source: RowSource | None = None

    def _set(self, name: str, value: object) -> None:
        if getattr(self, f"_{name}") != value:
            setattr(self, f"_{name}", value)
            self.changed.emit(name)

    @property
    def index(self) -> int:
        """The slice (or frame) on screen, 0-based in display order."""
        return self._index

    @index.setter
    def index(self, value: int) -> None:
        self._set("index", value)

    @property
    def window(self) -> Window | None:
        """Her window in modality units; None: what the file asks for."""
        return self._window

    @window.setter
    def window(self, value: Window | None) -> None:
        self._set("window", value)

    @property
    def inverted(self) -> bool:
        """Her inversion, on top of the file's presentation."""
        return self._inverted

    @inverted.setter
    def inverted(self, value: bool) -> None:
        self._set("inverted", value)

    @property
    def quarter_turns(self) -> int:
        """Clockwise quarter turns of the view (0–3)."""
        return self._quarter_turns

    @quarter_turns.setter
    def quarter_turns(self, value: int) -> None:
        self._set("quarter_turns", value % 4)

    @property
    def flipped(self) -> bool:
        """Mirrored left–right (before the turns)."""
        return self._flipped

    @flipped.setter
    def flipped(self, value: bool) -> None:
        self._set("flipped", value)

    @property
    def tool(self) -> MarkKind | None:
        """The measuring tool she holds (a mode: left-drag on the image draws that mark);
        None: left-drag pans."""
        return self._tool

    @tool.setter
    def tool(self, value: MarkKind | None) -> None:
        self._set("tool", value)

    @property
    def state_steps(self) -> StateSteps | None:
        """A shown presentation state's modality and presentation steps in place of the
        image's (None: the image's own)."""
        return self._state_steps

    @state_steps.setter
    def state_steps(self, value: StateSteps | None) -> None:
        self._set("state_steps", value)

    @property
    def state_voi(self) -> Lut | None:
        """A shown presentation state's VOI LUT table, on screen while she has chosen no
        window of her own (None: none)."""
        return self._state_voi

    @state_voi.setter
    def state_voi(self, value: Lut | None) -> None:
        self._set("state_voi", value)

    @property
    def state_images(self) -> frozenset[str]:
        """The SOP Instance UIDs the state's steps and table are for: another image of the
        cell keeps its own display."""
        return self._state_images

    @state_images.setter
    def state_images(self, value: frozenset[str]) -> None:
        self._set("state_images", value)

    def state_on(self, sop_instance_uid: str) -> tuple[StateSteps | None, Lut | None]:
        """The state's steps and VOI LUT table for one image of the cell, (None, None) when
        it is not one of the state's images."""
        if sop_instance_uid not in self._state_images:
            return None, None
        return self._state_steps, self._state_voi

    @property
    def source(self) -> RowSource | None:
        """Where the study on screen came from (a platform, a PACS, the patient's disc),
        named in the corner; None while the patient's results all come from one source."""
        return self._source

    @source.setter
    def source(self, value: RowSource | None) -> None:
        self._set("source", value)

    def reset(self) -> None:
        """Back to the file's presentation: its window, no inversion, no turn or mirror
        (the slice stays)."""
        self.window, self.inverted, self.quarter_turns, self.flipped = None, False, 0, False
