"""A real OpenID provider for peer tests (node's oidc-provider from tests/oidc, installed by
devtools/oidc_provider.sh) and a scripted browser that signs in on its own pages.

The browser is plain HTTP: it follows the provider's redirects, fills in the forms it is
shown (login, then consent) with a cookie jar of its own, as a person's browser would, and
ends at the workstation's loopback redirect.
"""

from __future__ import annotations

import base64
import json
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urljoin

import httpx
from cryptography.hazmat.primitives.asymmetric import rsa

from devtools.sandbox_launcher import RunningSandbox, start_sandbox
from workstation.auth import CLIENT_ID, LoopbackRedirect, new_pkce_pair
from workstation.config import PlatformEntry
from workstation.services import Connection, sign_in_with_browser

OIDC_DIR = Path(__file__).resolve().parent / "oidc"
START_TIMEOUT_S = 60.0
# The sandbox's demo practitioners, as the provider's accounts (its own user names).
ACCOUNTS = {
    "li.jing": {"fhirUser": "Practitioner/pr001", "name": "李静"},
    "chen.min": {"fhirUser": "Practitioner/pr004", "name": "陈敏", "readOnly": True},
    "stranger": {"fhirUser": "Practitioner/nobody", "name": "外院用户"},
}


def _b64(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _private_jwk() -> dict[str, str]:
    """A new RSA signing key for one provider, as a private JWK (RFC 7518 §6.3)."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    numbers = private.private_numbers()
    public = numbers.public_numbers
    return {
        "kty": "RSA",
        "n": _b64(public.n),
        "e": _b64(public.e),
        "d": _b64(numbers.d),
        "p": _b64(numbers.p),
        "q": _b64(numbers.q),
        "dp": _b64(numbers.dmp1),
        "dq": _b64(numbers.dmq1),
        "qi": _b64(numbers.iqmp),
    }


@contextmanager
def running_provider(
    tmp_path: Path, *, clock_offset_s: int = 0, token_ttl_s: int = 600, id_token_ttl_s: int = 3600
) -> Iterator[str]:
    """Start oidc-provider on a free loopback port; yield its issuer URL; stop it."""
    node = shutil.which("node")
    assert node, "node is missing: run devtools/system_packages.sh test"
    assert (OIDC_DIR / "node_modules" / "oidc-provider").is_dir(), (
        "oidc-provider is missing: run devtools/oidc_provider.sh"
    )
    accounts = tmp_path / f"accounts-{clock_offset_s}.json"
    accounts.write_text(json.dumps(ACCOUNTS), encoding="utf-8")
    command = [node, str(OIDC_DIR / "provider.mjs"), str(accounts)]
    command += ["--clock-offset", str(clock_offset_s), "--ttl", str(token_ttl_s)]
    command += ["--id-token-ttl", str(id_token_ttl_s)]
    key = tmp_path / f"oidc-key-{clock_offset_s}.json"
    key.write_text(json.dumps(_private_jwk()), encoding="utf-8")
    command += ["--key", str(key)]
    errors = tmp_path / f"oidc-provider-{clock_offset_s}.log"
    with errors.open("w", encoding="utf-8") as stderr:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=stderr, text=True, encoding="utf-8"
        )
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
        lines.put("")

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        issuer = ""
        deadline = time.monotonic() + START_TIMEOUT_S
        while not issuer and time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                continue
            if not line:
                break
            if "listening on " in line:
                issuer = line.rsplit(" ", 1)[1].strip()
        assert issuer, (
            f"oidc-provider did not start (status {process.poll()}): {errors.read_text()}"
        )
        yield issuer
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        reader.join(10)
        if process.stdout is not None:
            process.stdout.close()


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if tag == "form":
            self.forms.append((values.get("action", ""), {}))
        elif tag == "input" and self.forms and values.get("name"):
            self.forms[-1][1][values["name"]] = values.get("value", "")


def forms(html: str) -> list[tuple[str, dict[str, str]]]:
    """(action, {input name: value}) of each form on a page."""
    parser = _Forms()
    parser.feed(html)
    return parser.forms


class ScriptedBrowser:
    """A person's browser: its own cookies, following redirects, submitting forms."""

    def __init__(self, login: str, password: str = "any-password", *, cancel: bool = False) -> None:
        self.login = login
        self.password = password
        self.cancel = cancel  # she clicks the provider's "Cancel" instead of signing in
        self.http = httpx.Client(follow_redirects=True, timeout=20)
        self.pages: list[str] = []  # what she saw, last first
        self.error: BaseException | None = None
        self.done = threading.Event()

    def sign_in(self, url: str) -> None:
        """Open the sign-in URL and go through login and consent until the provider sends
        the browser back to the workstation."""
        try:
            page = self.http.get(url)
            for _ in range(5):
                self.pages.insert(0, page.text)
                found = forms(page.text)
                if not found or page.url.host != httpx.URL(url).host:
                    return
                action, fields = found[0]
                if self.cancel:
                    parser = _Forms()
                    parser.feed(page.text)
                    abort = next(link for link in parser.links if link.endswith("/abort"))
                    self.pages.insert(0, self.http.get(urljoin(str(page.url), abort)).text)
                    return
                if fields.get("prompt") == "login":
                    fields.update(login=self.login, password=self.password)
                page = self.http.post(urljoin(str(page.url), action), data=fields)
        except BaseException as exc:  # handed to the test, which reports it
            self.error = exc
        finally:
            self.done.set()

    def open(self, url: str) -> None:
        """What ``open_browser`` does: sign in on a thread of its own (the workstation waits)."""
        threading.Thread(target=self.sign_in, args=(url,), daemon=True).start()

    def end_session(self, url: str) -> httpx.Response:
        """Follow an end-session URL and confirm the provider's "sign out?" form."""
        page = self.http.get(url)
        found = forms(page.text)
        if found:
            action, fields = found[0]
            page = self.http.post(urljoin(str(page.url), action), data={**fields, "logout": "yes"})
        return page

    def close(self) -> None:
        """Close the browser's connections."""
        self.http.close()


@dataclass
class Peer:
    """A provider's issuer and a sandbox trusting it."""

    issuer: str
    sandbox: RunningSandbox

    @property
    def fhir(self) -> str:
        """What the workstation is configured with: the FHIR base URL."""
        return f"{self.sandbox.base_url}/fhir"


@contextmanager
def running_peer(
    data_dir: Path, tmp_path: Path, *, clock_offset_s: int = 0, id_token_ttl_s: int = 3600
) -> Iterator[Peer]:
    """oidc-provider and ``python -m sandbox serve --external-issuer`` pointing at it."""
    with running_provider(
        tmp_path, clock_offset_s=clock_offset_s, id_token_ttl_s=id_token_ttl_s
    ) as issuer:
        sandbox = start_sandbox(data_dir, extra_args=("--external-issuer", issuer), timeout_s=120)
        try:
            yield Peer(issuer, sandbox)
        finally:
            sandbox.stop()


def provider_tokens(issuer: str, login: str, resource: str) -> dict[str, str]:
    """Tokens of ``issuer`` for ``resource``, got by hand (PKCE, the scripted browser, the
    loopback redirect): what another application could hold."""
    verifier, challenge = new_pkce_pair()
    listener = LoopbackRedirect("s")
    query = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": listener.redirect_uri,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "state": "s",
        "nonce": "n",
        "scope": "openid fhirUser user/Patient.rs",
        "resource": resource,
        "prompt": "consent",
    }
    browser = ScriptedBrowser(login)
    try:
        browser.open(f"{issuer}/auth?{urlencode(query)}")
        code = listener.wait(30)["code"]
        response = httpx.post(
            f"{issuer}/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "code_verifier": verifier,
                "redirect_uri": listener.redirect_uri,
                "client_id": CLIENT_ID,
                "resource": resource,
            },
        )
        response.raise_for_status()
        tokens: dict[str, str] = response.json()
        return tokens
    finally:
        browser.done.wait(10)
        browser.close()


def browser_sign_in(fhir: str, browser: ScriptedBrowser, *, keep_open: bool = False) -> Connection:
    """The workstation's browser sign-in to the platform at ``fhir``, her browser scripted
    (closed after, unless ``keep_open``). Raises PlatformError, or what the browser met."""
    try:
        return sign_in_with_browser(
            PlatformEntry("Regional platform", fhir),
            browser.open,
            remember=False,
            secrets=None,
            timeout_s=30,
        )
    finally:
        browser.done.wait(10)
        if not keep_open:
            browser.close()
        if browser.error is not None:
            raise browser.error
