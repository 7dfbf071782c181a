"""Without a display, or without the xcb libraries Qt needs, the program says what to do
instead of a Qt abort, and starts no sandbox."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from workstation.desktop import XCB_LIBRARIES, display_problem

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parent.parent


def test_no_display_names_xvfb_run() -> None:
    problem = display_problem({}, "linux")
    assert problem is not None
    assert "xvfb-run -a make run" in problem
    assert display_problem({"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "w"}, "linux")
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert display_problem({}, "win32") is None


def test_missing_xcb_libraries_are_named_with_their_packages() -> None:
    def loads(soname: str) -> bool:
        return soname not in ("libxcb-cursor.so.0", "libxcb-icccm.so.4")

    problem = display_problem({"DISPLAY": ":0"}, "linux", loads)
    assert problem is not None
    assert "libxcb-cursor.so.0, libxcb-icccm.so.4" in problem
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4" in problem
    assert display_problem({"DISPLAY": ":0"}, "linux", lambda _: True) is None
    # Wayland sessions do not go through xcb
    assert display_problem({"DISPLAY": ":0", "WAYLAND_DISPLAY": "w"}, "linux", loads) is None


def test_every_xcb_library_qt_links_is_known() -> None:
    plugin = Path(__import__("PySide6").__file__).parent / "Qt" / "plugins" / "platforms"
    linked = subprocess.run(
        ["ldd", str(plugin / "libqxcb.so")], capture_output=True, text=True, check=True
    ).stdout
    names = {line.split()[0] for line in linked.splitlines() if "=>" in line}
    xcb = {n for n in names if n.startswith(("libxcb", "libX11-xcb", "libxkbcommon"))}
    assert xcb <= set(XCB_LIBRARIES), xcb - set(XCB_LIBRARIES)


def test_the_program_without_display_says_so_and_starts_no_sandbox() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "main.py", "--with-sandbox"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "xvfb-run -a make run" in result.stderr
    assert "Starting the sandbox" not in result.stdout
    assert time.monotonic() - started < 20
