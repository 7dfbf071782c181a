"""SMART on FHIR scopes: what the workstation asks for, and what a grant lets it do.

A platform found by SMART discovery is asked in the form it advertises: SMART v2 letters
(``user/Patient.rs``) when it names the ``permission-v2`` capability or v2 scopes, else the
v1 ``.read``/``.write`` forms. The answer's ``scope`` is what was granted (RFC 6749 §5.1);
the workstation copes with less (a read-only doctor reads, and is told why she cannot record).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

IDENTITY = ("openid", "fhirUser", "offline_access")
READS = ("Patient", "DiagnosticReport", "Observation", "ImagingStudy", "Organization",
         "Practitioner", "Endpoint", "Task")  # fmt: skip
V2 = (
    *IDENTITY,
    "profile",
    *(f"user/{t}.rs" for t in READS),
    "user/Task.cu",
    "user/AuditEvent.c",
)
V1 = (
    *IDENTITY,
    "profile",
    *(f"user/{t}.read" for t in READS),
    "user/Task.write",
    "user/AuditEvent.write",
)
_RESOURCE = re.compile(r"^(?:user|system|patient)/(\*|[A-Za-z]+)\.(read|write|\*|c?r?u?d?s?)$")


def uses_v2(capabilities: Iterable[str], scopes_supported: Iterable[str]) -> bool:
    """Whether the server speaks SMART v2 scopes."""
    if "permission-v2" in set(capabilities):
        return True
    return any(
        _RESOURCE.match(s) and s.rsplit(".", 1)[1] in ("rs", "cu", "c") for s in scopes_supported
    )


def requested(capabilities: Iterable[str], scopes_supported: Iterable[str]) -> str:
    """The scope string to ask a SMART platform for."""
    return " ".join(V2 if uses_v2(capabilities, scopes_supported) else V1)


def allows(granted: Iterable[str], resource_type: str, write: bool) -> bool:
    """Whether the granted scopes let the user read (search) or write (create) that type."""
    for item in granted:
        match = _RESOURCE.match(item)
        if match is None or match.group(1) not in (resource_type, "*"):
            continue
        access = match.group(2)
        if access == "*" or access == ("write" if write else "read"):
            return True
        if access not in ("read", "write") and set(access) & (set("cu") if write else set("rs")):
            return True
    return False


def can_record(granted: Iterable[str]) -> bool:
    """Whether a recognition decision (a Task, and its AuditEvent) may be written."""
    items = list(granted)
    return allows(items, "Task", write=True)
