"""The sign-in window: choose a platform, enter user name and password."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.centred import centre_panel
from workstation.config import PlatformEntry


class SignInWidget(QWidget):
    """Collects credentials. Emits ``sign_in_requested(platform, user, password, remember)``.

    It does no network work itself; the owner runs the sign-in and calls ``show_error`` or
    ``set_busy``.
    """

    sign_in_requested = Signal(object, str, str, bool)
    browser_sign_in_requested = Signal(object, bool)
    browser_cancel_requested = Signal()
    edit_platforms_requested = Signal()

    def __init__(
        self, platforms: tuple[PlatformEntry, ...], default: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("signIn")
        title = QLabel(self.tr("Results Recognition Workstation"))
        title.setObjectName("title")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = title.font()
        font.setPointSize(font.pointSize() + 6)
        title.setFont(font)
        # names the platform chosen below (a city's is not "the provincial platform")
        subtitle = QLabel()
        subtitle.setObjectName("signInSubtitle")
        subtitle.setAlignment(Qt.AlignmentFlag.AlignCenter)
        subtitle.setWordWrap(True)
        self.subtitle = subtitle

        self.platform_box = QComboBox()
        for entry in platforms:
            self.platform_box.addItem(f"{entry.name} — {entry.base_url}", entry)
        index = next((i for i, p in enumerate(platforms) if p.name == default), 0)
        self.platform_box.setCurrentIndex(index)
        self.platform_box.currentIndexChanged.connect(self._name_platform)
        self._name_platform()
        self.user_edit = QLineEdit()
        self.user_edit.setObjectName("user")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember_box = QCheckBox(self.tr("Remember me on this computer"))
        self.remember_box.setToolTip(
            self.tr("Keeps a sign-in token in the system keyring; your password is never stored.")
        )
        self.browser_button = QPushButton(self.tr("Sign in with browser…"))
        self.browser_button.setObjectName("browserSignIn")
        self.browser_button.setToolTip(
            self.tr("Use the platform's own sign-in page (authorization code with PKCE)")
        )
        # Shown only while the browser sign-in waits: she may give up without waiting out
        # the browser (closed tab, wrong account, another computer's browser opened).
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("cancelBrowserSignIn")
        self.cancel_button.setToolTip(self.tr("Stop waiting for the sign-in in the browser"))
        self.cancel_button.hide()
        self.platforms_button = QPushButton(self.tr("Platforms…"))
        self.sign_in_button = QPushButton(self.tr("Sign in"))
        self.sign_in_button.setObjectName("signInButton")
        self.sign_in_button.setDefault(True)
        self.error_label = QLabel()
        self.error_label.setObjectName("error")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.hide()

        form = QFormLayout()
        form.addRow(self.tr("Platform"), self.platform_box)
        form.addRow(self.tr("User name"), self.user_edit)
        form.addRow(self.tr("Password"), self.password_edit)
        form.addRow("", self.remember_box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.platforms_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.browser_button)
        buttons.addWidget(self.sign_in_button)
        panel = QWidget()
        panel.setMaximumWidth(560)
        column = QVBoxLayout(panel)
        column.addWidget(title)
        column.addWidget(subtitle)
        column.addSpacing(16)
        column.addLayout(form)
        column.addWidget(self.error_label)
        column.addLayout(buttons)
        centre_panel(self, panel, 3)

        self.sign_in_button.clicked.connect(self._submit)
        self.browser_button.clicked.connect(self._browser)
        self.cancel_button.clicked.connect(self.browser_cancel_requested)
        self.platforms_button.clicked.connect(self.edit_platforms_requested)
        self.password_edit.returnPressed.connect(self._submit)
        self.user_edit.returnPressed.connect(self.password_edit.setFocus)

    def _name_platform(self) -> None:
        """The subtitle names the platform she is about to sign in to."""
        entry = self.platform_box.currentData()
        if isinstance(entry, PlatformEntry) and entry.name.strip():
            self.subtitle.setText(self.tr("Sign in to %1").replace("%1", entry.name.strip()))
        else:
            self.subtitle.setText(self.tr("Sign in to a results recognition platform"))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        """The cursor waits where she types next: 用户名, or 密码 once a name is there."""
        super().showEvent(event)
        self.focus_first_empty()

    def focus_first_empty(self) -> None:
        """Put the cursor in the user name, or in the password when the name is filled."""
        target = self.password_edit if self.user_edit.text().strip() else self.user_edit
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _submit(self) -> None:
        platform = self.platform_box.currentData()
        user = self.user_edit.text().strip()
        if platform is None or not user or not self.password_edit.text():
            self.show_error(self.tr("Enter your user name and password."))
            return
        self.error_label.hide()
        self.sign_in_requested.emit(
            platform, user, self.password_edit.text(), self.remember_box.isChecked()
        )

    def _browser(self) -> None:
        platform = self.platform_box.currentData()
        if platform is not None:
            self.error_label.hide()
            self.browser_sign_in_requested.emit(platform, self.remember_box.isChecked())

    def set_platforms(self, platforms: tuple[PlatformEntry, ...], default: str) -> None:
        """Replace the platform list."""
        self.platform_box.clear()
        for entry in platforms:
            self.platform_box.addItem(f"{entry.name} — {entry.base_url}", entry)
        index = next((i for i, p in enumerate(platforms) if p.name == default), 0)
        self.platform_box.setCurrentIndex(index)
        self._name_platform()  # also when the list is emptied (no index change then)

    def show_error(self, message: str) -> None:
        """Show a problem under the form and re-enable it."""
        self.error_label.setText(message)
        self.error_label.show()
        self.set_busy(False)
        self.focus_first_empty()  # after a wrong password: in 密码, ready to type again

    def set_waiting_for_browser(self) -> None:
        """Disable the form while the sign-in goes on in the browser, offering to cancel;
        ``set_busy(False)`` (or ``show_error``) ends it."""
        self.set_busy(True)
        self.browser_button.setText(self.tr("Waiting for the browser…"))
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.cancel_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_busy(self, busy: bool) -> None:
        """Disable the form while a sign-in runs."""
        for widget in (
            self.platform_box,
            self.user_edit,
            self.password_edit,
            self.sign_in_button,
            self.browser_button,
            self.platforms_button,
        ):
            widget.setEnabled(not busy)
        self.sign_in_button.setText(self.tr("Signing in…") if busy else self.tr("Sign in"))
        if not busy:
            self.browser_button.setText(self.tr("Sign in with browser…"))
            self.cancel_button.hide()

    def clear_password(self) -> None:
        """Forget the typed password (after use)."""
        self.password_edit.clear()
