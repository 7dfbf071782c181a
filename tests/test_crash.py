"""Crash handling: faulthandler and the crash hook are in place before Qt exists; the hook
logs with traceback, redacts what it shows, and never recurses; a native crash leaves its
stacks in the log folder."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from types import TracebackType

import pytest

from workstation.crash import FAULTS_FILE, CrashHook

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
ID_CARD = "510105199001011234"


def _python(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONFAULTHANDLER"}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


_BEFORE_QT = """
import faulthandler, sys
import main
try:
    main.main(["--help"])  # argparse exits before settings, the sandbox and Qt
except SystemExit:
    pass
from workstation.crash import CrashHook
print(isinstance(sys.excepthook, CrashHook), faulthandler.is_enabled(),
      any(name.split(".")[0] == "PySide6" for name in sys.modules))
"""


def test_faulthandler_and_the_crash_hook_come_before_qt(tmp_path: Path) -> None:
    result = _python(_BEFORE_QT, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["True", "True", "False"]


def _exc_info(message: str) -> tuple[type[BaseException], BaseException, TracebackType | None]:
    try:
        raise ValueError(message)
    except ValueError as exc:
        return type(exc), exc, exc.__traceback__


def test_the_hook_logs_and_shows_the_traceback_redacted(caplog: pytest.LogCaptureFixture) -> None:
    hook = CrashHook()
    shown: list[str] = []
    hook.notify = shown.append
    with caplog.at_level(logging.CRITICAL, logger="workstation.crash"):
        hook(*_exc_info(f"no patient {ID_CARD}"))
    assert [r.exc_info is not None for r in caplog.records] == [True]
    assert len(shown) == 1
    assert "ValueError" in shown[0]
    assert "Traceback" in shown[0]
    assert ID_CARD not in shown[0]


def test_an_exception_while_handling_one_does_not_recurse(
    caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    hook = CrashHook()
    shown: list[str] = []

    def dialog(details: str) -> None:
        shown.append(details)
        if len(shown) == 1:
            hook(*_exc_info("second, raised inside the dialog's event loop"))
            raise RuntimeError(f"the dialog itself broke for {ID_CARD}")

    hook.notify = dialog
    with caplog.at_level(logging.CRITICAL, logger="workstation.crash"):
        hook(*_exc_info("first"))  # returns: nothing escapes the hook
        hook(*_exc_info("third, after the guard was released"))
    assert len(shown) == 2  # the first and the third: never a dialog inside a dialog
    assert len(caplog.records) == 3  # all three logged
    stderr = capfd.readouterr().err
    assert "the dialog itself broke" in stderr
    assert ID_CARD not in stderr


_NATIVE_CRASH = """
import faulthandler, sys
from pathlib import Path
from workstation.crash import faults_to_file, install_crash_hook
install_crash_hook()
faults_to_file(Path(sys.argv[1]))
faulthandler._sigsegv()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGSEGV handling differs on Windows")
def test_a_native_crash_leaves_every_threads_stack_in_the_log_folder(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONFAULTHANDLER"}
    result = subprocess.run(
        [sys.executable, "-c", _NATIVE_CRASH, str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    dump = (tmp_path / FAULTS_FILE).read_text(encoding="utf-8")
    assert dump.startswith("--- started ")
    assert "Fatal Python error: Segmentation fault" in dump
    assert "most recent call first" in dump
    assert (tmp_path / FAULTS_FILE).stat().st_mode & 0o077 == 0
