"""The one error the imaging core raises for a file it cannot show."""

from __future__ import annotations


class DecodeError(Exception):
    """The file cannot be shown; the message says why in plain words."""
