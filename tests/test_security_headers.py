"""Security headers on every kind of response, session cookie flags and HSTS in production,
and the settings production refuses to start with."""

import re
import secrets
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from parentapp import create_app
from parentapp.accounts.models import Role
from parentapp.config import DEV_SECRET_KEY, ConfigError, Settings
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD, Factory
from tests.redis_db import fresh_redis_db

REFERRER_POLICIES = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}


def csp_directives(response: TestResponse) -> dict[str, list[str]]:
    policy = response.headers.get("Content-Security-Policy")
    assert policy, f"no CSP on {response.request.path}"
    directives: dict[str, list[str]] = {}
    for part in policy.split(";"):
        if part.strip():
            name, *values = part.split()
            assert name not in directives, f"{name} given twice"
            directives[name] = values
    return directives


def assert_common_headers(response: TestResponse) -> None:
    csp = csp_directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    policy = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in REFERRER_POLICIES


def _no_store(response: TestResponse) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


# What each kind of response is, and whether it must never be cached.
Fetch = Callable[[FlaskClient], TestResponse]
ANONYMOUS: dict[str, tuple[Fetch, int]] = {
    "login page": (lambda c: c.get("/login"), 200),
    "join page": (lambda c: c.get("/join"), 200),
    "redirect": (lambda c: c.get("/"), 302),
    "static file": (lambda c: c.get("/static/css/app.css"), 200),
    "not found": (lambda c: c.get("/no-such-page"), 404),
    "method not allowed": (lambda c: c.get("/logout"), 405),
    "healthz": (lambda c: c.get("/healthz"), 200),
}
AUTHENTICATED: dict[str, tuple[Fetch, int]] = {
    "caseload": (lambda c: c.get("/clinic"), 200),
    "not found": (lambda c: c.get("/families/999999"), 404),
    "forbidden": (lambda c: c.get("/admin"), 403),
    "healthz": (lambda c: c.get("/healthz"), 200),
}


@pytest.mark.parametrize("kind", ANONYMOUS)
def test_anonymous_responses_carry_the_headers(app: Flask, client: FlaskClient, kind: str):
    fetch, status = ANONYMOUS[kind]
    response = fetch(client)
    response.close()  # static files are streamed from an open file
    assert response.status_code == status
    assert_common_headers(response)
    if kind not in {"static file", "healthz"}:
        assert _no_store(response)  # pages and errors are never cached either
    assert "Strict-Transport-Security" not in response.headers  # only over HTTPS in production


@pytest.mark.parametrize("kind", AUTHENTICATED)
def test_authenticated_responses_carry_the_headers_and_are_not_cached(
    client: FlaskClient, make: Factory, kind: str
):
    login(client, make.user(Role.CLINICIAN, make.team()).email)
    fetch, status = AUTHENTICATED[kind]
    response = fetch(client)
    response.close()
    assert response.status_code == status
    assert_common_headers(response)
    assert _no_store(response)
    assert "Cookie" in response.headers.get("Vary", "")


def test_static_files_stay_cacheable_for_anonymous_visitors(client: FlaskClient):
    response = client.get("/static/css/app.css")
    response.close()
    assert response.status_code == 200
    assert not _no_store(response)


def test_static_files_stay_cacheable_when_logged_in(client: FlaskClient, make: Factory) -> None:
    """The same file for everyone, holding no personal data: kept, for the warm-load budget."""
    login(client, make.user(Role.CLINICIAN, make.team()).email)
    response = client.get("/static/icons/icon.svg")
    response.close()
    assert response.status_code == 200
    assert_common_headers(response)
    assert not _no_store(response)


def test_too_many_requests_page_carries_the_headers(app: Flask, settings: Settings):
    limited = create_app(settings.with_(ratelimit_enabled=True))
    try:
        client = limited.test_client()
        for _ in range(10):
            client.post("/join", data={"code": "0000-0000-0000"})
        response = client.post("/join", data={"code": "0000-0000-0000"})
    finally:
        limited.extensions["parentapp.engine"].dispose()
    assert response.status_code == 429
    assert_common_headers(response)
    assert _no_store(response)


# --- production ------------------------------------------------------------------------------


@pytest.fixture
def production_app(settings: Settings, make: Factory) -> Iterator[Flask]:
    """An app configured as in production (over the test database and the test Redis)."""
    with fresh_redis_db() as redis_uri:
        production = Settings(
            env="production",
            secret_key=secrets.token_urlsafe(30)[:40],
            database_url=settings.database_url,
            ratelimit_storage_uri=redis_uri,
            argon2_time_cost=settings.argon2_time_cost,
            argon2_memory_cost_kib=settings.argon2_memory_cost_kib,
            argon2_parallelism=settings.argon2_parallelism,
        )
        assert len(production.secret_key) == 40
        app = create_app(production)
        try:
            yield app
        finally:
            app.extensions["parentapp.engine"].dispose()


def _set_cookie_headers(response: TestResponse) -> list[str]:
    return response.headers.getlist("Set-Cookie")


def _cookie_attributes(header: str) -> tuple[str, dict[str, str]]:
    name_value, *attributes = (part.strip() for part in header.split(";"))
    parsed = {}
    for attribute in attributes:
        key, _, value = attribute.partition("=")
        parsed[key.lower()] = value
    return name_value.split("=", 1)[0], parsed


def browser_referrer(page: TestResponse, page_url: str) -> str | None:
    """The Referer a browser sends with a same-origin form POST from ``page``, under the
    page's referrer policy (a ``<meta name="referrer">`` overrides the header)."""
    meta = re.search(r'<meta name="referrer" content="([^"]+)"', page.get_data(as_text=True))
    policy = meta.group(1) if meta else page.headers.get("Referrer-Policy", "")
    origin = "/".join(page_url.split("/")[:3]) + "/"
    if policy == "no-referrer":
        return None
    if policy in {"origin", "strict-origin"}:
        return origin
    return page_url  # same-origin, strict-origin-when-cross-origin and the laxer ones


def test_production_session_cookie_and_hsts(production_app: Flask, make: Factory):
    clinician = make.user(Role.CLINICIAN, make.team())
    client = production_app.test_client()
    https = "https://parentapp.example"

    page = client.get("/login", base_url=https)
    assert page.status_code == 200
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    token = csrf_token(page.get_data(as_text=True))
    assert token, "CSRF is on in production"
    # Over HTTPS Flask-WTF also wants a Referer from this host: the policy must let one through.
    referrer = browser_referrer(page, f"{https}/login")
    response = client.post(
        "/login",
        data={"email": clinician.email, "password": PASSWORD, "csrf_token": token},
        base_url=https,
        headers={"Referer": referrer} if referrer else {},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]

    cookies = [_cookie_attributes(h) for h in _set_cookie_headers(response)]
    assert [name for name, _ in cookies] == ["__Host-parentapp"]
    _, attributes = cookies[0]
    assert "secure" in attributes
    assert "httponly" in attributes
    assert attributes["samesite"].lower() == "lax"
    assert attributes["path"] == "/"
    assert "domain" not in attributes  # the __Host- prefix forbids it

    # Production asks staff for a second factor before any page with family data.
    gated = client.get("/clinic", base_url=https)
    assert gated.status_code == 302 and gated.location.endswith("/account/second-factor/setup")
    home = client.get("/account/second-factor/setup", base_url=https)
    assert home.status_code == 200
    assert_common_headers(home)
    assert _no_store(home)
    max_age = dict(
        part.strip().partition("=")[::2]
        for part in home.headers["Strict-Transport-Security"].split(";")
    )["max-age"]
    assert int(max_age) >= 31536000


# --- settings production refuses -------------------------------------------------------------

GOOD_PRODUCTION_ENV = {
    "PARENTAPP_ENV": "production",
    "SECRET_KEY": "k" * 8 + secrets.token_urlsafe(32),
    "DATABASE_URL": "postgresql+psycopg://parentapp@db.internal:5432/parentapp",
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
}


def _env(**changes: str | None) -> dict[str, str]:
    env = dict(GOOD_PRODUCTION_ENV)
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def test_a_good_production_config_is_accepted():
    settings = Settings.from_env(_env())
    assert settings.is_production
    assert settings.secret_key == GOOD_PRODUCTION_ENV["SECRET_KEY"]
    assert settings.ratelimit_storage_uri.startswith("redis://")
    assert settings.ratelimit_enabled
    config = settings.flask_config()
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert config["TESTING"] is False


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"SECRET_KEY": None}, id="secret missing (the dev default)"),
        pytest.param({"SECRET_KEY": DEV_SECRET_KEY}, id="the dev secret"),
        pytest.param({"SECRET_KEY": "x" * 31}, id="a 31-character secret"),
        pytest.param({"RATELIMIT_STORAGE_URI": "memory://"}, id="memory rate limits"),
        pytest.param({"RATELIMIT_STORAGE_URI": None}, id="rate limit storage missing"),
        pytest.param({"PARENTAPP_ENV": "prod"}, id="unknown environment"),
    ],
)
def test_unsafe_production_configs_are_refused(changes: dict[str, str | None]):
    with pytest.raises(ConfigError):
        Settings.from_env(_env(**changes))


def test_a_32_character_secret_is_enough():
    assert Settings.from_env(_env(SECRET_KEY="x" * 32)).is_production


def test_create_app_refuses_unsafe_settings_given_in_code():
    with pytest.raises(ConfigError):
        create_app(Settings(env="production", ratelimit_storage_uri="redis://127.0.0.1:6379/15"))
    with pytest.raises(ConfigError):
        create_app(Settings(env="production", secret_key="y" * 40))  # memory rate limits


def test_development_settings_are_not_checked_as_production():
    settings = Settings.from_env({})
    assert settings.env == "development" and not settings.secure_cookies
