"""The audit trail: every patient view is written to a local log and sent as a FHIR AuditEvent."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from workstation.private_files import ensure_private_dir, open_private_append

AUDIT_FILE = "audit.jsonl"
DCM = "http://dicom.nema.org/resources/ontology/DCM"
# DICOM audit event IDs (PS3.15 A.5.3): 110110 Patient Record, 110106 Export
EVENT_TYPES = {
    "patient-view": ("110110", "Patient Record"),
    "decision": ("110110", "Patient Record"),
    "paper-report": ("110110", "Patient Record"),  # a paper report she transcribed, stored
}


@dataclass(frozen=True)
class AuditRecord:
    """One audited action: who did what to whose record, when."""

    id: str
    recorded: str  # ISO instant, UTC
    action: str  # patient-view | result-view | decision | paper-report
    user: str  # platform user name
    practitioner: str  # "Practitioner/…"
    patient_id: str  # platform id (never the ID card number)
    entity: str = ""  # e.g. "DiagnosticReport/…"


def new_record(
    action: str,
    user: str,
    practitioner: str,
    patient_id: str,
    entity: str = "",
    now: dt.datetime | None = None,
) -> AuditRecord:
    """A record stamped now (UTC)."""
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return AuditRecord(
        uuid.uuid4().hex,
        stamp.isoformat(timespec="seconds"),
        action,
        user,
        practitioner,
        patient_id,
        entity,
    )


class AuditLog:
    """Append-only local audit file (JSON lines, fsynced), 0600 in a 0700 folder.

    It names users and the platform's patient ids (never ID card numbers, names or notes)."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / AUDIT_FILE
        self._lock = threading.Lock()

    def append(self, record: AuditRecord) -> None:
        """Write one record durably. Raises OSError (disk full…)."""
        line = json.dumps(asdict(record), ensure_ascii=False) + "\n"
        with self._lock:
            ensure_private_dir(self.path.parent)
            with os.fdopen(open_private_append(self.path), "a", encoding="utf-8") as handle:
                handle.write(line)
                handle.flush()
                os.fsync(handle.fileno())

    def records(self) -> list[AuditRecord]:
        """Everything logged so far."""
        if not self.path.exists():
            return []
        with self.path.open(encoding="utf-8") as handle:
            return [AuditRecord(**json.loads(line)) for line in handle if line.strip()]


def audit_event(record: AuditRecord) -> dict[str, Any]:
    """The record as a FHIR R4 AuditEvent."""
    code, display = EVENT_TYPES.get(record.action, ("110110", "Patient Record"))
    entities: list[dict[str, Any]] = [
        {
            "what": {"reference": f"Patient/{record.patient_id}"},
            "type": {"code": "1", "display": "Person"},
        }
    ]
    if record.entity:
        entities.append({"what": {"reference": record.entity}})
    return {
        "resourceType": "AuditEvent",
        "type": {"system": DCM, "code": code, "display": display},
        "action": "R" if record.action.endswith("view") else "C",
        "recorded": record.recorded.replace("+00:00", "Z"),
        "outcome": "0",
        "agent": [
            {"who": {"reference": record.practitioner, "display": record.user}, "requestor": True}
        ],
        "source": {"observer": {"display": "hr-workstation"}},
        "entity": entities,
    }
