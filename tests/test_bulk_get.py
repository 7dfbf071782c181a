"""Series streamed through ``BulkGet`` (http.client) against the real sandbox: the same bytes
as through httpx, and the same handling of what goes wrong (server errors retried, an
expired token refreshed, a broken stream completed instance by instance, a hanging server
timed out, a cancel obeyed); a proxy in the environment sends the series through httpx."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import BinaryIO

import httpx
import pytest
from pydicom import dcmread

from tests.conftest import DEMO_PASSWORD, Sandbox
from workstation.config import PlatformEntry
from workstation.dicomweb.bulk_get import BulkAnswer, BulkGet
from workstation.dicomweb.client import Cancelled, DicomWebClient
from workstation.http import ErrorKind, PlatformError
from workstation.model import ImagingStudyRef, SeriesRef
from workstation.services import Connection, sign_in

pytestmark = pytest.mark.e2e


class CountingBulk(BulkGet):
    """A BulkGet that counts its requests (to know the series really came this way)."""

    def __init__(self, piece_bytes: int = 1 << 20) -> None:
        super().__init__(piece_bytes=piece_bytes)
        self.requests = 0

    def get(self, url: str, headers: dict[str, str]) -> AbstractContextManager[BulkAnswer]:
        self.requests += 1
        return super().get(url, headers)


@pytest.fixture
def connection(clean_faults: Sandbox) -> Iterator[Connection]:
    signed_in = sign_in(
        PlatformEntry("Sandbox", clean_faults.base_url),
        "dr.li",
        DEMO_PASSWORD,
        remember=False,
        secrets=None,
    )
    yield signed_in
    signed_in.sign_out()


def _ct(connection: Connection) -> tuple[ImagingStudyRef, SeriesRef]:
    results = [r for page in connection.platform.results("p0001") for r in page.results]
    ct = next(r for r in results if r.modality == "CT")
    study = connection.platform.imaging_study(ct.imaging_study_ids[0])
    return study, study.series[0]


def _client(connection: Connection, base: str, bulk: BulkGet | None) -> DicomWebClient:
    def auth(force_refresh: bool) -> dict[str, str]:
        return {"Authorization": f"Bearer {connection.session.bearer(force_refresh=force_refresh)}"}

    return DicomWebClient(connection.client, base, auth, bulk=bulk)


def _collect(into: list[bytes]) -> object:
    def sink(part: BinaryIO) -> str:
        into.append(part.read())
        return str(len(into))

    return sink


def test_a_series_through_bulk_is_byte_for_byte_the_one_through_httpx(
    connection: Connection,
) -> None:
    study, series = _ct(connection)
    bulk = CountingBulk()
    through_bulk: list[bytes] = []
    through_httpx: list[bytes] = []
    _client(connection, study.dicomweb_url, bulk).retrieve_series(
        study.study_uid,
        series.uid,
        _collect(through_bulk),  # type: ignore[arg-type]
    )
    _client(connection, study.dicomweb_url, None).retrieve_series(
        study.study_uid,
        series.uid,
        _collect(through_httpx),  # type: ignore[arg-type]
    )
    assert bulk.requests == 1
    assert len(through_bulk) == len(series.instances)
    assert through_bulk == through_httpx


def test_the_platform_connection_streams_series_through_bulk(connection: Connection) -> None:
    study, _series = _ct(connection)
    client = connection.dicomweb(study.dicomweb_url)
    assert isinstance(connection.bulk, BulkGet)
    assert client._bulk is connection.bulk


def test_server_errors_are_retried_then_end_in_a_clear_error(
    clean_faults: Sandbox, connection: Connection
) -> None:
    study, series = _ct(connection)
    bulk = CountingBulk()
    client = _client(connection, study.dicomweb_url, bulk)
    client._sleep = lambda seconds: None  # no back-off waits in the test
    clean_faults.set_faults(error_rate=1.0)
    with pytest.raises(PlatformError) as caught:
        client.retrieve_series(study.study_uid, series.uid, _collect([]))  # type: ignore[arg-type]
    assert caught.value.kind is ErrorKind.SERVER
    assert caught.value.retryable
    assert "injected 503" in caught.value.detail
    assert bulk.requests == 3


def test_an_expired_token_is_refreshed(clean_faults: Sandbox, connection: Connection) -> None:
    study, series = _ct(connection)
    bulk = CountingBulk()
    before = connection.session.bearer()
    httpx.post(
        f"{clean_faults.base_url}/_sandbox/expire-tokens",
        headers={"X-Sandbox-Control-Key": clean_faults.control_key},
    ).raise_for_status()
    parts: list[bytes] = []
    _client(connection, study.dicomweb_url, bulk).retrieve_series(
        study.study_uid,
        series.uid,
        _collect(parts),  # type: ignore[arg-type]
    )
    assert len(parts) == len(series.instances)
    assert connection.session.bearer() != before
    assert bulk.requests == 2  # refused once (401), then with the new token


def test_a_broken_stream_is_completed_instance_by_instance(
    clean_faults: Sandbox, connection: Connection
) -> None:
    study, series = _ct(connection)
    bulk = CountingBulk()
    clean_faults.set_faults(truncate_multipart=True)
    expected = [i.sop_instance_uid for i in series.instances]

    def sink(part: BinaryIO) -> str:
        return str(dcmread(part, stop_before_pixels=True).SOPInstanceUID)

    client = _client(connection, study.dicomweb_url, bulk)
    got = client.retrieve_series(study.study_uid, series.uid, sink, expected)
    assert bulk.requests == 1  # the stream; the missing instances came one by one
    assert sorted(set(got)) == sorted(expected)


def test_a_cancel_stops_the_stream(connection: Connection) -> None:
    study, series = _ct(connection)
    cancel = threading.Event()
    parts: list[bytes] = []

    def sink(part: BinaryIO) -> str:
        parts.append(part.read())
        cancel.set()
        return ""

    with pytest.raises(Cancelled):
        _client(connection, study.dicomweb_url, CountingBulk(4096)).retrieve_series(
            study.study_uid, series.uid, sink, (), cancel
        )
    assert len(parts) < len(series.instances)


def test_a_server_that_never_answers_times_out() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def accept() -> None:
        connection, _ = listener.accept()
        accepted.append(connection)  # kept open, never answered

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    port = listener.getsockname()[1]
    bulk = BulkGet(read_timeout_s=0.5)
    start = time.monotonic()
    try:
        with pytest.raises(PlatformError) as caught, bulk.get(f"http://127.0.0.1:{port}/x", {}):
            pass
        assert caught.value.kind is ErrorKind.TIMEOUT
        assert time.monotonic() - start < 5
    finally:
        for connection in accepted:
            connection.close()
        listener.close()


def test_plain_http_off_this_machine_is_refused() -> None:
    with pytest.raises(PlatformError) as caught, BulkGet().get("http://pacs.example/x", {}):
        pass
    assert caught.value.kind is ErrorKind.INSECURE


@pytest.mark.parametrize(
    ("variables", "url", "served"),
    [
        ({}, "https://pacs.example/dicomweb", True),
        ({"https_proxy": "http://proxy.example:3128"}, "https://pacs.example/dicomweb", False),
        ({"HTTPS_PROXY": "http://proxy.example:3128"}, "https://pacs.example/dicomweb", False),
        (  # NO_PROXY is left to httpx: its matching differs from the standard library's
            {"https_proxy": "http://proxy.example:3128", "no_proxy": ".pacs.example"},
            "https://pacs.example/dicomweb",
            False,
        ),
        ({"http_proxy": "http://proxy.example:3128"}, "https://pacs.example/dicomweb", True),
        ({"all_proxy": "http://proxy.example:3128"}, "https://pacs.example/dicomweb", False),
    ],
)
def test_a_proxy_in_the_environment_leaves_the_series_to_httpx(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], url: str, served: bool
) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert BulkGet().serves(url) is served


@pytest.mark.parametrize(
    "uid", ["1.2/../../admin", "1.2?x=1", "1.2\r\nX-Evil: 1", "1..2", "１.２", "", "1" * 65]
)
def test_a_uid_that_is_not_one_is_never_sent(uid: str) -> None:
    client = DicomWebClient(httpx.Client(), "http://127.0.0.1:9", bulk=BulkGet())
    with pytest.raises(PlatformError) as caught:
        client.retrieve_series("1.2.3", uid, lambda part: "")
    assert caught.value.kind is ErrorKind.BAD_RESPONSE
    with pytest.raises(PlatformError):
        client.search_instances(uid, "1.2.3")


def test_a_header_http_refuses_is_a_clear_error_without_the_token() -> None:
    client = DicomWebClient(
        httpx.Client(),
        "http://127.0.0.1:9",
        lambda force_refresh: {"Authorization": "Bearer SECRET-TOKEN\nX-Evil: 1"},
        bulk=BulkGet(),
    )
    with pytest.raises(PlatformError) as caught:
        client.retrieve_series("1.2.3", "1.2.4", lambda part: "")
    assert "SECRET" not in str(caught.value)
    assert caught.value.__suppress_context__


def _one_part_then_silence(listener: socket.socket, held: list[socket.socket]) -> None:
    connection, _ = listener.accept()
    held.append(connection)
    connection.recv(65536)
    body = b"--b\r\nContent-Type: application/dicom\r\n\r\nPART\r\n--b--\r\n"
    connection.sendall(
        b"HTTP/1.1 200 OK\r\n"
        b'Content-Type: multipart/related; type="application/dicom"; boundary=b\r\n\r\n' + body
    )  # no length, and the connection stays open: the body never ends


def test_a_series_is_complete_at_its_closing_delimiter() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    thread = threading.Thread(target=_one_part_then_silence, args=(listener, held), daemon=True)
    thread.start()
    port = listener.getsockname()[1]
    client = DicomWebClient(
        httpx.Client(), f"http://127.0.0.1:{port}", bulk=BulkGet(read_timeout_s=5)
    )
    parts: list[bytes] = []
    start = time.monotonic()
    try:
        client.retrieve_series("1.2.3", "1.2.4", _collect(parts))  # type: ignore[arg-type]
        assert parts == [b"PART"]
        assert time.monotonic() - start < 3  # not the read timeout
    finally:
        for connection in held:
            connection.close()
        listener.close()
