"""Prioritised, parallel WADO-RS retrieval of one series, instance by instance.

A few connections (bounded) each take the next instance from a ``SlicePriority`` (the
slice on screen first, then outward), fetch it and hand it to the sink on their own
thread, so the order follows her as she moves, and asks for JPEG-LS lossless. On a fast
link (loopback, a hospital LAN), where the download is cheaper than the decode and a
request per instance costs more than it brings, the series comes as one stream instead.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import BinaryIO

from workstation.dicomweb.client import (
    ACCEPT_LOSSLESS,
    Cancelled,
    DicomWebClient,
    InstanceSink,
    uid_path,
)
from workstation.dicomweb.priority import SlicePriority
from workstation.http import ErrorKind, PlatformError

log = logging.getLogger("workstation.dicomweb")

DEFAULT_CONNECTIONS = 4
# Below this many bytes per second, the bytes JPEG-LS saves (about two thirds of a CT
# slice, ~350 kB) take longer to transfer than CharLS takes to decode the slice (~15 ms);
# above it, one stream of the stored bytes is also cheaper than a request per instance.
COMPRESS_BELOW_BYTES_S = 25e6
_ATTEMPTS = 3


class LinkEstimate:
    """What one retrieval learns of its link: the bandwidth of the first instance's body,
    fetched alone, in bytes per second: the bytes after its first piece over the time from
    that piece to the end (neither the request's round trip, nor the server's time to
    begin, nor what a link sends at once after an idle moment counts)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._body_start: float | None = None
        self._first_piece = 0
        self._rate: float | None = None

    def body_started(self, first_piece: int) -> None:
        """The first piece of the probe's body arrived, ``first_piece`` bytes."""
        with self._lock:
            if self._rate is None:
                self._body_start, self._first_piece = self._clock(), first_piece

    def body_received(self, count: int) -> None:
        """The probe's body of ``count`` bytes is complete (only the first call counts).
        A body that came in one piece counts as infinitely fast."""
        with self._lock:
            if self._rate is None and self._body_start is not None:
                rest = max(count - self._first_piece, 0)
                seconds = self._clock() - self._body_start
                self._rate = rest / seconds if rest and seconds > 0 else float("inf")

    def rate(self) -> float | None:
        """Bytes per second of the probe's body; None until it arrived."""
        with self._lock:
            return self._rate

    def fast(self) -> bool:
        """Whether the link outruns the decoder (``COMPRESS_BELOW_BYTES_S`` or more): the
        stored bytes in one stream are then the quickest way to the whole series."""
        rate = self.rate()
        return rate is not None and rate >= COMPRESS_BELOW_BYTES_S


def retrieve_prioritised(
    client: DicomWebClient,
    study_uid: str,
    series_uid: str,
    queue: SlicePriority,
    sink: InstanceSink,
    cancel: threading.Event | None = None,
    connections: int = DEFAULT_CONNECTIONS,
    link: LinkEstimate | None = None,
    stream_when_fast: bool = True,
) -> list[str]:
    """Fetch every instance of ``queue``: first the one in focus, alone and as JPEG-LS
    lossless where offered (the first image as early as the link allows; its body also
    measures the link). On a fast link (``LinkEstimate.fast``) and with
    ``stream_when_fast``, the rest come as one stream of the stored bytes (the sink sees
    the first instance again and must drop it). Otherwise in the queue's (changing)
    priority order over at most ``connections`` parallel requests, JPEG-LS where offered.

    ``sink`` is called on the download threads, one instance at a time. Returns
    the SOP UIDs the sink returned. Raises Cancelled when ``cancel`` is set, or the first
    PlatformError that retries did not cure (the other connections stop; what arrived was
    already handed over).
    """
    link = link or LinkEstimate()
    base = uid_path(("studies", study_uid), ("series", series_uid))
    received: list[str] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    taking_in = threading.Lock()

    def one_at_a_time(part: BinaryIO) -> str:
        # One instance taken in at a time: decoding holds the GIL anyway, and four threads
        # taking turns at it every few milliseconds were slower than one after the other.
        with taking_in:
            return sink(part)

    def measuring(part: BinaryIO) -> str:
        link.body_received(part.seek(0, 2))
        part.seek(0)
        return sink(part)

    def fetch(uid: str, probe: bool) -> None:
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                if probe:
                    client.retrieve(
                        base + uid_path(("instances", uid)),
                        measuring,
                        cancel,
                        received,
                        ACCEPT_LOSSLESS,
                        link.body_started,
                    )
                else:
                    client.retrieve(
                        base + uid_path(("instances", uid)),
                        one_at_a_time,
                        cancel,
                        received,
                        ACCEPT_LOSSLESS,
                    )
                return
            except PlatformError as exc:
                retry = exc.retryable or exc.kind is ErrorKind.BAD_RESPONSE
                if attempt == _ATTEMPTS or not retry or stop.is_set():
                    raise
                log.info("instance fetch failed (%s), retry %d", exc.kind, attempt)

    first = queue.take()
    if first is None:
        return received
    try:
        fetch(first, probe=True)
    except BaseException:
        queue.put_back(first)
        raise
    if stream_when_fast and link.fast() and queue.waiting:
        log.info(
            "fast link (%.0f MB/s): the rest of the series in one stream", (link.rate() or 0) / 1e6
        )
        expected = queue.uids
        while queue.take() is not None:
            pass  # all of them come in the stream
        received += client.retrieve_series(study_uid, series_uid, sink, expected, cancel)
        return list(dict.fromkeys(received))  # the first instance came twice

    def work() -> None:
        while not stop.is_set():
            if cancel is not None and cancel.is_set():
                return
            uid = queue.take()
            if uid is None:
                return
            try:
                fetch(uid, probe=False)
            except BaseException as exc:  # handed to the caller's thread below
                queue.put_back(uid)
                errors.append(exc)
                stop.set()
                return

    count = max(1, min(connections, queue.waiting))
    workers = [
        threading.Thread(target=work, name=f"series-fetch-{i}", daemon=True) for i in range(count)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if cancel is not None and cancel.is_set():
        raise Cancelled()
    if errors:
        error = errors[0]
        if isinstance(error, Cancelled | PlatformError):
            raise error
        raise PlatformError(ErrorKind.NETWORK, f"image download failed: {error}") from error
    return received
