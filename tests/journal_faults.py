"""Making the real decision journal refuse writes for a while: SQLite itself aborts the
insert (as on a full disk), so the journal's own error path and transaction run."""

from __future__ import annotations

import sqlite3

from workstation.journal import Journal


def refuse_journal_writes(journal: Journal) -> None:
    """Every later insert into ``journal`` fails until ``allow_journal_writes``."""
    db = sqlite3.connect(journal.path)
    try:
        with db:
            db.execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON decision "
                "BEGIN SELECT RAISE(ABORT, 'simulated write failure'); END"
            )
    finally:
        db.close()


def allow_journal_writes(journal: Journal) -> None:
    """Undo ``refuse_journal_writes``."""
    db = sqlite3.connect(journal.path)
    try:
        with db:
            db.execute("DROP TRIGGER refuse")
    finally:
        db.close()
