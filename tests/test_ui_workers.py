"""The task runner delivers on the GUI thread, and drops what belongs to a closed scope."""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from ui.workers import TaskRunner
from workstation.session.scope import Scope

pytestmark = pytest.mark.ui


def test_results_progress_and_errors_of_a_closed_scope_are_dropped(qtbot: QtBot) -> None:
    runner = TaskRunner()
    root = Scope("session")
    patient = root.open("patient")
    go = threading.Event()
    seen: list[str] = []

    def slow(*, report: Any, cancel: threading.Event) -> str:
        go.wait(5)
        report("halfway")
        return "first patient's results"

    def failing() -> None:
        go.wait(5)
        raise RuntimeError("late failure")

    runner.start(
        slow, wants_control=True, scope=patient, on_result=seen.append, on_progress=seen.append
    )
    runner.start(failing, scope=patient, on_error=lambda exc: seen.append(str(exc)))
    root.open("patient")  # she opens the next patient while the first one's work runs
    go.set()
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    qtbot.wait(20)
    assert seen == []
    runner.shutdown()


def test_an_open_scope_gets_its_results_and_failures_are_logged_with_traceback(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    runner = TaskRunner()
    scope = Scope("session").open("patient")
    results: list[object] = []
    errors: list[Exception] = []

    def broken() -> None:
        raise KeyError("field")

    runner.start(lambda: 42, scope=scope, on_result=results.append)
    with caplog.at_level(logging.ERROR, logger="ui.workers"):
        runner.start(broken, scope=scope, on_error=errors.append)
        qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    assert results == [42]
    assert [type(e) for e in errors] == [KeyError]
    record = next(r for r in caplog.records if "broken" in r.getMessage())
    assert record.exc_info is not None  # the traceback, not only the class name
    runner.shutdown()


def test_cancelling_one_task_leaves_its_scope_open(qtbot: QtBot) -> None:
    runner = TaskRunner()
    scope = Scope("session").open("study")
    go = threading.Event()
    seen: list[object] = []
    first = runner.start(go.wait, 5, scope=scope, on_result=seen.append)
    runner.start(go.wait, 5, scope=scope, on_result=lambda _v: seen.append("second"))
    first.cancel.set()
    go.set()
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    qtbot.wait(20)
    assert seen == ["second"]
    assert not scope.closed
    runner.shutdown()


def test_work_of_a_scope_closed_while_it_waited_for_a_thread_never_runs(qtbot: QtBot) -> None:
    from workstation.session.lanes import Lane, Lanes

    runner = TaskRunner(Lanes({Lane.INTERACTIVE: 1}))
    release = threading.Event()
    ran: list[str] = []
    patient = Scope("session").open("patient")
    runner.start(release.wait, 5)  # the only thread is busy
    runner.start(lambda: ran.append("decode of the previous patient"), scope=patient)
    patient.close()
    release.set()
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    assert ran == []
    runner.shutdown()
    runner.lanes.shutdown()
