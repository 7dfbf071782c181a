"""A headless stand-in for the doctor at the workstation, run as a separate process by the
crash test: it records decisions in the journal, prints CONFIRMED <id> once a decision is
durable (the moment the UI says "saved"), and keeps the outbox sending."""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

from devtools.sandbox_launcher import sign_in_demo
from workstation.http import PlatformError
from workstation.journal import Journal
from workstation.model import Category
from workstation.recognition.decisions import DecisionKind, new_decision
from workstation.recognition.outbox import send_pending


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--journal", type=Path, required=True)
    parser.add_argument("--platform", required=True)
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    journal = Journal(args.journal)
    while True:
        try:
            connection = sign_in_demo(args.platform)
            catalog = connection.platform.catalog()
            results = [r for page in connection.platform.results("p0003") for r in page.results]
            break
        except PlatformError:
            time.sleep(0.2)
    reasons = [r for r in catalog.reasons if not r.needs_note]
    for _ in range(args.count):
        result = rng.choice([r for r in results if r.category is Category.LAB])
        repeat = rng.random() < 0.4
        decision = new_decision(
            result,
            DecisionKind.REPEAT_ORDERED if repeat else DecisionKind.ACCEPTED,
            username="dr.li",
            practitioner=connection.user.practitioner,
            catalog_version=catalog.version,
            eligibility="valid",
            now=dt.datetime.now(dt.UTC),
            reason=rng.choice(reasons) if repeat else None,
            patient_informed=repeat,
        )
        journal.record(decision)
        print(f"CONFIRMED {decision.id}", flush=True)
        send_pending(journal, connection.platform)
        time.sleep(rng.uniform(0.0, 0.05))
    while journal.pending():  # keeps a short pause between passes, unlike drain_outbox
        if not send_pending(journal, connection.platform).clean:
            time.sleep(0.1)
    print("DONE", flush=True)
    connection.sign_out()
    return 0


if __name__ == "__main__":
    sys.exit(main())
