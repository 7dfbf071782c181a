"""How the screen names where a result came from, in one place: the timeline's rows and
source filter and the viewer's corner text say the same words (texts in the
TimelineWidget translation context)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from workstation.session.timeline_sources import RowSource
from workstation.sources.base import SourceKind


def source_name(source: RowSource) -> str:
    """The platform's or PACS's name; "patient's own" for a disc, whatever it was called;
    "signed-in platform" for the home platform while its name is unknown."""
    if source.kind is SourceKind.DISC:
        return QCoreApplication.translate("TimelineWidget", "patient's own")
    if source.home and not source.name:
        return QCoreApplication.translate("TimelineWidget", "signed-in platform")
    return source.name
