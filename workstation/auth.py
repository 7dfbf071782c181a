"""Signing in to a platform: OIDC discovery, password and PKCE grants, refresh, sign-out.

Access tokens live only in memory; a refresh token is kept (when the user asks to be
remembered) only in the OS keyring; the password is never stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.server
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from workstation import smart_scopes
from workstation.http import (
    ErrorKind,
    PlatformError,
    check_same_origin,
    error_from_response,
    send,
)
from workstation.id_token import practitioner_reference, verify_id_token
from workstation.logs import safe
from workstation.model import UserInfo
from workstation.sign_in_errors import SignInError, SignInProblem
from workstation.smart import OIDC_PATH, SMART_PATH, fetch_json, issuer_metadata, smart_fields

log = logging.getLogger("workstation.auth")
CLIENT_ID = "hr-workstation"
# Exactly what the workstation uses (SMART on FHIR scopes; the platform grants no more than
# the user's role allows): who she is, a refresh token for the session, the records she
# reads, her decisions (Tasks, read and written), her saved marks and key images (DICOM objects
# stored into the study) and her audit records (written only).
SCOPE = " ".join(
    (
        "openid",
        "profile",
        "fhirUser",
        "offline_access",
        "user/Patient.read",
        "user/DiagnosticReport.read",
        "user/Observation.read",
        "user/ImagingStudy.read",
        "user/ImagingStudy.write",  # STOW-RS of her measurement reports and key images
        "user/Organization.read",
        "user/Endpoint.read",
        "user/Task.read",
        "user/Task.write",
        "user/AuditEvent.write",
        # Reports she transcribes from paper: the report, its values and the picture.
        "user/DiagnosticReport.write",
        "user/Observation.write",
        "user/DocumentReference.read",
        "user/DocumentReference.write",
        "user/Binary.read",
        "user/Binary.write",
        # The administrator's region statistics; a doctor is not granted it (the server
        # grants what her role allows of what is asked).
        "platform/statistics.read",
    )
)
KEYRING_SERVICE = "hr-workstation"
_REFRESH_MARGIN_S = 30


@dataclass(frozen=True)
class PlatformEndpoints:
    """Where a platform's services are, from its discovery documents."""

    base_url: str
    issuer: str
    token: str
    revocation: str
    userinfo: str
    authorization: str
    fhir_base: str
    dicomweb_base: str
    catalog: str
    supports_pkce: bool
    jwks_uri: str = ""
    end_session: str = ""
    introspection: str = ""
    scopes_supported: tuple[str, ...] = ()
    capabilities: tuple[str, ...] = ()
    grant_types: tuple[str, ...] = ()
    # Found by SMART discovery at the FHIR base URL: the identity provider is apart from the
    # FHIR server, the user comes from the verified ID token, and the access token is asked
    # for the FHIR server (RFC 8707 resource) and sent only to the platform's services.
    smart: bool = False

    def origins(self) -> tuple[str, ...]:
        """The URLs whose origins may receive the platform's bearer token: the configured
        address and the services the discovery document names (nothing a record links to).
        With SMART discovery that is the FHIR, DICOMweb and catalog servers, not the
        identity provider (its token is for the FHIR server's audience)."""
        services = (self.base_url, self.fhir_base, self.dicomweb_base, self.catalog)
        if self.smart:
            return services
        return (*services, self.token, self.userinfo)

    @property
    def offers_password(self) -> bool:
        """Whether the password grant may be tried (an OAuth 2.1 provider offers none)."""
        return not self.grant_types or "password" in self.grant_types


def discover(client: httpx.Client, base_url: str) -> PlatformEndpoints:
    """Discover a platform from its configured address. A FHIR base URL: its SMART
    configuration (``/.well-known/smart-configuration``) and the issuer's OpenID metadata;
    else the address is taken as an issuer serving ``/.well-known/openid-configuration``
    (the sandbox's root). Raises PlatformError."""
    base_url = base_url.rstrip("/")
    smart_doc = fetch_json(
        client, base_url + SMART_PATH, "the FHIR server", SignInProblem.FHIR_UNREACHABLE
    )
    if smart_doc is not None:
        issuer = str(smart_doc.get("issuer", ""))
        oidc_doc = issuer_metadata(client, issuer) if issuer else {}
        try:
            return PlatformEndpoints(**smart_fields(base_url, smart_doc, oidc_doc))
        except (ValueError, KeyError, TypeError) as exc:
            raise PlatformError(ErrorKind.BAD_RESPONSE, "SMART configuration is malformed") from exc
    doc = fetch_json(
        client, f"{base_url}{OIDC_PATH}", "the platform", SignInProblem.FHIR_UNREACHABLE
    )
    if doc is None:
        raise PlatformError(
            ErrorKind.NOT_FOUND, "no SMART configuration or OpenID metadata at this address"
        )
    try:
        return PlatformEndpoints(
            base_url=base_url,
            issuer=str(doc["issuer"]),
            token=str(doc["token_endpoint"]),
            revocation=str(doc.get("revocation_endpoint", "")),
            userinfo=str(doc.get("userinfo_endpoint", "")),
            authorization=str(doc.get("authorization_endpoint", "")),
            fhir_base=str(doc.get("fhir_base_url", f"{base_url}/fhir")),
            dicomweb_base=str(doc.get("dicomweb_base_url", f"{base_url}/dicomweb")),
            catalog=str(doc.get("recognition_catalog_url", f"{base_url}/catalog/recognition")),
            supports_pkce="S256" in doc.get("code_challenge_methods_supported", []),
            jwks_uri=str(doc.get("jwks_uri", "")),
            end_session=str(doc.get("end_session_endpoint", "")),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise PlatformError(ErrorKind.BAD_RESPONSE, "discovery document is malformed") from exc


class SecretStore(Protocol):
    """Where a refresh token may be kept (the OS keyring in production)."""

    def get_password(self, service: str, username: str) -> str | None: ...
    def set_password(self, service: str, username: str, password: str) -> None: ...
    def delete_password(self, service: str, username: str) -> None: ...


class KeyringUnavailable(Exception):
    """No secure OS keyring exists; "remember me" is refused rather than storing in a file."""


def system_keyring() -> SecretStore:
    """The OS keyring. Raises KeyringUnavailable when only an insecure/null backend exists."""
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    priority = getattr(backend, "priority", 0)
    if isinstance(backend, fail.Keyring) or priority < 1:
        raise KeyringUnavailable(type(backend).__name__)
    store: SecretStore = backend
    return store


class RememberedSignIn:
    """The refresh token kept for one user of one platform, and which user that was."""

    def __init__(self, secrets_store: SecretStore, base_url: str) -> None:
        self._store = secrets_store
        self._account = f"{base_url.rstrip('/')}"

    def save(self, username: str, refresh_token: str) -> None:
        """Keep the refresh token (replaces any earlier one)."""
        self._store.set_password(KEYRING_SERVICE, self._account + "#user", username)
        self._store.set_password(KEYRING_SERVICE, self._account + "#refresh", refresh_token)

    def load(self) -> tuple[str, str] | None:
        """(username, refresh token), if remembered."""
        user = self._store.get_password(KEYRING_SERVICE, self._account + "#user")
        token = self._store.get_password(KEYRING_SERVICE, self._account + "#refresh")
        return (user, token) if user and token else None

    def forget(self) -> None:
        """Delete what is kept."""
        for suffix in ("#user", "#refresh"):
            try:
                self._store.delete_password(KEYRING_SERVICE, self._account + suffix)
            except Exception:
                log.debug("nothing to forget for %s", safe(suffix))


def new_pkce_pair() -> tuple[str, str]:
    """(verifier, S256 challenge) for RFC 7636."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class Session:
    """A signed-in session: hands out a valid access token, refreshing it as needed.

    Thread-safe: worker threads call ``bearer()`` concurrently.
    """

    def __init__(
        self,
        client: httpx.Client,
        endpoints: PlatformEndpoints,
        remembered: RememberedSignIn | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.endpoints = endpoints
        self.remembered = remembered
        self._clock = clock
        self._lock = threading.Lock()
        self._access = ""
        self._refresh = ""
        self._expires_at = 0.0
        self.user: UserInfo | None = None
        self.id_token = ""  # the last ID token (end-session hint); never sent to a resource
        self.granted_scope: tuple[str, ...] = ()  # what the last token answer granted
        self._identity: dict[str, Any] | None = None  # verified ID token claims (SMART)

    @property
    def scope(self) -> str:
        """The scope this session asks for: SMART's forms the platform advertises."""
        if not self.endpoints.smart:
            return SCOPE
        return smart_scopes.requested(self.endpoints.capabilities, self.endpoints.scopes_supported)

    @property
    def can_record(self) -> bool:
        """Whether the grant lets her record decisions (write Tasks)."""
        return smart_scopes.can_record(self.granted_scope)

    @property
    def signed_in(self) -> bool:
        """Whether a token pair is held."""
        return bool(self._access)

    def _token_request(self, form: dict[str, str]) -> None:
        response = send(
            self.client, "POST", self.endpoints.token, data={**form, "client_id": CLIENT_ID}
        )
        if response.status_code != 200:
            error = error_from_response(response)
            if response.status_code in (400, 401):
                raise PlatformError(ErrorKind.AUTH, error.detail, response.status_code)
            raise error
        try:
            body = response.json()
            self._access = str(body["access_token"])
            # Rotation: a new refresh token replaces the spent one; a provider that keeps
            # the same token answers with none.
            self._refresh = str(body.get("refresh_token") or self._refresh)
            self._expires_at = self._clock() + float(body.get("expires_in", 300))
            self.id_token = str(body.get("id_token") or self.id_token)
            granted = body.get("scope")
            self.granted_scope = tuple(str(granted or form.get("scope", self.scope)).split())
        except (ValueError, KeyError) as exc:
            raise PlatformError(ErrorKind.BAD_RESPONSE, "token response is malformed") from exc

    def sign_in_with_password(self, username: str, password: str, *, remember: bool) -> UserInfo:
        """Password grant. Raises PlatformError (AUTH for wrong credentials)."""
        if not self.endpoints.offers_password:
            raise SignInError(
                ErrorKind.REJECTED,
                SignInProblem.BROWSER_ONLY,
                "this platform signs in on its own page only: use sign-in with the browser",
            )
        with self._lock:
            self._token_request(
                {
                    "grant_type": "password",
                    "username": username,
                    "password": password,
                    "scope": self.scope,
                }
            )
            if self.endpoints.smart:
                self._identity = self._verified_identity(None)
        return self._after_sign_in(remember)

    def reauthenticate(self, password: str) -> None:
        """Prove the signed-in user is still at the keyboard (unlock). A remembered sign-in
        stays remembered. Raises PlatformError (AUTH for a wrong password)."""
        if self.user is None:
            raise PlatformError(ErrorKind.AUTH, "not signed in")
        with self._lock:
            self._token_request(
                {
                    "grant_type": "password",
                    "username": self.user.username,
                    "password": password,
                    "scope": self.scope,
                }
            )
        if self.remembered is not None and self.remembered.load() is not None and self._refresh:
            self.remembered.save(self.user.username, self._refresh)

    def sign_in_with_code(
        self,
        code: str,
        verifier: str,
        redirect_uri: str,
        *,
        remember: bool,
        nonce: str | None = None,
    ) -> UserInfo:
        """Authorization code + PKCE grant; with SMART discovery the ID token is verified
        (``nonce`` of the request) and names the user. Raises PlatformError."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "code_verifier": verifier,
            "redirect_uri": redirect_uri,
        }
        if self.endpoints.smart:
            form["resource"] = self.endpoints.fhir_base  # RFC 8707: the token's audience
        with self._lock:
            self._token_request(form)
            if self.endpoints.smart:
                self._identity = self._verified_identity(nonce)
        return self._after_sign_in(remember)

    def _verified_identity(self, nonce: str | None) -> dict[str, Any]:
        if not self.id_token:
            raise PlatformError(ErrorKind.AUTH, "the sign-in provider returned no ID token")
        try:
            return verify_id_token(
                self.client,
                self.id_token,
                issuer=self.endpoints.issuer,
                jwks_uri=self.endpoints.jwks_uri,
                client_id=CLIENT_ID,
                nonce=nonce,
            )
        except PlatformError:
            self._access = self._refresh = self.id_token = ""
            raise

    def resume(self) -> UserInfo | None:
        """Sign in silently with a remembered refresh token; None if there is none or it is
        no longer accepted (then it is forgotten). Raises PlatformError for network trouble."""
        if self.remembered is None:
            return None
        kept = self.remembered.load()
        if kept is None:
            return None
        with self._lock:
            self._refresh = kept[1]
            try:
                self._refresh_locked()
                if self.endpoints.smart:
                    self._identity = self._verified_identity(None)
            except PlatformError as exc:
                if exc.kind is ErrorKind.AUTH:
                    self.remembered.forget()
                    self._access = self._refresh = ""
                    return None
                raise
        return self._after_sign_in(True)

    def _after_sign_in(self, remember: bool) -> UserInfo:
        self.user = self.fetch_user() if self._identity is None else self._user_from_identity()
        if self.remembered is not None:
            if remember and self._refresh:
                self.remembered.save(self.user.username, self._refresh)
            elif not remember:
                self.remembered.forget()
        log.info("signed in (role %s)", safe(self.user.role))
        return self.user

    def fetch_user(self) -> UserInfo:
        """Who the token belongs to (userinfo endpoint). Raises PlatformError."""
        response = self.get(self.endpoints.userinfo)
        try:
            body = response.json()
            return UserInfo(
                username=str(body["sub"]),
                display_name=str(body.get("name", body["sub"])),
                role=str(body.get("role", "")),
                practitioner=str(body.get("fhirUser", "")),
                organization=str(body.get("organization", "")),
                department=str(body.get("department", "")),
            )
        except (ValueError, KeyError) as exc:
            raise PlatformError(ErrorKind.BAD_RESPONSE, "userinfo is malformed") from exc

    def _user_from_identity(self) -> UserInfo:
        """The user the verified ID token names; her name and hospital from her
        Practitioner resource on the FHIR server (``fhirUser``)."""
        claims = self._identity or {}
        practitioner = practitioner_reference(str(claims.get("fhirUser", "")))
        if not practitioner:
            raise SignInError(
                ErrorKind.AUTH,
                SignInProblem.NO_PRACTITIONER,
                "the sign-in provider names no practitioner (fhirUser claim)",
            )
        name, organization = str(claims.get("name", "")), ""
        resource = self.get(f"{self.endpoints.fhir_base.rstrip('/')}/{practitioner}").json()
        if isinstance(resource, dict):
            names = resource.get("name") or [{}]
            name = name or str(names[0].get("text", ""))
            for qualification in resource.get("qualification", []):
                issuer = qualification.get("issuer", {}).get("reference", "")
                if str(issuer).startswith("Organization/"):
                    organization = str(issuer)
                    break
        return UserInfo(
            username=str(claims["sub"]),
            display_name=name or str(claims["sub"]),
            role="",
            practitioner=practitioner,
            organization=organization,
            department="",
        )

    def end_session_url(self, post_logout_redirect_uri: str = "") -> str:
        """Where the browser ends her session at the identity provider (OIDC RP-Initiated
        Logout), with the ID token as hint; "" when the provider has no end-session endpoint.
        Ask before ``sign_out`` (which forgets the ID token)."""
        if not self.endpoints.end_session or not self.id_token:
            return ""
        query = {"id_token_hint": self.id_token, "client_id": CLIENT_ID}
        if post_logout_redirect_uri:
            query["post_logout_redirect_uri"] = post_logout_redirect_uri
        return f"{self.endpoints.end_session}?{urlencode(query)}"

    def _refresh_locked(self) -> None:
        if not self._refresh:
            raise PlatformError(ErrorKind.AUTH, "session expired")
        form = {"grant_type": "refresh_token", "refresh_token": self._refresh}
        try:
            self._token_request(form)
        except PlatformError as exc:
            if exc.kind not in (ErrorKind.NETWORK, ErrorKind.TIMEOUT, ErrorKind.BAD_RESPONSE):
                raise
            # The answer was lost on the way (cut, timed out, half a body): the platform may
            # have spent the token already. Send the same one once more right away, while a
            # platform's reuse grace still accepts it; a refusal then means signing in again.
            log.info("refresh answer lost (%s); asking once more", exc.kind)
            try:
                self._token_request(form)
            except PlatformError as again:
                if again.kind is ErrorKind.AUTH:
                    # Spent, and the platform keeps no grace for it: nothing kept can renew
                    # the session (a remembered copy would only trip theft detection later).
                    self._access = self._refresh = ""
                    self._expires_at = 0.0
                    if self.remembered is not None:
                        self.remembered.forget()
                    raise PlatformError(
                        ErrorKind.AUTH, "the session could not be renewed; sign in again"
                    ) from again
                raise
        if self.remembered is not None and self.user is not None and self._refresh:
            kept = self.remembered.load()
            if kept is not None:
                self.remembered.save(self.user.username, self._refresh)

    def bearer(self, *, force_refresh: bool = False) -> str:
        """A valid access token, refreshed first when it is (nearly) expired."""
        with self._lock:
            if not self._access and not self._refresh:
                raise PlatformError(ErrorKind.AUTH, "not signed in")
            if force_refresh or self._clock() > self._expires_at - _REFRESH_MARGIN_S:
                self._refresh_locked()
            return self._access

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        """GET with the bearer token; on 401 refresh once and retry. Raises PlatformError
        for any non-2xx/304 answer."""
        return self.request("GET", url, **kwargs)

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        idempotent: bool | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """An authorized request; on 401 the token is refreshed once and the request resent.
        Raises PlatformError for any answer other than 2xx or 304, and FOREIGN_ORIGIN
        (nothing sent) for a URL outside the platform's own origins."""
        check_same_origin(url, self.endpoints.origins())
        token = self.bearer()
        for attempt in (1, 2):
            all_headers = {**(headers or {}), "Authorization": f"Bearer {token}"}
            response = send(
                self.client, method, url, headers=all_headers, idempotent=idempotent, **kwargs
            )
            if response.status_code == 401 and attempt == 1:
                token = self.bearer(force_refresh=True)
                continue
            if response.status_code >= 400:
                raise error_from_response(response)
            return response
        raise AssertionError("unreachable")

    def sign_out(self) -> None:
        """Revoke the tokens at the platform (best effort) and forget them everywhere."""
        with self._lock:
            tokens = [t for t in (self._refresh, self._access) if t]
            self._access = self._refresh = self.id_token = ""
            self._expires_at = 0.0
            self._identity = None
        if self.endpoints.revocation:
            for token in tokens:
                try:
                    send(
                        self.client,
                        "POST",
                        self.endpoints.revocation,
                        data={"token": token, "client_id": CLIENT_ID},
                        attempts=1,
                    )
                except PlatformError as exc:
                    log.warning("token revocation failed: %s", exc.kind)
        if self.remembered is not None:
            self.remembered.forget()
        self.user = None
        log.info("signed out")


_REDIRECT_PATH = "/callback"
_CONNECTION_TIMEOUT_S = 5.0  # an idle or slow local connection is dropped after this
_CANCEL_POLL_S = 0.05


class LoopbackRedirect:
    """Receives one sign-in's authorization redirect on 127.0.0.1 (RFC 8252 §7.3), on a port
    of the system's choosing.

    Only a GET on the redirect path carrying this sign-in's ``state`` ends the wait; any
    other request (another path or method, no or another state: a local program or a web
    page probing the port) is answered 404 and ignored, and the wait goes on. Each
    connection has its own thread and a socket timeout, so an idle one neither blocks the
    real redirect nor lingers.
    """

    def __init__(self, state: str) -> None:
        self.result: dict[str, str] = {}
        self._state = state
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._closed = False
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            timeout = _CONNECTION_TIMEOUT_S  # socket timeout of each connection

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                if parts.path != _REDIRECT_PATH or not outer._accept(query):
                    self._answer(404, "Not found.")
                    return
                self._answer(200, "登录完成，请回到工作站。Sign-in complete.")

            def _refuse(self) -> None:
                self._answer(404, "Not found.")

            do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _refuse  # noqa: N815

            def _answer(self, status: int, text: str) -> None:
                data = f"<html><body>{text}</body></html>".encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Connection", "close")
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                return

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True
            block_on_close = False

        self._server = Server(("127.0.0.1", 0), Handler)
        self.redirect_uri = f"http://127.0.0.1:{self._server.server_address[1]}{_REDIRECT_PATH}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": _CANCEL_POLL_S},
            daemon=True,
            name="pkce-redirect",
        )
        self._thread.start()

    def _accept(self, query: dict[str, str]) -> bool:
        """Take the first redirect carrying this sign-in's state; False for anything else."""
        if not hmac.compare_digest(query.get("state", ""), self._state):
            return False
        with self._lock:
            if self._done.is_set():
                return False
            self.result = query
            self._done.set()
        return True

    def wait(self, timeout_s: float, cancelled: Callable[[], bool] | None = None) -> dict[str, str]:
        """The redirect's query parameters; stops listening in any case. Raises
        SignInError: TIMED_OUT after ``timeout_s`` seconds, CANCELLED within 50 ms of
        ``cancelled()`` turning true (she cancelled in the workstation)."""
        deadline = time.monotonic() + timeout_s
        try:
            while not self._done.is_set():
                if cancelled is not None and cancelled():
                    raise SignInError(
                        ErrorKind.AUTH,
                        SignInProblem.CANCELLED,
                        "browser sign-in was cancelled in the workstation",
                    )
                left = deadline - time.monotonic()
                if left <= 0:
                    raise SignInError(
                        ErrorKind.TIMEOUT,
                        SignInProblem.TIMED_OUT,
                        "browser sign-in was not completed",
                    )
                self._done.wait(min(left, _CANCEL_POLL_S))
            return self.result
        finally:
            self.close()

    def close(self) -> None:
        """Stop listening and free the port (idempotent)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._server.shutdown()
        self._server.server_close()


def sign_in_in_browser(
    session: Session,
    open_browser: Callable[[str], object],
    *,
    remember: bool,
    timeout_s: float = 300.0,
    cancelled: Callable[[], bool] | None = None,
) -> UserInfo:
    """Authorization code + PKCE with a loopback redirect (RFC 8252). ``open_browser``
    shows the platform's sign-in page; once ``cancelled()`` is true the wait for the
    browser ends at once (SignInError CANCELLED). Raises PlatformError."""
    if not session.endpoints.authorization:
        raise PlatformError(ErrorKind.REJECTED, "this platform offers no browser sign-in")
    if not session.endpoints.supports_pkce:
        # RFC 8252 §8.1: a native app's code can be intercepted on the machine; without PKCE
        # (S256) it would be as good as the tokens. Nothing is opened or sent.
        raise SignInError(
            ErrorKind.REJECTED,
            SignInProblem.NO_PKCE,
            "the platform's sign-in provider does not offer PKCE (S256); browser sign-in"
            " is refused as unsafe: ask the platform's administrators to enable it",
        )
    verifier, challenge = new_pkce_pair()
    state = secrets.token_urlsafe(16)
    nonce = secrets.token_urlsafe(16)
    listener = LoopbackRedirect(state)
    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": listener.redirect_uri,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "state": state,
        "nonce": nonce,
        "scope": session.scope,
    }
    if session.endpoints.smart:
        # SMART's aud and RFC 8707's resource: the token is for this FHIR server only;
        # OIDC grants offline_access (a refresh token) only after consent was asked.
        params["aud"] = params["resource"] = session.endpoints.fhir_base
        params["prompt"] = "consent"
    try:
        open_browser(f"{session.endpoints.authorization}?{urlencode(params)}")
    except BaseException:
        listener.close()
        raise
    result = listener.wait(timeout_s, cancelled)
    if not hmac.compare_digest(result.get("state", ""), state):
        raise SignInError(
            ErrorKind.AUTH,
            SignInProblem.NOT_THIS_SIGN_IN,
            "the sign-in answer is not for this sign-in (state)",
        )
    if "code" not in result:
        raise SignInError(
            ErrorKind.AUTH,
            SignInProblem.CANCELLED,
            result.get("error_description") or result.get("error") or "sign-in was not completed",
        )
    issuer = result.get("iss")  # RFC 9207: the answer names who sent it
    if issuer is not None and issuer.rstrip("/") != session.endpoints.issuer.rstrip("/"):
        raise SignInError(
            ErrorKind.AUTH,
            SignInProblem.OTHER_ISSUER,
            "the sign-in answer came from another issuer",
        )
    return session.sign_in_with_code(
        result["code"], verifier, listener.redirect_uri, remember=remember, nonce=nonce
    )
