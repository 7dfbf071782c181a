"""The viewer's window presets: her presets on keys 1–9 (the same on every file), the file's
own windows apart under a heading (known explanations in her words), auto and full range,
and a box that always shows the window applied. A part of ``ImageViewer`` (ui/viewer.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QComboBox

from ui.presets_dialog import preset_display_name
from workstation.imaging.decode import DicomImage
from workstation.imaging.display import Voi, frame_auto_window, frame_full_range
from workstation.imaging.frames import frame_windows
from workstation.imaging.presets import WindowPreset, known_window_name, presets_for
from workstation.imaging.voi import Window

if TYPE_CHECKING:
    from ui.viewer import Slice


class WindowPresets:
    """The preset box of one cell. Texts are in the ImageViewer translation context."""

    preset_box: QComboBox
    presets: tuple[WindowPreset, ...]
    _preset_count: int
    chosen_window: Window | None

    def current(self) -> Slice | None:  # provided by ImageViewer
        raise NotImplementedError

    def voi(self) -> Voi | None:  # provided by ImageViewer
        raise NotImplementedError

    def effective_window(self) -> Window | None:  # provided by ImageViewer
        raise NotImplementedError

    def set_window(self, window: Window) -> None:  # provided by ImageViewer
        raise NotImplementedError

    def _apply_file_window(self) -> None:  # provided by ImageViewer
        raise NotImplementedError

    def set_presets(self, presets: Sequence[WindowPreset]) -> None:
        """The window presets offered (the user's list); refreshes the menu on screen."""
        self.presets = tuple(presets)
        current = self.current()
        if current is not None:
            self._fill_presets(current.image)

    def _fill_presets(self, image: DicomImage) -> None:
        """Her presets first, so that keys 1–9 mean the same window in every study; then,
        apart under a heading, the file's windows (key 0 for the first; known explanations
        translated: LUNG → 肺窗), auto and full range."""
        box = self.preset_box
        box.clear()
        keyed = presets_for(self.presets, image.modality)
        for number, preset in enumerate(keyed, start=1):
            key = f"{number} " if number <= 9 else "   "
            label = f"{key}{preset_display_name(preset.name)}  {preset.center:g}/{preset.width:g}"
            box.addItem(label, preset.window)
        self._preset_count = min(len(keyed), 9)
        windows = frame_windows(image, 0)
        if windows:
            if keyed:
                box.insertSeparator(box.count())
            self._add_heading(QCoreApplication.translate("ImageViewer", "The file's windows"))
        for number, window in enumerate(windows):
            known = known_window_name(window.explanation)
            name = (
                preset_display_name(known)
                if known
                else window.explanation or QCoreApplication.translate("ImageViewer", "File")
            )
            key = "0 " if number == 0 else "   "
            box.addItem(f"{key}{name}  {window.center:g}/{window.width:g}", window)
        box.insertSeparator(box.count())
        box.addItem(QCoreApplication.translate("ImageViewer", "Auto (1–99 %)"), "auto")
        box.addItem(QCoreApplication.translate("ImageViewer", "Full range"), "full")
        # the open list shows every label whole (the closed box grows to the longest)
        box.view().setMinimumWidth(box.view().sizeHintForColumn(0) + 24)
        self._show_applied_window()

    def _add_heading(self, text: str) -> None:
        """A line in the preset list that names a group and cannot be chosen."""
        box = self.preset_box
        box.addItem(text, "heading")
        model = box.model()
        if isinstance(model, QStandardItemModel):
            item = model.item(box.count() - 1)
            if item is not None:
                item.setEnabled(False)
                item.setSelectable(False)

    def _show_applied_window(self, chosen: int | None = None) -> None:
        """Make the box show the window on screen: the entry she picked (``chosen``), the
        file's own entry while the file's presentation is on screen, an entry with the same
        centre and width, else "W … L …" (after a drag)."""
        box = self.preset_box
        index = chosen if chosen is not None else -1
        current = self.current()
        applied = self.effective_window()
        if index < 0 and self.chosen_window is None and current is not None:
            windows = frame_windows(current.image, current.frame)
            if windows:
                index = box.findData(windows[0])
            elif current.image.voi_lut is None:
                index = box.findData("full")  # no VOI in the file: its full range
        if index < 0 and applied is not None:
            wanted = (applied.center, applied.width, applied.function)
            for i in range(box.count()):
                data = box.itemData(i)
                if isinstance(data, Window) and (data.center, data.width, data.function) == wanted:
                    index = i
                    break
        if index < 0:
            if isinstance(self.voi(), Window) and applied is not None:
                box.setPlaceholderText(
                    QCoreApplication.translate("ImageViewer", "W %1  L %2")
                    .replace("%1", f"{applied.width:.0f}")
                    .replace("%2", f"{applied.center:.0f}")
                )
            else:
                box.setPlaceholderText(QCoreApplication.translate("ImageViewer", "VOI LUT (file)"))
        box.setCurrentIndex(index)

    def choose_preset(self, number: int) -> None:
        """Key 1–9: her preset of that number for this modality (nothing when she has
        fewer)."""
        if 1 <= number <= self._preset_count:
            self.preset_box.setCurrentIndex(number - 1)
            self._preset_chosen(number - 1)

    def file_window(self) -> None:
        """Key 0: what the file asks for (its first window or VOI LUT)."""
        if self.current() is None:
            return
        self.chosen_window = None
        self._apply_file_window()
        self._show_applied_window()

    def _preset_chosen(self, index: int) -> None:
        choice = self.preset_box.itemData(index)
        current = self.current()
        if current is None or current.image.is_color:
            return
        image, frame = current.image, current.frame
        if isinstance(choice, Window):
            self.set_window(choice)
        elif choice == "auto":
            self.set_window(frame_auto_window(image, frame))
        elif choice == "full":
            self.set_window(frame_full_range(image, frame))
        else:
            return  # a heading
        self._show_applied_window(index)
