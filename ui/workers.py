"""Running core work off the GUI thread, with results, errors and progress as Qt signals."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger("ui.workers")


class TaskSignals(QObject):
    """Signals of one background task (delivered on the GUI thread)."""

    progress = Signal(object)
    result = Signal(object)
    error = Signal(object)
    finished = Signal()


class Task(QRunnable):
    """A callable run on the pool. It receives ``report(progress)`` and ``cancel`` (an Event)
    as keyword arguments when ``wants_control`` is set."""

    def __init__(self, fn: Callable[..., Any], *args: Any, wants_control: bool = False) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.fn = fn
        self.args = args
        self.wants_control = wants_control
        self.signals = TaskSignals()
        self.cancel = threading.Event()

    def run(self) -> None:
        try:
            if self.wants_control:
                value = self.fn(*self.args, report=self.signals.progress.emit, cancel=self.cancel)
            else:
                value = self.fn(*self.args)
        except Exception as exc:
            if not self.cancel.is_set():
                log.info("background task failed: %s", type(exc).__name__)
                self.signals.error.emit(exc)
        else:
            if not self.cancel.is_set():
                self.signals.result.emit(value)
        finally:
            self.signals.finished.emit()


class TaskRunner(QObject):
    """Owns a thread pool; keeps tasks alive until they finish; cancels all on shutdown."""

    def __init__(self, max_threads: int = 4, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._active: set[Task] = set()

    def start(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
        on_progress: Callable[[Any], None] | None = None,
        wants_control: bool = False,
    ) -> Task:
        """Run ``fn(*args)`` on the pool; callbacks run on the GUI thread."""
        task = Task(fn, *args, wants_control=wants_control)
        if on_result is not None:
            task.signals.result.connect(on_result)
        if on_error is not None:
            task.signals.error.connect(on_error)
        if on_progress is not None:
            task.signals.progress.connect(on_progress)
        task.signals.finished.connect(lambda: self._active.discard(task))
        self._active.add(task)
        self.pool.start(task)
        return task

    @property
    def busy(self) -> bool:
        """Whether any task is still running."""
        return bool(self._active)

    def shutdown(self, timeout_ms: int = 10000) -> None:
        """Cancel every task and wait for the threads."""
        for task in list(self._active):
            task.cancel.set()
        self.pool.waitForDone(timeout_ms)
