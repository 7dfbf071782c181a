"""No text shown to a user bypasses Qt's translation system: a static check of ui/ for
string literals handed straight to widgets."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit
UI = Path(__file__).resolve().parent.parent / "ui"
SETTERS = {
    "setText",
    "setToolTip",
    "setWindowTitle",
    "setPlaceholderText",
    "addItem",
    "setTitle",
    "showMessage",
    "addTab",
    "setStatusTip",
}
CONSTRUCTORS = {"QLabel", "QPushButton", "QCheckBox", "QAction", "QToolBar", "QGroupBox"}
ALLOWED = {"A4", "Letter", "–", "CSV (*.csv)", "PDF (*.pdf)", "summary.pdf", "decisions.csv"}
WORDS = re.compile(r"[A-Za-z]{2,}|[\u4e00-\u9fff]")


def _offending(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = (
            func.attr
            if isinstance(func, ast.Attribute)
            else (func.id if isinstance(func, ast.Name) else "")
        )
        if name not in SETTERS | CONSTRUCTORS:
            continue
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            text = first.value
            if text not in ALLOWED and not text.startswith("https://") and WORDS.search(text):
                found.append((node.lineno, text))
    return found


def test_widgets_get_translated_text_only() -> None:
    problems = []
    for path in sorted(UI.glob("*.py")):
        for line, text in _offending(ast.parse(path.read_text(encoding="utf-8"))):
            problems.append(f"{path.name}:{line}: {text!r}")
    assert problems == []


def test_the_check_can_fail() -> None:
    tree = ast.parse("label = QLabel('Patient name')\nbutton.setText(self.tr('OK'))\n")
    assert _offending(tree) == [(1, "Patient name")]
