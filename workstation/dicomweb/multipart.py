"""Streaming parser for multipart/related bodies (RFC 2046), as WADO-RS sends instances.

Each part's body is written into a sink as it arrives, so a series is never held twice in
memory; a body that ends before the closing delimiter raises ``MultipartTruncated`` after
the complete parts were delivered. A part whose header gives its Content-Length is taken
by that length (its bytes are not searched for the delimiter, which must then follow);
others end at the delimiter.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum, auto
from typing import BinaryIO


class MultipartError(ValueError):
    """The body is not well-formed multipart."""


class MultipartTruncated(MultipartError):
    """The body ended before the closing delimiter; ``complete_parts`` arrived whole."""

    def __init__(self, complete_parts: int) -> None:
        super().__init__(f"multipart body truncated after {complete_parts} complete part(s)")
        self.complete_parts = complete_parts


def boundary_from_content_type(content_type: str) -> str:
    """The ``boundary`` parameter of a multipart Content-Type. Raises MultipartError."""
    media, *params = (p.strip() for p in content_type.split(";"))
    if not media.lower().startswith("multipart/"):
        raise MultipartError(f"not a multipart response: {media or 'no content type'}")
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "boundary":
            value = value.strip().strip('"')
            if value:
                return value
    raise MultipartError("multipart response without a boundary")


class _State(Enum):
    PREAMBLE = auto()
    AFTER_DELIMITER = auto()
    HEADERS = auto()
    BODY = auto()
    DONE = auto()


PartOpener = Callable[[dict[str, str]], BinaryIO]
PartCloser = Callable[[dict[str, str], BinaryIO], None]


class MultipartReader:
    """Push parser: ``feed`` chunks as they arrive, then ``close``.

    ``open_part(headers)`` returns a writable binary sink for a part's body;
    ``close_part(headers, sink)`` is called when that part is complete.
    Header names are lower-cased.
    """

    def __init__(
        self,
        boundary: str,
        open_part: PartOpener,
        close_part: PartCloser,
        max_part_bytes: int | None = None,
    ) -> None:
        """``max_part_bytes``: a part growing beyond it raises MultipartError (a hostile or
        broken server's endless part is not held in memory)."""
        self._first = b"--" + boundary.encode("ascii")
        self._delimiter = b"\r\n--" + boundary.encode("ascii")
        self._open_part = open_part
        self._close_part = close_part
        self._buffer = bytearray()
        self._state = _State.PREAMBLE
        self._headers: dict[str, str] = {}
        self._sink: BinaryIO | None = None
        self._written = 0
        self._remaining: int | None = None  # body bytes still due by its Content-Length
        self._max_part_bytes = max_part_bytes
        self.complete_parts = 0

    @property
    def finished(self) -> bool:
        """True once the closing delimiter was seen."""
        return self._state is _State.DONE

    def feed(self, chunk: bytes | memoryview) -> None:
        """Consume the next piece of the body. Raises MultipartError on malformed input."""
        if self._state is _State.DONE:
            return  # the epilogue is ignored
        if self._remaining and not self._buffer and self._sink is not None:
            # the body's bytes straight from the chunk, without a pass through the buffer
            view = memoryview(chunk)
            take = min(self._remaining, len(view))
            self._sink.write(view[:take])
            self._written += take
            self._remaining -= take
            chunk = view[take:]
        self._buffer += chunk
        while self._step():
            pass

    def close(self) -> None:
        """The body has ended. Raises MultipartTruncated unless the closing delimiter came."""
        if self._state is not _State.DONE:
            raise MultipartTruncated(self.complete_parts)

    def _step(self) -> bool:
        buf = self._buffer
        if self._state is _State.PREAMBLE:
            if buf.startswith(self._first):
                del buf[: len(self._first)]
            else:
                index = buf.find(self._delimiter)
                if index < 0:
                    keep = len(self._delimiter) - 1
                    if len(buf) > keep:
                        del buf[: len(buf) - keep]
                    return False
                del buf[: index + len(self._delimiter)]
            self._state = _State.AFTER_DELIMITER
            return True
        if self._state is _State.AFTER_DELIMITER:
            if len(buf) < 2:
                return False
            if buf[:2] == b"--":
                self._state = _State.DONE
                buf.clear()
                return False
            end = buf.find(b"\r\n")
            if end < 0:
                if len(buf) > 1024:
                    raise MultipartError("garbage after a multipart delimiter")
                return False
            if buf[:end].strip(b" \t"):
                raise MultipartError("garbage after a multipart delimiter")
            del buf[: end + 2]
            self._state = _State.HEADERS
            return True
        if self._state is _State.HEADERS:
            if buf.startswith(b"\r\n"):
                head, rest = b"", 2
            else:
                end = buf.find(b"\r\n\r\n")
                if end < 0:
                    if len(buf) > 64 * 1024:
                        raise MultipartError("multipart part headers too long")
                    return False
                head, rest = bytes(buf[:end]), end + 4
            self._headers = _parse_headers(head)
            del buf[:rest]
            self._sink = self._open_part(self._headers)
            self._written = 0
            self._remaining = _declared_length(self._headers)
            if self._remaining is not None:
                self._check_size(self._remaining)
            self._state = _State.BODY
            return True
        if self._state is _State.BODY and self._remaining is not None:
            return self._step_by_length(buf)
        if self._state is _State.BODY:
            assert self._sink is not None
            index = buf.find(self._delimiter)
            if index < 0:
                safe = len(buf) - (len(self._delimiter) - 1)
                if safe > 0:
                    self._check_size(self._written + safe)
                    _write_prefix(self._sink, buf, safe)
                    self._written += safe
                    del buf[:safe]
                return False
            # (a part with a usable Content-Length is taken by it: _step_by_length)
            _write_prefix(self._sink, buf, index)
            self._written += index
            del buf[: index + len(self._delimiter)]
            self._end_part()
            return True
        return False

    def _end_part(self) -> None:
        """The part's delimiter was consumed: hand the part over, look for the next."""
        assert self._sink is not None
        self._close_part(self._headers, self._sink)
        self._sink = None
        self._remaining = None
        self.complete_parts += 1
        self._state = _State.AFTER_DELIMITER

    def _check_size(self, size: int) -> None:
        if self._max_part_bytes is not None and size > self._max_part_bytes:
            raise MultipartError(
                f"part {self.complete_parts + 1} is larger than the "
                f"{self._max_part_bytes // 2**20:,} MiB an image may have"
            )

    def _step_by_length(self, buf: bytearray) -> bool:
        assert self._sink is not None
        assert self._remaining is not None
        if self._remaining:
            take = min(self._remaining, len(buf))
            _write_prefix(self._sink, buf, take)
            del buf[:take]
            self._written += take
            self._remaining -= take
            if self._remaining:
                return False
        if len(buf) < len(self._delimiter):
            return False
        if not buf.startswith(self._delimiter):
            raise MultipartError(
                f"part {self.complete_parts + 1} does not end where its header says: "
                f"after {self._written} bytes"
            )
        del buf[: len(self._delimiter)]
        self._end_part()
        return True


_MAX_LENGTH_DIGITS = 15


def _declared_length(headers: dict[str, str]) -> int | None:
    """A part's Content-Length when it is one (ASCII digits, at most 15 of them), else None
    (the part then ends at the delimiter)."""
    value = headers.get("content-length", "")
    if value.isascii() and value.isdigit() and len(value) <= _MAX_LENGTH_DIGITS:
        return int(value)
    return None


def _write_prefix(sink: BinaryIO, buf: bytearray, count: int) -> None:
    # Write without copying; the views are released before the buffer is resized.
    with memoryview(buf) as view, view[:count] as part:
        sink.write(part)


def _parse_headers(block: bytes) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in block.decode("latin-1").split("\r\n"):
        if not line.strip():
            continue
        name, sep, value = line.partition(":")
        if not sep:
            raise MultipartError(f"malformed part header line: {line[:80]!r}")
        headers[name.strip().lower()] = value.strip()
    return headers
