"""The saved annotation objects of the study on screen, as the reading session shows them:
a list she turns each object on or off in; her latest measurement report is taken back into
her own (editable) marks, every other object (the issuing hospital's, other doctors', her
older reports) is drawn read-only in another colour."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import Enum

from workstation.annotations.model import ObjectKind, SavedMark, SavedObject
from workstation.annotations.softcopy_voi import StateOnImage
from workstation.imaging.decode import DicomImage
from workstation.imaging.display import presentation_inverts, state_inverts
from workstation.imaging.lut_data import Lut
from workstation.imaging.voi import Window
from workstation.session.events import Event


class StatePart(Enum):
    """What of a shown presentation state is on screen beyond its window numbers."""

    WINDOW = "window"
    VOI_TABLE = "VOI LUT table"
    MODALITY_TABLE = "modality LUT table"
    PRESENTATION_TABLE = "presentation LUT table"
    INVERTED = "inverted"  # its Presentation LUT inverts where the image itself would not
    NOT_INVERTED = "not inverted"  # it does not invert where the image itself would


def shapes_display(obj: SavedObject) -> bool:
    """True when a presentation state says how to display its images (a window, a LUT
    table or a Presentation LUT Shape), so that showing it puts that on screen."""
    return bool(obj.windows) or obj.luts.any


def parts_on_image(on: StateOnImage, image: DicomImage) -> frozenset[StatePart]:
    """What of a presentation state shown on ``image`` changes it from the image's own
    display (for her list: what is in use)."""
    parts = set()
    if isinstance(on.voi, Window):
        parts.add(StatePart.WINDOW)
    elif isinstance(on.voi, Lut):
        parts.add(StatePart.VOI_TABLE)
    if on.steps.modality is not None:
        parts.add(StatePart.MODALITY_TABLE)
    if isinstance(on.steps.presentation, Lut):
        parts.add(StatePart.PRESENTATION_TABLE)
    else:
        state, own = state_inverts(image, on.steps), presentation_inverts(image)
        if state != own:
            parts.add(StatePart.INVERTED if state else StatePart.NOT_INVERTED)
    return frozenset(parts)


@dataclass
class ListedObject:
    """One saved object in the list: whether it is hers, shown, and taken into her marks.
    ``claims_mine``: it names her login as its author but she did not save it here (another
    workstation's, or forged), so it is treated as someone else's."""

    obj: SavedObject
    mine: bool
    visible: bool
    editable: bool = False  # her latest report: its marks are in her mark store
    claims_mine: bool = False

    @property
    def drawn_read_only(self) -> bool:
        """True when its marks are drawn from here (not from her mark store)."""
        return self.visible and not self.editable


class StudyAnnotations:
    """The study's saved objects (GUI thread only). ``changed`` fires after every change."""

    def __init__(self, username: str = "") -> None:
        self.username = username
        self.study_uid = ""
        self.objects: list[ListedObject] = []
        self.problems: list[str] = []
        self._windows_shown: list[int] = []  # shown states with a window, last turned on last
        self.window_on_screen: tuple[float, float] | None = None  # its window as applied
        self.parts_on_screen: frozenset[StatePart] = frozenset()  # what of it is applied
        self.changed: Event[[]] = Event()

    def clear(self) -> None:
        """No study (another result, sign-out)."""
        self.study_uid = ""
        self.objects = []
        self.problems = []
        self._windows_shown = []
        self.window_on_screen = None
        self.parts_on_screen = frozenset()
        self.changed.emit()

    def set_objects(
        self,
        study_uid: str,
        objects: Sequence[SavedObject],
        problems: Sequence[str] = (),
        own_uids: Collection[str] = (),
    ) -> ListedObject | None:
        """The study's objects as found (oldest first). Hers are those whose SOP Instance
        UID is in ``own_uids`` (saved from her outbox), never those that merely name her as
        author (noted as ``claims_mine``); her newest report becomes editable (returned, so
        its marks can be taken into her store) and her older reports start hidden (the
        newest holds what she kept); a presentation state saved together with a report (same
        owner, author and time: the same marks) starts hidden. Everything else starts
        shown (a shown presentation state's window is applied: the last one listed)."""
        mine = [o.sop_instance_uid in own_uids for o in objects]
        reports = [i for i, o in enumerate(objects) if mine[i] and o.kind is ObjectKind.REPORT]
        newest = reports[-1] if reports else None
        saved_with_a_report = {
            (mine[i], o.author, o.created)
            for i, o in enumerate(objects)
            if o.kind is ObjectKind.REPORT and o.created
        }
        self.study_uid = study_uid
        self.objects = [
            ListedObject(
                obj,
                mine[i],
                visible=not (
                    (i in reports and i != newest)
                    or (
                        obj.kind is ObjectKind.PRESENTATION
                        and (mine[i], obj.author, obj.created) in saved_with_a_report
                    )
                ),
                editable=i == newest,
                claims_mine=(
                    not mine[i] and bool(self.username) and obj.author_login == self.username
                ),
            )
            for i, obj in enumerate(objects)
        ]
        self.problems = list(problems)
        self._windows_shown = [
            i
            for i, listed in enumerate(self.objects)
            if listed.visible and shapes_display(listed.obj)
        ]
        self.changed.emit()
        return self.objects[newest] if newest is not None else None

    def set_visible(self, index: int, visible: bool) -> None:
        """Show or hide one object's marks and key images."""
        if 0 <= index < len(self.objects) and self.objects[index].visible != visible:
            self.objects[index].visible = visible
            if index in self._windows_shown:
                self._windows_shown.remove(index)
            if visible and shapes_display(self.objects[index].obj):
                self._windows_shown.append(index)
            self.changed.emit()

    def window_in_effect(self) -> ListedObject | None:
        """The shown presentation state whose display (window, LUT tables, Presentation LUT)
        is on screen: the one she turned on last (none shown: her own window)."""
        return self.objects[self._windows_shown[-1]] if self._windows_shown else None

    def set_window_on_screen(
        self, window: tuple[float, float] | None, parts: Collection[StatePart] = ()
    ) -> None:
        """The window in effect as the screen shows it (centre, width in the image's
        modality units: a state's own units may differ), None when none is applied; and
        what of the state is applied (``parts``)."""
        if window != self.window_on_screen or frozenset(parts) != self.parts_on_screen:
            self.window_on_screen = window
            self.parts_on_screen = frozenset(parts)
            self.changed.emit()

    def marks_on(self, sop_instance_uid: str, frame: int) -> list[SavedMark]:
        """The read-only marks to draw on one frame of one image (shown objects only)."""
        return [
            mark
            for listed in self.objects
            if listed.drawn_read_only
            for mark in listed.obj.marks
            if mark.sop_instance_uid == sop_instance_uid and mark.frame == frame
        ]

    def is_key_image(self, sop_instance_uid: str, frame: int) -> bool:
        """True when a shown key object selection names this frame."""
        return any(
            (sop_instance_uid, frame) in listed.obj.key_images
            for listed in self.objects
            if listed.visible
        )

    def own_key_images(self) -> list[tuple[str, int]]:
        """Her key images in her saved selections (kept in her next one), in order."""
        found: dict[tuple[str, int], None] = {}
        for listed in self.objects:
            if listed.mine and listed.obj.kind is ObjectKind.KEY_IMAGES:
                found.update(dict.fromkeys(listed.obj.key_images))
        return list(found)
