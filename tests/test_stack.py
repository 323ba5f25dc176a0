"""The production layout on loopback, shorter than ``benchmarks/stack.py`` but the same code:
nginx in front of two gunicorn instances, two workers, PostgreSQL and Redis. While carers send
check-ins (some urgent), one worker is killed with SIGKILL and one web instance restarted; no
check-in acknowledged may be lost or stored twice, and every urgent flag's email must arrive."""

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from tests.conftest import IN_CI
from tests.redis_db import fresh_redis_db

BENCHMARKS = Path(__file__).parents[1] / "benchmarks"
ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgresql")

pytestmark = [
    pytest.mark.skipif(not ON_POSTGRESQL, reason="several workers need PostgreSQL's row locks"),
    pytest.mark.skipif(
        shutil.which("nginx") is None and not IN_CI,
        reason="nginx is not installed (apt-get install nginx); CI installs it",
    ),
]


@pytest.fixture
def stack_database(db_url: str) -> Iterator[str]:
    """A database of its own beside the suite's (the stack wipes and migrates it)."""
    url = make_url(db_url)
    name = f"{url.database}_stack"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield url.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def test_nothing_is_lost_through_a_killed_worker_and_a_restarted_web_instance(
    stack_database: str,
) -> None:
    # A process of its own: the benchmark's modules (its floor table among them) must not join
    # the suite's models.
    with fresh_redis_db() as redis_uri:
        done = subprocess.run(
            [sys.executable, str(BENCHMARKS / "stack.py"), "--database-url", stack_database,
             "--seconds", "15", "--carers", "20", "--redis-db", redis_uri.rsplit("/", 1)[1]],
            capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
    printed = done.stdout + done.stderr
    assert done.returncode == 0, printed
    for goal in ("0 lost", "0 duplicated", "0 urgent emails lost"):
        assert f"PASS {goal}" in printed, printed
