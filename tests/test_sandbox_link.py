"""The sandbox's link model: ``bandwidth_mbit`` holds for one download and is shared by
parallel downloads from one client address; it changes at run time. Bounds are loose (the
machine is shared); they only need to tell a throttled link from loopback."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from tests.conftest import Sandbox

pytestmark = pytest.mark.e2e

ORIGINAL = 'multipart/related; type="application/dicom"; transfer-syntax=*'


def _series_url(sandbox: Sandbox, auth: dict[str, str]) -> str:
    """The largest series of the demo data (a few MB)."""
    studies = httpx.get(f"{sandbox.base_url}/dicomweb/studies", headers=auth).json()
    best, best_count = "", -1
    for study in studies:
        study_uid = study["0020000D"]["Value"][0]
        base = f"{sandbox.base_url}/dicomweb/studies/{study_uid}/series"
        for series in httpx.get(base, headers=auth).json():
            count = int(series["00201209"]["Value"][0])
            if count > best_count:
                best, best_count = f"{base}/{series['0020000E']['Value'][0]}", count
    return best


def _download(url: str, auth: dict[str, str]) -> tuple[int, float]:
    start = time.perf_counter()
    size = 0
    with httpx.stream("GET", url, headers={**auth, "Accept": ORIGINAL}, timeout=120) as answer:
        answer.raise_for_status()
        for chunk in answer.iter_bytes():
            size += len(chunk)
    return size, time.perf_counter() - start


def test_bandwidth_holds_and_is_shared_by_a_clients_connections(clean_faults: Sandbox) -> None:
    auth = {"Authorization": f"Bearer {clean_faults.token()}"}
    url = _series_url(clean_faults, auth)
    size, _ = _download(url, auth)
    assert size > 500_000
    mbit = size * 8 / 1e6 / 1.0  # the series in about 1 s
    clean_faults.set_faults(bandwidth_mbit=mbit)
    _, alone = _download(url, auth)
    assert 0.8 <= alone <= 4.0

    times: list[float] = []

    def one() -> None:
        times.append(_download(url, auth)[1])

    threads = [threading.Thread(target=one) for _ in range(3)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    together = time.perf_counter() - start
    # Three connections share one link: three series take about three seconds, not one.
    assert len(times) == 3
    assert together >= 2.4
    assert max(times) <= 12.0


def test_bandwidth_changes_at_run_time(clean_faults: Sandbox) -> None:
    auth = {"Authorization": f"Bearer {clean_faults.token()}"}
    url = _series_url(clean_faults, auth)
    size, _ = _download(url, auth)
    clean_faults.set_faults(bandwidth_mbit=size * 8 / 1e6 / 1.5)
    _, slow = _download(url, auth)
    settings = httpx.get(
        f"{clean_faults.base_url}/_sandbox/faults",
        headers={"X-Sandbox-Control-Key": clean_faults.control_key},
    ).json()
    assert settings["bandwidth_mbit"] == pytest.approx(size * 8 / 1e6 / 1.5)
    clean_faults.set_faults(bandwidth_mbit=0)
    _, fast = _download(url, auth)
    assert slow >= 1.2
    assert fast < slow / 2


def test_latency_and_bandwidth_from_the_command_line() -> None:
    from sandbox.__main__ import _parser

    args = _parser().parse_args(["serve", "--bandwidth-mbit", "100", "--latency-ms", "20"])
    assert args.bandwidth_mbit == 100.0
    assert args.latency_ms == 20
