"""The platforms in the status bar: one button each, saying whether she is signed in to
it, and letting her sign in to another city's platform (or out of it) without leaving the
patient. Observes ``workstation.session.platforms.PlatformStates``."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QMenu, QToolButton, QWidget

from workstation.config import PlatformEntry
from workstation.session.platforms import PlatformState, PlatformStates, PlatformStatus

_COLOURS = {
    PlatformState.CONNECTED: "#1b7f3b",
    PlatformState.SIGNING_IN: "#8a6d00",
    PlatformState.UNREACHABLE: "#b00020",
    PlatformState.SIGNED_OUT: "#666666",
}


class SourceStatus(QWidget):
    """Emits ``sign_in_requested(PlatformEntry)`` and ``sign_out_requested(PlatformEntry)``
    for a platform other than the home one."""

    sign_in_requested = Signal(object)
    sign_out_requested = Signal(object)

    def __init__(self, states: PlatformStates, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sourceStatus")
        self.states = states
        self.buttons: dict[str, QToolButton] = {}
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        states.changed.connect(self._changed)
        self._rebuild()

    def detach(self) -> None:
        """Stop observing (the window is closing)."""
        self.states.changed.disconnect(self._changed)

    def _changed(self, name: str) -> None:
        status = self.states.status(name) if name else None
        if status is None or name not in self.buttons:
            self._rebuild()
            return
        self._show(self.buttons[name], status)
        self._show_when_useful()

    def _show_when_useful(self) -> None:
        statuses = self.states.all()
        # one platform configured: the toolbar's user line says enough
        self.setVisible(any(s.home for s in statuses) and len(statuses) > 1)

    def _rebuild(self) -> None:
        for button in self.buttons.values():
            self._layout.removeWidget(button)
            button.deleteLater()
        self.buttons = {}
        self._show_when_useful()
        for status in self.states.all():
            button = QToolButton(self)
            button.setObjectName("source")
            button.setAutoRaise(True)
            button.clicked.connect(lambda _c=False, n=status.entry.name: self._clicked(n))
            self._layout.addWidget(button)
            self.buttons[status.entry.name] = button
            self._show(button, status)

    def state_text(self, status: PlatformStatus) -> str:
        """The words for a platform's state ("（判定）" on the decision authority)."""
        text = {
            PlatformState.CONNECTED: self.tr("signed in"),
            PlatformState.SIGNING_IN: self.tr("signing in…"),
            PlatformState.UNREACHABLE: self.tr("unreachable"),
            PlatformState.SIGNED_OUT: self.tr("not signed in"),
        }[status.state]
        if self.states.is_authority(status):
            text += self.tr(" (decisions)")
        return text

    def _show(self, button: QToolButton, status: PlatformStatus) -> None:
        dot = "●" if status.state is not PlatformState.SIGNED_OUT else "○"
        button.setText(f"{dot} {status.entry.name} · {self.state_text(status)}")
        button.setStyleSheet(f"color: {_COLOURS[status.state]};")
        tip = [status.entry.base_url]
        if status.home:
            tip.append(
                self.tr(
                    "The platform you signed in to first: your journal, catalog and paper reports are kept here."
                )
            )
        if self.states.is_authority(status):
            tip.append(
                self.tr("Your decisions on disc and PACS studies are recorded on this platform.")
            )
        elif status.state is PlatformState.SIGNED_OUT:
            tip.append(self.tr("Click to sign in: its results join the patient's timeline."))
        elif status.state is PlatformState.CONNECTED:
            tip.append(self.tr("Click to sign out of this platform."))
        if status.detail:
            tip.append(status.detail)
        button.setToolTip("\n".join(tip))

    def _clicked(self, name: str) -> None:
        status = self.states.status(name)
        if status is None or status.home or status.state is PlatformState.SIGNING_IN:
            return
        if status.state is PlatformState.SIGNED_OUT:
            self.sign_in_requested.emit(status.entry)
            return
        menu = QMenu(self)
        menu.addAction(
            self.tr("Sign out of %1").replace("%1", name), lambda: self._out(status.entry)
        )
        button = self.buttons[name]
        menu.popup(button.mapToGlobal(button.rect().topLeft()))

    def _out(self, entry: PlatformEntry) -> None:
        self.sign_out_requested.emit(entry)
