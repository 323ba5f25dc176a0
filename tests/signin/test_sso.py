"""Single sign-on against a real OpenID Connect provider on loopback (oidc-provider-mock):
it links to staff of the same verified email, never a carer; new staff only where allowed;
the second factor is still asked unless the provider did one; and answers that do not check
out (state, nonce, audience, signature, an unverified email) let nobody in, audited."""

import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from oidc_provider_mock import User as ProviderUser
from oidc_provider_mock import run_server_in_thread
from sqlmodel import Session, select

from parentapp.accounts.models import Role, User
from parentapp.audit.models import AuditEvent
from parentapp.config import Settings
from parentapp.signin import oidc
from tests.factories import Factory
from tests.signin.conftest import enrol

STAFF_EMAIL = "nia.staff@nhs.example"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    users = [
        ProviderUser(
            sub="nia", claims={"email": STAFF_EMAIL, "email_verified": True, "amr": ["pwd"]}
        ),
        ProviderUser(
            sub="mfa",
            claims={"email": "mo.mfa@nhs.example", "email_verified": True, "amr": ["pwd", "mfa"]},
        ),
        ProviderUser(sub="unverified", claims={"email": "un@nhs.example", "email_verified": False}),
        ProviderUser(sub="carer", claims={"email": "carer@example.org", "email_verified": True}),
        ProviderUser(
            sub="newcomer",
            claims={
                "email": "new.person@nhs.example",
                "email_verified": True,
                "name": "New Person",
            },
        ),
    ]
    with run_server_in_thread(user_claims=users, require_nonce=True) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def settings(settings: Settings, provider: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    # The loopback provider speaks plain HTTP; authlib refuses that unless told otherwise.
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
    oidc._cache.clear()
    return settings.with_(
        oidc_issuer=provider, oidc_client_id="parentapp-test", oidc_client_secret="s3cret"
    )


def _sign_in(client: FlaskClient, sub: str, tamper: str = "") -> str:
    """Through the provider's own form as ``sub``; where the app sends the browser last."""
    start = client.get("/login/sso")
    assert start.status_code == 302, start.get_data(as_text=True)[:300]
    if tamper == "nonce":
        with client.session_transaction() as state:
            state["sso_pending"] = {**state["sso_pending"], "nonce": "another-nonce"}
    answer = requests.post(start.location, data={"sub": sub}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:300]
    callback = urlsplit(answer.headers["Location"])
    query = {k: v[0] for k, v in parse_qs(callback.query).items()}
    if tamper == "state":
        query["state"] = "forged"
    back = client.get(callback.path, query_string=query)
    assert back.status_code == 302
    return back.location


def _refusals(db: Session) -> list[str | None]:
    db.expire_all()
    return [e.detail for e in db.exec(select(AuditEvent).where(AuditEvent.action == "sso.refused"))]


def test_staff_sign_in_and_still_pass_their_second_factor(
    client: FlaskClient, make: Factory, db: Session
):
    clinician = make.user(Role.CLINICIAN, make.team(), email=STAFF_EMAIL)
    enrol(db, clinician)

    assert _sign_in(client, "nia") == "/"
    assert client.get("/flags").location.endswith("/login/second-factor")
    assert (
        db.exec(select(AuditEvent).where(AuditEvent.action == "login.success")).one().detail
        == "sso"
    )


def test_the_providers_second_factor_counts(client: FlaskClient, make: Factory):
    make.user(Role.CLINICIAN, make.team(), email="mo.mfa@nhs.example")
    _sign_in(client, "mfa")
    assert client.get("/flags").status_code == 200


@pytest.mark.parametrize(
    ("sub", "reason"),
    [
        ("unverified", "unverified email"),
        ("carer", "a carer's email"),
        ("newcomer", "no staff account"),
    ],
)
def test_refused_identities(client: FlaskClient, make: Factory, db: Session, sub: str, reason: str):
    make.user(Role.CARER, email="carer@example.org")
    make.user(Role.CLINICIAN, make.team(), email="un@nhs.example")

    assert _sign_in(client, sub).endswith("/login")
    assert _refusals(db) == [reason]
    assert client.get("/account").status_code == 302


@pytest.mark.parametrize("tamper", ["state", "nonce"])
def test_a_wrong_state_or_nonce_lets_nobody_in(
    client: FlaskClient, make: Factory, db: Session, tamper: str
):
    make.user(Role.CLINICIAN, make.team(), email=STAFF_EMAIL)
    assert _sign_in(client, "nia", tamper=tamper).endswith("/login")
    assert (_refusals(db)[0] or "").startswith(tamper if tamper == "state" else "id_token claims")
    assert client.get("/account").status_code == 302


def test_new_staff_only_where_allowed(app: Flask, make: Factory, db: Session, settings: Settings):
    make.team("Riverside")
    app.config["PARENTAPP_SETTINGS"] = settings.with_(
        oidc_create_staff=True, oidc_staff_domains=("nhs.example",), oidc_new_staff_team="Riverside"
    )
    client = app.test_client()

    _sign_in(client, "newcomer")

    created = db.exec(select(User).where(User.email == "new.person@nhs.example")).one()
    assert created.role == Role.CLINICIAN and created.display_name == "New Person"
    assert client.get("/flags").location.endswith("/account/second-factor/setup")


# --- the ID token's own checks, with tokens made here ----------------------------------------


def _token(key: RSAKey, **claims: object) -> str:
    now = int(time.time())
    base = {
        "iss": "https://id.example",
        "aud": "parentapp-test",
        "sub": "x",
        "exp": now + 300,
        "iat": now,
        "nonce": "n",
        "email": "a@b.example",
        "email_verified": True,
    }
    return jwt.encode({"alg": "RS256", "kid": key.kid}, {**base, **claims}, key)


@pytest.mark.parametrize(
    ("claims", "signer", "reason"),
    [
        ({"aud": "another-client"}, "ours", "id_token claims"),
        ({"iss": "https://evil.example"}, "ours", "id_token claims"),
        ({"nonce": "other"}, "ours", "id_token claims"),
        ({"exp": int(time.time()) - 3600}, "ours", "id_token claims"),
        ({}, "other", "id_token signature"),
    ],
)
def test_id_tokens_that_do_not_check_out(settings: Settings, claims, signer, reason):
    ours, other = RSAKey.generate_key(2048, auto_kid=True), RSAKey.generate_key(2048, auto_kid=True)
    keys = KeySet([ours])
    token = _token(ours if signer == "ours" else other, **claims)

    with pytest.raises(oidc.SsoError) as refused:
        oidc.check_id_token(
            token,
            keys=keys,
            issuer="https://id.example",
            settings=settings.with_(oidc_client_id="parentapp-test"),
            nonce="n",
        )

    assert refused.value.reason.startswith(reason)


def test_a_good_id_token_reads_the_identity(settings: Settings):
    key = RSAKey.generate_key(2048, auto_kid=True)
    identity = oidc.check_id_token(
        _token(key, amr=["pwd", "hwk"], name="A B"),
        keys=KeySet([key]),
        issuer="https://id.example",
        settings=settings.with_(oidc_client_id="parentapp-test"),
        nonce="n",
    )
    assert (identity.email, identity.email_verified, identity.second_factor) == (
        "a@b.example",
        True,
        True,
    )


def test_private_key_jwt_assertion_is_signed_for_the_token_endpoint(settings: Settings, tmp_path):
    key = RSAKey.generate_key(2048)
    pem = tmp_path / "client.pem"
    pem.write_bytes(key.as_pem(private=True))
    assertion = oidc.client_assertion(
        settings.with_(oidc_client_id="parentapp-test", oidc_private_key_file=str(pem)),
        "https://id.example/token",
    )
    claims = jwt.decode(assertion, key).claims
    assert claims["iss"] == claims["sub"] == "parentapp-test"
    assert claims["aud"] == "https://id.example/token"


def test_without_an_issuer_there_is_no_sso(app: Flask, client: FlaskClient, settings: Settings):
    app.config["PARENTAPP_SETTINGS"] = settings.with_(oidc_issuer="")
    assert client.get("/login/sso").status_code == 404
