"""``python -m workstation history``: one patient's merged history from two city platforms
(sandboxes served with ``--region``), a real Orthanc on its DICOM port and her disc, with one
source down; and the sources file's rules."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest

from devtools.sandbox_launcher import DEMO_PASSWORD, RunningSandbox, start_sandbox
from sandbox.disc import patient_tags
from sandbox.regions import region_patient_id
from tests.orthanc_server import Orthanc, free_port, running_orthanc
from tests.pacs_data import PacsStudies, store_with_storescu, write_pacs_studies
from workstation.model import Category, Gender, Hospital, Patient, Result
from workstation.records.platform import PatientQuery, ResultsPage, ResultsPlatform
from workstation.sources.history import collect_history
from workstation.sources.sources_file import FhirSourceEntry, SourcesFileError, parse_sources

PATIENT = "p0001"
REGIONS = {"成都平台": "510100", "绵阳平台": "510700"}
PASSWORD_ENV = "HR_TEST_PLATFORM_PASSWORD"
SANDBOX = (sys.executable, "-m", "sandbox")
HISTORY = (sys.executable, "-m", "workstation", "history")
MOVE = {"move_port": True}
REQUIRED = {"source", "kind", "date", "hospital", "item", "modality", "match", "contradicted"}


@dataclass
class World:
    platforms: dict[str, RunningSandbox]
    orthanc: Orthanc
    pacs: PacsStudies
    disc: Path
    card: str
    data_dir: Path


@pytest.fixture(scope="module")
def world(sandbox_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("history")
    tags = patient_tags(sandbox_data, PATIENT)
    disc = root / "disc"
    done = subprocess.run(
        [*SANDBOX, "disc", str(disc), "--patient", PATIENT, "--data-dir", str(sandbox_data)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    pacs = write_pacs_studies(root / "pacs-files", tags)
    platforms: dict[str, RunningSandbox] = {}
    try:
        for name, code in REGIONS.items():
            platforms[name] = start_sandbox(
                sandbox_data, extra_args=("--region", code), timeout_s=120
            )
        with running_orthanc(
            root / "orthanc", dicom_server=True, extra={"DefaultEncoding": "Utf8"}
        ) as orthanc:
            store_with_storescu(pacs.files, orthanc.dicom_port, orthanc.aet)
            yield World(platforms, orthanc, pacs, disc, tags.id_card, sandbox_data)
    finally:
        for running in platforms.values():
            running.stop()


def _sources(world: World, *, down: bool) -> list[dict[str, object]]:
    sources: list[dict[str, object]] = [
        {
            "name": name,
            "kind": "fhir",
            "base_url": running.base_url,
            "username": "dr.li",
            "password_env": PASSWORD_ENV,
        }
        for name, running in world.platforms.items()
    ]
    sources.append(
        {
            "name": "绵阳PACS",
            "kind": "dicom",
            "host": "127.0.0.1",
            "port": world.orthanc.dicom_port,
            "called_ae": world.orthanc.aet,
            "calling_ae": "HRWS",
        }
    )
    sources.append({"name": "患者光盘", "kind": "disc", "path": str(world.disc)})
    if down:
        sources.append(
            {
                "name": "广安平台",
                "kind": "fhir",
                "base_url": f"http://127.0.0.1:{free_port()}",
                "username": "dr.li",
                "password_env": PASSWORD_ENV,
            }
        )
    return sources


def _history(
    tmp_path: Path, sources: list[dict[str, object]], card: str, password: str | None
) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "sources.json"
    path.write_text(json.dumps(sources, ensure_ascii=False), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != PASSWORD_ENV}
    if password is not None:
        env[PASSWORD_ENV] = password
    return subprocess.run(
        [*HISTORY, "--sources", str(path), "--id-card", card],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=240,
    )


def _reports_on(world: World, code: str) -> int:
    """How many reports the region's platform holds for the patient, read from its
    database (not through the client under test)."""
    with sqlite3.connect(world.data_dir / f"region-{code}.sqlite") as db:
        (count,) = db.execute(
            "SELECT count(*) FROM search WHERE rtype='DiagnosticReport' AND name='patient'"
            " AND value=?",
            (f"Patient/{region_patient_id(code, PATIENT)}",),
        ).fetchone()
    return int(count)


def test_the_merged_history_with_one_source_down(world: World, tmp_path: Path) -> None:
    done = _history(tmp_path, _sources(world, down=True), world.card, DEMO_PASSWORD)
    assert done.returncode == 3, done.stderr
    assert "广安平台" in done.stderr
    assert world.card not in done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    for row in rows:
        assert set(row) >= REQUIRED, row
        assert row["kind"] in ("lab", "imaging")
        if row["kind"] == "imaging":
            assert row["study_uid"]
            assert row["instances"] > 0
    by_source: dict[str, list[dict[str, object]]] = {}
    for row in rows:
        by_source.setdefault(str(row["source"]), []).append(row)
    assert set(by_source) == {"成都平台", "绵阳平台", "绵阳PACS", "患者光盘"}
    for name, code in REGIONS.items():
        platform_rows = by_source[name]
        assert len(platform_rows) == _reports_on(world, code) > 0
        assert {r["match"] for r in platform_rows} == {"confirmed"}
        assert {r["source_kind"] for r in platform_rows} == {"fhir"}
    assert any(r["kind"] == "imaging" for r in by_source["绵阳平台"] + by_source["成都平台"])
    pacs = {r["study_uid"]: r["match"] for r in by_source["绵阳PACS"]}
    assert pacs == {
        world.pacs.by_card: "confirmed",
        world.pacs.by_mrn: "probable",
        world.pacs.other_sex: "conflict",
    }
    contradicted = {r["study_uid"]: r["contradicted"] for r in by_source["绵阳PACS"]}
    assert contradicted[world.pacs.other_sex] == ["sex"]
    assert contradicted[world.pacs.by_card] == []
    disc = by_source["患者光盘"]
    assert len(disc) == 2
    assert {r["match"] for r in disc} == {"confirmed"}
    assert {r["mark"] for r in disc} == {None}
    assert {r["hospital"] for r in disc} == {"蓬溪县中医院"}
    dates = [str(r["datetime"]) for r in rows]
    assert [d[:10] for d in dates] == sorted((d[:10] for d in dates), reverse=True)


def test_every_source_answering_exits_0(world: World, tmp_path: Path) -> None:
    done = _history(tmp_path, _sources(world, down=False), world.card, DEMO_PASSWORD)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.count("\n") > 5


def test_a_missing_password_variable_fails_only_the_platforms(world: World, tmp_path: Path) -> None:
    done = _history(tmp_path, _sources(world, down=False), world.card, None)
    assert done.returncode == 3
    assert done.stderr.count(PASSWORD_ENV) == 2
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert {r["source"] for r in rows} == {"绵阳PACS", "患者光盘"}
    # without a platform record there is no name to match by: only the 身份证 number counts
    assert {r["match"] for r in rows} == {"confirmed"}


def test_another_patient_has_no_disc_or_pacs_rows(world: World, tmp_path: Path) -> None:
    other = patient_tags(world.data_dir, "p0002").id_card
    done = _history(tmp_path, _sources(world, down=False), other, DEMO_PASSWORD)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert rows
    assert {r["source"] for r in rows} <= {"成都平台", "绵阳平台"}


def test_bad_input_exits_2(world: World, tmp_path: Path) -> None:
    assert _history(tmp_path, _sources(world, down=False), "12345", "x").returncode == 2
    bad = [{"name": "x", "kind": "fhir", "base_url": "u", "username": "u", "password": "p"}]
    done = _history(tmp_path, bad, world.card, "x")
    assert done.returncode == 2
    assert "password_env" in done.stderr


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "non-empty JSON list"),
        ([{"kind": "disc", "path": "/x"}], "'name'"),
        ([{"name": "a", "kind": "disc", "path": "/x"}] * 2, "used twice"),
        ([{"name": "a", "kind": "ftp"}], "'kind'"),
        ([{"name": "a", "kind": "dicom", "host": "h", "port": 0, "called_ae": "A"}], "'port'"),
        ([{"name": "a", "kind": "dicom", "host": "h", "port": "104", "called_ae": "A"}], "port"),
        ([{"name": "a", "kind": "fhir", "base_url": "u", "username": "u"}], "'password_env'"),
        ([{"name": "a", "kind": "dicom", "host": "h", "port": 1, "called_ae": "A"} | MOVE], "move"),
    ],
)
def test_the_sources_file_rules(data: object, message: str) -> None:
    with pytest.raises(SourcesFileError, match=message):
        parse_sources(data)


def test_a_good_sources_file_parses() -> None:
    entries = parse_sources(
        [
            {"name": "a", "kind": "fhir", "base_url": "https://a", "username": "u"}
            | {"password_env": "A_PW"},
            {"name": "b", "kind": "dicom", "host": "pacs", "port": 104, "called_ae": "PACS"}
            | {"move_port": 11112},
            {"name": "c", "kind": "disc", "path": "/media/cdrom"},
        ]
    )
    assert [type(e).__name__ for e in entries] == [
        "FhirSourceEntry",
        "PacsEntry",
        "DiscSourceEntry",
    ]
    with pytest.raises(SourcesFileError, match="A_PW"):
        entries[0].password({})  # type: ignore[union-attr]
    assert entries[0].password({"A_PW": "secret"}) == "secret"  # type: ignore[union-attr]


class _Registry:
    """A platform's patient register and results, in memory (only what the history asks:
    the records under a number, their results, the hospitals)."""

    def __init__(self, patients: list[Patient]) -> None:
        self.patients = patients

    def hospitals(self) -> dict[str, Hospital]:
        return {"h1": Hospital("h1", "绵阳市中心医院")}

    def search_patients(self, query: PatientQuery, limit: int = 20) -> list[Patient]:
        return [p for p in self.patients if p.id_card == query.text][:limit]

    def results(self, patient_id: str, page_size: int = 100) -> Iterator[ResultsPage]:
        when = dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC)
        yield ResultsPage(
            [Result(f"r-{patient_id}", patient_id, Category.LAB, "", "血常规", "h1", when)], 1
        )


@pytest.mark.unit
def test_a_record_under_her_number_with_another_name_is_a_conflict_not_her_history() -> None:
    card = "510700198001011241"  # a woman born 1980-01-01
    mother = Patient("m1", "王芳", Gender.FEMALE, dt.date(1980, 1, 1), id_card=card)
    baby = Patient("b1", "王芳之女", Gender.FEMALE, None, id_card=card)
    registers = {"成都平台": _Registry([mother]), "绵阳平台": _Registry([baby])}

    def sign_in(entry: FhirSourceEntry, password: str) -> tuple[ResultsPlatform, Any]:
        return cast(ResultsPlatform, registers[entry.name]), lambda: None

    entries = [FhirSourceEntry(name, "https://x", "dr.li", "PW") for name in registers]
    history = collect_history(entries, card, environ={"PW": "pw"}, sign_in=sign_in)
    assert history.errors == {}
    assert history.patient == mother
    rows = {r.source: r.as_json() for r in history.rows}
    assert rows["成都平台"]["match"] == "confirmed"
    assert rows["成都平台"]["contradicted"] == []
    assert rows["绵阳平台"]["match"] == "conflict"
    assert rows["绵阳平台"]["contradicted"] == ["name"]
