"""The printed summary names each result's source under its hospital: the platform she
signed into, another platform, a PACS, or "患者自带" for the patient's disc."""

from __future__ import annotations

import dataclasses

import pytest

from tests.test_summary_pdf import _text, realistic_summary
from workstation.session.timeline_sources import RowSource
from workstation.sources.base import SourceKind
from workstation.summary.pdf import build_summary_pdf

pytestmark = pytest.mark.unit


def test_each_result_names_its_source_beside_its_hospital() -> None:
    summary = realistic_summary()
    lab, ct, ecg = summary.items
    sources = (
        RowSource(SourceKind.FHIR, "成都市全民健康信息平台", home=True),
        RowSource(SourceKind.DISC, "患者光盘"),
        RowSource(SourceKind.DICOM, "绵阳PACS"),
    )
    items = tuple(
        dataclasses.replace(item, source=source)
        for item, source in zip((lab, ct, ecg), sources, strict=True)
    )
    text = _text(build_summary_pdf(dataclasses.replace(summary, items=items))).replace("\n", "")
    assert "来源：成都市全民健康信息平台" in text
    assert "来源：患者自带" in text
    assert "患者光盘" not in text  # a disc is the patient's own, whatever it was called
    assert "来源：绵阳PACS" in text
    # under the hospital it belongs to, in the order printed
    hospital = text.index("四川大学华西医院（三级甲等）来源：患者自带")
    assert text.index("来源：成都市全民健康信息平台") < hospital < text.index("来源：绵阳PACS")


def test_a_result_without_a_source_prints_none() -> None:
    text = _text(build_summary_pdf(realistic_summary()))
    assert "来源：" not in text
