"""No GPL in what ships: the runtime dependency closure's licences, read from the installed
metadata, are all on the allow-list; a GPL or unknown licence fails naming the package."""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

import pytest

from devtools import licences
from workstation.imaging.decoders import PLUGINS

pytestmark = pytest.mark.unit


def _dist(folder: Path, name: str, headers: dict[str, str], requires: list[str]) -> Path:
    info = folder / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    lines = ["Metadata-Version: 2.4", f"Name: {name}", "Version: 1.0"]
    lines += [f"{key}: {value}" for key, value in headers.items()]
    lines += [f"Requires-Dist: {r}" for r in requires]
    (info / "METADATA").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return info


def _lookup(folder: Path) -> dict[str, metadata.Distribution]:
    return {
        path.name.split("-")[0]: metadata.PathDistribution(path)
        for path in folder.glob("*.dist-info")
    }


def test_the_installed_runtime_closure_is_gpl_free() -> None:
    closure = licences.runtime_closure()
    names = {d.metadata["Name"].lower().replace("_", "-") for d in closure}
    # what the workstation imports is in the walk, dev tools are not
    assert {"pydicom", "python-gdcm", "pyjpegls", "pylibjpeg-openjpeg", "numpy"} <= names
    assert {"pytest", "mypy", "pyinstaller", "starlette"}.isdisjoint(names)
    assert "pylibjpeg-libjpeg" not in names
    notices = licences.check(closure)
    assert len(notices) == len(closure)
    assert all(n.licence for n in notices)


def test_gpl_or_agpl_or_unknown_runtime_dependency_fails_with_its_name(tmp_path: Path) -> None:
    _dist(tmp_path, "app", {}, ["good", "copyleft", "network; sys_platform != 'nowhere'"])
    _dist(
        tmp_path, "good", {"License-Expression": "MIT OR GPL-3.0-only"}, ["devonly; extra == 'dev'"]
    )
    _dist(
        tmp_path,
        "copyleft",
        {"Classifier": "License :: OSI Approved :: GNU General Public License v3 (GPLv3)"},
        [],
    )
    _dist(tmp_path, "network", {"License-Expression": "AGPL-3.0-or-later"}, ["mystery"])
    _dist(tmp_path, "mystery", {"License": "see the file COPYING"}, [])
    _dist(tmp_path, "devonly", {"License-Expression": "GPL-2.0-only"}, [])
    dists = _lookup(tmp_path)
    closure = licences.runtime_closure("app", dists.__getitem__)
    assert sorted(d.metadata["Name"] for d in closure) == ["copyleft", "good", "mystery", "network"]
    with pytest.raises(licences.LicenceError) as failure:
        licences.check(closure)
    message = str(failure.value)
    assert "copyleft 1.0: GPL-3.0-only is not allowed" in message
    assert "network 1.0: AGPL-3.0-or-later is not allowed" in message
    assert "mystery: no licence" in message
    assert "good" not in message


def test_lgpl_only_for_qt() -> None:
    qt = "LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only"
    assert licences.is_allowed(qt, "pyside6-essentials")
    assert not licences.is_allowed(qt, "some-lgpl-library")
    assert licences.is_allowed("BSD-3-Clause AND 0BSD AND MIT AND Zlib AND CC0-1.0", "numpy")
    assert not licences.is_allowed("MIT AND GPL-2.0-or-later", "mixed")


def test_the_command_writes_the_notices(tmp_path: Path) -> None:
    out = tmp_path / "notices.json"
    assert licences.main(["--write", str(out)]) == 0
    notices = json.loads(out.read_text(encoding="utf-8"))
    by_name = {n["name"]: n for n in notices}
    assert by_name["python-gdcm"]["version"] == metadata.version("python-gdcm")
    assert "GDCM" in by_name["python-gdcm"]["bundled"]
    assert by_name["pydicom"]["licence"] == "MIT"
    text = licences.notices_text(licences.check(licences.runtime_closure()))
    assert f"python-gdcm {metadata.version('python-gdcm')}: Apache-2.0\n    bundles GDCM" in text


def test_every_compressed_syntax_is_decoded_by_a_named_permissive_plugin() -> None:
    # the labels of GDCM (our JPEG plugin; pydicom's for lossless JPEG 2000), CharLS and
    # pylibjpeg's OpenJPEG/RLE plugins
    assert set(PLUGINS.values()) == {"gdcm-jpeg", "gdcm", "pyjpegls", "pylibjpeg"}
    assert len(PLUGINS) == 12
