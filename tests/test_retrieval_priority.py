"""Prioritised parallel retrieval against the real sandbox: complete and pixel-identical to
the plain stream; the slice on screen first; a jump served next; JPEG-LS over a slow link."""

from __future__ import annotations

import threading
from typing import BinaryIO

import numpy as np
import pytest
from pydicom import dcmread

from devtools.sandbox_launcher import sign_in_demo
from tests.conftest import Sandbox
from workstation.dicomweb.client import JPEG_LS_LOSSLESS
from workstation.dicomweb.parallel import retrieve_prioritised
from workstation.model import ImagingStudyRef, SeriesRef
from workstation.services import Connection, LoadedImage, load_series, series_priority

pytestmark = pytest.mark.e2e

EXPLICIT = "1.2.840.10008.1.2.1"


def _ct(connection: Connection) -> tuple[ImagingStudyRef, SeriesRef]:
    """The CT series with the most slices among the demo patients' studies."""
    best: tuple[ImagingStudyRef, SeriesRef] | None = None
    for patient in ("p0001", "p0002"):
        for page in connection.platform.results(patient):
            for result in page.results:
                if result.modality != "CT" or not result.imaging_study_ids:
                    continue
                study = connection.platform.imaging_study(result.imaging_study_ids[0])
                for series in study.series:
                    if best is None or len(series.instances) > len(best[1].instances):
                        best = (study, series)
    assert best is not None
    return best


def test_prioritised_series_is_complete_identical_and_starts_on_screen(
    clean_faults: Sandbox,
) -> None:
    connection = sign_in_demo(clean_faults.base_url)
    try:
        study, series = _ct(connection)
        client = connection.dicomweb(study.dicomweb_url)
        plain: list[LoadedImage] = []
        load_series(client, study, series, plain.append, threading.Event())
        priority = series_priority(series)
        middle = len(priority) // 2
        priority.focus(middle)
        arrived: list[LoadedImage] = []
        count = load_series(client, study, series, arrived.append, threading.Event(), priority)
        assert count == len(series.instances) >= 10
        assert arrived[0].sop_instance_uid == priority.uids[middle]
        before = {x.sop_instance_uid: x.image for x in plain}
        assert set(before) == {x.sop_instance_uid for x in arrived}
        for loaded in arrived:
            old = before[loaded.sop_instance_uid]
            assert loaded.image is not None
            assert old is not None
            assert loaded.image.pixels.dtype == old.pixels.dtype
            assert np.array_equal(loaded.image.pixels, old.pixels)
    finally:
        connection.sign_out()


def test_slow_link_gets_jpeg_ls_and_a_jump_is_served_next(clean_faults: Sandbox) -> None:
    connection = sign_in_demo(clean_faults.base_url)
    try:
        study, series = _ct(connection)
        client = connection.dicomweb(study.dicomweb_url)
        clean_faults.set_faults(bandwidth_mbit=4, latency_ms=20)
        priority = series_priority(series)
        arrivals: list[tuple[str, str]] = []
        lock = threading.Lock()
        jumped_at: list[int] = []

        def sink(part: BinaryIO) -> str:
            ds = dcmread(part, stop_before_pixels=True)
            uid = str(ds.SOPInstanceUID)
            with lock:
                arrivals.append((uid, str(ds.file_meta.TransferSyntaxUID)))
                if len(arrivals) == 3:
                    priority.focus(len(priority) - 1)  # she jumps to the last slice
                    jumped_at.append(len(arrivals))
            return uid

        got = retrieve_prioritised(
            client, study.study_uid, series.uid, priority, sink, threading.Event(), connections=3
        )
        assert sorted(got) == sorted(i.sop_instance_uid for i in series.instances)
        order = [uid for uid, _ in arrivals]
        assert order[0] == priority.uids[0]
        # Requests already under way finish first (three connections); then the jump.
        last = order.index(priority.uids[-1])
        assert jumped_at[0] <= last <= jumped_at[0] + 3
        assert priority.uids[-2] in order[last - 2 : last + 4]  # then outward from there
        assert {syntax for _, syntax in arrivals} == {JPEG_LS_LOSSLESS}
    finally:
        clean_faults.reset_faults()
        connection.sign_out()


def test_fast_link_gets_the_stored_bytes(clean_faults: Sandbox) -> None:
    connection = sign_in_demo(clean_faults.base_url)
    try:
        study, series = _ct(connection)
        client = connection.dicomweb(study.dicomweb_url)
        syntaxes: list[str] = []

        def sink(part: BinaryIO) -> str:
            ds = dcmread(part, stop_before_pixels=True)
            syntaxes.append(str(ds.file_meta.TransferSyntaxUID))
            return str(ds.SOPInstanceUID)

        retrieve_prioritised(
            client, study.study_uid, series.uid, series_priority(series), sink, threading.Event()
        )
        # Loopback outruns the decoder: once measured, the stored bytes are asked for.
        assert syntaxes.count(EXPLICIT) >= len(syntaxes) // 2
    finally:
        connection.sign_out()
