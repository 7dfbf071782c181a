"""Window presets: the built-in list, validation, JSON and the settings field."""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path

import pytest

from workstation.config import (
    Settings,
    SettingsStore,
    merge_settings,
    settings_from_json,
    settings_to_json,
)
from workstation.imaging.presets import (
    DEFAULT_PRESETS,
    NAME_EMPTY,
    NAME_TOO_LONG,
    NOT_A_NUMBER,
    WIDTH_TOO_SMALL,
    WindowPreset,
    presets_for,
    presets_from_json_list,
    presets_to_json_list,
    validate_preset,
)
from workstation.imaging.voi import Window

pytestmark = pytest.mark.unit

MINE = (
    WindowPreset("Brain", "CT", 40, 80),
    WindowPreset("后颅窝", "CT", 45, 95.5),
    WindowPreset("T2 soft", "MR", 600, 1200),
)


def test_defaults_are_the_ct_presets_with_english_names() -> None:
    assert len(DEFAULT_PRESETS) == 8
    assert [p.name for p in DEFAULT_PRESETS][:3] == ["Brain", "Subdural", "Stroke"]
    assert {p.modality for p in DEFAULT_PRESETS} == {"CT"}
    assert [p.window for p in DEFAULT_PRESETS] == [
        Window(40, 80),
        Window(75, 215),
        Window(32, 8),
        Window(-600, 1500),
        Window(50, 350),
        Window(400, 1800),
        Window(50, 400),
        Window(60, 160),
    ]
    assert WindowPreset("Lung", "CT", -600, 1500).window == Window(-600, 1500)
    for preset in DEFAULT_PRESETS:
        assert validate_preset(preset.name, preset.center, preset.width) == ""


def test_presets_for_keeps_order_and_ignores_case() -> None:
    assert presets_for(MINE, "CT") == MINE[:2]
    assert presets_for(MINE, " mr ") == MINE[2:]
    assert presets_for(MINE, "US") == ()
    assert len(presets_for(DEFAULT_PRESETS, "ct")) == len(DEFAULT_PRESETS)


@pytest.mark.parametrize(
    ("name", "center", "width", "problem"),
    [
        ("Brain", 40, 80, ""),
        ("  Brain  ", -600.5, 1, ""),
        ("x" * 40, 0, 1e6, ""),
        ("", 40, 80, NAME_EMPTY),
        ("   ", 40, 80, NAME_EMPTY),
        ("x" * 41, 40, 80, NAME_TOO_LONG),
        ("Brain", math.nan, 80, NOT_A_NUMBER),
        ("Brain", 40, math.inf, NOT_A_NUMBER),
        ("Brain", 10**400, 80, NOT_A_NUMBER),
        ("Brain", 40, 0, WIDTH_TOO_SMALL),
        ("Brain", 40, -80, WIDTH_TOO_SMALL),
        ("Brain", 40, 0.5, WIDTH_TOO_SMALL),  # LINEAR windows need width ≥ 1
    ],
)
def test_validate_preset(name: str, center: float, width: float, problem: str) -> None:
    assert validate_preset(name, center, width) == problem


def test_json_list_round_trip() -> None:
    data = json.loads(json.dumps(presets_to_json_list(MINE)))
    assert data[1] == {"name": "后颅窝", "modality": "CT", "center": 45, "width": 95.5}
    assert presets_from_json_list(data) == MINE


def test_bad_entries_are_skipped_with_a_log_line(caplog: pytest.LogCaptureFixture) -> None:
    good = {"name": "Brain", "modality": "ct", "center": 40, "width": 80}
    items = [
        good,
        "Brain",
        {"name": "No width", "modality": "CT", "center": 40},
        {"name": "Text", "modality": "CT", "center": "40", "width": 80},
        {"name": "Bool", "modality": "CT", "center": True, "width": 80},
        {"name": "Narrow", "modality": "CT", "center": 40, "width": 0},
        {"name": "", "modality": "CT", "center": 40, "width": 80},
        {"name": "No modality", "modality": " ", "center": 40, "width": 80},
        {"name": "Huge", "modality": "CT", "center": 10**400, "width": 80},
        good,  # a repeat of a modality and name
        {"name": " Lung ", "modality": "CT", "center": -600, "width": 1500, "future": 1},
    ]
    with caplog.at_level(logging.WARNING, logger="workstation.imaging.presets"):
        presets = presets_from_json_list(items)
    assert presets == (
        WindowPreset("Brain", "CT", 40, 80),
        WindowPreset("Lung", "CT", -600, 1500),
    )
    assert len(caplog.records) == len(items) - 2
    assert presets_from_json_list({"name": "x"}) == ()


def test_settings_round_trip_with_presets(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    store.save(Settings(window_presets=MINE))
    loaded = store.load()
    assert loaded.window_presets == MINE
    assert loaded.effective_window_presets() == MINE
    raw = json.loads((tmp_path / "settings.json").read_text(encoding="utf-8"))
    assert raw["window_presets"][2] == {
        "name": "T2 soft",
        "modality": "MR",
        "center": 600,
        "width": 1200,
    }
    assert settings_from_json(settings_to_json(Settings(window_presets=()))).window_presets == ()


def test_default_presets_are_not_written_and_old_files_still_load() -> None:
    text = settings_to_json(Settings(language="en"))
    assert "window_presets" not in json.loads(text)
    old = json.dumps({"version": 1, "language": "en", "idle_lock_minutes": 5})
    settings = settings_from_json(old)
    assert settings.window_presets is None
    assert settings.effective_window_presets() == DEFAULT_PRESETS
    assert settings.idle_lock_minutes == 5
    assert settings_from_json(json.dumps({"window_presets": None})).window_presets is None
    assert Settings(window_presets=()).effective_window_presets() == ()


def test_bad_presets_in_settings_do_not_make_the_file_unusable() -> None:
    text = json.dumps(
        {
            "version": 1,
            "language": "en",
            "window_presets": [
                {"name": "Brain", "modality": "CT", "center": 40, "width": 80},
                {"name": "Broken", "modality": "CT", "center": 40, "width": -1},
            ],
        }
    )
    settings = settings_from_json(text)
    assert settings.language == "en"
    assert settings.window_presets == (WindowPreset("Brain", "CT", 40, 80),)
    not_a_list = settings_from_json(json.dumps({"window_presets": {"Brain": [40, 80]}}))
    assert not_a_list.window_presets is None


def test_users_presets_override_the_deployments() -> None:
    system = Settings(window_presets=MINE[:1])
    assert merge_settings(system, json.dumps({"language": "en"})).window_presets == MINE[:1]
    user = settings_to_json(Settings(window_presets=MINE[2:]))
    assert merge_settings(system, user).window_presets == MINE[2:]
