"""A chronic patient's whole history on the real timeline, against the sandbox on loopback:
10,000 lab reports across six hospitals over six years, paged in 100 at a time over HTTP.

- ``timeline_10000_reports_open_to_drawn_s``: open the patient → first page drawn (≤ 0.3);
- ``timeline_10000_reports_all_loaded_s`` next to ``…_plain_httpx_pages_s``, the same pages
  fetched with plain httpx in the same run (target ratio ≤ 1.5);
- ``timeline_10000_reports_longest_gui_stall_ms``: the longest the GUI thread was busy in
  one go while the pages arrived (≤ 50);
- ``timeline_filter_10000_reports_ms``: type a filter → rows updated, median (≤ 100).
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time

import httpx

from bench.common import record
from bench.sandbox_data import chronic_data
from devtools.sandbox_launcher import sign_in_demo, start_sandbox
from workstation.services import Connection


def _plain_pages(connection: Connection, patient_id: str) -> tuple[float, int]:
    """Seconds to fetch every page of the patient's reports with plain httpx, and the count."""
    fhir = connection.platform.fhir  # type: ignore[attr-defined]
    token = connection.session.bearer()
    url: str | None = f"{fhir}/DiagnosticReport"
    params: dict[str, str | int] | None = {
        "patient": f"Patient/{patient_id}",
        "_sort": "-date",
        "_count": 100,
        "_include": "DiagnosticReport:imaging-study",
    }
    count = 0
    start = time.perf_counter()
    with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
        while url:
            bundle = client.get(url, params=params).raise_for_status().json()
            count += sum(
                1
                for e in bundle.get("entry", [])
                if e.get("resource", {}).get("resourceType") == "DiagnosticReport"
            )
            url = next(
                (link["url"] for link in bundle.get("link", []) if link["relation"] == "next"), None
            )
            params = None
    return time.perf_counter() - start, count


def _timeline(connection: Connection, patient_id: str, results: dict[str, float]) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from ui.patient_page import PatientPage
    from ui.workers import TaskRunner

    app = QApplication.instance() or QApplication([])
    runner = TaskRunner()
    page = PatientPage(runner)
    page.resize(1366, 768)
    page.show()
    platform = connection.platform
    hospitals, catalog = platform.hospitals(), platform.catalog()
    patient = platform.patient(patient_id)
    app.processEvents()

    start = time.perf_counter()
    page.open(connection, patient, hospitals, catalog, "510100", dt.datetime.now(dt.UTC))
    drawn = 0.0
    longest = 0.0
    while runner.busy or not page.timeline.results:
        tick = time.perf_counter()
        app.processEvents()
        longest = max(longest, time.perf_counter() - tick)
        if not drawn and page.timeline.model.rowCount():
            page.timeline.table.viewport().repaint()
            drawn = time.perf_counter() - start
        time.sleep(0.0005)
    loaded = time.perf_counter() - start
    count = len(page.timeline.results)

    filters = ["肾功能", "糖化", "绵阳", "血常规 成都", ""]
    filter_times = []
    for text in filters * 2:
        tick = time.perf_counter()
        page.timeline.text_edit.setText(text)
        page.timeline.table.viewport().repaint()
        filter_times.append(time.perf_counter() - tick)
        app.processEvents()
    page.close_patient()
    runner.shutdown()
    page.close()

    record(results, "timeline_10000_reports_count", count)
    record(results, "timeline_10000_reports_open_to_drawn_s", drawn)
    record(results, "timeline_10000_reports_all_loaded_s", loaded)
    record(results, "timeline_10000_reports_longest_gui_stall_ms", longest * 1000)
    record(results, "timeline_filter_10000_reports_ms", statistics.median(filter_times) * 1000)


def run(results: dict[str, float]) -> None:
    """Start the sandbox on the chronic patient's data and measure."""
    from sandbox.generate.dataset import CHRONIC_PATIENT

    sandbox = start_sandbox(chronic_data())
    try:
        connection = sign_in_demo(sandbox.base_url)
        try:
            plain, plain_count = _plain_pages(connection, CHRONIC_PATIENT)
            record(results, "timeline_10000_reports_plain_httpx_pages_s", plain)
            _timeline(connection, CHRONIC_PATIENT, results)
            record(
                results,
                "timeline_10000_reports_all_loaded_vs_plain_httpx_ratio",
                results["timeline_10000_reports_all_loaded_s"] / plain,
            )
            assert plain_count == results["timeline_10000_reports_count"], "counts differ"
        finally:
            connection.sign_out()
    finally:
        sandbox.stop()
