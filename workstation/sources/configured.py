"""The PACS configured in the settings file: ``"pacs": [{"name": …, "host": …, "port": …,
"called_ae": …, "calling_ae": …}]`` (kept in ``Settings.extra``, the fields of a ``dicom``
entry of the history command's sources file)."""

from __future__ import annotations

import logging

from workstation.config import Settings
from workstation.logs import safe
from workstation.sources.pacs import PacsEntry
from workstation.sources.sources_file import SourcesFileError, parse_sources

log = logging.getLogger("workstation.sources")
SETTINGS_KEY = "pacs"


def configured_pacs(settings: Settings) -> list[PacsEntry]:
    """The usable PACS entries of the settings; an unusable list is logged and ignored."""
    raw = settings.extra.get(SETTINGS_KEY)
    if not raw:
        return []
    if not isinstance(raw, list):
        log.warning("settings: 'pacs' must be a list; ignored")
        return []
    try:
        entries = parse_sources([{**e, "kind": "dicom"} for e in raw if isinstance(e, dict)])
    except SourcesFileError as exc:
        log.warning("settings: 'pacs' ignored: %s", safe(str(exc)))
        return []
    return [e for e in entries if isinstance(e, PacsEntry)]
