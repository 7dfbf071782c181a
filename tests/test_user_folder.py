"""One local folder per user and platform: safe names, no sharing, the old folder kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from workstation.user_folder import user_folder, user_key

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("username", ["../../etc", "/abs/path", "a/b", "..", "用户", ""])
def test_a_login_never_leads_out_of_the_folder(tmp_path: Path, username: str) -> None:
    folder = user_folder(tmp_path, "https://p.example/fhir", username)
    assert folder.parent == tmp_path
    assert "/" not in folder.name
    assert folder.name not in {".", ".."}


def test_the_same_login_on_two_platforms_has_two_folders() -> None:
    a = user_key("https://chengdu.example/fhir", "dr.li")
    b = user_key("https://mianyang.example/fhir", "dr.li")
    assert a != b
    assert a.startswith("dr.li-")
    assert b.startswith("dr.li-")
    assert user_key("https://chengdu.example/fhir/", "dr.li") == a  # trailing slash alike


def test_an_earlier_versions_folder_is_moved_not_lost(tmp_path: Path) -> None:
    earlier = tmp_path / "dr.li"
    earlier.mkdir()
    (earlier / "decision.json").write_text("{}", encoding="utf-8")
    folder = user_folder(tmp_path, "https://p.example/fhir", "dr.li")
    assert (folder / "decision.json").read_text(encoding="utf-8") == "{}"
    assert not earlier.exists()
    # a second platform with the same login starts empty
    other = user_folder(tmp_path, "https://q.example/fhir", "dr.li")
    assert not other.exists()
