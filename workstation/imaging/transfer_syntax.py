"""The transfer syntax a dataset was stored in (one place that reads it from file meta)."""

from __future__ import annotations

from pydicom.dataset import Dataset
from pydicom.uid import UID


def transfer_syntax(ds: Dataset) -> UID | None:
    """The Transfer Syntax UID of ``ds``'s file meta; None when it has none (a dataset
    built in memory, or a file without a meta header)."""
    syntax = getattr(getattr(ds, "file_meta", None), "TransferSyntaxUID", None)
    return UID(syntax) if syntax else None
