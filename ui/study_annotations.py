"""Her marks and key images saved as DICOM objects, and the study's saved objects shown
again: a part of the reading pane (ui/study_images.py). Saving writes a measurement report,
a key object selection and a presentation state and queues them in the outbox (on a worker:
on disk before she is told); opening a study finds its SR/KOS/GSPS objects in the
background, takes her newest report back into her marks as each image arrives, and draws the
rest read-only."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import weakref
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, Signal

from ui.viewer import ImageViewer
from ui.workers import TaskRunner
from workstation.annotations.key_image_render import render_key_image
from workstation.annotations.measure import mark_to_save, values_text
from workstation.annotations.model import (
    Author,
    KeyImageRef,
    MarkToSave,
    Rendering,
    SavedMark,
    SavedObject,
    to_mm,
)
from workstation.annotations.outbox import AnnotationOutbox
from workstation.annotations.placement import place_on_study
from workstation.annotations.service import Saved, save_annotations, saved_objects
from workstation.annotations.softcopy_voi import state_images, state_on_image
from workstation.imaging.calibration import to_pixels
from workstation.imaging.decode import DicomImage
from workstation.imaging.display import Voi
from workstation.imaging.identity import ImageIdentity
from workstation.imaging.lut_data import Lut
from workstation.imaging.marks import MarkStore, SliceKey
from workstation.imaging.voi import Window
from workstation.model import ImagingStudyRef
from workstation.services import Connection
from workstation.session.annotations import StatePart, StudyAnnotations, parts_on_image
from workstation.session.lanes import Lane
from workstation.session.scope import Scope
from workstation.session.series_stack import Slice

log = logging.getLogger("ui.annotations")
_Fingerprint = frozenset[tuple[SliceKey, Any, tuple[tuple[float, float], ...], str]]


def fingerprint(store: MarkStore) -> _Fingerprint:
    """What her marks are now, to tell whether they changed since the last save."""
    return frozenset(
        (key, mark.kind, mark.points, mark.text)
        for key, marks in store.all_marks().items()
        for mark in marks
    )


def _find_objects(
    connection: Connection,
    study: ImagingStudyRef,
    outbox: AnnotationOutbox | None,
    *,
    report: Callable[[Any], None],
    cancel: threading.Event,
) -> tuple[list[SavedObject], list[str], set[str]]:
    """The study's saved objects and problems, and the SOP Instance UIDs of those she saved
    here (what makes an object hers)."""
    pending = [o.data for o in outbox.pending_for_study(study.study_uid)] if outbox else []
    own = outbox.own_uids(study.study_uid) if outbox else set()
    objects, problems = saved_objects(
        connection.dicomweb(study.dicomweb_url), study.study_uid, pending, cancel, own
    )
    return objects, problems, own


def _as_window(voi: Voi) -> Window | None:
    """A window as her chosen window; a VOI LUT table is none (it shows while she has none)."""
    return voi if isinstance(voi, Window) else None


class StudyAnnotationsPart(QObject):
    """Emits ``queued()`` when objects wait in the outbox and ``message(str)`` for the
    status line. ``stores(result_id)`` gives the result's mark store; ``cells()`` the
    viewers that draw marks."""

    queued = Signal()
    message = Signal(str)
    images_changed = Signal()  # the cells hold more (or other) images: image numbers moved
    key_image_drawn = Signal(str, bytes, str, object)  # result id, PNG, caption, mm per pixel

    def __init__(
        self,
        runner: TaskRunner,
        stores: Callable[[str], MarkStore],
        cells: Callable[[], Sequence[ImageViewer]],
        renderings: Callable[[str], Rendering | None] = lambda _rid: None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.stores = stores
        self.cells = cells
        self.renderings = renderings  # result id → the window she reads it with, if shown
        self.model = StudyAnnotations()
        self.model.changed.connect(self._redraw)
        self.model.changed.connect(self._apply_presentation_window)
        self.connection: Connection | None = None
        self.outbox: AnnotationOutbox | None = None
        self.author: Author | None = None
        self.studies: dict[str, ImagingStudyRef] = {}  # result id → its study
        self._study_result = ""  # the result whose study the model holds
        self._identities: dict[str, tuple[ImageIdentity, tuple[float, float] | None]] = {}
        self._images: weakref.WeakValueDictionary[str, DicomImage] = weakref.WeakValueDictionary()
        self._keys: dict[str, dict[tuple[str, int], None]] = {}  # result → key images
        self._saved: dict[str, tuple[_Fingerprint, int]] = {}  # result → marks, keys saved
        self._to_restore: dict[str, list[SavedMark]] = {}  # SOP UID → her marks waiting
        # her saved key images still to draw for the summary, and those it has already
        self._to_draw: dict[tuple[str, int], str] = {}  # (SOP UID, frame) → result id
        self._drawn: set[tuple[str, int]] = set()
        # cells on a presentation state's VOI: (her window before it, the VOI applied)
        self._own_windows: dict[int, tuple[Window | None, Voi]] = {}

    def configure(
        self, outbox: AnnotationOutbox | None, author: Author | None, username: str
    ) -> None:
        """Where her objects are queued and who she is (at sign-in; None at sign-out)."""
        self.outbox, self.author = outbox, author
        self.model.username = username

    def forget(self) -> None:
        """Leaving the patient or signing out: nothing of this session stays."""
        self.studies = {}
        self._study_result = ""
        self._identities = {}
        self._images = weakref.WeakValueDictionary()
        self._keys = {}
        self._saved = {}
        self._to_restore = {}
        self._to_draw = {}
        self._drawn = set()
        self.model.clear()
        self._own_windows = {}

    # --- the study on screen -----------------------------------------------------------------
    def study_opened(self, result_id: str, study: ImagingStudyRef, scope: Scope) -> None:
        """The result's study arrived: find its saved objects (hers still waiting in the
        outbox included) in the background."""
        self.studies[result_id] = study
        self._study_result = result_id
        self._to_restore = {}
        self.model.clear()
        if self.connection is None:
            return
        self.runner.start(  # the outbox is read off the GUI thread too
            _find_objects,
            self.connection,
            study,
            self.outbox,
            wants_control=True,
            scope=scope,
            lane=Lane.BACKGROUND,
            on_result=lambda found: self._objects_found(result_id, study, found),
            on_error=lambda exc: log.info("saved annotations not found: %s", exc),
        )

    def study_kept_here(self, result_id: str) -> None:
        """A study from a disc or PACS opened: it has no saved objects on the platform to
        find, and her marks on it stay in this session (and its key images in the
        summary); nothing of the last study's saved objects stays listed."""
        self.studies.pop(result_id, None)
        self._study_result = result_id
        self._to_restore = {}
        self.model.clear()

    def _objects_found(self, result_id: str, study: ImagingStudyRef, found: Any) -> None:
        objects, problems, own = found
        frames: dict[str, int | None] = {
            instance.sop_instance_uid: None
            for series in study.series
            for instance in series.instances
        }
        placed = [place_on_study(o, study.study_uid, frames) for o in objects]
        editable = self.model.set_objects(study.study_uid, placed, problems, own)
        if editable is None or result_id in self._saved:
            return  # nothing of hers, or she saved in this session already (hers is newer)
        for mark in editable.obj.marks:
            self._to_restore.setdefault(mark.sop_instance_uid, []).append(mark)
        keys = self._keys.setdefault(result_id, {})
        own_keys = self.model.own_key_images()
        keys.update(dict.fromkeys(own_keys))
        for key in own_keys:
            if key not in self._drawn:
                self._to_draw[key] = result_id
        for uid in list(self._to_restore):
            if uid in self._identities:
                self._restore(result_id, uid)
        store = self.stores(result_id)
        self._saved[result_id] = (fingerprint(store), len(keys))
        self._redraw()
        for uid in {uid for uid, _frame in self._to_draw}:
            if uid in self._images:  # arrived before the objects were found
                self._draw_key_images(uid)

    def image_arrived(self, result_id: str, image: DicomImage) -> None:
        """An image of ``result_id`` is on screen: remember what saving needs of it, and
        take her saved marks on it back into her store."""
        identity = image.identity
        if identity is None:
            return
        uid = image.sop_instance_uid
        self._identities[uid] = (identity, image.pixel_spacing)
        self._images[uid] = image
        if uid in self._to_restore and result_id == self._study_result:
            self._restore(result_id, uid)
            store = self.stores(result_id)
            keys = len(self._keys.get(result_id, {}))
            self._saved[result_id] = (fingerprint(store), keys)
            for cell in self.cells():
                cell.refresh_marks()
        self._draw_key_images(uid)
        self._apply_presentation_window()
        self.images_changed.emit()

    def _holding(self, images: Sequence[tuple[str, int]]) -> tuple[ImageViewer, list[int]]:
        """The first cell holding any of ``images`` ((SOP Instance UID, frame)), with
        their 0-based places in its order; raises LookupError when no cell shows them."""
        wanted = set(images)
        for cell in self.cells():
            places = [
                n
                for n, s in enumerate(cell.slices)
                if isinstance(s, Slice) and (s.image.sop_instance_uid, s.frame) in wanted
            ]
            if places:
                return cell, places
        raise LookupError("no cell shows these images")

    def image_numbers(self, images: Sequence[tuple[str, int]]) -> tuple[list[int], int] | None:
        """Where ``images`` are in the first cell holding any of them: their 1-based
        numbers in its order (ascending) and how many it holds; None when no cell does."""
        try:
            cell, places = self._holding(images)
        except LookupError:
            return None
        return [n + 1 for n in places], len(cell.slices)

    def show_image(self, images: Sequence[tuple[str, int]]) -> bool:
        """Show the next of ``images`` after the slice on screen (the first again after
        the last) in the first cell holding any of them; False when none does."""
        try:
            cell, places = self._holding(images)
        except LookupError:
            return False
        cell.go_to(next((n for n in places if n > cell.index), places[0]))
        return True

    def _apply_presentation_window(self) -> None:
        """Cells showing images of the shown presentation state in effect take its display:
        its modality and presentation steps and VOI LUT table whenever it is in effect, its
        window (in the cells' modality units) once when it comes into effect: a window she
        sets afterwards is not taken from her. Once none is in effect, a cell goes back to
        the image's own steps and the window she had before (unless she has set another
        since)."""
        listed = self.model.window_in_effect()
        uids = state_images(listed.obj) if listed is not None else frozenset()
        on_screen: tuple[float, float] | None = None
        parts: frozenset[StatePart] = frozenset()
        for cell in self.cells():
            key = id(cell)
            on = None
            if listed is not None and uids:
                shown = next(
                    (
                        s
                        for s in cell.slices
                        if isinstance(s, Slice) and s.image.sop_instance_uid in uids
                    ),
                    None,
                )
                if shown is not None and not shown.image.is_color:
                    on = state_on_image(listed.obj, shown.image, shown.frame)
                    if on is not None and not parts:
                        parts = parts_on_image(on, shown.image)
            table = on.voi if on is not None and isinstance(on.voi, Lut) else None
            if on is None:
                cell.set_state_steps(None)
            else:
                cell.set_state_steps(on.steps, table, uids)
            applied = on.voi if on is not None else None
            if applied is not None:
                entry = self._own_windows.get(key)
                if entry is None or entry[1] != applied:  # newly in effect on this cell
                    untouched = entry is not None and cell.chosen_window == _as_window(entry[1])
                    own = entry[0] if entry is not None and untouched else cell.chosen_window
                    self._own_windows[key] = (own, applied)
                    cell.use_window(_as_window(applied))  # a table: her window set aside
                # else it is on already: a window she has set since stays hers
                if isinstance(applied, Window):
                    on_screen = on_screen or (applied.center, applied.width)
            elif key in self._own_windows:
                own, was = self._own_windows.pop(key)
                if cell.chosen_window == _as_window(was):  # not changed by her since
                    cell.use_window(own)
        self.model.set_window_on_screen(on_screen, parts)

    def _draw_key_images(self, uid: str) -> None:
        """Her saved key images on this image, drawn (off the GUI thread) for the summary."""
        for key in [k for k in self._to_draw if k[0] == uid]:
            result_id = self._to_draw.pop(key)
            image = self._images.get(uid)
            if image is None or not 0 <= key[1] < image.frames:
                continue
            self._drawn.add(key)
            spacing = image.pixel_spacing
            marks = [
                SavedMark(
                    uid, key[1], m.kind, tuple(to_pixels(p, spacing) for p in m.points), m.text
                )
                for m in self.stores(result_id).marks(key)
            ] + self.model.marks_on(*key)
            window = self._own_window()
            caption = self.tr("Key image (saved) · %1").replace("%1", image.series_description)
            values = [
                values_text(mark_to_save(image, key[1], m).values)
                for m in self.stores(result_id).marks(key)
            ]
            caption = " · ".join([caption, *filter(None, values)])
            self.runner.start(
                render_key_image,
                image,
                key[1],
                window,
                marks,
                on_result=self._key_image_done(result_id, caption),
                on_error=lambda exc: log.info("saved key image not drawn: %s", exc),
            )

    def _key_image_done(self, result_id: str, caption: str) -> Callable[[Any], None]:
        def done(drawn: Any) -> None:
            png, mm_per_pixel = drawn
            self.key_image_drawn.emit(result_id, png, caption, mm_per_pixel)

        return done

    def _own_window(self) -> Window | None:
        """The window of her newest shown presentation state, if any."""
        for listed in reversed(self.model.objects):
            if listed.mine and listed.obj.window is not None:
                centre, width = listed.obj.window
                return Window(centre, width)
        return None

    def _restore(self, result_id: str, uid: str) -> None:
        spacing = self._identities[uid][1]
        store = self.stores(result_id)
        for mark in self._to_restore.pop(uid, []):
            points = tuple(to_mm(p, spacing) for p in mark.points_px)
            store.restore((uid, mark.frame), mark.kind, points, mark.text)

    def key_image(self, result_id: str, key: SliceKey | None) -> None:
        """She kept the slice ``key`` of ``result_id`` as a key image (grabbed on screen: it
        is not drawn again from a saved selection)."""
        if key is not None:
            self._keys.setdefault(result_id, {})[key] = None
            self._drawn.add(key)
            self._to_draw.pop(key, None)

    def saved_marks_on(self, sop_instance_uid: str, frame: int) -> list[SavedMark]:
        """The read-only marks of shown saved objects on one frame (for the viewers)."""
        return self.model.marks_on(sop_instance_uid, frame)

    def _redraw(self) -> None:
        for cell in self.cells():
            cell.refresh_marks()

    # --- saving ------------------------------------------------------------------------------
    def _marks_to_save(self, result_id: str) -> list[MarkToSave]:
        found = []
        for (uid, frame), marks in self.stores(result_id).all_marks().items():
            image = self._images.get(uid)
            known = self._identities.get(uid)
            for mark in marks:
                if image is not None:
                    found.append(mark_to_save(image, frame, mark))
                elif known is not None:  # its pixels are gone: the outline, without values
                    identity, spacing = known
                    points = tuple(to_pixels(p, spacing) for p in mark.points)
                    found.append(MarkToSave(identity, frame, mark.kind, points, mark.text))
        return found

    def _key_refs(self, result_id: str) -> list[KeyImageRef]:
        refs = []
        for uid, frame in self._keys.get(result_id, {}):
            known = self._identities.get(uid)
            if known is not None:
                refs.append(KeyImageRef(known[0], frame))
        return refs

    def has_changes(self, result_id: str) -> bool:
        """True when her marks or key images of ``result_id`` changed since the last save
        (or since they were read back)."""
        store = self.stores(result_id)
        now = (fingerprint(store), len(self._keys.get(result_id, {})))
        return now != self._saved.get(result_id, (frozenset(), 0))

    def save_all_changed(self) -> int:
        """Leaving the patient (another patient, sign-out): every study's marks and key
        images that changed since their last save are saved and queued, not thrown away.
        Returns how many studies were saved."""
        return sum(
            self.save(result_id, only_if_changed=True, leaving=True)
            for result_id in list(self.studies)
        )

    def save(self, result_id: str, only_if_changed: bool = False, leaving: bool = False) -> bool:
        """Save her marks and key images of ``result_id`` (a new report and selection that
        hold all of them) and queue them for the platform. Returns False when there is
        nothing to save or nowhere to save it (then says so unless ``only_if_changed``).
        ``leaving``: the patient is being closed (the message then says whose marks)."""
        study = self.studies.get(result_id)
        if only_if_changed and not self.has_changes(result_id):
            return False
        if self.outbox is None or self.author is None or study is None:
            if not only_if_changed:
                self.message.emit(
                    self.tr("Marks cannot be saved here (no journal).")
                    if study is not None
                    else self.tr(
                        "Marks on a study from a disc or PACS stay in this session (its key "
                        "images go into the printed summary); they are not sent to the platform."
                    )
                    if result_id == self._study_result
                    else self.tr("Marks on a prior study are not saved yet; open it as the result.")
                )
            return False
        marks, keys = self._marks_to_save(result_id), self._key_refs(result_id)
        if not marks and not keys:
            if not only_if_changed:
                self.message.emit(self.tr("No marks or key images to save."))
            return False
        store = self.stores(result_id)
        state = (fingerprint(store), len(self._keys.get(result_id, {})))
        rendering = self.renderings(result_id)
        outbox, author = self.outbox, self.author  # as they are now, not after a sign-out
        self.runner.start(
            lambda: save_annotations(
                outbox,
                dicomweb_url=study.dicomweb_url,
                result_id=result_id,
                marks=marks,
                key_images=keys,
                author=author,
                now=dt.datetime.now(dt.UTC),
                rendering=rendering,
            ),
            # not the journal's one thread: writing the objects takes seconds the first time
            # (highdicom loads its tables), and a decision must never wait behind that
            lane=Lane.INTERACTIVE,
            on_result=lambda saved: self._queued(
                result_id, state, saved, len(marks), len(keys), leaving
            ),
            on_error=lambda exc: self.message.emit(
                self.tr("Marks not saved: %1").replace("%1", str(exc))
            ),
        )
        return True

    def _queued(
        self,
        result_id: str,
        state: tuple[_Fingerprint, int],
        saved: Saved,
        marks: int,
        keys: int,
        leaving: bool,
    ) -> None:
        self._saved[result_id] = state
        text = (
            self.tr(
                "The previous patient's %1 mark(s) and %2 key image(s) were saved; "
                "they go to the platform."
            )
            if leaving
            else self.tr("Saved %1 mark(s) and %2 key image(s); they go to the platform.")
        )
        self.message.emit(text.replace("%1", str(marks)).replace("%2", str(keys)))
        log.info(
            "annotations queued (report %s, key images %s)",
            bool(saved.report_uid),
            bool(saved.key_images_uid),
        )
        self.queued.emit()
