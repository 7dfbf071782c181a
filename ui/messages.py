"""Plain-language messages for failures, in the interface language."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from ui.sign_in_messages import sign_in_message
from workstation.http import ErrorKind, PlatformError
from workstation.imaging.decode import DecodeError
from workstation.sign_in_errors import SignInError
from workstation.sources.base import SourceError


# One literal per message so that lupdate can extract it (hence the long lines).
# fmt: off
def _platform_message(kind: ErrorKind) -> str:

    return {
        ErrorKind.NETWORK: QCoreApplication.translate("Messages", "Cannot reach the platform. Check the network and try again."),
        ErrorKind.TIMEOUT: QCoreApplication.translate("Messages", "The platform did not answer in time. Try again."),
        ErrorKind.TLS: QCoreApplication.translate("Messages", "The platform's certificate is not trusted. Ask IT to check the CA bundle setting."),
        ErrorKind.SERVER: QCoreApplication.translate("Messages", "The platform has a problem right now. Try again shortly."),
        ErrorKind.AUTH: QCoreApplication.translate("Messages", "Wrong user name or password, or your session has ended. Please sign in again."),
        ErrorKind.FORBIDDEN: QCoreApplication.translate("Messages", "Your account is not allowed to do this."),
        ErrorKind.NOT_FOUND: QCoreApplication.translate("Messages", "The record was not found on the platform."),
        ErrorKind.REJECTED: QCoreApplication.translate("Messages", "The platform refused the request."),
        ErrorKind.BAD_RESPONSE: QCoreApplication.translate("Messages", "The platform sent an answer that cannot be read."),
        ErrorKind.INSECURE: QCoreApplication.translate("Messages", "Refusing an unencrypted connection to a remote platform (use https)."),
        ErrorKind.BUSY: QCoreApplication.translate("Messages", "The platform is busy and asked to try again later. Your work is kept and is sent automatically."),
        ErrorKind.SIGNED_OUT: QCoreApplication.translate("Messages", "You are not signed in to the platform that holds this record. Sign in to it (status bar) and try again; your decisions on it wait until then."),
        ErrorKind.FOREIGN_ORIGIN: QCoreApplication.translate("Messages", "The platform pointed to another server. It was not contacted, so that your sign-in is not passed on to it. Tell IT if this keeps happening."),
    }[kind]
# fmt: on


def describe(error: Exception) -> str:
    """What went wrong and what to do, for a person."""
    if isinstance(error, SignInError):
        return sign_in_message(error)
    if isinstance(error, PlatformError):
        text = _platform_message(error.kind)
        if error.kind in (ErrorKind.REJECTED, ErrorKind.SERVER) and error.detail:
            text += f" ({error.detail})"
        return text
    if isinstance(error, SourceError):
        template = QCoreApplication.translate(
            "Messages", "The images could not be read from the disc or PACS: %1"
        )
        return template.replace("%1", str(error))
    if isinstance(error, DecodeError):
        template = QCoreApplication.translate("Messages", "This image cannot be shown: %1")
        return template.replace("%1", str(error))
    template = QCoreApplication.translate("Messages", "Unexpected error: %1")
    return template.replace("%1", type(error).__name__)
