"""The summary printed from the window for a patient with results on two city platforms:
her record number at each hospital whose results it holds (from both platforms' records),
and the decisions signed with the doctor's display name."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from devtools.sandbox_launcher import RunningSandbox, sign_in_demo
from sandbox.disc import patient_tags
from tests.test_ui_several_platforms import OTHER, _search, _sign_in_to_other, _window
from tests.ui_helpers import accept
from ui.summary_dialog import SummaryDialog
from workstation.model import Category, Result
from workstation.sources.federation import split_id

pytestmark = [pytest.mark.ui, pytest.mark.e2e]


def _decide_on(qtbot: QtBot, page: object, result: Result) -> None:
    assert page.timeline.select(result.id)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: page.decision.accept_button.isEnabled(), timeout=15000)  # type: ignore[attr-defined]
    accept(qtbot, page)  # type: ignore[arg-type]
    qtbot.waitUntil(
        lambda: page.timeline.decisions.get(result.id) is not None,  # type: ignore[attr-defined]
        timeout=10000,
    )


def test_the_summary_lists_her_numbers_at_both_platforms_hospitals(
    qtbot: QtBot,
    chinese: None,
    cities: dict[str, RunningSandbox],
    sandbox_data: Path,
    tmp_path: Path,
) -> None:
    window = _window(qtbot, cities, tmp_path)
    _sign_in_to_other(qtbot, window)
    _search(qtbot, window, patient_tags(sandbox_data, "p0001").id_card)
    table = window.search.table
    table.setFocus()
    table.setCurrentCell(0, 0)
    qtbot.keyClick(table, Qt.Key.Key_Return)  # opens the patient, both records joined
    page = window.patient_page
    qtbot.waitUntil(
        lambda: not window.runner.busy and any(r.source == OTHER for r in page.timeline.results),
        timeout=20000,
    )
    labs = [r for r in page.timeline.results if r.category is Category.LAB]
    home_lab = next(r for r in labs if r.source == "")
    other_lab = next(r for r in labs if r.source == OTHER)
    for result in (home_lab, other_lab):
        _decide_on(qtbot, page, result)

    dialog = SummaryDialog(
        [home_lab, other_lab], {home_lab.id, other_lab.id}, page._summary_input, window.runner
    )
    qtbot.addWidget(dialog)
    done: list[bool] = []
    dialog.generate(lambda: done.append(True))
    qtbot.waitUntil(lambda: bool(done), timeout=30000)
    out = tmp_path / "summary.pdf"
    dialog.save_to(out)
    qtbot.waitUntil(out.exists, timeout=5000)
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(out), str(tmp_path / "page")], check=True)
    text = "".join(p.extract_text() for p in PdfReader(str(out)).pages).replace("\n", "")

    # the numbers each platform's own record of her holds, at the hospitals of the results
    hospitals = page.timeline.hospitals
    expected = []
    for base_url, pid, result in (
        (cities["成都"].base_url, "p0001-510100", home_lab),
        (cities["绵阳"].base_url, "p0001-510700", other_lab),
    ):
        native = sign_in_demo(base_url)
        try:
            record = native.platform.patient(pid)
        finally:
            native.sign_out()
        hospital = hospitals[result.hospital_id]
        native_id = split_id(result.hospital_id)[1]
        (number,) = [m.value for m in record.mrns if m.hospital_id == native_id]
        expected.append(f"{hospital.name}：{number}")
    for line in expected:
        assert line in text, (line, text[:400])
    # and the doctor by name: 结论时间 … (李静), not (dr.li)
    assert window.signed is not None
    name = window.signed.connection.user.display_name
    assert name != "dr.li"
    assert text.count(f"（{name}）") == 2
    assert "（dr.li）" not in text
    window.close()
