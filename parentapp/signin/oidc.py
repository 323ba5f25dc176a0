"""Single sign-on for staff with OpenID Connect: the provider's configuration, the sign-in
request (state, nonce, PKCE), the token request (client secret or private_key_jwt, with
authlib), and the ID token checked with joserfc (signature, issuer, audience, expiry, nonce).

Pure of Flask where it can be: ``sso.py`` holds the account rules and the views call both.
"""

import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet, RSAKey
from joserfc.jwt import JWTClaimsRegistry

from parentapp.config import Settings

TIMEOUT_SECONDS = 10
SCOPE = "openid email profile"
# RFC 8176 methods that are a second factor, or a phishing-resistant key on their own.
MFA_AMR = frozenset({"mfa", "hwk", "otp", "swk"})
CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


class SsoError(Exception):
    """The provider's answer cannot be trusted; ``reason`` is for the audit log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str


@dataclass(frozen=True)
class Started:
    url: str
    state: str
    nonce: str
    code_verifier: str


@dataclass(frozen=True)
class Identity:
    subject: str
    email: str
    email_verified: bool
    name: str
    # The provider did a second factor (amr or acr say so).
    second_factor: bool


_cache: dict[str, tuple[float, Provider]] = {}
CACHE_SECONDS = 3600


def provider(settings: Settings) -> Provider:
    """The issuer's discovery document, kept for an hour.

    :raises SsoError: it cannot be read, or names another issuer.
    """
    found = _cache.get(settings.oidc_issuer)
    if found is not None and found[0] > time.monotonic():
        return found[1]
    try:
        response = requests.get(
            f"{settings.oidc_issuer}/.well-known/openid-configuration", timeout=TIMEOUT_SECONDS
        )
        response.raise_for_status()
        body = response.json()
        result = Provider(
            issuer=str(body["issuer"]).rstrip("/"),
            authorization_endpoint=str(body["authorization_endpoint"]),
            token_endpoint=str(body["token_endpoint"]),
            jwks_uri=str(body["jwks_uri"]),
        )
    except (requests.RequestException, ValueError, KeyError) as error:
        raise SsoError(f"discovery: {type(error).__name__}") from None
    if result.issuer != settings.oidc_issuer:
        raise SsoError("discovery: another issuer")
    _cache[settings.oidc_issuer] = (time.monotonic() + CACHE_SECONDS, result)
    return result


def _client(settings: Settings, redirect_uri: str) -> OAuth2Session:
    method = "none" if settings.oidc_private_key_file else "client_secret_basic"
    return OAuth2Session(
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret or None,
        scope=SCOPE,
        redirect_uri=redirect_uri,
        token_endpoint_auth_method=method,
        code_challenge_method="S256",
    )


def start(settings: Settings, redirect_uri: str) -> Started:
    """Where to send the browser, and what to keep in the session until it comes back."""
    found = provider(settings)
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    verifier = secrets.token_urlsafe(48)
    url, _state = _client(settings, redirect_uri).create_authorization_url(
        found.authorization_endpoint, state=state, code_verifier=verifier, nonce=nonce
    )
    return Started(url=url, state=state, nonce=nonce, code_verifier=verifier)


def client_assertion(settings: Settings, audience: str) -> str:
    """A private_key_jwt client assertion (RFC 7523), signed with the client's key."""
    pem = Path(settings.oidc_private_key_file).read_text(encoding="utf-8")
    key: RSAKey | ECKey
    try:
        key = RSAKey.import_key(pem)
    except (ValueError, JoseError):
        key = ECKey.import_key(pem)
    now = int(time.time())
    claims = {
        "iss": settings.oidc_client_id,
        "sub": settings.oidc_client_id,
        "aud": audience,
        "jti": secrets.token_urlsafe(16),
        "iat": now,
        "exp": now + 60,
    }
    alg = "RS256" if isinstance(key, RSAKey) else "ES256"
    return jwt.encode({"alg": alg}, claims, key)


def finish(
    settings: Settings,
    *,
    redirect_uri: str,
    code: str,
    code_verifier: str,
    nonce: str,
) -> Identity:
    """Trade the code for tokens and check the ID token.

    :raises SsoError: the token request fails, or the ID token does not check out.
    """
    found = provider(settings)
    extra: dict[str, Any] = {}
    if settings.oidc_private_key_file:
        extra = {
            "client_assertion_type": CLIENT_ASSERTION_TYPE,
            "client_assertion": client_assertion(settings, found.token_endpoint),
        }
    try:
        token = _client(settings, redirect_uri).fetch_token(
            found.token_endpoint,
            code=code,
            code_verifier=code_verifier,
            timeout=TIMEOUT_SECONDS,
            **extra,
        )
    except Exception as error:  # authlib and requests raise many kinds: none may pass
        body = getattr(getattr(error, "response", None), "text", "")
        raise SsoError(f"token: {type(error).__name__} {body}"[:200]) from None
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise SsoError("token: no id_token")
    return check_id_token(
        id_token, keys=_keys(found), issuer=found.issuer, settings=settings, nonce=nonce
    )


def _keys(found: Provider) -> KeySet:
    try:
        response = requests.get(found.jwks_uri, timeout=TIMEOUT_SECONDS)
        response.raise_for_status()
        return KeySet.import_key_set(response.json())
    except (requests.RequestException, ValueError, JoseError) as error:
        raise SsoError(f"jwks: {type(error).__name__}") from None


def check_id_token(
    id_token: str, *, keys: KeySet, issuer: str, settings: Settings, nonce: str
) -> Identity:
    """The ID token's identity, once its signature, issuer, audience, expiry and nonce hold.

    :raises SsoError: any of them does not.
    """
    try:
        decoded = jwt.decode(id_token, keys, algorithms=["RS256", "ES256", "PS256", "EdDSA"])
    except (JoseError, ValueError) as error:
        raise SsoError(f"id_token signature: {type(error).__name__}") from None
    claims = decoded.claims
    registry = JWTClaimsRegistry(
        leeway=60,
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": settings.oidc_client_id},
        exp={"essential": True},
        sub={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except JoseError as error:
        raise SsoError(f"id_token claims: {error.error}") from None
    audience = claims.get("aud")
    if (
        isinstance(audience, list)
        and len(audience) > 1
        and claims.get("azp") != settings.oidc_client_id
    ):
        raise SsoError("id_token claims: azp")
    amr = claims.get("amr")
    methods = {str(m).lower() for m in amr} if isinstance(amr, list) else set()
    acr = str(claims.get("acr") or "").lower()
    return Identity(
        subject=str(claims["sub"]),
        email=str(claims.get("email") or "").strip().lower(),
        email_verified=claims.get("email_verified") is True,
        name=str(claims.get("name") or ""),
        second_factor=bool(methods & MFA_AMR) or (bool(acr) and acr in settings.oidc_mfa_acr),
    )
