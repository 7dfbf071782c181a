"""Logging: named loggers, a rotating file in the user log directory, identifiers redacted."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path
from types import TracebackType

from workstation.redact import redact

LOG_FILE = "workstation.log"
_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


class RedactingFormatter(logging.Formatter):
    """Formats a record, then masks identifiers and secrets in the whole text (traceback too)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def setup_logging(log_dir: Path, *, level: int = logging.INFO, to_stderr: bool = True) -> Path:
    """Send all loggers to a rotating file (5 × 2 MB) in ``log_dir`` and optionally stderr.

    Returns the log file's path. Raises OSError if the directory cannot be created.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_FILE
    root = logging.getLogger()
    root.setLevel(level)
    shutdown_logging()
    formatter = RedactingFormatter(_FORMAT)
    file_handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
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
    logging.captureWarnings(True)
    return path


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
