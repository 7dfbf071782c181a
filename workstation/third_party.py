"""What the About dialog shows of the build: the third-party notices and the build's commit,
both written at build time (devtools.licences, the Makefile) into resources/ and bundled."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
NOTICES = RESOURCES / "third_party.json"
BUILD_INFO = RESOURCES / "build_info.json"


@dataclass(frozen=True)
class Notice:
    """One shipped distribution: name, version, SPDX licence expression, bundled natives."""

    name: str
    version: str
    licence: str
    bundled: str = ""


def load_notices(path: Path = NOTICES) -> list[Notice]:
    """The notices written at build time; [] when the file is missing or unreadable
    (a checkout where ``make`` has not generated it)."""
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        return [Notice(**row) for row in rows]
    except (OSError, ValueError, TypeError):
        return []


def build_commit(path: Path = BUILD_INFO) -> str:
    """The commit the build was made from (short hash, "+dirty" when the tree had changes);
    "" when unknown."""
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        return str(info.get("commit", "")) if isinstance(info, dict) else ""
    except (OSError, ValueError):
        return ""
