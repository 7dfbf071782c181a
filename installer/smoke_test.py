"""Smoke test of the frozen program (run by `make dist-test`): the sign-in window opens
headless in Chinese, the frozen `render` command renders compressed DICOM, the .deb holds
the launcher, desktop file and icon. Prints the frozen cold start time."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pydicom

ROOT = Path(__file__).resolve().parent.parent
FROZEN = ROOT / "dist" / "hr-workstation" / "workstation"
TEST_FILES = Path(pydicom.__file__).parent / "data" / "test_files"


def main() -> int:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            result = subprocess.run(
                [str(FROZEN), "--exit-when-shown", "--root", tmp],
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            times.append(time.perf_counter() - start)
            if result.returncode != 0:
                failures.append(f"frozen start exited {result.returncode}: {result.stderr[-500:]}")
        log = (Path(tmp) / "log" / "workstation.log").read_text(encoding="utf-8")
        if "main window shown" not in log:
            failures.append("the sign-in window was not shown")
        if "translation" in log and "not found" in log:
            failures.append("the Chinese catalogue is missing from the build")
        print(f"frozen cold start to sign-in window: {sorted(times)[1]:.2f} s (median of 3)")
        for name in (
            "CT_small.dcm",
            "JPEG2000.dcm",
            "MR_small_jpeg_ls_lossless.dcm",
            "SC_rgb_rle.dcm",
            "JPGExtended.dcm",
        ):
            out = Path(tmp) / f"{name}.png"
            result = subprocess.run(
                [str(FROZEN), "render", str(TEST_FILES / name), str(out)],
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            if result.returncode != 0 or not out.read_bytes().startswith(b"\x89PNG"):
                failures.append(f"frozen render of {name} failed: {result.stderr[-300:]}")
    debs = sorted((ROOT / "dist").glob("hr-workstation_*.deb"))
    if debs:
        listing = subprocess.run(
            ["dpkg-deb", "-c", str(debs[-1])], capture_output=True, text=True, check=True
        ).stdout
        for needed in (
            "./usr/bin/workstation",
            "hr-workstation.desktop",
            "hicolor/256x256/apps/hr-workstation.png",
            "./opt/hr-workstation/workstation",
        ):
            if needed not in listing:
                failures.append(f".deb lacks {needed}")
    else:
        failures.append("no .deb was built")
    for failure in failures:
        print("FAIL:", failure)
    print(f"frozen-program smoke test: {len(failures)} problem(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
