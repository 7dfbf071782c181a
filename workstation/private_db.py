"""A private SQLite file for one user's durable local records (the decision journal, the
annotation outbox): 0600 in a 0700 folder, WAL, every commit on disk, freed pages zeroed."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from workstation.private_files import create_private_file, ensure_private_dir, make_private


def create_private_db(path: Path, schema: str) -> None:
    """Create (or open) the database at ``path`` with ``schema`` (idempotent SQL), its
    folder, file and WAL side files private. Raises OSError or sqlite3.Error."""
    ensure_private_dir(path.parent)
    create_private_file(path)
    with connect_private_db(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(schema)
    for suffix in ("-wal", "-shm"):
        make_private(path.with_name(path.name + suffix))


@contextmanager
def connect_private_db(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection in one transaction (committed on leaving, rolled back on an error),
    rows by name; closed afterwards. Raises sqlite3.Error."""
    db = sqlite3.connect(path, timeout=30)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA synchronous=FULL")  # committed = on disk, also in WAL mode
    db.execute("PRAGMA secure_delete=ON")  # freed pages are zeroed, not left readable
    try:
        with db:
            yield db
    finally:
        db.close()
