"""A scripted working session against a platform, for fault-tolerance measurements: a fixed
mix of searches, timeline loads, lab views, image downloads and decisions, counting what
completed and checking that no decision was lost or doubled."""

from __future__ import annotations

import datetime as dt
import random
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from workstation import fhir_systems as systems
from workstation.http import PlatformError, make_client
from workstation.journal import Journal
from workstation.model import Category, Result
from workstation.recognition.decisions import DecisionKind, new_decision
from workstation.recognition.outbox import send_pending
from workstation.records.platform import ResultsPlatform
from workstation.services import Connection


@dataclass
class SessionReport:
    """What a scripted session did."""

    actions: int = 0
    completed: int = 0
    failures: dict[str, int] = field(default_factory=dict)
    decisions: list[str] = field(default_factory=list)


def drain_outbox(journal: Journal, platform: ResultsPlatform) -> None:
    """Send until nothing is pending (the platform must be reachable)."""
    while journal.pending():
        send_pending(journal, platform)


def task_total(connection: Connection, decision_id: str) -> int:
    """How many Tasks the platform holds for one decision identifier (1 = delivered once),
    asked with a plain FHIR search over HTTP, not through the client under measurement."""
    with make_client(connection.entry.ca_bundle) as client:
        response = client.get(
            f"{connection.session.endpoints.fhir_base.rstrip('/')}/Task",
            params={"identifier": f"{systems.SID_TASK}|{decision_id}", "_count": "0"},
            headers={"Authorization": f"Bearer {connection.session.bearer()}"},
        )
    response.raise_for_status()
    return int(response.json().get("total", 0))


def delivery_faults(connection: Connection, decision_ids: list[str]) -> tuple[int, int]:
    """(lost, doubled): decisions with no Task on the platform, and with more than one."""
    counts = [task_total(connection, decision_id) for decision_id in decision_ids]
    return counts.count(0), sum(1 for n in counts if n > 1)


def run_session(
    connection: Connection, journal_dir: Path, actions: int = 200, seed: int = 0
) -> SessionReport:
    """Run ``actions`` user actions; a failed action is counted, and the user moves on
    (as she would after reading the message). Decisions go through journal + outbox."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible script, not security
    platform = connection.platform
    journal = Journal(journal_dir)
    report = SessionReport()
    patients = [f"p{n:04d}" for n in range(1, 11)]
    results: list[Result] = []
    catalog = None
    for _ in range(actions):
        report.actions += 1
        kind = rng.choice(("search", "timeline", "labs", "image", "decide", "decide"))
        try:
            if kind == "search":
                from workstation.records.platform import PatientQuery, QueryKind

                platform.search_patients(PatientQuery(QueryKind.NAME, rng.choice("王李张刘陈杨黄")))
            elif kind == "timeline" or not results:
                results = [
                    r for page in platform.results(rng.choice(patients)) for r in page.results
                ]
            elif kind == "labs":
                labs = [r for r in results if r.category is Category.LAB]
                if labs:
                    platform.observations(rng.choice(labs))
            elif kind == "image":
                images = [r for r in results if r.imaging_study_ids]
                if images:
                    study = platform.imaging_study(rng.choice(images).imaging_study_ids[0])
                    series = study.series[0]
                    uid = series.instances[0].sop_instance_uid

                    def sink(part: BinaryIO, uid: str = uid) -> str:
                        part.read()
                        return uid

                    connection.dicomweb(study.dicomweb_url).retrieve(
                        f"/studies/{study.study_uid}/series/{series.uid}/instances/{uid}",
                        sink,
                        threading.Event(),
                    )
            else:
                catalog = catalog or platform.catalog()
                result = rng.choice(results)
                decision = new_decision(
                    result,
                    DecisionKind.ACCEPTED,
                    username=connection.user.username,
                    practitioner=connection.user.practitioner,
                    catalog_version=catalog.version,
                    eligibility="scripted",
                    now=dt.datetime.now(dt.UTC),
                )
                journal.record(decision)
                report.decisions.append(decision.id)
                send_pending(journal, platform)
            report.completed += 1
        except PlatformError as exc:
            report.failures[exc.kind.value] = report.failures.get(exc.kind.value, 0) + 1
    return report
