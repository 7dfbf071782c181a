"""Paper results on the patient page: the registration dialog, and the picture of the paper
shown with a paper result's report (fetched from the platform's Binary)."""

from __future__ import annotations

import datetime as dt
import html
import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QPixmap, QResizeEvent
from PySide6.QtWidgets import QDialog, QLabel, QScrollArea, QVBoxLayout, QWidget

from ui.messages import describe
from ui.paper_dialog import PaperDialog
from workstation.clock import china_time
from workstation.http import PlatformError
from workstation.model import Result, UserInfo
from workstation.paper.drafts import DraftStore
from workstation.paper.image import UnreadableImage, thumbnail
from workstation.recognition.validity import assess
from workstation.records.platform import ResultsPlatform
from workstation.session.scope import Scope

if TYPE_CHECKING:
    from ui.patient_page import PatientPage

log = logging.getLogger("ui.paper")


class PaperResults(QObject):
    """Owned by the patient page; ``drafts`` is where drafts are kept (set at sign-in).

    Emits ``registered(Result, UserInfo)`` once the platform holds a paper report, with
    the doctor who transcribed it (also when she has moved on to another patient)."""

    registered = Signal(object, object)

    def __init__(self, page: PatientPage) -> None:
        super().__init__(page)
        self.page = page
        self.drafts: DraftStore | None = None
        self.dialog: PaperDialog | None = None
        self._jpegs: dict[str, bytes] = {}  # the display copies, for the full-size view
        self._patient_id = ""
        self.viewer: QDialog | None = None
        self.view = PaperPictureView()  # beside the images, shown for a paper result
        self.view.hide()
        # The report pane's only links are the pictures of paper reports (opened here).
        page.report.setOpenLinks(False)
        page.report.anchorClicked.connect(self._link_clicked)

    def beside(self, images: QWidget) -> QWidget:
        """One place holding ``images`` and the picture view (one of them shown)."""
        place = QWidget()
        layout = QVBoxLayout(place)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(images)
        layout.addWidget(self.view)
        return place

    def open_dialog(self) -> PaperDialog | None:
        """Open the registration dialog for the open patient (None when no patient is
        open, or the catalog or analyte table is missing)."""
        page = self.page
        catalog = page.timeline.rows.catalog
        if page.connection is None or page.patient is None or catalog is None:
            return None
        if page.analytes is None:
            return None
        user = page.connection.user  # who transcribes it, whoever is signed in by the end
        dialog = PaperDialog(
            page.runner,
            page.connection.platform,
            page.connection.user,
            page.patient,
            page.timeline.hospitals,
            catalog,
            page.analytes,
            self.drafts,
            lambda result: self._saved(result, user),
            parent=page,
            rule_check=self._rule_check,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.resume_kept()
        self.dialog = dialog
        dialog.finished.connect(lambda _code: self._closed(dialog))
        dialog.open()
        return dialog

    def _rule_check(self, result: Result) -> str:
        """The badge ``result`` would get on the timeline (the same rules, the same words)."""
        timeline = self.page.timeline
        catalog = timeline.rows.catalog
        if catalog is None:
            return ""
        hospital = timeline.hospitals.get(result.hospital_id)
        now = dt.datetime.now(dt.UTC)
        return timeline.assessment_text(
            assess(result, catalog, hospital, timeline.rows.here_region, now)
        )

    def _closed(self, dialog: PaperDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _saved(self, result: Result, user: UserInfo) -> None:
        self.registered.emit(result, user)  # audited whichever patient is open now
        page = self.page
        if page.patient is None or result.patient_id != page.patient.id:
            return
        page.session.add_results(page.session.patient_scope, [result])
        page.timeline.select(result.id)

    def show_picture(self, result: Result, scope: Scope) -> None:
        """Show the picture of a paper result where images are shown (fetched once), or
        give that place back to the images for any other result."""
        if result.patient_id != self._patient_id:
            self._jpegs, self._patient_id = {}, result.patient_id
        paper, connection = result.paper, self.page.connection
        on_paper = paper is not None and bool(paper.image_binary_id) and connection is not None
        self.view.setVisible(on_paper)
        self.page.images.setVisible(not on_paper)
        if paper is None or connection is None or not on_paper:
            return
        if result.id in self._jpegs:
            self.view.show_jpeg(self._jpegs[result.id])
            return
        self.view.show_text(self.tr("Loading the picture of the paper report…"))
        self.page.runner.start(
            connection.platform.binary,
            paper.image_binary_id,
            scope=scope,
            on_result=lambda data: self._picture_arrived(result, data),
            on_error=lambda exc: self.view.show_text(
                self.tr("The picture could not be loaded: %1").replace("%1", describe(exc))
            ),
        )

    def _picture_arrived(self, result: Result, data: Any) -> None:
        self._jpegs[result.id] = bytes(data)
        shown = self.page.decision.result
        if shown is not None and shown.id == result.id:
            self.view.show_jpeg(self._jpegs[result.id])

    def has_picture(self, result_id: str) -> bool:
        """Whether the picture of a paper result has arrived."""
        return result_id in self._jpegs

    def report_html(self, result: Result) -> str:
        """What the report pane adds for a paper result: who transcribed it and when, and a
        link to the picture at full size."""
        paper = result.paper
        if paper is None:
            return ""
        who = paper.transcribed_by_name or paper.transcribed_by
        when = (
            china_time(paper.transcribed_at).strftime("%Y-%m-%d %H:%M")
            if paper.transcribed_at
            else ""
        )
        line = self.tr("Paper report, transcribed by %1 %2").replace("%1", who).replace("%2", when)
        link = html.escape(self.tr("View full size"))
        return (
            f"<p style='color:#6d4c41'><b>{html.escape(line)}</b>"
            f" · <a href='{_url(result)}'>{link}</a></p>"
        )

    def _link_clicked(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith(_SCHEME):
            self.show_full_size(text.removeprefix(_SCHEME))

    def show_full_size(self, result_id: str) -> QDialog | None:
        """The picture of a paper result at the size it was uploaded, in a window."""
        data = self._jpegs.get(result_id)
        if data is None:
            return None
        pixmap = QPixmap()
        pixmap.loadFromData(data)
        label = QLabel()
        label.setPixmap(pixmap)
        scroll = QScrollArea()
        scroll.setWidget(label)
        viewer = QDialog(self.page)
        viewer.setObjectName("paperPictureViewer")
        viewer.setWindowTitle(self.tr("Paper report"))
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        layout = QVBoxLayout(viewer)
        layout.addWidget(scroll)
        screen = self.page.screen().availableGeometry()
        viewer.resize(min(pixmap.width() + 40, screen.width() - 80), screen.height() - 80)
        viewer.show()
        self.viewer = viewer
        return viewer


class PaperPictureView(QScrollArea):
    """The picture of a paper report, fitted to the width it is given (scrolls down)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("paperPictureView")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.label = QLabel()
        self.label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.label.setWordWrap(True)
        self.setWidget(self.label)
        self.pixmap = QPixmap()

    def show_jpeg(self, data: bytes) -> None:
        """Show a picture (JPEG bytes)."""
        self.pixmap = QPixmap()
        self.pixmap.loadFromData(data)
        self._fit()

    def show_text(self, text: str) -> None:
        """Say why there is no picture (yet)."""
        self.pixmap = QPixmap()
        self.label.setPixmap(QPixmap())
        self.label.setText(text)

    def _fit(self) -> None:
        if self.pixmap.isNull():
            return
        width = max(100, self.viewport().width() - 4)
        self.label.setPixmap(
            self.pixmap.scaledToWidth(
                min(width, self.pixmap.width()), Qt.TransformationMode.SmoothTransformation
            )
        )

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        """Fit the picture to the new width."""
        super().resizeEvent(event)
        self._fit()


def paper_thumbnail(platform: ResultsPlatform, result: Result) -> bytes:
    """A small JPEG of the paper a paper result was transcribed from, for the printed
    summary (b"" for other results, or when the picture cannot be had: logged). Blocking:
    call it on a worker."""
    paper = result.paper
    if paper is None or not paper.image_binary_id:
        return b""
    try:
        return thumbnail(platform.binary(paper.image_binary_id))
    except (PlatformError, UnreadableImage) as exc:
        log.warning("paper picture left out of the summary: %s", type(exc).__name__)
        return b""


_SCHEME = "paper-picture:"


def _url(result: Result) -> str:
    return f"{_SCHEME}{result.id}"
