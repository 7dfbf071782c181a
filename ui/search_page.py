"""Find a patient: one search box (身份证 number, name, MRN or phone), results as she types;
Enter opens a single match, ↓ moves into the list."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workstation.clock import china_today
from workstation.idcard import IdCardProblem, check_id_card
from workstation.model import Gender, Hospital, Patient
from workstation.redact import mask_id_card
from workstation.sources.patients import PatientGroup

DEBOUNCE_MS = 300
MRN_COLUMN = 5
SOURCES_COLUMN = 7
_WARNING = "#b00020"


class SearchPage(QWidget):
    """Emits ``search_requested(text)`` (debounced) and ``patient_chosen(Patient)``."""

    search_requested = Signal(str)
    patient_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hospitals: dict[str, Hospital] = {}
        self.home_hospital = ""  # her hospital's id: its 病历号 is the one listed first
        self.query_edit = QLineEdit()
        self.query_edit.setObjectName("patientQuery")
        self.query_edit.setPlaceholderText(
            self.tr("ID card number, name, medical record number or mobile phone")
        )
        self.query_edit.setClearButtonEnabled(True)
        self.hint_label = QLabel()
        self.hint_label.setObjectName("queryHint")
        self.status_label = QLabel()
        self.status_label.setObjectName("searchStatus")
        self.table = QTableWidget(0, 8)
        self.table.setObjectName("patientTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Name"),
                self.tr("Gender"),
                self.tr("Age"),
                self.tr("Date of birth"),
                self.tr("ID card"),
                self.tr("Medical record no."),
                self.tr("Hospitals with records"),
                self.tr("Platforms"),
            ]
        )
        self.table.setColumnHidden(SOURCES_COLUMN, True)  # shown with several platforms
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        self.recent_list = QListWidget()
        self.recent_list.setObjectName("recentPatients")
        self.recent_list.setMaximumWidth(260)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._fire)
        self.query_edit.textChanged.connect(self._typed)
        self.query_edit.returnPressed.connect(self._enter)
        self.query_edit.installEventFilter(self)
        self.table.cellDoubleClicked.connect(self._open_row)
        self.table.itemActivated.connect(lambda item: self._open_row(item.row(), 0))
        self.recent_list.itemActivated.connect(self._open_recent)
        self.recent_list.itemClicked.connect(self._open_recent)
        self._patients: list[Patient] = []
        self._asked = ""  # the text of the last search sent
        self._shown_for: str | None = None  # the text whose answer the table shows
        self._open_single = False  # Enter was pressed before the answer came

        left = QVBoxLayout()
        left.addWidget(QLabel(self.tr("Find a patient")))
        left.addWidget(self.query_edit)
        left.addWidget(self.hint_label)
        left.addWidget(self.table, 1)
        left.addWidget(self.status_label)
        right = QVBoxLayout()
        right.addWidget(QLabel(self.tr("Recent patients")))
        right.addWidget(self.recent_list, 1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addLayout(right)

    def _typed(self, text: str) -> None:
        self._show_id_hint(text)
        self._open_single = False
        self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """↓ in the search box moves into the result list, first patient selected."""
        if (
            watched is self.query_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and self.table.rowCount() > 0
        ):
            self.table.setFocus()
            self.table.selectRow(0)
            return True
        return super().eventFilter(watched, event)

    def _enter(self) -> None:
        """Enter opens the one patient found for what is typed; with the answer still to
        come, it opens it when it arrives (if it is a single patient)."""
        text = self.query_edit.text().strip()
        if text and text == self._shown_for and not self._timer.isActive():
            if len(self._patients) == 1:
                self.patient_chosen.emit(self._patients[0])
            elif self._patients:
                self.table.setFocus()
                self.table.selectRow(0)
            return
        self._fire()
        self._open_single = bool(text)

    def _show_id_hint(self, text: str) -> None:
        compact = text.replace(" ", "")
        if not compact or not compact[:1].isdigit() or len(compact) < 15:
            self.hint_label.clear()
            return
        check = check_id_card(compact)
        if check.valid:
            self.hint_label.setText(self.tr("✓ valid ID card number"))
            self.hint_label.setStyleSheet("color: #1b7f3b;")
        elif check.problem is IdCardProblem.INCOMPLETE:
            self.hint_label.setText(
                self.tr("ID card number: %n more character(s)", "", 18 - len(compact))
            )
            self.hint_label.setStyleSheet("color: #666;")
        elif check.problem is IdCardProblem.BAD_CHECKSUM:
            self.hint_label.setText(self.tr("✗ check digit wrong: please re-check the number"))
            self.hint_label.setStyleSheet("color: #b00020;")
        else:
            self.hint_label.setText(self.tr("✗ not a valid ID card number"))
            self.hint_label.setStyleSheet("color: #b00020;")

    def _fire(self) -> None:
        self._timer.stop()
        text = self.query_edit.text().strip()
        compact = text.replace(" ", "")
        if compact[:17].isdigit() and len(compact) == 18 and not check_id_card(compact).valid:
            # A mistyped ID card number is not sent, and the previous search's patients must
            # not stay listed as if they were its answer (an empty request drops late ones).
            self.show_results([], china_today())
            self.status_label.clear()
            self.search_requested.emit("")
            return
        if text:
            self._asked = text
            self.status_label.setText(self.tr("Searching…"))
            self.search_requested.emit(text)

    def show_results(self, patients: list[Patient], today: dt.date) -> None:
        """Fill the table with search results."""
        self._patients = patients
        self._shown_for = self._asked if patients or self._asked else None
        self.table.setRowCount(len(patients))
        for row, patient in enumerate(patients):
            age = patient.age_on(today)
            hospital_names = sorted(
                {
                    self.hospitals[m.hospital_id].name
                    if m.hospital_id in self.hospitals
                    else m.hospital_id
                    for m in patient.mrns
                }
            )
            cells = [
                patient.name,
                self.gender_text(patient.gender),
                "" if age is None else self.tr("%n year(s)", "", age),
                patient.birth_date.isoformat() if patient.birth_date else "",
                mask_id_card(patient.id_card) if patient.id_card else "",
                self.mrn_text(patient),
                "、".join(hospital_names),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, row)
                if column == MRN_COLUMN and len(patient.mrns) > 1:
                    item.setToolTip(
                        "\n".join(
                            f"{self._hospital_name(m.hospital_id)}：{m.value}" for m in patient.mrns
                        )
                    )
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.status_label.setText(self.tr("%n patient(s) found", "", len(patients)))
        if self._open_single:
            self._open_single = False
            if len(patients) == 1:
                self.patient_chosen.emit(patients[0])

    def show_groups(
        self, groups: list[PatientGroup], today: dt.date, unanswered: list[str]
    ) -> None:
        """Fill the table with the patients found on every platform (one row per person:
        the records the identity rules join). The platforms column names where each has
        records: confirmed ones, probable ones marked "?" (she confirms them when she
        opens the patient), and a warning for look-alike records never joined (the same
        身份证 with another name or sex). ``unanswered``: platforms that did not answer."""
        # each person's 病历号 and hospitals from every record joined (not only the first)
        self.show_results(
            [
                replace(
                    g.anchor.patient,
                    mrns=tuple(dict.fromkeys(m for r in g.members() for m in r.patient.mrns)),
                )
                for g in groups
            ],
            today,
        )
        sources = {r.source for g in groups for r in g.members()} | {
            m.record.source for g in groups for m in g.probable
        }
        self.table.setColumnHidden(SOURCES_COLUMN, len(sources) <= 1 and not unanswered)
        for row, group in enumerate(groups):
            names = list(dict.fromkeys(r.source for r in group.members()))
            names += [f"{m.record.source}?" for m in group.probable]
            text = "、".join(names)
            tip = [self.tr("Records on: %1").replace("%1", "、".join(names))]
            if group.probable:
                tip.append(
                    self.tr(
                        "?: same name, date of birth and sex, no ID card number to confirm it: you are asked when you open the patient."
                    )
                )
            item = QTableWidgetItem(text)
            if group.conflicts:
                item.setText(text + "  ⚠")
                item.setForeground(QColor(_WARNING))
                tip.append(
                    self.tr(
                        "⚠ A similar record that contradicts this one (same ID card number with another name or sex, or another ID card number) is NOT joined: %1"
                    ).replace(
                        "%1",
                        "；".join(
                            f"{m.record.source} {m.record.patient.name}" for m in group.conflicts
                        ),
                    )
                )
            item.setToolTip("\n".join(tip))
            item.setData(Qt.ItemDataRole.UserRole, row)
            self.table.setItem(row, SOURCES_COLUMN, item)
        self.table.resizeColumnsToContents()
        if unanswered:
            self.status_label.setText(
                self.status_label.text()
                + " · "
                + self.tr("not answering: %1").replace("%1", "、".join(unanswered))
            )

    def _hospital_name(self, hospital_id: str) -> str:
        hospital = self.hospitals.get(hospital_id)
        return hospital.name if hospital else hospital_id

    def mrn_text(self, patient: Patient) -> str:
        """The 病历号 to list: her own hospital's if it has one, else the first hospital's;
        "(+n)" says how many other hospitals have one (all are in the tooltip)."""
        if not patient.mrns:
            return ""
        own = [m for m in patient.mrns if m.hospital_id == self.home_hospital]
        first = (own or list(patient.mrns))[0]
        others = len(patient.mrns) - 1
        return first.value + (f" (+{others})" if others else "")

    def show_error(self, message: str) -> None:
        """Show a failed search."""
        self.status_label.setText(message)

    def gender_text(self, gender: Gender) -> str:
        """Localized gender."""
        return {Gender.MALE: self.tr("Male"), Gender.FEMALE: self.tr("Female")}.get(
            gender, self.tr("Unknown")
        )

    def _open_row(self, row: int, _column: int) -> None:
        if 0 <= row < len(self._patients):
            self.patient_chosen.emit(self._patients[row])

    def add_recent(self, patient: Patient) -> None:
        """Put a patient at the top of the recent list (at most 10)."""
        for index in range(self.recent_list.count()):
            if self.recent_list.item(index).data(Qt.ItemDataRole.UserRole).id == patient.id:
                self.recent_list.takeItem(index)
                break
        item = QListWidgetItem(f"{patient.name}  {self.gender_text(patient.gender)}")
        item.setData(Qt.ItemDataRole.UserRole, patient)
        self.recent_list.insertItem(0, item)
        while self.recent_list.count() > 10:
            self.recent_list.takeItem(self.recent_list.count() - 1)

    def _open_recent(self, item: QListWidgetItem) -> None:
        self.patient_chosen.emit(item.data(Qt.ItemDataRole.UserRole))

    def clear(self) -> None:
        """Forget everything shown (sign-out)."""
        self.query_edit.clear()
        self.table.setRowCount(0)
        self.recent_list.clear()
        self._patients = []
        self._asked, self._shown_for, self._open_single = "", None, False
        self.status_label.clear()
