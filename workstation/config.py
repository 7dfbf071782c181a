"""User settings: a versioned JSON document in the user config directory, written atomically."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from workstation.atomic import write_bytes_atomic
from workstation.imaging.presets import (
    DEFAULT_PRESETS,
    WindowPreset,
    presets_from_json_list,
    presets_to_json_list,
)

log = logging.getLogger("workstation.config")

SETTINGS_VERSION = 1
SETTINGS_FILE = "settings.json"
SANDBOX_PLATFORM_NAME = "Sandbox"


class SettingsError(Exception):
    """The settings file exists but cannot be used (unreadable, malformed, from the future)."""


@dataclass(frozen=True)
class PlatformEntry:
    """One provincial results platform the user can sign in to."""

    name: str
    base_url: str
    ca_bundle: str = ""  # path to a PEM bundle; empty = the system's trust store


@dataclass(frozen=True)
class Settings:
    """Everything the user can change. Immutable: produce a new value with ``replace``."""

    version: int = SETTINGS_VERSION
    language: str = ""  # "" = follow the system (Chinese unless it is English)
    platforms: tuple[PlatformEntry, ...] = ()
    default_platform: str = ""
    idle_lock_minutes: int = 10
    window_drag_button: str = "right"
    hospital_name: str = ""
    department: str = ""
    window_presets: tuple[WindowPreset, ...] | None = None  # None = the built-in defaults
    window_geometry: tuple[int, int, int, int] | None = None  # x, y, width, height (pixels)
    window_maximized: bool = False
    # How patient data kept on this machine is encrypted: "aes-256-gcm", or "sm4-gcm" where
    # the platform requires national algorithms (workstation/at_rest.py).
    at_rest_cipher: str = "aes-256-gcm"
    extra: dict[str, Any] = field(default_factory=dict)

    def with_platform(self, entry: PlatformEntry, *, make_default: bool = False) -> Settings:
        """Add or replace a platform by name."""
        others = tuple(p for p in self.platforms if p.name != entry.name)
        default = entry.name if make_default or not self.default_platform else self.default_platform
        return replace(self, platforms=(*others, entry), default_platform=default)

    def platform(self, name: str) -> PlatformEntry | None:
        """The platform called ``name``, if configured."""
        return next((p for p in self.platforms if p.name == name), None)

    def effective_window_presets(self) -> tuple[WindowPreset, ...]:
        """The user's window presets, or the built-in ones when none were saved
        (an empty tuple is a choice: no presets)."""
        return DEFAULT_PRESETS if self.window_presets is None else self.window_presets


def settings_to_json(settings: Settings) -> str:
    """Serialize settings as pretty JSON (UTF-8 text, Chinese kept readable)."""
    data = asdict(settings)
    # Written only when the user has a list: a user file without the key keeps IT's presets.
    del data["window_presets"]
    if settings.window_presets is not None:
        data["window_presets"] = presets_to_json_list(settings.window_presets)
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)


def settings_from_json(text: str) -> Settings:
    """Parse settings, migrating older versions. Raises SettingsError on bad input."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SettingsError(f"settings are not valid JSON: {exc}") from exc
    if not isinstance(raw, dict):
        raise SettingsError("settings must be a JSON object")
    version = raw.get("version", 0)
    if not isinstance(version, int) or version > SETTINGS_VERSION:
        raise SettingsError(f"settings version {version!r} is newer than this program")
    raw = _migrate(raw, version)
    try:
        platforms = tuple(PlatformEntry(**p) for p in raw.get("platforms", []))
        known = {f for f in Settings.__dataclass_fields__ if f not in _PARSED_APART}
        values = {k: v for k, v in raw.items() if k in known}
        return Settings(
            version=SETTINGS_VERSION,
            platforms=platforms,
            window_presets=_window_presets(raw.get("window_presets")),
            window_geometry=_window_geometry(raw.get("window_geometry")),
            **values,
        )
    except TypeError as exc:
        raise SettingsError(f"settings have an unexpected shape: {exc}") from exc


_PARSED_APART = ("platforms", "version", "window_presets", "window_geometry")


def _window_geometry(value: object) -> tuple[int, int, int, int] | None:
    # Four integers, sizes positive; anything else is forgotten (the window opens fitted).
    if (
        isinstance(value, list)
        and len(value) == 4
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        and value[2] > 0
        and value[3] > 0
    ):
        return (value[0], value[1], value[2], value[3])
    if value is not None:
        log.warning("window_geometry ignored: not four integers")
    return None


def _window_presets(value: object) -> tuple[WindowPreset, ...] | None:
    # Missing or null: the defaults. Unusable entries are skipped (and logged), not fatal.
    if value is None:
        return None
    if not isinstance(value, list):
        log.warning("window_presets ignored: not a list")
        return None
    return presets_from_json_list(value)


def _migrate(raw: dict[str, Any], version: int) -> dict[str, Any]:
    # Version 0 (unversioned drafts) called the platform list "servers".
    if version < 1 and "servers" in raw:
        raw = {**raw, "platforms": raw.pop("servers")}
    return raw


def merge_settings(system: Settings, user_text: str | None) -> Settings:
    """The deployment's settings (set by IT) overridden by what the user saved.

    Platforms merge by name (a user entry replaces IT's of the same name); the default
    platform and every other field come from the user's file when it sets them.
    Raises SettingsError for a malformed user file.
    """
    if not user_text:
        return system
    user_raw = json.loads(user_text) if user_text.strip() else {}
    if not isinstance(user_raw, dict):
        raise SettingsError("settings must be a JSON object")
    user = settings_from_json(user_text)
    merged = system
    for entry in user.platforms:
        merged = merged.with_platform(entry)
    values = {
        k: getattr(user, k)
        for k in user_raw
        if k in Settings.__dataclass_fields__ and k not in ("platforms", "version")
    }
    return replace(merged, **values)


def system_settings_path() -> Path:
    """Where IT puts the deployment's settings (HR_WORKSTATION_SYSTEM_CONFIG overrides):
    /etc/xdg/hr-workstation/settings.json on Linux, %PROGRAMDATA% on Windows."""
    import os

    import platformdirs

    override = os.environ.get("HR_WORKSTATION_SYSTEM_CONFIG")
    if override:
        return Path(override)
    return Path(platformdirs.site_config_dir("hr-workstation", "hr-workstation")) / SETTINGS_FILE


def load_system_settings(path: Path) -> Settings:
    """The deployment's settings; defaults when the file does not exist. Raises SettingsError."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except OSError as exc:
        raise SettingsError(f"cannot read {path}: {exc.strerror}") from exc
    return settings_from_json(text)


class SettingsStore:
    """Loads and saves settings in one directory."""

    def __init__(self, config_dir: Path) -> None:
        self.path = config_dir / SETTINGS_FILE

    def load_layered(self, system: Settings) -> Settings:
        """IT's settings overridden by this user's. Raises SettingsError."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return system
        except OSError as exc:
            raise SettingsError(f"cannot read {self.path.name}: {exc.strerror}") from exc
        return merge_settings(system, text)

    def load(self) -> Settings:
        """Read settings; defaults when none were saved yet. Raises SettingsError."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return Settings()
        except OSError as exc:
            raise SettingsError(f"cannot read {self.path.name}: {exc.strerror}") from exc
        return settings_from_json(text)

    def save(self, settings: Settings) -> None:
        """Write settings atomically. Raises OSError (disk full, read-only); the old file stays."""
        write_bytes_atomic(self.path, settings_to_json(settings).encode("utf-8"))
        log.info("settings saved (version %d)", settings.version)
