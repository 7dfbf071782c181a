"""The licences of what the frozen program ships: every distribution in the runtime dependency
closure of hr-workstation (its ``dependencies``, not the dev/sandbox/dist extras), each
licence read from its metadata and checked against an allow-list. No GPL or AGPL: the
program is proprietary and ships as a frozen binary. LGPL only for Qt (PySide6, shiboken6),
which the build loads as shared libraries a user can replace.

``python -m devtools.licences`` checks (exit 1 naming each refused package);
``--write PATH`` also writes the third-party notices (JSON) that the About dialog shows and
the frozen build bundles.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import asdict
from importlib import metadata
from pathlib import Path
from typing import Any

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import workstation
from workstation.third_party import Notice

PROJECT = "hr-workstation"
ALLOWED = frozenset(
    {
        "MIT",
        "MIT-0",
        "MIT-CMU",
        "BSD",
        "0BSD",
        "BSD-2-Clause",
        "BSD-3-Clause",
        "Apache-2.0",
        "PSF-2.0",
        "ISC",
        "MPL-2.0",
        "Zlib",
        "CC0-1.0",
        "HPND",
        "Unlicense",
    }
)
# Qt for Python under the LGPL: dynamically linked shared libraries in the build.
LGPL_ALLOWED_FOR = frozenset({"pyside6-essentials", "pyside6-addons", "pyside6", "shiboken6"})
LGPL = frozenset({"LGPL-3.0-only", "LGPL-3.0-or-later", "LGPL-2.1-only", "LGPL-2.1-or-later"})
# Classifiers (PEP 301 trove) as SPDX identifiers; unlisted ones leave the licence unknown.
CLASSIFIERS = {
    "License :: OSI Approved :: MIT License": "MIT",
    "License :: OSI Approved :: MIT No Attribution License (MIT-0)": "MIT-0",
    "License :: OSI Approved :: BSD License": "BSD",
    "License :: OSI Approved :: Apache Software License": "Apache-2.0",
    "License :: OSI Approved :: Python Software Foundation License": "PSF-2.0",
    "License :: OSI Approved :: ISC License (ISCL)": "ISC",
    "License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
    "License :: OSI Approved :: zlib/libpng License": "Zlib",
    "License :: OSI Approved :: GNU General Public License v2 (GPLv2)": "GPL-2.0-only",
    "License :: OSI Approved :: GNU General Public License v3 (GPLv3)": "GPL-3.0-only",
    "License :: OSI Approved :: GNU General Public License (GPL)": "GPL-3.0-or-later",
    "License :: OSI Approved :: GNU Affero General Public License v3": "AGPL-3.0-only",
    "License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)": "LGPL-3.0-only",
    "License :: OSI Approved :: GNU Lesser General Public License v2 (LGPLv2)": "LGPL-2.1-only",
}
# Free-text License fields that are not SPDX, read by hand (the package and what it says).
FREE_TEXT = {
    "reportlab": "BSD",  # "BSD license (see license.txt for details), Copyright ReportLab"
    # "BSD-3-Clause, Apache-2.0, dependency licenses": the binding is Apache-2.0 OR
    # BSD-3-Clause; PDFium's own dependencies (FreeType, libjpeg-turbo, ICU, …) are permissive.
    "pypdfium2": "Apache-2.0 OR BSD-3-Clause",
}
# Native libraries inside a wheel, beyond what its metadata names (shown with the notices).
BUNDLED = {
    "python-gdcm": "GDCM: BSD-3-Clause; with IJG libjpeg (IJG licence), CharLS (BSD-3-Clause), "
    "OpenJPEG (BSD-2-Clause), Expat (MIT), zlib (Zlib), OpenSSL 1.1.1 (OpenSSL/SSLeay licence)",
    "pyjpegls": "CharLS: BSD-3-Clause",
    "pylibjpeg-openjpeg": "OpenJPEG: BSD-2-Clause",
    "pypdfium2": "PDFium: BSD-3-Clause and Apache-2.0",
    "pyside6-essentials": "Qt 6: LGPL-3.0-only (shared libraries)",
    "numpy": "OpenBLAS: BSD-3-Clause",
}


class LicenceError(Exception):
    """A runtime dependency whose licence is not allowed or cannot be determined."""


def _requirements(dist: metadata.Distribution) -> list[str]:
    """Names ``dist`` requires on this platform without extras."""
    environment = {key: str(value) for key, value in default_environment().items()}
    environment["extra"] = ""
    return [
        requirement.name
        for requirement in map(Requirement, dist.requires or [])
        if requirement.marker is None or requirement.marker.evaluate(environment)
    ]


def runtime_closure(
    root: str = PROJECT,
    lookup: Callable[[str], metadata.Distribution] = metadata.distribution,
) -> list[metadata.Distribution]:
    """Every installed distribution ``root`` needs at run time on this platform (``root``
    excluded), by name. Raises LicenceError when a required distribution is not installed."""
    found: dict[str, metadata.Distribution] = {}
    pending = [root]
    while pending:
        name = canonicalize_name(pending.pop())
        if name in found:
            continue
        try:
            dist = lookup(name)
        except metadata.PackageNotFoundError as exc:
            raise LicenceError(f"{name} is required but not installed") from exc
        found[name] = dist
        pending += _requirements(dist)
    found.pop(canonicalize_name(root))
    return sorted(found.values(), key=lambda d: canonicalize_name(d.metadata["Name"]))


def licence_of(dist: metadata.Distribution) -> str:
    """The SPDX expression of ``dist``'s licence: License-Expression, else FREE_TEXT's
    reading of it, else the License field when it is SPDX, else its licence classifiers
    (joined with AND). Raises LicenceError when none says it."""
    meta: Any = dist.metadata  # an email.message.Message underneath
    name = canonicalize_name(meta["Name"])
    expression = (meta.get("License-Expression") or "").strip()
    if expression:
        return expression
    if name in FREE_TEXT:
        return FREE_TEXT[name]
    field = (meta.get("License") or "").strip()
    if field and _ids(field) and all(_known(i) for i in _ids(field)):
        return field  # SPDX in the older field: more precise than a classifier
    classified = [CLASSIFIERS[c] for c in meta.get_all("Classifier") or [] if c in CLASSIFIERS]
    if classified:
        return " AND ".join(sorted(set(classified)))
    raise LicenceError(f"{name}: no licence in its metadata ({field[:60]!r})")


def _ids(expression: str) -> list[str]:
    return [t for t in re.split(r"[\s()]+", expression) if t and t not in ("AND", "OR", "WITH")]


def _known(identifier: str) -> bool:
    return identifier in ALLOWED or identifier in LGPL or "GPL" in identifier


def _allowed(identifier: str, name: str) -> bool:
    return identifier in ALLOWED or (identifier in LGPL and name in LGPL_ALLOWED_FOR)


def is_allowed(expression: str, name: str) -> bool:
    """Whether an SPDX ``expression`` lets the program ship ``name``: some OR alternative
    whose AND terms are all allowed. Parentheses are read as grouping only one level."""
    for alternative in re.split(r"\s+OR\s+", expression.replace("(", "").replace(")", "")):
        terms = [t.strip() for t in re.split(r"\s+AND\s+", alternative)]
        if all(_allowed(t.split(" WITH ")[0].strip(), name) for t in terms):
            return True
    return False


def check(dists: Iterable[metadata.Distribution]) -> list[Notice]:
    """The notices of ``dists``. Raises LicenceError naming every distribution whose
    licence is not allowed (GPL, AGPL, unknown)."""
    notices, refused = [], []
    for dist in dists:
        name = canonicalize_name(dist.metadata["Name"])
        try:
            licence = licence_of(dist)
        except LicenceError as exc:
            refused.append(str(exc))
            continue
        if not is_allowed(licence, name):
            refused.append(f"{name} {dist.version}: {licence} is not allowed in the runtime")
        notices.append(Notice(name, dist.version, licence, BUNDLED.get(name, "")))
    if refused:
        raise LicenceError("; ".join(refused))
    return notices


def write_notices(notices: list[Notice], path: Path) -> None:
    """Write ``notices`` as JSON (a list of objects) to ``path``, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps([asdict(n) for n in notices], ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8",
    )


def notices_text(notices: list[Notice]) -> str:
    """The notices as plain text, one distribution per line (name, version, licence, and
    the native libraries it bundles), for the installers' documentation folder."""
    lines = [
        "Third-party software in the Results Recognition Workstation",
        "(Python distributions of the runtime, their version and SPDX licence expression)",
        "",
    ]
    for notice in notices:
        lines.append(f"{notice.name} {notice.version}: {notice.licence}")
        if notice.bundled:
            lines.append(f"    bundles {notice.bundled}")
    return "\n".join(lines) + "\n"


def _git(*args: str) -> str:
    git = shutil.which("git")
    if git is None:
        return ""
    try:
        result = subprocess.run(  # noqa: S603 - fixed git arguments
            [git, *args], capture_output=True, text=True, timeout=10, check=False
        )
    except OSError:
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def write_build_info(path: Path) -> None:
    """Write the project version and the checkout's commit ("+dirty" when files differ
    from it; "" outside a git checkout) as JSON to ``path``."""
    commit = _git("rev-parse", "--short=12", "HEAD")
    if commit and _git("status", "--porcelain", "--untracked-files=no"):
        commit += "+dirty"
    info = {"version": workstation.__version__, "commit": commit}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(info) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Check the runtime licences; with --write, also write the notices. Exit 1 if refused."""
    parser = argparse.ArgumentParser(prog="python -m devtools.licences")
    parser.add_argument("--write", type=Path, help="write the third-party notices (JSON)")
    parser.add_argument("--text", type=Path, help="write the notices as plain text")
    parser.add_argument("--build-info", type=Path, help="write the version and git commit (JSON)")
    args = parser.parse_args(argv)
    try:
        notices = check(runtime_closure())
    except LicenceError as exc:
        print(f"licence check FAILED: {exc}", file=sys.stderr)
        return 1
    if args.write:
        write_notices(notices, args.write)
    if args.text:
        args.text.parent.mkdir(parents=True, exist_ok=True)
        args.text.write_text(notices_text(notices), encoding="utf-8")
    if args.build_info:
        write_build_info(args.build_info)
    print(f"licence check: {len(notices)} runtime distributions, all allowed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
