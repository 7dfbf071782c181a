"""Every string the UI shows goes through Qt's translation system and has a Chinese text."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "resources" / "i18n" / "hr_zh_CN.ts"

pytestmark = pytest.mark.unit


def _sources(path: Path) -> dict[tuple[str, str], ET.Element]:
    """Messages by (context, source): Qt looks translations up per class."""
    return {
        (context.findtext("name", ""), message.findtext("source", "")): message
        for context in ET.parse(path).iter("context")
        for message in context.iter("message")
    }


def test_every_source_string_is_translated() -> None:
    untranslated = [
        text
        for text, message in _sources(TS).items()
        if (
            message.find("translation") is None
            or message.find("translation").get("type") in ("unfinished", "vanished", "obsolete")  # type: ignore[union-attr]
            or not "".join(message.find("translation").itertext()).strip()
        )  # type: ignore[union-attr]
    ]
    assert untranslated == []


def test_catalogue_is_up_to_date_with_the_code(tmp_path: Path) -> None:
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    tool = str(lupdate) if lupdate.exists() else shutil.which("pyside6-lupdate")
    assert tool, "pyside6-lupdate is part of PySide6 and must be installed"
    fresh = tmp_path / "fresh.ts"
    shutil.copy(TS, fresh)
    sources = sorted(str(p) for p in (ROOT / "ui").glob("*.py"))
    subprocess.run([tool, *sources, "-ts", str(fresh)], check=True, capture_output=True)
    current = _sources(TS)
    new = {key for key, message in _sources(fresh).items() if key not in current}
    stale = {
        key
        for key, message in _sources(fresh).items()
        if message.find("translation") is not None
        and message.find("translation").get("type") in ("vanished", "obsolete")  # type: ignore[union-attr]
    }
    assert new == set(), "run lupdate and translate these strings"
    assert stale == set(), "run lupdate -no-obsolete"
