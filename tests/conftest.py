"""Fixtures: a migrated database (SQLite, or PostgreSQL when DATABASE_URL says so),
an app per test, clients, factories and a login helper."""

import os
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, SQLModel

import parentapp.models
from parentapp import create_app
from parentapp.cli import alembic_config
from parentapp.config import Settings
from parentapp.db import make_engine
from tests import factories

# The login_as fixture: logs a user in on the test's client and hands the client back.
LoginAs = Callable[[parentapp.models.User], FlaskClient]

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgresql"):
        return url
    path = Path(tempfile.mkdtemp(prefix="parentapp-test-")) / "test.db"
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def db_url() -> str:
    return database_url()


@pytest.fixture(scope="session")
def engine(db_url: str) -> Iterator[sa.Engine]:
    """One migrated database for the run: the schema comes from the migrations, not create_all."""
    engine = make_engine(db_url)
    if db_url.startswith("postgresql"):
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    command.upgrade(alembic_config(db_url), "head")
    yield engine
    engine.dispose()


def _wipe(engine: sa.Engine) -> None:
    tables = list(reversed(SQLModel.metadata.sorted_tables))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(
        env="testing",
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        database_url=db_url,
        ratelimit_enabled=False,
        csrf_enabled=False,
        # Most tests are about something else than signing in; tests/signin turn it on.
        staff_second_factor=False,
        # Cheap hashing keeps the suite quick; production parameters are tested on their own.
        argon2_time_cost=1,
        argon2_memory_cost_kib=1024,
        argon2_parallelism=1,
    )


@pytest.fixture
def app(settings: Settings, engine: sa.Engine) -> Iterator[Flask]:
    _wipe(engine)
    app = create_app(settings)
    yield app
    app.extensions["parentapp.engine"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def db(app: Flask) -> Iterator[Session]:
    """A session for arranging and checking data.

    No app context is held open around the test: Flask reuses a pushed app context for every
    request of the test client, and with it ``g``, so Flask-Login's cached user and the
    request's database session would leak from one request (and one client) to the next.
    Push ``app.app_context()`` or ``app.test_request_context()`` where a test needs one.
    """
    with Session(app.extensions["parentapp.engine"], expire_on_commit=False) as session:
        yield session


@pytest.fixture
def make(app: Flask, db: Session) -> factories.Factory:
    return factories.Factory(db, app)


def login(client: FlaskClient, email: str, password: str = factories.PASSWORD) -> None:
    """Log in through the real form (with its CSRF token when CSRF is on)."""
    page = client.get("/login")
    token = csrf_token(page.get_data(as_text=True))
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    return match.group(1) if match else ""


@pytest.fixture
def login_as(client: FlaskClient) -> LoginAs:
    def _login(user: "parentapp.models.User") -> FlaskClient:
        login(client, user.email)
        return client

    return _login
