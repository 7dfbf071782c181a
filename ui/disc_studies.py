"""The open patient's studies from her disc and from a PACS: "导入光盘/文件夹…" and "查询PACS…",
the chosen studies joining her timeline for this session (a disc's marked as the patient's
own, "患者自带"; a PACS's with its name). Their images are read by the reading pane like a
platform study's (every series in the strip, comparison either way), through the loader
registered here (``session.study_loaders``): from the disc, or by C-GET from the PACS."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QPushButton

from ui.disc_import import DiscImportDialog, disc_source
from workstation.model import Hospital, Result
from workstation.session.scope import Scope
from workstation.session.study_loaders import StudyLoaders
from workstation.sources.base import SourceStudy, study_result
from workstation.sources.disc import DiscSource
from workstation.sources.pacs import PacsEntry, PacsSource

if TYPE_CHECKING:
    from ui.patient_page import PatientPage


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
        dialog = DiscImportDialog(self.page.runner, source, patient, scope, self.page)
        dialog.accepted.connect(lambda: self._add(scope, source, dialog.chosen()))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _add(
        self, scope: Scope, source: DiscSource | PacsSource, chosen: list[SourceStudy]
    ) -> None:
        patient = self.page.patient
        if patient is None or scope.closed:
            return
        results = []
        for study in chosen:
            result = study_result(study, patient_id=patient.id)
            self.studies.add(result, source, study)
            # a disc's studies are the patient's own, whatever the disc is called (the
            # hospital column's room is short: the source's name is the dialog's)
            self.page.timeline.source_labels[result.id] = (
                self.tr("patient's own") if isinstance(source, DiscSource) else source.name
            )
            results.append(result)
        self.page.session.add_results(scope, results)

    def hospital_of(self, result: Result) -> Hospital | None:
        """For a disc or PACS study, its hospital as the printed summary names it, with
        where it came from ("蓬溪县中医院 · 患者自带"); None for a platform's result."""
        if self.studies.added(result.id) is None:
            return None
        label = self.page.timeline.source_labels.get(result.id, "")
        name = " · ".join(p for p in (result.hospital_id, label) if p)
        return Hospital(result.hospital_id, name)

    def forget(self) -> None:
        """The patient was closed: her disc studies go with her."""
        self.studies.forget()
        self.page.timeline.source_labels.clear()
        if self.dialog is not None:
            self.dialog.reject()
            self.dialog = None
