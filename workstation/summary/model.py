"""What a printed review summary holds: plain frozen data, and the code that identifies it.

Nothing here draws: ``workstation.summary.pdf`` turns a ``SummaryInput`` into PDF bytes.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from workstation.labs.normalize import NormalizedValue
from workstation.labs.trends import TrendPoint
from workstation.model import Hospital, LabObservation, Patient, Result
from workstation.recognition.decisions import Decision
from workstation.session.timeline_sources import RowSource

__all__ = ["PAGE_SIZES", "KeyImage", "PageSize", "SummaryInput", "SummaryItem", "verification_code"]

PageSize = Literal["A4", "Letter"]
PAGE_SIZES: tuple[PageSize, ...] = ("A4", "Letter")


@dataclass(frozen=True)
class KeyImage:
    """One key image as the viewer rendered it (window/level and annotations burned in).

    ``png`` is an 8-bit grey or RGB PNG; ``pixel_spacing_mm`` is the size of one PNG pixel in
    the patient, in millimetres, for a scale bar (None when the image is not calibrated).
    """

    result_id: str
    png: bytes
    caption: str  # e.g. "胸部CT平扫 · 图像 120/300 · 窗宽 400 窗位 40"
    pixel_spacing_mm: float | None


@dataclass(frozen=True)
class SummaryItem:
    """One reviewed result with the decision in force (None: reviewed, no decision yet).

    ``normalized`` is parallel to ``labs`` (the same length) or empty. ``source`` is where
    the result came from, printed beside its hospital (None prints none).
    """

    result: Result
    hospital: Hospital | None
    decision: Decision | None
    labs: tuple[LabObservation, ...] = ()
    normalized: tuple[NormalizedValue, ...] = ()
    key_images: tuple[KeyImage, ...] = ()
    paper_thumbnail: bytes = b""  # JPEG of the paper a paper result was transcribed from
    source: RowSource | None = None

    def __post_init__(self) -> None:
        if self.normalized and len(self.normalized) != len(self.labs):
            raise ValueError(
                f"result {self.result.id}: {len(self.normalized)} normalized values"
                f" for {len(self.labs)} lab values"
            )


@dataclass(frozen=True)
class SummaryInput:
    """Everything a printed summary shows: who prints it, when, for whom, and the results.

    ``printed_at`` must be timezone-aware (it is printed in China time). ``trends`` are the
    charts to print as (analyte title, points); ``hospitals`` names the hospitals in their
    legends. ``page_size`` is "A4" or "Letter". ``doctor_username`` is the printing doctor's
    login: her decisions are printed with her ``doctor_name``.
    """

    hospital_name: str
    department: str
    doctor_name: str
    printed_at: dt.datetime
    patient: Patient
    items: tuple[SummaryItem, ...]
    trends: tuple[tuple[str, tuple[TrendPoint, ...]], ...] = ()
    hospitals: Mapping[str, Hospital] = field(default_factory=dict)
    page_size: PageSize = "A4"
    doctor_username: str = ""

    def __post_init__(self) -> None:
        if self.printed_at.tzinfo is None or self.printed_at.utcoffset() is None:
            raise ValueError("printed_at must be timezone-aware")
        if self.page_size not in PAGE_SIZES:
            raise ValueError(f"page size must be one of {PAGE_SIZES}, not {self.page_size!r}")


def _facts(summary: SummaryInput) -> bytes:
    """The facts the verification code stands for, as canonical JSON (UTF-8)."""
    facts = {
        "v": 1,
        "patient": summary.patient.id,
        "hospital": summary.hospital_name,
        "department": summary.department,
        "doctor": summary.doctor_name,
        "printed_at": summary.printed_at.astimezone(dt.UTC).isoformat(timespec="seconds"),
        "items": [
            [item.result.id, item.decision.id if item.decision else ""] for item in summary.items
        ],
    }
    return json.dumps(facts, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def verification_code(summary: SummaryInput) -> str:
    """A short code that identifies the printed document, e.g. "K7QX-2MZA-PL4D".

    The first 60 bits of a SHA-256 over the document's facts (patient id, printing hospital,
    department and doctor, the instant of printing, each result id with the id of its
    decision, in order), in upper-case base32, grouped by four. The same facts give the same
    code, whatever time zone ``printed_at`` is given in.
    """
    digest = hashlib.sha256(_facts(summary)).digest()
    letters = base64.b32encode(digest).decode("ascii")[:12]
    return "-".join(letters[i : i + 4] for i in range(0, 12, 4))
