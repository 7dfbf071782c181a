"""Sending recorded decisions to the platform: in order, exactly once, across restarts."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from workstation.http import ErrorKind, PlatformError
from workstation.journal import Journal
from workstation.recognition.decisions import Decision

log = logging.getLogger("workstation.outbox")


class DecisionSink(Protocol):
    """Where decisions go (the platform; any ResultsPlatform is one)."""

    def send_decision(self, decision: Decision) -> str:
        """Record the decision idempotently on its id; returns the platform's id of it.
        Raises PlatformError."""
        ...


@dataclass
class SendReport:
    """What one pass over the outbox did."""

    sent: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    failed: str = ""  # the passing problem that stopped the pass, if any
    retry_after_s: float | None = None  # how long the platform asked us to wait, if it did
    annotations_pending: int = 0  # her saved DICOM objects still waiting (annotations outbox)

    @property
    def clean(self) -> bool:
        """True when nothing failed for a passing reason."""
        return not self.failed


def send_pending(
    journal: Journal,
    sink: DecisionSink,
    should_stop: Callable[[], bool] = lambda: False,
    destination: Callable[[Decision], str] = lambda _decision: "",
) -> SendReport:
    """Send every pending decision, oldest first. A refusal with a reason (4xx other than
    auth) marks that decision rejected and goes on; a passing failure (network, 5xx, 408,
    425, 429, expired session, a platform signed out) holds back the rest of the decisions
    bound for the same ``destination`` (the platform they go to: order is kept per
    platform) so the next pass retries from there, while decisions for other platforms
    still go; the first such failure and the platform's Retry-After, if any, are
    reported in ``failed`` and ``retry_after_s``."""
    report = SendReport()
    held: set[str] = set()
    for entry in journal.pending():
        if should_stop():
            break
        decision = entry.decision
        where = destination(decision)
        if where in held:
            continue
        try:
            server_id = sink.send_decision(decision)
        except PlatformError as exc:
            if exc.kind in (ErrorKind.REJECTED, ErrorKind.FORBIDDEN, ErrorKind.NOT_FOUND):
                journal.mark_rejected(decision.id, exc.detail or exc.kind.value)
                report.rejected.append((decision.id, exc.detail or exc.kind.value))
                log.warning("decision refused by the platform (%s)", exc.status)
                continue
            journal.mark_attempt_failed(decision.id, exc.kind.value)
            held.add(where)
            if not report.failed or exc.kind is ErrorKind.AUTH:  # an ended session first
                report.failed = exc.kind.value
                report.retry_after_s = exc.retry_after_s
            continue
        journal.mark_sent(decision.id, server_id)
        report.sent.append(decision.id)
    return report


def next_delay_s(
    failures: int,
    base_s: float = 2.0,
    cap_s: float = 300.0,
    retry_after_s: float | None = None,
) -> float:
    """Back-off in seconds before the next attempt after ``failures`` failed passes in a row;
    never sooner than the platform's ``retry_after_s`` (itself bounded to ``cap_s``)."""
    if failures <= 0:
        return 0.0
    delay = float(min(cap_s, base_s * 2 ** (failures - 1)))
    if retry_after_s is not None:
        delay = max(delay, min(cap_s, retry_after_s))
    return delay
