"""The viewer's keyboard map: one table drives the key handling, the tooltips and the
keyboard sheet, so they cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt

CONTEXT = "ViewerKeys"


def _noop(marked: object) -> str:
    """A text marked for lupdate with QT_TRANSLATE_NOOP (typed as object by the stubs)."""
    return str(marked)


@dataclass(frozen=True)
class ViewerKey:
    """One binding: ``keys`` (with ``ctrl``) run the viewer's method ``action``."""

    keys: tuple[Qt.Key, ...]
    label: str  # how the sheet writes the key, e.g. "↑/↓"
    action: str  # ImageViewer method, called without arguments
    description: str  # English source text, translated through CONTEXT
    ctrl: bool = False
    shift: bool = False

    def text(self) -> str:
        """The translated description."""
        return QCoreApplication.translate(CONTEXT, self.description)


K = Qt.Key
VIEWER_KEYS: tuple[ViewerKey, ...] = (
    ViewerKey((K.Key_Up,), "↑", "previous_slice", _noop(QT_TRANSLATE_NOOP("ViewerKeys", "previous slice"))),
    ViewerKey((K.Key_Down,), "↓", "next_slice", _noop(QT_TRANSLATE_NOOP("ViewerKeys", "next slice"))),
    ViewerKey((K.Key_Up,), "Shift+↑", "nudge_up", _noop(QT_TRANSLATE_NOOP("ViewerKeys", "this cell alone one slice back (corrects the sync offset)")), shift=True),
    ViewerKey((K.Key_Down,), "Shift+↓", "nudge_down", _noop(QT_TRANSLATE_NOOP("ViewerKeys", "this cell alone one slice on")), shift=True),
    ViewerKey((K.Key_PageUp,), "PageUp", "back_ten", _noop(QT_TRANSLATE_NOOP("ViewerKeys", "10 slices back"))),
    ViewerKey((K.Key_PageDown,), "PageDown", "forward_ten", _noop(QT_TRANSLATE_NOOP("ViewerKeys", "10 slices on"))),
    ViewerKey((K.Key_Home,), "Home", "first_slice", _noop(QT_TRANSLATE_NOOP("ViewerKeys", "first slice"))),
    ViewerKey((K.Key_End,), "End", "last_slice", _noop(QT_TRANSLATE_NOOP("ViewerKeys", "last slice"))),
    ViewerKey((K.Key_0,), "0", "file_window", _noop(QT_TRANSLATE_NOOP("ViewerKeys", "the file's own window"))),
    ViewerKey((K.Key_I,), "I", "toggle_invert", _noop(QT_TRANSLATE_NOOP("ViewerKeys", "invert"))),
    ViewerKey((K.Key_F,), "F", "reset", _noop(QT_TRANSLATE_NOOP("ViewerKeys", "fit and reset the view"))),
    ViewerKey((K.Key_L,), "L", "length_tool", _noop(QT_TRANSLATE_NOOP("ViewerKeys", "length tool: drag from end to end"))),
    ViewerKey((K.Key_G,), "G", "angle_tool", _noop(QT_TRANSLATE_NOOP("ViewerKeys", "angle tool: drag the first arm, click the third point"))),
    ViewerKey((K.Key_E,), "E", "ellipse_tool", _noop(QT_TRANSLATE_NOOP("ViewerKeys", "ellipse region tool: drag its box"))),
    ViewerKey((K.Key_B,), "B", "rectangle_tool", _noop(QT_TRANSLATE_NOOP("ViewerKeys", "rectangle region tool: drag its box"))),
    ViewerKey((K.Key_T,), "T", "add_arrow", _noop(QT_TRANSLATE_NOOP("ViewerKeys", "arrow with text"))),
    ViewerKey((K.Key_Delete, K.Key_Backspace), "Del", "delete_selected", _noop(QT_TRANSLATE_NOOP("ViewerKeys", "delete the selected mark"))),
    ViewerKey((K.Key_Z,), "Ctrl+Z", "undo", _noop(QT_TRANSLATE_NOOP("ViewerKeys", "undo")), ctrl=True),
    ViewerKey((K.Key_Escape,), "Esc", "escape", _noop(QT_TRANSLATE_NOOP("ViewerKeys", "leave the tool (left-drag pans again), deselect the mark"))),
    ViewerKey((K.Key_BracketRight,), "]", "rotate_clockwise", _noop(QT_TRANSLATE_NOOP("ViewerKeys", "rotate clockwise"))),
    ViewerKey((K.Key_BracketLeft,), "[", "rotate_counterclockwise", _noop(QT_TRANSLATE_NOOP("ViewerKeys", "rotate counter-clockwise"))),
    ViewerKey((K.Key_H,), "H", "flip_horizontal", _noop(QT_TRANSLATE_NOOP("ViewerKeys", "flip left–right"))),
    ViewerKey((K.Key_V,), "V", "flip_vertical", _noop(QT_TRANSLATE_NOOP("ViewerKeys", "flip top–bottom"))),
    ViewerKey((K.Key_O,), "O", "toggle_annotations", _noop(QT_TRANSLATE_NOOP("ViewerKeys", "hide or show the text over the image"))),
    ViewerKey((K.Key_K,), "K", "mark_key_image", _noop(QT_TRANSLATE_NOOP("ViewerKeys", "keep as key image"))),
    ViewerKey((K.Key_Space,), "Space", "toggle_cine", _noop(QT_TRANSLATE_NOOP("ViewerKeys", "play or pause cine (held: left-drag pans)"))),
)  # fmt: skip
PRESET_KEYS = "1–9"  # her presets of the modality, in her order


def binding_for(key: int, ctrl: bool, shift: bool = False) -> ViewerKey | None:
    """The binding of a pressed key (Ctrl, Shift held or not), if any; with Shift held and
    no Shift binding, the key's plain binding."""
    found = [b for b in VIEWER_KEYS if key in b.keys and b.ctrl == ctrl]
    exact = next((b for b in found if b.shift == shift), None)
    return exact or next((b for b in found if not b.shift), None)


def key_label(action: str) -> str:
    """The key of an action as the tooltips write it, e.g. " (L)"; "" when unbound."""
    binding = next((b for b in VIEWER_KEYS if b.action == action), None)
    return f" ({binding.label})" if binding else ""


def keyboard_sheet() -> str:
    """The viewer part of the keyboard sheet, translated: "key description · …"."""
    parts = [f"{b.label} {b.text()}" for b in VIEWER_KEYS]
    presets = QCoreApplication.translate("ViewerKeys", "window presets")
    return " · ".join([*parts, f"{PRESET_KEYS} {presets}"])
