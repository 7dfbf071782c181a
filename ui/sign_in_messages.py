"""Plain-language messages for a failed sign-in at a platform's identity provider."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from workstation.sign_in_errors import SignInError, SignInProblem


# One literal per message so that lupdate can extract it (hence the long lines).
# fmt: off
def sign_in_message(error: SignInError) -> str:
    """What went wrong signing in and what to do, for a person."""
    return {
        SignInProblem.FHIR_UNREACHABLE: QCoreApplication.translate("SignInMessages", "Cannot reach the platform's FHIR server. Check the network and the platform address, then try again."),
        SignInProblem.PROVIDER_UNREACHABLE: QCoreApplication.translate("SignInMessages", "The platform answers, but its sign-in service (identity provider) cannot be reached. Try again shortly, or tell IT."),
        SignInProblem.PROVIDER_MISMATCH: QCoreApplication.translate("SignInMessages", "The platform's FHIR server and its identity provider name different sign-in addresses, so the sign-in is refused as unsafe. Nothing was sent; tell IT."),
        SignInProblem.CLOCK: QCoreApplication.translate("SignInMessages", "The sign-in could not be checked because this computer's clock and the platform's differ too much. Set the clock right (automatic time), then sign in again."),
        SignInProblem.OTHER_ISSUER: QCoreApplication.translate("SignInMessages", "The sign-in answer came from another identity provider than this platform's. Nothing was accepted; tell IT."),
        SignInProblem.OTHER_AUDIENCE: QCoreApplication.translate("SignInMessages", "The sign-in answer was meant for another application. Nothing was accepted; tell IT."),
        SignInProblem.NOT_THIS_SIGN_IN: QCoreApplication.translate("SignInMessages", "The browser returned an answer to another sign-in. Nothing was accepted; sign in again."),
        SignInProblem.BAD_SIGNATURE: QCoreApplication.translate("SignInMessages", "The sign-in answer is not signed by the platform's identity provider. Nothing was accepted; tell IT."),
        SignInProblem.NO_PKCE: QCoreApplication.translate("SignInMessages", "The platform's identity provider does not offer PKCE, so signing in through the browser would be unsafe and is refused. Ask the platform's administrators to enable PKCE (S256)."),
        SignInProblem.BROWSER_ONLY: QCoreApplication.translate("SignInMessages", "This platform takes no password here: click \"Sign in with browser…\" and sign in on the platform's own page."),
        SignInProblem.NO_PRACTITIONER: QCoreApplication.translate("SignInMessages", "You are signed in at the identity provider, but it does not say which doctor you are on the platform (fhirUser). Ask the platform's administrators to link your account."),
        SignInProblem.TIMED_OUT: QCoreApplication.translate("SignInMessages", "The sign-in in the browser was not completed in time. Sign in again when you are ready."),
        SignInProblem.CANCELLED: QCoreApplication.translate("SignInMessages", "The sign-in in the browser was cancelled or refused. Sign in again when you are ready."),
    }[error.problem]
# fmt: on
