"""Where a result's images come from (workstation/session/study_loaders.py), Qt-free: a
disc study's series with their descriptions from a dcmmkdir DICOMDIR, each series read
through the cache with the files' own pixels, a thumbnail from one file, the platform's
results left to the platform; which series of a prior goes beside the one she reads."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import numpy as np
import pytest
from pydicom import dcmread

from tests.multi_series import CT_SERIES, dcmmkdir_disc, write_multi_series_ct
from tests.pacs_data import ZHANG_WEI
from workstation.imaging.cache import SeriesCache
from workstation.model import Category, InstanceRef, Result, SeriesRef
from workstation.services import LoadedImage, series_priority
from workstation.session.study_loaders import StudyLoaders, series_to_compare
from workstation.sources.base import study_result
from workstation.sources.disc import DiscSource

pytestmark = pytest.mark.unit
STUDY = "1.2.826.0.1.3680043.8.498.311"


def _series(number: int, modality: str, description: str, count: int) -> SeriesRef:
    refs = tuple(InstanceRef(f"{number}.{n}", "1.2", n) for n in range(count))
    return SeriesRef(f"s{number}", number, modality, description, refs)


def test_the_prior_series_beside_hers_is_the_like_one_else_the_largest_stack() -> None:
    prior = (
        _series(1, "CT", "定位像", 2),
        _series(2, "CT", "软组织 5mm", 60),
        _series(3, "CT", "肺窗 1.25mm", 240),
        _series(4, "SR", "", 1),
    )
    assert series_to_compare(prior, _series(9, "CT", "肺窗 1.25mm", 200)) == 2
    assert series_to_compare(prior, _series(9, "CT", "软组织 5mm", 50)) == 1
    assert series_to_compare(prior, _series(9, "CT", "胸部平扫", 50)) == 2  # not the scout
    assert series_to_compare(prior, _series(9, "MR", "T2", 20)) == 0  # nothing alike
    assert series_to_compare(prior, None) == 0
    two_films = (_series(1, "DX", "PA", 1), _series(2, "DX", "LAT", 1))
    assert series_to_compare(two_films, _series(9, "DX", "", 1)) == 0  # a tie: the first
    with pytest.raises(ValueError, match="no series"):
        series_to_compare((), None)


@pytest.fixture
def disc(tmp_path: Path) -> tuple[Path, list[Path]]:
    written = write_multi_series_ct(tmp_path / "ct", ZHANG_WEI, STUDY, dt.date(2026, 11, 20))
    files = [p for s in written for p in s.files]
    return dcmmkdir_disc(tmp_path / "disc", files), files


def test_a_disc_study_is_read_series_by_series_through_the_cache(
    disc: tuple[Path, list[Path]],
) -> None:
    root, files = disc
    source = DiscSource("光盘", root)
    (study,) = source.find_studies()
    assert source.report is not None
    assert source.report.used_dicomdir
    result = study_result(study, "p0001")
    loaders = StudyLoaders()
    loaders.add(result, source, study)
    assert result.id in loaders
    loader = loaders.for_result(result, None)
    assert loader is not None
    assert not loader.saves_annotations
    opened = loader.open_study()
    assert opened.study_uid == STUDY
    # every series, in number order, with the description its files carry (dcmmkdir's
    # series records have none)
    assert [(s.number, s.description, len(s.instances)) for s in opened.series] == [
        (n, d, k) for n, d, k, _t in CT_SERIES
    ]
    pixels = {str(ds.SOPInstanceUID): ds.pixel_array for ds in map(dcmread, files)}
    cache = SeriesCache(64 * 1024**2)
    second = opened.series[1]
    got: list[LoadedImage] = []
    assert loader.load_series(opened, second, got.append, threading.Event(), cache) == 6
    assert {g.sop_instance_uid for g in got} == {i.sop_instance_uid for i in second.instances}
    for loaded in got:
        assert loaded.image is not None
        assert np.array_equal(loaded.image.pixels[0], pixels[loaded.sop_instance_uid])
    assert (STUDY, second.uid) in cache  # read completely: kept
    for path in (root / "IMAGES").rglob("I*"):
        if path.is_file():
            path.unlink()  # the disc is gone: the series comes from memory
    again: list[LoadedImage] = []
    assert loader.load_series(opened, second, again.append, None, cache) == 6
    assert [g.image for g in again] == [g.image for g in got]


def test_a_disc_series_is_read_where_she_looks_first(disc: tuple[Path, list[Path]]) -> None:
    root, _files = disc
    source = DiscSource("光盘", root)
    (study,) = source.find_studies()
    result = study_result(study, "p0001")
    loaders = StudyLoaders()
    loaders.add(result, source, study)
    loader = loaders.for_result(result, None)
    assert loader is not None
    opened = loader.open_study()
    series = max(opened.series, key=lambda s: len(s.instances))
    priority = series_priority(series)
    ordered = priority.uids
    priority.focus(len(ordered) - 1)  # she opened it at its last slice
    got: list[str] = []

    def arrived(loaded: LoadedImage) -> None:
        got.append(loaded.sop_instance_uid)
        if len(got) == 2:
            priority.focus(2)  # and jumped near the top while it was read

    cache = SeriesCache(64 * 1024**2)
    count = loader.load_series(opened, series, arrived, threading.Event(), cache, priority)
    assert count == len(series.instances)
    assert got[:2] == [ordered[-1], ordered[-2]]
    assert got[2] == ordered[2]
    assert sorted(got) == sorted(ordered)


def test_a_thumbnail_is_drawn_from_one_file_of_the_series(disc: tuple[Path, list[Path]]) -> None:
    root, _files = disc
    source = DiscSource("光盘", root)
    (study,) = source.find_studies()
    loaders = StudyLoaders()
    result = study_result(study)
    loaders.add(result, source, study)
    loader = loaders.for_result(result, None)
    assert loader is not None
    opened = loader.open_study()
    picture = loader.thumbnail(opened, opened.series[2])
    assert picture is not None
    assert picture.startswith(b"\x89PNG")
    width, height = int.from_bytes(picture[16:20], "big"), int.from_bytes(picture[20:24], "big")
    assert max(width, height) <= 64
    missing = SeriesRef("9.9", 9, "CT", "", (InstanceRef("9.9.1", "1.2", 1),))
    assert loader.thumbnail(opened, missing) is None  # not on the disc: no picture, no error


def test_a_platform_result_is_read_from_the_platform() -> None:
    loaders = StudyLoaders()
    lab = Result(
        id="r1",
        patient_id="p1",
        category=Category.LAB,
        item_code="",
        item_name="",
        hospital_id="h",
        effective=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    assert loaders.for_result(lab, None) is None
    assert len(loaders) == 0
