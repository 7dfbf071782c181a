"""OAuth scopes of the sandbox: what each role may be granted and what each route needs.

Scope names follow SMART on FHIR. A resource scope is ``user/<Type>.<access>`` where access
is ``read`` (read and search), ``write`` (create) or ``*`` (both); the SMART v2 letters are
accepted too (``user/Patient.rs``: r/s = read, c/u/d = write). ``user/*.read`` asks for
every readable type the role allows. Besides those:

- ``openid``, ``profile``, ``fhirUser``: identity (``/oauth/userinfo`` needs ``openid``);
- ``offline_access``: a refresh token is issued only with it;
- ``platform/statistics.read``: the region's statistics (admin role only).

Per route: FHIR read/search of T needs ``user/T.read``; creating a Task needs
``user/Task.write``, an AuditEvent ``user/AuditEvent.write``; every DICOMweb route needs
``user/ImagingStudy.read``, and STOW-RS of derived objects ``user/ImagingStudy.write``;
``/catalog/recognition`` (published reference data) needs only a valid token. Scopes asked
for that the role does not allow are left out of the grant (RFC 6749
§3.3: the answer's ``scope`` says what was granted); asking for none at all grants everything
the role allows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

IDENTITY = ("openid", "profile", "fhirUser", "offline_access")
STATISTICS = "platform/statistics.read"
READ, WRITE = "read", "write"

_CLINICAL_READ = (
    "Patient",
    "DiagnosticReport",
    "Observation",
    "ImagingStudy",
    "Organization",
    "Practitioner",
    "Endpoint",
    "Task",
    "DocumentReference",
    "Binary",
)
# What a doctor writes when she transcribes a report she was handed on paper.
_PAPER_WRITE = ("DiagnosticReport", "Observation", "DocumentReference", "Binary")
# role -> resource type -> the accesses it may be granted
ROLE_ACCESS: dict[str, dict[str, frozenset[str]]] = {
    "radiologist": {
        **{t: frozenset({READ}) for t in _CLINICAL_READ},
        "ImagingStudy": frozenset({READ, WRITE}),  # write: STOW-RS of her SR/KOS/GSPS
        "Task": frozenset({READ, WRITE}),
        "AuditEvent": frozenset({WRITE}),
        **{t: frozenset({READ, WRITE}) for t in _PAPER_WRITE},
    },
    "clinician": {
        **{t: frozenset({READ}) for t in _CLINICAL_READ},
        "ImagingStudy": frozenset({READ, WRITE}),
        "Task": frozenset({READ, WRITE}),
        "AuditEvent": frozenset({WRITE}),
        **{t: frozenset({READ, WRITE}) for t in _PAPER_WRITE},
    },
    "admin": {t: frozenset({READ}) for t in ("Organization", "Practitioner", "Endpoint", "Task")}
    | {"AuditEvent": frozenset({READ})},
}
_EXTRA: dict[str, tuple[str, ...]] = {"admin": (STATISTICS,)}
_RESOURCE = re.compile(r"^user/(\*|[A-Z][A-Za-z]{0,63})\.(read|write|\*|c?r?u?d?s?)$")
MAX_SCOPE_LENGTH = 2000


class ScopeError(ValueError):
    """A scope request that grants nothing (OAuth ``invalid_scope``)."""


def _accesses(text: str) -> frozenset[str]:
    if text == "*":
        return frozenset({READ, WRITE})
    if text in (READ, WRITE):
        return frozenset({text})
    letters = set(text)
    wanted = set()
    if letters & {"r", "s"}:
        wanted.add(READ)
    if letters & {"c", "u", "d"}:
        wanted.add(WRITE)
    return frozenset(wanted)


def _role_default(role: str) -> list[str]:
    access = ROLE_ACCESS.get(role, {})
    out = list(IDENTITY)
    for rtype, allowed in access.items():
        out.extend(f"user/{rtype}.{a}" for a in (READ, WRITE) if a in allowed)
    out.extend(_EXTRA.get(role, ()))
    return out


def grant(role: str, requested: str) -> str:
    """The scopes granted to a user of ``role`` who asked for ``requested`` (space separated;
    empty = everything the role allows), as a space-separated string in request order.
    Raises ScopeError when nothing asked for can be granted."""
    if len(requested) > MAX_SCOPE_LENGTH or not requested.isascii():
        raise ScopeError("the scope request is not valid")
    if not requested.strip():
        return " ".join(_role_default(role))
    access = ROLE_ACCESS.get(role, {})
    granted: list[str] = []
    for item in requested.split():
        if item in IDENTITY or item in _EXTRA.get(role, ()):
            granted.append(item)
            continue
        match = _RESOURCE.match(item)
        if match is None:
            continue
        rtype, wanted = match.group(1), _accesses(match.group(2))
        if not wanted:
            continue
        if rtype == "*":
            granted.extend(
                f"user/{t}.{a}" for t, allowed in access.items() for a in sorted(wanted & allowed)
            )
        elif wanted <= access.get(rtype, frozenset()):
            granted.append(item)
    granted = list(dict.fromkeys(granted))
    if not granted:
        raise ScopeError("none of the requested scopes can be granted to this account")
    return " ".join(granted)


def narrow(original: str, requested: str) -> str:
    """The scope of a refreshed token: ``original`` unless the request names a subset of it.
    Raises ScopeError when it asks for anything the original grant did not hold."""
    if not requested.strip():
        return original
    held = set(original.split())
    asked = requested.split()
    if not set(asked) <= held:
        raise ScopeError("a refresh cannot widen the scope of the grant")
    return " ".join(dict.fromkeys(asked))


def allows(granted: Iterable[str], needed: str) -> bool:
    """Whether the granted scope strings cover ``needed`` (``openid``,
    ``platform/statistics.read`` or ``<Type>.read`` / ``<Type>.write``)."""
    items = set(granted)
    if needed in items:
        return True
    rtype, dot, access = needed.partition(".")
    if not dot or "/" in rtype:
        return False
    for item in items:
        match = _RESOURCE.match(item)
        if match and match.group(1) == rtype and access in _accesses(match.group(2)):
            return True
    return False


def smart_v2_scopes() -> list[str]:
    """Every resource scope some role may be granted, in SMART v2 letters (``rs``, ``cu``)."""
    letters = {READ: "rs", WRITE: "cu"}
    return sorted(
        {
            f"user/{t}.{letters[a]}"
            for access in ROLE_ACCESS.values()
            for t, allowed in access.items()
            for a in allowed
        }
    )
