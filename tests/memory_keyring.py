"""An in-memory stand-in for the OS keyring (the secret-store protocol) for tests."""

from __future__ import annotations


class MemoryKeyring:
    """Secrets by (service, username); ``broken`` makes it refuse like a locked keyring."""

    def __init__(self, broken: bool = False) -> None:
        self.items: dict[tuple[str, str], str] = {}
        self.broken = broken

    def get_password(self, service: str, username: str) -> str | None:
        """The stored secret, or None."""
        if self.broken:
            raise RuntimeError("locked")
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        """Store a secret."""
        if self.broken:
            raise RuntimeError("locked")
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        """Forget a secret (nothing happens when there is none)."""
        self.items.pop((service, username), None)
