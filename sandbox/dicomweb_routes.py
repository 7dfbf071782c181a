"""DICOMweb subset: QIDO-RS (studies, series, instances), WADO-RS (instances as
multipart/related application/dicom, metadata) and rendered thumbnails."""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from sandbox import scopes
from sandbox.config import ServerSettings
from sandbox.dicom_index import (
    INSTANCE_KEYS,
    SERIES_KEYS,
    STUDY_KEYS,
    attr,
    pick,
)
from sandbox.fhir_routes import CLINICAL
from sandbox.limits import MAX_OFFSET, WHOLE_NUMBER
from sandbox.responses import Denied, outcome, require_user
from sandbox.store import Store
from sandbox.thumbnails import render_thumbnail
from sandbox.transcode import accepted_syntaxes, choices, instance_bytes

JsonObj = dict[str, Any]
DICOM_JSON = "application/dicom+json"
MAX_UIDS = 100  # comma-separated UIDs in one matching key
IMAGING = f"ImagingStudy.{scopes.READ}"  # the scope every DICOMweb route needs


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _settings(request: Request) -> ServerSettings:
    settings: ServerSettings = request.app.state.settings
    return settings


def _base(request: Request) -> str:
    return f"{_settings(request).base_url}/dicomweb"


def _problem(status: int, message: str) -> Response:
    return outcome(status, "processing" if status < 500 else "exception", message)


def _query(request: Request) -> dict[str, str]:
    """The QIDO query keys; raises Denied(400) for bad paging or too many UIDs."""
    query = dict(request.query_params)
    for key in ("offset", "limit"):
        text = query.get(key, "0") or "0"
        if not WHOLE_NUMBER.match(text) or int(text) > MAX_OFFSET:
            raise Denied(outcome(400, "invalid", f"{key} must be a whole number 0-{MAX_OFFSET}"))
    for key in ("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID"):
        if key in query and query[key].count(",") >= MAX_UIDS:
            raise Denied(outcome(400, "too-costly", f"at most {MAX_UIDS} UIDs in {key}"))
    return query


def _date_matches(value: str, query: str) -> bool:
    if "-" in query:
        low, _, high = query.partition("-")
        return (not low or value >= low) and (not high or value <= high)
    return value == query


def _filter_rows(rows: list[sqlite3.Row], query: dict[str, str]) -> list[sqlite3.Row]:
    def keep(row: sqlite3.Row) -> bool:
        if "PatientID" in query and row["patient_id"] != query["PatientID"]:
            return False
        if "StudyDate" in query and not _date_matches(row["study_date"], query["StudyDate"]):
            return False
        for key, column in (
            ("StudyInstanceUID", "study_uid"),
            ("SeriesInstanceUID", "series_uid"),
            ("SOPInstanceUID", "sop_uid"),
        ):
            if key in query and row[column] not in query[key].split(","):
                return False
        return not ("Modality" in query and row["modality"] != query["Modality"])

    return [row for row in rows if keep(row)]


def _paged(items: list[JsonObj], query: dict[str, str]) -> list[JsonObj]:
    offset = int(query.get("offset", "0") or 0)  # checked by _query: 0 … MAX_OFFSET
    limit = int(query.get("limit", "0") or 0)
    return items[offset : offset + limit] if limit else items[offset:]


def _header(row: sqlite3.Row) -> JsonObj:
    import json

    header: JsonObj = json.loads(row["header"])
    return header


async def qido_studies(request: Request) -> Response:
    require_user(request, *CLINICAL, scope=IMAGING)
    query = _query(request)
    rows = _filter_rows(_store(request).instances(), query)
    studies: dict[str, list[sqlite3.Row]] = {}
    for row in rows:
        studies.setdefault(row["study_uid"], []).append(row)
    out = []
    for study_uid, members in studies.items():
        modalities = sorted({m["modality"] for m in members})
        if "ModalitiesInStudy" in query and query["ModalitiesInStudy"] not in modalities:
            continue
        item = pick(_header(members[0]), STUDY_KEYS)
        item.update(attr("ModalitiesInStudy", "CS", modalities))
        item.update(
            attr("NumberOfStudyRelatedSeries", "IS", len({m["series_uid"] for m in members}))
        )
        item.update(attr("NumberOfStudyRelatedInstances", "IS", len(members)))
        item.update(attr("RetrieveURL", "UR", f"{_base(request)}/studies/{study_uid}"))
        out.append(item)
    out.sort(key=lambda s: str(s.get("00080020", {}).get("Value", [""])[0]), reverse=True)
    return JSONResponse(_paged(out, query), media_type=DICOM_JSON)


async def qido_series(request: Request) -> Response:
    require_user(request, *CLINICAL, scope=IMAGING)
    query = _query(request)
    study_uid = request.path_params["study"]
    rows = _filter_rows(_store(request).instances(study_uid=study_uid), query)
    series: dict[str, list[sqlite3.Row]] = {}
    for row in rows:
        series.setdefault(row["series_uid"], []).append(row)
    out = []
    for series_uid, members in series.items():
        item = pick(_header(members[0]), SERIES_KEYS)
        item.update(attr("NumberOfSeriesRelatedInstances", "IS", len(members)))
        item.update(
            attr("RetrieveURL", "UR", f"{_base(request)}/studies/{study_uid}/series/{series_uid}")
        )
        out.append(item)
    return JSONResponse(_paged(out, query), media_type=DICOM_JSON)


async def qido_instances(request: Request) -> Response:
    require_user(request, *CLINICAL, scope=IMAGING)
    query = _query(request)
    rows = _filter_rows(
        _store(request).instances(
            study_uid=request.path_params["study"],
            series_uid=request.path_params.get("series"),
        ),
        query,
    )
    out = []
    for row in rows:
        item = pick(_header(row), INSTANCE_KEYS)
        item.update(attr("AvailableTransferSyntaxUID", "UI", row["transfer_syntax"]))
        item.update(
            attr(
                "RetrieveURL",
                "UR",
                f"{_base(request)}/studies/{row['study_uid']}/series/{row['series_uid']}"
                f"/instances/{row['sop_uid']}",
            )
        )
        out.append(item)
    return JSONResponse(_paged(out, query), media_type=DICOM_JSON)


def _selected_rows(request: Request) -> list[sqlite3.Row]:
    p = request.path_params
    return _store(request).instances(
        study_uid=p["study"], series_uid=p.get("series"), sop_uid=p.get("instance")
    )


async def metadata(request: Request) -> Response:
    require_user(request, *CLINICAL, scope=IMAGING)
    rows = _selected_rows(request)
    if not rows:
        return _problem(404, "no such study, series or instance")
    return JSONResponse([_header(row) for row in rows], media_type=DICOM_JSON)


def _encoded(
    path: Path, stored: str, options: list[str], settings: ServerSettings, sop_uid: str
) -> tuple[bytes, str]:
    """The instance in the first of ``options`` its pixel data can be encoded in."""
    for syntax in options[:-1]:
        try:
            return instance_bytes(path, stored, syntax, settings.transcoded_dir, sop_uid), syntax
        except (ValueError, RuntimeError, NotImplementedError, AttributeError):
            continue  # e.g. a bit depth CharLS does not take: the next accepted syntax
    last = options[-1]
    return instance_bytes(path, stored, last, settings.transcoded_dir, sop_uid), last


async def retrieve(request: Request) -> Response:
    require_user(request, *CLINICAL, scope=IMAGING)
    rows = _selected_rows(request)
    if not rows:
        return _problem(404, "no such study, series or instance")
    accepted = accepted_syntaxes(request.headers.get("accept", ""))
    if accepted is None:
        return _problem(406, "only multipart/related; type=application/dicom is offered")
    options = [choices(r["transfer_syntax"], accepted) for r in rows]
    if not all(options):
        # Refused before the first part is sent rather than cut off in the middle.
        return _problem(406, f"cannot send these instances in {', '.join(accepted)}")
    settings = _settings(request)
    boundary = secrets.token_hex(16)
    # Series and study downloads break off halfway; single instances still arrive whole, so a
    # client can complete a broken series instance by instance.
    truncate = settings.faults.truncate_multipart and len(rows) > 1

    async def parts() -> AsyncIterator[bytes]:
        cut_at = len(rows) // 2
        for index, row in enumerate(rows):
            path = settings.data_dir / row["path"]
            data, syntax = await run_in_threadpool(
                _encoded, path, row["transfer_syntax"], options[index], settings, row["sop_uid"]
            )
            head = (
                f"--{boundary}\r\nContent-Type: application/dicom; transfer-syntax={syntax}\r\n"
                f"Content-Length: {len(data)}\r\n\r\n"
            ).encode("ascii")
            if truncate and index == cut_at:
                yield head + data[: len(data) // 2]
                return  # the body ends cleanly but mid-part, without the closing boundary
            # The closing delimiter goes with the last part: the client sees the part end
            # when its bytes arrive, not a server turn later.
            tail = f"\r\n--{boundary}--\r\n" if index == len(rows) - 1 else "\r\n"
            yield head + data + tail.encode("ascii")

    media = f'multipart/related; type="application/dicom"; boundary={boundary}'
    return StreamingResponse(parts(), media_type=media)


async def thumbnail(request: Request) -> Response:
    require_user(request, *CLINICAL, scope=IMAGING)
    rows = _selected_rows(request)
    if not rows:
        return _problem(404, "no such series or instance")
    row = rows[len(rows) // 2]
    accept = request.headers.get("accept", "image/jpeg")
    fmt, media = ("PNG", "image/png") if "image/png" in accept else ("JPEG", "image/jpeg")
    path = _settings(request).data_dir / row["path"]
    try:
        data = await run_in_threadpool(render_thumbnail, path, fmt=fmt)
    except (ValueError, NotImplementedError, RuntimeError) as exc:
        return _problem(422, f"cannot render this instance: {exc}")
    return Response(data, media_type=media)


_S = "/dicomweb/studies"
ROUTES = [
    Route(_S, qido_studies),
    Route(_S + "/{study}/series", qido_series),
    Route(_S + "/{study}/instances", qido_instances),
    Route(_S + "/{study}/series/{series}/instances", qido_instances),
    Route(_S + "/{study}/metadata", metadata),
    Route(_S + "/{study}/series/{series}/metadata", metadata),
    Route(_S + "/{study}/series/{series}/instances/{instance}/metadata", metadata),
    Route(_S + "/{study}/series/{series}/thumbnail", thumbnail),
    Route(_S + "/{study}/series/{series}/instances/{instance}/thumbnail", thumbnail),
    Route(_S + "/{study}", retrieve),
    Route(_S + "/{study}/series/{series}", retrieve),
    Route(_S + "/{study}/series/{series}/instances/{instance}", retrieve),
]
