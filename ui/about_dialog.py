"""About: version, the build's commit, the third-party libraries inside with their licences
(the notices written at build time, workstation.third_party) and the fonts."""

from __future__ import annotations

import html
from collections.abc import Sequence

import PySide6
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

import workstation
from workstation.third_party import Notice, build_commit, load_notices

FONTS = (
    ("Droid Sans Fallback", "Apache-2.0 (Google)"),
    ("Bitstream Vera Sans (in reportlab)", "Bitstream Vera licence"),
)


class AboutDialog(QDialog):
    """Version, commit and licences. ``notices`` and ``commit`` default to what the build
    wrote into resources/."""

    def __init__(
        self,
        parent: QWidget | None = None,
        notices: Sequence[Notice] | None = None,
        commit: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About"))
        self.resize(640, 560)
        notices = load_notices() if notices is None else notices
        commit = build_commit() if commit is None else commit
        title = QLabel(
            self.tr("Results Recognition Workstation %1").replace("%1", workstation.__version__)
        )
        font = title.font()
        font.setPointSize(font.pointSize() + 3)
        title.setFont(font)
        self.build = QLabel(
            self.tr("Build %1").replace("%1", commit) if commit else self.tr("Build: unknown")
        )
        self.build.setTextInteractionFlags(self.build.textInteractionFlags().TextSelectableByMouse)
        qt = QLabel(
            self.tr("Qt %1 · PySide6 %2")
            .replace("%1", qVersion())
            .replace("%2", PySide6.__version__)
        )
        rows = "".join(
            f"<tr><td>{html.escape(n.name)}</td><td>{html.escape(n.version)}</td>"
            f"<td>{html.escape(n.licence)}"
            + (f"<br/><small>{html.escape(n.bundled)}</small>" if n.bundled else "")
            + "</td></tr>"
            for n in notices
        )
        if not notices:
            rows = "<tr><td colspan='3'>{}</td></tr>".format(
                html.escape(self.tr("The third-party notices were not generated with this copy."))
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
        layout.addWidget(self.build)
        layout.addWidget(qt)
        layout.addWidget(QLabel(self.tr("Bundled libraries and fonts")))
        layout.addWidget(self.licences, 1)
        layout.addWidget(buttons)
