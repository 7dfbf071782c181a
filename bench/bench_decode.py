"""Decoding speed of compressed frames beside the reference command-line decoders measured
in the same run: DCMTK's dcmdjpls (JPEG-LS) and GDCM's gdcmconv (JPEG 2000). Their process
start-up (a --version call) is subtracted so the ratio compares decoding."""

from __future__ import annotations

import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench.common import record
from bench.sandbox_data import full_data
from workstation.imaging.decode import load

SYNTAXES = {
    "jpegls_lossless": ("1.2.840.10008.1.2.4.80", ["dcmdjpls"]),
    "jpegls_near": ("1.2.840.10008.1.2.4.81", ["dcmdjpls"]),
    "j2k_lossless": ("1.2.840.10008.1.2.4.90", ["gdcmconv", "--raw"]),
    "j2k_lossy": ("1.2.840.10008.1.2.4.91", ["gdcmconv", "--raw"]),
}


def _median_s(fn: object, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(results: dict[str, float]) -> None:
    """One file per syntax from the demo data's transfer-syntax study."""
    data = full_data()
    with sqlite3.connect(data / "sandbox.sqlite") as db:
        paths = {
            ts: data / p
            for ts, p in db.execute(
                "SELECT transfer_syntax, MIN(path) FROM instance GROUP BY transfer_syntax"
            )
        }
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.dcm"
        for name, (syntax, command) in SYNTAXES.items():
            path = paths.get(syntax)
            if path is None:
                continue
            ours = _median_s(lambda p=path: load(p).pixels)
            record(results, f"decode_{name}_ours_ms", ours * 1000)
            if shutil.which(command[0]) is None:
                print(f"  {command[0]} not installed: no reference for {name}")
                continue
            startup = _median_s(
                lambda c=command: subprocess.run(
                    [c[0], "--version"], capture_output=True, check=False
                )
            )
            reference = _median_s(
                lambda c=command, p=path: subprocess.run(
                    [*c, str(p), str(out)], capture_output=True, check=True
                )
            )
            decode = max(reference - startup, 1e-4)
            record(results, f"decode_{name}_{command[0]}_ms", decode * 1000)
            record(results, f"decode_{name}_ours_vs_{command[0]}_ratio", ours / decode)
