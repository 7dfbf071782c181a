"""Paper results in the printed summary: marked as transcribed from paper (who, when), the
hospital as she typed it, and a thumbnail of the paper."""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from workstation.model import (
    Category,
    Gender,
    Interpretation,
    LabObservation,
    PaperOrigin,
    Patient,
    RecognitionMark,
    Result,
)
from workstation.paper.image import thumbnail
from workstation.recognition.decisions import DecisionKind, new_decision
from workstation.summary.model import SummaryInput, SummaryItem
from workstation.summary.pdf import build_summary_pdf

pytestmark = pytest.mark.unit
CST = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 12, 1, 15, 30, tzinfo=CST)
PATIENT = Patient("p1", "彭莉娜", Gender.FEMALE, dt.date(1981, 3, 2))
ORIGIN = PaperOrigin("Practitioner/pr001", "李静", NOW, "某县第二人民医院", "paper-x-img")
GREEN = (20, 160, 60)


def _paper_jpeg() -> bytes:
    image = Image.new("RGB", (1800, 2400), (250, 250, 245))
    draw = ImageDraw.Draw(image)
    draw.rectangle((100, 100, 1700, 300), fill=GREEN)
    for n in range(12):
        draw.line((150, 450 + 140 * n, 1650, 450 + 140 * n), fill=(40, 40, 40), width=8)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def _summary() -> SummaryInput:
    lab = Result(
        "paper-a",
        "p1",
        Category.LAB,
        "JY003",
        "肾功能",
        "",
        NOW - dt.timedelta(days=1),
        mark=RecognitionMark("成都HR", "city", "510100"),
        observation_ids=("paper-a-1",),
        paper=ORIGIN,
    )
    value = LabObservation(
        "paper-a-1", "肌酐", "14682-9", "", 130.0, "μmol/L", "umol/L", 57.0, 111.0,
        Interpretation.HIGH, lab.effective,
    )  # fmt: skip
    imaging = Result(
        "paper-b", "p1", Category.IMAGING, "JC002", "胸部CT平扫", "", NOW - dt.timedelta(days=3),
        conclusion="双肺未见明显异常。", paper=ORIGIN,
    )  # fmt: skip
    decision = new_decision(
        lab,
        DecisionKind.ACCEPTED,
        username="dr.li",
        practitioner="Practitioner/pr001",
        catalog_version="2026.11-1",
        eligibility="below_level",
        now=NOW,
    )
    picture = thumbnail(_paper_jpeg())
    return SummaryInput(
        hospital_name="四川省锦城人民医院",
        department="放射科",
        doctor_name="李静",
        printed_at=NOW,
        patient=PATIENT,
        items=(
            SummaryItem(lab, None, decision, (value,), paper_thumbnail=picture),
            SummaryItem(imaging, None, None, paper_thumbnail=picture),
        ),
    )


def test_paper_results_print_with_origin_and_thumbnail() -> None:
    pdf = build_summary_pdf(_summary())
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert text.count("纸质报告，由 李静 于 2026-12-01 15:30 录入") == 2
    assert "肾功能（纸质）" in text
    assert "某县第二人民医院" in text
    assert "纸质报告（缩略图）" in text
    assert "（纸质报告，成都HR）" in text  # the 病历 sentence says it was seen on paper
    shown = []
    for page in reader.pages:
        for image in page.images:
            assert image.image is not None
            pixels = np.asarray(image.image.convert("RGB")).astype(int)
            green = np.abs(pixels - np.array(GREEN)).sum(axis=2) < 60
            if green.mean() > 0.02:
                shown.append(pixels.shape)
    assert len(shown) == 2  # each paper result carries its thumbnail
    assert all(max(shape[:2]) == 480 for shape in shown)


def test_a_result_without_a_thumbnail_prints_without_one() -> None:
    summary = _summary()
    items = tuple(SummaryItem(i.result, i.hospital, i.decision, i.labs) for i in summary.items)
    pdf = build_summary_pdf(SummaryInput(**{**summary.__dict__, "items": items}))
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "纸质报告（缩略图）" not in text
    assert "纸质报告，由 李静" in text
