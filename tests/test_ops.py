"""The health check load balancers and deploys rely on."""

from flask import Flask
from flask.testing import FlaskClient

from parentapp import create_app
from parentapp.config import Settings

# Port 1 has no PostgreSQL listening: connecting fails at once with "connection refused".
UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/nope"


def test_healthz_is_ok_when_the_database_answers(client: FlaskClient):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_is_unreachable(settings: Settings):
    # create_app must not touch the database: building the app here succeeds.
    app: Flask = create_app(settings.with_(database_url=UNREACHABLE))
    try:
        response = app.test_client().get("/healthz")
        # The app stays up and keeps answering while the database is away.
        again = app.test_client().get("/healthz")
    finally:
        app.extensions["parentapp.engine"].dispose()
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unreachable"}
    assert again.status_code == 503


def test_healthz_needs_no_login_and_sets_no_session(app: Flask, client: FlaskClient):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
