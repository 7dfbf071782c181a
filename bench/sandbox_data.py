"""The full demo data set for benchmarks, generated once into bench/.data."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent / ".data"


def full_data() -> Path:
    """The data directory (generated on first use, ~30 s)."""
    from sandbox.generate.dataset import generate, is_generated

    if not is_generated(DATA):
        print("generating the full demo data for benchmarks…", flush=True)
        generate(DATA, seed=20261101)
    return DATA
