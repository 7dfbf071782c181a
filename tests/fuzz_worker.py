"""Decodes and renders DICOM files, each in a forked child with an address-space limit and
a time limit, for tests/test_fuzz_dicom.py.

``python -m tests.fuzz_worker LIMIT_BYTES SECONDS LIST`` reads the paths in the file LIST
(one a line) and writes one JSON result per line on stdout:

{"path": …, "status": exit status or −signal, "outcome": "image" | "error" | "crash",
 "message": the DecodeError's text or the child's stderr}

The child catches DecodeError only: anything else prints a traceback and counts as a crash;
an abort or a segfault shows as a negative status, a hang as −SIGALRM.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
import tempfile
import traceback
import warnings
from pathlib import Path

from workstation.imaging.decode import DecodeError, load
from workstation.imaging.display import render_frame

IMAGE, ERROR = 0, 3


def _child(path: str, report: int, limit_bytes: int, seconds: int) -> None:
    """Runs in the forked child; never returns."""
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    signal.alarm(seconds)
    status = 1
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            image = load(path)
            for frame in sorted({0, image.frames - 1}):
                render_frame(image, frame)
        status = IMAGE
    except DecodeError as exc:
        os.write(report, str(exc).encode("utf-8", "replace")[:2000])
        status = ERROR
    except BaseException:
        traceback.print_exc()
    sys.stderr.flush()
    os._exit(status)


def run_case(path: str, limit_bytes: int, seconds: int) -> dict[str, object]:
    """Fork, decode and render ``path`` in the child, and say how it ended."""
    with tempfile.TemporaryFile() as errors, tempfile.TemporaryFile() as report:
        pid = os.fork()
        if pid == 0:
            os.dup2(errors.fileno(), 2)
            _child(path, report.fileno(), limit_bytes, seconds)
        _, wait_status = os.waitpid(pid, 0)
        status = os.waitstatus_to_exitcode(wait_status)
        errors.seek(0)
        report.seek(0)
        stderr = errors.read().decode("utf-8", "replace")
        message = report.read().decode("utf-8", "replace")
    outcome = {IMAGE: "image", ERROR: "error"}.get(status, "crash")
    return {"path": path, "status": status, "outcome": outcome, "message": message or stderr}


def main() -> None:
    """Run every listed file."""
    limit_bytes, seconds, listing = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    for path in listing.read_text(encoding="utf-8").splitlines():
        sys.stdout.write(json.dumps(run_case(path, limit_bytes, seconds)) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
