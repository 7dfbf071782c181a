"""Decoding speed of compressed frames beside the reference command-line decoders measured
in the same run: DCMTK's dcmdjpls (JPEG-LS) and GDCM's gdcmconv (JPEG 2000). What the
reference does besides decoding is subtracted so the ratio compares decoding: for gdcmconv
the same file read and written again without decompressing it (``gdcmconv IN OUT``: start-up,
parsing and writing alike), for dcmdjpls its start-up (a --version call). Each time is the
best of 11 runs, ours and the references' alike (as timeit advises: the other runs measure
what else the machine was doing; a median of 7 let the reference's start-up and decoding
swing by 10 ms between runs on this shared 2-core machine)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

from bench.common import record
from bench.sandbox_data import full_data
from workstation.imaging.decode import load

# syntax, the reference's decoding command (IN OUT appended), and its baseline: a command
# with IN OUT appended, or one run alone
DCMTK_STARTUP = (["dcmdjpls", "--version"], False)
GDCM_COPY = (["gdcmconv"], True)
SYNTAXES = {
    "jpegls_lossless": ("1.2.840.10008.1.2.4.80", ["dcmdjpls"], DCMTK_STARTUP),
    "jpegls_near": ("1.2.840.10008.1.2.4.81", ["dcmdjpls"], DCMTK_STARTUP),
    "j2k_lossless": ("1.2.840.10008.1.2.4.90", ["gdcmconv", "--raw"], GDCM_COPY),
    "j2k_lossy": ("1.2.840.10008.1.2.4.91", ["gdcmconv", "--raw"], GDCM_COPY),
}


def _best_s(fn: object, repeat: int = 11) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


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
        for name, (syntax, command, (baseline, with_files)) in SYNTAXES.items():
            path = paths.get(syntax)
            if path is None:
                continue
            ours = _best_s(lambda p=path: load(p).pixels)
            record(results, f"decode_{name}_ours_ms", ours * 1000)
            if shutil.which(command[0]) is None:
                print(f"  {command[0]} not installed: no reference for {name}")
                continue
            files = [str(path), str(out)]
            around = [*baseline, *(files if with_files else [])]
            startup = _best_s(
                lambda a=around, w=with_files: subprocess.run(a, capture_output=True, check=w)
            )
            decoding = [*command, *files]
            reference = _best_s(
                lambda d=decoding: subprocess.run(d, capture_output=True, check=True)
            )
            decode = max(reference - startup, 1e-4)
            record(results, f"decode_{name}_{command[0]}_ms", decode * 1000)
            record(results, f"decode_{name}_ours_vs_{command[0]}_ratio", ours / decode)
