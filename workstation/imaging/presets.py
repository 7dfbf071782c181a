"""Window presets (modality units), as radiologists know them."""

from __future__ import annotations

from workstation.imaging.voi import Window

CT_PRESETS: tuple[tuple[str, Window], ...] = (
    ("brain", Window(40, 80)),
    ("subdural", Window(75, 215)),
    ("stroke", Window(32, 8)),
    ("lung", Window(-600, 1500)),
    ("mediastinum", Window(50, 350)),
    ("bone", Window(400, 1800)),
    ("abdomen", Window(50, 400)),
    ("liver", Window(60, 160)),
)
