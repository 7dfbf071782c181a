"""The local decision journal and outbox (SQLite, WAL, synchronous=FULL).

A decision is on disk before ``record`` returns, so the UI may say "saved" right after it.
``record`` also links the decision to the one it supersedes (the last saved decision on the
same result), inside the same write transaction: a write that failed is never superseded.
Each entry then waits in the outbox until the platform has it (``mark_sent``) or refused it
for a reason (``mark_rejected``); nothing is ever deleted.

The file is 0600 in a 0700 folder. With a ``FieldCipher`` the patient fields (the patient's
platform id and the doctor's note) are sealed at rest, bound to their row; rows written
before encryption are sealed when the journal is opened. Rows that cannot be opened (the
key is missing or another one) are left untouched, kept out of every listing and reported by
``unreadable()``: nothing crashes, and they open again if the right key comes back.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, replace
from enum import Enum
from pathlib import Path

from workstation.at_rest import FieldCipher, UnreadableValue, is_sealed
from workstation.private_db import connect_private_db, create_private_db
from workstation.recognition.decisions import Decision, DecisionKind, decision_in_force

JOURNAL_FILE = "journal.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS decision(
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT UNIQUE NOT NULL,
    result_id TEXT NOT NULL, patient_id TEXT NOT NULL, kind TEXT NOT NULL,
    username TEXT NOT NULL, practitioner TEXT NOT NULL, authored_on TEXT NOT NULL,
    catalog_version TEXT NOT NULL, item_code TEXT NOT NULL, category TEXT NOT NULL,
    hospital_id TEXT NOT NULL, reason_code TEXT NOT NULL, reason_label TEXT NOT NULL,
    note TEXT NOT NULL, patient_informed INTEGER NOT NULL, eligibility TEXT NOT NULL,
    supersedes TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '', server_id TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS decision_result ON decision(result_id, seq);
CREATE INDEX IF NOT EXISTS decision_state ON decision(state, seq);
"""
_FIELDS = tuple(Decision.__dataclass_fields__)
SEALED_FIELDS = ("patient_id", "note")  # patient data; the rest is codes, ids and dates


class OutboxState(Enum):
    """Where a recorded decision is on its way to the platform."""

    PENDING = "pending"
    SENT = "sent"
    REJECTED = "rejected"  # the platform refused it for a reason; shown to the doctor


class JournalError(Exception):
    """The journal cannot be written (disk full, read-only, corrupt)."""


@dataclass(frozen=True)
class JournalEntry:
    """A decision with its delivery state."""

    decision: Decision
    state: OutboxState
    attempts: int
    last_error: str
    server_id: str


def entry_in_force(entries: Sequence[JournalEntry]) -> JournalEntry | None:
    """The entry of the decision in force among one result's entries (oldest first), by the
    rule of ``decision_in_force``; None when no decision is in force."""
    decision = decision_in_force(entry.decision for entry in entries)
    if decision is None:
        return None
    return next(entry for entry in reversed(entries) if entry.decision.id == decision.id)


@dataclass(frozen=True)
class UnreadableEntry:
    """A journal row whose patient fields cannot be opened, and why (never their content)."""

    decision_id: str
    state: OutboxState
    reason: str


def _context(field_name: str, decision_id: str) -> str:
    return f"journal.decision.{field_name}:{decision_id}"


class Journal:
    """One user's decision journal in ``directory``."""

    def __init__(self, directory: Path, cipher: FieldCipher | None = None) -> None:
        self.path = directory / JOURNAL_FILE
        self.cipher = cipher
        self._lock = threading.Lock()
        try:
            create_private_db(self.path, _SCHEMA)
            if cipher is not None:
                self._seal_plain_rows(cipher)
        except OSError as exc:
            raise JournalError(f"the decision journal cannot be opened: {exc.strerror}") from exc
        except sqlite3.Error as exc:
            raise JournalError(f"the decision journal cannot be opened: {exc}") from exc

    def _seal_plain_rows(self, cipher: FieldCipher) -> int:
        # Rows from before encryption (or written without a key) are sealed now; the old
        # plaintext pages are overwritten (secure_delete) and the WAL emptied.
        with self._lock, self._connect() as db:
            rows = db.execute(f"SELECT id, {', '.join(SEALED_FIELDS)} FROM decision").fetchall()  # noqa: S608
            count = 0
            for row in rows:
                values = {
                    name: cipher.seal(row[name], _context(name, row["id"]))
                    for name in SEALED_FIELDS
                    if not is_sealed(row[name])
                }
                if values:
                    sets = ", ".join(f"{name} = :{name}" for name in values)
                    db.execute(
                        f"UPDATE decision SET {sets} WHERE id = :id",  # noqa: S608 - fixed names
                        {**values, "id": row["id"]},
                    )
                    count += 1
        if count:
            with self._connect() as db:
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return count

    def _open_field(self, name: str, value: str, decision_id: str) -> str:
        if not is_sealed(value):
            return value
        if self.cipher is None:
            raise UnreadableValue("encrypted, and no data key is available")
        return self.cipher.open(value, _context(name, decision_id))

    def _row_to_entry(self, row: sqlite3.Row) -> JournalEntry:
        values = {name: row[name] for name in _FIELDS}
        for name in SEALED_FIELDS:
            values[name] = self._open_field(name, values[name], values["id"])
        values["kind"] = DecisionKind(values["kind"])
        values["authored_on"] = dt.datetime.fromisoformat(values["authored_on"])
        values["patient_informed"] = bool(values["patient_informed"])
        return JournalEntry(
            Decision(**values),
            OutboxState(row["state"]),
            int(row["attempts"]),
            str(row["last_error"]),
            str(row["server_id"]),
        )

    def unreadable(self) -> list[UnreadableEntry]:
        """The rows whose patient fields cannot be opened with this journal's key (missing
        or another one), oldest first; they are in no other listing."""
        with self._connect() as db:
            rows = db.execute("SELECT * FROM decision ORDER BY seq").fetchall()
        found = []
        for row in rows:
            try:
                self._row_to_entry(row)
            except UnreadableValue as exc:
                found.append(UnreadableEntry(str(row["id"]), OutboxState(row["state"]), str(exc)))
        return found

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return connect_private_db(self.path)

    def record(self, decision: Decision) -> Decision:
        """Store a decision durably and return it as saved: ``supersedes`` is set to the id
        of the last decision saved on the same result ("" for the first), found inside the
        same write transaction as the insert (whatever the caller put there is replaced).

        Raises JournalError (e.g. disk full): then it is not saved and the UI must say so;
        the next decision on the result then supersedes the last one that was saved."""
        columns = ", ".join(_FIELDS)
        marks = ", ".join(f":{name}" for name in _FIELDS)
        try:
            with self._lock, self._connect() as db:
                # One write transaction from the read to the insert: another writer (another
                # process on the same journal) cannot slip a decision in between.
                db.execute("BEGIN IMMEDIATE")
                row = db.execute(
                    "SELECT id FROM decision WHERE result_id = ? ORDER BY seq DESC LIMIT 1",
                    (decision.result_id,),
                ).fetchone()
                saved = replace(decision, supersedes=str(row["id"]) if row else "")
                values = asdict(saved)
                values["kind"] = saved.kind.value
                values["authored_on"] = saved.authored_on.isoformat()
                values["patient_informed"] = int(saved.patient_informed)
                if self.cipher is not None:
                    for name in SEALED_FIELDS:
                        values[name] = self.cipher.seal(values[name], _context(name, saved.id))
                db.execute(f"INSERT INTO decision({columns}) VALUES ({marks})", values)  # noqa: S608
        except sqlite3.Error as exc:
            raise JournalError(f"the decision could not be saved: {exc}") from exc
        return saved

    def _select(self, where: str, args: tuple[object, ...]) -> list[JournalEntry]:
        with self._connect() as db:
            rows = db.execute(
                f"SELECT * FROM decision WHERE {where} ORDER BY seq",  # noqa: S608 - fixed clauses
                args,
            ).fetchall()
        entries = []
        for row in rows:
            try:
                entries.append(self._row_to_entry(row))
            except UnreadableValue:
                continue  # reported by unreadable()
        return entries

    def pending(self) -> list[JournalEntry]:
        """Decisions not yet on the platform, oldest first."""
        return self._select("state = ?", (OutboxState.PENDING.value,))

    def rejected(self) -> list[JournalEntry]:
        """Decisions the platform refused."""
        return self._select("state = ?", (OutboxState.REJECTED.value,))

    def history(self, result_id: str) -> list[JournalEntry]:
        """Every decision on one result, oldest first."""
        return self._select("result_id = ?", (result_id,))

    def latest(self, result_id: str) -> JournalEntry | None:
        """The decision in force on a result (None if none, or the last was withdrawn)."""
        return entry_in_force(self.history(result_id))

    def all(self) -> list[JournalEntry]:
        """Everything, oldest first."""
        return self._select("1 = 1", ())

    def _update(self, decision_id: str, state: OutboxState, error: str, server_id: str) -> None:
        with self._lock, self._connect() as db:
            db.execute(
                "UPDATE decision SET state = ?, attempts = attempts + 1, last_error = ?,"
                " server_id = CASE WHEN ? = '' THEN server_id ELSE ? END WHERE id = ?",
                (state.value, error, server_id, server_id, decision_id),
            )

    def mark_sent(self, decision_id: str, server_id: str) -> None:
        """The platform has the decision."""
        self._update(decision_id, OutboxState.SENT, "", server_id)

    def mark_rejected(self, decision_id: str, reason: str) -> None:
        """The platform refused the decision for ``reason``; it will not be resent."""
        self._update(decision_id, OutboxState.REJECTED, reason, "")

    def mark_attempt_failed(self, decision_id: str, error: str) -> None:
        """A send failed for a passing reason; it stays pending."""
        self._update(decision_id, OutboxState.PENDING, error, "")
