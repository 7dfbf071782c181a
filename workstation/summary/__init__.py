"""The printed review summary: what it holds (``model``) and its PDF (``pdf``)."""

from workstation.summary.model import (
    PAGE_SIZES,
    KeyImage,
    PageSize,
    SummaryInput,
    SummaryItem,
    verification_code,
)
from workstation.summary.pdf import build_summary_pdf

__all__ = [
    "PAGE_SIZES",
    "KeyImage",
    "PageSize",
    "SummaryInput",
    "SummaryItem",
    "build_summary_pdf",
    "verification_code",
]
