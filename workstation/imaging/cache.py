"""A bounded in-memory cache of decoded series, shared across studies.

Whole series are kept, keyed by (study instance UID, series instance UID), and the least
recently used ones are dropped once the pixels held exceed a byte budget. Reopening a recent
series then needs no download or decoding; memory stays bounded however many studies are
opened one after another.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence

from workstation.imaging.decode import DicomImage

log = logging.getLogger("workstation.imaging")

MIB = 1024**2
GIB = 1024**3
MIN_DEFAULT_BUDGET_BYTES = 512 * MIB
MAX_DEFAULT_BUDGET_BYTES = 4 * GIB
FALLBACK_BUDGET_BYTES = 1 * GIB

SeriesKey = tuple[str, str]  # (study instance UID, series instance UID)


def image_bytes(image: DicomImage) -> int:
    """Bytes of array memory one image holds: pixels, overlay masks and LUT tables."""
    total = int(image.pixels.nbytes)
    total += sum(int(overlay.mask.nbytes) for overlay in image.overlays)
    for lut in (image.modality_lut, image.voi_lut):
        if lut is not None:
            total += int(lut.data.nbytes)
    return total


def pixel_bytes(images: Sequence[DicomImage]) -> int:
    """Bytes of array memory a series holds (sum of ``image_bytes``); what the cache counts.

    Arrays shared between images (views of one buffer) are counted once per image, so the
    figure can only overstate what is really held.
    """
    return sum(image_bytes(image) for image in images)


def physical_memory_bytes() -> int | None:
    """Installed physical memory in bytes, or None where the system does not say (e.g.
    Windows, which has no ``os.sysconf``)."""
    try:
        pages = os.sysconf("SC_PHYS_PAGES")
        page_size = os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None
    if pages <= 0 or page_size <= 0:
        return None
    return int(pages) * int(page_size)


def default_budget_bytes() -> int:
    """A cache budget in bytes: a quarter of physical memory, clamped to [512 MiB, 4 GiB];
    1 GiB when the physical memory is unknown."""
    physical = physical_memory_bytes()
    if physical is None:
        return FALLBACK_BUDGET_BYTES
    return max(MIN_DEFAULT_BUDGET_BYTES, min(MAX_DEFAULT_BUDGET_BYTES, physical // 4))


class SeriesCache:
    """Least-recently-used cache of complete decoded series, bounded in bytes.

    ``budget_bytes`` bounds the sum of ``pixel_bytes`` over the kept series. Safe to use
    from several threads (one lock guards every operation; sizes are computed outside it).
    The cache keeps only references: evicted arrays are freed as soon as nobody else (the
    viewer, a caller) still holds them.
    """

    def __init__(self, budget_bytes: int) -> None:
        if budget_bytes < 0:
            raise ValueError(f"budget_bytes must be ≥ 0, not {budget_bytes}")
        self._budget = budget_bytes
        self._lock = threading.Lock()
        self._entries: OrderedDict[SeriesKey, tuple[tuple[DicomImage, ...], int]] = OrderedDict()
        self._used = 0

    @property
    def budget_bytes(self) -> int:
        """The most pixel bytes kept at once."""
        return self._budget

    @property
    def used_bytes(self) -> int:
        """Pixel bytes of the series kept now (≤ ``budget_bytes``)."""
        with self._lock:
            return self._used

    def __len__(self) -> int:
        """Number of series kept."""
        with self._lock:
            return len(self._entries)

    def __contains__(self, key: object) -> bool:
        """Whether a series is kept (does not change its recency)."""
        with self._lock:
            return key in self._entries

    def get(self, key: SeriesKey) -> tuple[DicomImage, ...] | None:
        """The images of a kept series (now the most recently used), or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: SeriesKey, images: Sequence[DicomImage]) -> None:
        """Keep a complete series as the most recently used, replacing any series kept under
        ``key``, then drop least recently used series until at most ``budget_bytes`` are
        held. A series larger than the whole budget is not kept (and any older series under
        ``key`` is dropped, since it is superseded)."""
        kept = tuple(images)
        size = pixel_bytes(kept)
        # Dropped entries are released when this frame ends, after the lock is let go.
        evicted: list[tuple[tuple[DicomImage, ...], int]] = []
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._used -= old[1]
                evicted.append(old)
            if size > self._budget:
                log.info(
                    "series of %d image(s), %.1f MiB, exceeds the cache budget of %.1f MiB; "
                    "not cached",
                    len(kept),
                    size / MIB,
                    self._budget / MIB,
                )
                return
            self._entries[key] = (kept, size)
            self._used += size
            while self._used > self._budget:
                _, entry = self._entries.popitem(last=False)
                self._used -= entry[1]
                evicted.append(entry)

    def discard(self, key: SeriesKey) -> None:
        """Forget a series if it is kept."""
        with self._lock:
            entry = self._entries.pop(key, None)
            if entry is not None:
                self._used -= entry[1]

    def clear(self) -> None:
        """Forget every series."""
        with self._lock:
            self._entries = OrderedDict()
            self._used = 0
