"""The series cache: LRU order, byte budget, recency, thread safety, and evicted pixels freed."""

from __future__ import annotations

import gc
import threading
import weakref

import numpy as np
import pytest

from workstation.imaging import cache as cache_module
from workstation.imaging.cache import (
    FALLBACK_BUDGET_BYTES,
    MAX_DEFAULT_BUDGET_BYTES,
    MIB,
    MIN_DEFAULT_BUDGET_BYTES,
    SeriesCache,
    default_budget_bytes,
    pixel_bytes,
)
from workstation.imaging.decode import DicomImage, Lut, Overlay

pytestmark = pytest.mark.unit
KB = 1024


def _image(nbytes: int, number: int = 0, overlay_bytes: int = 0) -> DicomImage:
    """A one-frame 8-bit image holding exactly ``nbytes`` of pixels."""
    overlays = ()
    if overlay_bytes:
        overlays = (Overlay(np.zeros((1, 1, overlay_bytes), dtype=bool), (0, 0)),)
    return DicomImage(
        pixels=np.zeros((1, 1, nbytes), dtype=np.uint8),
        photometric="MONOCHROME2",
        modality="CT",
        sop_instance_uid=f"1.2.3.{number}",
        series_instance_uid="1.2.3",
        study_instance_uid="1.2",
        instance_number=number,
        overlays=overlays,
    )


def _series(total_kb: int, images: int = 4) -> list[DicomImage]:
    """A series of ``images`` images holding ``total_kb`` KiB of pixels in all."""
    return [_image(total_kb * KB // images, n) for n in range(images)]


def _key(n: int) -> tuple[str, str]:
    return (f"study.{n}", f"series.{n}")


def test_pixel_bytes_counts_pixels_overlays_and_luts() -> None:
    plain = _image(1000)
    overlaid = _image(1000, overlay_bytes=300)
    assert pixel_bytes([plain]) == 1000
    assert pixel_bytes([plain, overlaid]) == 2300
    int16 = DicomImage(
        pixels=np.zeros((2, 10, 10), dtype=np.int16),
        photometric="MONOCHROME2",
        modality="CT",
        sop_instance_uid="1",
        series_instance_uid="1",
        study_instance_uid="1",
        instance_number=1,
        voi_lut=Lut(np.zeros(256, dtype=np.int64), 0),
    )
    assert pixel_bytes([int16]) == 2 * 10 * 10 * 2 + 256 * 8
    assert pixel_bytes([]) == 0


def test_least_recently_put_series_is_evicted_first() -> None:
    cache = SeriesCache(300 * KB)
    for n in range(3):
        cache.put(_key(n), _series(100))
    assert len(cache) == 3
    assert cache.used_bytes == 300 * KB
    cache.put(_key(3), _series(100))
    assert _key(0) not in cache
    assert [_key(n) in cache for n in (1, 2, 3)] == [True, True, True]
    assert cache.used_bytes == 300 * KB


def test_eviction_goes_by_bytes_not_by_count() -> None:
    cache = SeriesCache(1000 * KB)
    for n in range(5):
        cache.put(_key(n), _series(100))  # 500 KiB, five series
    cache.put(_key(5), _series(800))  # 1300 KiB would be held: the three oldest go
    assert len(cache) == 3
    assert [n for n in range(6) if _key(n) in cache] == [3, 4, 5]
    assert cache.used_bytes == 1000 * KB
    assert cache.used_bytes <= cache.budget_bytes


def test_get_refreshes_recency() -> None:
    cache = SeriesCache(300 * KB)
    first = _series(100)
    cache.put(_key(0), first)
    cache.put(_key(1), _series(100))
    cache.put(_key(2), _series(100))
    got = cache.get(_key(0))  # 0 is now the most recent; 1 the least
    assert got is not None
    assert all(a is b for a, b in zip(got, first, strict=True))
    cache.put(_key(3), _series(100))
    assert _key(0) in cache
    assert _key(1) not in cache
    assert cache.get(_key(1)) is None


def test_contains_does_not_refresh_recency() -> None:
    cache = SeriesCache(200 * KB)
    cache.put(_key(0), _series(100))
    cache.put(_key(1), _series(100))
    assert _key(0) in cache
    cache.put(_key(2), _series(100))
    assert _key(0) not in cache


def test_series_larger_than_the_budget_is_not_kept() -> None:
    cache = SeriesCache(300 * KB)
    cache.put(_key(0), _series(100))
    cache.put(_key(1), _series(301))
    assert _key(1) not in cache
    assert cache.get(_key(1)) is None
    assert _key(0) in cache  # nothing was evicted to make room for it
    assert cache.used_bytes == 100 * KB
    cache.put(_key(2), _series(300))  # exactly the budget fits, alone
    assert len(cache) == 1
    assert cache.used_bytes == 300 * KB


def test_put_replaces_a_series_under_the_same_key() -> None:
    cache = SeriesCache(300 * KB)
    cache.put(_key(0), _series(100))
    cache.put(_key(1), _series(100))
    newer = _series(150)
    cache.put(_key(0), newer)
    assert len(cache) == 2
    assert cache.used_bytes == 250 * KB
    got = cache.get(_key(0))
    assert got is not None
    assert got[0] is newer[0]
    cache.put(_key(0), _series(400))  # an oversize replacement drops the stale one too
    assert _key(0) not in cache
    assert cache.used_bytes == 100 * KB


def test_discard_and_clear() -> None:
    cache = SeriesCache(1000 * KB)
    for n in range(3):
        cache.put(_key(n), _series(100))
    cache.discard(_key(1))
    cache.discard(_key(9))  # unknown keys are ignored
    assert _key(1) not in cache
    assert len(cache) == 2
    assert cache.used_bytes == 200 * KB
    cache.clear()
    assert len(cache) == 0
    assert cache.used_bytes == 0
    assert cache.get(_key(0)) is None


def test_zero_budget_keeps_nothing_and_negative_is_refused() -> None:
    cache = SeriesCache(0)
    cache.put(_key(0), _series(1))
    assert len(cache) == 0
    cache.put(_key(1), [])  # an empty series is zero bytes: it fits
    assert cache.get(_key(1)) == ()
    with pytest.raises(ValueError, match="budget_bytes"):
        SeriesCache(-1)


def test_evicted_pixel_arrays_are_freed() -> None:
    cache = SeriesCache(300 * KB)
    images = _series(200)
    pixels = weakref.ref(images[0].pixels)
    image = weakref.ref(images[0])
    cache.put(_key(0), images)
    del images  # the viewer let go; only the cache holds the series now
    gc.collect()
    assert pixels() is not None  # kept while cached (the check below can fail)
    cache.put(_key(1), _series(200))  # evicts series 0
    assert _key(0) not in cache
    gc.collect()
    assert image() is None
    assert pixels() is None


def test_discarded_and_cleared_pixel_arrays_are_freed() -> None:
    cache = SeriesCache(1000 * KB)
    refs = []
    for n in range(3):
        images = _series(100)
        refs.append(weakref.ref(images[-1].pixels))
        cache.put(_key(n), images)
    del images
    cache.discard(_key(0))
    gc.collect()
    assert [r() is None for r in refs] == [True, False, False]
    cache.clear()
    gc.collect()
    assert all(r() is None for r in refs)


def test_threads_putting_and_getting_keep_the_budget() -> None:
    budget = 500 * KB
    cache = SeriesCache(budget)
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def work(worker: int) -> None:
        try:
            start.wait()
            for i in range(300):
                key = _key((worker * 7 + i) % 23)
                if i % 3:
                    cache.put(key, _series(10 + (i % 5) * 40, images=2))
                else:
                    got = cache.get(key)
                    assert got is None or len(got) == 2
                if i % 50 == 49:
                    cache.discard(key)
                assert cache.used_bytes <= budget
        except BaseException as exc:  # reported to the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert cache.used_bytes <= budget
    # The running total agrees with what is really kept.
    kept = [cache.get(_key(n)) for n in range(23)]
    assert cache.used_bytes == sum(pixel_bytes(s) for s in kept if s is not None)
    assert len(cache) == sum(s is not None for s in kept)


def test_default_budget_is_a_quarter_of_ram_clamped(monkeypatch: pytest.MonkeyPatch) -> None:
    def ram(total: int | None) -> None:
        monkeypatch.setattr(cache_module, "physical_memory_bytes", lambda: total)

    ram(16 * 1024 * MIB)
    assert default_budget_bytes() == 4 * 1024 * MIB
    ram(8 * 1024 * MIB)
    assert default_budget_bytes() == 2 * 1024 * MIB
    ram(1024 * MIB)
    assert default_budget_bytes() == MIN_DEFAULT_BUDGET_BYTES
    ram(256 * 1024 * MIB)
    assert default_budget_bytes() == MAX_DEFAULT_BUDGET_BYTES
    ram(None)
    assert default_budget_bytes() == FALLBACK_BUDGET_BYTES


def test_physical_memory_is_read_where_the_system_tells() -> None:
    total = cache_module.physical_memory_bytes()
    if not hasattr(cache_module.os, "sysconf"):
        assert total is None
    else:
        assert total is not None
        assert total > 64 * MIB
    assert MIN_DEFAULT_BUDGET_BYTES <= default_budget_bytes() <= MAX_DEFAULT_BUDGET_BYTES
