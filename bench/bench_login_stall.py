"""How long a cheap authenticated GET takes on the sandbox, idle and while 16 password
sign-ins (PBKDF2, 120,000 rounds each) run at once: hashing on the event loop stalls every
other request; off the loop it must not.

Standalone: ``PYTHONPATH=$PWD .venv/bin/python -m bench.bench_login_stall``.
"""

from __future__ import annotations

import statistics
import sys
import threading
import time

import httpx

from bench.common import record
from bench.sandbox_data import full_data
from devtools.sandbox_launcher import DEMO_PASSWORD, start_sandbox

LOGINS = 16


def _login(base: str) -> None:
    httpx.post(
        f"{base}/oauth/token",
        data={
            "grant_type": "password",
            "username": "dr.li",
            "password": DEMO_PASSWORD,
            "client_id": "hr-workstation",
        },
        timeout=120,
    ).raise_for_status()


def _cheap_gets(client: httpx.Client, url: str, token: str, until: threading.Event) -> list[float]:
    times: list[float] = []
    while not until.is_set() or not times:
        start = time.perf_counter()
        client.get(url, headers={"Authorization": f"Bearer {token}"}).raise_for_status()
        times.append(time.perf_counter() - start)
    return times


def measure(base: str) -> tuple[float, float, float]:
    """(idle median, median and max while LOGINS sign-ins run), in milliseconds."""
    token = httpx.post(
        f"{base}/oauth/token",
        data={
            "grant_type": "password",
            "username": "dr.li",
            "password": DEMO_PASSWORD,
            "client_id": "hr-workstation",
        },
        timeout=60,
    ).json()["access_token"]
    url = f"{base}/fhir/Patient/p0001"
    with httpx.Client(timeout=120) as client:
        done = threading.Event()
        done.set()
        idle = [_cheap_gets(client, url, token, done)[0] for _ in range(20)]
        done.clear()
        threads = [threading.Thread(target=_login, args=(base,)) for _ in range(LOGINS)]
        for thread in threads:
            thread.start()
        time.sleep(0.02)

        def wait_for_logins() -> None:
            for thread in threads:
                thread.join()
            done.set()

        waiter = threading.Thread(target=wait_for_logins)
        waiter.start()
        busy = _cheap_gets(client, url, token, done)
        waiter.join()
    ms = 1000.0
    return statistics.median(idle) * ms, statistics.median(busy) * ms, max(busy) * ms


def run(results: dict[str, float]) -> None:
    """Start the sandbox on the benchmark data and record the figures."""
    sandbox = start_sandbox(full_data())
    try:
        idle, busy, worst = measure(sandbox.base_url)
    finally:
        sandbox.stop()
    record(results, "cheap_get_idle_median_ms", idle)
    record(results, "cheap_get_during_16_logins_median_ms", busy)
    record(results, "cheap_get_during_16_logins_max_ms", worst)


if __name__ == "__main__":
    figures: dict[str, float] = {}
    run(figures)
    sys.exit(0)
