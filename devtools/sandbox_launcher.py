"""Starting the development sandbox platform as a child process (``make run``, tests), and
the demo sign-in against it. Development only: never part of the frozen build.

The sandbox is another program: it is started as ``python -m sandbox``, never imported.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workstation.services import Connection

log = logging.getLogger("devtools.sandbox")
_LISTENING = re.compile(r"listening on (https?://127\.0\.0\.1:\d+)")


class SandboxStartError(RuntimeError):
    """The sandbox did not come up (it exited, or printed no address in time)."""


@dataclass
class RunningSandbox:
    """A sandbox child process and the base URL it serves."""

    process: subprocess.Popen[str]
    base_url: str
    output_thread: threading.Thread | None = None

    def stop(self, timeout_s: float = 10.0) -> None:
        """Terminate the process and wait for it."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout_s)
        if self.output_thread is not None:
            self.output_thread.join(timeout_s)
        if self.process.stdout is not None:
            self.process.stdout.close()


def start_sandbox(
    data_dir: Path | None = None,
    *,
    extra_args: tuple[str, ...] = (),
    timeout_s: float = 300.0,
    python: str = sys.executable,
) -> RunningSandbox:
    """Start ``python -m sandbox serve --port 0`` and wait until it prints its address.
    The sandbox ends with this process however it ends (``--parent-pid``: Linux's parent
    death signal, and a watch of its parent id). Linux sends that signal when the thread
    that started the child ends: call this from one that lives as long as the sandbox.

    Raises SandboxStartError if it exits or stays silent for ``timeout_s`` seconds.
    """
    cmd = [python, "-m", "sandbox", "serve", "--port", "0", "--parent-pid", str(os.getpid())]
    cmd += extra_args
    if data_dir is not None:
        cmd += ["--data-dir", str(data_dir)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        encoding="utf-8",
    )
    found: list[str] = []
    ready = threading.Event()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            match = _LISTENING.search(line)
            if match and not found:
                found.append(match.group(1))
                ready.set()
            elif line.strip():
                log.debug("sandbox: %s", line.rstrip())
        ready.set()

    thread = threading.Thread(target=pump, name="sandbox-output", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout_s
    while not ready.wait(0.1):
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            thread.join(5)
            if process.stdout is not None:
                process.stdout.close()
            raise SandboxStartError(f"sandbox printed no address within {timeout_s:.0f} s")
    if not found:
        code = process.wait()
        thread.join(5)
        if process.stdout is not None:
            process.stdout.close()
        raise SandboxStartError(f"sandbox exited with status {code} before serving")
    log.info("sandbox serving at %s", found[0])
    return RunningSandbox(process, found[0], thread)


DEMO_PASSWORD = "hr-demo-2026"  # noqa: S105 — the sandbox demo users (dr.li, dr.wang, admin)


def sign_in_demo(base_url: str, username: str = "dr.li") -> Connection:
    """Sign in to a running sandbox as one of its demo users, remembering nothing (for
    tests, benchmarks and demos). Raises PlatformError."""
    from workstation.config import PlatformEntry
    from workstation.services import sign_in

    return sign_in(
        PlatformEntry("Sandbox", base_url), username, DEMO_PASSWORD, remember=False, secrets=None
    )
