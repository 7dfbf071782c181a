"""Smoke test of the frozen program (run by `make dist-test`): the sign-in window opens
headless in Chinese, the frozen `render` command renders compressed DICOM, the .deb holds
the launcher, desktop file and icon, and the build holds no development code (no sandbox or
devtools module, no demo password in any file). Prints the frozen cold start time."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pydicom

ROOT = Path(__file__).resolve().parent.parent
FROZEN = ROOT / "dist" / "hr-workstation" / "workstation"
TEST_FILES = Path(pydicom.__file__).parent / "data" / "test_files"
# Development code that must never ship, and the sandbox's published demo password.
DEVELOPMENT_PACKAGES = ("sandbox", "devtools")
DEMO_PASSWORD = b"hr-demo-2026"
_PYINSTALLER_COOKIE = b"MEI\014\013\012\013\016"


def _frozen_entries(path: Path, data: bytes) -> Iterator[tuple[str, bytes]]:
    """(module or member name, uncompressed bytes) of what an archive file holds: the
    PyInstaller package appended to the executable with its PYZ of modules, or a zip."""
    if _PYINSTALLER_COOKIE in data:
        from PyInstaller.archive.readers import PKG_ITEM_PYZ, CArchiveReader

        package = CArchiveReader(str(path))
        for name, entry in package.toc.items():
            if entry[-1] == PKG_ITEM_PYZ:
                modules = package.open_embedded_archive(name)
                for module in modules.toc:
                    yield module, modules.extract(module, raw=True) or b""
            else:
                yield name, package.extract(name)
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                module = member.removesuffix(".pyc").removesuffix(".py").replace("/", ".")
                yield module, archive.read(member)


def development_code_in(folder: Path) -> list[str]:
    """What in a frozen build folder is development code: a sandbox or devtools module or
    folder, or a file (or archive member) containing the demo password."""
    found = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        top = relative.parts[1:2] if relative.parts[0] == "_internal" else relative.parts[:1]
        if top and top[0] in DEVELOPMENT_PACKAGES:
            found.append(f"{relative} is in the build")
        if not path.is_file():
            continue
        data = path.read_bytes()
        if DEMO_PASSWORD in data:
            found.append(f"{relative} contains the demo password")
        for name, content in _frozen_entries(path, data):
            if name.split(".")[0] in DEVELOPMENT_PACKAGES:
                found.append(f"{relative} holds the module {name}")
            if DEMO_PASSWORD in content:
                found.append(f"{relative}: {name} contains the demo password")
    return found


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
        # The development sandbox is not in the build: the option says so and stops.
        result = subprocess.run(
            [str(FROZEN), "--with-sandbox", "--root", tmp],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if result.returncode == 0 or "devtools" not in result.stderr:
            failures.append(f"frozen --with-sandbox did not refuse clearly: {result.stderr[-300:]}")
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
    failures += development_code_in(FROZEN.parent)
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
