"""Limits on signing in, with the limiter on (memory storage): failed logins per account,
codes per person, reset requests per address."""

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session

from parentapp.accounts.models import Role
from parentapp.config import Settings
from tests.factories import PASSWORD, Factory
from tests.signin.conftest import code_now, enrol, password_step


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_(ratelimit_enabled=True, ratelimit_storage_uri="memory://")


def _login(client: FlaskClient, email: str, password: str, n: int) -> int:
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": f"10.1.0.{n}"},
    ).status_code


def test_nobody_can_lock_a_clinician_out(app: Flask, make: Factory, db: Session):
    clinician = make.user(Role.CLINICIAN, make.team())
    enrol(db, clinician)
    attacker = app.test_client()
    for n in range(5):
        assert _login(attacker, clinician.email, "wrong password", n) == 200
    assert _login(attacker, clinician.email, "wrong password", 6) == 429

    # The clinician, with the right password, is let through to their second factor.
    own = app.test_client()
    assert _login(own, clinician.email, PASSWORD, 7) == 302
    assert own.get("/flags").location.endswith("/login/second-factor")
    assert own.post("/login/second-factor", data={"code": code_now()}).status_code == 302
    assert own.get("/flags").status_code == 200


def test_over_the_limit_an_account_without_a_factor_stays_locked(app: Flask, make: Factory):
    carer = make.user(Role.CARER)
    client = app.test_client()
    for n in range(5):
        assert _login(client, carer.email, "wrong password", n) == 200

    refused = client.post("/login", data={"email": carer.email, "password": PASSWORD})

    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 900


def test_code_entry_is_rate_limited(client: FlaskClient, make: Factory, db: Session):
    clinician = make.user(Role.CLINICIAN, make.team())
    enrol(db, clinician)
    password_step(client, clinician, PASSWORD)
    for _ in range(5):
        assert client.post("/login/second-factor", data={"code": "000000"}).status_code == 400
    assert client.post("/login/second-factor", data={"code": code_now()}).status_code == 429


def test_reset_requests_are_rate_limited_per_address(client: FlaskClient, make: Factory):
    carer = make.user(Role.CARER)
    for n in range(3):
        response = client.post(
            "/password/forgot",
            data={"email": carer.email},
            environ_base={"REMOTE_ADDR": f"10.0.0.{n}"},
        )
        assert response.status_code == 200
    refused = client.post(
        "/password/forgot", data={"email": carer.email}, environ_base={"REMOTE_ADDR": "10.0.0.9"}
    )
    assert refused.status_code == 429
