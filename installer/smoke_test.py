"""Smoke test of the frozen program (run by `make dist-test`): the sign-in window opens
headless in Chinese; the frozen `render` command renders compressed DICOM (JPEG baseline,
12-bit extended and lossless through GDCM, JPEG-LS, JPEG 2000, RLE) exactly as the source
tree does; the .deb holds the launcher, desktop file and icon and declares every system
library the bundled binaries need (readelf/ldd, dpkg -S); on Xvfb with Qt's xcb platform
the frozen program signs in to a sandbox (screenshot in dist/smoke-xcb-*.png); the build
holds no development code (no sandbox or devtools module, no demo password in any file).
Prints the frozen cold start time."""

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
sys.path.insert(0, str(ROOT))  # devtools (the sandbox launcher) is not an installed package
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


# One file per decoder path: JPEG baseline (YCbCr), 12-bit extended (twice: one with a
# non-conformant scan header) and lossless by GDCM, JPEG-LS by CharLS, JPEG 2000, RLE.
RENDERED = (
    "CT_small.dcm",
    "SC_rgb_jpeg_dcmtk.dcm",
    "JPGExtended.dcm",
    "JPEG-lossy.dcm",
    "SC_rgb_jpeg_gdcm.dcm",
    "MR_small_jpeg_ls_lossless.dcm",
    "JPEG2000.dcm",
    "SC_rgb_rle.dcm",
)


def frozen_renders_like_source(tmp: Path) -> list[str]:
    """The frozen `render` of each RENDERED file gives the same PNG bytes as the source
    tree's ``python -m workstation render``: the bundled decoders are the ones tested."""
    failures = []
    for name in RENDERED:
        outputs = []
        for label, command in (
            ("frozen", [str(FROZEN)]),
            ("source", [sys.executable, "-m", "workstation"]),
        ):
            out = tmp / f"{name}.{label}.png"
            result = subprocess.run(
                [*command, "render", str(TEST_FILES / name), str(out)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            if result.returncode != 0 or not out.exists():
                failures.append(f"{label} render of {name} failed: {result.stderr[-300:]}")
            outputs.append(out.read_bytes() if out.exists() else b"")
        if outputs[0] and outputs[0] != outputs[1]:
            failures.append(f"frozen render of {name} differs from the source tree's")
    return failures


def _elf_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                if handle.read(4) == b"\x7fELF":
                    yield path


def _needed(path: Path) -> list[str]:
    dynamic = subprocess.run(
        ["readelf", "-d", str(path)], capture_output=True, text=True, check=False
    ).stdout
    return [
        line.split("[", 1)[1].rstrip("]") for line in dynamic.splitlines() if "(NEEDED)" in line
    ]


def _resolved(path: Path) -> dict[str, str]:
    """soname → path (or "not found") as the dynamic loader resolves ``path``'s needs."""
    linked = subprocess.run(["ldd", str(path)], capture_output=True, text=True, check=False).stdout
    found = {}
    for line in linked.splitlines():
        if "=>" in line:
            soname, _, target = line.strip().partition(" => ")
            found[soname] = target.split(" (")[0].strip()
        elif line.strip().startswith("/"):  # the dynamic loader itself, by its path
            target = line.strip().split(" (")[0]
            found[Path(target).name] = target
    return found


def _declared(depends: str) -> set[str]:
    names = set()
    for clause in depends.split(","):
        for alternative in clause.split("|"):
            names.add(alternative.split("(")[0].split(":")[0].strip())
    return names


def undeclared_libraries(folder: Path, depends: str) -> list[str]:
    """Every library a bundled binary (Qt plugins, Qt, Python extensions…) needs that the
    build does not bundle: its Debian package (dpkg -S) must be in the .deb's Depends."""
    declared = _declared(depends)
    bundled = {path.name for path in folder.rglob("*.so*")}
    owners: dict[str, str] = {}
    problems = []
    for binary in _elf_files(folder):
        outside = [soname for soname in _needed(binary) if soname not in bundled]
        if not outside:
            continue
        resolved = _resolved(binary)
        for soname in outside:
            target = resolved.get(soname, "not found")
            if target == "not found" or not target.startswith("/"):
                problems.append(f"{binary.relative_to(folder)} needs {soname}, not on this system")
                continue
            if target not in owners:
                owner = (
                    subprocess.run(
                        ["dpkg", "-S", os.path.realpath(target)],
                        capture_output=True,
                        text=True,
                        check=False,
                    ).stdout
                    or subprocess.run(
                        ["dpkg", "-S", target], capture_output=True, text=True, check=False
                    ).stdout
                )
                owners[target] = owner.split(":")[0].strip()
            if owners[target] not in declared:
                problems.append(
                    f"{binary.relative_to(folder)} needs {soname} ({owners[target] or 'no package'}),"
                    " not in the .deb's Depends"
                )
    return sorted(set(problems))


def _free_display() -> tuple[subprocess.Popen[bytes], str]:
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1440x900x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    return server, f":{number}"


def _screenshot(display: str, out: Path) -> bytes:
    subprocess.run(
        ["import", "-display", display, "-window", "root", str(out)], check=True, timeout=60
    )
    return out.read_bytes()


def signs_in_on_xcb(tmp: Path) -> list[str]:
    """Start the frozen program on a real X server (Xvfb) with Qt's xcb platform against a
    sandbox, type the demo sign-in as a user would (xdotool) and take screenshots."""
    from devtools.sandbox_launcher import start_sandbox

    sandbox = start_sandbox(tmp / "sandbox", extra_args=("--small",), timeout_s=600)
    server, display = _free_display()
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    env.pop("WAYLAND_DISPLAY", None)
    program = subprocess.Popen(
        [str(FROZEN), "--platform-url", sandbox.base_url, "--root", str(tmp / "profile")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    failures = []
    try:
        found = subprocess.run(
            ["xdotool", "search", "--sync", "--onlyvisible", "--name", "."],
            env=env,
            capture_output=True,
            text=True,
            timeout=90,
            check=False,
        ).stdout.split()
        if not found:
            return [f"no window on Xvfb with xcb: {program.poll()}"]
        time.sleep(2)
        before = _screenshot(display, ROOT / "dist" / "smoke-xcb-sign-in.png")
        steps = [
            ["windowfocus", "--sync", found[0]],
            ["key", "Tab"],
            ["type", "--delay", "20", "dr.li"],
            ["key", "Return"],
            ["type", "--delay", "20", DEMO_PASSWORD.decode()],
            ["key", "Return"],
        ]
        for step in steps:
            subprocess.run(["xdotool", *step], env=env, check=True, timeout=30)
        time.sleep(8)
        after = _screenshot(display, ROOT / "dist" / "smoke-xcb-signed-in.png")
        if program.poll() is not None:
            failures.append(f"the frozen program ended on xcb with status {program.returncode}")
        elif before == after:
            failures.append("the window did not change after signing in on xcb")
        log = (tmp / "profile" / "log" / "workstation.log").read_text(encoding="utf-8")
        if "main window shown" not in log:
            failures.append("no main window on xcb")
    finally:
        program.terminate()
        try:
            output = program.communicate(timeout=30)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            program.kill()
            output = program.communicate()[0].decode(errors="replace")
        if "could not load the Qt platform plugin" in output:
            failures.append(f"Qt on xcb: {output[-400:]}")
        server.terminate()
        server.wait(30)
        sandbox.stop()
    return failures


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
        failures += frozen_renders_like_source(Path(tmp))
    failures += development_code_in(FROZEN.parent)
    debs = sorted((ROOT / "dist").glob("hr-workstation_*.deb"))
    if debs:
        depends = subprocess.run(
            ["dpkg-deb", "-f", str(debs[-1]), "Depends"], capture_output=True, text=True, check=True
        ).stdout
        failures += undeclared_libraries(FROZEN.parent, depends)
        listing = subprocess.run(
            ["dpkg-deb", "-c", str(debs[-1])], capture_output=True, text=True, check=True
        ).stdout
        for needed in (
            "./usr/bin/workstation",
            "hr-workstation.desktop",
            "hicolor/256x256/apps/hr-workstation.png",
            "./opt/hr-workstation/workstation",
            "./opt/hr-workstation/_internal/resources/third_party.json",
            "./usr/share/doc/hr-workstation/THIRD-PARTY-NOTICES.txt",
        ):
            if needed not in listing:
                failures.append(f".deb lacks {needed}")
    else:
        failures.append("no .deb was built")
    with tempfile.TemporaryDirectory() as tmp:
        failures += signs_in_on_xcb(Path(tmp))
    for failure in failures:
        print("FAIL:", failure)
    print(f"frozen-program smoke test: {len(failures)} problem(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
