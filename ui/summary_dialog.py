"""Print summary…: choose the results, preview the PDF, print it or save it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.messages import describe
from ui.save_dialog import save_dialog
from ui.workers import TaskRunner
from workstation.atomic import write_bytes_atomic
from workstation.clock import china_time
from workstation.model import Result
from workstation.summary.model import PAGE_SIZES, PageSize, SummaryInput


def render_pages(pdf: bytes, dpi: int = 150) -> list[QImage]:
    """The PDF's pages as images (for preview and printing), rendered with PDFium."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    images = []
    try:
        for index in range(len(document)):
            page = document[index]
            bitmap = page.render(scale=dpi / 72)
            pil = bitmap.to_pil().convert("RGB")
            data = pil.tobytes()
            image = QImage(data, pil.width, pil.height, pil.width * 3, QImage.Format.Format_RGB888)
            images.append(image.copy())
            page.close()
    finally:
        document.close()
    return images


class SummaryDialog(QDialog):
    """``build_input(selected results, page size)`` makes the SummaryInput (on a worker)."""

    def __init__(
        self,
        results: list[Result],
        preselected: set[str],
        build_input: Callable[[list[Result], PageSize], SummaryInput],
        runner: TaskRunner,
        parent: QWidget | None = None,
        file_name: str = "summary.pdf",
        hospital_names: Mapping[str, str] | None = None,
        source_of: Callable[[Result], str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Print summary"))
        self.file_name = file_name  # offered in the save dialog, in the Documents folder
        self.resize(640, 560)
        self.runner, self.build_input = runner, build_input
        self.pdf: bytes = b""
        self.list = QListWidget()
        self.list.setObjectName("summaryResults")
        names = hospital_names or {}
        for result in results:
            # the Beijing day, as on the timeline, and the hospital: three 心肌标志物 of one
            # week are told apart only by where they were done
            day = china_time(result.effective).strftime("%Y-%m-%d")
            where = names.get(result.hospital_id, result.hospital_id)
            if source_of is not None and (source := source_of(result)):
                where += f" · {source}"  # as the timeline names it: "蓬溪县中医院 · 患者自带"
            item = QListWidgetItem(f"{day}  {result.item_name}  ·  {where}")
            item.setData(Qt.ItemDataRole.UserRole, result)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if result.id in preselected else Qt.CheckState.Unchecked
            )
            self.list.addItem(item)
        self.paper = QComboBox()
        for size in PAGE_SIZES:
            self.paper.addItem(size, size)
        self.status = QLabel()
        self.status.setObjectName("summaryStatus")
        self.status.setWordWrap(True)
        self.preview_button = QPushButton(self.tr("Preview and print…"))
        self.save_button = QPushButton(self.tr("Save PDF…"))
        self.preview_button.clicked.connect(lambda: self.generate(self._preview))
        self.save_button.clicked.connect(lambda: self.generate(self._ask_and_save))
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel(self.tr("Paper")))
        buttons.addWidget(self.paper)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.preview_button)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(self.tr("Results to include (default: those reviewed in this session)"))
        )
        layout.addWidget(self.list, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

    def selected(self) -> list[Result]:
        """The ticked results."""
        return [
            self.list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def page_size(self) -> PageSize:
        """The chosen paper."""
        chosen = self.paper.currentData()
        return next((size for size in PAGE_SIZES if size == chosen), "A4")

    def generate(self, then: Callable[[], None]) -> None:
        """Build the PDF on a worker, then call ``then``."""
        chosen, paper = self.selected(), self.page_size()
        if not chosen:
            self.status.setText(self.tr("Choose at least one result."))
            return
        self.status.setText(self.tr("Preparing the summary…"))
        build_input = self.build_input

        def work() -> bytes:
            from workstation.summary.pdf import build_summary_pdf  # reportlab: load on first use

            return build_summary_pdf(build_input(chosen, paper))

        self.runner.start(
            work,
            on_result=lambda pdf: self._built(pdf, then),
            on_error=lambda exc: self.status.setText(describe(exc)),
        )

    def _built(self, pdf: Any, then: Callable[[], None]) -> None:
        self.pdf = bytes(pdf)
        self.status.setText(
            self.tr("Summary ready (%1 kB).").replace("%1", str(len(self.pdf) // 1024))
        )
        then()

    def save_dialog(self) -> QFileDialog:
        """The save dialog (``ui.save_dialog``): translated, in Documents, the name filled in."""
        return save_dialog(
            self, self.tr("Save PDF"), self.tr("PDF documents (*.pdf)"), "pdf", self.file_name
        )

    def _ask_and_save(self) -> None:
        dialog = self.save_dialog()
        if dialog.exec() == QFileDialog.DialogCode.Accepted and dialog.selectedFiles():
            self.save_to(Path(dialog.selectedFiles()[0]))

    def save_to(self, path: Path) -> None:
        """Write the built PDF (on a worker)."""
        pdf = self.pdf
        self.runner.start(
            write_bytes_atomic,
            path,
            pdf,
            on_result=lambda _none: self.status.setText(
                self.tr("Saved %1").replace("%1", str(path))
            ),
            on_error=lambda exc: self.status.setText(
                self.tr("Not saved: %1").replace("%1", str(exc))
            ),
        )

    def _preview(self) -> None:
        pages = render_pages(self.pdf)
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        size = (
            QPageSize.PageSizeId.Letter
            if self.paper.currentData() == "Letter"
            else QPageSize.PageSizeId.A4
        )
        printer.setPageLayout(
            QPageLayout(
                QPageSize(size), QPageLayout.Orientation.Portrait, printer.pageLayout().margins()
            )
        )
        preview = QPrintPreviewDialog(printer, self)
        preview.paintRequested.connect(lambda target: paint_pages(target, pages))
        preview.exec()


def paint_pages(printer: QPrinter, pages: list[QImage]) -> None:
    """Draw page images onto a printer (preview or real), one per sheet, full page."""
    painter = QPainter(printer)
    try:
        for index, image in enumerate(pages):
            if index:
                printer.newPage()
            target = printer.pageLayout().fullRectPixels(printer.resolution())
            area = QRect(0, 0, target.width(), target.height())
            painter.drawImage(area, image)
    finally:
        painter.end()
