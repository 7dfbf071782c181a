"""A form panel centred on a full-window page (sign-in, lock screen)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget


def centre_panel(page: QWidget, panel: QWidget, weight: int) -> None:
    """Lay ``panel`` out in the middle of ``page``: ``weight`` parts of the width against one
    part of margin each side, a little above the vertical centre."""
    centre = QHBoxLayout()
    centre.addStretch(1)
    centre.addWidget(panel, weight)
    centre.addStretch(1)
    layout = QVBoxLayout(page)
    layout.addStretch(1)
    layout.addLayout(centre)
    layout.addStretch(2)
