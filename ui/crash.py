"""Uncaught exceptions, once the GUI exists: the crash hook main.py installed first (logging
with traceback) also shows the user a dialog."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from workstation.crash import CrashHook, install_crash_hook


def install_excepthook(log_file: Path) -> CrashHook:
    """Show a dialog naming ``log_file`` for every uncaught exception on the GUI thread,
    through the crash hook already installed (installed here if it is not)."""
    hook = install_crash_hook()

    def show(details: str) -> None:
        if QApplication.instance() is None or threading.current_thread() is not (
            threading.main_thread()
        ):
            return  # logged already; a dialog needs the GUI thread
        box = QMessageBox()
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(QCoreApplication.translate("CrashDialog", "Unexpected error"))
        # fmt: off
        message = QCoreApplication.translate("CrashDialog", "Something went wrong. Your recorded decisions are safe. Details were written to the log file:")
        # fmt: on
        box.setText(f"{message}\n{log_file}")
        box.setDetailedText(details)
        box.exec()

    hook.notify = show
    return hook
