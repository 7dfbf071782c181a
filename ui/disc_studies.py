"""The open patient's studies from her disc and from a PACS: "导入光盘/文件夹…" and "查询PACS…",
the chosen studies joining her timeline for this session (a disc's marked as the patient's
own, "患者自带"; a PACS's with its name), and their first series read from the disc or
retrieved with C-GET into the reading pane's first cell."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QPushButton

from ui.disc_import import DiscImportDialog, disc_source
from workstation.model import Hospital, Result
from workstation.services import LoadedImage
from workstation.session.scope import Scope
from workstation.sources.base import SourceStudy, study_result
from workstation.sources.disc import DiscSource
from workstation.sources.pacs import PacsEntry, PacsSource

if TYPE_CHECKING:
    from ui.patient_page import PatientPage


def _load_first_series(
    source: DiscSource | PacsSource,
    study: SourceStudy,
    *,
    report: Callable[[Any], None],
    cancel: threading.Event,
) -> int:
    """The study's first series (a PACS study's series are asked for first: C-FIND lists
    studies without them)."""
    series = study.series
    if not series and isinstance(source, PacsSource):
        series = source.study_series(study, cancel)
    if not series:
        return 0
    return source.load_series(study, series[0], report, cancel)


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
        self.studies: dict[str, tuple[DiscSource | PacsSource, SourceStudy]] = {}
        self.dialog: DiscImportDialog | None = None

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
            self.studies[result.id] = (source, study)
            results.append(result)
        # the rows name the source (a disc's studies as the patient's own, whatever the
        # disc is called)
        self.page.timeline.note_source(source.name, source.kind)
        self.page.session.add_results(scope, results)

    def hospital_of(self, result: Result) -> Hospital | None:
        """For a disc or PACS study, its hospital as its DICOM names it (the summary names
        the source beside it); None for a platform's result."""
        if result.id not in self.studies:
            return None
        return Hospital(result.hospital_id, result.hospital_id)

    def show(self, result: Result, scope: Scope) -> bool:
        """Show a disc study's first series; False when ``result`` is not from a disc."""
        found = self.studies.get(result.id)
        if found is None:
            return False
        source, study = found
        images = self.page.images
        images.show_no_study()
        viewer = images.viewer
        if isinstance(source, DiscSource):
            if not study.series:
                return True
            viewer.clear(self.tr("Reading images from the disc…"))
            viewer.expect(len(study.series[0].instances))
        else:
            viewer.clear(self.tr("Retrieving images from %1…").replace("%1", source.name))

        def arrived(loaded: LoadedImage) -> None:
            if loaded.image is not None:
                viewer.add_image(loaded.image)

        self.page.runner.start(
            _load_first_series,
            source,
            study,
            wants_control=True,
            scope=scope,
            on_progress=arrived,
            on_error=lambda exc: viewer.show_message(str(exc)),
        )
        return True

    def forget(self) -> None:
        """The patient was closed: her disc studies go with her."""
        self.studies.clear()
        if self.dialog is not None:
            self.dialog.reject()
            self.dialog = None
