"""Logging in and out, server-side session revocation, idle and absolute timeouts, password
hashing parameters and rehashing."""

import re
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select
from werkzeug.test import TestResponse

from parentapp.accounts import passwords
from parentapp.accounts.models import LoginSession, Role, User
from parentapp.accounts.services import set_active
from parentapp.config import Settings
from parentapp.db import utcnow
from tests.conftest import login
from tests.factories import PASSWORD, Factory

COOKIE = "parentapp"  # the session cookie's name outside production
LOGIN_FAILED = "The email address or password is not right. Please try again."
INACTIVITY = "You were logged out after a period of inactivity. Please log in again."


def _post_login(client: FlaskClient, email: str, password: str) -> TestResponse:
    return client.post("/login", data={"email": email, "password": password})


def _only_session(db: Session, user: User) -> LoginSession:
    db.expire_all()
    return db.exec(select(LoginSession).where(LoginSession.user_id == user.id)).one()


def _age_session(db: Session, user: User, *, idle: timedelta, age: timedelta | None = None) -> None:
    """Pretend time passed: move the session's clocks back instead of sleeping."""
    row = _only_session(db, user)
    now = utcnow()
    row.last_seen_at = now - idle
    row.created_at = now - (age if age is not None else idle)
    db.add(row)
    db.commit()


def _carer_with_home(make: Factory) -> User:
    team = make.team()
    clinician = make.user(Role.CLINICIAN, team)
    family = make.family(team, clinician)
    make.infant(family)
    return make.carer(family)


# --- logging in ------------------------------------------------------------------------------


def test_login_through_the_form_opens_a_session(client: FlaskClient, make: Factory, db: Session):
    clinician = make.user(Role.CLINICIAN, make.team(), display_name="Dr Rivera")
    assert client.get("/clinic").status_code == 302  # not logged in yet

    page = client.get("/login")
    assert page.status_code == 200
    response = _post_login(client, clinician.email.upper(), PASSWORD)

    assert response.status_code == 302
    assert client.get("/").location.endswith("/clinic")
    assert client.get("/clinic").status_code == 200
    row = _only_session(db, clinician)
    assert row.revoked_at is None
    db.refresh(clinician)
    assert clinician.last_login_at is not None


def test_login_mints_the_new_sessions_csrf_token(client: FlaskClient, make: Factory):
    # Requests in flight right after login (the next page, the service worker's offline page)
    # must all see one token; if each minted its own, the last cookie to land would make the
    # other page's forms fail as expired.
    carer = _carer_with_home(make)
    client.get("/login")
    with client.session_transaction() as before:
        old = before["csrf_token"]

    assert _post_login(client, carer.email, PASSWORD).status_code == 302

    with client.session_transaction() as after:
        assert after.get("csrf_token") not in (None, old)


def _normalise_login_page(html: str, email: str) -> str:
    """Blank what may differ between two failed logins without telling anything: the address
    typed, and the CSRF token (signed with a timestamp, so it changes when a second ticks over
    between the two requests)."""
    html = re.sub(r'(<input[^>]*name="csrf_token"[^>]*value=")[^"]*"', r'\1TOKEN"', html)
    return html.replace(email, "EMAIL")


@pytest.mark.parametrize("case", ["wrong password", "unknown email", "deactivated account"])
def test_failed_logins_all_look_the_same(client: FlaskClient, make: Factory, case: str):
    """No account enumeration: the reference is a wrong password for a real account."""
    known = make.user(Role.CLINICIAN, make.team())
    reference = _post_login(client, known.email, "not the password at all")
    if case == "wrong password":
        other = make.user(Role.CARER)
        email, password = other.email, "also not the password"
    elif case == "unknown email":
        email, password = "nobody-here@example.org", PASSWORD
    else:
        email, password = make.user(Role.CARER, active=False).email, PASSWORD

    response = _post_login(client, email, password)

    assert reference.status_code == response.status_code == 200
    assert LOGIN_FAILED in response.get_data(as_text=True)
    assert _normalise_login_page(reference.get_data(as_text=True), known.email) == (
        _normalise_login_page(response.get_data(as_text=True), email)
    )
    assert client.get("/home").status_code == 302  # still not logged in


# --- logging out -----------------------------------------------------------------------------


def test_logout_revokes_the_session_so_a_copied_cookie_is_useless(
    app: Flask, client: FlaskClient, make: Factory, db: Session
):
    clinician = make.user(Role.CLINICIAN, make.team())
    login(client, clinician.email)
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    copied = cookie.value

    # Control: the copied cookie works in another client while the session is live.
    thief = app.test_client()
    thief.set_cookie(COOKIE, copied)
    assert thief.get("/clinic").status_code == 200

    response = client.post("/logout")
    assert response.status_code == 302 and response.location.endswith("/login")
    assert "Clear-Site-Data" in response.headers
    assert client.get("/clinic").status_code == 302

    replay = app.test_client()
    replay.set_cookie(COOKIE, copied)
    response = replay.get("/clinic")
    assert response.status_code == 302
    assert response.location.startswith("/login")
    assert _only_session(db, clinician).revoked_at is not None


# --- timeouts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("idle", "logged_in"),
    [(timedelta(minutes=29), True), (timedelta(minutes=31), False)],
)
def test_clinician_idle_timeout(
    client: FlaskClient, make: Factory, db: Session, idle: timedelta, logged_in: bool
):
    clinician = make.user(Role.CLINICIAN, make.team())
    login(client, clinician.email)
    _age_session(db, clinician, idle=idle, age=idle)

    response = client.get("/clinic")

    if logged_in:
        assert response.status_code == 200
        assert _only_session(db, clinician).revoked_at is None
        return
    assert response.status_code == 302 and response.location.startswith("/login")
    page = client.get(response.location)
    assert page.status_code == 200
    assert INACTIVITY in page.get_data(as_text=True)
    assert _only_session(db, clinician).revoked_at is not None
    # The message is shown once; the session stays ended.
    assert INACTIVITY not in client.get("/login").get_data(as_text=True)
    assert client.get("/clinic").status_code == 302


@pytest.mark.parametrize(
    ("idle", "logged_in"),
    [
        (timedelta(minutes=31), True),
        (timedelta(days=29), True),
        (timedelta(days=30, minutes=1), False),
    ],
)
def test_carer_idle_timeout_is_long(
    client: FlaskClient, make: Factory, db: Session, idle: timedelta, logged_in: bool
):
    carer = _carer_with_home(make)
    login(client, carer.email)
    _age_session(db, carer, idle=idle)

    response = client.get("/home")

    assert (response.status_code == 200) is logged_in
    assert (_only_session(db, carer).revoked_at is None) is logged_in


@pytest.mark.parametrize(
    ("age", "logged_in"),
    [(timedelta(hours=11, minutes=59), True), (timedelta(hours=12, minutes=1), False)],
)
def test_clinician_absolute_timeout_even_when_active(
    client: FlaskClient, make: Factory, db: Session, age: timedelta, logged_in: bool
):
    clinician = make.user(Role.CLINICIAN, make.team())
    login(client, clinician.email)
    _age_session(db, clinician, idle=timedelta(minutes=2), age=age)

    response = client.get("/clinic")

    assert (response.status_code == 200) is logged_in
    assert (_only_session(db, clinician).revoked_at is None) is logged_in


def test_production_timeouts_are_the_documented_ones():
    settings = Settings()
    assert settings.clinician_idle_timeout == timedelta(minutes=30)
    assert settings.clinician_absolute_timeout == timedelta(hours=12)
    from_env = Settings.from_env({})
    assert from_env.clinician_idle_timeout == timedelta(minutes=30)
    assert from_env.clinician_absolute_timeout == timedelta(hours=12)


# --- deactivation ----------------------------------------------------------------------------


def test_deactivating_an_account_ends_its_sessions(
    app: Flask, client: FlaskClient, make: Factory, db: Session
):
    team = make.team()
    clinician = make.user(Role.CLINICIAN, team)
    admin = make.user(Role.ADMIN)
    login(client, clinician.email)
    assert client.get("/clinic").status_code == 200

    admin_client = app.test_client()
    login(admin_client, admin.email)
    response = admin_client.post(f"/admin/users/{clinician.id}/active", data={"active": "0"})
    assert response.status_code == 302

    assert client.get("/clinic").status_code == 302
    assert _only_session(db, clinician).revoked_at is not None

    # Reactivating does not bring the old session back: it was revoked, not just hidden.
    with app.test_request_context():
        db.refresh(clinician)
        set_active(session=db, actor=admin, user=clinician, active=True)
    assert client.get("/clinic").status_code == 302
    login(client, clinician.email)
    assert client.get("/clinic").status_code == 200


# --- password hashing ------------------------------------------------------------------------


def test_login_rehashes_a_password_stored_with_weaker_parameters(
    app: Flask, client: FlaskClient, make: Factory, db: Session, settings: Settings
):
    weak = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1).hash(PASSWORD)
    user = make.user(Role.CLINICIAN, make.team(), password_hash=weak)
    with app.app_context():
        assert passwords.needs_rehash(weak)

    login(client, user.email)

    db.refresh(user)
    assert user.password_hash != weak
    expected = f"m={settings.argon2_memory_cost_kib},t={settings.argon2_time_cost}"
    assert expected in user.password_hash
    with app.app_context():
        assert not passwords.needs_rehash(user.password_hash)
        assert passwords.verify_password(user.password_hash, PASSWORD)


def test_login_keeps_a_current_hash(client: FlaskClient, make: Factory, db: Session):
    user = make.user(Role.CLINICIAN, make.team())
    stored = user.password_hash
    login(client, user.email)
    db.refresh(user)
    assert user.password_hash == stored


def test_production_password_hashing_is_argon2id_with_asvs_parameters():
    settings = Settings()
    produced = passwords.make_hasher(settings).hash("a long pass phrase")

    assert produced.startswith("$argon2id$")
    match = re.match(r"^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$", produced)
    assert match is not None, produced
    memory_kib, time_cost, parallelism = (int(n) for n in match.groups())
    # ASVS 5 appendix C / OWASP: argon2id with at least 19 MiB of memory and 2 iterations.
    assert memory_kib >= 19 * 1024
    assert time_cost >= 2
    assert parallelism >= 1
    assert (memory_kib, time_cost, parallelism) == (
        settings.argon2_memory_cost_kib,
        settings.argon2_time_cost,
        settings.argon2_parallelism,
    )
