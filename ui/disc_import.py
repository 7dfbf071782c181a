""" "导入光盘/文件夹…": read the patient's disc in the background (progress, cancel), list its
studies with the patient each names and whether that is the open patient, and let the
doctor choose which join the timeline. Studies of another person or with contradicting
facts cannot be chosen; a probable match is offered unticked (ticking it is her
confirmation)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.workers import Task, TaskRunner
from workstation.model import Patient
from workstation.session.scope import Scope
from workstation.sources.base import SourceStudy
from workstation.sources.disc import DiscReport, DiscSource, ProblemKind
from workstation.sources.identity import Fact, IdentityMatch, Match, match_patients
from workstation.sources.pacs import PacsSource

_PROGRESS_EVERY = 50  # files between two progress updates (a 20,000-file folder: 400 updates)


def read_with_progress(
    source: DiscSource, *, report: Callable[[Any], None], cancel: threading.Event
) -> DiscReport:
    """``source.read`` with its progress thinned out for the GUI thread."""

    def progress(done: int, total: int | None) -> None:
        if done % _PROGRESS_EVERY == 0 or done == total:
            report((done, total))

    return source.read(progress, cancel)


def ask_pacs(
    source: PacsSource, patient: Patient, *, report: Callable[[Any], None], cancel: threading.Event
) -> list[SourceStudy]:
    """The PACS's studies of the patient: by her 身份证 number as Patient ID and by name."""
    return source.find_studies(patient_id=patient.id_card, name=patient.name, cancel=cancel)


class DiscImportDialog(QDialog):
    """Reads the disc (or asks the PACS) when shown; ``accepted`` means ``chosen()`` holds
    her choice."""

    def __init__(
        self,
        runner: TaskRunner,
        source: DiscSource | PacsSource,
        patient: Patient,
        scope: Scope,
        parent: QWidget | None = None,
        can_keep: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("discImport")
        self.is_disc = isinstance(source, DiscSource)
        self.setWindowTitle(
            self.tr("Import disc or folder")
            if self.is_disc
            else self.tr("Studies in %1").replace("%1", source.name)
        )
        self.resize(860, 420)
        self.runner, self.source, self.patient = runner, source, patient
        self.studies: list[SourceStudy] = []
        self.verdicts: list[Match] = []
        self.identities: list[IdentityMatch] = []  # the verdicts with their facts
        self.status = QLabel(
            self.tr("Reading the disc…") if self.is_disc else self.tr("Asking the PACS…")
        )
        self.status.setObjectName("discStatus")
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.warning = QLabel()
        self.warning.setObjectName("discMismatch")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.warning.hide()
        self.problems = QLabel()
        self.problems.setObjectName("discProblems")
        self.problems.setWordWrap(True)
        self.problems.hide()
        self.table = QTableWidget(0, 8)
        self.table.setObjectName("discStudies")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Add"),
                self.tr("Date"),
                self.tr("Study"),
                self.tr("Hospital"),
                self.tr("Name on disc") if self.is_disc else self.tr("Name in PACS"),
                self.tr("Patient ID"),
                self.tr("Birth date"),
                self.tr("Identity"),
            ]
        )
        self.table.verticalHeader().hide()
        self.table.hide()
        # Her choice, off by default: without it the disc's studies are gone with the
        # session. Only with a data key (patient data at rest is encrypted or not kept).
        self.keep_box = QCheckBox(self.tr("Keep the added studies on this computer (encrypted)"))
        self.keep_box.setObjectName("keepDiscStudies")
        self.keep_box.setChecked(False)
        self.keep_box.setEnabled(can_keep)
        self.keep_box.setToolTip(
            self.tr(
                "Copied from the disc, encrypted with your key; they come back when you open "
                "this patient again"
            )
            if can_keep
            else self.tr("Not available: this computer has no secure keyring to encrypt them")
        )
        self.keep_box.setVisible(self.is_disc)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.add_button = self.buttons.addButton(
            self.tr("Add chosen studies"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.add_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(self.warning)
        layout.addWidget(self.problems)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.keep_box)
        layout.addWidget(self.buttons)
        self.task: Task = runner.start(
            *(
                (read_with_progress, source)
                if isinstance(source, DiscSource)
                else (ask_pacs, source, patient)
            ),
            wants_control=True,
            scope=scope,
            on_progress=self._progressed,
            on_result=self._read,
            on_error=self._failed,
        )
        self.rejected.connect(self.task.cancel.set)  # "Cancel" while reading stops the reading

    def _progressed(self, value: Any) -> None:
        done, total = value
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        self.status.setText(self.tr("Reading the disc… %n file(s)", "", done))

    def _failed(self, error: Exception) -> None:
        self.progress.hide()
        text = (
            self.tr("The disc cannot be read: %1")
            if self.is_disc
            else self.tr("The PACS did not answer: %1")
        )
        self.status.setText(text.replace("%1", str(error)))

    def _read(self, found: DiscReport | list[SourceStudy]) -> None:
        self.progress.hide()
        report = found if isinstance(found, DiscReport) else None
        self.studies = list(found.studies if isinstance(found, DiscReport) else found)
        self.identities = [match_patients(self.patient, s.patient) for s in self.studies]
        self.verdicts = [i.match for i in self.identities]
        self.status.setText(
            (
                self.tr("%n study(ies) on the disc", "", len(self.studies))
                if self.is_disc
                else self.tr("%n study(ies) in the PACS", "", len(self.studies))
            )
            if self.studies
            else self.tr("No DICOM studies on the disc.")
            if self.is_disc
            else self.tr("The PACS has no studies of this patient.")
        )
        if report is not None:
            self._show_problems(report)
        mismatched = [v for v in self.verdicts if v is not Match.CONFIRMED]
        if mismatched:
            self.warning.setText(
                self.tr(
                    "Some of these studies are not confirmed to be of %1: check name, "
                    "birth date and ID before adding them. Studies of another person or with "
                    "contradicting facts cannot be added."
                ).replace("%1", self.patient.name)
            )
            self.warning.show()
        self.table.setRowCount(len(self.studies))
        for row, (study, verdict) in enumerate(zip(self.studies, self.identities, strict=True)):
            self._fill_row(row, study, verdict)
        self.table.resizeColumnsToContents()
        self.table.show()
        self.table.itemChanged.connect(self._choice_changed)
        self._choice_changed()

    def _fill_row(self, row: int, study: SourceStudy, identity: IdentityMatch) -> None:
        verdict = identity.match
        tick = QTableWidgetItem()
        flags = Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled
        if verdict not in (Match.CONFIRMED, Match.PROBABLE):
            flags = Qt.ItemFlag.NoItemFlags  # never merged
        tick.setFlags(flags)
        tick.setCheckState(Qt.CheckState.Checked if identity.merges else Qt.CheckState.Unchecked)
        self.table.setItem(row, 0, tick)
        born = study.patient.birth_date
        texts = [
            study.started.strftime("%Y-%m-%d") if study.started else "",
            " ".join(p for p in (study.description, "/".join(study.modalities)) if p)
            + f" ({study.instances})",
            study.institution,
            study.patient.name,
            study.patient.id,
            born.isoformat() if born else "",
            self.identity_text(identity),
        ]
        for column, text in enumerate(texts, 1):
            item = QTableWidgetItem(text)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(row, column, item)

    def verdict_text(self, verdict: Match) -> str:
        """The identity verdict in words."""
        return {
            Match.CONFIRMED: self.tr("Same ID card: confirmed"),
            Match.PROBABLE: self.tr("Probable (name, birth date, sex): tick to confirm"),
            Match.CONFLICT: self.tr("Conflict: not this patient"),
            Match.DIFFERENT: self.tr("Another person"),
        }[verdict]

    def identity_text(self, identity: IdentityMatch) -> str:
        """The verdict in words with the facts that contradict each other (or that she
        must compare herself)."""
        text = self.verdict_text(identity.match)
        if identity.match is Match.PROBABLE and Fact.ID_CARD in identity.agreed:
            text = self.tr("Same ID card, name in another script: tick to confirm")
        if identity.contradicted:
            facts = "、".join(self.fact_text(f) for f in identity.contradicted)
            text += " — " + self.tr("differs: %1").replace("%1", facts)
        return text

    def fact_text(self, fact: Fact) -> str:
        """An identity fact in words."""
        return {
            Fact.ID_CARD: self.tr("ID card"),
            Fact.NAME: self.tr("name"),
            Fact.BIRTH_DATE: self.tr("birth date"),
            Fact.SEX: self.tr("sex"),
        }[fact]

    def _show_problems(self, report: DiscReport) -> None:
        lines = []
        if report.count(ProblemKind.BROKEN_DICOMDIR):
            lines.append(self.tr("The DICOMDIR is damaged: the folders were searched instead."))
        missing = report.count(ProblemKind.MISSING_FILE)
        if missing:
            lines.append(self.tr("%n file(s) listed in the DICOMDIR are missing.", "", missing))
        foreign = report.count(ProblemKind.NOT_DICOM)
        if foreign:
            lines.append(self.tr("%n file(s) are not DICOM and were skipped.", "", foreign))
        broken = report.count(ProblemKind.UNREADABLE)
        if broken:
            lines.append(self.tr("%n DICOM file(s) cannot be read.", "", broken))
        outside = report.count(ProblemKind.OUTSIDE_DISC)
        if outside:
            lines.append(
                self.tr(
                    "%n file(s) the DICOMDIR names are outside the disc and were not opened.",
                    "",
                    outside,
                )
            )
        other = report.count(ProblemKind.OTHER_PATIENT)
        if other:
            lines.append(
                self.tr(
                    "%n file(s) name another patient than their study and were left out.",
                    "",
                    other,
                )
            )
        if lines:
            self.problems.setText("\n".join(lines))
            self.problems.show()

    def _choice_changed(self, *_args: object) -> None:
        self.add_button.setEnabled(bool(self.chosen()))

    def chosen(self) -> list[SourceStudy]:
        """The studies she ticked."""
        found = []
        for row, study in enumerate(self.studies):
            item = self.table.item(row, 0)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                found.append(study)
        return found


def disc_source(root: Path) -> DiscSource:
    """The disc at ``root`` as a source named for the timeline."""
    return DiscSource(QCoreApplication.translate("DiscImportDialog", "Patient's disc"), root)
