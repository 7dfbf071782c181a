"""A patient's merged history across every configured source, by 身份证 number.

Platforms (FHIR) are asked first, in parallel: the same 身份证 number there is the same
person (confirmed, unless a record contradicts its own number). The first confirmed
platform record is the anchor: every other platform record under the number is matched
against it again (a newborn registered under her mother's number elsewhere, 王芳之女, is a
conflict, not her mother's history), and it gives the name, birth date and sex that PACS
and discs are then matched against (``identity``): a PACS is asked by Patient ID = the
number and by name; a disc lists all it holds. Every study or result whose verdict is
confirmed, probable or conflict is a row, with the verdict; another person's are left
out. A source that fails is named in ``errors`` and the others' rows are still there.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from workstation.clock import china_time
from workstation.config import PlatformEntry
from workstation.http import PlatformError
from workstation.idcard import is_valid_id_card
from workstation.model import Category, Gender, Patient, Result
from workstation.records.platform import PatientQuery, QueryKind, ResultsPlatform
from workstation.sources.base import CHINA, SourceError, SourceKind, SourceStudy
from workstation.sources.disc import DiscSource
from workstation.sources.identity import Fact, Match, match_patients
from workstation.sources.pacs import PacsEntry, PacsSource
from workstation.sources.sources_file import (
    DiscSourceEntry,
    FhirSourceEntry,
    SourceEntry,
    SourcesFileError,
    read_sources_file,
)

_SHOWN = (Match.CONFIRMED, Match.PROBABLE, Match.CONFLICT)


@dataclass(frozen=True)
class HistoryRow:
    """One result of the merged history."""

    source: str
    source_kind: SourceKind
    kind: Category
    effective: dt.datetime
    hospital: str
    item: str
    modality: str
    match: Match
    study_uid: str = ""
    instances: int = 0
    mark: str = ""  # the HR mark as printed, "" without one (a disc's studies)
    contradicted: tuple[Fact, ...] = ()  # the facts that contradict the patient's

    def sort_key(self) -> dt.datetime:
        """When, comparable across sources (a zone-less DICOM time is taken as CST)."""
        moment = self.effective
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=CHINA)

    def as_json(self) -> dict[str, Any]:
        """The row as the history command prints it."""
        row: dict[str, Any] = {
            "source": self.source,
            "source_kind": self.source_kind.value,
            "kind": self.kind.value,
            "date": china_time(self.sort_key()).date().isoformat(),  # the Beijing day
            "datetime": self.effective.isoformat(),
            "hospital": self.hospital,
            "item": self.item,
            "modality": self.modality,
            "match": self.match.value,
            "mark": self.mark or None,
            "contradicted": [f.value for f in self.contradicted],
        }
        if self.kind is Category.IMAGING:
            row["study_uid"] = self.study_uid
            row["instances"] = self.instances
        return row


@dataclass
class MergedHistory:
    """The rows, newest first, and the sources that did not answer (name → plain words)."""

    rows: list[HistoryRow] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    patient: Patient | None = None  # the confirmed platform record the others were matched to


SignIn = Callable[[FhirSourceEntry, str], tuple[ResultsPlatform, Callable[[], None]]]
"""Signs in to a platform with the password; returns it and how to sign out."""


def password_sign_in(entry: FhirSourceEntry, password: str) -> tuple[ResultsPlatform, Any]:
    """Sign in with the password grant, remembering nothing. Raises PlatformError."""
    from workstation.services import sign_in

    connection = sign_in(
        PlatformEntry(entry.name, entry.base_url, entry.ca_bundle),
        entry.username,
        password,
        remember=False,
        secrets=None,
    )
    return connection.platform, connection.sign_out


def _card_patient(card: str) -> Patient:
    return Patient("", "", Gender.UNKNOWN, None, id_card=card)


@dataclass(frozen=True)
class _Found:
    """A platform record under the number, its verdict and its rows."""

    patient: Patient
    match: Match
    rows: list[HistoryRow]


def _platform_rows(
    entry: FhirSourceEntry,
    card: str,
    environ: Mapping[str, str] | None,
    sign_in: SignIn,
) -> list[_Found]:
    platform, sign_out = sign_in(entry, entry.password(environ))
    try:
        found: list[_Found] = []
        hospitals = platform.hospitals()
        for patient in platform.search_patients(PatientQuery(QueryKind.ID_CARD, card)):
            identity = match_patients(_card_patient(card), patient)
            verdict = identity.match
            if verdict not in _SHOWN:
                continue
            rows: list[HistoryRow] = []
            for page in platform.results(patient.id):
                for result in page.results:
                    hospital = hospitals.get(result.hospital_id)
                    rows.append(
                        _platform_row(
                            entry.name,
                            platform,
                            result,
                            hospital.name if hospital else result.hospital_id,
                            verdict,
                            identity.contradicted,
                        )
                    )
            found.append(_Found(patient, verdict, rows))
        return found
    finally:
        sign_out()


def _against_anchor(found: list[_Found]) -> tuple[Patient | None, list[HistoryRow]]:
    """The anchor (the first confirmed record) and every record's rows with its verdict
    against the anchor: the same number does not make another name the same person."""
    anchor = next((f.patient for f in found if f.match is Match.CONFIRMED), None)
    rows: list[HistoryRow] = []
    for record in found:
        if anchor is None or record.patient is anchor or record.match is not Match.CONFIRMED:
            rows += record.rows
            continue
        again = match_patients(anchor, record.patient)
        if again.match in _SHOWN:
            rows += [
                dataclasses.replace(r, match=again.match, contradicted=again.contradicted)
                for r in record.rows
            ]
    return anchor, rows


def _platform_row(
    source: str,
    platform: ResultsPlatform,
    result: Result,
    hospital: str,
    verdict: Match,
    contradicted: tuple[Fact, ...],
) -> HistoryRow:
    study_uid, instances = "", 0
    if result.category is Category.IMAGING and result.imaging_study_ids:
        study = platform.imaging_study(result.imaging_study_ids[0])
        study_uid = study.study_uid
        instances = sum(len(s.instances) for s in study.series)
    return HistoryRow(
        source,
        SourceKind.FHIR,
        result.category,
        result.effective,
        hospital,
        result.item_name,
        result.modality,
        verdict,
        study_uid,
        instances,
        result.mark.mark if result.mark else "",
        contradicted,
    )


def _study_rows(
    studies: Sequence[SourceStudy], kind: SourceKind, anchor: Patient
) -> list[HistoryRow]:
    rows = []
    for study in studies:
        identity = match_patients(anchor, study.patient)
        verdict = identity.match
        if verdict in _SHOWN:
            rows.append(
                HistoryRow(
                    study.source,
                    kind,
                    Category.IMAGING,
                    study.started or dt.datetime(1970, 1, 1),
                    study.institution,
                    study.description or "/".join(study.modalities),
                    "/".join(study.modalities),
                    verdict,
                    study.study_uid,
                    study.instances,
                    contradicted=identity.contradicted,
                )
            )
    return rows


def _pacs_rows(entry: PacsEntry, anchor: Patient) -> list[HistoryRow]:
    source = PacsSource(entry)
    studies = source.find_studies(patient_id=anchor.id_card, name=anchor.name)
    return _study_rows(studies, SourceKind.DICOM, anchor)


def _disc_rows(entry: DiscSourceEntry, anchor: Patient) -> list[HistoryRow]:
    studies = DiscSource(entry.name, entry.path).find_studies()
    return _study_rows(studies, SourceKind.DISC, anchor)


def _study_source_rows(entry: PacsEntry | DiscSourceEntry, anchor: Patient) -> list[HistoryRow]:
    if isinstance(entry, PacsEntry):
        return _pacs_rows(entry, anchor)
    return _disc_rows(entry, anchor)


def _reason(exc: Exception) -> str:
    if isinstance(exc, PlatformError | SourceError | SourcesFileError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"{type(exc).__name__}: {exc.strerror or exc}"
    return f"unexpected error ({type(exc).__name__})"


def collect_history(
    entries: Sequence[SourceEntry],
    card: str,
    *,
    environ: Mapping[str, str] | None = None,
    sign_in: SignIn = password_sign_in,
    workers: int = 8,
) -> MergedHistory:
    """The merged history of the patient with 身份证 number ``card`` (valid, upper-case)
    from every source in ``entries``; never raises for a source's failure (it goes to
    ``errors``)."""
    history = MergedHistory()
    platforms = [e for e in entries if isinstance(e, FhirSourceEntry)]
    others = [e for e in entries if not isinstance(e, FhirSourceEntry)]
    found: list[_Found] = []
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="history") as pool:
        asked = {e.name: pool.submit(_platform_rows, e, card, environ, sign_in) for e in platforms}
        for name, future in asked.items():
            try:
                found += future.result()
            except Exception as exc:  # one source's failure never hides the others
                history.errors[name] = _reason(exc)
        confirmed, rows = _against_anchor(found)
        history.rows += rows
        anchor = confirmed or _card_patient(card)
        history.patient = confirmed
        studies = {e.name: pool.submit(_study_source_rows, e, anchor) for e in others}
        for name, pending in studies.items():
            try:
                history.rows += pending.result()
            except Exception as exc:  # one source's failure never hides the others
                history.errors[name] = _reason(exc)
    history.rows.sort(key=HistoryRow.sort_key, reverse=True)
    return history


def history_command(sources: Path, id_card: str, out: TextIO, err: TextIO) -> int:
    """``python -m workstation history``: the merged history as JSON lines on ``out``, one
    result per line, newest first; each failed source as one line on ``err``. Returns 0
    when every source answered, 3 when some did not, 2 for a bad sources file or number."""
    card = id_card.replace(" ", "").upper()
    if not is_valid_id_card(card):
        print("--id-card is not a valid 身份证 number", file=err)
        return 2
    try:
        entries = read_sources_file(sources)
    except SourcesFileError as exc:
        print(f"sources file: {exc}", file=err)
        return 2
    history = collect_history(entries, card)
    for row in history.rows:
        print(json.dumps(row.as_json(), ensure_ascii=False), file=out)
    for name, reason in history.errors.items():
        print(f"source {name!r} did not answer: {reason}", file=err)
    return 3 if history.errors else 0
