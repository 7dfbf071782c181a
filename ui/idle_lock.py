"""Idle auto-lock: after a quiet period the patient data is hidden until she re-enters her
password (shared workstations; 等级保护)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.centred import centre_panel

_ACTIVITY = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.KeyPress,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class IdleWatcher(QObject):
    """Emits ``idle`` after ``minutes`` without keyboard or mouse input in the application."""

    idle = Signal()

    def __init__(self, minutes: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(max(int(minutes * 60_000), 100))
        self.timer.timeout.connect(self.idle)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def start(self) -> None:
        """Begin watching (after sign-in)."""
        self.timer.start()

    def stop(self) -> None:
        """Stop watching (signed out or locked)."""
        self.timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in _ACTIVITY and self.timer.isActive():
            self.timer.start()
        return False

    def detach(self) -> None:
        """Remove the application-wide filter."""
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


class LockPage(QWidget):
    """Shown instead of patient data while locked."""

    unlock_requested = Signal(str)
    sign_out_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockPage")
        self.title = QLabel(self.tr("Locked after inactivity"))
        font = self.title.font()
        font.setPointSize(font.pointSize() + 4)
        self.title.setFont(font)
        self.user_label = QLabel()
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("unlockPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(self.tr("Password"))
        self.unlock_button = QPushButton(self.tr("Unlock"))
        self.sign_out_button = QPushButton(self.tr("Sign out"))
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #b00020;")
        buttons = QHBoxLayout()
        buttons.addWidget(self.sign_out_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        panel = QWidget()
        panel.setMaximumWidth(420)
        column = QVBoxLayout(panel)
        for widget in (self.title, self.user_label, self.password_edit, self.error_label):
            column.addWidget(widget)
        column.addLayout(buttons)
        centre_panel(self, panel, 2)
        self.unlock_button.clicked.connect(self._unlock)
        self.password_edit.returnPressed.connect(self._unlock)
        self.sign_out_button.clicked.connect(self.sign_out_requested)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)

    def _unlock(self) -> None:
        password = self.password_edit.text()
        self.password_edit.clear()
        if password:
            self.unlock_button.setEnabled(False)
            self.unlock_requested.emit(password)

    def show_error(self, text: str) -> None:
        """Wrong password (or the platform is unreachable)."""
        self.error_label.setText(text)
        self.unlock_button.setEnabled(True)

    def reset(self, user: str) -> None:
        """Prepare for a new lock."""
        self.user_label.setText(user)
        self.error_label.clear()
        self.password_edit.clear()
        self.unlock_button.setEnabled(True)
