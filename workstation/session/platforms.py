"""Which configured platforms she is signed into, and how each is doing: the one
source of truth the status bar observes (Qt-free).

The home platform is the one she signed into first (her decision authority); the others
are signed into beside it, each with its own tokens. A platform whose records could not be
read is ``UNREACHABLE`` until it answers again; it never blocks the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from workstation.config import PlatformEntry
from workstation.session.events import Event


class PlatformState(Enum):
    """How one configured platform is doing for her."""

    SIGNED_OUT = "signed_out"
    SIGNING_IN = "signing_in"
    CONNECTED = "connected"
    UNREACHABLE = "unreachable"  # signed in, but it did not answer the last time


@dataclass(frozen=True)
class PlatformStatus:
    """One platform's line in the status bar."""

    entry: PlatformEntry
    state: PlatformState
    home: bool = False
    detail: str = ""  # plain words of the last problem (no patient data)


class PlatformStates:
    """The configured platforms and their states; ``changed`` is emitted with the
    platform's name whenever one changes."""

    def __init__(self, entries: tuple[PlatformEntry, ...] = ()) -> None:
        self.changed: Event[[str]] = Event()
        self._status: dict[str, PlatformStatus] = {}
        # the platform taking the decisions on PACS and disc studies ("": the home one)
        self.authority = ""
        self.configure(entries)

    def configure(self, entries: tuple[PlatformEntry, ...]) -> None:
        """The configured platforms (after the settings changed); states of the ones still
        configured are kept, and everyone hears of the change (name "")."""
        kept = {e.name: self._status.get(e.name) for e in entries}
        self._status = {
            e.name: (
                s if s is not None and s.entry == e else PlatformStatus(e, PlatformState.SIGNED_OUT)
            )
            for e, s in ((e, kept[e.name]) for e in entries)
        }
        self.changed.emit("")

    def all(self) -> list[PlatformStatus]:
        """Every configured platform, the home one first."""
        return sorted(self._status.values(), key=lambda s: not s.home)

    def status(self, name: str) -> PlatformStatus | None:
        """One platform's status by name."""
        return self._status.get(name)

    @property
    def home(self) -> PlatformStatus | None:
        """The platform she signed into first, while signed in."""
        return next((s for s in self._status.values() if s.home), None)

    def set(
        self,
        entry: PlatformEntry,
        state: PlatformState,
        *,
        home: bool | None = None,
        detail: str = "",
    ) -> None:
        """Change a platform's state (one not configured, e.g. removed meanwhile, is
        added so that what she is signed into is always shown)."""
        old = self._status.get(entry.name)
        is_home = old.home if home is None and old is not None else bool(home)
        new = PlatformStatus(entry, state, is_home, detail)
        if new != old:
            self._status[entry.name] = new
            self.changed.emit(entry.name)

    def set_authority(self, name: str) -> None:
        """Which platform takes the decisions on PACS and disc studies ("": the home one)."""
        if name != self.authority:
            self.authority = name
            self.changed.emit("")

    def is_authority(self, status: PlatformStatus) -> bool:
        """Whether ``status``'s platform takes the decisions on PACS and disc studies."""
        return status.entry.name == self.authority if self.authority else status.home

    def sign_out_all(self) -> None:
        """Every platform signed out (she signed out of the workstation)."""
        for status in list(self._status.values()):
            self.set(status.entry, PlatformState.SIGNED_OUT, home=False)
