"""The sources file of ``python -m workstation history``: a JSON list of sources.

Each entry is one of::

    {"name": …, "kind": "fhir", "base_url": …, "username": …, "password_env": VAR}
    {"name": …, "kind": "dicom", "host": …, "port": …, "called_ae": …, "calling_ae": …}
    {"name": …, "kind": "disc", "path": …}

A password is never in the file: ``password_env`` names the environment variable holding
it, read when the source is used (``password``). Optional: ``ca_bundle`` (fhir),
``timeout_s``, ``move_port`` and ``move_bind`` (dicom: C-MOVE to this port instead of
C-GET).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workstation.sources.pacs import PacsEntry


class SourcesFileError(ValueError):
    """The sources file is missing, not JSON, or an entry is incomplete (plain words)."""


@dataclass(frozen=True)
class FhirSourceEntry:
    """A results platform to sign in to with a user name and a password."""

    name: str
    base_url: str
    username: str
    password_env: str
    ca_bundle: str = ""

    def password(self, environ: Mapping[str, str] | None = None) -> str:
        """The password from the environment variable named. Raises SourcesFileError
        when it is not set."""
        value = (os.environ if environ is None else environ).get(self.password_env)
        if not value:
            raise SourcesFileError(f"environment variable {self.password_env} is not set")
        return value


@dataclass(frozen=True)
class DiscSourceEntry:
    """A disc, USB stick or folder."""

    name: str
    path: Path


SourceEntry = FhirSourceEntry | PacsEntry | DiscSourceEntry


def _text(entry: Mapping[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise SourcesFileError(f"{where}: '{key}' must be a non-empty text")
    return value.strip()


def parse_sources(data: Any) -> list[SourceEntry]:
    """The sources of a parsed sources file. Raises SourcesFileError."""
    if not isinstance(data, list) or not data:
        raise SourcesFileError("the sources file must hold a non-empty JSON list")
    found: list[SourceEntry] = []
    names: set[str] = set()
    for n, entry in enumerate(data, 1):
        where = f"source {n}"
        if not isinstance(entry, dict):
            raise SourcesFileError(f"{where}: must be a JSON object")
        name = _text(entry, "name", where)
        if name in names:
            raise SourcesFileError(f"{where}: the name {name!r} is used twice")
        names.add(name)
        where = f"source {name!r}"
        if "password" in entry:
            raise SourcesFileError(f"{where}: no password in the file; use 'password_env'")
        kind = entry.get("kind")
        if kind == "fhir":
            found.append(
                FhirSourceEntry(
                    name,
                    _text(entry, "base_url", where),
                    _text(entry, "username", where),
                    _text(entry, "password_env", where),
                    str(entry.get("ca_bundle", "") or ""),
                )
            )
        elif kind == "dicom":
            port = entry.get("port")
            if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
                raise SourcesFileError(f"{where}: 'port' must be a TCP port number")
            timeout = entry.get("timeout_s", 20.0)
            if not isinstance(timeout, int | float) or isinstance(timeout, bool) or timeout <= 0:
                raise SourcesFileError(f"{where}: 'timeout_s' must be a positive number")
            move_port = entry.get("move_port", 0)
            if not isinstance(move_port, int) or isinstance(move_port, bool):
                raise SourcesFileError(f"{where}: 'move_port' must be a TCP port number")
            if not 0 <= move_port < 65536:
                raise SourcesFileError(f"{where}: 'move_port' must be a TCP port number")
            found.append(
                PacsEntry(
                    name,
                    _text(entry, "host", where),
                    port,
                    _text(entry, "called_ae", where),
                    str(entry.get("calling_ae", "") or "HRWORKSTATION"),
                    float(timeout),
                    move_port,
                    str(entry.get("move_bind", "") or ""),
                )
            )
        elif kind == "disc":
            found.append(DiscSourceEntry(name, Path(_text(entry, "path", where))))
        else:
            raise SourcesFileError(f"{where}: 'kind' must be fhir, dicom or disc")
    return found


def read_sources_file(path: Path) -> list[SourceEntry]:
    """The sources listed in the JSON file at ``path``. Raises SourcesFileError."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SourcesFileError(f"cannot read {path.name}: {exc.strerror or exc}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SourcesFileError(f"{path.name} is not JSON") from exc
    return parse_sources(data)
