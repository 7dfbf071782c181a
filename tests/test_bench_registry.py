"""`make bench` runs every benchmark module (one was once dropped by an import edit)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.unit


def test_every_bench_module_is_run() -> None:
    from bench.__main__ import BENCHMARKS

    on_disk = {p.stem for p in (Path(__file__).parents[1] / "bench").glob("bench_*.py")}
    registered = {module.__name__.rsplit(".", 1)[-1] for module in BENCHMARKS}
    assert on_disk == registered
