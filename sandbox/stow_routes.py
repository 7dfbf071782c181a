"""STOW-RS for derived objects: doctors store measurement reports (SR), key object
selections (KOS) and presentation states (GSPS) into a study the platform holds. Each object
must belong to an existing study of the same patient and refer only to instances the platform
has; a resend of the very same object is accepted again without a second copy (the SOP
Instance UID is the key), another object under a UID already taken is refused. An object
naming its author's login (the content creator's code, the observer's login name) must name
the user of the token that stores it, and the frames it names must be frames the referenced
image has."""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydicom import dcmread
from pydicom.dataset import Dataset
from pydicom.errors import InvalidDicomError
from pydicom.multival import MultiValue
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox import scopes
from sandbox.config import ServerSettings
from sandbox.dicom_index import register_file
from sandbox.fhir_routes import CLINICAL
from sandbox.responses import outcome, require_user
from sandbox.store import Store
from workstation.annotations.model import LOGIN_SCHEME

JsonObj = dict[str, Any]
STOW_SCOPE = f"ImagingStudy.{scopes.WRITE}"
# What a doctor may store: derived objects, never images (those come from the hospitals).
STORABLE = {
    "1.2.840.10008.5.1.4.1.1.88.22": "Enhanced SR",
    "1.2.840.10008.5.1.4.1.1.88.33": "Comprehensive SR",
    "1.2.840.10008.5.1.4.1.1.88.34": "Comprehensive 3D SR",
    "1.2.840.10008.5.1.4.1.1.88.59": "Key Object Selection",
    "1.2.840.10008.5.1.4.1.1.11.1": "Grayscale Softcopy Presentation State",
}
MAX_PARTS = 20
# PS3.18 / PS3.7 failure reasons
_PROCESSING_FAILURE = 0x0110
_DUPLICATE = 0x0111
_REFUSED_SOP_CLASS = 0x0122  # SOP Class not supported
_NOT_AUTHORIZED = 0x0124  # Refused: not authorized (PS3.7 C.4.2)
_CANNOT_UNDERSTAND = 0xC000
_UID_PATTERN = re.compile(r"^[0-9]+(\.[0-9]+)*$")
_BOUNDARY = re.compile(r'boundary="?([^";]+)"?', re.IGNORECASE)
_LOGIN_NAME = "128774"  # DCM "Person Observer's Login Name"
MAX_DEPTH = 32  # levels of an SR content tree accepted


def split_multipart(body: bytes, content_type: str) -> list[bytes] | None:
    """The parts' payloads of a multipart/related body (None when it is not one)."""
    if not content_type.lower().startswith("multipart/related"):
        return None
    found = _BOUNDARY.search(content_type)
    if found is None:
        return None
    delimiter = b"--" + found.group(1).encode("latin-1")
    pieces = body.split(delimiter)
    if len(pieces) < 3 or not pieces[-1].startswith(b"--"):
        return None  # no closing delimiter: truncated
    parts = []
    for piece in pieces[1:-1]:
        _head, sep, payload = piece.partition(b"\r\n\r\n")
        if not sep:
            return None
        if payload.endswith(b"\r\n"):
            payload = payload[:-2]
        parts.append(payload)
    return parts


Reference = tuple[str, str, Any]  # study UID or "", SOP Instance UID, ReferencedFrameNumber


def _content(item: Dataset, depth: int = 0) -> Iterator[Dataset]:
    """Every content item below ``item``; ValueError below MAX_DEPTH levels."""
    if depth > MAX_DEPTH:
        raise ValueError("content nested too deeply")
    for child in item.get("ContentSequence") or []:
        yield child
        yield from _content(child, depth + 1)


def _references(ds: Dataset) -> Iterator[Reference]:
    """Every instance the object refers to, with the frames it names (None: none)."""
    for keyword in ("CurrentRequestedProcedureEvidenceSequence", "PertinentOtherEvidenceSequence"):
        for study in ds.get(keyword) or []:
            for series in study.get("ReferencedSeriesSequence") or []:
                for ref in series.get("ReferencedSOPSequence") or []:
                    yield (
                        str(study.get("StudyInstanceUID", "")),
                        str(ref.get("ReferencedSOPInstanceUID", "")),
                        ref.get("ReferencedFrameNumber"),
                    )
    images = [
        ref
        for series in ds.get("ReferencedSeriesSequence") or []  # a presentation state
        for ref in series.get("ReferencedImageSequence") or []
    ]
    images += [
        ref
        for annotation in ds.get("GraphicAnnotationSequence") or []
        for ref in annotation.get("ReferencedImageSequence") or []
    ]
    images += [ref for item in _content(ds) for ref in item.get("ReferencedSOPSequence") or []]
    for ref in images:
        yield "", str(ref.get("ReferencedSOPInstanceUID", "")), ref.get("ReferencedFrameNumber")


def _frame_count(image: Any) -> int:
    """The number of frames of a stored instance (its header's NumberOfFrames, else 1)."""
    header = json.loads(image["header"]) if isinstance(image["header"], str) else {}
    try:
        return int((header.get("00280008", {}).get("Value") or [1])[0])
    except (TypeError, ValueError):
        return 1


def _frames_exist(frames: Any, count: int) -> bool:
    """True when every frame number named (1-based) is one of the image's ``count``."""
    if frames is None or frames == "":
        return True
    values = list(frames) if isinstance(frames, MultiValue | list | tuple) else [frames]
    try:
        return all(1 <= int(v) <= count for v in values)
    except (TypeError, ValueError):
        return False


def _claimed_logins(ds: Dataset) -> set[str]:
    """The login names the object gives for its author."""
    found = {
        str(code.get("CodeValue", ""))
        for creator in ds.get("ContentCreatorIdentificationCodeSequence") or []
        for code in creator.get("PersonIdentificationCodeSequence") or []
        if code.get("CodingSchemeDesignator") == LOGIN_SCHEME
    }
    for item in _content(ds):
        concept = item.get("ConceptNameCodeSequence") or []
        if (
            item.get("ValueType") == "TEXT"
            and concept
            and concept[0].get("CodeValue") == _LOGIN_NAME
        ):
            found.add(str(item.get("TextValue", "")))
    return found


def _failure(sop_class: str, sop_uid: str, reason: int) -> JsonObj:
    item: JsonObj = {"00081197": {"vr": "US", "Value": [reason]}}
    if sop_class:
        item["00081150"] = {"vr": "UI", "Value": [sop_class]}
    if sop_uid:
        item["00081155"] = {"vr": "UI", "Value": [sop_uid]}
    return item


def _store_one(
    store: Store, data_dir: Path, data: bytes, study_uid: str | None, base: str, username: str
) -> tuple[JsonObj, bool]:
    """Check and store one object of ``username``: (its Referenced or Failed SOP item,
    stored?)."""
    try:
        ds = dcmread(io.BytesIO(data))
        sop_class, sop_uid = str(ds.SOPClassUID), str(ds.SOPInstanceUID)
        study, series = str(ds.StudyInstanceUID), str(ds.SeriesInstanceUID)
    except (InvalidDicomError, AttributeError, ValueError, TypeError, EOFError, OSError):
        return _failure("", "", _CANNOT_UNDERSTAND), False
    if sop_class not in STORABLE:
        return _failure(sop_class, sop_uid, _REFUSED_SOP_CLASS), False
    if not all(_UID_PATTERN.match(u) for u in (sop_uid, study, series)) or (
        study_uid is not None and study != study_uid
    ):
        return _failure(sop_class, sop_uid, _PROCESSING_FAILURE), False
    members = store.instances(study_uid=study)
    images = {row["sop_uid"]: row for row in members if row["sop_class"] not in STORABLE}
    patient = str(ds.get("PatientID", ""))
    if not images or any(row["patient_id"] != patient for row in images.values()):
        return _failure(sop_class, sop_uid, _PROCESSING_FAILURE), False  # no such study
    try:
        refs = list(_references(ds))
        logins = _claimed_logins(ds)
    except (ValueError, TypeError, AttributeError, RecursionError):
        return _failure(sop_class, sop_uid, _CANNOT_UNDERSTAND), False
    if logins - {username}:
        return _failure(sop_class, sop_uid, _NOT_AUTHORIZED), False  # in another's name
    if not refs or any(
        (ref_study and ref_study != study) or ref_uid not in images
        for ref_study, ref_uid, _frames in refs
    ):
        return _failure(sop_class, sop_uid, _PROCESSING_FAILURE), False
    counts = {uid: _frame_count(images[uid]) for uid in {ref_uid for _s, ref_uid, _f in refs}}
    if not all(_frames_exist(frames, counts[ref_uid]) for _study, ref_uid, frames in refs):
        return _failure(sop_class, sop_uid, _PROCESSING_FAILURE), False
    digest = hashlib.sha256(data).hexdigest()
    target = data_dir / "stow" / study / f"{sop_uid}.dcm"
    existing = store.instances(sop_uid=sop_uid)
    if existing:
        old = data_dir / existing[0]["path"]
        same = old.is_file() and hashlib.sha256(old.read_bytes()).hexdigest() == digest
        if not same:
            return _failure(sop_class, sop_uid, _DUPLICATE), False
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        register_file(store, target, data_dir)
    item = {
        "00081150": {"vr": "UI", "Value": [sop_class]},
        "00081155": {"vr": "UI", "Value": [sop_uid]},
        "00081190": {
            "vr": "UR",
            "Value": [f"{base}/studies/{study}/series/{series}/instances/{sop_uid}"],
        },
    }
    return item, True


def _store_all(
    store: Store,
    data_dir: Path,
    parts: list[bytes],
    study_uid: str | None,
    base: str,
    username: str,
) -> tuple[list[JsonObj], list[JsonObj]]:
    stored: list[JsonObj] = []
    failed: list[JsonObj] = []
    for data in parts:
        item, ok = _store_one(store, data_dir, data, study_uid, base, username)
        (stored if ok else failed).append(item)
    return stored, failed


async def stow(request: Request) -> Response:
    """POST /dicomweb/studies[/{study}]: 200 all stored, 202 some, 409 none (PS3.18 10.5)."""
    user = require_user(request, *CLINICAL, scope=STOW_SCOPE)
    settings: ServerSettings = request.app.state.settings
    parts = split_multipart(await request.body(), request.headers.get("content-type", ""))
    if parts is None:
        return outcome(415, "not-supported", 'send multipart/related; type="application/dicom"')
    if not parts or len(parts) > MAX_PARTS:
        return outcome(400, "invalid", f"send 1 to {MAX_PARTS} objects")
    study_uid = request.path_params.get("study")
    stored, failed = await run_in_threadpool(
        _store_all,
        request.app.state.store,
        settings.data_dir,
        parts,
        study_uid,
        f"{settings.base_url}/dicomweb",
        user.username,
    )
    body: JsonObj = {}
    if study_uid:
        body["00081190"] = {
            "vr": "UR",
            "Value": [f"{settings.base_url}/dicomweb/studies/{study_uid}"],
        }
    if stored:
        body["00081199"] = {"vr": "SQ", "Value": stored}
    if failed:
        body["00081198"] = {"vr": "SQ", "Value": failed}
    status = 200 if not failed else 202 if stored else 409
    return JSONResponse(body, status_code=status, media_type="application/dicom+json")


_S = "/dicomweb/studies"
ROUTES = [
    Route(_S, stow, methods=["POST"]),
    Route(_S + "/{study}", stow, methods=["POST"]),
]
