"""About: version, the libraries and fonts inside, and their licences."""

from __future__ import annotations

import html
from importlib import metadata

import PySide6
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

import workstation

# (distribution, licence) of what the installed program bundles
BUNDLED = (
    ("PySide6-Essentials", "LGPL-3.0 (Qt for Python)"),
    ("pyqtgraph", "MIT"),
    ("pydicom", "MIT"),
    ("numpy", "BSD-3-Clause"),
    ("httpx", "BSD-3-Clause"),
    ("keyring", "MIT"),
    ("platformdirs", "MIT"),
    ("reportlab", "BSD"),
    ("pypdfium2", "Apache-2.0 / BSD-3-Clause (PDFium)"),
    ("pylibjpeg", "MIT"),
    ("pylibjpeg-libjpeg", "GPL-3.0 (libjpeg by Thomas Richter)"),
    ("pylibjpeg-openjpeg", "MIT (OpenJPEG: BSD-2-Clause)"),
    ("pylibjpeg-rle", "MIT"),
)
FONTS = (
    ("Droid Sans Fallback", "Apache-2.0 (Google)"),
    ("Bitstream Vera Sans (in reportlab)", "Bitstream Vera licence"),
)


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "—"


class AboutDialog(QDialog):
    """Version and licences."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About"))
        self.resize(560, 520)
        title = QLabel(
            self.tr("Results Recognition Workstation %1").replace("%1", workstation.__version__)
        )
        font = title.font()
        font.setPointSize(font.pointSize() + 3)
        title.setFont(font)
        qt = QLabel(
            self.tr("Qt %1 · PySide6 %2")
            .replace("%1", qVersion())
            .replace("%2", PySide6.__version__)
        )
        rows = "".join(
            f"<tr><td>{html.escape(name)}</td><td>{html.escape(_version(name))}</td>"
            f"<td>{html.escape(licence)}</td></tr>"
            for name, licence in BUNDLED
        )
        fonts = "".join(
            f"<tr><td>{html.escape(n)}</td><td></td><td>{html.escape(lic)}</td></tr>"
            for n, lic in FONTS
        )
        self.licences = QTextBrowser()
        self.licences.setObjectName("licences")
        self.licences.setHtml(f"<table cellspacing='6'>{rows}{fonts}</table>")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(qt)
        layout.addWidget(QLabel(self.tr("Bundled libraries and fonts")))
        layout.addWidget(self.licences, 1)
        layout.addWidget(buttons)
