"""Logging: named loggers, a rotating file in the user log directory, and two nets that keep
patient data and secrets out of it.

The first net is an allow-list of what a log message may carry. Messages are constant text;
their arguments are the structured fields, and only these reach the file as they are: numbers,
booleans, None, members of our own Enums (error kinds, states), and text the call site vetted
with ``safe()`` (its own words, codes, type names). Any other argument, a plain ``str`` above
all (a name, an ID number, a note, a server's words), is written as ``<withheld str>``; an
exception as its type (and a PlatformError's kind and status), never its message. The second
net, ``redact``, masks identifiers and secrets in the whole formatted line and traceback.
"""

from __future__ import annotations

import copy
import logging
import logging.handlers
import os
import sys
from enum import Enum
from pathlib import Path
from types import TracebackType

from workstation.private_files import ensure_private_dir, make_private
from workstation.redact import redact

LOG_FILE = "workstation.log"
_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
# Loggers whose text is a library's own words about itself (Qt's messages, Python warnings):
# their text arguments are kept, under the second net.
_LIBRARY_TEXT_LOGGERS = ("qt", "py.warnings")


class Safe(str):
    """Text vetted to hold no patient data or secret (see ``safe``)."""

    __slots__ = ()


def safe(text: object) -> Safe:
    """Mark ``text`` as fit for the log as it is: the program's own words, a code, a kind, a
    type or DICOM keyword name, an HTTP method. Never a name, identifier, note, URL with a
    query, a server's message or anything typed by a person."""
    return Safe(str(text))


def allowed_arg(value: object) -> object:
    """What of one log argument may be written: the value itself when it is allow-listed,
    else a placeholder naming only its type."""
    if value is None or isinstance(value, bool | int | float | Safe):
        return value
    if isinstance(value, Enum):
        inner = value.value
        return inner if isinstance(inner, int | float) else Safe(str(inner))
    if isinstance(value, BaseException):
        from workstation.http import PlatformError  # http imports nothing from here

        if isinstance(value, PlatformError):
            status = f" {value.status}" if value.status is not None else ""
            return Safe(f"{type(value).__name__}({value.kind.value}{status})")
        return Safe(type(value).__name__)
    return Safe(f"<withheld {type(value).__name__}>")


class RedactingFormatter(logging.Formatter):
    """Formats a record with only allow-listed arguments (``allowed_arg``), then masks
    identifiers and secrets in the whole text, traceback included."""

    def format(self, record: logging.LogRecord) -> str:
        if not record.name.startswith(_LIBRARY_TEXT_LOGGERS):
            record = _allow_listed(record)
        return redact(super().format(record))


def _allow_listed(record: logging.LogRecord) -> logging.LogRecord:
    clean = copy.copy(record)  # other handlers (and pytest's caplog) see the original
    if not isinstance(clean.msg, str):
        clean.msg, clean.args = f"<withheld {type(clean.msg).__name__}>", ()
    elif isinstance(clean.args, tuple):
        clean.args = tuple(allowed_arg(a) for a in clean.args)
    elif isinstance(clean.args, dict):
        clean.args = {k: allowed_arg(v) for k, v in clean.args.items()}
    return clean


def setup_logging(log_dir: Path, *, level: int = logging.INFO, to_stderr: bool = True) -> Path:
    """Send all loggers to a rotating file (5 × 2 MB) in ``log_dir`` and optionally stderr.

    The directory is made private (0700) and the log files in it 0600, those of earlier
    runs included. Returns the log file's path. Raises OSError if the directory cannot be
    created.
    """
    ensure_private_dir(log_dir)
    path = log_dir / LOG_FILE
    for old in log_dir.glob(LOG_FILE + "*"):
        make_private(old)
    root = logging.getLogger()
    root.setLevel(level)
    shutdown_logging()
    formatter = RedactingFormatter(_FORMAT)
    previous = os.umask(0o077)  # the handler and its rotations create files 0600
    try:
        file_handler: logging.Handler = _PrivateRotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
        )
    finally:
        os.umask(previous)
    file_handler.setFormatter(formatter)
    handlers: list[logging.Handler] = [file_handler]
    if to_stderr:
        handlers.append(logging.StreamHandler(sys.stderr))
        handlers[-1].setFormatter(formatter)
    for handler in handlers:
        handler._workstation = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    # HTTP client libraries log every URL with its query string (which can carry ID card
    # numbers and names): only their warnings go to the log.
    for noisy in ("httpx", "httpcore", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # pydicom logs the offending element values of non-conformant files (UIDs built from
    # ID card numbers, names in IS/DS fields) at WARNING; the decoder reports the problem
    # in its own words, so pydicom's own lines stay out of the log.
    logging.getLogger("pydicom").setLevel(logging.CRITICAL)
    # pynetdicom writes its messages as finished text (the allow-list cannot hold its
    # arguments back) and, at DEBUG, whole PDUs with names and numbers: warnings only.
    logging.getLogger("pynetdicom").setLevel(logging.WARNING)
    logging.captureWarnings(True)
    return path


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log file whose every new file is created 0600."""

    def _open(self):  # type: ignore[no-untyped-def]
        stream = super()._open()
        make_private(Path(self.baseFilename))
        return stream


def shutdown_logging() -> None:
    """Detach and close the handlers ``setup_logging`` added (flushes the file)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_workstation", False):
            root.removeHandler(handler)
            handler.close()


def log_uncaught(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    """Write an uncaught exception with its traceback to the log (redacted by the formatter)."""
    logging.getLogger("workstation.crash").critical(
        "uncaught exception", exc_info=(exc_type, exc, tb)
    )
