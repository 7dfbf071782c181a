"""STOW-RS: storing DICOM objects (her measurement reports, key image selections) into a
study on a DICOMweb server."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from workstation.dicomweb.client import DicomWebClient, uid_path
from workstation.http import ErrorKind, PlatformError, error_from_response, send

_REFERENCED = "00081199"  # Referenced SOP Sequence: stored
_FAILED = "00081198"  # Failed SOP Sequence
_REASON = "00081197"
_SOP_UID = "00081155"


@dataclass(frozen=True)
class StowResult:
    """What the server says it stored (SOP Instance UIDs) and refused (UID, reason code)."""

    stored: tuple[str, ...]
    failed: tuple[tuple[str, int], ...]


def _uid(item: Any) -> str:
    try:
        return str(item[_SOP_UID]["Value"][0])
    except (KeyError, IndexError, TypeError):
        return ""


def _reason(item: Any) -> int:
    try:
        return int(item[_REASON]["Value"][0])
    except (KeyError, IndexError, TypeError, ValueError):
        return 0


def _items(body: Any, tag: str) -> list[Any]:
    element = body.get(tag) if isinstance(body, dict) else None
    values = element.get("Value") if isinstance(element, dict) else None
    return list(values) if isinstance(values, list) else []


def store_instances(
    dicomweb: DicomWebClient, study_uid: str, objects: Sequence[bytes]
) -> StowResult:
    """POST ``objects`` (Part 10 bytes) to ``{base}/studies/{study_uid}`` as one
    multipart/related request. A resend of the same objects is safe where the server keys
    them on their SOP Instance UID (the sandbox, Orthanc), so transient failures are retried.

    Returns what was stored and refused (200, 202 and 409 answers). Raises PlatformError for
    other refusals and transport failures, BAD_RESPONSE for an unreadable answer."""
    boundary = secrets.token_hex(16)
    chunks = []
    for data in objects:
        chunks.append(f"--{boundary}\r\nContent-Type: application/dicom\r\n\r\n".encode("ascii"))
        chunks.append(data)
        chunks.append(b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode("ascii"))
    body = b"".join(chunks)
    url = f"{dicomweb.base_url}{uid_path(('studies', study_uid))}"
    content_type = f'multipart/related; type="application/dicom"; boundary={boundary}'
    for refresh in (False, True):
        headers = {
            **dicomweb.auth(refresh),
            "Content-Type": content_type,
            "Accept": "application/dicom+json",
        }
        response = send(
            dicomweb.client, "POST", url, idempotent=True, headers=headers, content=body
        )
        if response.status_code != 401:
            break
    if response.status_code not in (200, 202, 409):
        raise error_from_response(response)
    try:
        answer = response.json() if response.content else {}
    except ValueError as exc:
        raise PlatformError(ErrorKind.BAD_RESPONSE, "STOW answer is not JSON") from exc
    stored = tuple(uid for uid in map(_uid, _items(answer, _REFERENCED)) if uid)
    failed = tuple((_uid(item), _reason(item)) for item in _items(answer, _FAILED))
    if response.status_code == 409 and not failed:
        raise PlatformError(ErrorKind.REJECTED, "the server refused the objects", 409)
    return StowResult(stored, failed)
