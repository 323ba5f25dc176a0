"""Rate limits on logging in and on invitation codes, with in-memory and Redis storage.

Every test here runs twice: with ``memory://`` storage and with the local Redis (database 15,
emptied before and after each test). The tests deliberately reuse one email address and one
client address, so limits leaking from one test into the next would show up as early 429s.

The ``Limiter`` is module-global (parentapp/extensions.py): each ``create_app`` with limits on
gives it a new storage, which for ``memory://`` starts empty; Redis storage outlives the app,
so the Redis fixture empties the database.
"""

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from parentapp import create_app
from parentapp.accounts.models import Role
from parentapp.config import Settings
from parentapp.families import codes
from tests.factories import PASSWORD, Factory
from tests.redis_db import fresh_redis_db

EMAIL = "limited@example.org"
LOGIN_FAILED = "The email address or password is not right. Please try again."
TOO_MANY = "There have been too many attempts. Please wait a few minutes and try again."
UNKNOWN_CODE = "We could not find that code."


@pytest.fixture(params=["memory", "redis"])
def storage_uri(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "memory":
        yield "memory://"
        return
    with fresh_redis_db() as uri:
        yield uri


@pytest.fixture
def settings(settings: Settings, storage_uri: str) -> Settings:
    return settings.with_(ratelimit_enabled=True, ratelimit_storage_uri=storage_uri)


def _login(client: FlaskClient, email: str, password: str, ip: str = "127.0.0.1") -> TestResponse:
    return client.post(
        "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": ip}
    )


def _assert_failed_login(response: TestResponse) -> None:
    assert response.status_code == 200
    assert LOGIN_FAILED in response.get_data(as_text=True)


def _assert_too_many(response: TestResponse) -> None:
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "Please wait a moment" in html and TOO_MANY in html
    assert "Traceback" not in html
    # When to come back, in whole seconds within the limit's window (an hour at most).
    assert 0 < int(response.headers["Retry-After"]) <= 3600


# --- logging in ------------------------------------------------------------------------------


def test_sixth_failed_login_for_one_email_is_refused(client: FlaskClient, make: Factory):
    make.user(Role.CLINICIAN, make.team(), email=EMAIL)
    for _ in range(5):
        _assert_failed_login(_login(client, EMAIL, "wrong password"))

    _assert_too_many(_login(client, EMAIL, "wrong password"))
    # While the limit lasts even the right password waits: that is what slows a guesser.
    _assert_too_many(_login(client, EMAIL, PASSWORD))
    # The limit is per account: someone else logging in from the same address is not blocked.
    other = make.user(Role.CARER)
    assert _login(client, other.email, PASSWORD).status_code == 302


def test_failed_logins_for_one_email_count_across_addresses_and_spellings(
    client: FlaskClient, make: Factory
):
    make.user(Role.CLINICIAN, make.team(), email=EMAIL)
    spellings = [EMAIL, EMAIL.upper(), f"  {EMAIL} ", "Limited@Example.ORG", EMAIL]
    for n, spelling in enumerate(spellings):
        _assert_failed_login(_login(client, spelling, "wrong password", ip=f"10.0.0.{n + 1}"))

    _assert_too_many(_login(client, EMAIL, "wrong password", ip="10.0.0.99"))


def test_successful_logins_do_not_count(client: FlaskClient, make: Factory):
    make.user(Role.CLINICIAN, make.team(), email=EMAIL)
    for _ in range(4):
        _assert_failed_login(_login(client, EMAIL, "wrong password"))
    for _ in range(3):
        assert _login(client, EMAIL, PASSWORD).status_code == 302
        assert client.post("/logout").status_code == 302

    _assert_failed_login(_login(client, EMAIL, "wrong password"))  # the 5th failure
    _assert_too_many(_login(client, EMAIL, "wrong password"))


def test_showing_the_login_page_does_not_count(client: FlaskClient, make: Factory):
    make.user(Role.CLINICIAN, make.team(), email=EMAIL)
    for _ in range(25):
        assert client.get("/login").status_code == 200
    assert _login(client, EMAIL, PASSWORD).status_code == 302


def test_limits_live_in_the_configured_storage(
    client: FlaskClient, make: Factory, settings: Settings, storage_uri: str
):
    """In memory each app (each gunicorn worker) counts alone; in Redis all apps share."""
    make.user(Role.CLINICIAN, make.team(), email=EMAIL)
    for _ in range(5):
        _assert_failed_login(_login(client, EMAIL, "wrong password"))
    _assert_too_many(_login(client, EMAIL, "wrong password"))

    second: Flask = create_app(settings)
    try:
        response = _login(second.test_client(), EMAIL, "wrong password")
    finally:
        second.extensions["parentapp.engine"].dispose()

    if storage_uri.startswith("memory"):
        _assert_failed_login(response)
    else:
        _assert_too_many(response)


# --- invitation codes ------------------------------------------------------------------------


def _guess(client: FlaskClient, ip: str = "127.0.0.1") -> TestResponse:
    return client.post("/join", data={"code": codes.new_code()}, environ_base={"REMOTE_ADDR": ip})


def _assert_wrong_code(response: TestResponse) -> None:
    assert response.status_code == 200
    assert UNKNOWN_CODE in response.get_data(as_text=True)


def test_guessing_invitation_codes_is_refused_after_ten_failures(
    client: FlaskClient, make: Factory
):
    team = make.team()
    clinician = make.user(Role.CLINICIAN, team)
    _invitation, real_code = make.invitation(make.family(team, clinician), by=clinician)
    for _ in range(9):
        _assert_wrong_code(_guess(client))
    mistyped = client.post("/join", data={"code": "ABCD-EFGH"})  # a mistyped code counts too
    assert mistyped.status_code == 200 and "not quite right" in mistyped.get_data(as_text=True)

    _assert_too_many(_guess(client))
    # Even the real code waits now: a guesser cannot tell a hit from a miss.
    _assert_too_many(client.post("/join", data={"code": real_code}))
    _assert_too_many(client.get(f"/join/{real_code}"))
    # Another address is not affected.
    _assert_wrong_code(_guess(client, ip="10.0.0.2"))
    assert client.post(
        "/join", data={"code": real_code}, environ_base={"REMOTE_ADDR": "10.0.0.3"}
    ).location.endswith("/join/about")


def test_opening_the_join_page_is_not_a_guess(client: FlaskClient):
    """A carer who reloads the page, or comes back to it, must not be locked out."""
    for _ in range(12):
        assert client.get("/join").status_code == 200
    for _ in range(10):
        _assert_wrong_code(_guess(client))
    _assert_too_many(_guess(client))


def test_typed_codes_and_links_share_one_budget(client: FlaskClient):
    """Otherwise each way in would give a guesser its own ten tries."""
    for _ in range(5):
        _assert_wrong_code(_guess(client))
    for _ in range(5):
        _assert_wrong_code(client.get(f"/join/{codes.new_code()}"))
    _assert_too_many(_guess(client))
    _assert_too_many(client.get(f"/join/{codes.new_code()}"))


def test_codes_that_work_do_not_count(client: FlaskClient, make: Factory):
    team = make.team()
    clinician = make.user(Role.CLINICIAN, team)
    family = make.family(team, clinician)
    for _ in range(15):
        _invitation, code = make.invitation(family, by=clinician)
        assert client.post("/join", data={"code": code}).status_code == 302
