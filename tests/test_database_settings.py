"""The database settings of the production layout: pool size and overflow, and prepared
statements off behind PgBouncer in transaction mode."""

import os

import pytest
import sqlalchemy as sa

from parentapp import create_app
from parentapp.config import ConfigError, Settings

ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgresql")


def test_the_pool_settings_come_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "DATABASE_POOL_SIZE": "3",
            "DATABASE_MAX_OVERFLOW": "0",
            "DATABASE_PREPARED_STATEMENTS": "false",
        }
    )
    assert (settings.database_pool_size, settings.database_max_overflow) == (3, 0)
    assert settings.database_prepared_statements is False
    defaults = Settings.from_env({})
    assert (defaults.database_pool_size, defaults.database_max_overflow) == (5, 10)
    assert defaults.database_prepared_statements is True


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_POOL_SIZE", "0"),  # just below the least
        ("DATABASE_POOL_SIZE", "five"),
        ("DATABASE_MAX_OVERFLOW", "-1"),  # just below the least
    ],
)
def test_a_pool_setting_that_cannot_work_is_refused(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        Settings.from_env({name: value})


def test_the_least_pool_is_allowed() -> None:
    settings = Settings.from_env({"DATABASE_POOL_SIZE": "1", "DATABASE_MAX_OVERFLOW": "0"})
    assert (settings.database_pool_size, settings.database_max_overflow) == (1, 0)


@pytest.mark.skipif(not ON_POSTGRESQL, reason="the pool and psycopg settings are PostgreSQL's")
def test_the_engine_takes_the_pool_and_prepared_statement_settings(
    db_url: str, settings: Settings
) -> None:
    app = create_app(
        settings.with_(
            database_url=db_url,
            database_pool_size=2,
            database_max_overflow=1,
            database_prepared_statements=False,
        )
    )
    engine: sa.Engine = app.extensions["parentapp.engine"]
    try:
        assert isinstance(engine.pool, sa.QueuePool)
        assert (engine.pool.size(), engine.pool._max_overflow) == (2, 1)
        with engine.connect() as connection:
            raw = connection.connection.dbapi_connection
            assert raw is not None and raw.prepare_threshold is None
            assert connection.execute(sa.text("SELECT 1")).scalar_one() == 1
    finally:
        engine.dispose()
