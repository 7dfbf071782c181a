"""SMART rules without a server: which scopes are asked, what a grant allows, how a SMART
configuration and the issuer's metadata combine, which practitioner a fhirUser names."""

from __future__ import annotations

import pytest

from workstation.auth import PlatformEndpoints
from workstation.http import PlatformError
from workstation.id_token import practitioner_reference
from workstation.sign_in_errors import SignInError, SignInProblem
from workstation.smart import smart_fields
from workstation.smart_scopes import allows, can_record, requested, uses_v2

pytestmark = pytest.mark.unit

FHIR = "https://fhir.region.example/fhir"


def test_v2_scopes_are_asked_where_advertised_and_v1_otherwise() -> None:
    assert uses_v2(["permission-v2"], [])
    assert uses_v2([], ["user/Patient.rs"])
    assert not uses_v2(["permission-v1"], ["user/Patient.read"])
    assert "user/Task.cu" in requested(["permission-v2"], []).split()
    v1 = requested([], []).split()
    assert {"user/Task.write", "user/AuditEvent.write", "offline_access", "fhirUser"} <= set(v1)


@pytest.mark.parametrize(
    ("granted", "record"),
    [
        (["user/Task.cu", "user/Patient.rs"], True),
        (["user/Task.c"], True),
        (["user/Task.write"], True),
        (["user/*.*"], True),
        (["user/Task.rs", "user/Patient.rs"], False),
        (["user/Task.read"], False),
        (["patient/Task.s"], False),
        ([], False),
    ],
)
def test_recording_needs_a_task_write_grant(granted: list[str], record: bool) -> None:
    assert can_record(granted) is record


def test_reading_is_read_or_search() -> None:
    assert allows(["user/Patient.rs"], "Patient", write=False)
    assert allows(["user/Patient.r"], "Patient", write=False)
    assert not allows(["user/Patient.rs"], "Observation", write=False)
    assert not allows(["user/Patient.rs"], "Patient", write=True)


IDP = "https://idp.example/realms/hr"


def _oidc(**extra: str) -> dict[str, str]:
    return {
        "issuer": IDP,
        "authorization_endpoint": "https://idp.example/auth",
        "token_endpoint": "https://idp.example/token",
        "userinfo_endpoint": "https://idp.example/userinfo",
        "end_session_endpoint": "https://idp.example/logout",
        "revocation_endpoint": "https://idp.example/revoke",
        "introspection_endpoint": "https://idp.example/introspect",
        "jwks_uri": "https://idp.example/jwks",
        "fhir_base_url": "https://idp.example/fhir",  # an IdP's word on FHIR is not taken
        **extra,
    }


def test_keys_come_from_the_issuer_and_services_from_the_fhir_server() -> None:
    smart = {
        "issuer": IDP,
        "authorization_endpoint": "https://idp.example/auth",
        "token_endpoint": "https://idp.example/token",
        "code_challenge_methods_supported": ["S256"],
        "capabilities": ["permission-v2"],
        "recognition_catalog_url": "https://fhir.region.example/catalog",
    }
    endpoints = PlatformEndpoints(**smart_fields(FHIR, smart, _oidc()))
    assert endpoints.authorization == "https://idp.example/auth"
    assert endpoints.fhir_base == FHIR
    assert endpoints.dicomweb_base == FHIR
    assert endpoints.catalog == "https://fhir.region.example/catalog"
    assert endpoints.end_session == "https://idp.example/logout"
    assert endpoints.jwks_uri == "https://idp.example/jwks"
    assert endpoints.supports_pkce
    assert endpoints.offers_password  # nothing said about grants: the form may be tried
    assert not any("idp.example" in o for o in endpoints.origins())


def test_the_fhir_server_cannot_choose_the_signing_keys_or_where_tokens_go() -> None:
    # The FHIR server is not the identity provider: what verifies ID tokens (and so names
    # the fhirUser) and where tokens are revoked or the session ended come from the
    # issuer's own metadata, whatever the SMART document says.
    smart = {
        "issuer": IDP,
        "authorization_endpoint": "https://idp.example/auth",
        "token_endpoint": "https://idp.example/token",
        "jwks_uri": "https://fhir.region.example/forged-jwks",
        "revocation_endpoint": "https://fhir.region.example/collect",
        "introspection_endpoint": "https://fhir.region.example/introspect",
        "end_session_endpoint": "https://fhir.region.example/logout",
        "userinfo_endpoint": "https://fhir.region.example/userinfo",
        "code_challenge_methods_supported": ["S256"],
    }
    endpoints = PlatformEndpoints(**smart_fields(FHIR, smart, _oidc()))
    assert endpoints.jwks_uri == "https://idp.example/jwks"
    assert endpoints.revocation == "https://idp.example/revoke"
    assert endpoints.introspection == "https://idp.example/introspect"
    assert endpoints.end_session == "https://idp.example/logout"
    assert endpoints.userinfo == "https://idp.example/userinfo"
    bare = PlatformEndpoints(
        **smart_fields(FHIR, smart, _oidc(revocation_endpoint="", end_session_endpoint=""))
    )
    assert bare.revocation == bare.end_session == ""  # none rather than the FHIR server's


@pytest.mark.parametrize("key", ["authorization_endpoint", "token_endpoint"])
def test_endpoints_the_fhir_server_and_the_issuer_disagree_on_are_refused(key: str) -> None:
    smart = {
        "issuer": IDP,
        "authorization_endpoint": "https://idp.example/auth",
        "token_endpoint": "https://idp.example/token",
        key: "https://elsewhere.example/steal",
    }
    with pytest.raises(SignInError) as caught:
        smart_fields(FHIR, smart, _oidc())
    assert caught.value.problem is SignInProblem.PROVIDER_MISMATCH
    assert key in caught.value.detail
    assert "elsewhere.example" in caught.value.detail
    # The same address written with a trailing slash is the same endpoint.
    smart[key] = _oidc()[key] + "/"
    assert PlatformEndpoints(**smart_fields(FHIR, smart, _oidc())).smart


def test_endpoints_only_the_issuer_names_are_taken_from_it() -> None:
    endpoints = PlatformEndpoints(**smart_fields(FHIR, {"issuer": IDP}, _oidc()))
    assert endpoints.authorization == "https://idp.example/auth"
    assert endpoints.token == "https://idp.example/token"


def test_a_smart_configuration_without_authorization_server_is_refused() -> None:
    with pytest.raises(PlatformError):
        smart_fields(FHIR, {"capabilities": []}, {})


def test_a_provider_without_the_password_grant_offers_no_password_form() -> None:
    smart = {
        "authorization_endpoint": "https://idp.example/auth",
        "token_endpoint": "https://idp.example/token",
        "grant_types_supported": ["authorization_code", "refresh_token"],
    }
    endpoints = PlatformEndpoints(**smart_fields(FHIR, smart, {}))
    assert not endpoints.offers_password
    assert not endpoints.supports_pkce
    assert endpoints.catalog == f"{FHIR}/Binary/recognition-catalog"


@pytest.mark.parametrize(
    ("claim", "reference"),
    [
        ("Practitioner/pr001", "Practitioner/pr001"),
        ("https://fhir.region.example/fhir/Practitioner/pr001", "Practitioner/pr001"),
        ("Patient/p1", ""),
        ("Practitioner/", ""),
        ("Practitioner/a/_history/2", ""),
        ("", ""),
    ],
)
def test_the_practitioner_of_a_fhir_user_claim(claim: str, reference: str) -> None:
    assert practitioner_reference(claim) == reference
