"""登记纸质报告: the report she was handed on paper. She adds its photo or scan (turned and
cropped here), enters what recognition needs, and saves it to the platform; until then it
is kept as a draft (sealed on this computer) and comes back when she opens the dialog again.
The checks and the FHIR form are the core's (``workstation.paper``); this only collects."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.messages import describe
from ui.paper_crop import CropView
from ui.workers import TaskRunner
from workstation.clock import CHINA
from workstation.labs.analytes import AnalyteTable
from workstation.labs.units import display_unit
from workstation.model import (
    Catalog,
    CatalogItem,
    Category,
    Hospital,
    PaperOrigin,
    Patient,
    Result,
    UserInfo,
)
from workstation.paper.draft import (
    LabEntry,
    PaperDraft,
    Problem,
    ProblemCode,
    check_draft,
    new_draft,
    paper_result,
)
from workstation.paper.drafts import DraftStore
from workstation.paper.image import (
    ImageProblem,
    Picture,
    UnreadableImage,
    open_picture,
    read_picture_file,
)
from workstation.paper.search import CatalogSearch
from workstation.paper.upload import build_upload
from workstation.records.hospital_label import with_level
from workstation.records.platform import ResultsPlatform
from workstation.session.lanes import Lane

log = logging.getLogger("ui.paper")
COL_ANALYTE, COL_VALUE, COL_UNIT, COL_LOW, COL_HIGH = range(5)
_FILE_FILTER = "*.jpg *.jpeg *.png *.tif *.tiff *.bmp *.webp *.pdf"


def _read(path: str, rotation: int, page: int) -> Picture:
    return open_picture(read_picture_file(Path(path)), rotation, page)


def _send(
    platform: ResultsPlatform,
    draft: PaperDraft,
    original: bytes,
    catalog: Catalog,
    table: AnalyteTable,
    user: UserInfo,
    store: DraftStore | None,
) -> Result:
    if store is not None:  # durable before it goes out: a failed send loses nothing
        store.save(draft, original)
    upload = build_upload(draft, original, catalog, table, user, dt.datetime.now(dt.UTC))
    platform.send_paper_report(upload)
    if store is not None:
        store.discard(draft.id)
    return upload.result


MAX_PROBLEM_LINES = 4  # lines of problems shown under the form; the last says how many more


class PaperDialog(QDialog):
    """Calls ``on_saved(Result)`` once the platform holds the report (also when the dialog
    was closed meanwhile: the report is on the platform either way)."""

    def __init__(
        self,
        runner: TaskRunner,
        platform: ResultsPlatform,
        user: UserInfo,
        patient: Patient,
        hospitals: dict[str, Hospital],
        catalog: Catalog,
        table: AnalyteTable,
        store: DraftStore | None,
        on_saved: Callable[[Result], None],
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        parent: QWidget | None = None,
        rule_check: Callable[[Result], str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("paperDialog")
        self.setWindowTitle(self.tr("Register paper report — %1").replace("%1", patient.name))
        self.runner, self.platform, self.user = runner, platform, user
        self.patient, self.hospitals, self.catalog = patient, hospitals, catalog
        self.table, self.store, self.clock = table, store, clock
        self.on_saved = on_saved
        self.rule_check = rule_check  # the badge a result gets on the timeline, worded
        self.draft = new_draft(patient.id)
        self.original: bytes | None = None
        self.picture: Picture | None = None
        self.sending = False
        self.closed = False
        self._picture_kept = True  # nothing to keep until she adds a picture
        self._loading = False
        self.search: CatalogSearch | None = None  # built on a worker (pinyin loads slowly)
        runner.start(CatalogSearch, catalog.items, on_result=self._live(self._search_ready))
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(700)
        self._autosave.timeout.connect(self.keep_draft)
        self._autosave.timeout.connect(self.show_rule_check)

        # --- the picture ---
        self.picture_view = CropView()
        self.picture_view.placeholder = self.tr("Add a photo or scan of the paper report")
        self.picture_view.crop_changed.connect(self._crop_changed)
        self.open_button = QPushButton(self.tr("Add photo or scan…"))
        self.open_button.setObjectName("paperOpen")
        self.open_button.clicked.connect(self.choose_file)
        self.rotate_left_button = QPushButton(self.tr("⟲ Turn left"))
        self.rotate_left_button.clicked.connect(lambda: self.rotate(-1))
        self.rotate_right_button = QPushButton(self.tr("⟳ Turn right"))
        self.rotate_right_button.clicked.connect(lambda: self.rotate(1))
        self.uncrop_button = QPushButton(self.tr("Whole page"))
        self.uncrop_button.setToolTip(self.tr("Drag over the picture to crop; this undoes it"))
        self.uncrop_button.clicked.connect(lambda: self.picture_view.set_crop(None))
        self.page_spin = QSpinBox()
        self.page_spin.setPrefix(self.tr("Page "))
        self.page_spin.setMinimum(1)
        self.page_spin.valueChanged.connect(lambda _v: self._reload_picture())
        self.page_spin.hide()
        self.picture_note = QLabel(self.tr("Drag over the picture to crop it."))
        self.picture_note.setWordWrap(True)
        self.picture_note.setStyleSheet("color:#555")
        tools = QHBoxLayout()
        for widget in (
            self.open_button,
            self.rotate_left_button,
            self.rotate_right_button,
            self.uncrop_button,
            self.page_spin,
        ):
            tools.addWidget(widget)
        tools.addStretch(1)
        left = QVBoxLayout()
        left.addLayout(tools)
        left.addWidget(self.picture_view, 1)
        left.addWidget(self.picture_note)

        # --- the fields ---
        self.hospital_box = QComboBox()
        self.hospital_box.setObjectName("paperHospital")
        self.hospital_box.setEditable(True)
        self.hospital_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        hospital_line = self.hospital_box.lineEdit()
        if hospital_line is not None:
            hospital_line.setPlaceholderText(self.tr("Pick the issuing hospital, or type its name"))
        for hospital in sorted(hospitals.values(), key=lambda h: h.name):
            self.hospital_box.addItem(with_level(hospital), hospital.id)
        self.hospital_box.setCurrentIndex(-1)
        self.hospital_box.currentTextChanged.connect(lambda _t: self._changed())
        self.when_edit = QDateTimeEdit()
        self.when_edit.setObjectName("paperWhen")
        self.when_edit.setCalendarPopup(True)
        self.when_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.when_edit.setDateTime(_qt_time(clock()))
        self.when_edit.dateTimeChanged.connect(lambda _t: self._changed())
        self.item_edit = QLineEdit()
        self.item_edit.setObjectName("paperItemSearch")
        self.item_edit.setPlaceholderText(self.tr("Item: type Chinese or pinyin initials (xcg)"))
        self.item_edit.textChanged.connect(self._find_items)
        self.item_list = QListWidget()
        self.item_list.setObjectName("paperItems")
        self.item_list.setMaximumHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        self.item_list.currentItemChanged.connect(lambda _c, _p: self._item_picked())
        self.mark_box = QCheckBox(self.tr("The paper carries the HR mark"))
        self.mark_box.setObjectName("paperMark")
        self.mark_box.toggled.connect(self._mark_toggled)
        self.region_box = QComboBox()
        self.region_box.setObjectName("paperMarkRegion")
        for region in catalog.regions:
            self.region_box.addItem(f"{region.hr_mark} · {region.name}", region.code)
        self.region_box.setCurrentIndex(-1)
        self.region_box.setEnabled(False)
        self.region_box.currentIndexChanged.connect(lambda _i: self._changed())
        mark_row = QHBoxLayout()
        mark_row.addWidget(self.mark_box)
        mark_row.addWidget(self.region_box, 1)
        self.conclusion_edit = QPlainTextEdit()
        self.conclusion_edit.setObjectName("paperConclusion")
        self.conclusion_edit.setPlaceholderText(self.tr("Conclusion as printed (optional)"))
        self.conclusion_edit.setMaximumHeight(90)
        self.conclusion_edit.textChanged.connect(self._changed)
        self.values = QTableWidget(0, 5)
        self.values.setObjectName("paperValues")
        self.values.setHorizontalHeaderLabels(
            [
                self.tr("Analyte"),
                self.tr("Value"),
                self.tr("Unit"),
                self.tr("Ref. low"),
                self.tr("Ref. high"),
            ]
        )
        header = self.values.horizontalHeader()
        header.setSectionResizeMode(COL_ANALYTE, QHeaderView.ResizeMode.Stretch)
        for column, width in ((COL_VALUE, 90), (COL_UNIT, 130), (COL_LOW, 80), (COL_HIGH, 80)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.values.setColumnWidth(column, width)
        self.values.verticalHeader().setVisible(False)
        self.values.verticalHeader().setDefaultSectionSize(self.fontMetrics().lineSpacing() + 10)
        self.values.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.values.itemChanged.connect(lambda _i: self._changed())
        self.add_value_button = QPushButton(self.tr("Add value"))
        self.add_value_button.clicked.connect(lambda: self.add_value())
        self.remove_value_button = QPushButton(self.tr("Remove value"))
        self.remove_value_button.clicked.connect(self._remove_value)
        value_tools = QHBoxLayout()
        value_tools.addWidget(self.add_value_button)
        value_tools.addWidget(self.remove_value_button)
        value_tools.addStretch(1)
        self.values_box = QWidget()
        values_layout = QVBoxLayout(self.values_box)
        values_layout.setContentsMargins(0, 0, 0, 0)
        values_layout.addWidget(self.values, 1)
        values_layout.addLayout(value_tools)
        form = QFormLayout()
        self._form = form
        form.addRow(self.tr("Hospital"), self.hospital_box)
        form.addRow(self.tr("Examined / sampled"), self.when_edit)
        form.addRow(self.tr("Item"), self.item_edit)
        form.addRow("", self.item_list)
        form.addRow(self.tr("HR mark"), mark_row)
        form.addRow(self.tr("Conclusion"), self.conclusion_edit)
        self.problem_label = QLabel()
        self.problem_label.setObjectName("paperProblems")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color:#b00020")
        self.rule_label = QLabel()
        self.rule_label.setObjectName("paperRuleCheck")
        self.rule_label.setWordWrap(True)
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        self.state_label.setStyleSheet("color:#555")
        self.save_button = QPushButton(self.tr("Save and send"))
        self.save_button.setObjectName("paperSave")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.keep_button = QPushButton(self.tr("Keep as draft"))
        self.keep_button.clicked.connect(self._keep_and_close)
        self.discard_button = QPushButton(self.tr("Discard"))
        self.discard_button.clicked.connect(self.discard)
        buttons = QHBoxLayout()
        buttons.addWidget(self.state_label, 1)
        buttons.addWidget(self.discard_button)
        buttons.addWidget(self.keep_button)
        buttons.addWidget(self.save_button)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(self.values_box, 1)
        right.addStretch(0)  # keeps the fields together when an imaging item has no values
        right.addWidget(self.rule_label)
        right.addWidget(self.problem_label)
        columns = QHBoxLayout()
        columns.addLayout(left, 5)
        columns.addLayout(right, 6)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addLayout(buttons)
        self._show_category(None)
        self._find_items("")
        self.resize(1280, 700)

    # --- the draft ----------------------------------------------------------------------
    def current_draft(self) -> PaperDraft:
        """The draft as the fields now read."""
        hospital_id, hospital_name = self._hospital()
        item = self._item()
        labs = tuple(self._lab_entry(row) for row in range(self.values.rowCount()))
        region = self.region_box.currentData() if self.mark_box.isChecked() else None
        return PaperDraft(
            id=self.draft.id,
            patient_id=self.patient.id,
            hospital_id=hospital_id,
            hospital_name=hospital_name,
            effective=_china_moment(self.when_edit.dateTime()),
            item_code=item.code if item else "",
            hr_mark=self.mark_box.isChecked(),
            mark_region=str(region or ""),
            conclusion=self.conclusion_edit.toPlainText()
            if item is None or item.category is not Category.LAB
            else "",
            labs=labs if item is not None and item.category is Category.LAB else (),
            image_name=self.draft.image_name if self.original is not None else "",
            rotation=self.draft.rotation,
            crop=self.picture_view.crop,
        )

    def _hospital(self) -> tuple[str, str]:
        text = self.hospital_box.currentText().strip()
        index = self.hospital_box.findText(text, Qt.MatchFlag.MatchFixedString)
        if index >= 0:
            return str(self.hospital_box.itemData(index)), ""
        match = next((h for h in self.hospitals.values() if h.name == text), None)
        return (match.id, "") if match else ("", text)

    def _item(self) -> CatalogItem | None:
        current = self.item_list.currentItem()
        return self.catalog.item(str(current.data(Qt.ItemDataRole.UserRole))) if current else None

    def _lab_entry(self, row: int) -> LabEntry:
        analyte = self.values.cellWidget(row, COL_ANALYTE)
        unit = self.values.cellWidget(row, COL_UNIT)

        def text(column: int) -> str:
            cell = self.values.item(row, column)
            return cell.text() if cell else ""

        return LabEntry(
            analyte=str(analyte.currentData() or "") if isinstance(analyte, QComboBox) else "",
            value=text(COL_VALUE),
            unit=unit.currentText() if isinstance(unit, QComboBox) else "",
            ref_low=text(COL_LOW),
            ref_high=text(COL_HIGH),
        )

    def restore(self, draft: PaperDraft, original: bytes | None) -> None:
        """Fill the fields from a kept draft (and its picture)."""
        self._loading = True
        self.draft = draft
        if draft.hospital_id and draft.hospital_id in self.hospitals:
            self.hospital_box.setCurrentIndex(self.hospital_box.findData(draft.hospital_id))
        else:
            self.hospital_box.setEditText(draft.hospital_name)
        if draft.effective is not None:
            self.when_edit.setDateTime(_qt_time(draft.effective))
        item = self.catalog.item(draft.item_code)
        if item is not None:
            self.item_edit.setText(item.name)
            self._select_item(item.code)
        self.mark_box.setChecked(draft.hr_mark)
        self.region_box.setCurrentIndex(self.region_box.findData(draft.mark_region))
        self.conclusion_edit.setPlainText(draft.conclusion)
        self.values.setRowCount(0)
        for entry in draft.labs:
            self.add_value(entry)
        self._loading = False
        if original is not None:
            self.original = original
            self._picture_kept = True  # it came from the store
            self.picture_view.crop = draft.crop
            self._reload_picture()
        self.state_label.setText(self.tr("A draft kept earlier was restored."))

    def resume_kept(self) -> bool:
        """Restore this patient's most recent kept draft, if there is one (on a worker)."""
        if self.store is None:
            return False
        store, patient_id = self.store, self.patient.id

        def load() -> tuple[PaperDraft, bytes | None] | None:
            drafts = store.drafts_of(patient_id)
            return store.load(drafts[-1].id) if drafts else None

        self.runner.start(
            load,
            lane=Lane.JOURNAL,
            on_result=self._live(lambda found: self.restore(*found) if found else None),
            on_error=self._live(lambda exc: self.state_label.setText(describe(exc))),
        )
        return True

    def _changed(self) -> None:
        if not self._loading:
            self._autosave.start()

    def keep_draft(self) -> None:
        """Keep the draft as it now reads (on the journal's lane), with the picture."""
        self._autosave.stop()
        if self.store is None or self.sending:
            return
        self.draft = self.current_draft()
        # The picture is sealed and written once per file she adds, not at every pause.
        picture = self.original if not self._picture_kept else None
        self._picture_kept = True
        self.runner.start(
            self.store.save,
            self.draft,
            picture,
            lane=Lane.JOURNAL,
            on_result=self._live(
                lambda _r: self.state_label.setText(self.tr("Draft kept on this computer."))
            ),
            on_error=self._live(self._not_kept),
        )

    def _not_kept(self, error: Exception) -> None:
        self._picture_kept = False  # the next try writes the picture again
        self.state_label.setText(
            self.tr("The draft could not be kept: %1").replace("%1", describe(error))
        )

    def _keep_and_close(self) -> None:
        self.keep_draft()
        self.accept()

    def discard(self) -> None:
        """Forget the draft and close."""
        self._autosave.stop()
        if self.store is not None:
            self.runner.start(self.store.discard, self.draft.id, lane=Lane.JOURNAL)
        self.reject()

    # --- the picture --------------------------------------------------------------------
    def choose_file(self) -> None:
        """Pick a photo, scan or PDF of the paper."""
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Photo or scan of the paper report"), "", f"({_FILE_FILTER})"
        )
        if path:
            self.load_file(path)

    def load_file(self, path: str) -> None:
        """Read ``path`` (on a worker) and show it."""
        self.picture_note.setText(self.tr("Reading the picture…"))
        name = Path(path).name
        self.runner.start(
            _read,
            path,
            0,
            0,
            on_result=self._live(lambda picture: self._picture_read(name, picture)),
            on_error=self._live(self._picture_failed),
        )

    def _picture_read(self, name: str, picture: Picture) -> None:
        self.original, self.picture = picture.data, picture
        self._picture_kept = False
        self.draft = _with(self.draft, image_name=name, rotation=0, crop=None)
        self.picture_view.crop = None
        self.page_spin.blockSignals(True)
        self.page_spin.setMaximum(max(1, picture.pages))
        self.page_spin.setValue(1)
        self.page_spin.blockSignals(False)
        self.page_spin.setVisible(picture.pages > 1)
        self._show_preview(picture)
        self._changed()

    def _picture_failed(self, error: Exception) -> None:
        if isinstance(error, UnreadableImage):
            text = {
                ImageProblem.EMPTY: self.tr("The file is empty."),
                ImageProblem.TOO_BIG: self.tr(
                    "The picture is too large to use (over 60 MB or 120 megapixels); "
                    "scan or photograph it at a lower resolution."
                ),
                ImageProblem.ODD_SHAPE: self.tr(
                    "The PDF page is more than 50 times longer than it is wide, which no "
                    "report is; choose the scan of the report itself."
                ),
                ImageProblem.UNREADABLE: self.tr(
                    "The file is not a picture or PDF that can be read."
                ),
            }[error.problem]
        else:
            text = describe(error)
        self.picture_note.setText(text)
        self.picture_note.setStyleSheet("color:#b00020")

    def _show_preview(self, picture: Picture) -> None:
        pixmap = QPixmap()
        pixmap.loadFromData(picture.preview.jpeg, "JPEG")
        self.picture_view.set_picture(pixmap, self.picture_view.crop)
        self.picture_note.setStyleSheet("color:#555")
        self.picture_note.setText(
            self.tr("%1 · drag over the picture to crop it.").replace("%1", self.draft.image_name)
        )

    def rotate(self, quarter_turns: int) -> None:
        """Turn the picture (the crop is cleared: it was drawn on the other orientation)."""
        if self.original is None:
            return
        self.draft = _with(self.draft, rotation=(self.draft.rotation + quarter_turns) % 4)
        self.picture_view.crop = None
        self._reload_picture()
        self._changed()

    def _reload_picture(self) -> None:
        if self.original is None:
            return
        page = self.page_spin.value() - 1
        self.runner.start(
            open_picture,
            self.original,
            self.draft.rotation,
            page,
            on_result=self._live(self._preview_done),
            on_error=self._live(self._picture_failed),
        )

    def _preview_done(self, picture: Picture) -> None:
        self.picture = picture
        self.page_spin.setMaximum(max(1, picture.pages))
        self.page_spin.setVisible(picture.pages > 1)
        self._show_preview(picture)

    def _crop_changed(self, _crop: object) -> None:
        self._changed()

    # --- item and values ----------------------------------------------------------------
    def _search_ready(self, search: CatalogSearch) -> None:
        self.search = search
        self._find_items(self.item_edit.text())

    def _find_items(self, text: str) -> None:
        current = self._item()
        self.item_list.blockSignals(True)
        self.item_list.clear()
        typed = text.strip().lower()
        found = (
            self.search.find(text)
            if self.search is not None
            else [i for i in self.catalog.items if typed in f"{i.name} {i.code}".lower()]
        )
        for item in found:
            entry = QListWidgetItem(f"{item.name}  ·  {item.code}")
            entry.setData(Qt.ItemDataRole.UserRole, item.code)
            self.item_list.addItem(entry)
            if current is not None and item.code == current.code:
                self.item_list.setCurrentItem(entry)
        self.item_list.blockSignals(False)
        if self.item_list.count() == 1 and self.item_list.currentItem() is None:
            self.item_list.setCurrentRow(0)
        elif current is not None and self.item_list.currentItem() is None:
            self._item_picked()

    def _select_item(self, code: str) -> None:
        for row in range(self.item_list.count()):
            if self.item_list.item(row).data(Qt.ItemDataRole.UserRole) == code:
                self.item_list.setCurrentRow(row)
                return

    def _item_picked(self) -> None:
        item = self._item()
        self._show_category(item)
        if item is not None and item.category is Category.LAB and not self._loading:
            self._offer_item_values(item)
        self._changed()

    def _show_category(self, item: CatalogItem | None) -> None:
        lab = item is not None and item.category is Category.LAB
        self.values_box.setVisible(lab)
        self.conclusion_edit.setEnabled(not lab)
        # a lab's conclusion row would take the values' room (a real 血常规 has 20+ rows)
        self._form.setRowVisible(self.conclusion_edit, not lab)

    def _offer_item_values(self, item: CatalogItem) -> None:
        """A row for each analyte of the item, when she has typed no value yet."""
        typed = any(self._lab_entry(r).value.strip() for r in range(self.values.rowCount()))
        if typed:
            return
        self.values.setRowCount(0)
        for key in item.analytes:
            self.add_value(LabEntry(key, "", ""))

    def add_value(self, entry: LabEntry | None = None) -> None:
        """Add a row of values (an analyte of the item, its value, unit and range)."""
        entry = entry or LabEntry("", "", "")
        row = self.values.rowCount()
        self.values.insertRow(row)
        analyte_box = QComboBox()
        item = self._item()
        keys = item.analytes if item and item.analytes else [a.key for a in self.table.analytes]
        for key in keys:
            analyte = self.table.analyte(key)
            if analyte is not None:
                analyte_box.addItem(analyte.name_zh, key)
        analyte_box.setCurrentIndex(max(0, analyte_box.findData(entry.analyte)))
        unit_box = QComboBox()
        unit_box.setEditable(True)
        unit_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.values.setCellWidget(row, COL_ANALYTE, analyte_box)
        self.values.setCellWidget(row, COL_UNIT, unit_box)
        self._fill_units(unit_box, str(analyte_box.currentData() or ""), entry.unit)
        analyte_box.currentIndexChanged.connect(
            lambda _i: self._fill_units(unit_box, str(analyte_box.currentData() or ""), "")
        )
        unit_box.currentTextChanged.connect(lambda _t: self._changed())
        for column, text in (
            (COL_VALUE, entry.value),
            (COL_LOW, entry.ref_low),
            (COL_HIGH, entry.ref_high),
        ):
            self.values.setItem(row, column, QTableWidgetItem(text))

    def _fill_units(self, box: QComboBox, key: str, unit: str) -> None:
        box.blockSignals(True)
        box.clear()
        if self.table.analyte(key) is not None:
            for ucum in self.table.units(key):
                box.addItem(display_unit(ucum))
        box.setEditText(unit)
        box.blockSignals(False)
        self._changed()

    def _remove_value(self) -> None:
        row = self.values.currentRow()
        if row >= 0:
            self.values.removeRow(row)
            self._changed()

    def _mark_toggled(self, on: bool) -> None:
        self.region_box.setEnabled(on)
        if on and self.region_box.currentIndex() < 0 and self.region_box.count() == 1:
            self.region_box.setCurrentIndex(0)
        self._changed()

    def show_rule_check(self) -> None:
        """What the recognition rules say of the report as entered (the timeline's badge)."""
        draft = self.current_draft()
        if self.rule_check is None or not draft.item_code or draft.effective is None:
            self.rule_label.setText("")
            return
        origin = PaperOrigin(self.user.practitioner, self.user.display_name, None,
                             draft.hospital_name)  # fmt: skip
        try:
            result = paper_result(draft, self.catalog, origin)
        except ValueError:
            self.rule_label.setText("")
            return
        self.rule_label.setText(
            self.tr("Recognition rules: %1").replace("%1", self.rule_check(result))
        )

    # --- saving -------------------------------------------------------------------------
    def problem_text(self, problem: Problem) -> str:
        """What to correct, for a person."""
        texts = {
            ProblemCode.NO_IMAGE: self.tr("Add the photo or scan of the paper report."),
            ProblemCode.NO_HOSPITAL: self.tr("Pick or type the issuing hospital."),
            ProblemCode.UNKNOWN_HOSPITAL: self.tr("The hospital is not on the platform."),
            ProblemCode.NO_DATE: self.tr("Enter the date and time of the examination."),
            ProblemCode.FUTURE_DATE: self.tr(
                "The examination or sampling time is in the future: check the date."
            ),
            ProblemCode.NO_ITEM: self.tr("Pick the item from the recognition catalog."),
            ProblemCode.UNKNOWN_ITEM: self.tr("The item is not in the recognition catalog."),
            ProblemCode.NO_MARK_REGION: self.tr("Pick the region printed with the HR mark."),
            ProblemCode.UNKNOWN_MARK_REGION: self.tr("The HR mark's region is not known."),
            ProblemCode.NO_VALUES: self.tr("Enter at least one value from the paper."),
            ProblemCode.CONCLUSION_TOO_LONG: self.tr("The conclusion is too long."),
            ProblemCode.UNKNOWN_ANALYTE: self.tr("pick the analyte"),
            ProblemCode.ANALYTE_NOT_IN_ITEM: self.tr("this analyte is not part of the item"),
            ProblemCode.DUPLICATE_ANALYTE: self.tr("this analyte is entered twice"),
            ProblemCode.NO_VALUE: self.tr("enter the value"),
            ProblemCode.VALUE_NOT_NUMBER: self.tr("the value is not a number"),
            ProblemCode.NO_UNIT: self.tr("enter the unit as printed"),
            ProblemCode.UNIT_UNFIT: self.tr("this unit does not fit the analyte"),
            ProblemCode.IMPLAUSIBLE: self.tr(
                "the value is outside what can be measured (%1–%2 %3): check the number and "
                "the unit"
            ),
            ProblemCode.BAD_REFERENCE_RANGE: self.tr("the reference range is not low–high"),
        }
        text = texts[problem.code]
        if problem.limits is not None:
            text = (
                text.replace("%1", f"{problem.limits.low:g}")
                .replace("%2", f"{problem.limits.high:g}")
                .replace("%3", display_unit(problem.limits.unit))
            )
        if problem.row is None:
            return text
        analyte = self.table.analyte(self._lab_entry(problem.row).analyte)
        name = analyte.name_zh if analyte else ""
        row_text = self.tr("Value %1 (%2): %3").replace("%1", str(problem.row + 1))
        return row_text.replace("%2", name).replace("%3", text)

    def check(self) -> list[Problem]:
        """Check the fields and show what to correct."""
        problems = check_draft(
            self.current_draft(), self.catalog, self.hospitals, self.table, self.clock()
        )
        lines = [f"• {self.problem_text(p)}" for p in problems]
        if len(lines) > MAX_PROBLEM_LINES:  # the values table keeps its room; the rest waits
            more = len(lines) - (MAX_PROBLEM_LINES - 1)
            lines = [
                *lines[: MAX_PROBLEM_LINES - 1],
                self.tr("… and %1 more").replace("%1", str(more)),
            ]
        self.problem_label.setText("\n".join(lines))
        return problems

    def save(self) -> None:
        """Check, then keep the draft and send the report (on a worker)."""
        if self.sending or self.check() or self.original is None:
            return
        self.sending = True
        self._autosave.stop()
        self.draft = self.current_draft()
        self.save_button.setEnabled(False)
        self.state_label.setText(self.tr("Sending to the platform…"))
        self.runner.start(
            _send,
            self.platform,
            self.draft,
            self.original,
            self.catalog,
            self.table,
            self.user,
            self.store,
            on_result=self._sent,
            on_error=self._live(self._not_sent),
        )

    def _sent(self, result: Any) -> None:
        self.sending = False
        self.on_saved(result)  # the timeline gets it even when the dialog was closed
        if not self.closed:
            self.accept()

    def done(self, code: int) -> None:
        """Closing: answers of work still running are dropped (the work itself finishes:
        a draft being kept is kept)."""
        self.closed = True
        super().done(code)

    def _live(self, callback: Callable[[Any], None]) -> Callable[[Any], None]:
        def call(value: Any) -> None:
            if not self.closed:
                callback(value)

        return call

    def _not_sent(self, error: Exception) -> None:
        self.sending = False
        self.save_button.setEnabled(True)
        self.state_label.setText("")
        self.problem_label.setText(
            self.tr(
                "Not sent: %1 The draft is kept on this computer; send it again later."
            ).replace("%1", describe(error))
        )
        log.warning("paper report not sent: %s", type(error).__name__)


def _with(draft: PaperDraft, **changes: Any) -> PaperDraft:
    return dataclasses.replace(draft, **changes)


def _qt_time(moment: dt.datetime) -> QDateTime:
    """The edit shows Beijing wall-clock time whatever this computer's zone is."""
    china = moment.astimezone(CHINA)
    return QDateTime(QDate(china.year, china.month, china.day), QTime(china.hour, china.minute))


def _china_moment(shown: QDateTime) -> dt.datetime | None:
    if not shown.isValid():
        return None
    day, time = shown.date(), shown.time()
    return dt.datetime(day.year(), day.month(), day.day(), time.hour(), time.minute(), tzinfo=CHINA)
