"""The main window: sign-in, then patient search, then the patient workspace.

All platform work runs on the task runner's threads; this class only wires results to pages.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDesktopServices,
    QMoveEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from ui.about_dialog import AboutDialog
from ui.extra_sign_in import ExtraSignInDialog
from ui.i18n import resolve_language
from ui.idle_lock import IdleWatcher, LockPage
from ui.messages import describe
from ui.patient_page import DecisionContext, PatientPage
from ui.platforms_dialog import PlatformsDialog
from ui.presets_dialog import PresetsDialog
from ui.region_stats_page import RegionStatisticsPage
from ui.search_page import SearchPage
from ui.sign_in import SignInWidget
from ui.source_status import SourceStatus
from ui.statistics_dialog import StatisticsDialog
from ui.window_fit import Rect, initial_placement
from ui.workers import TaskRunner
from workstation.annotations.model import Author
from workstation.annotations.outbox import (
    AnnotationOutbox,
    StoreObject,
    send_pending_annotations,
)
from workstation.annotations.service import store_with
from workstation.at_rest import (
    FieldCipher,
    KeyUnavailable,
    adopt_data_key,
    cipher_name,
    data_key,
)
from workstation.audit import AuditLog, AuditRecord, new_record
from workstation.auth import SecretStore, Session
from workstation.config import PlatformEntry, Settings
from workstation.http import ErrorKind, PlatformError
from workstation.imaging.presets import DEFAULT_PRESETS
from workstation.journal import Journal
from workstation.labs.analytes import AnalyteTable, load_analyte_table
from workstation.logs import safe
from workstation.model import Catalog, Hospital, Patient, Result, UserInfo
from workstation.paper.drafts import DraftStore
from workstation.recognition.decisions import Decision
from workstation.recognition.outbox import SendReport, next_delay_s, send_pending
from workstation.records.platform import classify_query
from workstation.services import (
    Connection,
    peer_account,
    resume,
    sign_in,
    sign_in_with_browser,
)
from workstation.session.lanes import Lane
from workstation.session.platforms import PlatformState, PlatformStates
from workstation.sign_in_errors import SignInError, SignInProblem
from workstation.sources.configured import configured_pacs
from workstation.sources.federation import FederatedPlatform, Member, SharedOrigin, platform_key
from workstation.sources.kept import KeptStudies
from workstation.sources.patients import PatientGroup, SearchOutcome
from workstation.user_folder import user_folder

log = logging.getLogger("ui.main")
AUTHORITY_KEY = "decision_authority"  # settings: the platform deciding on PACS/disc studies


@dataclass
class WindowDeps:
    """What the window needs from outside (passed in; no globals)."""

    settings: Settings
    secrets: SecretStore | None
    audit_log: AuditLog
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
    save_settings: Callable[[Settings], None] | None = None
    journal_root: Path | None = None  # decisions are kept per user below this folder


@dataclass
class _Signed:
    connection: Connection
    hospitals: dict[str, Hospital]
    catalog: Catalog | None
    here_region: str
    analytes: AnalyteTable | None = None

    def member(self) -> Member:
        """This platform as a member of the federation."""
        user = self.connection.user
        entry = self.connection.entry
        return Member(
            platform_key(entry.base_url),
            entry.name,
            self.connection.platform,
            user.username,
            user.practitioner,
            self.connection.session.endpoints.origins(),
        )


def _prepare(connection: Connection) -> _Signed:
    hospitals = connection.platform.hospitals()
    catalog = connection.platform.catalog()
    org = connection.user.organization.removeprefix("Organization/")
    region = hospitals[org].region_code if org in hospitals else ""
    try:
        analytes: AnalyteTable | None = load_analyte_table()
    except (OSError, ValueError) as exc:
        log.error("lab normalization table unusable: %s", exc)
        analytes = None
    return _Signed(connection, hospitals, catalog, region, analytes)


def _sign_in_and_prepare(
    entry: PlatformEntry,
    user: str,
    password: str,
    remember: bool,
    secrets: SecretStore | None,
    remember_as: str | None = None,
) -> _Signed:
    connection = sign_in(
        entry, user, password, remember=remember, secrets=secrets, remember_as=remember_as
    )
    return _prepare(connection)


def _browser_and_prepare(
    entry: PlatformEntry,
    open_browser: Callable[[str], object],
    remember: bool,
    secrets: SecretStore | None,
    abandoned: threading.Event,
    remember_as: str | None = None,
    *,
    report: Callable[[object], None],
    cancel: threading.Event,
) -> _Signed:
    del report

    def cancelled() -> bool:  # she clicked Cancel, or the window is closing
        return abandoned.is_set() or cancel.is_set()

    connection = sign_in_with_browser(
        entry,
        open_browser,
        remember=remember,
        secrets=secrets,
        cancelled=cancelled,
        remember_as=remember_as,
    )
    if cancelled():  # the redirect came just as she cancelled: nothing is kept
        connection.sign_out()
        raise SignInError(ErrorKind.AUTH, SignInProblem.CANCELLED, "cancelled in the workstation")
    return _prepare(connection)


def _send_outbox(
    journal: Journal,
    platform: FederatedPlatform,
    annotations: AnnotationOutbox | None = None,
    store: StoreObject | None = None,
) -> tuple[SendReport, int, int]:
    # order is kept per platform: one signed out holds back only its own decisions
    report = send_pending(journal, platform, destination=platform.destination)
    pending, rejected = len(journal.pending()), len(journal.rejected())
    if annotations is not None and store is not None:
        if report.clean:
            # her saved marks and key images (DICOM objects) after the decisions, alike
            sent = send_pending_annotations(annotations, store)
            report.failed, report.retry_after_s = sent.failed, sent.retry_after_s
        report.annotations_pending = len(annotations.pending())
        rejected += len(annotations.rejected())
    return report, pending, rejected


def _ended_sessions(home: Session, peers: dict[str, Session]) -> tuple[bool, list[str]]:
    """(whether the home session ended, the keys of the peers whose session ended): each
    asked for a fresh token."""

    def ended(session: Session) -> bool:
        try:
            session.bearer(force_refresh=True)
        except PlatformError as exc:
            return exc.kind is ErrorKind.AUTH
        return False

    return ended(home), [key for key, session in peers.items() if ended(session)]


def _resume_and_prepare(
    entry: PlatformEntry, secrets: SecretStore | None, remember_as: str | None = None
) -> _Signed | None:
    connection = resume(entry, secrets, remember_as=remember_as)
    return None if connection is None else _prepare(connection)


class MainWindow(QMainWindow):
    """Top-level window holding the current page."""

    open_url_requested = Signal(str)

    def __init__(self, deps: WindowDeps) -> None:
        super().__init__()
        self.deps = deps
        self.signed: _Signed | None = None  # the home platform: signed in to first
        self.peers: dict[str, _Signed] = {}  # other platforms beside it, by platform key
        self.federation: FederatedPlatform | None = None
        self.platform_states = PlatformStates(deps.settings.platforms)
        self._groups: dict[str, PatientGroup] = {}  # the last search's patients, by id
        # probable records she confirmed, by the patient she opened (this sign-in only)
        self._confirmed: dict[str, list[tuple[str, str]]] = {}
        # counts sign-ins and sign-outs: an answer meant for an earlier sign-in is dropped
        self._sign_in_serial = 0
        self.runner = TaskRunner(parent=self)
        self._browser_abandoned = threading.Event()  # set: the browser sign-in was cancelled
        self._search_serial = 0
        self.setWindowTitle(self.tr("Results Recognition Workstation"))

        self.pages = QStackedWidget()
        settings = deps.settings
        self.sign_in = SignInWidget(settings.platforms, settings.default_platform)
        if deps.secrets is None:
            self.sign_in.remember_box.setEnabled(False)
            self.sign_in.remember_box.setToolTip(
                self.tr(
                    "No secure system keyring is available on this computer, so sign-in cannot "
                    "be remembered."
                )
            )
        self.search = SearchPage()
        self.patient_page = PatientPage(self.runner)
        self.patient_page.grid.set_window_button(settings.window_drag_button)
        self.patient_page.set_window_presets(settings.effective_window_presets())
        self.patient_page.discs.set_pacs(configured_pacs(settings))
        self.region_page = RegionStatisticsPage(self.runner)
        self.lock_page = LockPage()
        self.idle = IdleWatcher(settings.idle_lock_minutes, self)
        self.idle.idle.connect(self.lock)
        self.lock_page.unlock_requested.connect(self._unlock)
        self.lock_page.sign_out_requested.connect(self.sign_out)
        self._locked_page: QWidget | None = None
        self._unlock_failures = 0
        for page in (
            self.sign_in,
            self.search,
            self.patient_page,
            self.region_page,
            self.lock_page,
        ):
            self.pages.addWidget(page)
        self.setCentralWidget(self.pages)

        self.toolbar = QToolBar(self.tr("Session"))
        self.toolbar.setMovable(False)
        self.user_label = QLabel()
        self.user_label.setObjectName("userLabel")
        self.toolbar.addWidget(self.user_label)
        self.sign_out_action = QAction(self.tr("Sign out"), self)
        self.sign_out_action.triggered.connect(self.sign_out)
        self.toolbar.addAction(self.sign_out_action)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        self.toolbar.hide()
        self.busy_label = QLabel()
        self.outbox_label = QLabel()
        self.outbox_label.setObjectName("outboxLabel")
        self.statusBar().addPermanentWidget(self.outbox_label)
        self.source_status = SourceStatus(self.platform_states)
        self.source_status.sign_in_requested.connect(self.sign_in_to_peer)
        self.source_status.sign_out_requested.connect(self.sign_out_of_peer)
        self.statusBar().addPermanentWidget(self.source_status)
        self.statusBar().addPermanentWidget(self.busy_label)
        self.journal: Journal | None = None
        self.annotation_outbox: AnnotationOutbox | None = None
        self._outbox_running = False
        self._outbox_failures = 0
        self.outbox_timer = QTimer(self)
        self.outbox_timer.setSingleShot(True)
        self.outbox_timer.timeout.connect(self.flush_outbox)
        self.stats_action = QAction(self.tr("My statistics…"), self)
        self.stats_action.triggered.connect(self.show_statistics)
        self.toolbar.insertAction(self.sign_out_action, self.stats_action)
        self.region_action = QAction(self.tr("Region statistics"), self)
        self.region_action.triggered.connect(lambda: self.pages.setCurrentWidget(self.region_page))
        self.toolbar.insertAction(self.sign_out_action, self.region_action)
        self.statusBar().showMessage(self.tr("Not signed in"))

        # Where she leaves the window is kept (debounced: a drag is one save, not hundreds).
        self._placement_timer = QTimer(self)
        self._placement_timer.setSingleShot(True)
        self._placement_timer.setInterval(1000)
        self._placement_timer.timeout.connect(self._keep_placement)
        self._placed = False

        self._build_menus()
        self.sign_in.sign_in_requested.connect(self._sign_in)
        self.sign_in.browser_sign_in_requested.connect(self._browser_sign_in)
        self.sign_in.browser_cancel_requested.connect(self._cancel_browser_sign_in)
        self.sign_in.edit_platforms_requested.connect(self.edit_platforms)
        self.open_url_requested.connect(lambda url: QDesktopServices.openUrl(QUrl(url)))
        self.patient_page.session_expired.connect(self._session_expired)
        self.patient_page.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.patient_page.decision_saved.connect(lambda _decision: self.flush_outbox())
        self.patient_page.images.annotations.queued.connect(self.flush_outbox)
        self.patient_page.images.annotations.message.connect(self.statusBar().showMessage)
        self.patient_page.decision_saved.connect(self._audit_decision)
        self.patient_page.paper.registered.connect(self._audit_paper)
        self.patient_page.decision.install_shortcuts(self)
        self.search.search_requested.connect(self._search)
        self.search.patient_chosen.connect(self.open_patient)
        self.patient_page.back_requested.connect(self._back_to_search)
        self.patient_page.busy_changed.connect(self._busy)
        self.patient_page.sources_down.connect(self._sources_down)

    # --- placement ---------------------------------------------------------------------------
    def show_placed(self, available: Rect) -> None:
        """Show the window on a screen whose free area is ``available``: where she left it
        if that still fits, else fitted to the screen (maximized on a small laptop), so
        the status bar is never below the screen's edge."""
        settings = self.deps.settings
        placement = initial_placement(
            available, settings.window_geometry, settings.window_maximized
        )
        rect = placement.rect
        self.setGeometry(rect.x, rect.y, rect.width, rect.height)
        if placement.maximized:
            self.showMaximized()
        else:
            self.show()
        self._placed = True

    def _placement_changed(self) -> None:
        if self._placed:
            self._placement_timer.start()

    def _keep_placement(self) -> None:
        """Save the window's normal geometry and whether it is maximized, if changed."""
        normal = self.normalGeometry() if self.isMaximized() else self.geometry()
        geometry = (normal.x(), normal.y(), normal.width(), normal.height())
        maximized = self.isMaximized()
        settings = self.deps.settings
        if (settings.window_geometry, settings.window_maximized) != (geometry, maximized):
            self._save_settings(
                replace(settings, window_geometry=geometry, window_maximized=maximized)
            )

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        """Maximizing or restoring is kept like a move."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.WindowStateChange:
            self._placement_changed()

    def moveEvent(self, event: QMoveEvent) -> None:  # noqa: N802
        """A moved window is kept where she put it."""
        super().moveEvent(event)
        self._placement_changed()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        """A resized window keeps its size at the next start."""
        super().resizeEvent(event)
        self._placement_changed()

    def _build_menus(self) -> None:
        settings_menu = self.menuBar().addMenu(self.tr("Settings"))
        settings_menu.addAction(self.tr("Platforms…"), self.edit_platforms)
        self.presets_action = settings_menu.addAction(
            self.tr("Window presets…"), self.edit_window_presets
        )
        drag = settings_menu.addMenu(self.tr("Window/level drag"))
        group = QActionGroup(self)
        self.window_button_actions: dict[str, QAction] = {}
        for choice, label in (
            ("right", self.tr("Right button (middle button pans)")),
            ("middle", self.tr("Middle button only (right button free)")),
        ):
            action = drag.addAction(label)
            action.setCheckable(True)
            action.setChecked(self.deps.settings.window_drag_button == choice)
            action.triggered.connect(lambda _checked=False, c=choice: self.set_window_button(c))
            group.addAction(action)
            self.window_button_actions[choice] = action
        language = settings_menu.addMenu(self.tr("Language"))
        for code, name in (("zh_CN", "简体中文"), ("en", "English")):
            action = language.addAction(name)
            action.setCheckable(True)
            action.setChecked(resolve_language(self.deps.settings.language) == code)
            action.triggered.connect(lambda _checked=False, c=code: self.set_language(c))
        help_menu = self.menuBar().addMenu(self.tr("Help"))
        help_menu.addAction(self.tr("Keyboard shortcuts"), self.show_shortcuts)
        help_menu.addAction(self.tr("About"), lambda: AboutDialog(self).exec())

    def set_language(self, code: str) -> None:
        """Keep the interface language in the settings (applies at the next start)."""
        self._save_settings(replace(self.deps.settings, language=code))
        self.statusBar().showMessage(self.tr("The language changes at the next start."))

    def _save_settings(self, settings: Settings) -> None:
        """Use ``settings`` from now on and write them in the background; a failure to
        write is said in the status bar (the settings still apply for this session)."""
        self.deps.settings = settings
        if self.deps.save_settings is not None:
            self.runner.start(
                self.deps.save_settings,
                settings,
                on_error=lambda exc: self.statusBar().showMessage(
                    self.tr("The settings could not be saved: %1").replace("%1", str(exc))
                ),
            )

    def set_window_button(self, choice: str) -> None:
        """Which mouse button drags window/level ("right" or "middle"); kept in settings."""
        self._save_settings(replace(self.deps.settings, window_drag_button=choice))
        self.patient_page.grid.set_window_button(choice)

    def show_shortcuts(self) -> None:
        """The keyboard sheet."""
        QMessageBox.information(
            self,
            self.tr("Keyboard shortcuts"),
            self.tr(
                "Images: right-drag window/level · wheel or ↑/↓ scroll · PageUp/PageDown ±10 · Home/End · Ctrl+wheel zoom · 1–9 presets · I invert · F fit · L length · G angle · E ellipse · B rectangle · T text arrow · click a mark, Del deletes · Ctrl+Z undo · ] [ rotate · H V flip · Space cine · K key image\nDecisions: A accept · R order repeat, then 1–9 reason"
            ),
        )

    # --- signing in ------------------------------------------------------------------------
    def try_resume(self) -> None:
        """Sign in silently when a refresh token is remembered for the default platform."""
        entry = self.sign_in.platform_box.currentData()
        if entry is None or self.deps.secrets is None:
            return
        self.sign_in.set_busy(True)
        self.runner.start(
            _resume_and_prepare,
            entry,
            self.deps.secrets,
            on_result=self._resumed,
            on_error=self._sign_in_failed,
        )

    def _resumed(self, signed: Any) -> None:
        if signed is None:
            self.sign_in.set_busy(False)
            return
        self._signed_in(signed)

    def _sign_in(self, entry: PlatformEntry, user: str, password: str, remember: bool) -> None:
        self.sign_in.set_busy(True)
        self.statusBar().showMessage(self.tr("Signing in…"))
        self.runner.start(
            _sign_in_and_prepare,
            entry,
            user,
            password,
            remember,
            self.deps.secrets,
            on_result=self._signed_in,
            on_error=self._sign_in_failed,
        )
        self.sign_in.clear_password()

    def _browser_sign_in(self, entry: PlatformEntry, remember: bool) -> None:
        self.sign_in.set_waiting_for_browser()
        self.statusBar().showMessage(self.tr("Complete the sign-in in your web browser…"))
        abandoned = self._browser_abandoned = threading.Event()
        self.runner.start(
            _browser_and_prepare,
            entry,
            self.open_url_requested.emit,
            remember,
            self.deps.secrets,
            abandoned,
            wants_control=True,
            on_result=lambda signed: self._browser_signed_in(signed, abandoned),
            on_error=lambda error: None if abandoned.is_set() else self._sign_in_failed(error),
        )

    def _browser_signed_in(self, signed: _Signed, abandoned: threading.Event) -> None:
        # Decided here, on the GUI thread: a sign-in finishing as she cancels is not taken
        # (and not left behind: its tokens are revoked and the remembered one forgotten).
        if abandoned.is_set():
            self.runner.start(signed.connection.sign_out)
            return
        self._signed_in(signed)

    def _cancel_browser_sign_in(self) -> None:
        """Stop waiting for the browser: its listener closes, whatever it sends is dropped."""
        self._browser_abandoned.set()
        self.sign_in.set_busy(False)
        self.statusBar().showMessage(self.tr("Browser sign-in cancelled"))

    def edit_platforms(self) -> None:
        """Let the user add, change or remove platforms; saved in the settings file."""
        dialog = PlatformsDialog(self.deps.settings, self)
        if dialog.exec() != PlatformsDialog.DialogCode.Accepted:
            return
        self._save_settings(dialog.result_settings())
        self.sign_in.set_platforms(
            self.deps.settings.platforms, self.deps.settings.default_platform
        )
        self.platform_states.configure(self.deps.settings.platforms)

    def edit_window_presets(self) -> None:
        """Let the user change the window/level presets; saved in the settings file."""
        dialog = PresetsDialog(self.deps.settings.effective_window_presets(), self)
        if dialog.exec() != PresetsDialog.DialogCode.Accepted:
            return
        presets = dialog.presets()
        # The built-in list is stored as "defaults" so that it follows future versions.
        stored = None if presets == DEFAULT_PRESETS else presets
        self._save_settings(replace(self.deps.settings, window_presets=stored))
        self.patient_page.set_window_presets(presets)

    def _session_expired(self) -> None:
        """A platform refused her sign-in. With other platforms signed in beside the home
        one, which session ended is asked first: another platform's ends only that one
        (the patient and the home sign-in stay); the home one's signs her out."""
        if self.signed is None:
            return
        if not self.peers:
            self._home_session_ended()
            return
        serial = self._sign_in_serial
        sessions = {key: p.connection.session for key, p in self.peers.items()}
        self.runner.start(
            _ended_sessions,
            self.signed.connection.session,
            sessions,
            on_result=lambda ended: self._sessions_checked(serial, ended),
            on_error=lambda _exc: self._home_session_ended(),
        )

    def _sessions_checked(self, serial: int, ended: tuple[bool, list[str]]) -> None:
        if serial != self._sign_in_serial:
            return
        home_ended, peers = ended
        if home_ended:
            self._home_session_ended()
            return
        if not peers:  # every sign-in still works: a refusal of another kind
            self.statusBar().showMessage(
                self.tr(
                    "A platform refused a request although your sign-ins are valid. Try again."
                ),
                15000,
            )
        for key in peers:
            peer = self.peers.get(key)
            if peer is not None:
                name = peer.connection.entry.name
                self.sign_out_of_peer(peer.connection.entry)
                self.statusBar().showMessage(
                    self.tr(
                        "The sign-in to %1 has ended: sign in to it again in the status bar."
                    ).replace("%1", name),
                    15000,
                )

    def _home_session_ended(self) -> None:
        self.sign_out()
        self.sign_in.show_error(self.tr("Your session has ended. Please sign in again."))

    def _signed_in(self, signed: _Signed) -> None:
        self._sign_in_serial += 1
        self.signed = signed
        self.federation = FederatedPlatform(signed.member())
        authority = self.deps.settings.platform(self._authority_name())
        if authority is not None and authority.base_url != signed.connection.entry.base_url:
            # decisions on discs and PACS studies wait for it while she is not signed in there
            self.federation.set_authority(platform_key(authority.base_url), authority.name)
        self.platform_states.set_authority(self._authority_name())
        self.patient_page.authority_name = self._authority_name() or signed.connection.entry.name
        self.platform_states.set(signed.connection.entry, PlatformState.CONNECTED, home=True)
        self.sign_in.set_busy(False)
        user = signed.connection.user
        org = signed.hospitals.get(user.organization.removeprefix("Organization/"))
        self.user_label.setText(
            f"{user.display_name} · {org.name if org else ''} {user.department}  "
        )
        self.toolbar.show()
        self.search.hospitals = signed.hospitals
        self.search.home_hospital = user.organization.removeprefix("Organization/")
        self.patient_page.analytes = signed.analytes
        self.patient_page.summary_header = (
            org.name if org else self.deps.settings.hospital_name,
            user.department or self.deps.settings.department,
            user.display_name,
        )
        version = signed.catalog.version if signed.catalog else "—"
        self.statusBar().showMessage(
            self.tr("Signed in to %1 · catalog %2")
            .replace("%1", signed.connection.entry.name)
            .replace("%2", version)
        )
        admin = user.role == "admin"
        self.stats_action.setVisible(not admin)  # an administrator decides on no result
        self.region_action.setVisible(admin)
        if admin:  # she looks after the region's figures, not after patients
            platform = signed.connection.platform
            self.region_page.start(platform.region_statistics)
            self.pages.setCurrentWidget(self.region_page)
        else:
            self.pages.setCurrentWidget(self.search)
            self.search.query_edit.setFocus()
        self.idle.start()
        root = self.deps.journal_root
        platform_url = signed.connection.entry.base_url
        self.journal = (
            self._open_journal(root, platform_url, user.username) if root is not None else None
        )
        self.annotation_outbox = (
            AnnotationOutbox(self.journal.path.parent, self.journal.cipher)
            if root is not None and self.journal is not None
            else None
        )
        self.patient_page.images.annotations.configure(
            self.annotation_outbox,
            Author(user.display_name, user.username, org.name if org else ""),
            user.username,
        )
        self.flush_outbox()
        self._resume_peers()

    def _open_journal(self, root: Path, platform_url: str, username: str) -> Journal:
        """The user's journal on this platform, its patient fields sealed with her data key
        from the keyring (plain, and said so in the log, when there is no secure keyring)."""
        folder = user_folder(root, platform_url, username)
        key = folder.name
        cipher: FieldCipher | None = None
        if self.deps.secrets is None:
            log.warning("no secure keyring: the journal's patient fields are not encrypted")
        else:
            try:
                name = cipher_name(self.deps.settings.at_rest_cipher)
                adopt_data_key(self.deps.secrets, f"journal:{username}", f"journal:{key}", name)
                cipher, _created = data_key(self.deps.secrets, f"journal:{key}", name)
            except (KeyUnavailable, ValueError) as exc:
                log.warning("the journal's patient fields are not encrypted: %s", safe(exc))
        journal = Journal(folder, cipher)
        # Paper-report drafts are patient data too: sealed with the same key, beside it.
        drafts = user_folder(root.parent / "paper-drafts", platform_url, username)
        self.patient_page.paper.drafts = DraftStore(drafts, cipher)
        # Disc studies she chooses to keep: only sealed with her key, never in the clear.
        kept = user_folder(root.parent / "kept-studies", platform_url, username)
        self.patient_page.discs.kept = KeptStudies(kept, cipher) if cipher is not None else None
        unreadable = journal.unreadable()
        if unreadable:
            log.warning("%d journal entries cannot be opened with this key", len(unreadable))
            self.statusBar().showMessage(
                self.tr(
                    "%n earlier decision(s) in this computer's journal cannot be read with its "
                    "key (the keyring was reset?); they are kept but not sent.",
                    "",
                    len(unreadable),
                )
            )
        return journal

    def _sign_in_failed(self, error: Exception) -> None:
        self.statusBar().showMessage(self.tr("Not signed in"))
        self.sign_in.show_error(describe(error))

    # --- idle lock -------------------------------------------------------------------------
    def lock(self) -> None:
        """Hide patient data until the password is entered again."""
        if self.signed is None or self.pages.currentWidget() is self.lock_page:
            return
        self.idle.stop()
        for box in self.findChildren(QMessageBox):
            box.reject()  # a question about a patient is not left over the lock
        self._locked_page = self.pages.currentWidget()
        self._unlock_failures = 0
        self.lock_page.reset(self.signed.connection.user.display_name)
        self.toolbar.hide()
        self.pages.setCurrentWidget(self.lock_page)
        self.lock_page.password_edit.setFocus()
        log.info("locked after inactivity")

    def _unlock(self, password: str) -> None:
        if self.signed is None:
            return
        session = self.signed.connection.session
        self.runner.start(
            session.reauthenticate,
            password,
            on_result=lambda _none: self._unlocked(),
            on_error=self._unlock_failed,
        )

    def _unlocked(self) -> None:
        self.pages.setCurrentWidget(self._locked_page or self.search)
        self.toolbar.show()
        self.idle.start()

    def _unlock_failed(self, error: Exception) -> None:
        self._unlock_failures += 1
        if self._unlock_failures >= 3:
            self.sign_out()
            self.sign_in.show_error(self.tr("Signed out after three wrong passwords."))
            return
        self.lock_page.show_error(describe(error))

    def sign_out(self) -> None:
        """Leave the patient, revoke the session, forget everything shown. Decisions not yet
        sent stay in the journal and go out after the next sign-in."""
        signed, self.signed = self.signed, None
        self._sign_in_serial += 1
        for box in self.findChildren(QMessageBox):
            box.close()  # no patient's name stays on screen for the next person
        peers, self.peers = list(self.peers.values()), {}
        self.federation = None
        self._groups, self._confirmed = {}, {}
        self.platform_states.sign_out_all()
        for sign_in_dialog in self.findChildren(ExtraSignInDialog):
            sign_in_dialog.close()
        for peer in peers:
            self.runner.start(
                peer.connection.sign_out, on_error=lambda exc: log.warning("sign-out: %s", exc)
            )
        self.idle.stop()
        self.outbox_timer.stop()
        self.outbox_label.clear()
        self.patient_page.close_patient()
        self.patient_page.series_cache.clear()  # no images of this session outlive it
        self.patient_page.images.annotations.configure(None, None, "")
        self.annotation_outbox = None
        self.search.clear()
        self.region_page.stop()
        for dialog in self.findChildren(StatisticsDialog):
            dialog.close()  # her figures do not stay on screen for the next user
        self.toolbar.hide()
        self.pages.setCurrentWidget(self.sign_in)
        self.statusBar().showMessage(self.tr("Signed out"))
        if signed is not None:
            # A platform's own identity provider keeps a browser session (single sign-on):
            # end it there too, so the next person at this PC must sign in herself.
            end_session = signed.connection.session.end_session_url()
            if end_session:
                self.open_url_requested.emit(end_session)
            self.runner.start(
                signed.connection.sign_out, on_error=lambda exc: log.warning("sign-out: %s", exc)
            )

    # --- search and patients ---------------------------------------------------------------
    def _search(self, text: str) -> None:
        if self.signed is None:
            return
        self._search_serial += 1  # any newer request, even one not sent, drops older answers
        serial = self._search_serial
        query = classify_query(text)
        if query is None or self.federation is None:
            return
        # every platform she is signed in to at once; the same person is one patient
        self.runner.start(
            self.federation.search_groups,
            query,
            on_result=lambda outcome: self._search_done(serial, outcome),
            on_error=lambda exc: self.search.show_error(describe(exc)),
        )

    def _search_done(self, serial: int, outcome: SearchOutcome) -> None:
        if serial != self._search_serial:  # an older, slower answer is dropped
            return
        if outcome.errors and not outcome.groups and len(outcome.errors) == 1 + len(self.peers):
            self.search.show_error(describe(next(iter(outcome.errors.values()))))
            return
        self._groups = {g.anchor.patient.id: g for g in outcome.groups}
        for name, error in outcome.errors.items():
            self._platform_failed(name, error)
        self.search.show_groups(outcome.groups, self.deps.clock().date(), list(outcome.errors))

    def open_patient(self, patient: Patient) -> None:
        """Open a patient's timeline (audited), with the records of the other platforms
        that are the same person: confirmed ones at once; probable ones only once she
        confirms them here (never silently)."""
        group = self._groups.get(patient.id)
        if group is None or not group.needs_confirmation:
            self._open_group(patient, group, [])
            return
        lines = [
            self.tr("%1: %2, born %3, %4")
            .replace("%1", m.record.source)
            .replace("%2", m.record.patient.name)
            .replace("%3", str(m.record.patient.birth_date or "—"))
            .replace("%4", self.search.gender_text(m.record.patient.gender))
            for m in group.probable
        ]
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Same patient?"),
            self.tr(
                "These records on other platforms have the same name, date of birth and sex but cannot be confirmed by an ID card number:\n\n%1\n\nAre they this patient? Their results are shown with hers only if you confirm."
            ).replace("%1", "\n".join(lines)),
            parent=self,
        )
        same = box.addButton(self.tr("Same patient"), QMessageBox.ButtonRole.YesRole)
        apart = box.addButton(self.tr("No, keep apart"), QMessageBox.ButtonRole.NoRole)
        box.setObjectName("confirmSamePatient")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        serial = self._sign_in_serial

        def answered() -> None:
            if serial != self._sign_in_serial or self.pages.currentWidget() is self.lock_page:
                return  # asked before a sign-out or the lock: not answered by her
            if box.clickedButton() not in (same, apart):
                return  # closed without an answer: nothing opens
            chosen = [m.record.key for m in group.probable] if box.clickedButton() is same else []
            self._confirmed[patient.id] = chosen
            self._open_group(patient, group, chosen)

        box.finished.connect(lambda _code: answered())
        box.open()

    def _open_group(
        self, patient: Patient, group: PatientGroup | None, confirmed: list[tuple[str, str]]
    ) -> None:
        if self.signed is None or self.federation is None:
            return
        if group is not None:
            patient = self.federation.open_patient(group, confirmed)
        signed = self.signed
        connection = self._connection()
        self.search.add_recent(patient)
        self.statusBar().clearMessage()  # what was said about the last patient is not hers
        self.pages.setCurrentWidget(self.patient_page)
        self.patient_page.timeline.set_home_source(signed.connection.entry.name)
        user = signed.connection.user
        context = None
        if self.journal is not None:
            context = DecisionContext(
                self.journal,
                user.username,
                user.practitioner,
                signed.catalog.version if signed.catalog else "",
            )
        self.patient_page.open(
            connection,
            patient,
            self._hospitals(),
            signed.catalog,
            signed.here_region,
            self.deps.clock(),
            context,
            {
                p.connection.entry.name: p.catalog
                for p in self.peers.values()
                if p.catalog is not None
            },
            self.federation.record_ids(patient.id),
        )
        record = new_record("patient-view", user.username, user.practitioner, patient.id)
        self._audit(connection, record)  # on every platform whose records of her are shown

    def _connection(self) -> Connection:
        """The home connection with the federation as its platform and the other
        platforms' connections as peers (their images fetched with their own sign-in)."""
        assert self.signed is not None
        assert self.federation is not None
        home = self.signed.connection
        return replace(
            home,
            platform=self.federation,
            peers=tuple(p.connection for p in self.peers.values()),
        )

    def _hospitals(self) -> dict[str, Hospital]:
        """Every signed-in platform's hospitals, under the ids their results name."""
        assert self.signed is not None
        assert self.federation is not None
        return self.federation.merge_hospitals(
            self.signed.hospitals, {key: p.hospitals for key, p in self.peers.items()}
        )

    def _audit(self, connection: Connection, record: AuditRecord) -> None:
        """Write ``record`` to the local audit log on the journal's lane, then send it to
        the platform on an ordinary lane (the network never holds the journal's thread)."""

        def send(_written: object) -> None:
            self.runner.start(
                connection.platform.send_audit,
                record,
                on_error=lambda exc: log.warning("audit not sent: %s", exc),
            )

        self.runner.start(
            self.deps.audit_log.append,
            record,
            on_result=send,
            on_error=lambda exc: log.warning("audit not written: %s", exc),
            lane=Lane.JOURNAL,
        )

    # --- outbox ----------------------------------------------------------------------------
    def flush_outbox(self) -> None:
        """Send waiting decisions now (on a worker); reschedules itself with back-off."""
        if self.journal is None or self.signed is None or self._outbox_running:
            return
        self._outbox_running = True
        self.outbox_timer.stop()
        # A pass talks to the platform between journal reads and writes: it stays off the
        # journal's one thread, so a slow platform never delays "saved" (the journal is
        # safe from any thread: a connection per call, writes in one transaction).
        assert self.federation is not None
        self.runner.start(
            _send_outbox,
            self.journal,
            self.federation,
            self.annotation_outbox,
            store_with(self._connection().dicomweb),  # a study's own platform
            on_result=self._outbox_done,
            on_error=self._outbox_error,
        )

    def _outbox_done(self, value: Any) -> None:
        self._outbox_running = False
        report, pending, rejected = value
        self._outbox_failures = 0 if report.clean else self._outbox_failures + 1
        parts = []
        if pending:
            parts.append(self.tr("%n decision(s) waiting to send", "", pending))
        if report.annotations_pending:
            parts.append(
                self.tr("%n saved mark object(s) waiting to send", "", report.annotations_pending)
            )
            pending += report.annotations_pending  # retried on the same schedule
        if rejected:
            parts.append(self.tr("%n refused by the platform", "", rejected))
        self.outbox_label.setText(" · ".join(parts))
        self.outbox_label.setStyleSheet("color: #b00020;" if rejected else "color: #8a6d00;")
        if report.rejected:
            self.statusBar().showMessage(
                self.tr("The platform refused a decision: %1").replace("%1", report.rejected[0][1])
            )
        if report.sent and self.patient_page.decision.result is not None:
            self.patient_page.show_result_decisions()
        if report.failed == ErrorKind.AUTH.value and self.signed is not None:
            # The session could not be renewed: her decisions stay in the journal and go out
            # once she has signed in again.
            self._session_expired()
            return
        delay = (
            next_delay_s(self._outbox_failures, retry_after_s=report.retry_after_s)
            if pending
            else 30.0
        )
        self.outbox_timer.start(int(max(delay, 2.0) * 1000))

    def _outbox_error(self, error: Exception) -> None:
        self._outbox_running = False
        self._outbox_failures += 1
        log.warning("outbox pass failed: %s", error)
        self.outbox_timer.start(int(next_delay_s(self._outbox_failures) * 1000))

    def show_statistics(self) -> None:
        """The doctor's own statistics over a date range, with CSV export."""
        if self.journal is None:
            return
        catalog = self.signed.catalog if self.signed else None
        dialog = StatisticsDialog(
            self.journal,
            catalog,
            self.runner,
            self._hospitals() if self.signed and self.federation else {},
            self,
        )
        # window-modal without a nested event loop: a sign-out or idle lock while it is
        # open closes it with the window instead of returning into a page that is gone
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _audit_decision(self, decision: Decision) -> None:
        """One audit event per saved decision, about that decision's own result and patient
        (not whatever the panel shows by the time the save finished)."""
        signed = self.signed
        if signed is None:
            return
        record = new_record(
            "decision",
            decision.username,
            decision.practitioner,
            decision.patient_id,
            f"DiagnosticReport/{decision.result_id}",
        )
        self._audit(self._connection(), record)

    def _audit_paper(self, result: Result, user: UserInfo) -> None:
        """One audit event per paper report stored on the platform, by the doctor who
        transcribed it; sent to the platform only while she is the one signed in (only she
        may send it), written to the local log in any case."""
        record = new_record(
            "paper-report",
            user.username,
            user.practitioner,
            result.patient_id,
            f"DiagnosticReport/{result.id}",
        )
        signed = self.signed
        if signed is not None and signed.connection.user.practitioner == user.practitioner:
            self._audit(self._connection(), record)
            return
        self.runner.start(
            self.deps.audit_log.append,
            record,
            on_error=lambda exc: log.warning("audit not written: %s", exc),
            lane=Lane.JOURNAL,
        )

    def _back_to_search(self) -> None:
        self.patient_page.close_patient()
        self.pages.setCurrentWidget(self.search)

    def _busy(self, busy: bool, text: str) -> None:
        self.busy_label.setText(text if busy else "")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Stop background work before the window goes."""
        if self._placement_timer.isActive():  # a change of the last second is kept too
            self._placement_timer.stop()
            self._keep_placement()
        self.patient_page.close_patient()
        self.idle.stop()
        self.idle.detach()
        self.runner.shutdown()
        self.patient_page.images.prefetcher.shutdown()
        self.source_status.detach()
        for peer in self.peers.values():
            peer.connection.client.close()
        if self.signed is not None:
            self.signed.connection.client.close()
        super().closeEvent(event)

    # --- other platforms beside the home one ---------------------------------------------------
    def _resume_peers(self) -> None:
        """Sign in silently to every other platform with a remembered sign-in."""
        if self.deps.secrets is None or self.signed is None:
            return
        home = self.signed.connection.entry
        for entry in self.deps.settings.platforms:
            if entry.base_url == home.base_url:
                continue
            self._resume_peer(entry, self.deps.secrets)

    def _resume_peer(self, entry: PlatformEntry, secrets: SecretStore) -> None:
        serial = self._sign_in_serial
        self.runner.start(
            _resume_and_prepare,
            entry,
            secrets,
            self._peer_account(entry),
            on_result=lambda signed: self._peer_signed_in(entry, signed, serial=serial),
            on_error=lambda exc: self._peer_failed(entry, exc),
        )

    def _peer_account(self, entry: PlatformEntry) -> str:
        """Where a sign-in beside the home one is remembered: for this home user only."""
        assert self.signed is not None
        home = self.signed.connection
        return peer_account(entry, home.entry, home.user.username)

    def sign_in_to_peer(self, entry: PlatformEntry) -> None:
        """Sign in to another platform beside the home one (its own tokens)."""
        if self.signed is None:
            return
        serial = self._sign_in_serial
        dialog = ExtraSignInDialog(entry, self.deps.secrets is not None, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form = dialog.form

        def password(chosen: PlatformEntry, user: str, secret: str, remember: bool) -> None:
            form.set_busy(True)
            self.platform_states.set(chosen, PlatformState.SIGNING_IN)
            self.runner.start(
                _sign_in_and_prepare,
                chosen,
                user,
                secret,
                remember,
                self.deps.secrets,
                self._peer_account(chosen),
                on_result=lambda s: self._peer_signed_in(chosen, s, dialog, serial=serial),
                on_error=lambda exc: self._peer_failed(chosen, exc, dialog),
            )
            form.clear_password()

        abandoned = threading.Event()

        def browser(chosen: PlatformEntry, remember: bool) -> None:
            form.set_waiting_for_browser()
            self.platform_states.set(chosen, PlatformState.SIGNING_IN)
            self.runner.start(
                _browser_and_prepare,
                chosen,
                self.open_url_requested.emit,
                remember,
                self.deps.secrets,
                abandoned,
                self._peer_account(chosen),
                wants_control=True,
                on_result=lambda s: self._peer_signed_in(
                    chosen, s, dialog, abandoned, serial=serial
                ),
                on_error=lambda exc: self._peer_failed(chosen, exc, dialog),
            )

        def cancelled() -> None:
            abandoned.set()
            form.set_busy(False)
            self.platform_states.set(entry, PlatformState.SIGNED_OUT)

        form.sign_in_requested.connect(password)
        form.browser_sign_in_requested.connect(browser)
        form.browser_cancel_requested.connect(cancelled)
        dialog.rejected.connect(abandoned.set)
        dialog.open()

    def _peer_signed_in(
        self,
        entry: PlatformEntry,
        signed: _Signed | None,
        dialog: ExtraSignInDialog | None = None,
        abandoned: threading.Event | None = None,
        *,
        serial: int,
    ) -> None:
        if signed is None:  # nothing remembered for it
            return
        home = self.signed
        if (
            home is None
            or self.federation is None
            or serial != self._sign_in_serial  # asked for an earlier sign-in (another doctor)
            or (abandoned and abandoned.is_set())
        ):
            self.runner.start(signed.connection.sign_out)  # she left meanwhile: not kept
            return
        key = platform_key(entry.base_url)
        try:
            self.federation.add(signed.member())
        except SharedOrigin:
            self.runner.start(signed.connection.sign_out)
            problem = self.tr(
                "%1 names a server of a platform you are already signed in to; it was not added (its images could be fetched with the other platform's sign-in). Tell IT."
            ).replace("%1", entry.name)
            self._peer_failed(entry, RuntimeError(problem), dialog, problem)
            return
        old = self.peers.get(key)
        if old is not None:  # signed in again: the earlier tokens are revoked
            self.runner.start(old.connection.sign_out)
        self.peers[key] = signed
        self.search.hospitals = self._hospitals()
        self.platform_states.set(entry, PlatformState.CONNECTED, home=False)
        if dialog is not None:
            dialog.accept()
        self.statusBar().showMessage(
            self.tr("Signed in to %1 as well: its results join the timeline.").replace(
                "%1", entry.name
            ),
            8000,
        )
        self.flush_outbox()  # decisions kept for it while signed out go now
        self._reopen_patient()

    def _peer_failed(
        self,
        entry: PlatformEntry,
        error: Exception,
        dialog: ExtraSignInDialog | None = None,
        text: str = "",
    ) -> None:
        text = text or describe(error)
        self.platform_states.set(entry, PlatformState.SIGNED_OUT, detail=text)
        if dialog is not None:
            dialog.show_error(text)

    def sign_out_of_peer(self, entry: PlatformEntry) -> None:
        """Sign out of another platform; the home platform and the patient stay."""
        key = platform_key(entry.base_url)
        signed = self.peers.pop(key, None)
        if self.federation is not None:
            self.federation.remove(key)
            self.search.hospitals = self._hospitals()
        self.platform_states.set(entry, PlatformState.SIGNED_OUT, home=False)
        if signed is not None:
            self.runner.start(
                signed.connection.sign_out, on_error=lambda exc: log.warning("sign-out: %s", exc)
            )
        self._reopen_patient()

    def _reopen_patient(self) -> None:
        """The open patient shown again from the platforms signed in to now (her records
        on a platform just signed in to are found by her 身份证 number)."""
        patient = self.patient_page.patient
        if patient is None or self.federation is None:
            return
        if not patient.id_card:
            self.patient_page.reload()
            return
        from workstation.records.platform import PatientQuery, QueryKind

        serial = self._search_serial = self._search_serial + 1
        query = PatientQuery(QueryKind.ID_CARD, patient.id_card)

        def found(outcome: SearchOutcome) -> None:
            if serial != self._search_serial or self.patient_page.patient is not patient:
                return
            group = next(
                (g for g in outcome.groups if patient.id in {r.patient.id for r in g.members()}),
                None,
            )
            if group is None:
                self.patient_page.reload()
                return
            self._groups[group.anchor.patient.id] = group
            # what she confirmed before stays confirmed; a new look-alike is not joined
            # without her: she is told where to confirm it
            asked = {m.record.key for m in group.probable}
            kept = [k for k in self._confirmed.get(patient.id, []) if k in asked]
            if asked - set(kept):
                self.statusBar().showMessage(
                    self.tr(
                        "A platform has a record that may be this patient's: search for her again and open her to confirm it."
                    ),
                    15000,
                )
            self._open_group(patient, group, kept)

        self.runner.start(
            self.federation.search_groups,
            query,
            on_result=found,
            on_error=lambda exc: self.patient_page.reload(),
        )

    def _authority_name(self) -> str:
        """The platform configured to take decisions on PACS and disc studies
        (settings ``"decision_authority": NAME``; "" or not configured: the home one)."""
        name = self.deps.settings.extra.get(AUTHORITY_KEY, "")
        return name if isinstance(name, str) and self.deps.settings.platform(name) else ""

    def _platform_failed(self, name: str, error: Exception) -> None:
        """A platform she is signed in to did not answer: said in the status bar."""
        status = self.platform_states.status(name)
        if status is None or status.state is PlatformState.SIGNED_OUT:
            return
        if isinstance(error, PlatformError) and error.kind is ErrorKind.SIGNED_OUT:
            return
        self.platform_states.set(status.entry, PlatformState.UNREACHABLE, detail=describe(error))

    def _sources_down(self, down: dict[str, Exception]) -> None:
        for name, error in down.items():
            self._platform_failed(name, error)
