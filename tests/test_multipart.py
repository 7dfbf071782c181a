"""The streaming multipart/related parser (pure, no server)."""

from __future__ import annotations

import io
from typing import BinaryIO

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workstation.dicomweb.multipart import (
    MultipartError,
    MultipartReader,
    MultipartTruncated,
    boundary_from_content_type,
)

pytestmark = pytest.mark.unit
BOUNDARY = "b0undary"


def _encode(parts: list[bytes], *, closing: bool = True, lengths: bool = True) -> bytes:
    out = bytearray(b"preamble to ignore\r\n")
    for body in parts:
        out += f"--{BOUNDARY}\r\nContent-Type: application/dicom\r\n".encode()
        if lengths:
            out += f"Content-Length: {len(body)}\r\n".encode()
        out += b"\r\n" + body + b"\r\n"
    if closing:
        out += f"--{BOUNDARY}--\r\nepilogue".encode()
    return bytes(out)


def _parse(data: bytes, chunk_sizes: list[int]) -> tuple[list[bytes], MultipartReader]:
    got: list[bytes] = []

    def open_part(headers: dict[str, str]) -> BinaryIO:
        assert headers["content-type"] == "application/dicom"
        return io.BytesIO()

    def close_part(headers: dict[str, str], sink: BinaryIO) -> None:
        assert isinstance(sink, io.BytesIO)
        got.append(sink.getvalue())

    reader = MultipartReader(BOUNDARY, open_part, close_part)
    pos, i = 0, 0
    while pos < len(data):
        size = chunk_sizes[i % len(chunk_sizes)] if chunk_sizes else len(data)
        reader.feed(data[pos : pos + size])
        pos += size
        i += 1
    return got, reader


_bodies = st.lists(
    st.binary(max_size=300).filter(lambda b: f"\r\n--{BOUNDARY}".encode() not in b + b"\r\n"),
    max_size=6,
)


@settings(max_examples=200, deadline=None)
@given(parts=_bodies, chunks=st.lists(st.integers(1, 97), max_size=5))
def test_any_chunking_gives_the_same_parts(parts: list[bytes], chunks: list[int]) -> None:
    got, reader = _parse(_encode(parts), chunks)
    reader.close()
    assert got == parts


def test_bodies_that_look_like_delimiters_survive() -> None:
    tricky = [f"--{BOUNDARY}".encode(), f"\r\n--{BOUNDARY[:-1]}x".encode(), b"\r\n\r\n--"]
    got, reader = _parse(_encode(tricky), [3])
    reader.close()
    assert got == tricky


def test_truncated_body_keeps_complete_parts() -> None:
    data = _encode([b"A" * 1000, b"B" * 1000, b"C" * 1000], closing=False)
    data = data[: data.index(b"C" * 10) + 500]
    got, reader = _parse(data, [64])
    with pytest.raises(MultipartTruncated) as caught:
        reader.close()
    assert got == [b"A" * 1000, b"B" * 1000]
    assert caught.value.complete_parts == 2


@pytest.mark.parametrize("declared", [9, 3])
def test_length_mismatch_is_an_error(declared: int) -> None:
    data = _encode([b"12345"]).replace(b"Content-Length: 5", f"Content-Length: {declared}".encode())
    with pytest.raises(MultipartError, match=f"header says: after {declared} bytes"):
        _parse(data, [])


@settings(max_examples=100, deadline=None)
@given(parts=_bodies, chunks=st.lists(st.integers(1, 97), max_size=5))
def test_parts_without_lengths_end_at_the_delimiter(parts: list[bytes], chunks: list[int]) -> None:
    got, reader = _parse(_encode(parts, lengths=False), chunks)
    reader.close()
    assert got == parts


def test_a_part_with_its_length_may_hold_the_delimiter() -> None:
    body = f"xx\r\n--{BOUNDARY}\r\nyy".encode()
    got, reader = _parse(_encode([body, b"next"]), [5])
    reader.close()
    assert got == [body, b"next"]


def test_boundary_from_content_type() -> None:
    ct = 'multipart/related; type="application/dicom"; boundary="abc def"'
    assert boundary_from_content_type(ct) == "abc def"
    with pytest.raises(MultipartError):
        boundary_from_content_type("application/json")
    with pytest.raises(MultipartError):
        boundary_from_content_type("multipart/related; type=application/dicom")


@pytest.mark.parametrize("declared", ["²", "9" * 5000, "-5", "0x10", "1e3"])
def test_a_content_length_that_is_not_a_number_is_not_trusted(declared: str) -> None:
    data = _encode([b"12345", b"67"]).replace(
        b"Content-Length: 5", f"Content-Length: {declared}".encode()
    )
    got, reader = _parse(data, [4])
    reader.close()
    assert got == [b"12345", b"67"]


@pytest.mark.parametrize("lengths", [True, False])
def test_a_part_beyond_the_size_limit_is_an_error(lengths: bool) -> None:
    data = _encode([b"x" * 5000], lengths=lengths)
    reader = MultipartReader(BOUNDARY, lambda headers: io.BytesIO(), lambda h, p: None, 4096)

    def feed_all() -> None:
        for start in range(0, len(data), 512):
            reader.feed(data[start : start + 512])

    with pytest.raises(MultipartError, match="larger than"):
        feed_all()
