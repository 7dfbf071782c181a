"""A scripted session of 200 actions against the sandbox with ~10 % injected faults (5 %
503 answers, 5 % connections cut): how many actions completed, decisions lost / doubled."""

from __future__ import annotations

import secrets
import tempfile
from pathlib import Path

import httpx

from bench.common import record
from bench.sandbox_data import full_data
from devtools.sandbox_launcher import sign_in_demo, start_sandbox
from devtools.session_script import delivery_faults, drain_outbox, run_session
from workstation.journal import Journal


def run(results: dict[str, float]) -> None:
    """Run the session, drain the outbox with faults off, count the Tasks on the server."""
    key = secrets.token_hex(8)
    sandbox = start_sandbox(full_data(), extra_args=("--control-key", key))
    control = {"X-Sandbox-Control-Key": key}
    try:
        connection = sign_in_demo(sandbox.base_url)
        with tempfile.TemporaryDirectory() as tmp:
            httpx.post(
                f"{sandbox.base_url}/_sandbox/faults",
                headers=control,
                json={"error_rate": 0.05, "drop_rate": 0.05},
            ).raise_for_status()
            report = run_session(connection, Path(tmp), actions=200, seed=7)
            httpx.post(
                f"{sandbox.base_url}/_sandbox/faults",
                headers=control,
                json={"error_rate": 0.0, "drop_rate": 0.0},
            ).raise_for_status()
            drain_outbox(Journal(Path(tmp)), connection.platform)
        lost, doubled = delivery_faults(connection, report.decisions)
        connection.sign_out()
    finally:
        sandbox.stop()
    record(results, "fault_session_actions_count", report.actions)
    record(results, "fault_session_completed_count", report.completed)
    record(results, "fault_session_decisions_count", len(report.decisions))
    record(results, "fault_session_decisions_lost_count", lost)
    record(results, "fault_session_decisions_doubled_count", doubled)
