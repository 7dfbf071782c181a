"""An inline message with a Retry button (never a modal dialog for an ordinary failure)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class ErrorBanner(QFrame):
    """Hidden until ``show_error``; Retry calls the given action once."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorBanner")
        self.setStyleSheet(
            "#errorBanner { background: #fdecea; border: 1px solid #f5c2c0; border-radius: 4px; }"
            " QLabel { color: #8a1c14; }"
        )
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.retry_button = QPushButton(self.tr("Retry"))
        self.close_button = QPushButton(self.tr("Dismiss"))
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.retry_button)
        layout.addWidget(self.close_button)
        self._retry: Callable[[], None] | None = None
        self.retry_button.clicked.connect(self._on_retry)
        self.close_button.clicked.connect(self.hide)
        self.hide()

    def show_error(self, message: str, retry: Callable[[], None] | None = None) -> None:
        """Show ``message``; offer Retry when ``retry`` is given."""
        self.label.setText(message)
        self._retry = retry
        self.retry_button.setVisible(retry is not None)
        self.show()

    def _on_retry(self) -> None:
        action, self._retry = self._retry, None
        self.hide()
        if action is not None:
            action()
