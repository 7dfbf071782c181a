"""The study's saved annotation objects (SR, KOS, GSPS) as a list she turns each one on or
off in, with what of each is not shown and why. A view of
workstation.session.annotations.StudyAnnotations."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from ui.mark_layer import SAVED_COLOR
from workstation.annotations.model import ObjectKind, Why
from workstation.session.annotations import ListedObject, StatePart, StudyAnnotations

_MINE_COLOR = (255, 255, 0)  # her length colour: her marks keep their own colours
_NUMBERS_SHOWN = 3  # image numbers named in a row before "…"
Images = Sequence[tuple[str, int]]  # (SOP Instance UID, 0-based frame)


def marked_images(listed: ListedObject) -> list[tuple[str, int]]:
    """The images an object's marks and key images are on, in the object's order."""
    found = dict.fromkeys((m.sop_instance_uid, m.frame) for m in listed.obj.marks)
    found.update(dict.fromkeys(listed.obj.key_images))
    return list(found)


class AnnotationList(QWidget):
    """One row per saved object: kind, author, date, what it holds and on which images;
    checked = shown. ``locate(images)`` gives the images' 1-based numbers and the count of
    the cell showing them (None when none does); a click on a row emits
    ``images_chosen(images)`` (to show them)."""

    images_chosen = Signal(object)  # list of (SOP Instance UID, frame)

    def __init__(
        self,
        model: StudyAnnotations,
        parent: QWidget | None = None,
        locate: Callable[[Images], tuple[list[int], int] | None] = lambda _images: None,
    ) -> None:
        super().__init__(parent)
        self.locate = locate
        self.setObjectName("annotationList")
        self.model = model
        self.title = QLabel()
        self.title.setObjectName("annotationTitle")
        self.rows = QListWidget()
        self.rows.setObjectName("annotationRows")
        self.rows.itemChanged.connect(self._item_changed)
        self.rows.itemClicked.connect(self._item_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.rows)
        self._filling = False
        model.changed.connect(self.refresh)
        self.refresh()

    def _kind(self, kind: ObjectKind) -> str:
        return {
            ObjectKind.REPORT: self.tr("Measurements (SR)"),
            ObjectKind.KEY_IMAGES: self.tr("Key images (KOS)"),
            ObjectKind.PRESENTATION: self.tr("Presentation state (GSPS)"),
        }[kind]

    def _why(self, why: Why) -> str:
        return {
            Why.UNSUPPORTED: self.tr("not supported by this viewer"),
            Why.DAMAGED: self.tr("damaged data"),
            Why.ELSEWHERE: self.tr("refers to images not in this study"),
            Why.TOO_MANY: self.tr("not shown: too many"),
        }[why]

    def row_text(self, listed: ListedObject) -> str:
        """The text of one object's row."""
        obj = listed.obj
        author = self.tr("me") if listed.mine else (obj.author or self.tr("unknown author"))
        when = obj.created
        date = f"{when[0:4]}-{when[4:6]}-{when[6:8]} {when[8:10]}:{when[10:12]}" if when else ""
        parts = [self._kind(obj.kind), author]
        if date:
            parts.append(date)
        if obj.marks:
            parts.append(self.tr("%n mark(s)", "", len(obj.marks)))
        if obj.key_images:
            parts.append(self.tr("%n key image(s)", "", len(obj.key_images)))
        where = self._where(listed)
        if where:
            parts.append(where)
        in_effect = listed is self.model.window_in_effect()
        window = (in_effect and self.model.window_on_screen) or obj.window
        if window:
            parts.append(
                self.tr("window %1/%2")
                .replace("%1", f"{window[0]:g}")
                .replace("%2", f"{window[1]:g}")
            )
        if in_effect and self.model.window_on_screen:
            parts.append(self.tr("its window on screen"))
        if in_effect:
            parts.extend(self._in_use(self.model.parts_on_screen))
        if listed.editable:
            parts.append(self.tr("editable"))
        if listed.claims_mine:
            parts.append(self.tr("names you, not saved here"))
        if obj.not_shown:
            parts.append(self.tr("%n not shown", "", len(obj.not_shown)))
        return " · ".join(parts)

    def _in_use(self, on_screen: frozenset[StatePart]) -> list[str]:
        """What of the state in effect is on screen beyond its window, in a fixed order."""
        texts = {
            StatePart.VOI_TABLE: self.tr("its VOI LUT table on screen"),
            StatePart.MODALITY_TABLE: self.tr("its modality LUT table on screen"),
            StatePart.PRESENTATION_TABLE: self.tr("its presentation LUT table on screen"),
            StatePart.INVERTED: self.tr("shown inverted, as it says (Presentation LUT INVERSE)"),
            StatePart.NOT_INVERTED: self.tr(
                "shown not inverted, as it says (Presentation LUT IDENTITY)"
            ),
        }
        return [text for part, text in texts.items() if part in on_screen]

    def _where(self, listed: ListedObject) -> str:
        """ "image 57/300" (第 57/300 幅) of the images it marks, as the viewer counts them."""
        images = marked_images(listed)
        found = self.locate(images) if images else None
        if found is None:
            return ""
        numbers, total = found
        shown = "、".join(str(n) for n in numbers[:_NUMBERS_SHOWN])
        if len(numbers) > _NUMBERS_SHOWN:
            shown += "…"
        return self.tr("image %1/%2").replace("%1", shown).replace("%2", str(total))

    def update_texts(self) -> None:
        """The rows' texts and tips again (the images they name moved in the viewer's order); while
        the list is hidden, once it is shown."""
        if not self.isVisible():
            return
        self._filling = True
        try:
            for row, listed in enumerate(self.model.objects):
                item = self.rows.item(row)
                if item is not None:
                    item.setText(self.row_text(listed))
                    item.setToolTip(self._tooltip(listed))
        finally:
            self._filling = False

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.update_texts()

    def _item_clicked(self, item: QListWidgetItem) -> None:
        row = self.rows.row(item)
        if 0 <= row < len(self.model.objects):
            images = marked_images(self.model.objects[row])
            if images:
                self.images_chosen.emit(images)

    def _tooltip(self, listed: ListedObject) -> str:
        lines = [f"{self._why(n.why)}: {n.what} ({n.reason})" for n in listed.obj.not_shown]
        if listed is self.model.window_in_effect():
            if self.model.parts_on_screen - {StatePart.WINDOW}:
                lines.insert(
                    0,
                    self.tr(
                        "Its display (LUT tables, black and white) is on screen: uncheck it "
                        "to go back to the image's own."
                    ),
                )
            if self.model.window_on_screen:
                lines.insert(0, self.tr("Its window is on screen: uncheck it to go back to yours."))
        if self._where(listed):
            lines.insert(0, self.tr("Click to show the image its marks are on (again: the next)."))
        if listed.editable:
            lines.insert(0, self.tr("Your latest measurements: they are among your marks."))
        if listed.claims_mine:
            lines.insert(
                0,
                self.tr(
                    "It names you as its author, but it was not saved from your account on this"
                    " workstation: it is shown read-only, like another doctor's."
                ),
            )
        return "\n".join(lines)

    def refresh(self) -> None:
        """Rebuild the rows from the model."""
        self._filling = True
        try:
            self.rows.clear()
            for listed in self.model.objects:
                item = QListWidgetItem(self.row_text(listed))
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(
                    Qt.CheckState.Checked if listed.visible else Qt.CheckState.Unchecked
                )
                item.setForeground(QColor(*(_MINE_COLOR if listed.mine else SAVED_COLOR)))
                item.setToolTip(self._tooltip(listed))
                self.rows.addItem(item)
        finally:
            self._filling = False
        count = len(self.model.objects)
        title = (
            self.tr("Saved annotations: %n", "", count)
            if count
            else self.tr("No saved annotations in this study")
        )
        if self.model.problems:
            title += " · " + self.tr("%n could not be read", "", len(self.model.problems))
        self.title.setText(title)

    def _item_changed(self, item: QListWidgetItem) -> None:
        if self._filling:
            return
        self.model.set_visible(self.rows.row(item), item.checkState() == Qt.CheckState.Checked)
