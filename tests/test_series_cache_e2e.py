"""The series cache on the real download path, against the sandbox over HTTP."""

from __future__ import annotations

import threading

import pytest

from devtools.sandbox_launcher import sign_in_demo
from tests.conftest import Sandbox
from workstation.imaging.cache import SeriesCache
from workstation.services import LoadedImage, load_series_cached

pytestmark = pytest.mark.e2e


def test_a_series_opened_again_comes_from_memory(sandbox: Sandbox) -> None:
    connection = sign_in_demo(sandbox.base_url)
    result = next(
        r
        for page in connection.platform.results("p0002")
        for r in page.results
        if r.imaging_study_ids
    )
    study = connection.platform.imaging_study(result.imaging_study_ids[0])
    series = study.series[0]
    client = connection.dicomweb(study.dicomweb_url)
    cache = SeriesCache(512 * 1024**2)
    first: list[LoadedImage] = []
    count = load_series_cached(client, study, series, first.append, threading.Event(), cache)
    assert count == len(series.instances)
    assert (study.study_uid, series.uid) in cache
    connection.client.close()  # from here on, any download would fail
    again: list[LoadedImage] = []
    load_series_cached(client, study, series, again.append, threading.Event(), cache)
    assert [x.image for x in again] == [x.image for x in first]
