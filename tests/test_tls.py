"""TLS is verified: a platform whose certificate is not trusted is refused with a clear
error; with the hospital's CA bundle set, everything works over https. Also: a client
clock that is hours off does not break the session."""

from __future__ import annotations

import datetime as dt
import ipaddress
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from devtools.sandbox_launcher import RunningSandbox, start_sandbox
from tests.conftest import DEMO_PASSWORD, Sandbox
from workstation.auth import Session, discover
from workstation.config import PlatformEntry
from workstation.dicomweb.bulk_get import BulkGet
from workstation.http import ErrorKind, PlatformError, make_client
from workstation.services import sign_in

pytestmark = pytest.mark.e2e


def _certificates(directory: Path) -> tuple[Path, Path, Path]:
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Hospital test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_path, cert_path, key_path = (
        directory / "ca.pem",
        directory / "cert.pem",
        directory / "key.pem",
    )
    ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_path, cert_path, key_path


@pytest.fixture(scope="module")
def tls_sandbox(
    sandbox_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[RunningSandbox, Path]]:
    ca, cert, key = _certificates(tmp_path_factory.mktemp("tls"))
    running = start_sandbox(
        sandbox_data, extra_args=("--tls-cert", str(cert), "--tls-key", str(key)), timeout_s=60
    )
    try:
        yield running, ca
    finally:
        running.stop()


def test_untrusted_certificate_is_refused(tls_sandbox: tuple[RunningSandbox, Path]) -> None:
    running, _ca = tls_sandbox
    assert running.base_url.startswith("https://")
    with pytest.raises(PlatformError) as caught:
        sign_in(
            PlatformEntry("TLS", running.base_url),
            "dr.li",
            DEMO_PASSWORD,
            remember=False,
            secrets=None,
        )
    assert caught.value.kind is ErrorKind.TLS


def test_hospital_ca_bundle_makes_https_work(tls_sandbox: tuple[RunningSandbox, Path]) -> None:
    running, ca = tls_sandbox
    connection = sign_in(
        PlatformEntry("TLS", running.base_url, str(ca)),
        "dr.li",
        DEMO_PASSWORD,
        remember=False,
        secrets=None,
    )
    try:
        assert connection.platform.hospitals()
        study = next(
            r
            for page in connection.platform.results("p0001")
            for r in page.results
            if r.imaging_study_ids
        )
        ref = connection.platform.imaging_study(study.imaging_study_ids[0])
        assert ref.dicomweb_url.startswith("https://")
        dicomweb = connection.dicomweb(ref.dicomweb_url)
        assert dicomweb.search_series(ref.study_uid)
        # a series streams through http.client (BulkGet) with the same CA bundle
        series = ref.series[0]
        got = dicomweb.retrieve_series(ref.study_uid, series.uid, lambda part: "x")
        assert len(got) == len(series.instances)
    finally:
        connection.sign_out()


def test_series_streams_refuse_an_untrusted_certificate(
    tls_sandbox: tuple[RunningSandbox, Path],
) -> None:
    running, _ca = tls_sandbox
    with pytest.raises(PlatformError) as caught, BulkGet().get(f"{running.base_url}/dicomweb", {}):
        pass
    assert caught.value.kind is ErrorKind.TLS


@pytest.mark.parametrize("skew_s", [-3 * 3600, 3 * 3600])
def test_client_clock_hours_off(sandbox: Sandbox, skew_s: int) -> None:
    client = make_client()
    try:
        endpoints = discover(client, sandbox.base_url)
        session = Session(client, endpoints, clock=lambda: time.time() + skew_s)
        session.sign_in_with_password("dr.li", DEMO_PASSWORD, remember=False)
        for _ in range(3):
            assert session.get(f"{endpoints.fhir_base}/Organization").status_code == 200
    finally:
        client.close()
