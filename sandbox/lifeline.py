"""The sandbox ends with the program that started it, however that program ends (crash,
SIGKILL, a Qt abort): started with ``--parent-pid``, it asks Linux for SIGTERM when its
parent dies (PR_SET_PDEATHSIG) and, on every platform, watches its parent id change."""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import signal
import sys
import threading
import time

log = logging.getLogger("sandbox.lifeline")
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
POLL_S = 0.5


def _parent_death_signal() -> bool:
    libc_name = ctypes.util.find_library("c")
    if not sys.platform.startswith("linux") or libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    return int(libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)) == 0


def _end() -> None:
    log.warning("the program that started the sandbox has ended; stopping")
    os.kill(os.getpid(), signal.SIGTERM)  # uvicorn's graceful stop, or the default exit


def _watch(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(POLL_S)
    _end()


def bind_to_parent(parent_pid: int) -> None:
    """End this process (SIGTERM to itself) when process ``parent_pid``, its parent, ends.
    Exits at once with status 3 when the parent is already gone."""
    _parent_death_signal()
    if os.getppid() != parent_pid:  # died before the signal was asked for
        log.warning("the program that started the sandbox is gone")
        raise SystemExit(3)
    threading.Thread(target=_watch, args=(parent_pid,), name="lifeline", daemon=True).start()
