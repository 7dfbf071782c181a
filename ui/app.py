"""Application bootstrap: QApplication, language, Qt logging, crash dialog, main window."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from ui.crash import install_excepthook
from ui.i18n import install_language, resolve_language
from ui.main_window import MainWindow, WindowDeps
from ui.qt_logging import route_qt_messages
from ui.window_fit import Rect
from workstation.audit import AuditLog
from workstation.auth import KeyringUnavailable, SecretStore, system_keyring
from workstation.config import Settings, SettingsStore
from workstation.logs import safe
from workstation.paths import AppPaths

log = logging.getLogger("ui.app")
ICON = Path(__file__).resolve().parent.parent / "resources" / "icons" / "hr-workstation.png"


@dataclass(frozen=True)
class AppContext:
    """What the program needs to run, built by main.py and passed down (no globals)."""

    paths: AppPaths
    settings_store: SettingsStore
    settings: Settings
    log_file: Path
    exit_when_shown: bool = False  # smoke tests and start-up benchmarks


def create_application(argv: Sequence[str], language: str) -> QApplication:
    """The QApplication with names, Qt logging and the translator installed."""
    app = QApplication.instance() or QApplication(list(argv))
    assert isinstance(app, QApplication)
    app.setApplicationName("hr-workstation")
    app.setApplicationDisplayName(app.translate("App", "Results Recognition Workstation"))
    app.setOrganizationName("hr-workstation")
    app.setWindowIcon(QIcon(str(ICON)))
    route_qt_messages()
    app._translator = install_language(app, resolve_language(language))  # type: ignore[attr-defined]
    return app


def run(argv: Sequence[str], context: AppContext) -> int:
    """Show the main window and run the event loop. Returns the exit status."""
    app = create_application(argv, context.settings.language)
    install_excepthook(context.log_file)
    secrets: SecretStore | None
    try:
        secrets = system_keyring()
    except KeyringUnavailable as exc:
        log.warning("no secure keyring (%s): sign-in will not be remembered", safe(exc))
        secrets = None
    deps = WindowDeps(
        context.settings,
        secrets,
        AuditLog(context.paths.data_dir),
        save_settings=context.settings_store.save,
        journal_root=context.paths.data_dir / "journal",
    )
    window = MainWindow(deps)
    screen = app.primaryScreen().availableGeometry()
    window.show_placed(Rect(screen.x(), screen.y(), screen.width(), screen.height()))
    log.info("main window shown")
    if context.exit_when_shown:
        QTimer.singleShot(0, window.close)
        QTimer.singleShot(0, app.quit)
    else:
        window.try_resume()
    return app.exec()
