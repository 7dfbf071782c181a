"""The workstation's platform client against the real sandbox: sign-in, silent refresh,
remember-me, sign-out, patient search, timeline pages, lab values, images over DICOMweb."""

from __future__ import annotations

import threading
from typing import BinaryIO

import httpx
import numpy as np
import pytest
from pydicom import dcmread

from tests.conftest import DEMO_PASSWORD, Sandbox
from tests.memory_keyring import MemoryKeyring
from workstation.auth import RememberedSignIn
from workstation.config import PlatformEntry
from workstation.http import ErrorKind, PlatformError
from workstation.imaging.geometry import sort_slices
from workstation.model import Category
from workstation.records.platform import QueryKind, classify_query
from workstation.services import Connection, LoadedImage, load_series, resume, sign_in

pytestmark = pytest.mark.e2e


def _connect(
    sandbox: Sandbox,
    user: str = "dr.li",
    keyring: MemoryKeyring | None = None,
    remember: bool = False,
) -> Connection:
    return sign_in(
        PlatformEntry("Sandbox", sandbox.base_url),
        user,
        DEMO_PASSWORD,
        remember=remember,
        secrets=keyring,
    )


def test_wrong_password_is_an_auth_error(sandbox: Sandbox) -> None:
    with pytest.raises(PlatformError) as caught:
        sign_in(
            PlatformEntry("Sandbox", sandbox.base_url),
            "dr.li",
            "nope",
            remember=False,
            secrets=None,
        )
    assert caught.value.kind is ErrorKind.AUTH


def test_server_down_is_a_network_error() -> None:
    with pytest.raises(PlatformError) as caught:
        sign_in(
            PlatformEntry("Nowhere", "http://127.0.0.1:9"), "a", "b", remember=False, secrets=None
        )
    assert caught.value.kind is ErrorKind.NETWORK


def test_plain_http_to_a_remote_host_is_refused() -> None:
    with pytest.raises(PlatformError) as caught:
        sign_in(
            PlatformEntry("Remote", "http://hr.example.cn"), "a", "b", remember=False, secrets=None
        )
    assert caught.value.kind is ErrorKind.INSECURE


def test_remember_me_resumes_without_password_and_sign_out_forgets(sandbox: Sandbox) -> None:
    keyring = MemoryKeyring()
    first = _connect(sandbox, keyring=keyring, remember=True)
    assert first.user.username == "dr.li"
    assert DEMO_PASSWORD not in keyring.items.values()
    assert RememberedSignIn(keyring, sandbox.base_url).load() is not None
    first.client.close()  # the program is closed without signing out
    second = resume(PlatformEntry("Sandbox", sandbox.base_url), keyring)
    assert second is not None
    assert second.user.display_name == "李静"
    second.sign_out()
    assert keyring.items == {}
    assert resume(PlatformEntry("Sandbox", sandbox.base_url), keyring) is None


def test_sign_out_revokes_the_refresh_token(sandbox: Sandbox) -> None:
    keyring = MemoryKeyring()
    connection = _connect(sandbox, keyring=keyring, remember=True)
    kept = dict(keyring.items)
    connection.sign_out()
    refresh = next(v for (_, k), v in kept.items() if k.endswith("#refresh"))
    response = httpx.post(
        f"{sandbox.base_url}/oauth/token",
        data={
            "grant_type": "refresh_token",
            "client_id": "hr-workstation",
            "refresh_token": refresh,
        },
    )
    assert response.status_code == 400


def test_expired_access_token_is_refreshed_transparently(clean_faults: Sandbox) -> None:
    connection = _connect(clean_faults)
    try:
        before = connection.session.bearer()
        httpx.post(
            f"{clean_faults.base_url}/_sandbox/expire-tokens",
            headers={"X-Sandbox-Control-Key": clean_faults.control_key},
        )
        hospitals = connection.platform.hospitals()
        assert len(hospitals) >= 6
        assert connection.session.bearer() != before
    finally:
        connection.sign_out()


def test_server_errors_end_in_a_clear_retryable_error(clean_faults: Sandbox) -> None:
    connection = _connect(clean_faults)
    try:
        clean_faults.set_faults(error_rate=1.0)
        with pytest.raises(PlatformError) as caught:
            connection.platform.hospitals()
        assert caught.value.kind is ErrorKind.SERVER
        assert caught.value.retryable
        assert "injected 503" in caught.value.detail
        clean_faults.reset_faults()
        assert len(connection.platform.hospitals()) >= 6  # retry by the user succeeds
    finally:
        clean_faults.reset_faults()
        connection.sign_out()


def test_classify_query() -> None:
    assert classify_query("11010519491231002x").kind is QueryKind.ID_CARD  # type: ignore[union-attr]
    assert classify_query("13812345678").kind is QueryKind.PHONE  # type: ignore[union-attr]
    assert classify_query("张").kind is QueryKind.NAME  # type: ignore[union-attr]
    assert classify_query("ZY12345678").kind is QueryKind.MRN  # type: ignore[union-attr]
    assert classify_query(" ") is None


def test_patient_search_every_way(sandbox: Sandbox) -> None:
    connection = _connect(sandbox)
    try:
        platform = connection.platform
        patient = platform.patient("p0001")
        for text in (
            patient.id_card,
            patient.name[:1],
            patient.name[-1],
            patient.phone,
            patient.mrns[0].value,
        ):
            query = classify_query(text)
            assert query is not None
            found = platform.search_patients(query)
            assert patient.id in {p.id for p in found}, text
    finally:
        connection.sign_out()


def test_timeline_pages_and_lab_values(sandbox: Sandbox) -> None:
    connection = _connect(sandbox)
    try:
        platform = connection.platform
        pages = list(platform.results("p0003", page_size=10))
        results = [r for page in pages for r in page.results]
        assert len(pages) > 1
        assert len(results) == pages[0].total
        assert [r.effective for r in results] == sorted(
            (r.effective for r in results), reverse=True
        )
        lab = next(r for r in results if r.category is Category.LAB)
        values = platform.observations(lab)
        assert len(values) == len(lab.observation_ids) > 0
        assert all(v.unit for v in values)
        catalog = platform.catalog()
        assert catalog.item(lab.item_code) is not None
        assert platform.catalog() is catalog  # 304: the cached copy is reused
    finally:
        connection.sign_out()


def test_ct_series_streams_and_sorts_by_geometry(sandbox: Sandbox) -> None:
    connection = _connect(sandbox)
    try:
        results = [r for page in connection.platform.results("p0001") for r in page.results]
        ct = next(r for r in results if r.modality == "CT")
        study = connection.platform.imaging_study(ct.imaging_study_ids[0])
        assert study.dicomweb_url == f"{sandbox.base_url}/dicomweb"
        series = study.series[0]
        images: list[LoadedImage] = []
        count = load_series(
            connection.dicomweb(study.dicomweb_url), study, series, images.append, threading.Event()
        )
        assert count == len(series.instances) == len(images)
        ordered = sort_slices([i.image for i in images if i.image is not None])
        z = [i.position[2] for i in ordered if i.position]
        assert z == sorted(z)
        assert len(set(np.diff(np.round(z, 3)))) == 1
        hu = ordered[len(ordered) // 2].pixels[0].astype(float) * ordered[0].rescale_slope
        hu += ordered[0].rescale_intercept
        assert hu.min() < -900  # air
        assert hu.max() > 300  # bone
    finally:
        connection.sign_out()


def test_truncated_download_completes_instance_by_instance(clean_faults: Sandbox) -> None:
    connection = _connect(clean_faults)
    try:
        results = [r for page in connection.platform.results("p0001") for r in page.results]
        ct = next(r for r in results if r.modality == "CT")
        study = connection.platform.imaging_study(ct.imaging_study_ids[0])
        series = study.series[0]
        clean_faults.set_faults(truncate_multipart=True)
        uids: list[str] = []

        def sink(part: BinaryIO) -> str:
            uid = str(dcmread(part, stop_before_pixels=True).SOPInstanceUID)
            uids.append(uid)
            return uid

        dicomweb = connection.dicomweb(study.dicomweb_url)
        expected = [i.sop_instance_uid for i in series.instances]
        got = dicomweb.retrieve_series(study.study_uid, series.uid, sink, expected)
        assert sorted(set(got)) == sorted(expected)
        with pytest.raises(PlatformError, match="broke off"):
            dicomweb.retrieve(f"/studies/{study.study_uid}/series/{series.uid}", sink)
    finally:
        clean_faults.reset_faults()
        connection.sign_out()


def test_wado_transfer_syntax_negotiation_and_thumbnail(sandbox: Sandbox) -> None:
    token = sandbox.token()
    auth = {"Authorization": f"Bearer {token}"}
    studies = httpx.get(f"{sandbox.base_url}/dicomweb/studies", headers=auth).json()
    assert studies
    study_uid = studies[0]["0020000D"]["Value"][0]
    series = httpx.get(
        f"{sandbox.base_url}/dicomweb/studies/{study_uid}/series", headers=auth
    ).json()
    series_uid = series[0]["0020000E"]["Value"][0]
    base = f"{sandbox.base_url}/dicomweb/studies/{study_uid}/series/{series_uid}"
    explicit = "1.2.840.10008.1.2.1"
    response = httpx.get(
        base,
        headers={
            **auth,
            "Accept": f'multipart/related; type="application/dicom"; transfer-syntax={explicit}',
        },
    )
    assert response.status_code == 200
    assert f"transfer-syntax={explicit}" in response.text[:400]
    refused = httpx.get(base, headers={**auth, "Accept": "application/json"})
    assert refused.status_code == 406
    thumb = httpx.get(f"{base}/thumbnail", headers={**auth, "Accept": "image/png"})
    assert thumb.status_code == 200
    assert thumb.content.startswith(b"\x89PNG")
    meta = httpx.get(f"{base}/metadata", headers=auth).json()
    assert "7FE00010" not in meta[0]


def test_browser_sign_in_with_pkce(sandbox: Sandbox) -> None:
    from urllib.parse import parse_qs, urlsplit

    from workstation.services import sign_in_with_browser

    def browser(url: str) -> None:
        # What the doctor does in her browser: the platform's form, then the redirect.
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        page = httpx.post(
            url.split("?")[0], data={**query, "username": "dr.wang", "password": DEMO_PASSWORD}
        )
        assert page.status_code == 303
        httpx.get(page.headers["location"])

    connection = sign_in_with_browser(
        PlatformEntry("Sandbox", sandbox.base_url),
        lambda url: threading.Thread(target=browser, args=(url,)).start(),
        remember=False,
        secrets=None,
        timeout_s=20,
    )
    try:
        assert connection.user.username == "dr.wang"
        assert connection.platform.hospitals()
    finally:
        connection.sign_out()
