"""The window signed in to two city platforms at once (sandboxes served with --region):
the status bar's platforms, signing in to the second without leaving the first, one
patient's timeline from both, a decision on the second platform's result landing there,
a probable record joined only once she confirms it, and signing out of the second."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from devtools.sandbox_launcher import DEMO_PASSWORD, RunningSandbox, sign_in_demo
from sandbox.disc import patient_tags
from tests.ui_helpers import accept
from ui.extra_sign_in import ExtraSignInDialog
from ui.main_window import MainWindow, WindowDeps
from workstation.audit import AuditLog
from workstation.config import PlatformEntry, Settings
from workstation.model import Category
from workstation.recognition.decisions import DecisionKind
from workstation.session.platforms import PlatformState
from workstation.sources.federation import split_id
from workstation.sources.patients import SourcedPatient, group_patients

HOME, OTHER = "成都", "绵阳"
SHOTS = Path("/tmp/shots-several")


def _window(
    qtbot: QtBot, cities: dict[str, RunningSandbox], tmp_path: Path, authority: str = ""
) -> MainWindow:
    settings = (
        Settings()
        .with_platform(PlatformEntry(HOME, cities[HOME].base_url), make_default=True)
        .with_platform(PlatformEntry(OTHER, cities[OTHER].base_url))
    )
    if authority:
        settings = replace(settings, extra={"decision_authority": authority})
    window = MainWindow(
        WindowDeps(settings, None, AuditLog(tmp_path), journal_root=tmp_path / "journal")
    )
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.keyClicks(window.sign_in.user_edit, "dr.li")
    qtbot.keyClicks(window.sign_in.password_edit, DEMO_PASSWORD)
    qtbot.mouseClick(window.sign_in.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.search, timeout=15000)
    return window


def _sign_in_to_other(qtbot: QtBot, window: MainWindow) -> None:
    button = window.source_status.buttons[OTHER]
    assert "未登录" in button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(window.findChildren(ExtraSignInDialog)), timeout=5000)
    (dialog,) = window.findChildren(ExtraSignInDialog)
    assert dialog.form.platform_box.currentData().name == OTHER
    qtbot.keyClicks(dialog.form.user_edit, "dr.li")
    qtbot.keyClicks(dialog.form.password_edit, DEMO_PASSWORD)
    SHOTS.mkdir(exist_ok=True)
    dialog.grab().save(str(SHOTS / "1b-sign-in-to-another-platform.png"))
    qtbot.mouseClick(dialog.form.sign_in_button, Qt.MouseButton.LeftButton)
    status = window.platform_states
    qtbot.waitUntil(
        lambda: (
            status.status(OTHER) is not None
            and status.status(OTHER).state is PlatformState.CONNECTED
        ),  # type: ignore[union-attr]
        timeout=15000,
    )


def _search(qtbot: QtBot, window: MainWindow, text: str) -> None:
    window.search.query_edit.setText(text)
    qtbot.waitUntil(lambda: window.search.table.rowCount() > 0, timeout=15000)


@pytest.mark.e2e
def test_two_platforms_one_timeline_and_decisions_where_they_belong(
    qtbot: QtBot,
    chinese: None,
    cities: dict[str, RunningSandbox],
    sandbox_data: Path,
    tmp_path: Path,
) -> None:
    window = _window(qtbot, cities, tmp_path)
    assert window.source_status.isVisible()
    home_button = window.source_status.buttons[HOME]
    assert HOME in home_button.text()
    assert "已登录" in home_button.text()
    SHOTS.mkdir(exist_ok=True)
    window.grab().save(str(SHOTS / "1-signed-in-home.png"))
    _sign_in_to_other(qtbot, window)
    assert "已登录" in window.source_status.buttons[OTHER].text()
    window.grab().save(str(SHOTS / "2-both-signed-in.png"))

    card = patient_tags(sandbox_data, "p0001").id_card
    _search(qtbot, window, card)
    table = window.search.table
    assert table.rowCount() == 1  # one person, two platforms
    from ui.search_page import SOURCES_COLUMN

    assert not table.isColumnHidden(SOURCES_COLUMN)
    assert table.item(0, SOURCES_COLUMN).text() == f"{HOME}、{OTHER}"
    window.grab().save(str(SHOTS / "3-search.png"))
    table.setFocus()
    table.setCurrentCell(0, 0)
    qtbot.keyClick(table, Qt.Key.Key_Return)  # opens the patient
    page = window.patient_page
    home_native = sign_in_demo(cities[HOME].base_url)
    other_native = sign_in_demo(cities[OTHER].base_url)
    try:
        expected = sum(
            len([r for p in c.platform.results(pid) for r in p.results])
            for c, pid in ((home_native, "p0001-510100"), (other_native, "p0001-510700"))
        )
        qtbot.waitUntil(
            lambda: not window.runner.busy and len(page.timeline.results) == expected,
            timeout=20000,
        )
        from_other = [r for r in page.timeline.results if r.source == OTHER]
        assert from_other
        assert len(from_other) < expected
        window.grab().save(str(SHOTS / "4-merged-timeline.png"))

        # a lab of 绵阳: its values come from 绵阳, a decision goes there
        lab = next(r for r in from_other if r.category is Category.LAB)
        native_lab = next(
            r
            for p in other_native.platform.results("p0001-510700")
            for r in p.results
            if r.id == split_id(lab.id)[1]
        )
        wanted = [v.name for v in other_native.platform.observations(native_lab)]
        page.timeline.select(lab.id)
        qtbot.waitUntil(lambda: [v.name for v in page.labs.values] == wanted, timeout=15000)
        window.grab().save(str(SHOTS / "5-other-platform-lab.png"))
        before = other_native.platform.decisions_on(native_lab.id, "p0001-510700")
        qtbot.waitUntil(lambda: page.decision.accept_button.isEnabled(), timeout=15000)
        accept(qtbot, page)

        def landed() -> bool:
            after = other_native.platform.decisions_on(native_lab.id, "p0001-510700")
            return len(after) == len(before) + 1

        qtbot.waitUntil(landed, timeout=20000)
        after = other_native.platform.decisions_on(native_lab.id, "p0001-510700")
        assert after[-1].kind is DecisionKind.ACCEPTED
        assert after[-1].practitioner == other_native.user.practitioner
        assert home_native.platform.decisions_on(native_lab.id, "p0001-510100") == []
        # her history of it says where it went
        qtbot.waitUntil(
            lambda: (
                page.decision.history_list.count() > 0
                and f"已保存并上传至 {OTHER}" in page.decision.history_list.item(0).text()
            ),
            timeout=20000,
        )

        # she signs out of 绵阳: the patient stays, with the home platform's results
        window.sign_out_of_peer(window.platform_states.status(OTHER).entry)  # type: ignore[union-attr]
        qtbot.waitUntil(
            lambda: (
                not window.runner.busy
                and bool(page.timeline.results)
                and all(r.source != OTHER for r in page.timeline.results)
            ),
            timeout=20000,
        )
        assert "未登录" in window.source_status.buttons[OTHER].text()
    finally:
        home_native.sign_out()
        other_native.sign_out()


@pytest.mark.e2e
def test_a_probable_record_joins_only_once_she_confirms_it(
    qtbot: QtBot,
    chinese: None,
    cities: dict[str, RunningSandbox],
    sandbox_data: Path,
    tmp_path: Path,
) -> None:
    window = _window(qtbot, cities, tmp_path)
    _sign_in_to_other(qtbot, window)
    federation = window.federation
    assert federation is not None
    card = patient_tags(sandbox_data, "p0001").id_card
    _search(qtbot, window, card)
    (real,) = window._groups.values()
    members = real.members()
    # the same person, but 绵阳's record without its 身份证: probable, never automatic
    found = [
        SourcedPatient(r.source, replace(r.patient, id_card="") if r.source == OTHER else r.patient)
        for r in members
    ]
    (group,) = group_patients(found)
    assert group.needs_confirmation
    anchor = group.anchor.patient
    page = window.patient_page
    for answer, sources in (("No, keep apart", {""}), ("Same patient", {"", OTHER})):
        window._groups = {anchor.id: group}
        window.open_patient(anchor)
        qtbot.waitUntil(lambda: bool(window.findChildren(QMessageBox)), timeout=5000)
        box = next(b for b in window.findChildren(QMessageBox) if b.isVisible())
        assert OTHER in box.text()
        if answer == "Same patient":
            box.grab().save(str(SHOTS / "6-confirm-same-patient.png"))
        wanted = "是同一人" if answer == "Same patient" else "不是，分开显示"
        (button,) = [b for b in box.buttons() if b.text() == wanted]
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda s=sources: (
                not window.runner.busy
                and bool(page.timeline.results)
                and {r.source for r in page.timeline.results} == s
            ),
            timeout=20000,
        )


@pytest.mark.e2e
def test_the_configured_decision_authority_is_marked_and_waited_for(
    qtbot: QtBot, chinese: None, cities: dict[str, RunningSandbox], tmp_path: Path
) -> None:
    window = _window(qtbot, cities, tmp_path, authority=OTHER)
    buttons = window.source_status.buttons
    assert "判定" not in buttons[HOME].text()
    assert buttons[OTHER].text().endswith("未登录（判定）")
    federation = window.federation
    assert federation is not None
    assert federation.authority_key != federation.home.key  # waits for 绵阳, never home
    _sign_in_to_other(qtbot, window)
    assert buttons[OTHER].text().endswith("已登录（判定）")


@pytest.mark.ui
def test_search_rows_name_the_platforms_and_warn_of_look_alikes(
    qtbot: QtBot, chinese: None
) -> None:
    from ui.search_page import SOURCES_COLUMN, SearchPage
    from workstation.model import Gender, Patient

    born = dt.date(1980, 1, 1)
    card = "510700198001011241"
    mother = Patient("c1", "王芳", Gender.FEMALE, born, id_card=card)
    found = [
        SourcedPatient(HOME, mother),
        SourcedPatient(OTHER, replace(mother, id="m1")),  # same 身份证: confirmed
        SourcedPatient("广安", replace(mother, id="g1", id_card="")),  # probable
        SourcedPatient("广安", Patient("g2", "王芳之女", Gender.FEMALE, None, id_card=card)),
    ]
    groups = group_patients(found)
    page = SearchPage()
    qtbot.addWidget(page)
    page.show_groups(groups, dt.date(2026, 12, 1), ["遂宁"])
    assert not page.table.isColumnHidden(SOURCES_COLUMN)
    assert page.table.rowCount() == 2  # 王芳 (three records) and the baby on her card
    first = page.table.item(0, SOURCES_COLUMN)
    assert first.text() == f"{HOME}、{OTHER}、广安?  ⚠"
    assert "王芳之女" in first.toolTip()
    assert "未合并" in first.toolTip()
    assert page.table.item(1, 0).text() == "王芳之女"
    assert "遂宁" in page.status_label.text()
    # one platform alone: no platforms column
    page.show_groups(group_patients([SourcedPatient(HOME, mother)]), dt.date(2026, 12, 1), [])
    assert page.table.isColumnHidden(SOURCES_COLUMN)


@pytest.mark.e2e
def test_another_platforms_ended_sign_in_ends_only_that_one(
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
    qtbot.keyClick(table, Qt.Key.Key_Return)
    page = window.patient_page
    qtbot.waitUntil(
        lambda: not window.runner.busy and any(r.source == OTHER for r in page.timeline.results),
        timeout=20000,
    )
    ct = next(r for r in page.timeline.results if r.source == OTHER and r.modality == "CT")
    # 绵阳 ends her session (revoked there): its next answer to her is 401
    peer = next(iter(window.peers.values()))
    peer.connection.session.sign_out()
    page.timeline.select(ct.id)
    status = window.platform_states
    qtbot.waitUntil(
        lambda: status.status(OTHER).state is PlatformState.SIGNED_OUT,  # type: ignore[union-attr]
        timeout=20000,
    )
    assert window.signed is not None  # still signed in to 成都, the patient still open
    assert window.pages.currentWidget() is page
    assert page.patient is not None
    assert status.status(HOME).state is PlatformState.CONNECTED  # type: ignore[union-attr]
