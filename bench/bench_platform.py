"""Figures of the daily path against the sandbox on loopback:

- open a patient with 200 reports → timeline drawn (target ≤ 300 ms);
- a 300-slice CT: time to the first image and to the whole series, next to a plain httpx
  download of the same bytes in the same run (targets: first ≤ 0.5 s, whole ≤ 1.3× raw).
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import threading
import time
from pathlib import Path

import httpx

from bench.common import record
from bench.sandbox_data import full_data
from devtools.sandbox_launcher import sign_in_demo, start_sandbox
from workstation.services import Connection, LoadedImage, load_series


def _timeline(connection: Connection, results: dict[str, float]) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from ui.patient_page import PatientPage
    from ui.workers import TaskRunner

    app = QApplication.instance() or QApplication([])
    runner = TaskRunner()
    page = PatientPage(runner)
    page.resize(1366, 800)
    page.show()
    platform = connection.platform
    hospitals, catalog = platform.hospitals(), platform.catalog()
    patient = platform.patient("p0003")
    times = []
    count = 0
    for _ in range(5):
        start = time.perf_counter()
        page.open(
            connection,
            patient,
            hospitals,
            catalog,
            "510100",
            dt.datetime.now(dt.UTC),
        )
        while runner.busy or not page.timeline.results:
            app.processEvents()
            time.sleep(0.001)
        app.processEvents()
        times.append(time.perf_counter() - start)
        count = len(page.timeline.results)
    page.close_patient()
    runner.shutdown()
    page.close()
    record(results, "timeline_reports_count", count)
    record(results, "timeline_open_patient_to_drawn_median_ms", statistics.median(times) * 1000)


def _series(connection: Connection, base_url: str, results: dict[str, float]) -> None:
    platform = connection.platform
    reports = [r for page in platform.results("p0001") for r in page.results]
    ct = max((r for r in reports if r.modality == "CT"), key=lambda r: r.effective)
    study = platform.imaging_study(ct.imaging_study_ids[0])
    series = study.series[0]
    url = f"{study.dicomweb_url}/studies/{study.study_uid}/series/{series.uid}"
    token = connection.session.bearer()
    raw_times, first_times, whole_times, sizes = [], [], [], []
    for _ in range(3):
        start = time.perf_counter()
        size = 0
        with httpx.stream(
            "GET",
            url,
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": 'multipart/related; type="application/dicom"; transfer-syntax=*',
            },
            timeout=120,
        ) as response:
            for chunk in response.iter_bytes(256 * 1024):
                size += len(chunk)
        raw_times.append(time.perf_counter() - start)
        sizes.append(size)

        first: list[float] = []
        start = time.perf_counter()

        def on_image(loaded: LoadedImage, first: list[float] = first, t0: float = start) -> None:
            if not first and loaded.image is not None:
                first.append(time.perf_counter() - t0)

        count = load_series(
            connection.dicomweb(study.dicomweb_url),
            study,
            series,
            on_image,
            threading.Event(),
        )
        whole_times.append(time.perf_counter() - start)
        first_times.append(first[0])
    raw, whole = statistics.median(raw_times), statistics.median(whole_times)
    record(results, "ct_series_slices_count", count)
    record(results, "ct_series_megabytes", sizes[0] / 1e6)
    record(results, "ct_raw_download_s", raw)
    record(results, "ct_first_image_s", statistics.median(first_times))
    record(results, "ct_whole_series_decoded_s", whole)
    record(results, "ct_whole_series_vs_raw_download_ratio", whole / raw)


def run(results: dict[str, float]) -> None:
    """Start the sandbox on the full data and measure."""
    data: Path = full_data()
    sandbox = start_sandbox(data)
    try:
        connection = sign_in_demo(sandbox.base_url)
        try:
            _timeline(connection, results)
            _series(connection, sandbox.base_url, results)
        finally:
            connection.sign_out()
    finally:
        sandbox.stop()
