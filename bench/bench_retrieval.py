"""Figures of image retrieval (issue 18), against the sandbox on the full demo data:

On loopback, the 300-slice CT decoded through our prioritised path against, in the same
run, ``curl`` of the same stored bytes and dicomweb-client + pydicom decoding:
- ``ct_whole_series_vs_curl_ratio`` (target ≤ 1.3);
- ``ct_series_ours_vs_dicomweb_client_ratio`` (reported).

On the sandbox's link model set to 100 Mbit/s and 20 ms through its control route (the same
knobs as ``--bandwidth-mbit 100 --latency-ms 20``):
- ``ct_throttled_first_image_s`` (≤ 0.5), ``ct_throttled_jump_to_slice_median_s`` (she jumps
  to a random slice not yet loaded while the series loads; until its decoded pixels are
  handed to the viewer; ≤ 0.3), ``ct_throttled_whole_series_vs_raw_transfer_ratio`` (our
  whole series decoded vs one download of the stored, uncompressed bytes on the same link;
  ≤ 0.6), ``dx_throttled_first_image_s`` for the 3000×2500 radiograph (≤ 1.0).

The sandbox keeps JPEG-LS encodings once made (as an archive holding compressed copies
would): they are made before the measurements by one unthrottled request of each series,
timed as ``ct_jpegls_first_request_s`` (the encoding itself only on the first run on fresh
data: 8 s for the CT on this 2-core machine under load; later runs read the kept copies).
"""

from __future__ import annotations

import random
import secrets
import shutil
import statistics
import subprocess
import threading
import time
from typing import Any

import httpx

from bench.common import record
from bench.sandbox_data import full_data
from devtools.sandbox_launcher import sign_in_demo, start_sandbox
from workstation.dicomweb.client import ACCEPT_LOSSLESS, ACCEPT_ORIGINAL
from workstation.model import ImagingStudyRef, InstanceRef, SeriesRef
from workstation.services import Connection, LoadedImage, load_series, series_priority

LINK_MBIT = 100.0
LINK_LATENCY_MS = 20
JUMPS = 7


def _value(item: dict[str, Any], tag: str) -> Any:
    return item[tag]["Value"][0]


def _series_from_qido(
    connection: Connection, base: str, study_uid: str, series_uid: str
) -> tuple[ImagingStudyRef, SeriesRef]:
    client = connection.dicomweb(base)
    items = client.search_instances(study_uid, series_uid)
    instances = tuple(
        InstanceRef(_value(i, "00080018"), _value(i, "00080016"), int(_value(i, "00200013")))
        for i in items
    )
    series = SeriesRef(series_uid, 1, "", "", instances)
    return ImagingStudyRef("bench", study_uid, None, "", base, (series,)), series


def _find(connection: Connection, base: str) -> dict[str, tuple[ImagingStudyRef, SeriesRef]]:
    """The largest CT series and the 3000×2500 radiograph, found over QIDO-RS."""
    client = connection.dicomweb(base)
    headers = {**client.auth(False), "Accept": "application/dicom+json"}
    studies = httpx.get(f"{base}/studies", headers=headers, timeout=60).json()
    ct: tuple[int, str, str] | None = None
    dx: tuple[str, str] | None = None
    for study in studies:
        study_uid = _value(study, "0020000D")
        modalities = study.get("00080061", {}).get("Value", [])
        if "CT" not in modalities and "DX" not in modalities:
            continue
        for series in client.search_series(study_uid):
            series_uid, modality = _value(series, "0020000E"), _value(series, "00080060")
            count = int(_value(series, "00201209"))
            if modality == "CT" and (ct is None or count > ct[0]):
                ct = (count, study_uid, series_uid)
            if modality == "DX" and dx is None and count == 1:
                item = client.search_instances(study_uid, series_uid)[0]
                if int(_value(item, "00280010")) >= 3000:
                    dx = (study_uid, series_uid)
    assert ct is not None
    assert dx is not None
    return {
        "ct": _series_from_qido(connection, base, ct[1], ct[2]),
        "dx": _series_from_qido(connection, base, *dx),
    }


def _set_link(base_url: str, key: str, mbit: float, latency_ms: int) -> None:
    httpx.post(
        f"{base_url}/_sandbox/faults",
        json={"bandwidth_mbit": mbit, "latency_ms": latency_ms},
        headers={"X-Sandbox-Control-Key": key},
    ).raise_for_status()


def _curl(url: str, token: str, accept: str) -> tuple[float, int]:
    """Wall time and bytes of ``curl`` downloading ``url`` (the reference downloader)."""
    curl = shutil.which("curl")
    assert curl is not None, "curl is needed for the reference download"
    start = time.perf_counter()
    out = subprocess.run(
        [
            curl,
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{size_download}",
            "-H",
            f"Authorization: Bearer {token}",
            "-H",
            f"Accept: {accept}",
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - start, int(out.stdout)


def _ours(
    connection: Connection, study: ImagingStudyRef, series: SeriesRef, prioritised: bool = True
) -> tuple[float, float]:
    """(first image, whole series decoded) in seconds through the prioritised path (else
    the one stream in file order that was the only path before)."""
    first: list[float] = []
    start = time.perf_counter()

    def on_image(loaded: LoadedImage) -> None:
        if not first and loaded.image is not None:
            first.append(time.perf_counter() - start)

    count = load_series(
        connection.dicomweb(study.dicomweb_url),
        study,
        series,
        on_image,
        threading.Event(),
        series_priority(series) if prioritised else None,
    )
    assert count == len(series.instances), (count, len(series.instances))
    return first[0], time.perf_counter() - start


def _dicomweb_client(token: str, base: str, study: ImagingStudyRef, series: SeriesRef) -> float:
    from dicomweb_client.api import DICOMwebClient

    client = DICOMwebClient(url=base, headers={"Authorization": f"Bearer {token}"})
    start = time.perf_counter()
    datasets = client.retrieve_series(study.study_uid, series.uid)
    for ds in datasets:
        _ = ds.pixel_array
    assert len(datasets) == len(series.instances)
    return time.perf_counter() - start


def _jumps(connection: Connection, study: ImagingStudyRef, series: SeriesRef) -> list[float]:
    """Seconds from each jump (to a random slice not yet loaded) to its pixels decoded."""
    priority = series_priority(series)
    rng = random.Random(18)
    lock = threading.Lock()
    arrived: set[str] = set()
    waiting: dict[str, float] = {}
    latencies: list[float] = []

    def on_image(loaded: LoadedImage) -> None:
        with lock:
            arrived.add(loaded.sop_instance_uid)
            asked = waiting.pop(loaded.sop_instance_uid, None)
            if asked is not None:
                latencies.append(time.perf_counter() - asked)

    def jumper() -> None:
        time.sleep(0.5)
        for _ in range(JUMPS):
            with lock:
                left = [i for i, uid in enumerate(priority.uids) if uid not in arrived]
                if len(left) < 20:
                    return
                target = rng.choice(left[10:-10])
                waiting[priority.uids[target]] = time.perf_counter()
            priority.focus(target)
            time.sleep(0.5)

    thread = threading.Thread(target=jumper)
    thread.start()
    load_series(
        connection.dicomweb(study.dicomweb_url),
        study,
        series,
        on_image,
        threading.Event(),
        priority,
    )
    thread.join()
    return latencies


def run(results: dict[str, float]) -> None:
    """Start the sandbox on the full data and measure."""
    key = secrets.token_hex(8)
    sandbox = start_sandbox(full_data(), extra_args=("--control-key", key))
    try:
        connection = sign_in_demo(sandbox.base_url)
        try:
            _measure(connection, sandbox.base_url, key, results)
        finally:
            _set_link(sandbox.base_url, key, 0.0, 0)
            connection.sign_out()
    finally:
        sandbox.stop()


def _measure(connection: Connection, base_url: str, key: str, results: dict[str, float]) -> None:
    base = f"{base_url}/dicomweb"
    found = _find(connection, base)
    ct_study, ct_series = found["ct"]
    dx_study, dx_series = found["dx"]
    token = connection.session.bearer()
    ct_url = f"{base}/studies/{ct_study.study_uid}/series/{ct_series.uid}"
    dx_url = f"{base}/studies/{dx_study.study_uid}/series/{dx_series.uid}"
    cold, jls_bytes = _curl(ct_url, token, ACCEPT_LOSSLESS)
    _curl(dx_url, token, ACCEPT_LOSSLESS)
    record(results, "ct_jpegls_first_request_s", cold)
    record(results, "ct_series_jpegls_megabytes", jls_bytes / 1e6)

    # Loopback: ours, curl of the same (stored) bytes, dicomweb-client + pydicom.
    curl_times, ours_times, stream_times, peer_times = [], [], [], []
    raw_bytes = 0
    for _ in range(3):
        seconds, raw_bytes = _curl(ct_url, token, ACCEPT_ORIGINAL)
        curl_times.append(seconds)
        ours_times.append(_ours(connection, ct_study, ct_series)[1])
        stream_times.append(_ours(connection, ct_study, ct_series, prioritised=False)[1])
    for _ in range(2):
        peer_times.append(_dicomweb_client(token, base, ct_study, ct_series))
    curl_s, ours_s, peer_s = (statistics.median(t) for t in (curl_times, ours_times, peer_times))
    record(results, "ct_series_stored_megabytes", raw_bytes / 1e6)
    record(results, "ct_curl_download_s", curl_s)
    record(results, "ct_whole_series_ours_s", ours_s)
    record(results, "ct_whole_series_plain_stream_s", statistics.median(stream_times))
    record(results, "ct_dicomweb_client_series_decoded_s", peer_s)
    record(results, "ct_whole_series_vs_curl_ratio", ours_s / curl_s)
    record(results, "ct_series_ours_vs_dicomweb_client_ratio", ours_s / peer_s)

    # The county hospital's link.
    _set_link(base_url, key, LINK_MBIT, LINK_LATENCY_MS)
    raw_link_s, _ = _curl(ct_url, token, ACCEPT_ORIGINAL)
    runs = [_ours(connection, ct_study, ct_series) for _ in range(2)]
    whole = statistics.median(w for _, w in runs)
    record(results, "ct_throttled_raw_transfer_s", raw_link_s)
    record(results, "ct_throttled_first_image_s", statistics.median(f for f, _ in runs))
    record(results, "ct_throttled_whole_series_s", whole)
    record(results, "ct_throttled_whole_series_vs_raw_transfer_ratio", whole / raw_link_s)
    latencies = _jumps(connection, ct_study, ct_series)
    record(results, "ct_throttled_jumps_count", len(latencies))
    record(results, "ct_throttled_jump_to_slice_median_s", statistics.median(latencies))
    record(results, "ct_throttled_jump_to_slice_max_s", max(latencies))
    dx = [_ours(connection, dx_study, dx_series)[0] for _ in range(3)]
    record(results, "dx_throttled_first_image_s", statistics.median(dx))


if __name__ == "__main__":  # python -m bench.bench_retrieval: these figures alone
    from bench.common import write_results

    figures: dict[str, float] = {}
    run(figures)
    write_results(figures)
