"""Faults survived against the real sandbox: malformed JSON, broken paging links, and a
scripted 200-action session with about 10 % injected faults (nothing lost or doubled)."""

from __future__ import annotations

from pathlib import Path

import pytest

from devtools.sandbox_launcher import sign_in_demo
from devtools.session_script import delivery_faults, drain_outbox, run_session
from tests.conftest import Sandbox
from workstation.http import ErrorKind, PlatformError
from workstation.journal import Journal

pytestmark = pytest.mark.e2e


def test_malformed_json_is_a_clear_error(clean_faults: Sandbox) -> None:
    connection = sign_in_demo(clean_faults.base_url)
    try:
        clean_faults.set_faults(malformed_rate=1.0)
        with pytest.raises(PlatformError) as caught:
            connection.platform.hospitals()
        assert caught.value.kind is ErrorKind.BAD_RESPONSE
        with pytest.raises(PlatformError):
            connection.platform.patient("p0001")
    finally:
        clean_faults.reset_faults()
        connection.sign_out()


def test_broken_next_link_keeps_the_pages_that_arrived(clean_faults: Sandbox) -> None:
    connection = sign_in_demo(clean_faults.base_url)
    try:
        clean_faults.set_faults(broken_next_links=True)
        pages = []
        iterator = connection.platform.results("p0003", page_size=10)
        pages.append(next(iterator))
        with pytest.raises(PlatformError) as caught:
            next(iterator)
        assert len(pages) == 1
        assert len(pages[0].results) == 10
        assert caught.value.kind is ErrorKind.REJECTED
    finally:
        clean_faults.reset_faults()
        connection.sign_out()


def test_scripted_session_with_injected_faults(clean_faults: Sandbox, tmp_path: Path) -> None:
    connection = sign_in_demo(clean_faults.base_url)
    try:
        clean_faults.set_faults(error_rate=0.05, drop_rate=0.05)
        report = run_session(connection, tmp_path, actions=200, seed=1)
        clean_faults.reset_faults()
        drain_outbox(Journal(tmp_path), connection.platform)
        lost, doubled = delivery_faults(connection, report.decisions)
    finally:
        clean_faults.reset_faults()
        connection.sign_out()
    print(
        f"200-action session, ~10 % faults: {report.completed} completed, "
        f"failures {report.failures}, {len(report.decisions)} decisions, "
        f"lost {lost}, doubled {doubled}"
    )
    assert report.actions == 200
    assert report.decisions
    assert (lost, doubled) == (0, 0)
    assert report.completed >= 170  # idempotent requests are retried by the client
