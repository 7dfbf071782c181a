"""Deciding in the real window: accept with one key, a repeat with reason and tick, undo,
bulk accept of a visit (audited per result); a failed save does not break the chain of
decisions; everything journaled, sent once, and visible in the statistics."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from devtools.sandbox_launcher import sign_in_demo
from tests.conftest import Sandbox
from tests.journal_faults import allow_journal_writes, refuse_journal_writes
from tests.ui_helpers import confirm_against_rules, open_patient, signed_in_window
from ui.statistics_dialog import StatisticsDialog
from workstation.audit import AuditLog, AuditRecord
from workstation.journal import Journal, OutboxState
from workstation.model import Category, Result
from workstation.recognition.decisions import INELIGIBLE_PHRASES, DecisionKind, new_decision
from workstation.session.lanes import DEFAULT_THREADS, Lane
from workstation.timeline import same_visit
from workstation.user_folder import user_key

pytestmark = [pytest.mark.ui, pytest.mark.e2e]


def test_decide_in_the_window(qtbot: QtBot, sandbox: Sandbox, tmp_path: Path) -> None:
    window = signed_in_window(qtbot, sandbox, tmp_path, "dr.wang")
    page = open_patient(qtbot, window, "p0002")
    labs = [r for r in page.timeline.visible_results() if r.category is Category.LAB]
    assert len(labs) >= 2
    journal = Journal(tmp_path / "journal" / user_key(sandbox.base_url, "dr.wang"))

    # accept: one key
    assert page.timeline.select(labs[0].id)
    qtbot.waitUntil(lambda: page.decision.accept_button.isEnabled(), timeout=5000)
    assert "→" in page.decision.rule_label.text()
    qtbot.keyClick(window, Qt.Key.Key_A)
    confirm_against_rules(page)
    qtbot.waitUntil(lambda: len(journal.history(labs[0].id)) == 1, timeout=5000)
    qtbot.waitUntil(lambda: journal.history(labs[0].id)[0].state is OutboxState.SENT, timeout=15000)
    accepted = journal.history(labs[0].id)[0].decision
    assert accepted.kind is DecisionKind.ACCEPTED
    assert sandbox.task_total(accepted.id) == 1
    # accepted as the rules say, without an HR mark, or against them: the chart says which
    wanted = (
        "仍予采纳"
        if accepted.eligibility in INELIGIBLE_PHRASES
        else "予以采纳"
        if accepted.eligibility == "no_mark"
        else "予以互认"
    )
    qtbot.waitUntil(lambda: wanted in page.decision.sentence_label.text(), timeout=5000)

    # repeat: R, reason 1, tick, save
    assert page.timeline.select(labs[1].id)
    qtbot.keyClick(window, Qt.Key.Key_R)
    assert page.decision.repeat_box.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_1)
    assert page.decision.reason_list.currentRow() == 0
    qtbot.mouseClick(page.decision.save_repeat_button, Qt.MouseButton.LeftButton)
    assert (
        "explained" in page.decision.problem_label.text()
        or "说明" in page.decision.problem_label.text()
    )
    assert journal.history(labs[1].id) == []  # nothing saved without the tick
    page.decision.informed_box.setChecked(True)
    qtbot.mouseClick(page.decision.save_repeat_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(journal.history(labs[1].id)) == 1, timeout=5000)
    repeat = journal.history(labs[1].id)[0].decision
    assert repeat.kind is DecisionKind.REPEAT_ORDERED
    assert repeat.reason_code == "R01"
    qtbot.waitUntil(lambda: "不予互认" in page.decision.sentence_label.text(), timeout=5000)

    # undo keeps history
    qtbot.waitUntil(lambda: page.decision.undo_button.isEnabled(), timeout=5000)
    qtbot.mouseClick(page.decision.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(journal.history(labs[1].id)) == 2, timeout=5000)
    assert journal.latest(labs[1].id) is None
    assert journal.history(labs[1].id)[1].decision.supersedes == repeat.id

    # everything reaches the platform exactly once
    qtbot.waitUntil(lambda: journal.pending() == [], timeout=20000)
    for entry in journal.all():
        assert sandbox.task_total(entry.decision.id) == 1

    dialog = StatisticsDialog(
        journal,
        window.signed.catalog,
        window.runner,  # type: ignore[union-attr]
        window.signed.hospitals,
    )  # type: ignore[union-attr]
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: hasattr(dialog, "stats"), timeout=5000)
    assert dialog.stats.reviewed == 1
    assert dialog.stats.accepted == 1
    out = tmp_path / "export.csv"
    dialog.write_csv(out)
    qtbot.waitUntil(out.exists, timeout=5000)
    assert labs[0].id in out.read_text(encoding="utf-8-sig")
    window.sign_out()


def test_after_a_failed_save_the_next_decision_supersedes_the_last_saved_one(
    qtbot: QtBot, sandbox: Sandbox, tmp_path: Path
) -> None:
    window = signed_in_window(qtbot, sandbox, tmp_path, "dr.li")
    page = open_patient(qtbot, window, "p0003")
    result = next(r for r in page.timeline.visible_results() if r.category is Category.LAB)
    journal = Journal(tmp_path / "journal" / user_key(sandbox.base_url, "dr.li"))
    assert page.timeline.select(result.id)
    qtbot.waitUntil(lambda: page.decision.accept_button.isEnabled(), timeout=5000)

    # accepted, then withdrawn: both saved
    qtbot.keyClick(window, Qt.Key.Key_A)
    confirm_against_rules(page)
    qtbot.waitUntil(lambda: len(journal.history(result.id)) == 1, timeout=5000)
    qtbot.waitUntil(lambda: page.decision.undo_button.isEnabled(), timeout=5000)
    qtbot.mouseClick(page.decision.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(journal.history(result.id)) == 2, timeout=5000)
    withdrawn = journal.history(result.id)[1].decision
    assert withdrawn.kind is DecisionKind.WITHDRAWN

    # the next save fails: the panel says so, the badge goes back to what the journal holds
    refuse_journal_writes(journal)
    qtbot.keyClick(window, Qt.Key.Key_A)
    confirm_against_rules(page)
    qtbot.waitUntil(lambda: "could not be saved" in page.decision.state_label.text(), timeout=5000)
    qtbot.waitUntil(lambda: page.timeline.decisions.get(result.id) is None, timeout=5000)
    assert len(journal.history(result.id)) == 2

    # the decision after it supersedes the withdrawal, the last one really saved
    allow_journal_writes(journal)
    qtbot.keyClick(window, Qt.Key.Key_A)
    confirm_against_rules(page)
    qtbot.waitUntil(lambda: len(journal.history(result.id)) == 3, timeout=5000)
    history = [e.decision for e in journal.history(result.id)]
    assert [d.supersedes for d in history] == ["", history[0].id, withdrawn.id]
    qtbot.waitUntil(lambda: journal.pending() == [], timeout=20000)
    assert all(sandbox.task_total(d.id) == 1 for d in history)
    window.sign_out()


def test_bulk_accept_audits_each_result_once(
    qtbot: QtBot, sandbox: Sandbox, tmp_path: Path
) -> None:
    window = signed_in_window(qtbot, sandbox, tmp_path, "dr.wang")
    page = open_patient(qtbot, window, "p0005")  # the demo data's visit of three panels
    results = page.timeline.visible_results()

    def eligible_of_visit(anchor: Result) -> list[Result]:
        return [
            r
            for r in same_visit(results, anchor)
            if (a := page.timeline.assessments.get(r.id)) is not None and a.eligible
        ]

    anchor = max(results, key=lambda r: len(eligible_of_visit(r)))
    eligible = eligible_of_visit(anchor)
    assert len(eligible) >= 2
    assert page.timeline.select(anchor.id)
    qtbot.waitUntil(lambda: page.decision.bulk_button.isEnabled(), timeout=5000)
    qtbot.mouseClick(page.decision.bulk_button, Qt.MouseButton.LeftButton)

    journal = Journal(tmp_path / "journal" / user_key(sandbox.base_url, "dr.wang"))
    qtbot.waitUntil(lambda: len(journal.all()) == len(eligible), timeout=10000)
    audit = AuditLog(tmp_path)

    def decision_events() -> list[AuditRecord]:
        return [r for r in audit.records() if r.action == "decision"]

    qtbot.waitUntil(lambda: len(decision_events()) == len(eligible), timeout=10000)
    assert sorted(e.entity for e in decision_events()) == sorted(
        f"DiagnosticReport/{r.id}" for r in eligible
    )
    assert {e.patient_id for e in decision_events()} == {"p0005"}
    assert {e.decision.result_id for e in journal.all()} == {r.id for r in eligible}
    assert all(e.decision.supersedes == "" for e in journal.all())
    qtbot.waitUntil(lambda: journal.pending() == [], timeout=20000)
    window.sign_out()


def test_a_decision_is_saved_within_100_ms_while_six_series_downloads_run(
    qtbot: QtBot, sandbox: Sandbox, tmp_path: Path
) -> None:
    window = signed_in_window(qtbot, sandbox, tmp_path, "dr.li")
    page = open_patient(qtbot, window, "p0001")
    result = next(r for r in page.timeline.visible_results() if r.category is Category.LAB)
    assert page.timeline.select(result.id)
    qtbot.waitUntil(lambda: page.decision.accept_button.isEnabled(), timeout=5000)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=10000)

    # six downloads hold every thread of the interactive lane (and queue behind it)
    release = threading.Event()
    running: list[int] = []

    def download(number: int) -> None:
        running.append(number)
        release.wait(30)

    for number in range(6):
        window.runner.start(download, number, lane=Lane.INTERACTIVE)
    qtbot.waitUntil(lambda: len(running) == DEFAULT_THREADS[Lane.INTERACTIVE], timeout=5000)

    saved_at: list[float] = []
    page.decision_saved.connect(lambda _decision: saved_at.append(time.monotonic()))
    try:
        pressed = time.monotonic()
        qtbot.keyClick(window, Qt.Key.Key_A)
        confirm_against_rules(page)
        qtbot.waitUntil(lambda: bool(saved_at), timeout=2000)
        assert saved_at[0] - pressed < 0.1
        journal = Journal(tmp_path / "journal" / user_key(sandbox.base_url, "dr.li"))
        assert [e.decision.kind for e in journal.history(result.id)] == [DecisionKind.ACCEPTED]
    finally:
        release.set()
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=20000)
    window.sign_out()


def test_another_doctors_decision_is_listed_in_the_history(
    qtbot: QtBot, sandbox: Sandbox, tmp_path: Path
) -> None:
    colleague = sign_in_demo(sandbox.base_url, "dr.wang")
    try:
        results = [r for page in colleague.platform.results("p0004") for r in page.results]
        result = next(r for r in results if r.category is Category.LAB)
        theirs = new_decision(
            result,
            DecisionKind.ACCEPTED,
            username="dr.wang",
            practitioner=colleague.user.practitioner,
            catalog_version="2026.11-1",
            eligibility="valid",
            now=dt.datetime.now(dt.UTC),
        )
        colleague.platform.send_decision(theirs)
    finally:
        colleague.sign_out()

    window = signed_in_window(qtbot, sandbox, tmp_path, "dr.li")
    page = open_patient(qtbot, window, "p0004")
    assert page.timeline.select(result.id)

    def lines() -> list[str]:
        history = page.decision.history_list
        return [history.item(i).text() for i in range(history.count())]

    # named as the platform names him (from his token), not as his Task said
    qtbot.waitUntil(lambda: any("王磊: accepted" in line for line in lines()), timeout=10000)
    assert page.decision.state_label.text() == "No decision yet."  # hers, not his
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=10000)

    # her view of the patient was audited locally, then sent to the platform
    bundle = httpx.get(
        f"{sandbox.base_url}/fhir/AuditEvent",
        params={"patient": "p0004"},
        headers={"Authorization": f"Bearer {sandbox.token('admin')}"},
    ).json()
    agents = [a["who"]["display"] for e in bundle.get("entry", []) for a in e["resource"]["agent"]]
    assert [r.patient_id for r in AuditLog(tmp_path).records()] == ["p0004"]
    assert "李静" in agents  # the requestor as the platform names her
    window.sign_out()


def test_accepting_what_the_rules_do_not_recognize_is_asked_and_recorded_as_such(
    qtbot: QtBot, sandbox: Sandbox, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from workstation.recognition.validity import Eligibility

    window = signed_in_window(qtbot, sandbox, tmp_path, "dr.chen")
    page = open_patient(qtbot, window, "p0004")
    expired = next(
        r
        for r in page.timeline.visible_results()
        if (a := page.timeline.assessments.get(r.id)) is not None
        and a.eligibility is Eligibility.EXPIRED
    )
    journal = Journal(tmp_path / "journal" / user_key(sandbox.base_url, "dr.chen"))
    assert page.timeline.select(expired.id)
    qtbot.waitUntil(lambda: page.decision.accept_button.isEnabled(), timeout=5000)

    def asked() -> QMessageBox:
        (box,) = [b for b in page.findChildren(QMessageBox, "acceptAgainstRules") if b.isVisible()]
        return box

    qtbot.keyClick(window, Qt.Key.Key_A)  # one key is not enough for this one
    box = asked()
    assert "已超过" in box.text() or "expired" in box.text().lower()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.wait(300)
    assert journal.history(expired.id) == []  # cancelled: nothing recorded

    qtbot.mouseClick(page.decision.accept_button, Qt.MouseButton.LeftButton)
    assert confirm_against_rules(page)
    qtbot.waitUntil(lambda: len(journal.history(expired.id)) == 1, timeout=5000)
    decision = journal.history(expired.id)[0].decision
    assert decision.kind is DecisionKind.ACCEPTED
    assert decision.eligibility == "expired"
    qtbot.waitUntil(
        lambda: "已超过互认有效期，经本人审阅，仍予采纳" in page.decision.sentence_label.text(),
        timeout=5000,
    )
    assert "不符合互认条件" in page.decision.history_list.item(0).text() or (
        "against the rules" in page.decision.history_list.item(0).text()
    )
    # the row says she decided, in the item column (in view at 1366)
    from ui.timeline import COL_ITEM

    row = page.timeline.rows.row_of(expired.id)
    assert row is not None
    assert page.timeline.model.index(row, COL_ITEM).data() == f"✓ {expired.item_name}"
    window.sign_out()
