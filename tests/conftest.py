"""Shared fixtures: a real sandbox server on a loopback port with small demo data."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from PySide6.QtWidgets import QApplication

from devtools.sandbox_launcher import DEMO_PASSWORD, RunningSandbox, start_sandbox
from workstation import fhir_systems as systems

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

CLIENT_ID = "hr-workstation"


@dataclass
class Sandbox:
    """A running sandbox for tests."""

    base_url: str
    data_dir: Path
    control_key: str
    running: RunningSandbox

    def task_total(self, decision_id: str, token: str | None = None) -> int:
        """How many Tasks the platform holds for a decision, asked over plain HTTP (not
        through the client under test); 1 = delivered exactly once."""
        bundle = httpx.get(
            f"{self.base_url}/fhir/Task",
            params={"identifier": f"{systems.SID_TASK}|{decision_id}"},
            headers={"Authorization": f"Bearer {token or self.token()}"},
        ).json()
        return int(bundle["total"])

    def token(self, username: str = "dr.li") -> str:
        """A fresh access token for a demo user (password grant)."""
        return self.tokens(username)["access_token"]

    def tokens(self, username: str = "dr.li") -> dict[str, str]:
        """The whole token response for a demo user."""
        response = httpx.post(
            f"{self.base_url}/oauth/token",
            data={
                "grant_type": "password",
                "username": username,
                "password": DEMO_PASSWORD,
                "client_id": CLIENT_ID,
            },
        )
        response.raise_for_status()
        data: dict[str, str] = response.json()
        return data

    def set_faults(self, **values: object) -> None:
        """Change fault knobs at run time."""
        response = httpx.post(
            f"{self.base_url}/_sandbox/faults",
            json=values,
            headers={"X-Sandbox-Control-Key": self.control_key},
        )
        response.raise_for_status()

    def reset_faults(self) -> None:
        """All fault knobs off."""
        self.set_faults(
            latency_ms=0,
            bandwidth_mbit=0.0,
            error_rate=0.0,
            drop_rate=0.0,
            truncate_multipart=False,
            malformed_rate=0.0,
            broken_next_links=False,
        )


@pytest.fixture(scope="session")
def sandbox_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Small demo data, generated once per test session."""
    from sandbox.generate.dataset import generate

    data_dir = tmp_path_factory.mktemp("sandbox-data")
    generate(data_dir, seed=7, small=True)
    return data_dir


@pytest.fixture(scope="session")
def sandbox(sandbox_data: Path) -> Iterator[Sandbox]:
    """The sandbox platform running as a real server process on a free loopback port."""
    key = secrets.token_hex(8)
    running = start_sandbox(sandbox_data, extra_args=("--control-key", key), timeout_s=120)
    try:
        yield Sandbox(running.base_url, sandbox_data, key, running)
    finally:
        running.stop()


@pytest.fixture
def clean_faults(sandbox: Sandbox) -> Iterator[Sandbox]:
    """The sandbox with faults reset before and after the test."""
    sandbox.reset_faults()
    yield sandbox
    sandbox.reset_faults()


@pytest.fixture(scope="module")
def private_sandbox(
    sandbox_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Sandbox]:
    """A sandbox of the test module's own, on a copy of the session's data: what the module
    stores (STOW-RS of SR/KOS) never shows up in other tests' studies."""
    import shutil

    data_dir = tmp_path_factory.mktemp("private-sandbox") / "data"
    shutil.copytree(sandbox_data, data_dir)
    key = secrets.token_hex(8)
    running = start_sandbox(data_dir, extra_args=("--control-key", key), timeout_s=120)
    try:
        yield Sandbox(running.base_url, data_dir, key, running)
    finally:
        running.stop()


@pytest.fixture(scope="session")
def cities(sandbox_data: Path) -> Iterator[dict[str, RunningSandbox]]:
    """Two city platforms (the sandbox served with --region): 成都 (510100) and 绵阳
    (510700), each a real server on its own loopback port; the same demo people have
    other ids on each."""
    running: dict[str, RunningSandbox] = {}
    try:
        for name, code in (("成都", "510100"), ("绵阳", "510700")):
            running[name] = start_sandbox(
                sandbox_data, extra_args=("--region", code), timeout_s=120
            )
        yield running
    finally:
        for one in running.values():
            one.stop()


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:
    """The interface in Simplified Chinese, as doctors see it (taken back afterwards)."""
    from PySide6.QtCore import QLocale

    from ui.i18n import install_language

    before = QLocale()
    translator = install_language(qapp, "zh_CN")
    assert translator is not None  # the catalogue is built (make translations)
    try:
        yield
    finally:
        qapp.removeTranslator(translator)
        QLocale.setDefault(before)
