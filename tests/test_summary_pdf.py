"""The printed review summary: its text, embedded fonts, key images kept losslessly, page
numbers and verification code, page sizes, and how long a large summary takes to build."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import time
from typing import Any

import numpy as np
import numpy.typing as npt
import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from workstation.imaging.png import encode_png
from workstation.labs import load_analyte_table, normalize, trend_series
from workstation.labs.trends import TrendPoint
from workstation.model import (
    Category,
    Gender,
    Hospital,
    Interpretation,
    LabObservation,
    MedicalRecordNumber,
    Patient,
    RecognitionMark,
    RepeatReason,
    Result,
)
from workstation.recognition.decisions import Decision, DecisionKind, new_decision, record_sentence
from workstation.summary.model import KeyImage, SummaryInput, SummaryItem, verification_code
from workstation.summary.pdf import build_summary_pdf

pytestmark = pytest.mark.unit

CST = dt.timezone(dt.timedelta(hours=8))
PRINTED = dt.datetime(2026, 3, 5, 14, 30, tzinfo=CST)
ID_CARD = "510104197805121234"
MASKED_ID = "5101**********1234"
HX = Hospital("hx", "四川大学华西医院", "3A", "三级甲等", "510000")
JC = Hospital("jc", "四川省锦城人民医院", "3B", "三级乙等", "510100")
HOSPITALS = {HX.id: HX, JC.id: JC}
MARK = RecognitionMark("川HR", "province", "510000")
PATIENT = Patient(
    "pat-001",
    "张伟",
    Gender.MALE,
    dt.date(1978, 5, 12),
    id_card=ID_CARD,
    phone="13800001234",
    mrns=(MedicalRecordNumber("hx", "0012345"), MedicalRecordNumber("jc", "JC-88")),
)
REASON = RepeatReason(
    "R01", "病情变化，结果与临床表现、疾病诊断不符", "Condition changed", True, False
)
NOTE = "近一周咳嗽加重伴发热"
YELLOW = (255, 255, 0)
TABLE = load_analyte_table()
LOCAL_JC = "https://hr-platform.invalid/fhir/CodeSystem/local-lab/jc"


def _decide(result: Result, kind: DecisionKind, **kwargs: object) -> Decision:
    """A validated decision with a stable id (so that the verification code is stable)."""
    decision = new_decision(
        result,
        kind,
        username="dr.wang",
        practitioner="Practitioner/pr001",
        catalog_version="2026.1",
        eligibility="eligible",
        now=PRINTED - dt.timedelta(minutes=20),
        **kwargs,  # type: ignore[arg-type]
    )
    return dataclasses.replace(decision, id=f"decision-{result.id}")


def _obs(
    ident: str,
    name: str,
    loinc: str,
    value: float,
    unit: str,
    ucum: str,
    low: float | None,
    high: float | None,
    flag: Interpretation,
    when: dt.datetime,
    hospital: str = "jc",
) -> LabObservation:
    return LabObservation(
        ident, name, loinc, "", value, unit, ucum, low, high, flag, when, hospital_id=hospital
    )


def _grey_image(seed: int, size: int = 512) -> npt.NDArray[np.uint8]:
    """A CT-like grey image: a bright disc ("body") with noise, different for each seed."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:size, 0:size]
    r = np.hypot(x - size / 2, y - size / 2)
    body = np.where(r < size * 0.42, 110.0, 10.0) + 60 * np.exp(-(((r - size * 0.2) / 20) ** 2))
    noisy = body + rng.normal(0, 12, (size, size))
    grey: npt.NDArray[np.uint8] = np.clip(noisy, 0, 255).astype(np.uint8)
    return grey


def _annotated_image() -> npt.NDArray[np.uint8]:
    """An RGB key image with a yellow measurement line and box burned in."""
    rgb = np.repeat(_grey_image(99)[:, :, None], 3, axis=2)
    rgb[250:253, 150:360] = YELLOW  # measurement line
    rgb[180:300, 180] = YELLOW  # box
    rgb[180:300, 330] = YELLOW
    rgb[180, 180:331] = YELLOW
    rgb[299, 180:331] = YELLOW
    return rgb


def _lab_item(when: dt.datetime, ident: str = "rep-lab-1") -> SummaryItem:
    result = Result(
        ident,
        PATIENT.id,
        Category.LAB,
        "HR-LAB-003",
        "肝肾功能+血糖",
        "jc",
        when,
        mark=MARK,
    )
    labs = (
        _obs(f"{ident}-glu", "葡萄糖", "14749-6", 7.8, "mmol/L", "mmol/L", 3.9, 6.1,
             Interpretation.HIGH, when),
        _obs(f"{ident}-crea", "肌酐", "2160-0", 1.02, "mg/dL", "mg/dL", 0.6, 1.2,
             Interpretation.NORMAL, when),
        _obs(f"{ident}-alt", "丙氨酸氨基转移酶", "1742-6", 32, "IU/L", "[IU]/L", 9, 50,
             Interpretation.UNKNOWN, when),
        _obs(f"{ident}-wbc", "白细胞计数", "6690-2", 6.5, "×10⁹/L", "10*9/L", 3.5, 9.5,
             Interpretation.NORMAL, when),
        _obs(f"{ident}-hgb", "血红蛋白", "718-7", 12.1, "g/dL", "g/dL", 13.0, 17.5,
             Interpretation.LOW, when),
    )  # fmt: skip
    return SummaryItem(
        result,
        JC,
        _decide(result, DecisionKind.ACCEPTED),
        labs=labs,
        normalized=tuple(normalize(TABLE, o) for o in labs),
    )


def _ct_item(images: tuple[KeyImage, ...], ident: str = "rep-ct-1") -> SummaryItem:
    result = Result(
        ident,
        PATIENT.id,
        Category.IMAGING,
        "HR-IMG-001",
        "胸部CT平扫",
        "hx",
        dt.datetime(2026, 2, 26, 14, 10, tzinfo=CST),
        modality="CT",
        conclusion="双肺散在小结节，最大约4 mm，建议随访。",
        mark=MARK,
    )
    decision = _decide(
        result, DecisionKind.REPEAT_ORDERED, reason=REASON, note=NOTE, patient_informed=True
    )
    return SummaryItem(result, HX, decision, key_images=images)


def _ecg_item() -> SummaryItem:
    result = Result(
        "rep-ecg-1",
        PATIENT.id,
        Category.OTHER,
        "LOCAL-ECG",
        "常规心电图",
        "hx",
        dt.datetime(2026, 3, 1, 9, 0, tzinfo=CST),
        conclusion="窦性心律，正常心电图。",
    )
    return SummaryItem(result, HX, None)


def _trends() -> tuple[tuple[str, tuple[TrendPoint, ...]], ...]:
    glucose = [
        _obs("g1", "空腹血糖", "14749-6", 5.6, "mmol/L", "mmol/L", 3.9, 6.1,
             Interpretation.NORMAL, dt.datetime(2025, 9, 2, 8, 0, tzinfo=CST), "hx"),
        _obs("g2", "葡萄糖", "2345-7", 112, "mg/dL", "mg/dL", 70, 110,
             Interpretation.HIGH, dt.datetime(2025, 11, 20, 8, 0, tzinfo=CST), "jc"),
        _obs("g3", "空腹血糖", "14749-6", 6.4, "mmol/L", "mmol/L", 3.9, 6.1,
             Interpretation.HIGH, dt.datetime(2026, 1, 8, 8, 0, tzinfo=CST), "hx"),
        _obs("g4", "葡萄糖", "14749-6", 7.8, "mmol/L", "mmol/L", 3.9, 6.1,
             Interpretation.HIGH, dt.datetime(2026, 3, 1, 8, 30, tzinfo=CST), "jc"),
    ]  # fmt: skip
    series = trend_series(TABLE, glucose)
    return (("葡萄糖", tuple(series["GLU"])),)


def realistic_summary(page_size: str = "A4") -> SummaryInput:
    """A hand-made summary: a lab panel (one value high, one low), a CT with two key images
    (one with yellow annotations, one uncalibrated), a result without a decision, a trend."""
    caption = "胸部CT平扫 · 图像 120/300 · 窗宽 400 窗位 40"
    images = (
        KeyImage("rep-ct-1", encode_png(_grey_image(1)), caption, 0.7),
        KeyImage("rep-ct-1", encode_png(_annotated_image()), "胸部CT平扫 · 结节测量", None),
    )
    return SummaryInput(
        hospital_name="成都市第一人民医院",
        department="呼吸与危重症医学科",
        doctor_name="王建国",
        printed_at=PRINTED,
        patient=PATIENT,
        items=(
            _lab_item(dt.datetime(2026, 3, 1, 8, 30, tzinfo=CST)),
            _ct_item(images),
            _ecg_item(),
        ),
        trends=_trends(),
        hospitals=HOSPITALS,
        page_size=page_size,  # type: ignore[arg-type]
    )


def large_summary() -> SummaryInput:
    """20 items: 14 lab panels and 6 CTs with one distinct 512 × 512 grey key image each."""
    items: list[SummaryItem] = []
    for n in range(20):
        if n % 10 < 3:
            image = KeyImage(
                f"ct-{n}", encode_png(_grey_image(n)), f"胸部CT平扫 · 图像 {n + 100}/300", 0.68
            )
            items.append(_ct_item((image,), ident=f"ct-{n}"))
        else:
            when = dt.datetime(2026, 1, 1, 8, 0, tzinfo=CST) + dt.timedelta(days=3 * n)
            items.append(_lab_item(when, ident=f"lab-{n}"))
    return dataclasses.replace(realistic_summary(), items=tuple(items))


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture(scope="module")
def realistic_pdf() -> bytes:
    return build_summary_pdf(realistic_summary())


def test_text_has_the_facts_and_no_full_id_number(realistic_pdf: bytes) -> None:
    text = _text(realistic_pdf)
    summary = realistic_summary()
    for expected in (
        "检查检验结果互认审阅摘要",
        "成都市第一人民医院",
        "呼吸与危重症医学科",
        "王建国",
        "2026-03-05 14:30",
        "张伟",
        MASKED_ID,
        "男",
        "47 岁",
        "0012345",
        "四川大学华西医院（三级甲等）",
        "川HR（省级，地区 510000）",
        "无HR标识",
        "互认",
        "重新检查",
        "未作结论",
        REASON.label_zh,
        NOTE,
        "已向患者说明",
        "2026.1",
        "统一单位",
        "偏高",
        "偏低",
        "未校准",
        "医师签名",
        "第 1 页 / 共",
        verification_code(summary),
    ):
        assert expected in text, expected
    for item in summary.items:
        if item.decision is not None:
            sentence = record_sentence(item.decision, item.result, item.hospital)
            assert sentence in text.replace("\n", ""), sentence
    assert re.search(r"\b(10|20|50|100) mm\b", text)  # the scale bar's label
    assert ID_CARD not in text
    assert ID_CARD.encode() not in realistic_pdf
    assert PATIENT.phone not in text
    pages = len(PdfReader(io.BytesIO(realistic_pdf)).pages)
    for page in range(1, pages + 1):
        assert f"第 {page} 页 / 共 {pages} 页" in text


def test_every_font_is_embedded(realistic_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(realistic_pdf))
    names: set[str] = set()
    for page in reader.pages:
        resources: Any = page["/Resources"]  # a pypdf DictionaryObject
        fonts = resources["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            names.add(str(font["/BaseFont"]))
            descriptor = font["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, font["/BaseFont"]
    assert any("DroidSansFallback" in n for n in names), names
    assert all(re.match(r"^/[A-Z]{6}\+", n) for n in names), names  # subsets


def test_key_image_keeps_its_yellow_annotations(realistic_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(realistic_pdf))
    found = []
    for page in reader.pages:
        for image in page.images:
            assert image.image is not None  # pypdf decoded it
            pixels = np.asarray(image.image.convert("RGB"))
            found.append(pixels.shape)
            if np.all(pixels == YELLOW, axis=2).any():
                assert pixels.shape == (512, 512, 3)
                return
    pytest.fail(f"no image with yellow pixels among {found}")


def test_page_one_renders_with_content(realistic_pdf: bytes) -> None:
    document = pdfium.PdfDocument(realistic_pdf)
    try:
        page = document[0]
        bitmap = page.render(scale=1)
        pixels = bitmap.to_numpy()
        bitmap.close()
        page.close()
    finally:
        document.close()
    grey = pixels[:, :, :3].mean(axis=2)
    assert grey.shape[0] > grey.shape[1]  # portrait
    dark = (grey < 128).mean()
    assert 0.005 < dark < 0.5, dark


def test_page_sizes() -> None:
    letter = PdfReader(io.BytesIO(build_summary_pdf(realistic_summary("Letter"))))
    for page in letter.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == (612, 792)
    a4 = PdfReader(io.BytesIO(build_summary_pdf(realistic_summary()))).pages[0]
    assert float(a4.mediabox.width) == pytest.approx(595.28, abs=0.01)
    assert float(a4.mediabox.height) == pytest.approx(841.89, abs=0.01)


def test_verification_code_is_short_stable_and_specific() -> None:
    summary = realistic_summary()
    code = verification_code(summary)
    assert re.fullmatch(r"[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}", code)
    same_instant = summary.printed_at.astimezone(dt.UTC)
    assert verification_code(dataclasses.replace(summary, printed_at=same_instant)) == code
    assert verification_code(dataclasses.replace(summary, page_size="Letter")) == code
    later = summary.printed_at + dt.timedelta(minutes=1)
    assert verification_code(dataclasses.replace(summary, printed_at=later)) != code
    fewer = dataclasses.replace(summary, items=summary.items[:2])
    assert verification_code(fewer) != code


def test_inputs_are_checked() -> None:
    summary = realistic_summary()
    with pytest.raises(ValueError, match="timezone"):
        dataclasses.replace(summary, printed_at=dt.datetime(2026, 3, 5, 14, 30))
    with pytest.raises(ValueError, match="page size"):
        dataclasses.replace(summary, page_size="A3")  # type: ignore[arg-type]
    lab = summary.items[0]
    with pytest.raises(ValueError, match="normalized"):
        dataclasses.replace(lab, normalized=lab.normalized[:2])
    broken = KeyImage("rep-ct-1", b"not a png", "坏图", None)
    with pytest.raises(ValueError, match="key image"):
        build_summary_pdf(dataclasses.replace(summary, items=(_ct_item((broken,)),)))


def test_empty_summary_still_prints() -> None:
    summary = dataclasses.replace(realistic_summary(), items=(), trends=())
    text = _text(build_summary_pdf(summary))
    assert "张伟" in text
    assert "第 1 页 / 共 1 页" in text


def test_twenty_items_with_six_key_images_build_quickly() -> None:
    summary = large_summary()
    build_summary_pdf(realistic_summary())  # fonts registered, as in a running workstation
    started = time.perf_counter()
    pdf = build_summary_pdf(summary)
    elapsed = time.perf_counter() - started
    reader = PdfReader(io.BytesIO(pdf))
    images = sum(len(page.images) for page in reader.pages)
    print(f"\n20-item summary, 6 key images: {elapsed:.2f} s, {len(reader.pages)} pages,"
          f" {len(pdf) / 1e6:.2f} MB")  # fmt: skip
    assert images == 6
    assert elapsed < 6.0  # the budget is 3 s; CI machines vary


def test_trend_points_a_day_apart_and_on_one_day_each_get_their_own_x_label() -> None:
    """Two results a day apart shared one label (the second was dropped where they
    collided); now each has its date, and two on one day their hours, none over another."""
    when = [
        dt.datetime(2026, 1, 8, 8, 0, tzinfo=CST),
        dt.datetime(2026, 2, 27, 9, 0, tzinfo=CST),
        dt.datetime(2026, 2, 28, 8, 30, tzinfo=CST),
        dt.datetime(2026, 3, 1, 8, 0, tzinfo=CST),
        dt.datetime(2026, 3, 1, 15, 0, tzinfo=CST),
    ]
    glucose = [
        _obs(f"g{i}", "空腹血糖", "14749-6", 5.0 + i * 0.6, "mmol/L", "mmol/L", 3.9, 6.1,
             Interpretation.NORMAL, moment, "hx" if i % 2 else "jc")
        for i, moment in enumerate(when)
    ]  # fmt: skip
    series = trend_series(TABLE, glucose)
    summary = dataclasses.replace(
        realistic_summary(), items=(), trends=(("葡萄糖", tuple(series["GLU"])),)
    )
    text = _text(build_summary_pdf(summary))
    axis = re.findall(r"\b(?:2026-)?\d\d-\d\d\b|\b\d\d:\d\d\b", text.split("葡萄糖")[1])
    expected = ["2026-01-08", "02-27", "02-28", "03-01", "03-01", "08:00", "15:00"]
    assert sorted(axis[:7]) == sorted(expected)  # the text's order is the PDF's, not the row's
