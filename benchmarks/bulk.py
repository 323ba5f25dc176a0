"""Loading a benchmark's data fast: bulk inserts, migrated throwaway databases."""

import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from sqlmodel import SQLModel

from parentapp.cli import alembic_config
from parentapp.db import make_engine

# Tables whose ids the benchmarks set themselves; PostgreSQL's sequences must catch up after.
SEQUENCED = ("team", "user_account", "family", "infant", "carer", "checkin_schedule", "checkin")


def rows(objects: Iterable[SQLModel]) -> list[dict[str, Any]]:
    return [o.model_dump() for o in objects]


def insert(connection: sa.Connection, model: type[SQLModel], values: list[dict[str, Any]]) -> None:
    table = model.__table__  # type: ignore[attr-defined]
    for start in range(0, len(values), 5000):
        connection.execute(sa.insert(table), values[start : start + 5000])


def catch_up_sequences(connection: sa.Connection) -> None:
    """After inserts with explicit ids, move PostgreSQL's sequences past them and refresh the
    planner's statistics (SQLite needs neither)."""
    if connection.dialect.name != "postgresql":
        return
    for table in SEQUENCED:
        connection.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - constant names
                f"GREATEST((SELECT max(id) FROM {table}), 1))"
            )
        )
    connection.execute(sa.text("ANALYZE"))


def migrated_database(url: str | None) -> tuple[str, sa.Engine]:
    """A migrated, empty database: the PostgreSQL one given (its public schema is dropped
    first), or a throwaway SQLite file."""
    if url is None:
        url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='parentapp-bench-')) / 'bench.db'}"
    engine = make_engine(url)
    if url.startswith("postgresql"):
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    command.upgrade(alembic_config(url), "head")
    return url, engine
