"""Migrations build exactly the schema the models describe, and can be undone and redone.

Runs on an empty SQLite file and, when DATABASE_URL points at PostgreSQL, on a separate
PostgreSQL database created for the test (the main database name + ``_migrations``).
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

import parentapp.models  # noqa: F401 - registers every table on SQLModel.metadata
from parentapp.cli import alembic_config
from parentapp.db import make_engine

MAIN_URL = os.environ.get("DATABASE_URL", "")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'migrations.db'}"


@pytest.fixture
def postgresql_url() -> Iterator[str]:
    if not MAIN_URL.startswith("postgresql"):
        pytest.skip("DATABASE_URL does not point at PostgreSQL")
    main = make_url(MAIN_URL)
    name = f"{main.database}_migrations"
    admin = sa.create_engine(main.set(database="postgres"), isolation_level="AUTOCOMMIT")
    quoted = admin.dialect.identifier_preparer.quote(name)
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
            connection.execute(sa.text(f"CREATE DATABASE {quoted}"))
        yield main.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest) -> str:
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url


APP_TABLES = frozenset(SQLModel.metadata.tables)


def _tables(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def _differences(engine: sa.Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, SQLModel.metadata))


def _current(engine: sa.Engine) -> set[str]:
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def test_the_models_name_tables():
    assert {"user_account", "login_session", "team", "family", "invitation"} <= APP_TABLES


def test_migrations_have_exactly_one_head(sqlite_url: str):
    heads = ScriptDirectory.from_config(alembic_config(sqlite_url)).get_heads()
    assert len(heads) == 1, f"several heads, merge them: {heads}"


def test_migrations_match_the_models_and_round_trip(empty_database: str):
    config = alembic_config(empty_database)
    head = ScriptDirectory.from_config(config).get_current_head()
    engine = make_engine(empty_database)
    try:
        assert _tables(engine) == set(), "the database should start empty"

        command.upgrade(config, "head")
        assert _current(engine) == {head}
        assert _tables(engine) >= APP_TABLES
        assert _differences(engine) == [], "models and migrations disagree"

        command.downgrade(config, "base")
        assert _current(engine) == set()
        assert _tables(engine) - {"alembic_version"} == set(), "downgrade left tables behind"

        command.upgrade(config, "head")
        assert _current(engine) == {head}
        assert _differences(engine) == []
    finally:
        engine.dispose()
