"""Running core work off the GUI thread on the core's lanes, with results, errors and
progress delivered on the GUI thread, and dropped once the task's scope has closed."""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from workstation.logs import safe
from workstation.session.lanes import Lane, Lanes
from workstation.session.scope import Scope

log = logging.getLogger("ui.workers")
_SWITCH_INTERVAL_S = 0.001


class _Delivery(QObject):
    """Carries a callback from a worker thread to the GUI thread (queued connection)."""

    posted = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.posted.connect(self._run, Qt.ConnectionType.QueuedConnection)

    def _run(self, callback: Callable[[], None]) -> None:
        callback()


class Task:
    """One background task. ``cancel`` is set when it is cancelled or its scope closes;
    from then on nothing of it reaches the callbacks."""

    def __init__(self, name: str, scope: Scope | None) -> None:
        self.name = name
        self.scope = scope
        self.cancel = threading.Event()
        self.done = threading.Event()
        if scope is not None:
            scope.link(self.cancel)

    @property
    def cancelled(self) -> bool:
        """True once the task was cancelled or its scope closed."""
        return self.cancel.is_set()


class TaskRunner(QObject):
    """Starts work on the core's lanes and delivers its outcome on the GUI thread."""

    def __init__(self, lanes: Lanes | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Workers parsing a page hold the GIL for the whole switch interval (5 ms by default)
        # each time the GUI thread gives it up: a page's few hundred GUI steps then waited
        # 0.2 s. A 1 ms interval keeps her clicks answered while pages arrive.
        sys.setswitchinterval(min(sys.getswitchinterval(), _SWITCH_INTERVAL_S))
        self.lanes = lanes or Lanes()
        self._owns_lanes = lanes is None
        self._delivery = _Delivery()
        self._active: set[Task] = set()
        self._lock = threading.Lock()

    def start(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
        on_progress: Callable[[Any], None] | None = None,
        wants_control: bool = False,
        scope: Scope | None = None,
        lane: Lane = Lane.INTERACTIVE,
    ) -> Task:
        """Run ``fn(*args)`` on ``lane``; the callbacks run on the GUI thread unless the task
        was cancelled or ``scope`` closed by then. With ``wants_control`` the function also
        receives ``report=`` (progress) and ``cancel=`` (a threading.Event). A failure is
        logged with its traceback (the log formatter redacts identifiers)."""
        task = Task(getattr(fn, "__name__", "task"), scope)

        def deliver(callback: Callable[[Any], None] | None, value: Any) -> None:
            if callback is None:
                return

            def run() -> None:
                if not task.cancelled:
                    callback(value)

            self._delivery.posted.emit(run)

        def report(progress: Any) -> None:
            if not task.cancelled:
                deliver(on_progress, progress)

        def work() -> None:
            if task.cancelled:  # its scope closed while it waited for a thread: skip it
                task.done.set()
                self._delivery.posted.emit(lambda: self._finished(task))
                return
            try:
                value = fn(*args, report=report, cancel=task.cancel) if wants_control else fn(*args)
            except Exception as exc:
                if not task.cancel.is_set():  # (re-read: it may have been set meanwhile)
                    log.error("background task %s failed", safe(task.name), exc_info=exc)
                    deliver(on_error, exc)
                else:
                    log.info("cancelled task %s ended with %s", safe(task.name), exc)
            except BaseException as exc:  # SystemExit/KeyboardInterrupt in a worker: say so
                log.critical("background task %s stopped", safe(task.name), exc_info=exc)
                raise
            else:
                deliver(on_result, value)
            finally:
                task.done.set()
                self._delivery.posted.emit(lambda: self._finished(task))

        with self._lock:
            self._active.add(task)
        future: Future[None] = self.lanes.submit(lane, work)
        future.add_done_callback(lambda f: self._finished(task) if f.cancelled() else None)
        return task

    def _finished(self, task: Task) -> None:
        with self._lock:
            self._active.discard(task)

    @property
    def busy(self) -> bool:
        """Whether any task is still running or waiting for its outcome to be delivered."""
        with self._lock:
            return bool(self._active)

    def shutdown(self, timeout_ms: int = 10000) -> None:
        """Cancel every task and wait for the running ones (up to ``timeout_ms``)."""
        with self._lock:
            tasks = list(self._active)
        for task in tasks:
            task.cancel.set()
        if self._owns_lanes:
            self.lanes.shutdown(wait=False)  # queued work is dropped at once
        deadline = time.monotonic() + timeout_ms / 1000  # one deadline for all, not each
        for task in tasks:
            task.done.wait(max(0.0, deadline - time.monotonic()))
