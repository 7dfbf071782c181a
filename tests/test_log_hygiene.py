"""No patient data or secrets in the log (issue 19): messages are constant text with
allow-listed arguments (workstation/logs.py), checked at every logger call site, and the
redaction patterns are the second net, tested on every case the issue lists."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import pytest

from workstation.http import ErrorKind, PlatformError
from workstation.logs import safe, setup_logging, shutdown_logging
from workstation.redact import redact

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parent.parent
ID_NUMBER = "110101199003074514"


# --- the second net: patterns ------------------------------------------------------------------

LEAKS = [
    # (text, what must not survive)
    ("{'password': 'hunter2'}", "hunter2"),
    ("{'password': 'correct horse battery'}", "horse"),
    ("{'username': 'dr.li', 'password': 'a&b,c\"d'}", "a&b"),
    ('{"password": "x \\" y", "user": "dr.li"}', "x \\"),
    ("password=my secret pass&username=dr.li", "secret"),
    ('password=a,b"c', "a,b"),
    ("grant_type=password&password=p%26ss w0rd&client_id=x", "w0rd"),
    ("token=abc123def", "abc123def"),
    ("refresh_token=rt-9f8e7d&x=1", "rt-9f8e7d"),
    ("GET /callback?code=SplxlOBeZQQYbYS6WxSbIA&state=xyz", "SplxlOBeZQQYbYS6WxSbIA"),
    ("{'code': 'authz-code-1'}", "authz-code-1"),
    ("Authorization: Bearer abc.def-ghi", "abc.def-ghi"),
    ("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkci5saSJ9.c2ln", "eyJzdWIiOiJkci5saSJ9"),
    (f"ID{ID_NUMBER}abc", "199003074"),
    (f"file_P{ID_NUMBER}_CT.dcm", "199003074"),
    (f"identifier=resident-id%3A{ID_NUMBER}", "199003074"),
    (f"identifier=https%3A%2F%2Fx%2Fresident-id%7C{ID_NUMBER}", "199003074"),
    (f"/fhir/Patient%2F{ID_NUMBER}", "199003074"),
    ("11010519491231002X", "194912310"),
    ("old card 110101900307451 here", "900307"),
    ("110101 19900307 4514", "19900307"),
    ("110101-19900307-451X", "19900307"),
    ("１１０１０１１９９００３０７４５１４", "199003074"),
    ("ID:１１０１０１１９９００３０７４５１Ｘ", "199003074"),
    ("13812345678", "1234"),
    ("+86 138 1234 5678", "1234"),
    ("+8613812345678", "1234"),
    ("8613812345678", "1234"),
    ("86-138-1234-5678", "1234"),
    ("138-1234-5678", "1234"),
    ("0086 138 1234 5678", "1234"),
    ("phone%3D13812345678%26x", "1234"),
]


@pytest.mark.parametrize(("text", "secret"), LEAKS)
def test_the_patterns_catch_every_listed_case(text: str, secret: str) -> None:
    out = redact(text)
    assert secret not in out, out


@pytest.mark.parametrize(
    "text",
    [
        "GET /fhir/… answered 503, retry 1",
        "item_code=JY007 seen 3 times",
        "window 1 not used: width 0.5 is below 1",
        "series of 120 image(s), 63.2 MiB",
        "overlay 6000 not shown",
        "2026-11-23 10:00:01 INFO workstation.http: ok",
    ],
)
def test_the_patterns_leave_ordinary_lines_alone(text: str) -> None:
    assert redact(text) == text


def test_masks_keep_the_shape_that_support_can_read() -> None:
    assert redact(ID_NUMBER) == "1101**********4514"
    assert redact("+86 138 1234 5678") == "138****5678"


# --- the first net: an allow-list of what a message may carry ---------------------------------


def _file_text(tmp_path: Path, emit: object) -> str:
    path = setup_logging(tmp_path, to_stderr=False)
    try:
        emit()  # type: ignore[operator]
    finally:
        shutdown_logging()
    return path.read_text(encoding="utf-8")


def test_only_allow_listed_arguments_reach_the_log_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    log = logging.getLogger("workstation.test")
    server_words = "患者 李静 (ID 5101 0419 9001 0112 34) 已存在"

    def emit() -> None:
        log.warning("search for %s failed", "李静")
        log.warning("patient %s", ID_NUMBER)
        log.warning("form %s", {"password": "hunter 2"})
        log.warning("task refused: %s", PlatformError(ErrorKind.REJECTED, server_words, 422))
        log.warning("parse failed: %s", ValueError(f"bad note {server_words}"))
        log.warning("%d of %d sent, kind %s, retry %s", 2, 3, ErrorKind.BUSY, safe("later"))
        log.warning("note %(note)s", {"note": "胸痛三天"})
        log.warning(["list-item-leak"])

    with caplog.at_level(logging.WARNING, logger="workstation.test"):
        text = _file_text(tmp_path, emit)
    for leak in ("李静", ID_NUMBER, "hunter", "5101", "胸痛", "bad note", "list-item-leak"):
        assert leak not in text, leak
    assert "search for <withheld str> failed" in text
    assert "form {'password': '<redacted>'}" in text  # a lone dict is a mapping; both nets
    assert "task refused: PlatformError(rejected 422)" in text
    assert "parse failed: ValueError" in text
    assert "2 of 3 sent, kind busy, retry later" in text
    assert "<withheld list>" in text
    # other handlers (here pytest's) still get the record as it was made
    assert any("李静" in r.getMessage() for r in caplog.records)


def test_tracebacks_go_through_the_second_net(tmp_path: Path) -> None:
    log = logging.getLogger("workstation.test")

    def emit() -> None:
        try:
            raise ValueError(f"patient {ID_NUMBER} password=hunter2 token=abc")
        except ValueError:
            log.exception("failed")

    text = _file_text(tmp_path, emit)
    assert "Traceback" in text
    assert ID_NUMBER not in text
    assert "hunter2" not in text
    assert "token=abc" not in text


# --- every logger call site --------------------------------------------------------------------

_LEVELS = {"debug", "info", "warning", "error", "exception", "critical", "log"}


def _logger_calls(tree: ast.AST) -> list[ast.Call]:
    calls = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _LEVELS
            and isinstance(node.func.value, ast.Name | ast.Call)
            and (
                (isinstance(node.func.value, ast.Name) and node.func.value.id in ("log", "logger"))
                or (
                    isinstance(node.func.value, ast.Call)
                    and isinstance(node.func.value.func, ast.Attribute)
                    and node.func.value.func.attr == "getLogger"
                )
            )
        ):
            calls.append(node)
    return calls


def _sources() -> list[Path]:
    return [
        *sorted((ROOT / "workstation").rglob("*.py")),
        *sorted((ROOT / "ui").rglob("*.py")),
        ROOT / "main.py",
    ]


def _is_text(node: ast.expr) -> bool:
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str)
    )


def _formats_text(node: ast.expr) -> bool:
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return isinstance(node.op, ast.Mod) or _is_text(node.left) or _is_text(node.right)
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    )


def test_every_log_message_is_constant_text() -> None:
    """A message built with an f-string, ``%``, ``+`` or ``.format`` would carry its values past
    the allow-list; each must be a literal with its values as arguments."""
    problems = []
    seen = 0
    for path in _sources():
        for call in _logger_calls(ast.parse(path.read_text(encoding="utf-8"))):
            seen += 1
            args = call.args[1:] if call.func.attr == "log" else call.args  # type: ignore[attr-defined]
            where = f"{path.relative_to(ROOT)}:{call.lineno}"
            if not args or not (
                isinstance(args[0], ast.Constant) and isinstance(args[0].value, str)
            ):
                problems.append(f"{where}: message is not a string literal")
                continue
            for arg in args[1:]:
                if _formats_text(arg):
                    problems.append(f"{where}: an argument is formatted text")
    assert seen > 50  # the walk found the call sites
    assert problems == []
