"""Signing in to one more platform beside the home one (another city's): the sign-in form
for that platform alone, in a window-modal dialog. The owner runs the sign-in and closes
the dialog when it succeeded, or calls ``show_error``."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from ui.sign_in import SignInWidget
from workstation.config import PlatformEntry


class ExtraSignInDialog(QDialog):
    """The sign-in form for ``entry``; its ``form`` emits the sign-in requests."""

    def __init__(self, entry: PlatformEntry, remember_allowed: bool, parent: QWidget) -> None:
        super().__init__(parent)
        self.entry = entry
        self.setObjectName("extraSignIn")
        self.setWindowTitle(self.tr("Sign in to %1").replace("%1", entry.name))
        self.form = SignInWidget((entry,), entry.name, self)
        self.form.platform_box.setEnabled(False)
        self.form.subtitle.setText(
            self.tr(
                "Also sign in to %1: its results join the patient's timeline, and your decisions on them are sent to it."
            ).replace("%1", entry.name)
        )
        self.form.platforms_button.hide()
        if not remember_allowed:
            self.form.remember_box.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        self.resize(620, 380)

    def show_error(self, message: str) -> None:
        """The sign-in failed: say why, the form usable again."""
        self.form.set_busy(False)
        self.form.show_error(message)
