"""The one save dialog: Qt's own (not the system's), so it speaks the interface language
through Qt's translations; it opens in the user's Documents folder with a name filled in."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDir, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget


def documents_folder() -> str:
    """The user's Documents folder, or her home folder when there is none."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return documents if documents and Path(documents).is_dir() else QDir.homePath()


def save_dialog(
    parent: QWidget, title: str, name_filter: str, suffix: str, file_name: str
) -> QFileDialog:
    """A save dialog in Documents offering ``file_name`` (``suffix`` added when she types a
    name without one). The caller runs it (``exec``) and reads ``selectedFiles``."""
    dialog = QFileDialog(parent, title)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setNameFilter(name_filter)
    dialog.setDefaultSuffix(suffix)
    dialog.setDirectory(documents_folder())
    dialog.selectFile(file_name)
    # Qt translates these labels but leaves two of them in English when the dialog is
    # built: set them from Qt's own catalogue (context QFileDialog).
    for label, text in (
        (QFileDialog.DialogLabel.LookIn, "Look in:"),
        (QFileDialog.DialogLabel.FileType, "Files of type:"),
    ):
        dialog.setLabelText(label, QCoreApplication.translate("QFileDialog", text))
    return dialog


def ask_save_path(
    parent: QWidget, title: str, name_filter: str, suffix: str, file_name: str
) -> Path | None:
    """Run ``save_dialog``; the chosen path, or None when she cancels."""
    dialog = save_dialog(parent, title, name_filter, suffix, file_name)
    if dialog.exec() == QFileDialog.DialogCode.Accepted and dialog.selectedFiles():
        return Path(dialog.selectedFiles()[0])
    return None
