"""DICOMweb client: QIDO-RS searches and streamed WADO-RS retrieval of instances."""

from __future__ import annotations

import io
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, BinaryIO, Protocol

import httpx

from workstation.dicomweb.bulk_get import BulkGet
from workstation.dicomweb.multipart import (
    MultipartError,
    MultipartReader,
    MultipartTruncated,
    boundary_from_content_type,
)
from workstation.http import (
    MAX_INLINE_WAIT_S,
    RETRY_STATUSES,
    ErrorKind,
    PlatformError,
    capped_error,
    check_url_security,
    error_from_response,
    retry_after_s,
    send,
    transport_error,
)
from workstation.imaging.limits import INFLATED_LIMIT_BYTES

log = logging.getLogger("workstation.dicomweb")
JsonObj = dict[str, Any]
# Any transfer syntax the server stores: decoding happens here, not on the server.
ACCEPT_ORIGINAL = 'multipart/related; type="application/dicom"; transfer-syntax=*'
JPEG_LS_LOSSLESS = "1.2.840.10008.1.2.4.80"
# JPEG-LS lossless (about a third of the bytes of a CT). One media range only: Orthanc 1.10
# (DICOMweb 1.7) transcodes on that but answers a list with a fallback range in the stored
# syntax. A server that cannot make it refuses (406; Orthanc: 500) and is asked again.
ACCEPT_LOSSLESS = f'multipart/related; type="application/dicom"; transfer-syntax={JPEG_LS_LOSSLESS}'
# Answers to ACCEPT_LOSSLESS that mean "not in that syntax": asked again for the original.
_REFUSED_SYNTAX = (400, 406, 415, 500, 501)
AuthHeaders = Callable[[bool], dict[str, str]]  # force_refresh → headers
InstanceSink = Callable[[BinaryIO], str]  # consumes one instance, returns its SOP UID
_STREAM_ATTEMPTS = 3


class Cancelled(Exception):
    """The caller cancelled a retrieval."""


_UID = re.compile(r"[0-9.]{1,64}")


def uid_path(*parts: tuple[str, str]) -> str:
    """``/studies/1.2/series/3.4``-style path from (resource, UID) pairs. A UID comes from
    the platform's records; anything but digits and dots (at most 64) could steer the
    request elsewhere on the server (``/``, ``?``, ``..``) or break its header, so it is
    refused: PlatformError(BAD_RESPONSE)."""
    out = []
    for resource, uid in parts:
        if not _UID.fullmatch(uid) or ".." in uid:
            raise PlatformError(ErrorKind.BAD_RESPONSE, f"not a DICOM UID: {uid[:70]!r}")
        out.append(f"/{resource}/{uid}")
    return "".join(out)


class _Answer(Protocol):
    """A streamed answer, from httpx or from ``BulkGet``."""

    status_code: int
    headers: httpx.Headers

    def pieces(self) -> Iterable[bytes | memoryview]:
        """The body as it arrives."""
        ...

    def error(self) -> PlatformError:
        """What this error answer means (its body read only in part)."""
        ...


class _HttpxAnswer:
    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self.status_code = response.status_code
        self.headers = response.headers

    def pieces(self) -> Iterator[bytes]:
        return self._response.iter_bytes()  # as they arrive: the first piece times the body

    def error(self) -> PlatformError:
        return capped_error(self._response)


def no_auth(force_refresh: bool) -> dict[str, str]:
    """For servers without authentication."""
    return {}


class DicomWebClient:
    """One DICOMweb service (QIDO-RS + WADO-RS) at ``base_url``."""

    def __init__(
        self,
        client: httpx.Client,
        base_url: str,
        auth: AuthHeaders = no_auth,
        sleep: Callable[[float], None] = time.sleep,
        bulk: BulkGet | None = None,
    ) -> None:
        """``bulk``: where series are streamed through http.client (``BulkGet``) rather than
        ``client``; without it everything goes through ``client``."""
        check_url_security(base_url)
        self.client = client
        self._bulk = bulk
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self._sleep = sleep
        # The server refused ACCEPT_LOSSLESS once: every later request asks for the original.
        self.lossless_refused = False

    def _get_json(self, path: str, params: dict[str, str] | None = None) -> list[JsonObj]:
        url = f"{self.base_url}{path}"
        response = send(
            self.client,
            "GET",
            url,
            params=params,
            headers={**self.auth(False), "Accept": "application/dicom+json"},
        )
        if response.status_code == 401:
            response = send(
                self.client,
                "GET",
                url,
                params=params,
                headers={**self.auth(True), "Accept": "application/dicom+json"},
            )
        if response.status_code == 204:
            return []
        if response.status_code >= 400:
            raise error_from_response(response)
        try:
            body = response.json()
        except ValueError as exc:
            raise PlatformError(ErrorKind.BAD_RESPONSE, "QIDO answer is not JSON") from exc
        if not isinstance(body, list):
            raise PlatformError(ErrorKind.BAD_RESPONSE, "QIDO answer is not a list")
        return body

    def thumbnail(self, study_uid: str, series_uid: str) -> bytes:
        """A rendered thumbnail of a series (JPEG or PNG bytes). Raises PlatformError."""
        path = uid_path(("studies", study_uid), ("series", series_uid))
        url = f"{self.base_url}{path}/thumbnail"
        headers = {**self.auth(False), "Accept": "image/jpeg, image/png"}
        response = send(self.client, "GET", url, headers=headers)
        if response.status_code >= 400:
            raise error_from_response(response)
        return response.content

    def search_series(self, study_uid: str) -> list[JsonObj]:
        """QIDO-RS series of a study (DICOM JSON)."""
        return self._get_json(f"{uid_path(('studies', study_uid))}/series")

    def search_study_instances(self, study_uid: str) -> list[JsonObj]:
        """QIDO-RS instances of a whole study, with their number of frames (DICOM JSON)."""
        path = uid_path(("studies", study_uid))
        return self._get_json(f"{path}/instances", {"includefield": "00280008"})

    def search_instances(self, study_uid: str, series_uid: str) -> list[JsonObj]:
        """QIDO-RS instances of a series (DICOM JSON)."""
        path = uid_path(("studies", study_uid), ("series", series_uid))
        return self._get_json(f"{path}/instances")

    def retrieve(
        self,
        path: str,
        sink: InstanceSink,
        cancel: threading.Event | None = None,
        received: list[str] | None = None,
        accept: str = ACCEPT_ORIGINAL,
        on_body: Callable[[int], None] | None = None,
        bulk: bool = False,
    ) -> list[str]:
        """Stream a WADO-RS multipart answer at ``path``; each instance goes to ``sink`` as it
        completes. Returns the SOP UIDs received. ``bulk``: a large answer (a series), read
        through the client's ``BulkGet`` where it has one for the address.

        ``accept`` is the Accept header (ACCEPT_LOSSLESS asks for a compressed lossless
        syntax); a server that refuses it (406, or 400/415/500/501 from servers that answer
        so) is asked again for the stored syntax, and ``lossless_refused`` is set so that
        later requests ask for that at once. ``on_body(size)`` is called when the first piece of
        a successful answer's body has arrived, with its size in bytes (to time the body
        without the server's latency).

        Raises PlatformError (NETWORK with the count when the stream broke off after some
        instances; ``received`` then lists what did arrive), or Cancelled.
        """
        if received is None:
            received = []
        if self.lossless_refused:
            accept = ACCEPT_ORIGINAL

        def open_part(headers: dict[str, str]) -> BinaryIO:
            return io.BytesIO()

        def close_part(headers: dict[str, str], part: BinaryIO) -> None:
            part.seek(0)
            received.append(sink(part))

        url = f"{self.base_url}{path}"
        bulk_get = self._bulk if bulk else None
        if bulk_get is not None and not bulk_get.serves(url):
            bulk_get = None
        refreshed = False
        attempt = 0
        while True:  # ends: one refresh at most, and retries only below _STREAM_ATTEMPTS
            attempt += 1
            headers = {**self.auth(refreshed), "Accept": accept}
            try:
                with self._get(url, headers, bulk_get) as response:
                    if response.status_code == 401:
                        if refreshed:
                            raise PlatformError(ErrorKind.AUTH, "session expired", 401)
                        refreshed, attempt = True, attempt - 1  # a refresh is no retry
                        continue
                    # the bodies of refusals and retries are not read: closing the answer
                    # drops them with the connection, however long they are
                    if response.status_code in _REFUSED_SYNTAX and accept != ACCEPT_ORIGINAL:
                        log.info("server refused %d a compressed syntax", response.status_code)
                        self.lossless_refused = True
                        accept, attempt = ACCEPT_ORIGINAL, attempt - 1  # no retry either
                        continue
                    wait = self._wait_before_retry(response, attempt)
                    if wait is not None:
                        log.info("series answered %d, retry %d", response.status_code, attempt)
                        self._sleep(wait)
                        continue
                    if response.status_code >= 400:
                        raise response.error()
                    boundary = boundary_from_content_type(response.headers.get("content-type", ""))
                    reader = MultipartReader(
                        boundary, open_part, close_part, max_part_bytes=INFLATED_LIMIT_BYTES
                    )
                    for chunk in response.pieces():
                        if cancel is not None and cancel.is_set():
                            raise Cancelled()
                        if on_body is not None:
                            on_body(len(chunk))
                            on_body = None
                        reader.feed(chunk)
                        if reader.finished:
                            break  # the closing delimiter came: an epilogue is not waited for
                    reader.close()
                    return received
            except MultipartTruncated as exc:
                raise PlatformError(
                    ErrorKind.NETWORK, f"download broke off after {exc.complete_parts} image(s)"
                ) from exc
            except MultipartError as exc:
                raise PlatformError(ErrorKind.BAD_RESPONSE, str(exc)) from exc
            except httpx.HTTPError as exc:
                raise transport_error(exc) from exc

    def _get(
        self, url: str, headers: dict[str, str], bulk_get: BulkGet | None
    ) -> AbstractContextManager[_Answer]:
        if bulk_get is not None:
            return bulk_get.get(url, headers)
        return self._httpx_get(url, headers)

    @contextmanager
    def _httpx_get(self, url: str, headers: dict[str, str]) -> Iterator[_Answer]:
        with self.client.stream("GET", url, headers=headers) as response:
            yield _HttpxAnswer(response)

    @staticmethod
    def _wait_before_retry(response: _Answer, attempt: int) -> float | None:
        # A temporary refusal (408/425/429/5xx) is asked again after its Retry-After when
        # that is short, else after a back-off; None: no retry (answer it as it is).
        if response.status_code not in RETRY_STATUSES or attempt >= _STREAM_ATTEMPTS:
            return None
        asked = retry_after_s(response.headers.get("retry-after"))
        if asked is not None and asked > MAX_INLINE_WAIT_S:
            return None
        return max(asked or 0.0, 0.25 * 2.0 ** (attempt - 1))

    def retrieve_series(
        self,
        study_uid: str,
        series_uid: str,
        sink: InstanceSink,
        expected: Iterable[str] = (),
        cancel: threading.Event | None = None,
    ) -> list[str]:
        """All instances of a series, streamed. If the stream breaks off, the missing
        ``expected`` instances are fetched one by one (so a partial series completes).

        Returns the SOP UIDs received. Raises PlatformError if some are still missing.
        """
        check_url_security(self.base_url)
        path = uid_path(("studies", study_uid), ("series", series_uid))
        received: list[str] = []
        try:
            return self.retrieve(path, sink, cancel, received, bulk=True)
        except PlatformError as exc:
            arrived = set(received)
            missing = [uid for uid in expected if uid not in arrived]
            if not missing or not (exc.retryable or exc.kind is ErrorKind.BAD_RESPONSE):
                raise
            log.info(
                "series stream failed after %d (%s); fetching %d singly",
                len(received),
                exc.kind,
                len(missing),
            )
            for uid in missing:
                if cancel is not None and cancel.is_set():
                    raise Cancelled() from exc
                for attempt in range(3):
                    try:
                        single = path + uid_path(("instances", uid))
                        self.retrieve(single, sink, cancel, received)
                        break
                    except PlatformError as again:
                        asked_long = (again.retry_after_s or 0.0) > MAX_INLINE_WAIT_S
                        if attempt == 2 or not again.retryable or asked_long:
                            raise
            return received
