"""Uncaught exceptions: logged with traceback, and shown to the user in a dialog."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from workstation.logs import log_uncaught
from workstation.redact import redact


def install_excepthook(log_file: Path) -> None:
    """Replace sys.excepthook: log the traceback, then show a dialog (when a GUI exists)."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        log_uncaught(exc_type, exc, tb)
        if QApplication.instance() is None:
            sys.__excepthook__(exc_type, exc, tb)
            return
        box = QMessageBox()
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(QCoreApplication.translate("CrashDialog", "Unexpected error"))
        # fmt: off
        message = QCoreApplication.translate("CrashDialog", "Something went wrong. Your recorded decisions are safe. Details were written to the log file:")
        # fmt: on
        box.setText(f"{message}\n{log_file}")
        box.setDetailedText(redact("".join(traceback.format_exception(exc_type, exc, tb))))
        box.exec()

    sys.excepthook = hook
