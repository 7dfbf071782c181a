"""Why a sign-in at a platform's identity provider failed, so the UI can say it plainly."""

from __future__ import annotations

from enum import Enum

from workstation.http import ErrorKind, PlatformError


class SignInProblem(Enum):
    """What went wrong signing in, beyond the transport-level ``ErrorKind``."""

    FHIR_UNREACHABLE = "fhir_unreachable"  # the configured FHIR server does not answer
    PROVIDER_UNREACHABLE = "provider_unreachable"  # its identity provider does not answer
    PROVIDER_MISMATCH = "provider_mismatch"  # FHIR server and issuer name other endpoints
    CLOCK = "clock"  # the ID token is expired or dated ahead: clocks differ too much
    OTHER_ISSUER = "other_issuer"  # a token of another identity provider
    OTHER_AUDIENCE = "other_audience"  # an ID token for another application
    NOT_THIS_SIGN_IN = "not_this_sign_in"  # state or nonce of another sign-in (replay)
    BAD_SIGNATURE = "bad_signature"  # signature or key not the provider's
    NO_PKCE = "no_pkce"  # the provider offers no PKCE S256: browser sign-in refused
    BROWSER_ONLY = "browser_only"  # the provider has no password grant
    NO_PRACTITIONER = "no_practitioner"  # the ID token names no fhirUser Practitioner
    CANCELLED = "cancelled"  # she cancelled, or the provider refused, in the browser
    TIMED_OUT = "timed_out"  # the browser sign-in was not completed in time


class SignInError(PlatformError):
    """A PlatformError with the sign-in ``problem`` named (``detail`` in English for logs)."""

    def __init__(self, kind: ErrorKind, problem: SignInProblem, detail: str) -> None:
        super().__init__(kind, detail)
        self.problem = problem
