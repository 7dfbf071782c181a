"""The open patient's disc studies: "导入光盘/文件夹…", the chosen studies joining her timeline
for this session (marked as the patient's own, "患者自带"), and their images read from the
disc into the reading pane's first cell."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QPushButton

from ui.disc_import import DiscImportDialog, disc_source
from workstation.model import Result
from workstation.services import LoadedImage
from workstation.session.scope import Scope
from workstation.sources.base import SourceStudy, study_result
from workstation.sources.disc import DiscSource

if TYPE_CHECKING:
    from ui.patient_page import PatientPage


def _load_first_series(
    source: DiscSource,
    study: SourceStudy,
    *,
    report: Callable[[Any], None],
    cancel: threading.Event,
) -> int:
    return source.load_series(study, study.series[0], report, cancel)


class PatientDiscs(QObject):
    """Owned by the patient page; forgets everything when the patient is closed."""

    def __init__(self, page: PatientPage) -> None:
        super().__init__(page)
        self.page = page
        self.button = QPushButton(self.tr("Import disc or folder…"))
        self.button.setObjectName("importDisc")
        self.button.setToolTip(self.tr("Add studies from the patient's CD, DVD or USB stick"))
        self.button.clicked.connect(self.choose_folder)
        self.studies: dict[str, tuple[DiscSource, SourceStudy]] = {}
        self.dialog: DiscImportDialog | None = None

    def choose_folder(self) -> None:
        """Ask for the disc's folder, then read it."""
        folder = QFileDialog.getExistingDirectory(self.page, self.tr("Choose the disc or folder"))
        if folder:
            self.import_folder(Path(folder))

    def import_folder(self, root: Path) -> DiscImportDialog | None:
        """Read the disc at ``root`` in the background and offer its studies (the dialog is
        returned so that tests can drive it)."""
        patient = self.page.patient
        if patient is None:
            return None
        source = disc_source(root)
        scope = self.page.session.patient_scope
        dialog = DiscImportDialog(self.page.runner, source, patient, scope, self.page)
        dialog.accepted.connect(lambda: self._add(scope, source, dialog.chosen()))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _add(self, scope: Scope, source: DiscSource, chosen: list[SourceStudy]) -> None:
        patient = self.page.patient
        if patient is None or scope.closed:
            return
        results = []
        for study in chosen:
            result = study_result(study, patient_id=patient.id)
            self.studies[result.id] = (source, study)
            # a disc's studies are the patient's own, whatever the disc is called (the
            # hospital column's room is short: the source's name is the dialog's)
            self.page.timeline.source_labels[result.id] = self.tr("patient's own")
            results.append(result)
        self.page.session.add_results(scope, results)

    def show(self, result: Result, scope: Scope) -> bool:
        """Show a disc study's first series; False when ``result`` is not from a disc."""
        found = self.studies.get(result.id)
        if found is None:
            return False
        source, study = found
        images = self.page.images
        images.show_no_study()
        viewer = images.viewer
        if not study.series:
            return True
        viewer.clear(self.tr("Reading images from the disc…"))
        viewer.expect(len(study.series[0].instances))

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
        self.page.timeline.source_labels.clear()
        if self.dialog is not None:
            self.dialog.reject()
            self.dialog = None
