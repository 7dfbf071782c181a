"""Settings, logging, redaction and ID card checks (pure functions, no server)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from workstation.config import (
    PlatformEntry,
    Settings,
    SettingsError,
    SettingsStore,
    settings_from_json,
    settings_to_json,
)
from workstation.idcard import IdCardProblem, check_digit, check_id_card
from workstation.logs import setup_logging, shutdown_logging
from workstation.redact import mask_id_card, redact

pytestmark = pytest.mark.unit


def test_settings_round_trip(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    settings = Settings(language="en").with_platform(
        PlatformEntry("成都平台", "https://hr.example.cn"), make_default=True
    )
    store.save(settings)
    loaded = store.load()
    assert loaded.platforms == settings.platforms
    assert loaded.default_platform == "成都平台"
    assert loaded.language == "en"
    assert "成都平台" in (tmp_path / "settings.json").read_text(encoding="utf-8")


def test_settings_defaults_when_missing(tmp_path: Path) -> None:
    assert SettingsStore(tmp_path).load() == Settings()


def test_settings_migrates_version_zero() -> None:
    old = json.dumps({"servers": [{"name": "A", "base_url": "https://a"}]})
    assert settings_from_json(old).platforms == (PlatformEntry("A", "https://a"),)


@pytest.mark.parametrize("text", ["{", "[]", json.dumps({"version": 99})])
def test_settings_bad_input_is_a_clear_error(text: str) -> None:
    with pytest.raises(SettingsError):
        settings_from_json(text)


_FULL_DISK_PROBE = r"""
import resource, signal, sys
from pathlib import Path
from workstation.config import Settings, SettingsStore
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
store = SettingsStore(Path(sys.argv[1]))
resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))  # the "disk" holds 200 bytes a file
try:
    store.save(Settings(hospital_name="医" * 500))
except OSError as exc:
    print("refused", exc.errno)
"""


def test_settings_save_on_a_full_disk_keeps_the_old_file(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    store.save(Settings(language="en"))
    before = (tmp_path / "settings.json").read_bytes()
    result = subprocess.run(
        [sys.executable, "-c", _FULL_DISK_PROBE, str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.startswith("refused"), result.stderr
    assert (tmp_path / "settings.json").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


def test_settings_write_leaves_no_temporary_files(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    for language in ("en", "zh_CN", "en"):
        store.save(Settings(language=language))
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]
    assert settings_from_json(settings_to_json(store.load())).language == "en"


def test_id_card_check_digit_of_the_standard_example() -> None:
    assert check_digit("11010519491231002") == "X"
    assert check_id_card("11010519491231002X").valid
    assert check_id_card("11010519491231002x").valid


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("1101051949", IdCardProblem.INCOMPLETE),
        ("110105194912310021", IdCardProblem.BAD_CHECKSUM),
        ("11010519491331002X", IdCardProblem.BAD_DATE),
        ("1101A519491231002X", IdCardProblem.BAD_CHARACTERS),
        ("11010519491231002X1", IdCardProblem.BAD_CHARACTERS),
    ],
)
def test_id_card_problems(text: str, problem: IdCardProblem) -> None:
    result = check_id_card(text, today=dt.date(2026, 11, 1))
    assert not result.valid
    assert result.problem is problem


def test_redact_masks_identifiers_and_secrets() -> None:
    text = (
        "patient 11010519491231002X phone 13812345678 "
        "Authorization: Bearer abc.def-ghi password=hunter2 refresh_token=xyz123 "
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkci5saSJ9.c2lnbmF0dXJl"
    )
    out = redact(text)
    for secret in (
        "11010519491231002X",
        "13812345678",
        "abc.def-ghi",
        "hunter2",
        "xyz123",
        "eyJzdWIiOiJkci5saSJ9",
    ):
        assert secret not in out
    assert "1101**********002X" in out
    assert mask_id_card("510104199001011234") == "5101**********1234"


def test_log_file_is_redacted_including_tracebacks(tmp_path: Path) -> None:
    path = setup_logging(tmp_path, to_stderr=False)
    try:
        _log_some_secrets()
    finally:
        shutdown_logging()
    text = path.read_text(encoding="utf-8")
    assert "workstation.test" in text
    assert "Traceback" in text
    assert "11010519491231002X" not in text
    assert "sekrit.token.value" not in text


def _log_some_secrets() -> None:
    logger = logging.getLogger("workstation.test")
    logger.info("searching 11010519491231002X")
    try:
        raise ValueError("bad token Bearer sekrit.token.value")
    except ValueError:
        logger.exception("failed")


def test_redact_sees_identifiers_inside_encoded_query_strings() -> None:
    line = "GET /fhir/Patient?identifier=https%3A%2F%2Fx%2Fresident-id%7C510781198012312187"
    assert "510781198012312187" not in redact(line)
    assert "13812345678" not in redact("phone%3D13812345678%26x")


def test_deployment_settings_under_the_users(tmp_path: Path) -> None:
    from workstation.config import load_system_settings, merge_settings

    system_file = tmp_path / "system.json"
    system_file.write_text(
        json.dumps(
            {
                "version": 1,
                "hospital_name": "四川省锦城人民医院",
                "idle_lock_minutes": 5,
                "platforms": [
                    {
                        "name": "省平台",
                        "base_url": "https://hr.sc.example",
                        "ca_bundle": "/etc/ca.pem",
                    }
                ],
                "default_platform": "省平台",
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    system = load_system_settings(system_file)
    assert load_system_settings(tmp_path / "missing.json") == Settings()
    user_text = json.dumps(
        {
            "version": 1,
            "language": "en",
            "platforms": [{"name": "测试", "base_url": "https://t.example"}],
        }
    )
    merged = merge_settings(system, user_text)
    assert merged.hospital_name == "四川省锦城人民医院"  # from IT
    assert merged.idle_lock_minutes == 5
    assert merged.language == "en"  # the user's choice wins
    assert {p.name for p in merged.platforms} == {"省平台", "测试"}
    assert merged.platform("省平台").ca_bundle == "/etc/ca.pem"  # type: ignore[union-attr]
    assert merged.default_platform == "省平台"
    store = SettingsStore(tmp_path / "user")
    assert store.load_layered(system) == system


def test_the_beijing_day_begins_at_16_utc() -> None:
    import datetime as dt

    from workstation.clock import china_today

    assert china_today(dt.datetime(2026, 12, 1, 15, 59, tzinfo=dt.UTC)) == dt.date(2026, 12, 1)
    assert china_today(dt.datetime(2026, 12, 1, 16, 0, tzinfo=dt.UTC)) == dt.date(2026, 12, 2)
