"""The sandbox's WADO-RS transfer syntax negotiation (PS3.18 §8.7.3): JPEG-LS lossless on
request, pixel-identical to the stored instance; fallback to the stored syntax when the
client accepts it, 406 when it accepts nothing the server can produce."""

from __future__ import annotations

import io

import httpx
import numpy as np
import pytest
from pydicom import dcmread

from sandbox.transcode import JPEG_LS_LOSSLESS, STORED, accepted_syntaxes, choices
from tests.conftest import Sandbox
from workstation.dicomweb.multipart import MultipartReader, boundary_from_content_type

RELATED = 'multipart/related; type="application/dicom"'
EXPLICIT = "1.2.840.10008.1.2.1"
JPEG_BASELINE = "1.2.840.10008.1.2.4.50"


@pytest.mark.unit
def test_accept_ranges_in_order_of_preference() -> None:
    assert accepted_syntaxes("") == [STORED]
    assert accepted_syntaxes(f"{RELATED}") == [STORED]
    assert accepted_syntaxes(
        f"{RELATED}; transfer-syntax=*; q=0.5, {RELATED}; transfer-syntax={JPEG_LS_LOSSLESS}"
    ) == [JPEG_LS_LOSSLESS, STORED]
    assert accepted_syntaxes(f"{RELATED}; transfer-syntax={EXPLICIT}; q=0") is None
    assert accepted_syntaxes("application/json") is None
    assert accepted_syntaxes(f'multipart/related; type="image/jpeg", {RELATED}') == [STORED]


@pytest.mark.unit
def test_what_each_stored_syntax_can_become() -> None:
    assert choices(EXPLICIT, [JPEG_LS_LOSSLESS, STORED]) == [JPEG_LS_LOSSLESS, EXPLICIT]
    # a lossy original is never re-encoded; the stored one is the fallback
    assert choices(JPEG_BASELINE, [JPEG_LS_LOSSLESS, STORED]) == [JPEG_BASELINE]
    assert choices(JPEG_BASELINE, [JPEG_LS_LOSSLESS]) == []
    assert choices(JPEG_BASELINE, [EXPLICIT]) == [EXPLICIT]
    assert choices("1.2.840.10008.1.2.2", [EXPLICIT]) == []


def _parts(response: httpx.Response) -> list[tuple[dict[str, str], bytes]]:
    parts: list[tuple[dict[str, str], bytes]] = []
    reader = MultipartReader(
        boundary_from_content_type(response.headers["content-type"]),
        lambda headers: io.BytesIO(),
        lambda headers, sink: parts.append((headers, sink.getvalue())),  # type: ignore[attr-defined]
    )
    reader.feed(response.content)
    reader.close()
    return parts


def _instances(sandbox: Sandbox, auth: dict[str, str]) -> list[dict[str, object]]:
    """Every instance of the demo data (QIDO JSON, with its series' Modality added)."""
    out: list[dict[str, object]] = []
    base = f"{sandbox.base_url}/dicomweb/studies"
    for study in httpx.get(base, headers=auth).json():
        study_uid = study["0020000D"]["Value"][0]
        for series in httpx.get(f"{base}/{study_uid}/series", headers=auth).json():
            series_uid = series["0020000E"]["Value"][0]
            url = f"{base}/{study_uid}/series/{series_uid}/instances"
            for item in httpx.get(url, headers=auth).json():
                out.append({**item, "00080060": series["00080060"]})
    return out


def _url(sandbox: Sandbox, item: dict[str, object]) -> str:
    def value(tag: str) -> str:
        entry = item[tag]
        assert isinstance(entry, dict)
        return str(entry["Value"][0])

    return (
        f"{sandbox.base_url}/dicomweb/studies/{value('0020000D')}/series/{value('0020000E')}"
        f"/instances/{value('00080018')}"
    )


@pytest.mark.e2e
def test_jpeg_ls_on_request_is_pixel_identical(sandbox: Sandbox) -> None:
    auth = {"Authorization": f"Bearer {sandbox.token()}"}
    items = [
        i
        for i in _instances(sandbox, auth)
        if i["00083002"]["Value"][0] == EXPLICIT  # type: ignore[index]
        and i["00080060"]["Value"][0] in ("CT", "MR", "DX")  # type: ignore[index]
    ]
    by_modality = {str(i["00080060"]["Value"][0]): i for i in items}  # type: ignore[index]
    assert set(by_modality) == {"CT", "MR", "DX"}
    wanted = f"{RELATED}; transfer-syntax={JPEG_LS_LOSSLESS}"
    for item in by_modality.values():
        url = _url(sandbox, item)
        original = _parts(httpx.get(url, headers={**auth, "Accept": f"{RELATED}"}))
        for _ in range(2):  # made, then from the kept copy
            compressed = _parts(httpx.get(url, headers={**auth, "Accept": wanted}))
            headers, data = compressed[0]
            assert f"transfer-syntax={JPEG_LS_LOSSLESS}" in headers["content-type"]
            ds = dcmread(io.BytesIO(data))
            assert ds.file_meta.TransferSyntaxUID == JPEG_LS_LOSSLESS
            assert len(data) < len(original[0][1])
            stored = dcmread(io.BytesIO(original[0][1]))
            assert np.array_equal(ds.pixel_array, stored.pixel_array)
            assert ds.SOPInstanceUID == stored.SOPInstanceUID  # the same instance
            assert ds.pixel_array.dtype == stored.pixel_array.dtype


@pytest.mark.e2e
def test_a_lossy_original_falls_back_or_is_refused(sandbox: Sandbox) -> None:
    auth = {"Authorization": f"Bearer {sandbox.token()}"}
    item = next(
        i
        for i in _instances(sandbox, auth)
        if i["00083002"]["Value"][0] == JPEG_BASELINE  # type: ignore[index]
    )
    url = _url(sandbox, item)
    only = f"{RELATED}; transfer-syntax={JPEG_LS_LOSSLESS}"
    assert httpx.get(url, headers={**auth, "Accept": only}).status_code == 406
    decompressed = httpx.get(
        url, headers={**auth, "Accept": f"{RELATED}; transfer-syntax={EXPLICIT}"}
    )
    headers, data = _parts(decompressed)[0]
    assert f"transfer-syntax={EXPLICIT}" in headers["content-type"]
    assert dcmread(io.BytesIO(data)).SOPInstanceUID == item["00080018"]["Value"][0]  # type: ignore[index]
    either = f"{only}, {RELATED}; transfer-syntax=*; q=0.5"
    answer = httpx.get(url, headers={**auth, "Accept": either})
    assert answer.status_code == 200
    headers, data = _parts(answer)[0]
    assert f"transfer-syntax={JPEG_BASELINE}" in headers["content-type"]
    assert dcmread(io.BytesIO(data)).file_meta.TransferSyntaxUID == JPEG_BASELINE
