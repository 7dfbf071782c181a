"""Crash handling that starts before anything else can fail (Qt-free): faulthandler for
native crashes of the bindings, and one hook for uncaught exceptions that logs the traceback
and then tells the user (the GUI sets ``CrashHook.notify``), guarded against re-entry."""

from __future__ import annotations

import contextlib
import datetime as dt
import faulthandler
import os
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TextIO

from workstation.logs import log_uncaught
from workstation.private_files import open_private_append
from workstation.redact import redact

FAULTS_FILE = "faults.log"
_fault_file: TextIO | None = None  # kept open: faulthandler writes to its descriptor


class CrashHook:
    """``sys.excepthook``: log the exception with its traceback, then call ``notify`` with
    the redacted traceback (a dialog, once a GUI exists).

    Never recurses: an exception raised while handling one (in ``notify``, or in a nested
    event loop of its dialog) is logged only, without a second dialog; a failure of the
    hook itself goes to stderr, redacted, and never out of the hook."""

    def __init__(self) -> None:
        self.notify: Callable[[str], None] | None = None
        self._handling = False

    def __call__(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if self._handling:  # re-entered while telling the user about the previous one
            _log_quietly(exc_type, exc, tb)
            return
        self._handling = True
        try:
            _log_quietly(exc_type, exc, tb)
            if self.notify is not None:
                self.notify(redact("".join(traceback.format_exception(exc_type, exc, tb))))
        except Exception as failure:  # the hook failed: say so, never raise out of it
            _to_stderr(type(failure), failure, failure.__traceback__)
        finally:
            self._handling = False


def _log_quietly(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    try:
        log_uncaught(exc_type, exc, tb)
    except Exception:  # logging itself is broken (disk full…): stderr is all that is left
        _to_stderr(exc_type, exc, tb)


def _to_stderr(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    stream = sys.__stderr__
    if stream is not None:
        with contextlib.suppress(OSError, ValueError):  # a closed or broken stderr
            stream.write(redact("".join(traceback.format_exception(exc_type, exc, tb))))
            stream.flush()


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    """Uncaught exceptions of other threads: logged with their traceback (no dialog)."""
    if args.exc_value is not None:
        _log_quietly(args.exc_type, args.exc_value, args.exc_traceback)


def install_crash_hook() -> CrashHook:
    """Install the crash hook for the main thread and others (once: a second call returns
    the hook already installed) and enable faulthandler (on stderr until
    ``faults_to_file``). Call it first thing, before Qt and before any server starts."""
    enable_faulthandler()
    if isinstance(sys.excepthook, CrashHook):
        return sys.excepthook
    hook = CrashHook()
    sys.excepthook = hook
    threading.excepthook = _thread_hook
    return hook


def enable_faulthandler() -> None:
    """Dump every thread's Python stack on a native crash (SIGSEGV, SIGABRT, …) to stderr;
    nothing when there is no stderr (a windowed build) and no file was chosen yet."""
    if _fault_file is not None or faulthandler.is_enabled():
        return
    if sys.stderr is None:
        return
    with contextlib.suppress(RuntimeError, ValueError, OSError):  # stderr without a descriptor
        faulthandler.enable(all_threads=True)


def faults_to_file(log_dir: Path) -> Path:
    """From now on, write native crash dumps to ``log_dir/faults.log`` (appended, one
    header line per start): a crash of a program started from the desktop leaves a trace
    where support looks. Raises OSError when the file cannot be opened."""
    global _fault_file
    path = log_dir / FAULTS_FILE
    handle = os.fdopen(open_private_append(path), "a", encoding="utf-8")
    handle.write(f"--- started {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}\n")
    handle.flush()
    faulthandler.enable(file=handle, all_threads=True)
    if _fault_file is not None:
        _fault_file.close()
    _fault_file = handle
    return path
