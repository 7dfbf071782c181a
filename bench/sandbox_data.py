"""The full demo data set for benchmarks, generated once into bench/.data."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent / ".data"
CHRONIC_DATA = Path(__file__).resolve().parent / ".data-chronic"
CHRONIC_REPORTS = 10_000


def full_data() -> Path:
    """The data directory (generated on first use, ~30 s)."""
    from sandbox.generate.dataset import generate, is_generated

    if not is_generated(DATA):
        print("generating the full demo data for benchmarks…", flush=True)
        generate(DATA, seed=20261101)
    return DATA


def chronic_data() -> Path:
    """The small demo data plus the 10,000-report patient (generated on first use, ~35 s)."""
    from sandbox.generate.dataset import generate, is_generated

    if not is_generated(CHRONIC_DATA):
        print("generating the 10,000-report patient for benchmarks…", flush=True)
        generate(CHRONIC_DATA, small=True, chronic_reports=CHRONIC_REPORTS)
    return CHRONIC_DATA
