"""Users, passwords and OAuth2 tokens of the sandbox (RS256 JWT access tokens, rotating refresh).

Access tokens are self-contained JWTs checked by signature, expiry, issuer, audience and a
revocation list. Refresh tokens are opaque, stored hashed, issued only with the
``offline_access`` scope, and single use: using one issues a new one in the same family;
reusing a spent one revokes the whole family (theft detection). One exception, as production
authorization servers make it: a spent token presented again within ``reuse_grace_s`` of its
use (the answer was lost on the way) gets a fresh pair of the same family, and the pair it
got before is revoked, so a copy in someone else's hands still ends the family when used.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import sqlite3
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from sandbox import scopes
from sandbox.store import Store

if TYPE_CHECKING:
    from sandbox.external_issuer import ExternalIssuer

AUDIENCE = "hr-platform"
CLIENT_ID = "hr-workstation"
ROLES = ("radiologist", "clinician", "admin")


class AuthError(Exception):
    """A credential or token was refused. ``code`` is the OAuth2 error code."""

    def __init__(self, code: str, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass(frozen=True)
class User:
    """A platform account."""

    username: str
    role: str
    practitioner: str  # "Practitioner/<id>"
    display: str
    organization: str  # "Organization/<id>"
    department: str


@dataclass(frozen=True)
class TokenPair:
    """What the token endpoint returns."""

    access_token: str
    refresh_token: str  # "" when the grant has no offline_access
    expires_in: int
    scope: str
    id_token: str


def _hash_password(password: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, 120_000)


def _digest(token: str) -> str:
    # UTF-8, not ASCII: a token with other characters is simply unknown, never an error.
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


_VERIFIER = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")


def pkce_challenge(verifier: str) -> str:
    """The S256 code challenge for a PKCE verifier (RFC 7636). Raises AuthError
    (invalid_grant) for a verifier outside RFC 7636's alphabet or length (43-128)."""
    if not _VERIFIER.match(verifier):
        raise AuthError("invalid_grant", "the PKCE verifier is malformed")
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class SigningKey:
    """The RSA key that signs tokens, kept as PEM in the data directory."""

    def __init__(self, path: Path) -> None:
        if path.exists():
            loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
            if not isinstance(loaded, rsa.RSAPrivateKey):
                raise ValueError("signing key is not RSA")
            self.private_key = loaded
        else:
            self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            path.parent.mkdir(parents=True, exist_ok=True)
            pem = self.private_key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            path.write_bytes(pem)
            path.chmod(0o600)
        public_der = self.private_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.kid = hashlib.sha256(public_der).hexdigest()[:16]

    def jwks(self) -> dict[str, Any]:
        """The public key as a JSON Web Key Set."""
        numbers = self.private_key.public_key().public_numbers()

        def b64(value: int) -> str:
            raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
            return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")

        key = {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid}
        return {"keys": [{**key, "n": b64(numbers.n), "e": b64(numbers.e)}]}


class Authority:
    """Issues and checks tokens for one sandbox."""

    def __init__(
        self,
        store: Store,
        key: SigningKey,
        issuer: str,
        access_ttl_s: int,
        refresh_ttl_s: int,
        reuse_grace_s: float = 30.0,
    ) -> None:
        self.store = store
        self.key = key
        self.issuer = issuer
        self.access_ttl_s = access_ttl_s
        self.refresh_ttl_s = refresh_ttl_s
        self.reuse_grace_s = reuse_grace_s
        self.generation = 0  # bumping it expires every access token issued so far (fault knob)
        # When set, access tokens are that issuer's, not this sandbox's (resource server only).
        self.external: ExternalIssuer | None = None
        # The OIDC nonce of each outstanding authorization code (codes live 60 s), by hash.
        self._nonces: dict[str, tuple[float, str]] = {}

    # --- users ----------------------------------------------------------------------------
    def add_user(self, user: User, password: str) -> None:
        """Create or replace an account."""
        if user.role not in ROLES:
            raise ValueError(f"unknown role {user.role}")
        salt = secrets.token_bytes(16)
        with self.store.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO user VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    user.username,
                    salt,
                    _hash_password(password, salt),
                    user.role,
                    user.practitioner,
                    user.display,
                    user.organization,
                    user.department,
                ),
            )

    def user(self, username: str) -> User | None:
        """An account by name."""
        with self.store.read() as db:
            row = db.execute("SELECT * FROM user WHERE username=?", (username,)).fetchone()
        if row is None:
            return None
        return User(
            row["username"],
            row["role"],
            row["practitioner"],
            row["display"],
            row["organization"],
            row["department"],
        )

    def user_by_practitioner(self, practitioner: str) -> User | None:
        """The account of a practitioner (``Practitioner/<id>``)."""
        with self.store.read() as db:
            row = db.execute(
                "SELECT username FROM user WHERE practitioner=?", (practitioner,)
            ).fetchone()
        return self.user(row["username"]) if row is not None else None

    def _verify_external(self, external: ExternalIssuer, token: str) -> tuple[User, dict[str, Any]]:
        from sandbox.external_issuer import account_reference

        claims = external.verify(token)
        practitioner, subject = account_reference(claims)
        user = self.user_by_practitioner(practitioner) if practitioner else self.user(subject)
        if user is None:
            raise AuthError("invalid_token", "the token's user is no practitioner of this platform")
        return user, claims

    def check_password(self, username: str, password: str) -> User:
        """The user if the password matches. Raises AuthError(invalid_grant)."""
        with self.store.read() as db:
            row = db.execute(
                "SELECT salt, pw_hash FROM user WHERE username=?", (username,)
            ).fetchone()
        salt = row["salt"] if row else b"0" * 16
        candidate = _hash_password(password, salt)
        if row is None or not hmac.compare_digest(candidate, row["pw_hash"]):
            raise AuthError("invalid_grant", "wrong user name or password")
        found = self.user(username)
        assert found is not None
        return found

    # --- tokens ---------------------------------------------------------------------------
    def issue(
        self,
        user: User,
        client_id: str,
        scope: str,
        family: str | None = None,
        nonce: str = "",
    ) -> TokenPair:
        """A new access token, and a refresh token (in ``family`` when rotating) when the
        scope holds ``offline_access``; the ID token carries ``nonce`` when one is given."""
        pair, refresh_hash = self._issue(user, client_id, scope, family, nonce)
        if refresh_hash:
            with self.store.transaction() as db:
                self._store_refresh(db, refresh_hash, family, user, client_id, scope)
        return pair

    def _issue(
        self, user: User, client_id: str, scope: str, family: str | None, nonce: str = ""
    ) -> tuple[TokenPair, str]:
        now = time.time()
        claims = {
            "iss": self.issuer,
            "sub": user.username,
            "aud": AUDIENCE,
            "iat": int(now),
            "nbf": int(now) - 1,
            "exp": int(now) + self.access_ttl_s,
            "jti": uuid.uuid4().hex,
            "scope": scope,
            "client_id": client_id,
            "role": user.role,
            "practitioner": user.practitioner,
            "organization": user.organization,
            "gen": self.generation,
        }
        headers = {"kid": self.key.kid}
        access = jwt.encode(claims, self.key.private_key, algorithm="RS256", headers=headers)
        id_claims = {
            "iss": self.issuer,
            "sub": user.username,
            "aud": client_id,
            "iat": int(now),
            "exp": int(now) + self.access_ttl_s,
            "name": user.display,
            "role": user.role,
            "fhirUser": user.practitioner,
        }
        if nonce:
            id_claims["nonce"] = nonce
        id_token = jwt.encode(id_claims, self.key.private_key, algorithm="RS256", headers=headers)
        refresh = secrets.token_urlsafe(32) if "offline_access" in scope.split() else ""
        pair = TokenPair(access, refresh, self.access_ttl_s, scope, id_token)
        return pair, _digest(refresh) if refresh else ""

    def _store_refresh(
        self,
        db: sqlite3.Connection,
        refresh_hash: str,
        family: str | None,
        user: User,
        client_id: str,
        scope: str,
    ) -> None:
        db.execute(
            "INSERT INTO refresh_token(token_hash, family, username, client_id, scope,"
            " expires) VALUES (?, ?, ?, ?, ?, ?)",
            (
                refresh_hash,
                family or uuid.uuid4().hex,
                user.username,
                client_id,
                scope,
                time.time() + self.refresh_ttl_s,
            ),
        )

    def refresh(self, refresh_token: str, client_id: str, requested_scope: str = "") -> TokenPair:
        """Spend a refresh token for a new pair (its scope narrowed to ``requested_scope``
        when one is given). Raises AuthError (invalid_grant, invalid_scope)."""
        problem = ""
        pair: TokenPair | None = None
        with self.store.transaction() as db:
            row = db.execute(
                "SELECT * FROM refresh_token WHERE token_hash=?", (_digest(refresh_token),)
            ).fetchone()
            now = time.time()
            if row is None or row["client_id"] != client_id:
                problem = "unknown refresh token"
            elif row["revoked"] or (row["used"] and not self._in_grace(db, row, now)):
                # A spent token came back: someone kept a copy. End the whole family.
                db.execute("UPDATE refresh_token SET revoked=1 WHERE family=?", (row["family"],))
                problem = "refresh token was already used or revoked"
            elif row["expires"] < now:
                problem = "refresh token expired"
            else:
                user = self.user(row["username"])
                if user is None:
                    problem = "account no longer exists"
                else:
                    try:
                        allowed = scopes.grant(user.role, row["scope"])
                        scope = scopes.narrow(allowed, requested_scope)
                    except scopes.ScopeError as exc:
                        raise AuthError("invalid_scope", str(exc)) from exc
                    if row["used"]:  # within the grace: the pair it got before is void
                        db.execute(
                            "UPDATE refresh_token SET revoked=1 WHERE token_hash=?",
                            (row["replaced_by"],),
                        )
                    pair, new_hash = self._issue(user, client_id, scope, row["family"])
                    if new_hash:
                        self._store_refresh(db, new_hash, row["family"], user, client_id, scope)
                    db.execute(
                        "UPDATE refresh_token SET used=1, used_at=COALESCE(used_at, ?),"
                        " replaced_by=? WHERE token_hash=?",
                        (now, new_hash, row["token_hash"]),
                    )
        if problem or pair is None:  # raised outside the transaction so a revocation is kept
            raise AuthError("invalid_grant", problem or "refresh refused")
        return pair

    def _in_grace(self, db: sqlite3.Connection, row: sqlite3.Row, now: float) -> bool:
        """Whether a spent refresh token may be used once more: within the grace after its
        first use, and the token it was replaced by has not been used (or revoked) since."""
        used_at = row["used_at"]
        if used_at is None or now - float(used_at) > self.reuse_grace_s:
            return False
        if not row["replaced_by"]:
            return False
        child = db.execute(
            "SELECT used, revoked FROM refresh_token WHERE token_hash=?", (row["replaced_by"],)
        ).fetchone()
        return child is not None and not child["used"] and not child["revoked"]

    def revoke(self, token: str) -> None:
        """Revoke a refresh token (its whole family) or an access token. Unknown: no-op."""
        with self.store.transaction() as db:
            row = db.execute(
                "SELECT family FROM refresh_token WHERE token_hash=?", (_digest(token),)
            ).fetchone()
            if row is not None:
                db.execute("UPDATE refresh_token SET revoked=1 WHERE family=?", (row["family"],))
                return
        try:
            claims = self._decode(token, verify_exp=False)
        except AuthError:
            return
        with self.store.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO revoked_jti(jti, expires) VALUES (?, ?)",
                (claims["jti"], claims["exp"]),
            )

    def _decode(self, token: str, *, verify_exp: bool = True) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self.key.private_key.public_key(),
                algorithms=["RS256"],
                audience=AUDIENCE,
                issuer=self.issuer,
                options={"verify_exp": verify_exp, "require": ["exp", "sub", "jti"]},
                leeway=0,
            )
        except jwt.ExpiredSignatureError as exc:
            raise AuthError("invalid_token", "access token expired") from exc
        except jwt.PyJWTError as exc:
            raise AuthError("invalid_token", "access token is not valid") from exc
        return claims

    def verify_access(self, token: str) -> tuple[User, dict[str, Any]]:
        """The user behind a valid access token. Raises AuthError(invalid_token)."""
        if not token.isascii() or len(token) > 8192:
            raise AuthError("invalid_token", "access token is not valid")
        if self.external is not None:
            return self._verify_external(self.external, token)
        claims = self._decode(token)
        if claims.get("gen") != self.generation:
            raise AuthError("invalid_token", "access token expired")
        with self.store.read() as db:
            revoked = db.execute(
                "SELECT 1 FROM revoked_jti WHERE jti=?", (claims["jti"],)
            ).fetchone()
        if revoked:
            raise AuthError("invalid_token", "access token was revoked")
        user = self.user(str(claims["sub"]))
        if user is None:
            raise AuthError("invalid_token", "account no longer exists")
        return user, claims

    # --- authorization codes (PKCE) -------------------------------------------------------
    def new_code(
        self,
        user: User,
        client_id: str,
        redirect_uri: str,
        challenge: str,
        scope: str,
        nonce: str = "",
    ) -> str:
        """A one-time authorization code valid for 60 s (its ``nonce`` goes into the ID token)."""
        code = secrets.token_urlsafe(32)
        now = time.time()
        self._nonces = {k: v for k, v in self._nonces.items() if float(v[0]) > now}
        if nonce:
            self._nonces[_digest(code)] = (now + 60, nonce)
        with self.store.transaction() as db:
            db.execute(
                "INSERT INTO auth_code VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
                (
                    _digest(code),
                    user.username,
                    client_id,
                    redirect_uri,
                    challenge,
                    scope,
                    time.time() + 60,
                ),
            )
        return code

    def redeem_code(self, code: str, client_id: str, redirect_uri: str, verifier: str) -> TokenPair:
        """Exchange a code and its PKCE verifier for tokens. Raises AuthError(invalid_grant)."""
        with self.store.transaction() as db:
            row = db.execute(
                "SELECT * FROM auth_code WHERE code_hash=?", (_digest(code),)
            ).fetchone()
            if row is None or row["used"]:
                raise AuthError("invalid_grant", "unknown or used authorization code")
            db.execute("UPDATE auth_code SET used=1 WHERE code_hash=?", (row["code_hash"],))
        if row["expires"] < time.time():
            raise AuthError("invalid_grant", "authorization code expired")
        if row["client_id"] != client_id or row["redirect_uri"] != redirect_uri:
            raise AuthError("invalid_grant", "code was issued to another client or redirect")
        if not hmac.compare_digest(pkce_challenge(verifier), row["challenge"]):
            raise AuthError("invalid_grant", "PKCE verification failed")
        user = self.user(row["username"])
        if user is None:
            raise AuthError("invalid_grant", "account no longer exists")
        nonce = self._nonces.pop(row["code_hash"], (0.0, ""))[1]
        return self.issue(user, client_id, row["scope"], nonce=nonce)
