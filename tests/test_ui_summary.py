"""Key images with the doctor's window/level and a length mark, and the printed summary
saved from the window: the PDF holds the patient, the decision and the marked image."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from tests.conftest import Sandbox
from tests.ui_helpers import confirm_against_rules, open_patient, signed_in_window
from ui.summary_dialog import SummaryDialog, render_pages
from workstation.model import Category

pytestmark = [pytest.mark.ui, pytest.mark.e2e]


def _yellow_pixels(png: bytes) -> int:
    from PIL import Image

    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    return int(np.sum((rgb[..., 0] > 200) & (rgb[..., 1] > 200) & (rgb[..., 2] < 80)))


def test_key_image_and_summary(qtbot: QtBot, sandbox: Sandbox, tmp_path: Path) -> None:
    from pypdf import PdfReader

    window = signed_in_window(qtbot, sandbox, tmp_path)
    page = open_patient(qtbot, window, "p0001")
    patient = page.patient
    assert patient is not None
    ct = next(r for r in page.timeline.results if r.modality == "CT")
    page.timeline.select(ct.id)
    qtbot.waitUntil(lambda: not window.runner.busy and len(page.viewer.slices) > 0, timeout=30000)
    page.viewer.add_length()
    assert "mm" in page.viewer.mark_texts()[-1]
    page.viewer.mark_key_image()
    assert len(page.key_images[ct.id]) == 1
    key = page.key_images[ct.id][0]
    assert _yellow_pixels(key.png) > 20  # the measurement line is in the kept image
    assert "mm" in key.caption
    page.decision.accept_requested.emit()
    confirm_against_rules(page)
    qtbot.waitUntil(lambda: page.timeline.decisions.get(ct.id) is not None, timeout=5000)
    lab = next(r for r in page.timeline.results if r.category is Category.LAB)
    page.timeline.select(lab.id)
    qtbot.waitUntil(lambda: page.labs.table.rowCount() > 0, timeout=10000)

    dialog = SummaryDialog(
        page.timeline.results, page.viewed, page._summary_input, window.runner, window
    )
    qtbot.addWidget(dialog)
    assert {r.id for r in dialog.selected()} >= {ct.id, lab.id}
    done: list[bool] = []
    dialog.generate(lambda: done.append(True))
    qtbot.waitUntil(lambda: bool(done), timeout=30000)
    out = tmp_path / "summary.pdf"
    dialog.save_to(out)
    qtbot.waitUntil(out.exists, timeout=5000)
    text = "".join(p.extract_text() for p in PdfReader(str(out)).pages)
    assert patient.name in text
    assert patient.id_card not in text
    assert "互认" in text
    images = [img for p in PdfReader(str(out)).pages for img in p.images]
    assert any(_yellow_pixels(img.data) > 20 for img in images if img.name.endswith(".png")) or any(
        _yellow_pixels(img.data) > 20 for img in images
    )
    pages = render_pages(out.read_bytes(), dpi=40)
    assert pages
    assert not pages[0].isNull()
    window.sign_out()


def test_the_summary_list_names_the_beijing_day_and_the_hospital(qtbot: QtBot) -> None:
    import datetime as dt

    from workstation.model import Result

    # 01:30 in Beijing on 26 November is still 25 November in UTC
    late = dt.datetime(2026, 11, 25, 17, 30, tzinfo=dt.UTC)
    results = [
        Result("r1", "p1", Category.LAB, "JY008", "心肌标志物", "mysz", late),
        Result("r2", "p1", Category.LAB, "JY008", "心肌标志物", "mybo", late),
    ]
    dialog = SummaryDialog(
        results,
        set(),
        lambda chosen, paper: None,  # type: ignore[arg-type,return-value]
        None,  # type: ignore[arg-type]
        hospital_names={"mysz": "绵阳市中心医院", "mybo": "绵阳博爱国际医院"},
    )
    qtbot.addWidget(dialog)
    texts = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert texts == [
        "2026-11-26  心肌标志物  ·  绵阳市中心医院",
        "2026-11-26  心肌标志物  ·  绵阳博爱国际医院",
    ]


def test_the_summary_list_names_each_results_source_when_told(qtbot: QtBot) -> None:
    import datetime as dt

    from workstation.model import Result

    when = dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)
    results = [
        Result("r1", "p1", Category.IMAGING, "", "胸部CT平扫", "蓬溪县中医院", when, source="d"),
        Result("r2", "p1", Category.LAB, "JY008", "心肌标志物", "mysz", when),
    ]
    dialog = SummaryDialog(
        results,
        set(),
        lambda chosen, paper: None,  # type: ignore[arg-type,return-value]
        None,  # type: ignore[arg-type]
        hospital_names={"mysz": "绵阳市中心医院"},
        source_of=lambda r: "患者自带" if r.source == "d" else "成都市平台",
    )
    qtbot.addWidget(dialog)
    assert [dialog.list.item(i).text() for i in range(dialog.list.count())] == [
        "2026-11-25  胸部CT平扫  ·  蓬溪县中医院 · 患者自带",
        "2026-11-25  心肌标志物  ·  绵阳市中心医院 · 成都市平台",
    ]
