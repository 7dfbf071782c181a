"""Run every benchmark, print the figures and write bench/results.json."""

from __future__ import annotations

import os
import sys

from bench import (
    bench_decode,
    bench_disc,
    bench_faults,
    bench_generate,
    bench_login_stall,
    bench_memory,
    bench_platform,
    bench_retrieval,
    bench_startup,
    bench_summary,
    bench_timeline,
    bench_viewer,
)
from bench.common import write_results

BENCHMARKS = [
    bench_startup,
    bench_viewer,
    bench_decode,
    bench_platform,
    bench_retrieval,
    bench_login_stall,
    bench_memory,
    bench_summary,
    bench_timeline,
    bench_disc,
    bench_faults,
    bench_generate,
]


def main() -> int:
    """Entry point."""
    results: dict[str, float] = {}
    for module in BENCHMARKS:
        print(f"== {module.__name__}", flush=True)
        module.run(results)
    write_results(results)
    return 0


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    # PySide6/pyqtgraph objects can crash CPython's final garbage collection (a refcount bug
    # in the bindings); the results are written, so leave without it.
    os._exit(status)
