"""The platform interface the UI depends on, and its FHIR R4 implementation."""

from __future__ import annotations

import base64
import datetime as dt
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol

from workstation import fhir_systems as systems
from workstation.audit import AuditRecord, audit_event
from workstation.auth import Session
from workstation.http import ErrorKind, PlatformError
from workstation.logs import safe
from workstation.model import (
    Catalog,
    Hospital,
    ImagingStudyRef,
    LabObservation,
    Patient,
    Result,
)
from workstation.paper.fhir import PaperUpload, paper_resources, transaction_bundle
from workstation.recognition.decisions import Decision, PlatformDecision, task_resource
from workstation.recognition.region_stats import RegionStatistics, parse_region_statistics
from workstation.records.fhir_parse import (
    MalformedResource,
    parse_catalog,
    parse_hospital,
    parse_imaging_study,
    parse_observation,
    parse_patient,
    parse_result,
    parse_task_decision,
)

log = logging.getLogger("workstation.records")
JsonObj = dict[str, Any]
_CJK = re.compile(r"[\u3400-\u9fff]")


class QueryKind(Enum):
    """What a search box text looks like."""

    ID_CARD = "id_card"
    PHONE = "phone"
    NAME = "name"
    MRN = "mrn"


@dataclass(frozen=True)
class PatientQuery:
    """A patient search, classified from what the doctor typed."""

    kind: QueryKind
    text: str


def classify_query(text: str) -> PatientQuery | None:
    """Decide whether ``text`` is an ID card number, a mobile number, a name or an MRN.

    Returns None for text too short to search.
    """
    text = text.strip()
    if not text:
        return None
    if _CJK.search(text):
        return PatientQuery(QueryKind.NAME, text)
    compact = text.replace(" ", "").upper()
    if (
        len(compact) == 18
        and compact[:17].isdigit()
        and (compact[17].isdigit() or compact[17] == "X")
    ):
        return PatientQuery(QueryKind.ID_CARD, compact)
    if len(compact) == 11 and compact.isdigit() and compact.startswith("1"):
        return PatientQuery(QueryKind.PHONE, compact)
    if len(compact) < 3:
        return None
    if compact.isalpha():
        return PatientQuery(QueryKind.NAME, text)
    return PatientQuery(QueryKind.MRN, compact)


@dataclass
class ResultsPage:
    """One page of a patient's results, newest first."""

    results: list[Result]
    total: int
    problems: list[str] = field(default_factory=list)  # malformed resources, skipped
    # other platforms of the patient that did not answer: name → error (their results left out)
    sources_down: dict[str, PlatformError] = field(default_factory=dict)


class ResultsPlatform(Protocol):
    """What the workstation needs from a provincial results platform, in domain types only.

    The UI and the services depend on this; an implementation (FHIR R4 below, another
    region's technology elsewhere) is injected when signing in. Every method may raise
    PlatformError (network, refusal, expired session, a malformed answer)."""

    def search_patients(self, query: PatientQuery, limit: int = 20) -> list[Patient]:
        """Patients matching the query."""
        ...

    def patient(self, patient_id: str) -> Patient:
        """One patient by the platform's id."""
        ...

    def hospitals(self) -> dict[str, Hospital]:
        """All hospitals on the platform by id."""
        ...

    def results(self, patient_id: str, page_size: int = 100) -> Iterator[ResultsPage]:
        """The patient's results, newest first, page by page."""
        ...

    def observations(self, result: Result) -> list[LabObservation]:
        """The lab values of a lab result, in the result's order."""
        ...

    def patient_observations(self, patient_id: str) -> list[LabObservation]:
        """Every lab value of a patient from every hospital, oldest first (for trends)."""
        ...

    def imaging_study(self, study_id: str) -> ImagingStudyRef:
        """Where the images of a study are."""
        ...

    def catalog(self) -> Catalog:
        """The recognition catalog (cached, revalidated)."""
        ...

    def send_decision(self, decision: Decision) -> str:
        """Record a decision on the platform, idempotently on ``decision.id`` (a resend
        never makes a second record); returns the platform's id of the record."""
        ...

    def decisions_on(self, result_id: str, patient_id: str = "") -> list[PlatformDecision]:
        """Every decision the platform holds on a result, by anyone, oldest first;
        ``patient_id`` is the open patient's id (results not held by the platform are
        identified only with it)."""
        ...

    def send_audit(self, record: AuditRecord) -> None:
        """Send one audit record (not retried: a retry could double it)."""
        ...

    def region_statistics(self, start: dt.date | None, end: dt.date | None) -> RegionStatistics:
        """The region's recognition figures over a period (administrators only)."""
        ...

    def send_paper_report(self, upload: PaperUpload) -> None:
        """Store a report she transcribed from paper (report, lab values, picture) in one
        transaction, under the ids the upload names; a resend stores nothing twice."""
        ...

    def binary(self, binary_id: str) -> bytes:
        """The bytes of a Binary (the picture of a paper report)."""
        ...


class FhirPlatform:
    """ResultsPlatform over FHIR R4 REST + the platform's catalog document. Decisions are
    Tasks, audit records AuditEvents; ``create_task`` and ``tasks_for`` are the FHIR-level
    calls under ``send_decision`` and ``decisions_on`` (not part of ResultsPlatform)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.fhir = session.endpoints.fhir_base.rstrip("/")
        self._hospitals: dict[str, Hospital] | None = None
        self._catalog: Catalog | None = None
        self._catalog_etag = ""
        self._endpoints: dict[str, str] = {}

    def _json(self, url: str, params: dict[str, Any] | None = None) -> JsonObj:
        response = self.session.get(url, params=params)
        try:
            body = response.json()
        except ValueError as exc:
            raise PlatformError(ErrorKind.BAD_RESPONSE, "answer is not JSON") from exc
        if not isinstance(body, dict):
            raise PlatformError(ErrorKind.BAD_RESPONSE, "answer is not a JSON object")
        return body

    def _bundle(self, url: str, params: dict[str, Any] | None = None) -> JsonObj:
        body = self._json(url, params)
        if body.get("resourceType") != "Bundle":
            raise PlatformError(ErrorKind.BAD_RESPONSE, "answer is not a Bundle")
        return body

    def search_patients(self, query: PatientQuery, limit: int = 20) -> list[Patient]:
        """Patients matching the query (ID card, phone and MRN exactly; names by prefix or
        contained characters)."""
        params: dict[str, Any] = {"_count": limit}
        if query.kind is QueryKind.ID_CARD:
            params["identifier"] = f"{systems.SID_RESIDENT_ID}|{query.text}"
        elif query.kind is QueryKind.PHONE:
            params["phone"] = query.text
        elif query.kind is QueryKind.MRN:
            params["identifier"] = query.text
        else:
            params["name:contains"] = query.text
        bundle = self._bundle(f"{self.fhir}/Patient", params)
        patients = []
        for entry in bundle.get("entry", []):
            try:
                patients.append(parse_patient(entry["resource"]))
            except (MalformedResource, KeyError) as exc:
                log.warning("skipping malformed patient: %s", _problem(exc))
        return patients

    def patient(self, patient_id: str) -> Patient:
        """One patient by id."""
        try:
            return parse_patient(self._json(f"{self.fhir}/Patient/{patient_id}"))
        except MalformedResource as exc:
            raise PlatformError(ErrorKind.BAD_RESPONSE, str(exc)) from exc

    def hospitals(self) -> dict[str, Hospital]:
        """All hospitals (fetched once per session)."""
        if self._hospitals is None:
            found: dict[str, Hospital] = {}
            url: str | None = f"{self.fhir}/Organization"
            params: dict[str, Any] | None = {"_count": 200}
            while url:
                bundle = self._bundle(url, params)
                for entry in bundle.get("entry", []):
                    hospital = parse_hospital(entry["resource"])
                    found[hospital.id] = hospital
                url, params = _next_link(bundle), None
            self._hospitals = found
        return self._hospitals

    def _endpoint_url(self, endpoint_id: str) -> str:
        if endpoint_id not in self._endpoints:
            res = self._json(f"{self.fhir}/Endpoint/{endpoint_id}")
            self._endpoints[endpoint_id] = str(res.get("address", ""))
        return self._endpoints[endpoint_id]

    def results(self, patient_id: str, page_size: int = 100) -> Iterator[ResultsPage]:
        """Pages of the patient's reports, newest first, with each imaging report's modality."""
        url: str | None = f"{self.fhir}/DiagnosticReport"
        params: dict[str, Any] | None = {
            "patient": f"Patient/{patient_id}",
            "_sort": "-date",
            "_count": page_size,
            "_include": "DiagnosticReport:imaging-study",
        }
        while url:
            bundle = self._bundle(url, params)
            modality: dict[str, str] = {}
            reports: list[JsonObj] = []
            for entry in bundle.get("entry", []):
                res = entry.get("resource", {})
                if res.get("resourceType") == "ImagingStudy":
                    codes = [m.get("code", "") for m in res.get("modality", [])]
                    modality[str(res.get("id"))] = next((c for c in codes if c), "")
                elif res.get("resourceType") == "DiagnosticReport":
                    reports.append(res)
            page = ResultsPage([], int(bundle.get("total", 0)))
            for res in reports:
                try:
                    page.results.append(parse_result(res, modality))
                except MalformedResource as exc:
                    page.problems.append(str(exc))
                    log.warning("skipping malformed report: %s", safe(exc.problem))
            yield page
            url, params = _next_link(bundle), None

    def observations(self, result: Result) -> list[LabObservation]:
        """The lab values of a report, in the report's order."""
        bundle = self._bundle(
            f"{self.fhir}/DiagnosticReport",
            {
                "_id": result.id,
                "_include": "DiagnosticReport:result",
            },
        )
        by_id: dict[str, LabObservation] = {}
        for entry in bundle.get("entry", []):
            res = entry.get("resource", {})
            if res.get("resourceType") == "Observation":
                try:
                    obs = parse_observation(res)
                    by_id[obs.id] = obs
                except MalformedResource as exc:
                    log.warning("skipping malformed observation: %s", safe(exc.problem))
        return [by_id[i] for i in result.observation_ids if i in by_id]

    def patient_observations(self, patient_id: str) -> list[LabObservation]:
        """Every lab value of a patient from every hospital, oldest first (for trends)."""
        url: str | None = f"{self.fhir}/Observation"
        params: dict[str, Any] | None = {
            "patient": f"Patient/{patient_id}",
            "_sort": "date",
            "_count": 500,
        }
        values: list[LabObservation] = []
        while url:
            bundle = self._bundle(url, params)
            for entry in bundle.get("entry", []):
                try:
                    values.append(parse_observation(entry["resource"]))
                except (MalformedResource, KeyError) as exc:
                    log.warning("skipping malformed observation: %s", _problem(exc))
            url, params = _next_link(bundle), None
        return values

    def imaging_study(self, study_id: str) -> ImagingStudyRef:
        """An ImagingStudy with its DICOMweb base URL resolved from its Endpoint."""
        res = self._json(f"{self.fhir}/ImagingStudy/{study_id}")
        endpoints = {}
        for ref in res.get("endpoint", []):
            endpoint_id = str(ref.get("reference", "")).removeprefix("Endpoint/")
            if endpoint_id:
                endpoints[endpoint_id] = self._endpoint_url(endpoint_id)
        try:
            study = parse_imaging_study(res, endpoints)
        except MalformedResource as exc:
            raise PlatformError(ErrorKind.BAD_RESPONSE, str(exc)) from exc
        if not study.dicomweb_url:
            study = ImagingStudyRef(
                study.id,
                study.study_uid,
                study.started,
                study.description,
                self.session.endpoints.dicomweb_base,
                study.series,
            )
        return study

    def create_task(self, task: JsonObj, identifier: str) -> str:
        """Conditional create of a decision Task (If-None-Exist on its identifier): a resend
        returns the existing Task instead of making a second one. Returns the server id."""
        headers = {"If-None-Exist": f"identifier={systems.SID_TASK}|{identifier}"}
        response = self.session.request(
            "POST", f"{self.fhir}/Task", json=task, headers=headers, idempotent=True
        )
        try:
            return str(response.json()["id"])
        except (ValueError, KeyError) as exc:
            raise PlatformError(ErrorKind.BAD_RESPONSE, "Task answer has no id") from exc

    def tasks_for(self, result_id: str) -> list[JsonObj]:
        """Every decision Task recorded on a result, by anyone, oldest first."""
        bundle = self._bundle(
            f"{self.fhir}/Task",
            {"focus": f"DiagnosticReport/{result_id}", "_sort": "authored-on", "_count": 200},
        )
        return [e["resource"] for e in bundle.get("entry", []) if "resource" in e]

    def send_decision(self, decision: Decision) -> str:
        """The decision as a Task, created conditionally on its identifier."""
        return self.create_task(task_resource(decision), decision.id)

    def decisions_on(self, result_id: str, patient_id: str = "") -> list[PlatformDecision]:
        """Every decision Task on a result, parsed, oldest first; malformed Tasks are
        skipped (and logged without their content). A platform's own result names its
        patient: ``patient_id`` is not needed here."""
        decisions = []
        for task in self.tasks_for(result_id):
            try:
                decisions.append(parse_task_decision(task))
            except MalformedResource as exc:
                log.warning("skipping malformed decision Task: %s", safe(exc.problem))
        return decisions

    def send_audit(self, record: AuditRecord) -> None:
        """Send the record as an AuditEvent (not retried automatically: a retry could
        double it)."""
        self.session.request(
            "POST", f"{self.fhir}/AuditEvent", json=audit_event(record), idempotent=False
        )

    def region_statistics(self, start: dt.date | None, end: dt.date | None) -> RegionStatistics:
        """The region's figures over a period (administrators only: others get FORBIDDEN).
        Raises PlatformError."""
        params = {k: v.isoformat() for k, v in (("from", start), ("to", end)) if v is not None}
        body = self._json(f"{self.session.endpoints.base_url}/admin/statistics/breakdown", params)
        try:
            return parse_region_statistics(body)
        except ValueError as exc:
            raise PlatformError(ErrorKind.BAD_RESPONSE, "statistics are malformed") from exc

    def send_paper_report(self, upload: PaperUpload) -> None:
        """POST the report's resources as a transaction Bundle of PUTs (idempotent: the same
        ids and content again change nothing). Raises PlatformError."""
        bundle = transaction_bundle(paper_resources(upload, self.hospitals()))
        self.session.request("POST", self.fhir, json=bundle, idempotent=True)

    def binary(self, binary_id: str) -> bytes:
        """The decoded data of Binary/``binary_id``. Raises PlatformError."""
        res = self._json(f"{self.fhir}/Binary/{binary_id}")
        try:
            return base64.b64decode(str(res["data"]), validate=True)
        except (KeyError, ValueError) as exc:
            raise PlatformError(ErrorKind.BAD_RESPONSE, "Binary has no data") from exc

    def catalog(self) -> Catalog:
        """The recognition catalog, revalidated with If-None-Match on every call."""
        headers = {"If-None-Match": self._catalog_etag} if self._catalog_etag else {}
        response = self.session.get(self.session.endpoints.catalog, headers=headers)
        if response.status_code == 304 and self._catalog is not None:
            return self._catalog
        try:
            self._catalog = parse_catalog(response.json())
        except (ValueError, MalformedResource) as exc:
            raise PlatformError(ErrorKind.BAD_RESPONSE, "catalog is malformed") from exc
        self._catalog_etag = response.headers.get("etag", "")
        return self._catalog


def _problem(exc: Exception) -> str:
    # What is wrong with a resource, in the parser's own words (never the resource's content).
    return safe(exc.problem) if isinstance(exc, MalformedResource) else safe(type(exc).__name__)


def _next_link(bundle: JsonObj) -> str | None:
    return next(
        (
            str(link["url"])
            for link in bundle.get("link", [])
            if link.get("relation") == "next" and link.get("url")
        ),
        None,
    )
