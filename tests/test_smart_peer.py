"""Peer test: a certified OpenID provider of its own (node's oidc-provider on loopback) and
the sandbox as a resource server trusting it (``--external-issuer``). The workstation is
configured by the FHIR base URL only; the doctor signs in on the provider's own pages (a
scripted browser); then she searches a patient, opens a CT over DICOMweb and records a
decision with those tokens; refresh rotates, revocation and end-session reach the provider."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.memory_keyring import MemoryKeyring
from tests.oidc_peer import Peer, ScriptedBrowser, browser_sign_in, running_peer
from workstation.config import PlatformEntry
from workstation.http import ErrorKind, PlatformError
from workstation.journal import Journal
from workstation.model import Category
from workstation.recognition.decisions import DecisionKind, new_decision
from workstation.recognition.outbox import send_pending
from workstation.records.platform import classify_query
from workstation.services import LoadedImage, load_series, resume, sign_in_with_browser

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def peer_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Small demo data of its own (the decisions recorded here stay out of other tests)."""
    from sandbox.generate.dataset import generate

    data_dir = tmp_path_factory.mktemp("peer-data")
    generate(data_dir, seed=7, small=True)
    return data_dir


@pytest.fixture(scope="module")
def peer(peer_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Peer]:
    with running_peer(peer_data, tmp_path_factory.mktemp("oidc")) as running:
        yield running


def test_sign_in_at_the_provider_then_read_images_and_record(peer: Peer, tmp_path: Path) -> None:
    browser = ScriptedBrowser("li.jing")
    connection = browser_sign_in(peer.fhir, browser, keep_open=True)
    try:
        session = connection.session
        assert session.endpoints.issuer == peer.issuer
        assert session.endpoints.token.startswith(peer.issuer)  # another origin than FHIR
        user = connection.user
        assert (user.username, user.practitioner) == ("li.jing", "Practitioner/pr001")
        assert user.display_name == "李静"
        assert user.organization.startswith("Organization/")
        assert session.can_record
        assert "返回工作站" in browser.pages[0] or "回到工作站" in browser.pages[0]

        platform = connection.platform
        patient = platform.patient("p0001")
        query = classify_query(patient.name)
        assert query is not None
        assert patient.id in {p.id for p in platform.search_patients(query)}

        results = [r for page in platform.results("p0001") for r in page.results]
        ct = next(r for r in results if r.modality == "CT")
        study = platform.imaging_study(ct.imaging_study_ids[0])
        images: list[LoadedImage] = []
        series = study.series[0]
        count = load_series(
            connection.dicomweb(study.dicomweb_url), study, series, images.append, threading.Event()
        )
        assert count == len(series.instances) > 0

        catalog = platform.catalog()
        lab = next(r for r in results if r.category is Category.LAB)
        journal = Journal(tmp_path)
        saved = journal.record(
            new_decision(
                lab,
                DecisionKind.ACCEPTED,
                username=user.username,
                practitioner=user.practitioner,
                catalog_version=catalog.version,
                eligibility="valid",
                now=dt.datetime.now(dt.UTC),
            )
        )
        report = send_pending(journal, platform)
        assert report.sent == [saved.id]
        assert any(d.decision_id == saved.id for d in platform.decisions_on(lab.id))

        # Refresh rotates the refresh token; the new access token still works.
        first_refresh = session._refresh
        session.bearer(force_refresh=True)
        assert session._refresh
        assert session._refresh != first_refresh
        assert platform.hospitals()
        spent = httpx.post(
            session.endpoints.token,
            data={
                "grant_type": "refresh_token",
                "refresh_token": first_refresh,
                "client_id": "hr-workstation",
            },
        )
        assert spent.status_code == 400  # a rotated-out token is spent

        end_session = session.end_session_url()
        assert end_session.startswith(f"{peer.issuer}/session/end?")
        kept_refresh = session._refresh
    finally:
        connection.sign_out()
    # Revoked at the provider: the refresh token no longer renews anything.
    after = httpx.post(
        f"{peer.issuer}/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": kept_refresh,
            "client_id": "hr-workstation",
        },
    )
    assert after.status_code == 400
    assert after.json()["error"] == "invalid_grant"
    # End-session in her browser: the provider forgets her, the next sign-in asks again.
    assert "Sign-out Success" in browser.end_session(end_session).text
    again = ScriptedBrowser("li.jing")
    again.http.cookies = browser.http.cookies
    second = browser_sign_in(peer.fhir, again)
    browser.close()
    try:
        assert any("password" in page for page in again.pages)  # the login form again
    finally:
        second.sign_out()


def test_a_read_only_doctor_reads_and_is_told_she_cannot_record(peer: Peer) -> None:
    browser = ScriptedBrowser("chen.min")
    connection = browser_sign_in(peer.fhir, browser)
    try:
        session = connection.session
        assert connection.user.practitioner == "Practitioner/pr004"
        assert not session.can_record
        assert not any(s.startswith("user/Task.c") for s in session.granted_scope)
        assert connection.platform.patient("p0001").id == "p0001"
        with pytest.raises(PlatformError) as refused:
            connection.session.request(
                "POST", f"{peer.fhir}/Task", json={"resourceType": "Task"}, idempotent=True
            )
        assert refused.value.kind is ErrorKind.FORBIDDEN
        assert "Task.write" in refused.value.detail
    finally:
        connection.sign_out()


def test_remembered_sign_in_resumes_with_a_verified_id_token(peer: Peer) -> None:
    keyring = MemoryKeyring()
    entry = PlatformEntry("Regional platform", peer.fhir)
    browser = ScriptedBrowser("li.jing")
    try:
        first = sign_in_with_browser(
            entry, browser.open, remember=True, secrets=keyring, timeout_s=30
        )
    finally:
        browser.done.wait(10)
        browser.close()
    first.client.close()  # the app closed without signing out: the keyring keeps her
    resumed = resume(entry, keyring)
    assert resumed is not None
    try:
        assert resumed.user.practitioner == "Practitioner/pr001"
        assert resumed.platform.patient("p0001").id == "p0001"
    finally:
        resumed.sign_out()
    assert resume(entry, keyring) is None  # signed out: nothing kept
