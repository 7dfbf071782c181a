"""The core never imports Qt, pyqtgraph, the UI or the sandbox."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

_PROBE = r"""
import importlib, pkgutil, sys
FORBIDDEN = ("PySide6", "pyqtgraph", "ui", "sandbox", "shiboken6")

class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in FORBIDDEN:
            raise ImportError(f"forbidden import of {name} from the core")
        return None

sys.meta_path.insert(0, Block())
import workstation
names = [m.name for m in pkgutil.walk_packages(workstation.__path__, "workstation.")]
for name in names:
    importlib.import_module(name)
print(len(names))
"""


@pytest.mark.unit
def test_core_imports_without_qt_ui_or_sandbox() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) >= 5  # the walk really found the core's modules


@pytest.mark.unit
def test_probe_catches_a_forbidden_import(tmp_path: Path) -> None:
    # The contract test must be able to fail: a module importing Qt is caught.
    package = tmp_path / "workstation"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "bad.py").write_text("import PySide6\n")
    result = subprocess.run(
        [sys.executable, "-c", _PROBE],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(tmp_path), "PATH": ""},
    )
    assert result.returncode != 0
    assert "forbidden import of PySide6" in result.stderr
