"""Patient data on this machine (issue 19): journal, audit log, log files and crash dumps are
0600 in 0700 folders (old ones corrected on start); the journal's patient fields are sealed
with a data key from the keyring (AES-256-GCM, or SM4-GCM as an option); a missing or wrong
key is reported entry by entry, never a crash."""

from __future__ import annotations

import base64
import datetime as dt
import logging
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.memory_keyring import MemoryKeyring
from workstation.at_rest import (
    KEYRING_SERVICE,
    CipherName,
    FieldCipher,
    KeyUnavailable,
    UnreadableValue,
    cipher_name,
    data_key,
    sm4_available,
)
from workstation.audit import AuditLog, new_record
from workstation.config import Settings, settings_from_json, settings_to_json
from workstation.journal import JOURNAL_FILE, Journal, OutboxState
from workstation.logs import setup_logging, shutdown_logging
from workstation.model import Category, Result
from workstation.paths import AppPaths
from workstation.recognition.decisions import Decision, DecisionKind, new_decision

pytestmark = pytest.mark.unit

PATIENT_ID = "pid-110101199003074514"  # some platforms use the card number as the id
NOTE = "李静诉胸痛三天，联系电话13812345678"
CST = dt.timezone(dt.timedelta(hours=8))


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _decision(n: int = 0) -> Decision:
    result = Result(
        f"r{n}", PATIENT_ID, Category.LAB, "JY007", "电解质", "scph", dt.datetime(2026, 11, 20)
    )
    return new_decision(
        result,
        DecisionKind.ACCEPTED,
        username="dr.li",
        practitioner="Practitioner/pr001",
        catalog_version="2026.11-1",
        eligibility="valid",
        now=dt.datetime(2026, 11, 23, 10, n, tzinfo=CST),
        note=NOTE,
    )


def _disk_bytes(directory: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file())


def _plaintext_on_disk(directory: Path) -> list[str]:
    data = _disk_bytes(directory)
    needles = (PATIENT_ID, "110101199003074514", NOTE, "李静", "13812345678")
    return [n for n in needles if n.encode("utf-8") in data]


# --- file modes --------------------------------------------------------------------------------


def test_new_journal_audit_log_log_file_and_crash_dump_are_private(tmp_path: Path) -> None:
    os.umask(0o022)  # the usual default, under which files come out 0644
    journal = Journal(tmp_path / "data" / "journal" / "dr.li")
    reader = sqlite3.connect(journal.path)  # keeps the WAL and its index while we look
    reader.execute("SELECT count(*) FROM decision").fetchone()
    journal.record(_decision())
    audit = AuditLog(tmp_path / "data")
    audit.append(new_record("patient-view", "dr.li", "Practitioner/pr001", "p0001"))
    log_path = setup_logging(tmp_path / "log", to_stderr=False)
    try:
        logging.getLogger("workstation.test").info("hello")
        handler = next(h for h in logging.getLogger().handlers if getattr(h, "_workstation", 0))
        assert isinstance(handler, logging.handlers.RotatingFileHandler)
        handler.doRollover()  # a rotated file and its successor
        logging.getLogger("workstation.test").info("again")
    finally:
        shutdown_logging()
    faults = tmp_path / "log" / "faults.log"
    crash = subprocess.run(
        [sys.executable, "-c", _FAULTS_FILE, str(faults.parent)],
        cwd=Path(__file__).resolve().parent.parent,
        check=True,
    )
    assert crash.returncode == 0
    files = [
        journal.path,
        journal.path.with_name(JOURNAL_FILE + "-wal"),
        journal.path.with_name(JOURNAL_FILE + "-shm"),
        audit.path,
        log_path,
        log_path.with_name(log_path.name + ".1"),
        faults,
    ]
    for path in files:
        assert path.exists(), path
        assert _mode(path) == 0o600, path
    for folder in (journal.path.parent, journal.path.parent.parent, tmp_path / "log"):
        assert _mode(folder) == 0o700, folder
    reader.close()


# In a child process: faults_to_file keeps faulthandler pointed at its file for good.
_FAULTS_FILE = """
import os, sys
from pathlib import Path
from workstation.crash import faults_to_file
os.umask(0o022)
faults_to_file(Path(sys.argv[1]))
"""


def test_files_of_earlier_versions_are_made_private_on_start(tmp_path: Path) -> None:
    paths = AppPaths.under(tmp_path)
    old_files = [
        paths.data_dir / "journal" / "dr.li" / JOURNAL_FILE,
        paths.data_dir / "audit.jsonl",
        paths.log_dir / "workstation.log",
        paths.log_dir / "workstation.log.3",
        paths.cache_dir / "thumbs" / "x.png",
    ]
    for path in old_files:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
        os.chmod(path, 0o644)
    for folder in {p.parent for p in old_files} | {paths.data_dir, paths.log_dir}:
        os.chmod(folder, 0o755)
    changed = paths.ensure()
    assert changed >= len(old_files)
    for path in old_files:
        assert _mode(path) == 0o600, path
        assert _mode(path.parent) == 0o700, path.parent
    assert paths.ensure() == 0  # nothing left to correct


# --- encryption at rest ------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CipherName))
def test_the_journal_seals_patient_fields_on_disk(tmp_path: Path, name: CipherName) -> None:
    if name is CipherName.SM4_GCM:
        assert sm4_available()  # this build offers it; the test must not pass by skipping
    keyring = MemoryKeyring()
    cipher, created = data_key(keyring, "journal:dr.li", name)
    assert created
    journal = Journal(tmp_path, cipher)
    decisions = [journal.record(_decision(n)) for n in range(3)]
    assert _plaintext_on_disk(tmp_path) == []
    # and yet it all reads back, with a key found again in the keyring
    again, created = data_key(keyring, "journal:dr.li", name)
    assert not created
    entries = Journal(tmp_path, again).all()
    assert [e.decision for e in entries] == decisions
    assert entries[0].decision.note == NOTE
    assert entries[0].decision.patient_id == PATIENT_ID
    assert [k for _s, k in keyring.items] == [f"data-key:{name.value}:journal:dr.li"]


def test_a_plain_journal_is_sealed_when_opened_with_a_key(tmp_path: Path) -> None:
    plain = Journal(tmp_path)
    recorded = [plain.record(_decision(n)) for n in range(2)]
    assert PATIENT_ID in _plaintext_on_disk(tmp_path)  # the test can see plaintext
    cipher = FieldCipher(os.urandom(32))
    sealed = Journal(tmp_path, cipher)
    assert _plaintext_on_disk(tmp_path) == []
    assert [e.decision for e in sealed.pending()] == recorded


def test_a_wrong_or_missing_key_is_reported_entry_by_entry_never_a_crash(tmp_path: Path) -> None:
    right = FieldCipher(os.urandom(32))
    journal = Journal(tmp_path, right)
    first = journal.record(_decision(0))
    journal.mark_sent(first.id, "srv-1")
    second = journal.record(_decision(1))
    for reader, reason in (
        (Journal(tmp_path, FieldCipher(os.urandom(32))), "another key"),
        (Journal(tmp_path), "no data key"),
        (Journal(tmp_path, FieldCipher(os.urandom(16), CipherName.SM4_GCM)), "aes-256-gcm"),
    ):
        assert reader.pending() == []
        assert reader.all() == []
        assert reader.latest(second.result_id) is None
        unreadable = reader.unreadable()
        assert [(u.decision_id, u.state) for u in unreadable] == [
            (first.id, OutboxState.SENT),
            (second.id, OutboxState.PENDING),
        ]
        assert all(reason in u.reason for u in unreadable)
        assert NOTE not in " ".join(u.reason for u in unreadable)
    # nothing was lost: with the right key they read again, the pending one still pending
    assert [e.decision.id for e in Journal(tmp_path, right).pending()] == [second.id]


def test_a_sealed_value_moved_to_another_row_does_not_open() -> None:
    cipher = FieldCipher(os.urandom(32))
    sealed = cipher.seal(NOTE, "journal.decision.note:a")
    assert cipher.open(sealed, "journal.decision.note:a") == NOTE
    with pytest.raises(UnreadableValue, match="altered or moved"):
        cipher.open(sealed, "journal.decision.note:b")
    damaged = sealed[:-6] + ("AAAA==" if not sealed.endswith("AAAA==") else "BBBB==")
    with pytest.raises(UnreadableValue):
        cipher.open(damaged, "journal.decision.note:a")
    with pytest.raises(UnreadableValue, match="not an encrypted value"):
        cipher.open("plain text", "x")
    blob = cipher.seal_bytes(b"\x00pixels", "cache:1.2.3")
    assert b"pixels" not in blob
    assert cipher.open_bytes(blob, "cache:1.2.3") == b"\x00pixels"


def test_keyring_trouble_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(KeyUnavailable, match="cannot be read"):
        data_key(MemoryKeyring(broken=True), "journal:dr.li")
    damaged = MemoryKeyring()
    damaged.items[(KEYRING_SERVICE, "data-key:aes-256-gcm:journal:dr.li")] = "not base64!"
    with pytest.raises(KeyUnavailable, match="damaged"):
        data_key(damaged, "journal:dr.li")
    short = MemoryKeyring()
    short.items[(KEYRING_SERVICE, "data-key:aes-256-gcm:journal:dr.li")] = base64.b64encode(
        b"short"
    ).decode()
    with pytest.raises(KeyUnavailable):
        data_key(short, "journal:dr.li")


def test_the_cipher_is_a_setting() -> None:
    assert Settings().at_rest_cipher == "aes-256-gcm"
    chosen = settings_from_json(settings_to_json(Settings(at_rest_cipher="sm4-gcm")))
    assert cipher_name(chosen.at_rest_cipher) is CipherName.SM4_GCM
    with pytest.raises(ValueError, match="one of aes-256-gcm, sm4-gcm"):
        cipher_name("des")
