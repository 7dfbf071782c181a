""" "查询PACS…" on the patient page against a real Orthanc (DICOM port): the patient's studies
found by 身份证 and by name with their identity verdicts, a probable one added only when
ticked, a conflicting one never; its images retrieved with C-GET into the viewer; a
decision on it reaching the platform once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from sandbox.disc import patient_tags
from tests.conftest import Sandbox
from tests.orthanc_server import Orthanc, running_orthanc
from tests.pacs_data import PacsStudies, store_with_storescu, write_pacs_studies
from tests.ui_helpers import accept, arrived, open_patient, signed_in_window
from ui.timeline import COL_HOSPITAL
from workstation.config import Settings
from workstation.journal import Journal, OutboxState
from workstation.recognition.decisions import DecisionKind
from workstation.sources.identity import Match
from workstation.user_folder import user_key

pytestmark = [pytest.mark.ui, pytest.mark.interop]


@pytest.fixture(scope="module")
def pacs(
    sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Orthanc, PacsStudies]]:
    root = tmp_path_factory.mktemp("ui-pacs")
    studies = write_pacs_studies(root / "files", patient_tags(sandbox.data_dir, "p0001"))
    with running_orthanc(
        root / "orthanc", dicom_server=True, extra={"DefaultEncoding": "Utf8"}
    ) as orthanc:
        store_with_storescu(studies.files, orthanc.dicom_port, orthanc.aet)
        yield orthanc, studies


def test_pacs_studies_join_the_timeline_by_her_choice(
    qtbot: QtBot, sandbox: Sandbox, tmp_path: Path, pacs: tuple[Orthanc, PacsStudies]
) -> None:
    orthanc, uids = pacs
    entry = {"name": "绵阳PACS", "host": "127.0.0.1", "port": orthanc.dicom_port}
    entry |= {"called_ae": orthanc.aet, "calling_ae": "HRWS"}
    window = signed_in_window(qtbot, sandbox, tmp_path, settings=Settings(extra={"pacs": [entry]}))
    page = open_patient(qtbot, window, "p0001")
    assert not page.discs.pacs_button.isHidden()
    before = len(page.timeline.results)
    dialog = page.discs.query_pacs()
    assert dialog is not None
    qtbot.waitUntil(lambda: not dialog.table.isHidden(), timeout=20000)
    verdicts = {s.study_uid: v for s, v in zip(dialog.studies, dialog.verdicts, strict=True)}
    assert verdicts == {
        uids.by_card: Match.CONFIRMED,
        uids.by_mrn: Match.PROBABLE,
        uids.other_sex: Match.CONFLICT,
    }
    assert not dialog.warning.isHidden()
    assert [s.study_uid for s in dialog.chosen()] == [uids.by_card]
    rows = {s.study_uid: row for row, s in enumerate(dialog.studies)}
    conflict = dialog.table.item(rows[uids.other_sex], 0)
    assert conflict is not None
    assert not conflict.flags() & Qt.ItemFlag.ItemIsEnabled
    probable = dialog.table.item(rows[uids.by_mrn], 0)
    assert probable is not None
    probable.setCheckState(Qt.CheckState.Checked)  # her confirmation
    assert {s.study_uid for s in dialog.chosen()} == {uids.by_card, uids.by_mrn}
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(page.timeline.results) == before + 2, timeout=5000)
    ct = next(r for r in page.timeline.results if r.id.endswith(uids.by_mrn))
    row = page.timeline.rows.row_of(ct.id)
    assert row is not None
    assert page.timeline.model.index(row, COL_HOSPITAL).data().endswith(" · 绵阳PACS")
    assert page.timeline.source_text(ct) == "绵阳PACS"
    assert page.timeline.select(ct.id)
    qtbot.waitUntil(lambda: arrived(page.viewer) == 5, timeout=30000)
    qtbot.waitUntil(lambda: page.decision.accept_button.isEnabled(), timeout=5000)
    accept(qtbot, page)
    journal = Journal(tmp_path / "journal" / user_key(sandbox.base_url, "dr.li"))
    qtbot.waitUntil(lambda: len(journal.history(ct.id)) == 1, timeout=15000)
    qtbot.waitUntil(lambda: journal.history(ct.id)[0].state is OutboxState.SENT, timeout=15000)
    decision = journal.history(ct.id)[0].decision
    assert decision.kind is DecisionKind.ACCEPTED
    assert sandbox.task_total(decision.id) == 1
    window.sign_out()  # closes the patient: what the sent decision still queued is dropped
    window.close()
