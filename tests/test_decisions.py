"""Recording decisions: rules of recording, the medical-record sentence, the journal, the
outbox against the real sandbox (exactly once, rejections kept), statistics, and a crash
test that kills the recording process at random moments."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from devtools.sandbox_launcher import sign_in_demo
from tests.conftest import Sandbox
from tests.journal_faults import allow_journal_writes, refuse_journal_writes
from workstation.journal import Journal, JournalError, OutboxState, entry_in_force
from workstation.model import Category, Hospital, RecognitionMark, RepeatReason, Result
from workstation.recognition.decisions import (
    Decision,
    DecisionError,
    DecisionKind,
    decision_in_force,
    decisions_in_force,
    new_decision,
    record_sentence,
    task_resource,
)
from workstation.recognition.outbox import next_delay_s, send_pending
from workstation.recognition.stats import compute, to_csv

CST = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=CST)
RESULT = Result(
    "r1",
    "p1",
    Category.LAB,
    "JY007",
    "电解质",
    "scph",
    dt.datetime(2026, 11, 20, 8, 0, tzinfo=CST),
    mark=RecognitionMark("川HR", "province", "510000"),
)
HOSPITAL = Hospital("scph", "四川省锦城人民医院", "3A", "三级甲等", "510100")
REASON_1 = RepeatReason(
    "R01", "病情变化，结果与临床表现、疾病诊断不符", "Condition changed", True, False
)
REASON_6 = RepeatReason("R06", "其他情形确需复查", "Other", True, True)
NOT_REFUSAL = RepeatReason("P05", "影像资料未收到", "Images not received", False, False)


def _decide(kind: DecisionKind, **kwargs: object) -> Decision:
    return new_decision(
        RESULT,
        kind,
        username="dr.li",
        practitioner="Practitioner/pr001",
        catalog_version="2026.11-1",
        eligibility="valid",
        now=NOW,
        **kwargs,
    )  # type: ignore[arg-type]


@pytest.mark.unit
def test_rules_of_recording() -> None:
    with pytest.raises(DecisionError, match="reason"):
        _decide(DecisionKind.REPEAT_ORDERED)
    with pytest.raises(DecisionError, match="note"):
        _decide(DecisionKind.REPEAT_ORDERED, reason=REASON_6, patient_informed=True)
    with pytest.raises(DecisionError, match="explained"):
        _decide(DecisionKind.REPEAT_ORDERED, reason=REASON_1)
    # images not received is not a refusal: no explanation to the patient needed
    _decide(DecisionKind.REPEAT_ORDERED, reason=NOT_REFUSAL)
    with pytest.raises(DecisionError):
        _decide(DecisionKind.ACCEPTED, reason=REASON_1)


@pytest.mark.unit
def test_medical_record_sentences() -> None:
    text = record_sentence(_decide(DecisionKind.ACCEPTED), RESULT, HOSPITAL)
    assert text == (
        "患者于2026年11月20日在四川省锦城人民医院所做的电解质（川HR）结果经本人审阅，"
        "予以互认，本次不再重复检查。"
    )
    repeat = _decide(
        DecisionKind.REPEAT_ORDERED, reason=REASON_6, note="术前复查", patient_informed=True
    )
    text = record_sentence(repeat, RESULT, HOSPITAL)
    assert "不予互认" in text
    assert "其他情形确需复查（术前复查）" in text
    assert text.endswith("已向患者/家属说明复查的目的和必要性。")
    assert record_sentence(_decide(DecisionKind.WITHDRAWN), RESULT, HOSPITAL) == (
        "撤销此前对患者于2026年11月20日在四川省锦城人民医院所做的电解质（川HR）结果的互认结论。"
    )


@pytest.mark.unit
def test_the_chart_says_how_a_result_not_from_a_platform_reached_her() -> None:
    from dataclasses import replace

    from workstation.recognition.decisions import origin_phrase

    disc = replace(RESULT, mark=None)
    text = record_sentence(
        _decide(DecisionKind.ACCEPTED), disc, HOSPITAL, origin_phrase("disc", "光盘")
    )
    assert text.startswith(
        "患者于2026年11月20日在四川省锦城人民医院所做的电解质（患者自带光盘）结果"
    )
    pacs = origin_phrase("dicom", "绵阳PACS")
    text = record_sentence(_decide(DecisionKind.ACCEPTED), RESULT, HOSPITAL, pacs)
    assert "所做的电解质（川HR，经绵阳PACS调阅）结果" in text
    assert origin_phrase("fhir", "绵阳平台") == ""


@pytest.mark.unit
def test_task_is_valid_fhir() -> None:
    from fhir.resources.R4B import get_fhir_model_class

    repeat = new_decision(
        RESULT,
        DecisionKind.REPEAT_ORDERED,
        username="dr.li",
        practitioner="Practitioner/pr001",
        catalog_version="v",
        eligibility="valid",
        now=NOW,
        reason=REASON_1,
        patient_informed=True,
    )
    task = task_resource(dataclasses.replace(repeat, supersedes="earlier-id"))
    get_fhir_model_class("Task").model_validate(task)
    assert task["reasonCode"]["coding"][0]["code"] == "R01"
    assert task["partOf"][0]["identifier"]["value"] == "earlier-id"


@pytest.mark.unit
def test_journal_keeps_history_and_state(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    first = _decide(DecisionKind.ACCEPTED)
    journal.record(first)
    second = _decide(DecisionKind.REPEAT_ORDERED, reason=REASON_1, patient_informed=True)
    journal.record(second)
    reopened = Journal(tmp_path)
    assert [e.decision.id for e in reopened.history("r1")] == [first.id, second.id]
    assert reopened.history("r1")[1].decision.supersedes == first.id
    latest = reopened.latest("r1")
    assert latest is not None
    assert latest.decision.kind is DecisionKind.REPEAT_ORDERED
    assert len(reopened.pending()) == 2
    reopened.mark_sent(first.id, "srv1")
    reopened.mark_rejected(second.id, "422 bad")
    assert reopened.pending() == []
    assert reopened.rejected()[0].last_error == "422 bad"
    reopened.record(_decide(DecisionKind.WITHDRAWN))
    assert reopened.latest("r1") is None
    assert len(reopened.history("r1")) == 3
    assert reopened.history("r1")[2].decision.supersedes == second.id


@pytest.mark.unit
def test_after_a_failed_write_the_next_decision_supersedes_the_last_saved_one(
    tmp_path: Path,
) -> None:
    journal = Journal(tmp_path)
    first = journal.record(_decide(DecisionKind.ACCEPTED))
    assert first.supersedes == ""  # nothing saved before it
    refuse_journal_writes(journal)
    lost = _decide(DecisionKind.REPEAT_ORDERED, reason=REASON_1, patient_informed=True)
    with pytest.raises(JournalError):
        journal.record(lost)
    allow_journal_writes(journal)
    # whatever the caller believes it supersedes, the journal links to what it saved
    after = journal.record(dataclasses.replace(_decide(DecisionKind.ACCEPTED), supersedes=lost.id))
    assert after.supersedes == first.id
    assert [e.decision for e in journal.history("r1")] == [first, after]
    assert journal.pending()[-1].decision.supersedes == first.id
    assert task_resource(after)["partOf"][0]["identifier"]["value"] == first.id


@pytest.mark.unit
def test_writers_in_parallel_form_one_chain(tmp_path: Path) -> None:
    # Two journals on one folder (two processes of the same user): each insert reads the
    # last saved decision in its own write transaction, so the chain never forks.
    journals = [Journal(tmp_path), Journal(tmp_path)]

    def write(journal: Journal) -> None:
        for _ in range(15):
            journal.record(_decide(DecisionKind.ACCEPTED))

    threads = [threading.Thread(target=write, args=(j,)) for j in journals for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    history = [e.decision for e in journals[0].history("r1")]
    assert len(history) == 60
    assert [d.supersedes for d in history] == ["", *[d.id for d in history[:-1]]]


@pytest.mark.unit
def test_the_decision_in_force() -> None:
    accept = _decide(DecisionKind.ACCEPTED)
    repeat = _decide(DecisionKind.REPEAT_ORDERED, reason=REASON_1, patient_informed=True)
    withdraw = _decide(DecisionKind.WITHDRAWN)
    assert decision_in_force([]) is None
    assert decision_in_force([accept]) is accept
    assert decision_in_force([accept, repeat]) is repeat
    assert decision_in_force([accept, withdraw]) is None
    assert decision_in_force([accept, withdraw, repeat]) is repeat
    other = dataclasses.replace(accept, id="other", result_id="r2")
    assert decisions_in_force([accept, other, withdraw]) == {"r2": other}
    assert decisions_in_force([accept, other, repeat]) == {"r1": repeat, "r2": other}


@pytest.mark.unit
def test_the_entry_in_force_and_the_journal_agree(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    assert entry_in_force([]) is None
    journal.record(_decide(DecisionKind.ACCEPTED))
    repeat = journal.record(
        _decide(DecisionKind.REPEAT_ORDERED, reason=REASON_1, patient_informed=True)
    )
    entry = entry_in_force(journal.history("r1"))
    assert entry is not None
    assert entry.decision == repeat
    assert journal.latest("r1") == entry
    journal.record(_decide(DecisionKind.WITHDRAWN))
    assert entry_in_force(journal.history("r1")) is None


@pytest.mark.unit
def test_statistics_count_the_decision_in_force(tmp_path: Path) -> None:
    from sandbox.generate.catalog import catalog_document
    from workstation.records.fhir_parse import parse_catalog

    catalog = parse_catalog(catalog_document())  # type: ignore[arg-type]
    journal = Journal(tmp_path)
    journal.record(
        _decide(
            DecisionKind.REPEAT_ORDERED,
            reason=REASON_1,
            patient_informed=True,
        )
    )
    journal.record(_decide(DecisionKind.ACCEPTED))  # supersedes the repeat
    other = Result("r2", "p1", Category.IMAGING, "JC001", "胸部CT平扫", "cdfy", NOW)
    journal.record(
        new_decision(
            other,
            DecisionKind.REPEAT_ORDERED,
            username="dr.li",
            practitioner="Practitioner/pr001",
            catalog_version="v",
            eligibility="expired",
            now=NOW,
            reason=NOT_REFUSAL,
        )
    )
    stats = compute(journal.all(), catalog)
    assert (stats.reviewed, stats.accepted, stats.repeated, stats.refusals) == (2, 1, 1, 0)
    assert stats.by_category["lab"].percent == 100.0
    assert stats.by_hospital["cdfy"].percent == 0.0
    item = catalog.item("JY007")
    assert item is not None
    assert stats.saved_yuan == item.price_yuan
    csv_text = to_csv(journal.all())
    assert csv_text.startswith("\ufeff")
    assert csv_text.count("\n") == 3
    assert compute(journal.all(), catalog, start=NOW.date() + dt.timedelta(days=1)).reviewed == 0


@pytest.mark.unit
def test_backoff_grows_and_is_capped() -> None:
    assert [next_delay_s(n) for n in range(5)] == [0.0, 2.0, 4.0, 8.0, 16.0]
    assert next_delay_s(50) == 300.0


@pytest.mark.e2e
def test_outbox_sends_once_keeps_waiting_offline_and_keeps_rejections(
    clean_faults: Sandbox, tmp_path: Path
) -> None:
    sandbox = clean_faults
    connection = sign_in_demo(sandbox.base_url)
    try:
        results = [r for page in connection.platform.results("p0001") for r in page.results]
        journal = Journal(tmp_path)
        decisions = []
        for result in results[:3]:
            decision = new_decision(
                result,
                DecisionKind.ACCEPTED,
                username="dr.li",
                practitioner=connection.user.practitioner,
                catalog_version="2026.11-1",
                eligibility="valid",
                now=dt.datetime.now(dt.UTC),
            )
            journal.record(decision)
            decisions.append(decision)
        sandbox.set_faults(error_rate=1.0)
        report = send_pending(journal, connection.platform)
        assert report.failed == "server"
        assert len(journal.pending()) == 3
        sandbox.reset_faults()
        assert send_pending(journal, connection.platform).sent == [d.id for d in decisions]
        # resending the same decisions (as after a crash between send and mark) is harmless
        for d in decisions:
            connection.platform.send_decision(d)
        token = sandbox.token()
        assert [sandbox.task_total(d.id, token) for d in decisions] == [1, 1, 1]
        # a refusal with a reason is kept and shown, not retried forever
        ghost = Result(
            "no-such-report", "p0001", Category.LAB, "JY001", "x", "scph", dt.datetime.now(dt.UTC)
        )
        journal.record(
            new_decision(
                ghost,
                DecisionKind.ACCEPTED,
                username="dr.li",
                practitioner=connection.user.practitioner,
                catalog_version="v",
                eligibility="valid",
                now=dt.datetime.now(dt.UTC),
            )
        )
        report = send_pending(journal, connection.platform)
        assert len(report.rejected) == 1
        assert "not a known result" in journal.rejected()[0].last_error
        assert journal.pending() == []
        assert journal.rejected()[0].state is OutboxState.REJECTED
        on_result = connection.platform.decisions_on(decisions[0].result_id)
        mine = [d for d in on_result if d.decision_id == decisions[0].id]
        assert [(d.kind, d.practitioner) for d in mine] == [
            (DecisionKind.ACCEPTED, connection.user.practitioner)
        ]
    finally:
        connection.sign_out()


@pytest.mark.e2e
def test_killed_at_random_moments_nothing_confirmed_is_lost_or_doubled(
    clean_faults: Sandbox, tmp_path: Path
) -> None:
    sandbox = clean_faults
    sandbox.set_faults(error_rate=0.15, drop_rate=0.1, latency_ms=5)
    driver = Path(__file__).with_name("decision_driver.py")
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    rng = random.Random(20261123)
    confirmed: list[str] = []
    kills = 0
    for round_number in range(6):
        process = subprocess.Popen(
            [
                sys.executable,
                str(driver),
                "--journal",
                str(tmp_path),
                "--platform",
                sandbox.base_url,
                "--count",
                "15",
                "--seed",
                str(round_number),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        # Killed at a random moment after its first confirmation: signing in through the
        # faults takes a varying time (each injected 503 asks for Retry-After: 1 s, honoured).
        assert process.stdout is not None
        first = process.stdout.readline()
        time.sleep(rng.uniform(0.3, 1.5))
        process.send_signal(signal.SIGKILL)
        out, _ = process.communicate(timeout=30)
        kills += int(process.returncode == -signal.SIGKILL)
        lines = [first, *out.splitlines()]
        confirmed += [line.split()[1] for line in lines if line.startswith("CONFIRMED")]
    assert kills >= 4, "the driver must really be killed mid-work"
    assert confirmed, "the driver confirmed nothing before being killed"
    sandbox.reset_faults()
    drain = subprocess.run(
        [
            sys.executable,
            str(driver),
            "--journal",
            str(tmp_path),
            "--platform",
            sandbox.base_url,
            "--count",
            "0",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert "DONE" in drain.stdout, drain.stderr[-2000:]
    token = sandbox.token()
    journal_ids = [e.decision.id for e in Journal(tmp_path).all()]
    assert set(confirmed) <= set(journal_ids)
    counts = {d: sandbox.task_total(d, token) for d in journal_ids}
    print(
        f"crash test: {kills} SIGKILLs, {len(confirmed)} confirmed, "
        f"{len(journal_ids)} journaled, {sum(counts.values())} on the server"
    )
    assert [d for d, n in counts.items() if n != 1] == []


_FULL_DISK = r"""
import datetime as dt, resource, signal, sys
from pathlib import Path
from workstation.journal import Journal, JournalError
from workstation.model import Category, Result
from workstation.recognition.decisions import DecisionKind, new_decision
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
journal = Journal(Path(sys.argv[1]))
now = dt.datetime.now(dt.UTC)
result = Result("r1", "p1", Category.LAB, "JY001", "血常规", "scph", now)
def decide(padding):
    return new_decision(result, DecisionKind.ACCEPTED, username="u" + padding,
                        practitioner="P/1", catalog_version="v", eligibility="valid", now=now)
journal.record(decide(""))
resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))
try:
    for _ in range(200):
        journal.record(decide("x" * 4000))
except JournalError as exc:
    print("refused:", exc)
"""


@pytest.mark.unit
def test_full_disk_refuses_cleanly_and_keeps_the_journal(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _FULL_DISK, str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert "refused:" in result.stdout, result.stderr[-2000:]
    journal = Journal(tmp_path)
    entries = journal.all()
    assert entries
    assert entries[0].decision.username == "u"
    import sqlite3

    with sqlite3.connect(tmp_path / "journal.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
