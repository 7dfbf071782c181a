"""Memory while opening ten large studies one after another through the real download and
decode path (sign-in, DICOMweb, ``load_series`` with a ``SlicePriority`` as the viewer
opens a series), each complete series put into a
``SeriesCache`` as the viewer would: the process RSS must level off once the cache is full.

The demo data has two large series (CT of 300 and 220 slices, 512×512 16-bit: 150 and
110 MiB of pixels; both of patient p0001). They are opened alternately, ten times, each
opening under its own cache key (the series UID plus ``#open<n>``), so the cache sees ten
distinct studies. The budget holds two of them, so the cache is full from the second study
on and RSS after studies 2 … 10 should stay flat; at most about three series are in memory
at once (two cached, one downloading).

RSS is VmRSS of /proc/self/status after each study (after ``gc.collect()``); the peak is
VmHWM, reset at the start of this benchmark where the kernel allows it (Linux only).

Plain RSS also counts memory the C allocator has freed but kept for reuse: glibc keeps the
pages of the largest working set seen (two cached series plus one downloading, first reached
in study 3), so plain RSS rises once more after study 2 and then stays flat. The
``trimmed`` figures are read right after ``malloc_trim(0)`` hands those free pages back (glibc
only): they show the memory really in use, which must not grow at all after study 2.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import threading
import time
from collections.abc import Callable
from pathlib import Path

from bench.common import record
from bench.sandbox_data import full_data
from devtools.sandbox_launcher import sign_in_demo, start_sandbox
from workstation.imaging.cache import MIB, SeriesCache, pixel_bytes
from workstation.imaging.decode import DicomImage
from workstation.model import ImagingStudyRef, SeriesRef
from workstation.services import Connection, LoadedImage, load_series, series_priority

PATIENT = "p0001"  # holds the demo data's large CT series
STUDIES = 10
LARGE_SERIES_MIN_IMAGES = 100
BUDGET_BYTES = 300 * MIB  # two of the large series (150 + 110 MiB), not three
STATUS = Path("/proc/self/status")


def _status_mib(field: str) -> float:
    """A memory line of /proc/self/status (``VmRSS``, ``VmHWM``) in MiB."""
    for line in STATUS.read_text(encoding="ascii").splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024  # the kernel writes kB (KiB)
    raise RuntimeError(f"{field} not in {STATUS}")


def _malloc_trim() -> Callable[[], None] | None:
    """glibc's ``malloc_trim(0)`` (free heap pages back to the kernel), or None elsewhere."""
    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None
    if trim is None:
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int

    def call() -> None:
        trim(0)

    return call


def _reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux ≥ 4.0); False if the kernel refuses."""
    try:
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")
    except OSError:
        return False
    return True


def _large_series(connection: Connection) -> list[tuple[ImagingStudyRef, SeriesRef]]:
    """The patient's CT studies with a series of many images, largest first."""
    platform = connection.platform
    found = []
    seen: set[str] = set()
    for page in platform.results(PATIENT):
        for result in page.results:
            for study_id in result.imaging_study_ids:
                if study_id in seen:
                    continue
                seen.add(study_id)
                study = platform.imaging_study(study_id)
                if not study.series:
                    continue
                series = max(study.series, key=lambda s: len(s.instances))
                if len(series.instances) >= LARGE_SERIES_MIN_IMAGES:
                    found.append((study, series))
    found.sort(key=lambda pair: -len(pair[1].instances))
    return found


def _open(connection: Connection, study: ImagingStudyRef, series: SeriesRef) -> list[DicomImage]:
    """Download and decode a whole series the way the patient page does."""
    images: list[DicomImage] = []

    def on_image(loaded: LoadedImage) -> None:
        if loaded.image is not None:
            images.append(loaded.image)

    load_series(
        connection.dicomweb(study.dicomweb_url),
        study,
        series,
        on_image,
        threading.Event(),
        series_priority(series),
    )
    return images


def _measure(connection: Connection, results: dict[str, float]) -> None:
    large = _large_series(connection)
    if not large:
        raise RuntimeError(f"no series of ≥ {LARGE_SERIES_MIN_IMAGES} images for {PATIENT}")
    print(
        f"  {len(large)} large series in the demo data "
        f"({', '.join(str(len(s.instances)) for _, s in large)} images); "
        f"opened alternately under distinct cache keys",
        flush=True,
    )
    cache = SeriesCache(BUDGET_BYTES)
    trim = _malloc_trim()
    gc.collect()
    peak_reset = _reset_peak()
    baseline = _status_mib("VmRSS")
    rss: list[float] = []
    trimmed: list[float] = []
    shown: list[DicomImage] = []  # what the viewer holds: the current series only
    for n in range(STUDIES):
        study, series = large[n % len(large)]
        shown = []  # the viewer is cleared before the next series loads
        images = _open(connection, study, series)
        if len(images) != len(series.instances):
            raise RuntimeError(f"{len(images)} of {len(series.instances)} images decoded")
        cache.put((study.study_uid, f"{series.uid}#open{n}"), images)
        shown, images = images, []
        gc.collect()
        rss.append(_status_mib("VmRSS"))
        line = (
            f"  study {n + 1:2d}: {len(shown)} images, {pixel_bytes(shown) / MIB:6.1f} MiB; "
            f"cache {len(cache)} series, {cache.used_bytes / MIB:6.1f} MiB; "
            f"RSS {rss[-1]:7.1f} MiB"
        )
        if trim is not None:
            start = time.perf_counter()
            trim()
            took = time.perf_counter() - start
            trimmed.append(_status_mib("VmRSS"))
            line += f", trimmed {trimmed[-1]:7.1f} MiB ({took * 1000:.0f} ms)"
        print(line, flush=True)
    record(results, "memory_cache_budget_mib", BUDGET_BYTES / MIB)
    record(results, "memory_rss_before_first_study_mib", baseline)
    record(results, "memory_rss_after_first_study_mib", rss[0])
    record(results, "memory_rss_after_ten_studies_mib", rss[-1])
    record(results, "memory_rss_growth_studies_2_to_10_mib", rss[-1] - rss[1])
    if trimmed:
        record(results, "memory_rss_trimmed_after_ten_studies_mib", trimmed[-1])
        record(results, "memory_rss_trimmed_growth_studies_2_to_10_mib", trimmed[-1] - trimmed[1])
    record(results, "memory_cache_used_after_ten_studies_mib", cache.used_bytes / MIB)
    record(results, "memory_peak_rss_mib", _status_mib("VmHWM"))
    if not peak_reset:
        print("  (VmHWM could not be reset: the peak covers the whole process)", flush=True)


def run(results: dict[str, float]) -> None:
    """Start the sandbox on the full data, sign in and open the studies."""
    if not STATUS.exists():
        print("  needs /proc/self/status (Linux); skipped", flush=True)
        return
    sandbox = start_sandbox(full_data())
    try:
        connection = sign_in_demo(sandbox.base_url)
        try:
            _measure(connection, results)
        finally:
            connection.sign_out()
    finally:
        sandbox.stop()
