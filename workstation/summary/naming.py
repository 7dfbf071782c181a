"""The name offered when she saves a summary: what it is, whose (masked), and the day."""

from __future__ import annotations

import datetime as dt
import re

from workstation.redact import mask_id_card

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')  # not allowed in Windows file names


def summary_file_name(title: str, id_card: str, fallback_id: str, day: dt.date) -> str:
    """``{title}_{masked ID}_{YYYY-MM-DD}.pdf``, e.g.
    互认摘要_1101＊＊＊＊＊＊＊＊＊＊1234_2026-12-01.pdf.

    The ID card number is masked as on screen (``mask_id_card``), the mask written with the
    full-width ＊ because Windows allows no "*" in a file name; without an ID card number
    the platform's patient id stands in (masked the same way when it is long enough to be
    an identifier). Other characters not allowed in file names become "-".
    """
    who = (
        mask_id_card(id_card)
        if id_card
        else (mask_id_card(fallback_id) if len(fallback_id) > 8 else fallback_id)
    )
    parts = [title, who.replace("*", "＊"), day.isoformat()]
    stem = "_".join(_UNSAFE.sub("-", p).strip("-") for p in parts if p)
    return f"{stem}.pdf"
