"""The main window: sign-in first, then the patient workspace."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QStackedWidget

from ui.sign_in import SignInWidget
from workstation.config import Settings


class MainWindow(QMainWindow):
    """Top-level window holding the current page."""

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.setWindowTitle(self.tr("Results Recognition Workstation"))
        self.pages = QStackedWidget()
        self.sign_in = SignInWidget(settings.platforms, settings.default_platform)
        self.pages.addWidget(self.sign_in)
        self.setCentralWidget(self.pages)
        self.statusBar().showMessage(self.tr("Not signed in"))
