"""Her saved DICOM objects waiting for the platform: durable on disk before "saved" is shown
(SQLite, WAL, synchronous=FULL, like the decision journal), sent oldest first, each exactly
once: the SOP Instance UID is the key on both sides, so a resend after a lost answer stores
nothing twice. The object bytes (patient data) are sealed at rest with the journal's cipher
and dropped once the platform has them."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from workstation.at_rest import FieldCipher, UnreadableValue
from workstation.dicomweb.stow import StowResult
from workstation.http import ErrorKind, PlatformError
from workstation.journal import JournalError, OutboxState
from workstation.private_db import connect_private_db, create_private_db
from workstation.recognition.outbox import SendReport

log = logging.getLogger("workstation.annotations")
OUTBOX_FILE = "annotations.sqlite"
_SEALED = b"sealed:"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS annotation(
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    sop_uid TEXT UNIQUE NOT NULL, study_uid TEXT NOT NULL, result_id TEXT NOT NULL,
    dicomweb_url TEXT NOT NULL, kind TEXT NOT NULL, data BLOB NOT NULL, created TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS annotation_state ON annotation(state, seq);
CREATE INDEX IF NOT EXISTS annotation_study ON annotation(study_uid, seq);
"""
StoreObject = Callable[[str, str, bytes], StowResult]  # DICOMweb base URL, study UID, bytes


@dataclass(frozen=True)
class OutgoingObject:
    """One saved object on its way to the platform."""

    sop_uid: str
    study_uid: str
    result_id: str
    dicomweb_url: str
    kind: str  # "SR", "KOS", "GSPS"
    data: bytes  # Part 10 bytes (b"" once sent)
    state: OutboxState = OutboxState.PENDING
    attempts: int = 0
    last_error: str = ""


class AnnotationOutbox:
    """One user's outgoing annotation objects in ``directory`` (the journal's folder)."""

    def __init__(self, directory: Path, cipher: FieldCipher | None = None) -> None:
        self.path = directory / OUTBOX_FILE
        self.cipher = cipher
        self._lock = threading.Lock()
        try:
            create_private_db(self.path, _SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise JournalError(f"the annotation outbox cannot be opened: {exc}") from exc

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return connect_private_db(self.path)

    def _seal(self, data: bytes, sop_uid: str) -> bytes:
        if self.cipher is None:
            return data
        return _SEALED + self.cipher.seal_bytes(data, f"annotations.data:{sop_uid}")

    def _open(self, blob: bytes, sop_uid: str) -> bytes:
        if not blob.startswith(_SEALED):
            return blob
        if self.cipher is None:
            raise UnreadableValue("encrypted, and no data key is available")
        return self.cipher.open_bytes(blob[len(_SEALED) :], f"annotations.data:{sop_uid}")

    def put(self, item: OutgoingObject, now: dt.datetime) -> None:
        """Store an object durably (on disk when this returns); the same SOP Instance UID
        again is ignored. Raises JournalError when it cannot be written."""
        try:
            with self._lock, self._connect() as db:
                db.execute(
                    "INSERT OR IGNORE INTO annotation(sop_uid, study_uid, result_id,"
                    " dicomweb_url, kind, data, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        item.sop_uid,
                        item.study_uid,
                        item.result_id,
                        item.dicomweb_url,
                        item.kind,
                        self._seal(item.data, item.sop_uid),
                        now.isoformat(),
                    ),
                )
        except sqlite3.Error as exc:
            raise JournalError(f"the annotations could not be saved: {exc}") from exc

    def _select(self, where: str, args: tuple[object, ...]) -> list[OutgoingObject]:
        with self._connect() as db:
            rows = db.execute(
                f"SELECT * FROM annotation WHERE {where} ORDER BY seq",  # noqa: S608 - fixed clauses
                args,
            ).fetchall()
        found = []
        for row in rows:
            try:
                data = self._open(bytes(row["data"]), str(row["sop_uid"]))
            except UnreadableValue:
                continue  # another key: kept, not sent, not shown
            found.append(
                OutgoingObject(
                    str(row["sop_uid"]),
                    str(row["study_uid"]),
                    str(row["result_id"]),
                    str(row["dicomweb_url"]),
                    str(row["kind"]),
                    data,
                    OutboxState(row["state"]),
                    int(row["attempts"]),
                    str(row["last_error"]),
                )
            )
        return found

    def pending(self) -> list[OutgoingObject]:
        """Objects not yet on the platform, oldest first."""
        return self._select("state = ?", (OutboxState.PENDING.value,))

    def rejected(self) -> list[OutgoingObject]:
        """Objects the platform refused (kept, with the reason)."""
        return self._select("state = ?", (OutboxState.REJECTED.value,))

    def find(self, sop_uid: str) -> OutgoingObject | None:
        """The object with this SOP Instance UID, in whatever state (None: never saved)."""
        found = self._select("sop_uid = ?", (sop_uid,))
        return found[0] if found else None

    def pending_for_study(self, study_uid: str) -> list[OutgoingObject]:
        """The study's objects not yet on the platform (shown on reopening meanwhile)."""
        return self._select("state = ? AND study_uid = ?", (OutboxState.PENDING.value, study_uid))

    def own_uids(self, study_uid: str) -> set[str]:
        """The SOP Instance UIDs of the objects of the study she saved here, waiting or sent
        (a row stays after sending, only its bytes go): the only proof that an object is
        hers, since anyone can write her login into an object. Refused ones are left out
        (the platform may hold another object under that UID)."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT sop_uid FROM annotation WHERE study_uid = ? AND state IN (?, ?)",
                (study_uid, OutboxState.PENDING.value, OutboxState.SENT.value),
            ).fetchall()
        return {str(row["sop_uid"]) for row in rows}

    def _update(self, sop_uid: str, state: OutboxState, error: str, drop_data: bool) -> None:
        with self._lock, self._connect() as db:
            db.execute(
                "UPDATE annotation SET state = ?, attempts = attempts + 1, last_error = ?,"
                " data = CASE WHEN ? THEN X'' ELSE data END WHERE sop_uid = ?",
                (state.value, error, int(drop_data), sop_uid),
            )

    def mark_sent(self, sop_uid: str) -> None:
        """The platform has the object: its bytes are no longer kept here."""
        self._update(sop_uid, OutboxState.SENT, "", True)

    def mark_rejected(self, sop_uid: str, reason: str) -> None:
        """The platform refused the object for ``reason``; it is not resent."""
        self._update(sop_uid, OutboxState.REJECTED, reason, False)

    def mark_attempt_failed(self, sop_uid: str, error: str) -> None:
        """A send failed for a passing reason; it stays pending."""
        self._update(sop_uid, OutboxState.PENDING, error, False)


_REFUSALS = (ErrorKind.REJECTED, ErrorKind.FORBIDDEN, ErrorKind.NOT_FOUND)


def send_pending_annotations(
    outbox: AnnotationOutbox,
    store: StoreObject,
    should_stop: Callable[[], bool] = lambda: False,
) -> SendReport:
    """Send every pending object, oldest first, by STOW-RS through ``store``. A refusal with
    a reason (the server's failure code, or a 4xx other than auth) marks the object rejected
    and goes on; a passing failure holds back the rest bound for the same DICOMweb service
    (the next pass retries from there) while the others still go (a platform signed out
    keeps only its own marks waiting)."""
    report = SendReport()
    held: set[str] = set()

    def hold(url: str, kind: str, retry_after_s: float | None = None) -> None:
        held.add(url)
        if not report.failed:
            report.failed, report.retry_after_s = kind, retry_after_s

    for item in outbox.pending():
        if should_stop():
            break
        if item.dicomweb_url in held:
            continue
        try:
            result = store(item.dicomweb_url, item.study_uid, item.data)
        except PlatformError as exc:
            if exc.kind in _REFUSALS:
                outbox.mark_rejected(item.sop_uid, exc.detail or exc.kind.value)
                report.rejected.append((item.sop_uid, exc.detail or exc.kind.value))
                log.warning("annotation object refused by the platform (%s)", exc.status)
                continue
            outbox.mark_attempt_failed(item.sop_uid, exc.kind.value)
            hold(item.dicomweb_url, exc.kind.value, exc.retry_after_s)
            continue
        refused = dict(result.failed)
        if item.sop_uid in result.stored:
            outbox.mark_sent(item.sop_uid)
            report.sent.append(item.sop_uid)
        elif item.sop_uid in refused or (result.failed and not result.stored):
            reason = f"refused by the platform (0x{refused.get(item.sop_uid, 0):04X})"
            outbox.mark_rejected(item.sop_uid, reason)
            report.rejected.append((item.sop_uid, reason))
        else:
            outbox.mark_attempt_failed(item.sop_uid, ErrorKind.BAD_RESPONSE.value)
            hold(item.dicomweb_url, ErrorKind.BAD_RESPONSE.value)
    return report
