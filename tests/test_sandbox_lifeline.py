"""The sandbox started by the program (``main.py --with-sandbox``, devtools.sandbox_launcher)
ends with it, however the program ends: killed with SIGKILL, or its parent gone before the
sandbox was up."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parent.parent
# A stand-in for the program: starts the sandbox as main.py does, prints its address, waits.
PROGRAM = """
import sys, time
from pathlib import Path
from devtools.sandbox_launcher import start_sandbox
running = start_sandbox(Path(sys.argv[1]), timeout_s=120)
print(running.base_url, running.process.pid, flush=True)
time.sleep(600)
"""


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # a zombie not yet reaped by its new parent counts as gone
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "State:\tZ" in status.read_text(encoding="utf-8")


def test_sandbox_port_closes_within_seconds_of_a_sigkill_of_the_program(
    sandbox_data: Path,
) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    program = subprocess.Popen(
        [sys.executable, "-c", PROGRAM, str(sandbox_data)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    try:
        assert program.stdout is not None
        base_url, child = program.stdout.readline().split()
        port = urlsplit(base_url).port
        assert port is not None
        deadline = time.monotonic() + 30.0  # it prints its address just before listening
        while not _port_open(port) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _port_open(port)
        program.send_signal(signal.SIGKILL)
        program.wait(10)
        deadline = time.monotonic() + 5.0
        while _port_open(port) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _port_open(port), "the sandbox still serves after the program was killed"
        while not _gone(int(child)) and time.monotonic() < deadline + 5.0:
            time.sleep(0.1)
        assert _gone(int(child))
    finally:
        if program.poll() is None:
            program.kill()
            program.wait(10)
        if program.stdout is not None:
            program.stdout.close()


def test_sandbox_whose_parent_is_already_gone_exits_at_once(sandbox_data: Path) -> None:
    # a pid that is not this sandbox's parent: as if the parent died before it got going
    command = [sys.executable, "-m", "sandbox", "serve", "--data-dir", str(sandbox_data)]
    command += ["--parent-pid", str(2**22 + 1)]
    result = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 3
    assert "listening" not in result.stdout
