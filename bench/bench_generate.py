"""How long the sandbox takes to generate its default demo data (target < 120 s)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.common import record


def run(results: dict[str, float]) -> None:
    """Generate the full demo data set once in a temporary directory."""
    from sandbox.generate.dataset import generate

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        counts = generate(Path(tmp), seed=20261101)
        record(results, "sandbox_generate_full_s", time.perf_counter() - start)
        record(results, "sandbox_generate_dicom_files_count", counts["dicom_files"])
