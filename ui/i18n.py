"""Loading the interface language through Qt's translation system."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from workstation.logs import safe

log = logging.getLogger("ui.i18n")
I18N_DIR = Path(__file__).resolve().parent.parent / "resources" / "i18n"
SUPPORTED = ("zh_CN", "en")


def resolve_language(setting: str, system: QLocale | None = None) -> str:
    """The language to show: the user's or IT's choice, else the system's (English only when
    the system speaks English; Simplified Chinese otherwise, including C/POSIX)."""
    if setting in SUPPORTED:
        return setting
    locale = system or QLocale.system()
    return "en" if locale.language() == QLocale.Language.English else "zh_CN"


def install_language(app: QCoreApplication, language: str) -> QTranslator | None:
    """Install the translator for ``language`` ("zh_CN" default, "en" = source strings).

    Returns the installed translator (keep a reference), or None for English or when the
    compiled catalogue is missing (logged; the English source strings show).
    """
    if language.startswith("en"):
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        return None
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    install_qt_translations(app, language)
    translator = QTranslator(app)
    path = I18N_DIR / f"hr_{language}.qm"
    if not translator.load(str(path)):
        log.warning("translation %s not found; showing English", safe(path.name))
        return None
    app.installTranslator(translator)
    return translator


def install_qt_translations(app: QCoreApplication, language: str) -> QTranslator | None:
    """Qt's own strings (file dialogs, print preview, standard buttons) in ``language``,
    from the translations shipped with Qt; None (logged) when they are missing. Installed
    before the program's own catalogue, which therefore wins where both translate."""
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(f"qtbase_{language}", folder):
        log.warning("Qt's translation qtbase_%s not found; Qt dialogs show English", language)
        return None
    app.installTranslator(translator)
    return translator
