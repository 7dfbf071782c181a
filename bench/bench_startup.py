"""Cold start of the program to an interactive sign-in window (target ≤ 1.5 s)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import record

ROOT = Path(__file__).resolve().parent.parent


def run(results: dict[str, float]) -> None:
    """Start ``main.py --exit-when-shown`` five times; report the median and the best."""
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    times = []
    with tempfile.TemporaryDirectory() as root:
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, str(ROOT / "main.py"), "--exit-when-shown", "--root", root],
                check=True,
                env=env,
                capture_output=True,
            )
            times.append(time.perf_counter() - start)
    record(results, "startup_to_sign_in_window_median_s", statistics.median(times))
    record(results, "startup_to_sign_in_window_best_s", min(times))
