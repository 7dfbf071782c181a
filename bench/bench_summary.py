"""Printed summary: a 20-result summary with 6 key images (target < 3 s)."""

from __future__ import annotations

import time

from bench.common import record


def run(results: dict[str, float]) -> None:
    """Build the same 20-item / 6-image summary the tests use, once warm."""
    from tests.test_summary_pdf import large_summary, realistic_summary
    from workstation.summary.pdf import build_summary_pdf

    build_summary_pdf(realistic_summary())  # fonts registered, as in a running workstation
    summary = large_summary()
    times = []
    for _ in range(3):
        start = time.perf_counter()
        pdf = build_summary_pdf(summary)
        times.append(time.perf_counter() - start)
    record(results, "summary_20_results_6_images_s", sorted(times)[1])
    record(results, "summary_20_results_6_images_megabytes", len(pdf) / 1e6)
