"""Several results platforms signed into at once, seen as one ``ResultsPlatform``.

The doctor signs into her home platform first (her decision authority: her journal, the
catalog, the region figures, paper reports and the decisions on PACS and disc studies go
there) and may sign into other cities' platforms beside it. ``FederatedPlatform`` routes
every call to the platform that holds the record:

- The home platform's ids are used as they are (with one platform nothing changes, and the
  journal's earlier decisions keep their ids). Another platform's patient, result,
  observation, study, hospital and Binary ids are written ``<key>~<id>``, where ``key`` is
  ``platform_key(base_url)`` (stable across sessions, so a decision kept in the journal
  while that platform is signed out is routed to it once she signs in again). FHIR ids
  never contain ``~`` (``[A-Za-z0-9.-]``), and a PACS or disc study's id
  (``source:uid``) has no key in front.
- A patient found on several platforms is opened as one (``open_patient``, with the
  records the identity rules grouped and she confirmed): results and lab values of every
  member record, each result naming its platform in ``Result.source``.
- A decision on another platform's result is sent to that platform under its own ids and
  as her practitioner there; her decisions read back from it count as hers.
- A platform that does not answer (or is signed out) never hides the others' results:
  its results are left out and it is named in ``ResultsPage.sources_down``.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TypeVar

from workstation.http import ErrorKind, PlatformError, check_same_origin, origin
from workstation.model import (
    Catalog,
    Hospital,
    ImagingStudyRef,
    LabObservation,
    Patient,
    Result,
)
from workstation.records.platform import PatientQuery, ResultsPage, ResultsPlatform
from workstation.sources.identity import Match, match_patients
from workstation.sources.patients import Member as GroupMember
from workstation.sources.patients import (
    PatientGroup,
    SearchOutcome,
    SourcedPatient,
    search_everywhere,
)
from workstation.sources.study_decisions import source_study_uid

if TYPE_CHECKING:
    import datetime as dt

    from workstation.audit import AuditRecord
    from workstation.paper.fhir import PaperUpload
    from workstation.recognition.decisions import Decision, PlatformDecision
    from workstation.recognition.region_stats import RegionStatistics

log = logging.getLogger("workstation.federation")
T = TypeVar("T")
SEPARATOR = "~"
KEY_LENGTH = 16  # 64 bits: no other address is found with a chosen key
# A FHIR id (R4 §2.1.0.2 "id"): what every platform's ids must be; anything else (a "~"
# that would route to another platform, a ":" that would pass for a disc study) is dropped
_FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")


def fhir_id(value: str) -> bool:
    """Whether ``value`` is a well-formed FHIR id."""
    return _FHIR_ID.fullmatch(value) is not None


def platform_key(base_url: str) -> str:
    """The short, stable key of the platform at ``base_url`` in federated ids (16 hex
    digits of a SHA-256 of the address without its trailing slash)."""
    return hashlib.sha256(base_url.rstrip("/").encode()).hexdigest()[:KEY_LENGTH]


def split_id(federated: str) -> tuple[str, str]:
    """(platform key, the platform's own id) of a federated id; key "" for a home id or a
    PACS/disc study's id."""
    key, sep, native = federated.partition(SEPARATOR)
    if sep and len(key) == KEY_LENGTH and all(c in "0123456789abcdef" for c in key) and native:
        return key, native
    return "", federated


class SharedOrigin(ValueError):
    """A platform names a server that another signed-in platform is served from."""

    def __init__(self, name: str, other: str) -> None:
        super().__init__(f"{name} names a server of {other}")
        self.name, self.other = name, other


@dataclass(frozen=True)
class Member:
    """A signed-in platform of the federation: its records and who she is there."""

    key: str  # platform_key(base_url)
    name: str  # as configured ("Sandbox · 绵阳市 (510700)"); shown on its results
    platform: ResultsPlatform
    username: str
    practitioner: str  # "Practitioner/…" on this platform
    # the addresses whose origins serve this platform (its images must come from these)
    origins: tuple[str, ...]


class FederatedPlatform:
    """One ResultsPlatform over the home platform and the others she signed into.

    Not thread-safe for changes of membership (``add``/``remove``/``open_patient`` run on
    the GUI thread between uses); the calls that talk to platforms may run on any thread.
    """

    def __init__(self, home: Member, others: Sequence[Member] = ()) -> None:
        self.home = home
        # how long the calls asking every platform at once wait for one that hangs (s)
        self.answer_within_s = 8.0
        # where decisions on PACS and disc studies go (no platform holds those studies):
        # the home platform unless another one is configured (the province's, say)
        self.authority_key = home.key
        self._others: dict[str, Member] = {}
        self._known_names: dict[str, str] = {}  # key → name, also once signed out
        # federated patient id → the member records that are this patient: (key, own id)
        self._patients: dict[str, tuple[tuple[str, str], ...]] = {}
        for member in others:
            self.add(member)

    # --- membership ----------------------------------------------------------------------
    @property
    def others(self) -> tuple[Member, ...]:
        """The other platforms signed into, in the order they were added."""
        return tuple(self._others.values())

    def add(self, member: Member) -> None:
        """Sign another platform into the federation (replacing one with its key).

        Raises SharedOrigin when it claims a server another member is served from: a
        study's images are fetched with the sign-in of the platform whose server holds
        them, so no two platforms may share one."""
        if member.key == self.home.key:
            raise ValueError("the home platform is already a member")
        claimed = {origin(o) for o in member.origins if o}
        for other in (self.home, *self._others.values()):
            if other.key != member.key and claimed & {origin(o) for o in other.origins if o}:
                raise SharedOrigin(member.name, other.name)
        self._others[member.key] = member
        self._known_names[member.key] = member.name

    def set_authority(self, key: str, name: str) -> None:
        """Decisions on PACS and disc studies go to platform ``key`` (called ``name``),
        also while it is signed out (they wait for it in the journal)."""
        self.authority_key = key
        if key != self.home.key:
            self._known_names.setdefault(key, name)

    def remove(self, key: str) -> None:
        """A platform signed out: its records are no longer asked for."""
        self._others.pop(key, None)

    def member_name(self, key: str) -> str:
        """The name of the platform ``key`` (the home's for ""); "" when never seen."""
        if key in ("", self.home.key):
            return self.home.name
        return self._known_names.get(key, "")

    def _member(self, key: str) -> Member:
        if key in ("", self.home.key):
            return self.home
        member = self._others.get(key)
        if member is None:
            name = self._known_names.get(key) or key
            raise PlatformError(ErrorKind.SIGNED_OUT, f"not signed in to {name}")
        return member

    def _ask(self, member: Member, call: Callable[[], T]) -> T:
        """``call()`` on ``member``; another platform's ended session is SIGNED_OUT for
        that platform (it must not end her sign-in to the home platform)."""
        try:
            return call()
        except PlatformError as exc:
            if exc.kind is ErrorKind.AUTH and member is not self.home:
                raise PlatformError(
                    ErrorKind.SIGNED_OUT, f"the sign-in to {member.name} has ended"
                ) from exc
            raise

    def wrap(self, key: str, native: str) -> str:
        """The federated id of ``native`` on platform ``key``."""
        return native if key in ("", self.home.key) or not native else f"{key}{SEPARATOR}{native}"

    def _route(self, federated: str) -> tuple[Member, str]:
        key, native = split_id(federated)
        return self._member(key), native

    # --- patients --------------------------------------------------------------------------
    def search_groups(self, query: PatientQuery, limit: int = 20) -> SearchOutcome:
        """Every member platform asked at once; the records grouped by the identity rules
        with federated ids (``patients.group_patients``). A platform that fails is in
        ``errors`` under its name."""
        members = {m.key: m for m in (self.home, *self._others.values())}
        outcome = search_everywhere(
            {key: m.platform for key, m in members.items()},
            query,
            limit=limit,
            answer_within_s=self.answer_within_s,
        )
        outcome.groups = [g for g in outcome.groups if _ids_valid(g)]
        for group in outcome.groups:
            _rename_group(group, self)
        outcome.errors = {members[k].name: e for k, e in outcome.errors.items()}
        return outcome

    def open_patient(
        self, group: PatientGroup, confirmed: Sequence[tuple[str, str]] = ()
    ) -> Patient:
        """The patient of ``group`` as she opens it: its home record when the home platform
        holds one (decisions on disc and PACS studies need her record there), else its
        anchor; the members counted are the confirmed ones and the probable ones whose
        ``SourcedPatient.key`` she ``confirmed``. Returns the patient with its federated id
        and the record numbers (病历号) of every record counted, each at its hospital."""
        records: list[SourcedPatient] = []
        for record in group.members(confirmed):
            # a probable record is compared with the anchor; one that contradicts any
            # record already taken (a newborn under her mother's card) is never joined
            if all(
                match_patients(r.patient, record.patient).match is not Match.CONFLICT
                for r in records
            ):
                records.append(record)
        home = next((r for r in records if split_id(r.patient.id)[0] == ""), records[0])
        members = tuple(split_id(r.patient.id) for r in records)
        self._patients[home.patient.id] = tuple(
            (key or self.home.key, native) for key, native in members
        )
        numbers = dict.fromkeys(m for r in records for m in r.patient.mrns)
        return replace(home.patient, mrns=tuple(numbers))

    def record_ids(self, patient_id: str) -> tuple[str, ...]:
        """The federated ids of every record of the patient she opened (her results name
        these as their patient)."""
        return tuple(self.wrap(key, native) for key, native in self._members_of(patient_id))

    def _members_of(self, patient_id: str) -> tuple[tuple[str, str], ...]:
        known = self._patients.get(patient_id)
        if known:
            return known
        key, native = split_id(patient_id)
        return ((key or self.home.key, native),)

    def search_patients(self, query: PatientQuery, limit: int = 20) -> list[Patient]:
        """The anchors of the groups found (each a patient of one platform)."""
        return [g.anchor.patient for g in self.search_groups(query, limit).groups]

    def patient(self, patient_id: str) -> Patient:
        """One patient by federated id."""
        member, native = self._route(patient_id)
        return replace(self._ask(member, lambda: member.platform.patient(native)), id=patient_id)

    def hospitals(self) -> dict[str, Hospital]:
        """Every member's hospitals under federated ids (the home's as they are)."""
        return self.merge_hospitals(
            self.home.platform.hospitals(),
            {m.key: m.platform.hospitals() for m in self._others.values()},
        )

    def merge_hospitals(
        self, home: Mapping[str, Hospital], others: Mapping[str, Mapping[str, Hospital]]
    ) -> dict[str, Hospital]:
        """The home platform's hospitals and the others' (by platform key) under
        federated ids, as results name them (no network: for lists already read)."""
        found = {i: h for i, h in home.items() if fhir_id(i)}
        for key, hospitals in others.items():
            for hospital_id, hospital in hospitals.items():
                if not fhir_id(hospital_id):
                    continue
                wrapped = self.wrap(key, hospital_id)
                found[wrapped] = replace(hospital, id=wrapped)
        return found

    # --- results ---------------------------------------------------------------------------
    def results(self, patient_id: str, page_size: int = 100) -> Iterator[ResultsPage]:
        """The results of every member record of the patient, the home platform's first,
        each member's newest first. A member that fails or is signed out yields an empty
        page naming it in ``sources_down`` (the others' results still come); when every
        member fails the last error is raised."""
        members = self._members_of(patient_id)
        failures: list[PlatformError] = []
        before = 0  # results of the members already read
        for key, native in members:
            total = 0
            try:
                member = self._member(key)
                for page in self._pages(member, native, page_size):
                    total = page.total
                    kept = [
                        self._wrap_result(member, r, native)
                        for r in page.results
                        if _result_ids_valid(r)
                    ]
                    problems = list(page.problems)
                    if len(kept) < len(page.results):
                        problems.append("results with malformed ids left out")
                    yield replace(page, results=kept, total=before + page.total, problems=problems)
            except PlatformError as exc:
                if len(members) == 1 or (exc.kind is ErrorKind.AUTH and key == self.home.key):
                    raise  # alone, or the home session ended: the page says so as before
                failures.append(exc)
                log.warning("results of one platform not read: %s", exc.kind.value)
                yield ResultsPage([], before, sources_down={self.member_name(key): exc})
            before += total
        if failures and len(failures) == len(members):
            raise failures[-1]

    def _pages(self, member: Member, native: str, page_size: int) -> Iterator[ResultsPage]:
        """The member's pages of a patient's results (its ended session: SIGNED_OUT)."""
        pages = iter(self._ask(member, lambda: member.platform.results(native, page_size)))
        while True:
            page = self._ask(member, lambda: next(pages, None))
            if page is None:
                return
            yield page

    def _wrap_result(self, member: Member, result: Result, native_patient: str) -> Result:
        """The result under federated ids; its patient is the member's own record (her
        decisions on it are recorded for that record, also after a restart)."""
        if member is self.home:
            return replace(result, patient_id=native_patient)
        paper = result.paper
        if paper is not None and paper.image_binary_id:
            paper = replace(paper, image_binary_id=self.wrap(member.key, paper.image_binary_id))
        return replace(
            result,
            id=self.wrap(member.key, result.id),
            patient_id=self.wrap(member.key, native_patient),
            hospital_id=self.wrap(member.key, result.hospital_id),
            observation_ids=tuple(self.wrap(member.key, o) for o in result.observation_ids),
            imaging_study_ids=tuple(self.wrap(member.key, s) for s in result.imaging_study_ids),
            paper=paper,
            source=member.name,
        )

    def _native_result(self, member: Member, result: Result) -> Result:
        if member is self.home:
            return result
        paper = result.paper
        if paper is not None:
            paper = replace(paper, image_binary_id=split_id(paper.image_binary_id)[1])
        return replace(
            result,
            id=split_id(result.id)[1],
            patient_id=split_id(result.patient_id)[1],
            hospital_id=split_id(result.hospital_id)[1],
            observation_ids=tuple(split_id(o)[1] for o in result.observation_ids),
            imaging_study_ids=tuple(split_id(s)[1] for s in result.imaging_study_ids),
            paper=paper,
            source="",
        )

    def _wrap_observation(self, member: Member, value: LabObservation) -> LabObservation:
        if member is self.home:
            return value
        return replace(
            value,
            id=self.wrap(member.key, value.id),
            hospital_id=self.wrap(member.key, value.hospital_id),
        )

    def observations(self, result: Result) -> list[LabObservation]:
        """The lab values of a result, from its platform."""
        member, _native = self._route(result.id)
        native = self._native_result(member, result)
        values = self._ask(member, lambda: member.platform.observations(native))
        return [self._wrap_observation(member, v) for v in values if _value_ids_valid(v)]

    def patient_observations(self, patient_id: str) -> list[LabObservation]:
        """Every lab value of every member record, oldest first (trends across cities). A
        member that fails, or has not answered within ``answer_within_s``, is left out
        (logged); a patient of one platform gets that platform's failure raised."""
        found: list[LabObservation] = []
        members = self._members_of(patient_id)

        def ask(key: str, native: str) -> list[LabObservation]:
            member = self._member(key)
            values = self._ask(member, lambda: member.platform.patient_observations(native))
            return [self._wrap_observation(member, v) for v in values if _value_ids_valid(v)]

        if len(members) == 1:
            return sorted(ask(*members[0]), key=_observed_at)
        pool = ThreadPoolExecutor(max_workers=len(members), thread_name_prefix="trends")
        try:
            futures = [pool.submit(ask, key, native) for key, native in members]
            wait(futures, timeout=self.answer_within_s)
            for future in futures:
                if not future.done():  # a platform that hangs: its values are left out
                    log.warning("lab values of one platform not read: no answer in time")
                    continue
                try:
                    found += future.result()
                except PlatformError as exc:
                    log.warning("lab values of one platform not read: %s", exc.kind.value)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        return sorted(found, key=_observed_at)

    def imaging_study(self, study_id: str) -> ImagingStudyRef:
        """Where a study's images are: its platform's own DICOMweb service. Raises
        PlatformError(FOREIGN_ORIGIN) when the platform points at another platform's
        server (its images would be fetched there with that platform's sign-in, for a
        study this platform named: never)."""
        member, native = self._route(study_id)
        ref = self._ask(member, lambda: member.platform.imaging_study(native))
        if not fhir_id(ref.id):
            raise PlatformError(ErrorKind.BAD_RESPONSE, "an imaging study with a malformed id")
        check_same_origin(ref.dicomweb_url, member.origins)
        return replace(ref, id=self.wrap(member.key, ref.id))

    def catalog(self) -> Catalog:
        """The home platform's recognition catalog (its rules are hers)."""
        return self.home.platform.catalog()

    def binary(self, binary_id: str) -> bytes:
        """The bytes of a Binary, from its platform."""
        member, native = self._route(binary_id)
        return self._ask(member, lambda: member.platform.binary(native))

    # --- decisions and audit ---------------------------------------------------------------
    def _key_of(self, result_id: str) -> str:
        """The key of the platform holding ``result_id`` (a PACS or disc study's: the
        decision authority's)."""
        key = split_id(result_id)[0]
        if key:  # another platform's result (its ids are FHIR ids: never a study's)
            return key
        return self.authority_key if source_study_uid(result_id) else self.home.key

    def destination(self, decision: Decision) -> str:
        """The key of the platform a decision goes to (a PACS or disc study's: the
        decision authority)."""
        return self._key_of(decision.result_id)

    def send_decision(self, decision: Decision) -> str:
        """Record the decision on the platform holding its result, under that platform's
        ids and as her practitioner there (a PACS or disc study's on the decision authority).
        Raises PlatformError(SIGNED_OUT) while that platform is signed out."""
        member = self._member(self.destination(decision))
        native = replace(
            decision,
            result_id=split_id(decision.result_id)[1],
            patient_id=self._native_patient(decision.patient_id, member.key),
            hospital_id=split_id(decision.hospital_id)[1],
            username=member.username,
            practitioner=member.practitioner,
        )
        return self._ask(member, lambda: member.platform.send_decision(native))

    def _native_patient(self, patient_id: str, key: str) -> str:
        """The patient's own id on platform ``key``: the one ``patient_id`` names, else
        the record of that platform she opened the patient with. Raises
        PlatformError(SIGNED_OUT) when neither is known (a decision waits, is never
        refused for it: she opens the patient again, or signs in there)."""
        found_key, native = split_id(patient_id)
        if (found_key or self.home.key) == key:
            return native
        for member_key, member_native in self._members_of(patient_id):
            if member_key == key:
                return member_native
        raise PlatformError(
            ErrorKind.SIGNED_OUT,
            f"the patient's record on {self.member_name(key) or key} is not known yet",
        )

    def decisions_on(self, result_id: str, patient_id: str = "") -> list[PlatformDecision]:
        """Every decision on a result, from the platform holding it; hers there are
        reported as by her home practitioner (so they read as hers)."""
        member = self._member(self._key_of(result_id))
        native_patient = self._native_patient(patient_id, member.key) if patient_id else ""
        found = self._ask(
            member, lambda: member.platform.decisions_on(split_id(result_id)[1], native_patient)
        )
        return [
            replace(
                d,
                result_id=result_id,
                practitioner=(
                    self.home.practitioner
                    if d.practitioner == member.practitioner
                    else self.wrap(member.key, d.practitioner)
                ),
            )
            for d in found
        ]

    def send_audit(self, record: AuditRecord) -> None:
        """The audit record on every platform whose records of the patient it is about:
        a patient view on each member platform of the patient, a result's on the result's
        platform; each under that platform's ids and her practitioner there."""
        entity_type, _, entity_id = record.entity.partition("/")
        if entity_id:  # about one result: its platform (a PACS or disc study's: authority)
            key = self._key_of(entity_id)
            targets = [(key, self._native_patient(record.patient_id, key))]
        else:
            targets = list(self._members_of(record.patient_id))
        failed: list[PlatformError] = []
        for key, native in targets:  # one platform failing does not spare the others
            entity = f"{entity_type}/{split_id(entity_id)[1]}" if entity_id else record.entity
            try:
                member = self._member(key)
                member.platform.send_audit(
                    replace(
                        record,
                        patient_id=native,
                        entity=entity,
                        user=member.username,
                        practitioner=member.practitioner,
                    )
                )
            except PlatformError as exc:
                failed.append(exc)
        if failed:
            raise failed[0]

    def region_statistics(self, start: dt.date | None, end: dt.date | None) -> RegionStatistics:
        """The home region's figures."""
        return self.home.platform.region_statistics(start, end)

    def send_paper_report(self, upload: PaperUpload) -> None:
        """Paper reports are registered on the home platform, for her record there and a
        hospital of its list (or typed). Raises PlatformError(REJECTED) for a patient
        without a home record or another platform's hospital."""
        result = upload.result
        if split_id(result.hospital_id)[0]:
            raise PlatformError(ErrorKind.REJECTED, "another platform's hospital")
        try:
            patient = self._native_patient(result.patient_id, self.home.key)
        except PlatformError as exc:
            raise PlatformError(
                ErrorKind.REJECTED, "the patient has no record on the home platform"
            ) from exc
        self.home.platform.send_paper_report(
            replace(upload, result=replace(result, patient_id=patient))
        )


def _result_ids_valid(result: Result) -> bool:
    ids = [result.id, result.patient_id, *result.observation_ids, *result.imaging_study_ids]
    if result.hospital_id:
        ids.append(result.hospital_id)
    if result.paper is not None and result.paper.image_binary_id:
        ids.append(result.paper.image_binary_id)
    return all(fhir_id(i) for i in ids)


def _value_ids_valid(value: LabObservation) -> bool:
    return fhir_id(value.id) and (not value.hospital_id or fhir_id(value.hospital_id))


def _ids_valid(group: PatientGroup) -> bool:
    """Drop the records with malformed ids from a group; False when its anchor is one."""

    def ok(record: SourcedPatient) -> bool:
        return fhir_id(record.patient.id) and all(
            fhir_id(m.hospital_id) for m in record.patient.mrns if m.hospital_id
        )

    for members in (group.confirmed, group.probable, group.conflicts):
        members[:] = [m for m in members if ok(m.record)]
    return ok(group.anchor)


def _observed_at(value: LabObservation) -> float:
    return value.effective.timestamp() if value.effective is not None else float("-inf")


def _rename_group(group: PatientGroup, federation: FederatedPlatform) -> None:
    """Give the group's records federated ids and their platforms' names as source."""

    def rename(record: SourcedPatient) -> SourcedPatient:
        key = record.source
        patient = replace(
            record.patient,
            id=federation.wrap(key, record.patient.id),
            mrns=tuple(
                replace(m, hospital_id=federation.wrap(key, m.hospital_id))
                for m in record.patient.mrns
            ),
        )
        return SourcedPatient(federation.member_name(record.source), patient)

    group.anchor = rename(group.anchor)
    for members in (group.confirmed, group.probable, group.conflicts):
        members[:] = [GroupMember(rename(m.record), m.verdict) for m in members]
