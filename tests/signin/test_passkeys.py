"""Passkey answers that must not sign anyone in: no challenge asked for, a malformed or
made-up credential, a key of someone else; and removing passkeys. The ceremony that works
runs in Chromium with a virtual authenticator (tests/browser/test_sign_in.py)."""

import base64

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, select

from parentapp.accounts.models import LoginSession, Role
from parentapp.audit.models import AuditEvent
from parentapp.signin.models import Passkey
from tests.factories import PASSWORD, Factory
from tests.signin.conftest import code_now, enrol, password_step


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _key(db: Session, user_id: int, credential_id: bytes = b"key-one") -> Passkey:
    key = Passkey(user_id=user_id, credential_id=credential_id, public_key=b"x", name="Passkey 1")
    db.add(key)
    db.commit()
    return key


def _assertion(credential_id: bytes) -> dict[str, object]:
    return {
        "id": _b64(credential_id),
        "rawId": _b64(credential_id),
        "type": "public-key",
        "response": {
            "clientDataJSON": _b64(
                b'{"type":"webauthn.get","challenge":"AAAA","origin":"http://localhost"}'
            ),
            "authenticatorData": _b64(b"\x00" * 37),
            "signature": _b64(b"\x00" * 64),
        },
        "clientExtensionResults": {},
    }


def _failed(db: Session) -> int:
    db.expire_all()
    return len(db.exec(select(AuditEvent).where(AuditEvent.action == "factor.failed")).all())


def test_a_sign_in_without_asking_for_options_is_refused(client: FlaskClient):
    response = client.post("/login/passkey", json={"credential": _assertion(b"key-one")})
    assert response.status_code == 400
    assert response.get_json()["error"] == "passkey_refused"


@pytest.mark.parametrize(
    "body", [None, {}, {"credential": "text"}, {"credential": {"id": "x"}}, {"credential": {}}]
)
def test_malformed_answers_are_refused_and_audited(client: FlaskClient, db: Session, body):
    assert client.post("/login/passkey/options").status_code == 200
    response = (
        client.post("/login/passkey", json=body)
        if body is not None
        else client.post("/login/passkey", data="not json", content_type="application/json")
    )
    assert response.status_code == 400
    assert response.get_json()["error"] in {"passkey_refused", "bad_request"}
    assert client.get("/flags").status_code == 302  # nobody signed in


def test_an_unknown_or_forged_key_signs_nobody_in(client: FlaskClient, make: Factory, db: Session):
    clinician = make.user(Role.CLINICIAN, make.team())
    _key(db, clinician.id or 0)
    for credential_id in (b"made-up", b"key-one"):
        client.post("/login/passkey/options")
        response = client.post("/login/passkey", json={"credential": _assertion(credential_id)})
        assert response.status_code == 400
    assert _failed(db) == 2
    assert client.get("/flags").status_code == 302


def test_after_the_password_only_ones_own_key_counts(
    client: FlaskClient, make: Factory, db: Session
):
    team = make.team()
    clinician = make.user(Role.CLINICIAN, team)
    other = make.user(Role.CLINICIAN, team)
    _key(db, clinician.id or 0, b"mine")
    _key(db, other.id or 0, b"theirs")
    password_step(client, clinician, PASSWORD)
    options = client.post("/login/passkey/options").get_json()
    assert [c["id"] for c in options["allowCredentials"]] == [_b64(b"mine")]

    response = client.post("/login/passkey", json={"credential": _assertion(b"theirs")})

    assert response.status_code == 400
    assert client.get("/flags").location.endswith("/login/second-factor")
    detail = db.exec(select(AuditEvent.detail).where(AuditEvent.action == "factor.failed")).all()
    assert detail == ["another person's passkey"]


def test_removing_passkeys(client: FlaskClient, make: Factory, db: Session):
    team = make.team()
    clinician = make.user(Role.CLINICIAN, team)
    other = make.user(Role.CLINICIAN, team)
    enrol(db, clinician)
    password_step(client, clinician, PASSWORD)
    client.post("/login/second-factor", data={"code": code_now()})
    theirs = _key(db, other.id or 0, b"theirs")
    mine = _key(db, clinician.id or 0, b"mine")

    refused = client.post(f"/account/passkeys/{theirs.id}/remove", follow_redirects=True)
    assert "not one of yours" in refused.get_data(as_text=True)
    assert client.post(f"/account/passkeys/{mine.id}/remove").status_code == 302
    db.expire_all()
    assert [k.credential_id for k in db.exec(select(Passkey)).all()] == [b"theirs"]


def test_staff_keep_their_last_second_factor(client: FlaskClient, make: Factory, db: Session):
    clinician = make.user(Role.CLINICIAN, make.team())
    only = _key(db, clinician.id or 0)
    # Signed in, and cleared directly, as the passkey route would.
    password_step(client, clinician, PASSWORD)
    for row in db.exec(select(LoginSession)).all():
        row.cleared_at = row.created_at
        db.add(row)
    db.commit()

    response = client.post(f"/account/passkeys/{only.id}/remove", follow_redirects=True)

    assert "Keep at least one second factor" in response.get_data(as_text=True)
    assert db.get(Passkey, only.id) is not None


def test_a_password_alone_cannot_add_a_passkey_to_skip_the_factor(
    client: FlaskClient, make: Factory, db: Session
):
    clinician = make.user(Role.CLINICIAN, make.team())
    enrol(db, clinician)
    password_step(client, clinician, PASSWORD)
    with client.session_transaction() as state:
        state["webauthn_register_challenge"] = b"challenge-0123456789abcdef012345"

    response = client.post("/account/passkeys", json={"credential": {"id": "x"}})

    assert response.status_code == 403
    assert client.get("/flags").location.endswith("/login/second-factor")
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "access.denied")).first()
