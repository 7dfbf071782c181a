"""Shared helpers for benchmarks: timing and the results file."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.json"


def timed(fn: Callable[[], object], repeat: int = 5) -> float:
    """Median wall time of ``fn`` in seconds over ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def record(results: dict[str, float], key: str, value: float) -> None:
    """Keep a figure (its unit is part of the key) and print it."""
    results[key] = round(value, 4)
    print(f"{key:55s} {value:12.4f}", flush=True)


def write_results(results: dict[str, float]) -> None:
    """Merge figures into bench/results.json."""
    existing: dict[str, float] = {}
    if RESULTS.exists():
        existing = json.loads(RESULTS.read_text(encoding="utf-8"))
    existing.update(results)
    RESULTS.write_text(json.dumps(existing, indent=2, sort_keys=True) + "\n", encoding="utf-8")
