"""devtools/system_packages.sh (the first step of `make test`, `make run` and .ci/run) with
dpkg-query, apt-get, sudo and id replaced on PATH: a clean machine is simulated without
removing anything the other tests need."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "devtools" / "system_packages.sh"

FAKES = {
    # installed unless named in $FAKE_MISSING
    "dpkg-query": 'for p in $FAKE_MISSING; do [ "$p" = "${@: -1}" ] && exit 1; done\n'
    "printf installed\n",
    "apt-get": 'echo "apt-get $*" >> "$FAKE_LOG"\n',
    "id": 'echo "$FAKE_UID"\n',
    "sudo": 'if [ "$1" = -n ]; then exit "$FAKE_SUDO"; fi\necho "sudo" >> "$FAKE_LOG"\n"$@"\n',
}


def _run(
    tmp_path: Path, target: str, missing: str, uid: int, sudo_ok: bool, *options: str
) -> tuple[int, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name, body in FAKES.items():
        path = bin_dir / name
        path.write_text(f"#!/usr/bin/env bash\n{body}", encoding="utf-8")
        path.chmod(0o755)
    log = tmp_path / "log"
    log.write_text("", encoding="utf-8")
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "FAKE_MISSING": missing,
        "FAKE_LOG": str(log),
        "FAKE_UID": str(uid),
        "FAKE_SUDO": "0" if sudo_ok else "1",
    }
    result = subprocess.run(
        ["bash", str(SCRIPT), *options, target],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    return result.returncode, result.stdout + result.stderr + log.read_text(encoding="utf-8")


def test_nothing_missing_installs_nothing(tmp_path: Path) -> None:
    listed = _run(tmp_path, "test", "", 1000, False, "--list")[1].split()
    code, out = _run(tmp_path, "test", "", 1000, sudo_ok=False)
    assert code == 0
    assert f"all {len(listed)} installed" in out
    assert "apt-get" not in out


def test_root_updates_then_installs_only_what_is_missing(tmp_path: Path) -> None:
    code, out = _run(tmp_path, "test", "dcmtk libxcb-cursor0", 0, sudo_ok=False)
    assert code == 0, out
    lines = [line for line in out.splitlines() if line.startswith("apt-get")]
    assert lines[0] == "apt-get update -qq"
    assert lines[1].startswith("apt-get install -y -qq --no-install-recommends")
    assert lines[1].split()[-2:] == ["libxcb-cursor0", "dcmtk"]
    assert "sudo" not in out.replace("apt-get", "")


def test_a_user_with_sudo_installs_through_it(tmp_path: Path) -> None:
    code, out = _run(tmp_path, "run", "libxcb-icccm4", 1000, sudo_ok=True)
    assert code == 0, out
    assert out.count("sudo\n") == 2  # update and install
    assert "--no-install-recommends libxcb-icccm4" in out


def test_without_root_or_sudo_it_stops_with_the_one_command(tmp_path: Path) -> None:
    code, out = _run(tmp_path, "test", "orthanc xvfb", 1000, sudo_ok=False)
    assert code == 1
    assert "apt-get update" not in out.split("Run, then repeat")[0]
    assert (
        "sudo sh -c 'apt-get update && apt-get install -y --no-install-recommends orthanc xvfb'"
        in out
    )
    assert "apt-get update -qq" not in out  # nothing was run


def test_run_needs_the_xcb_libraries_qt_links(tmp_path: Path) -> None:
    listed = subprocess.run(
        ["bash", str(SCRIPT), "--list", "run"], capture_output=True, text=True, check=True
    ).stdout.split()
    for package in ("libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxcb-xkb1"):
        assert package in listed
    assert "dcmtk" not in listed
    assert os.access(SCRIPT, os.X_OK)
