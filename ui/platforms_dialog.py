"""Settings → platforms: add, edit or remove the results platforms the user can sign in to."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workstation.config import PlatformEntry, Settings
from workstation.http import PlatformError, check_url_security


class PlatformsDialog(QDialog):
    """Edits the platform list; ``result_settings()`` gives the new settings after Accept."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Platforms"))
        self.settings = settings
        self.list = QListWidget()
        for entry in settings.platforms:
            self._add_item(entry)
        self.name_edit = QLineEdit()
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("https://hr.example.gov.cn")
        self.ca_edit = QLineEdit()
        self.ca_edit.setPlaceholderText(self.tr("optional: path of a PEM CA bundle"))
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        add = QPushButton(self.tr("Add / update"))
        remove = QPushButton(self.tr("Remove"))
        add.clicked.connect(self._add)
        remove.clicked.connect(self._remove)
        self.list.currentItemChanged.connect(self._selected)
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name_edit)
        form.addRow(self.tr("Base URL"), self.url_edit)
        form.addRow(self.tr("CA bundle"), self.ca_edit)
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(add)
        buttons_row.addWidget(remove)
        buttons_row.addStretch(1)
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons_row)
        layout.addWidget(box)

    def _add_item(self, entry: PlatformEntry) -> None:
        item = QListWidgetItem(f"{entry.name} — {entry.base_url}")
        item.setData(256, entry)
        self.list.addItem(item)

    def _selected(self, item: QListWidgetItem | None, _previous: object) -> None:
        if item is None:
            return
        entry: PlatformEntry = item.data(256)
        self.name_edit.setText(entry.name)
        self.url_edit.setText(entry.base_url)
        self.ca_edit.setText(entry.ca_bundle)

    def _add(self) -> None:
        name, url = self.name_edit.text().strip(), self.url_edit.text().strip().rstrip("/")
        if not name or not url:
            self.error.setText(self.tr("A platform needs a name and a base URL."))
            return
        try:
            check_url_security(url)
        except PlatformError:
            self.error.setText(self.tr("Use https (plain http only for this computer)."))
            return
        self.error.clear()
        self.settings = self.settings.with_platform(
            PlatformEntry(name, url, self.ca_edit.text().strip())
        )
        self._reload()

    def _remove(self) -> None:
        item: QListWidgetItem | None = self.list.currentItem()  # None when nothing is chosen
        if item is None:
            return
        gone: PlatformEntry = item.data(256)
        from dataclasses import replace

        platforms = tuple(p for p in self.settings.platforms if p.name != gone.name)
        default = self.settings.default_platform
        if default == gone.name:
            default = platforms[0].name if platforms else ""
        self.settings = replace(self.settings, platforms=platforms, default_platform=default)
        self._reload()

    def _reload(self) -> None:
        self.list.clear()
        for entry in self.settings.platforms:
            self._add_item(entry)

    def result_settings(self) -> Settings:
        """The edited settings."""
        return self.settings
