"""The dark reading theme around the images (a bright frame distorts perceived grey
levels); the forms around it stay light. Popups (a combo box's list, a menu) are windows of
their own: they get the dark palette explicitly, or their items are light text on the
light default background."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QComboBox, QWidget

BACKGROUND = "#2b2b2b"
TEXT = "#eeeeee"
HIGHLIGHT = "#1565c0"
HEADING = "#a8a8a8"

READING_THEME = f"""
#readingPane {{ background: #1e1e1e; }}
#readingPane QLabel {{ color: #e0e0e0; }}
#readingPane QPushButton, #readingPane QComboBox, #readingPane QToolButton,
#readingPane QSpinBox {{
    background: #333; color: #eee; border: 1px solid #555; padding: 3px 6px; }}
#readingPane QPushButton:checked, #readingPane QToolButton:checked {{
    background: {HIGHLIGHT}; border-color: #90caf9; }}
#readingPane QToolButton:hover, #readingPane QPushButton:hover {{ border-color: #90caf9; }}
#readingPane QCheckBox {{ color: #e0e0e0; }}
#readingPane QListWidget {{ background: #262626; color: #e0e0e0; border: none; }}
#readingPane QComboBox QAbstractItemView, #readingPane QMenu {{
    background: {BACKGROUND}; color: {TEXT}; border: 1px solid #555;
    selection-background-color: {HIGHLIGHT}; selection-color: #ffffff; outline: 0; }}
#readingPane QComboBox QAbstractItemView::item:disabled {{ color: {HEADING}; }}
#readingPane QMenu::item:selected {{ background: {HIGHLIGHT}; color: #ffffff; }}
"""


def dark_palette(widget: QWidget) -> None:
    """Give a popup (or any widget) the reading theme's colours through its palette, which
    styles that ignore style sheets for item views still honour."""
    palette = widget.palette()
    for role in (QPalette.ColorRole.Base, QPalette.ColorRole.Window, QPalette.ColorRole.Button):
        palette.setColor(role, QColor(BACKGROUND))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(role, QColor(TEXT))
    # a heading in a list (disabled, not choosable) stays readable, only quieter
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(HEADING))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(HIGHLIGHT))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    widget.setPalette(palette)


def dark_popup(box: QComboBox) -> QComboBox:
    """A combo box of the reading toolbar whose open list is readable: dark background,
    light text, every item (not only the highlighted one). Returns the box."""
    dark_palette(box.view())
    container = box.view().window()
    if container is not box.window():
        dark_palette(container)
    return box
