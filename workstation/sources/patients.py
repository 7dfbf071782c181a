"""One patient across several platforms: search every platform in parallel, group the
records that are the same person, never silently.

``group_patients`` puts records into groups by the identity rules (``identity``): a record
with the group's 身份证 joins it as confirmed when nothing contradicts (another name under
the same number, a newborn registered under her mother's, is a conflict); a probable one
(same name, birth date and sex, a 身份证 missing on one side; or the same 身份证 with the
name in Chinese on one side and pinyin on the other) is listed in the group as probable
and counts only once the doctor confirms it (``PatientGroup.members(confirmed=…)``); a
conflicting record is a patient of its own and both groups carry the warning. Records
with a valid 身份证 number anchor groups first, so that a record without one is compared
with a confirmed identity. ``search_everywhere`` asks each platform on its own thread;
one that fails is reported and the others' records are grouped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from workstation.http import ErrorKind, PlatformError
from workstation.model import Patient
from workstation.records.platform import PatientQuery, ResultsPlatform
from workstation.sources.identity import Identity, IdentityMatch, Match, match_patients


@dataclass(frozen=True)
class SourcedPatient:
    """A patient record and the source it is from."""

    source: str
    patient: Patient

    @property
    def key(self) -> tuple[str, str]:
        """(source, the source's id of the record): unique across sources."""
        return self.source, self.patient.id


@dataclass(frozen=True)
class Member:
    """A record of a group with its verdict against the group's anchor."""

    record: SourcedPatient
    verdict: IdentityMatch


@dataclass
class PatientGroup:
    """One person as several sources know them."""

    anchor: SourcedPatient
    confirmed: list[Member] = field(default_factory=list)  # same 身份证
    probable: list[Member] = field(default_factory=list)  # shown; used once she confirms
    conflicts: list[Member] = field(default_factory=list)  # other patients that look alike

    def members(self, confirmed: Iterable[tuple[str, str]] = ()) -> list[SourcedPatient]:
        """The records that are this patient: the anchor, the confirmed ones, and the
        probable ones whose ``key`` the doctor confirmed (never a conflicting one)."""
        chosen = set(confirmed)
        return [
            self.anchor,
            *(m.record for m in self.confirmed),
            *(m.record for m in self.probable if m.record.key in chosen),
        ]

    @property
    def needs_confirmation(self) -> bool:
        """Whether records are waiting for her to confirm them."""
        return bool(self.probable)


def _has_card(record: SourcedPatient) -> bool:
    return bool(Identity.of(record.patient).id_card)


def group_patients(found: Sequence[SourcedPatient]) -> list[PatientGroup]:
    """The records grouped into patients (order: as found, records with a 身份证 first)."""
    ordered = sorted(found, key=lambda r: not _has_card(r))  # stable: keeps the found order
    groups: list[PatientGroup] = []
    for record in ordered:
        verdicts = [(g, match_patients(g.anchor.patient, record.patient)) for g in groups]
        confirmed = [(g, v) for g, v in verdicts if v.match is Match.CONFIRMED]
        # two records of one platform are two patients of it unless their 身份证 agree:
        # a look-alike there is never offered as the same person
        probable = [
            (g, v)
            for g, v in verdicts
            if v.match is Match.PROBABLE and g.anchor.source != record.source
        ]
        if confirmed:
            home, verdict = confirmed[0]
            home.confirmed.append(Member(record, verdict))
        elif probable:
            home, verdict = probable[0]
            home.probable.append(Member(record, verdict))
        else:
            home = PatientGroup(record)
            groups.append(home)
        for group, verdict in verdicts:  # never merged: each side carries the other's warning
            if verdict.match is Match.CONFLICT:
                group.conflicts.append(Member(record, verdict))
                home.conflicts.append(Member(group.anchor, verdict))
    return groups


@dataclass
class SearchOutcome:
    """The groups found, and the platforms that did not answer (name → error)."""

    groups: list[PatientGroup]
    errors: dict[str, PlatformError] = field(default_factory=dict)


def search_everywhere(
    platforms: Mapping[str, ResultsPlatform],
    query: PatientQuery,
    *,
    limit: int = 20,
    workers: int = 8,
    answer_within_s: float = 8.0,
) -> SearchOutcome:
    """Ask every platform for ``query`` at once and group what they know. A platform's
    PlatformError goes to ``errors``; so does one that has not answered within
    ``answer_within_s`` seconds (TIMEOUT: a platform that hangs never holds up the
    others' patients; its late answer is dropped). The others' records are grouped."""
    found: list[SourcedPatient] = []
    errors: dict[str, PlatformError] = {}
    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="search")
    try:
        asked = {
            name: pool.submit(platform.search_patients, query, limit)
            for name, platform in platforms.items()
        }
        wait(asked.values(), timeout=answer_within_s)
        for name, future in asked.items():
            if not future.done():
                errors[name] = PlatformError(
                    ErrorKind.TIMEOUT, f"no answer within {answer_within_s:g} s"
                )
                continue
            try:
                found += [SourcedPatient(name, p) for p in future.result()]
            except PlatformError as exc:
                errors[name] = exc
    finally:
        pool.shutdown(wait=False, cancel_futures=True)  # a hanging request ends on its own
    return SearchOutcome(group_patients(found), errors)
