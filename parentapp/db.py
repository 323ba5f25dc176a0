"""Database engine, a SQLModel session per request, and a session scope for CLI and worker."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, g
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine


def utcnow() -> datetime:
    """Now, timezone-aware, in UTC: the only clock the app stores."""
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A timestamp that is always stored and returned as timezone-aware UTC.

    SQLite keeps no zone, so values are normalised on the way in and re-labelled on the way out;
    PostgreSQL stores ``timestamptz`` natively.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:  # noqa: ARG002
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store timezone-aware UTC values only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:  # noqa: ARG002
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def make_engine(
    url: str,
    *,
    pool_size: int | None = None,
    max_overflow: int | None = None,
    prepared_statements: bool = True,
) -> Engine:
    """An engine with the connection settings each backend needs; on PostgreSQL, a pool of
    ``pool_size`` (+ ``max_overflow`` at a peak), and no server-side prepared statements when
    ``prepared_statements`` is False (PgBouncer in transaction mode)."""
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    if url.startswith("postgresql"):
        if pool_size is not None:
            kwargs["pool_size"] = pool_size
        if max_overflow is not None:
            kwargs["max_overflow"] = max_overflow
        if not prepared_statements:
            kwargs["connect_args"] = {"prepare_threshold": None}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 10}
        if url in {"sqlite://", "sqlite:///:memory:"}:
            kwargs["poolclass"] = StaticPool
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # SQLite leaves foreign keys off by default; WAL lets readers and the writer overlap.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
    # SQLite's lower() folds only ASCII; name search needs what PostgreSQL's lower() does.
    dbapi_connection.create_function("pa_fold", 1, _fold, deterministic=True)


def _fold(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def init_app(app: Flask) -> None:
    """Bind an engine to the app and close the request's session when the context ends."""
    settings = app.config["PARENTAPP_SETTINGS"]
    app.extensions["parentapp.engine"] = make_engine(
        app.config["DATABASE_URL"],
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
        prepared_statements=settings.database_prepared_statements,
    )
    app.teardown_appcontext(_close_session)


def get_engine(app: Flask | None = None) -> Engine:
    engine: Engine = (app or current_app).extensions["parentapp.engine"]
    return engine


def get_session() -> Session:
    """The SQLModel session of the current request, opened on first use."""
    if "db_session" not in g:
        g.db_session = Session(get_engine(), expire_on_commit=False)
    session: Session = g.db_session
    return session


def _close_session(_exc: BaseException | None) -> None:
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        session.close()


@contextmanager
def session_scope(app: Flask | None = None) -> Iterator[Session]:
    """A session for CLI commands and the worker: rolled back on error, always closed."""
    with Session(get_engine(app), expire_on_commit=False) as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
