"""The open patient's studies from her disc and from a PACS: "导入光盘/文件夹…" and "查询PACS…",
the chosen studies joining her timeline for this session (a disc's marked as the patient's
own, "患者自带"; a PACS's with its name). Their images are read by the reading pane like a
platform study's (every series in the strip, comparison either way), through the loader
registered here (``session.study_loaders``): from the disc, or by C-GET from the PACS."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QPushButton

from ui.disc_import import DiscImportDialog, disc_source
from workstation.logs import safe
from workstation.model import Hospital, Patient, Result
from workstation.session.lanes import Lane
from workstation.session.scope import Scope
from workstation.session.study_loaders import StudyLoaders
from workstation.sources.base import SourceStudy, StudySource, study_result
from workstation.sources.disc import DiscSource
from workstation.sources.kept import KeptStudies
from workstation.sources.pacs import PacsEntry, PacsSource

if TYPE_CHECKING:
    from ui.patient_page import PatientPage

log = logging.getLogger("ui.discs")


def _keep_studies(
    kept: KeptStudies,
    patient_id: str,
    source: DiscSource,
    studies: list[SourceStudy],
    *,
    report: Callable[[Any], None],
    cancel: threading.Event,
) -> int:
    """Copy the chosen studies into the encrypted store; returns how many were kept."""
    for study in studies:
        kept.keep(patient_id, source, study, cancel=cancel)
    return len(studies)


class PatientDiscs(QObject):
    """Owned by the patient page; forgets everything when the patient is closed."""

    def __init__(self, page: PatientPage) -> None:
        super().__init__(page)
        self.page = page
        self.button = QPushButton(self.tr("Import disc or folder…"))
        self.button.setObjectName("importDisc")
        self.button.setToolTip(self.tr("Add studies from the patient's CD, DVD or USB stick"))
        self.button.clicked.connect(self.choose_folder)
        self.pacs_button = QPushButton(self.tr("Query PACS…"))
        self.pacs_button.setObjectName("queryPacs")
        self.pacs_button.setToolTip(self.tr("Find this patient's studies in the PACS"))
        self.pacs_button.clicked.connect(lambda: self.query_pacs())
        self.pacs_button.hide()
        self.pacs: list[PacsEntry] = []
        self.dialog: DiscImportDialog | None = None
        # where disc studies she chooses to keep go, sealed with her data key (set at
        # sign-in; None without a secure keyring: then nothing is kept)
        self.kept: KeptStudies | None = None
        page.session.patient_opened.connect(self._patient_opened)

    @property
    def studies(self) -> StudyLoaders:
        """The studies she added and where their images are read from (the reading
        pane's registry: it reads them)."""
        return self.page.images.loaders

    def set_pacs(self, entries: list[PacsEntry]) -> None:
        """The configured PACS ("查询PACS…" shows only with one)."""
        self.pacs = list(entries)
        self.pacs_button.setVisible(bool(self.pacs))

    def query_pacs(self, index: int = 0) -> DiscImportDialog | None:
        """Ask the configured PACS for this patient's studies and offer them."""
        if not 0 <= index < len(self.pacs):
            return None
        return self._offer(PacsSource(self.pacs[index]))

    def choose_folder(self) -> None:
        """Ask for the disc's folder, then read it."""
        folder = QFileDialog.getExistingDirectory(self.page, self.tr("Choose the disc or folder"))
        if folder:
            self.import_folder(Path(folder))

    def import_folder(self, root: Path) -> DiscImportDialog | None:
        """Read the disc at ``root`` in the background and offer its studies (the dialog is
        returned so that tests can drive it)."""
        return self._offer(disc_source(root))

    def _offer(self, source: DiscSource | PacsSource) -> DiscImportDialog | None:
        patient = self.page.patient
        if patient is None:
            return None
        scope = self.page.session.patient_scope
        can_keep = self.kept is not None and isinstance(source, DiscSource)
        dialog = DiscImportDialog(
            self.page.runner, source, patient, scope, self.page, can_keep=can_keep
        )
        dialog.accepted.connect(
            lambda: self._add(scope, source, dialog.chosen(), keep=dialog.keep_box.isChecked())
        )
        self.dialog = dialog
        dialog.open()
        return dialog

    def _add(
        self, scope: Scope, source: StudySource, chosen: list[SourceStudy], keep: bool = False
    ) -> None:
        patient = self.page.patient
        if patient is None or scope.closed:
            return
        if keep and self.kept is not None and isinstance(source, DiscSource) and chosen:
            self.page.runner.start(
                _keep_studies,
                self.kept,
                patient.id,
                source,
                chosen,
                wants_control=True,
                scope=scope,
                lane=Lane.BACKGROUND,
                on_result=lambda count: self.page.message.emit(
                    self.tr("%n study(ies) kept on this computer (encrypted)", "", count)
                ),
                on_error=lambda exc: self.page.message.emit(
                    self.tr("The disc's studies could not be kept: %1").replace("%1", str(exc))
                ),
            )
        results = []
        for study in chosen:
            result = study_result(study, patient_id=patient.id)
            self.studies.add(result, source, study)
            results.append(result)
        # the rows name the source (a disc's studies as the patient's own, whatever the
        # disc is called)
        self.page.timeline.note_source(source.name, source.kind)
        self.page.session.add_results(scope, results)

    def _patient_opened(self, patient: Patient | None) -> None:
        """A patient was opened: the disc studies kept for her come back (read in the
        background; her timeline shows them as the patient's own again)."""
        kept = self.kept
        if patient is None or kept is None:
            return
        scope = self.page.session.patient_scope
        source = kept.source(patient.id, self.tr("patient's own"))
        self.page.runner.start(
            kept.studies_of,
            patient.id,
            scope=scope,
            on_result=lambda studies: self._add(scope, source, studies),
            on_error=lambda exc: log.warning("kept disc studies not read: %s", safe(exc)),
        )

    def hospital_of(self, result: Result) -> Hospital | None:
        """For a disc or PACS study, its hospital as its DICOM names it (the summary names
        the source beside it); None for a platform's result."""
        if self.studies.added(result.id) is None:
            return None
        return Hospital(result.hospital_id, result.hospital_id)

    def forget(self) -> None:
        """The patient was closed: her disc studies go with her."""
        self.studies.forget()
        if self.dialog is not None:
            self.dialog.reject()
            self.dialog = None
