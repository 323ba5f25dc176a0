"""Time the flag queues and the family list at two sizes; prints each page's median time and
size, and how much each grew at ten times the data (the goal: at most 2 times).

Usage:
  .venv/bin/python benchmarks/dashboard.py [--requests 30]
  .venv/bin/python benchmarks/dashboard.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432

Builds a team of 100 families (10,000 weekly check-ins), then one of 1,000 families (100,000
check-ins), each carer with 100 check-ins and a realistic number of flags (about 8% of carers
with a live flag, more closed ones), with bulk inserts. At each size it renders, as the team's
duty clinician and in-process with the Flask test client, /flags?queue=team, /flags?queue=mine
and /clinic: page 1, and the deepest page reached by following the Next links (at most
``DEEP_HOPS`` of them). Without --postgres each size gets a throwaway SQLite file; with it,
the databases ``parentapp_bench_100`` and ``parentapp_bench_1000`` are created afresh on that
server (and dropped after). The schema is created by the migrations.
"""

import argparse
import html
import random
import re
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from flask.testing import FlaskClient
from sqlmodel import SQLModel

from parentapp import create_app
from parentapp.accounts.models import Role, User
from parentapp.accounts.passwords import hash_password
from parentapp.checkins.models import CheckIn, Schedule
from parentapp.cli import alembic_config
from parentapp.config import Settings
from parentapp.db import utcnow
from parentapp.families.models import Carer, Family
from parentapp.teams.models import Team
from parentapp.triage.models import Flag

SIZES = (100, 1000)
# Next links followed for the deep page: page 21 at most.
DEEP_HOPS = 20
CHECKINS_PER_CARER = 100
CLINICIANS = 20
PASSWORD = "benchmark pass phrase"  # noqa: S105 - a throwaway database's only password
ANSWERS = {"mood": "1", "worry": "1", "sleep": "2", "coping": "1", "support": "2",
           "closeness": "3", "self_harm": "0", "harm_to_baby": "0", "contact": "false"}  # fmt: skip


def _rows(objects: Iterable[SQLModel]) -> list[dict[str, Any]]:
    return [o.model_dump() for o in objects]


def _insert(connection: sa.Connection, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    table = model.__table__  # type: ignore[attr-defined]
    for start in range(0, len(rows), 5000):
        connection.execute(sa.insert(table), rows[start : start + 5000])


def seed(engine: sa.Engine, password_hash: str, families_count: int) -> str:
    """Load the data; returns the email of the clinician whose dashboard is timed (the team's
    duty clinician, who may also open the whole team's queue)."""
    rng = random.Random(4)
    now = utcnow()
    team = Team(id=1, name="Benchmark Team")
    staff = [
        User(id=n, email=f"clin{n}@example.org", display_name=f"Clinician {n}",
             password_hash=password_hash, role=Role.CLINICIAN.value, team_id=1, on_duty=n == 1)
        for n in range(1, CLINICIANS + 1)
    ]  # fmt: skip
    families, carers, carer_users, schedules, checkins, flags = [], [], [], [], [], []
    checkin_id = 0
    for f in range(1, families_count + 1):
        clinician = (f - 1) % CLINICIANS + 1
        families.append(
            Family(id=f, team_id=1, label=f"Family {f}", assigned_clinician_id=clinician)
        )
        user_id = 1000 + f
        carer_users.append(
            User(id=user_id, email=f"carer{f}@example.org", display_name=f"Carer {f}",
                 password_hash=password_hash, role=Role.CARER.value, team_id=None)
        )  # fmt: skip
        carers.append(
            Carer(id=f, user_id=user_id, family_id=f, carer_role="mother", consented_at=now)
        )
        # Most carers are on time; one in ten stopped two or more weeks ago.
        last_gap = timedelta(days=rng.choice([1, 2, 3, 5, 6] * 2 + [15, 30]))
        start = now - last_gap - timedelta(weeks=CHECKINS_PER_CARER)
        schedules.append(Schedule(id=f, carer_id=f, instrument_id="weekly", starts_at=start))
        for week in range(CHECKINS_PER_CARER):
            checkin_id += 1
            total = rng.randint(0, 14)
            checkins.append(
                CheckIn(id=checkin_id, carer_id=f, family_id=f, schedule_id=f,
                        instrument_id="weekly", instrument_version="1.0", ruleset_version="bench",
                        locale="en", submitted_at=start + timedelta(weeks=week + 1) - last_gap,
                        answers=ANSWERS,
                        scores={"total": {"scale_id": "total", "value": total, "answered": 8,
                                          "missing": 0, "prorated": False, "band": None,
                                          "cutoff": None, "positive": None}})
            )  # fmt: skip
        # About 8% of carers have a live flag, and about a quarter have closed ones.
        kinds = []
        if rng.random() < 0.08:
            kinds.append(("open", rng.choice(["self_harm", "contact_request", "mood"])))
        if rng.random() < 0.25:
            kinds.append(("closed", "deterioration"))
        for state, category in kinds:
            urgent = category == "self_harm"
            opened = now - timedelta(hours=rng.randint(1, 200))
            flags.append(
                Flag(team_id=1, family_id=f, carer_id=f, owner_id=clinician, category=category,
                     severity="urgent" if urgent else "concern", rule_id="bench",
                     ruleset_version="bench", state=state, opened_at=opened,
                     last_triggered_at=opened, checkin_id=checkin_id,
                     due_at=opened + timedelta(hours=4 if urgent else 48),
                     closed_at=now if state == "closed" else None,
                     outcome="no_action" if state == "closed" else None)
            )  # fmt: skip
    with engine.begin() as connection:
        _insert(connection, Team, _rows([team]))
        _insert(connection, User, _rows(staff + carer_users))
        _insert(connection, Family, _rows(families))
        _insert(connection, Carer, _rows(carers))
        _insert(connection, Schedule, _rows(schedules))
        _insert(connection, CheckIn, _rows(checkins))
        _insert(connection, Flag, [{k: v for k, v in r.items() if k != "id"} for r in _rows(flags)])
        if engine.dialect.name == "postgresql":
            for table in ("team", "user_account", "family", "carer", "checkin_schedule", "checkin"):
                connection.execute(
                    sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - constant names
                            f"(SELECT max(id) FROM {table}))")
                )  # fmt: skip
            connection.execute(sa.text("ANALYZE"))
    return staff[0].email


def timed(fn: Callable[[], object], n: int) -> list[float]:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return sorted(samples)


_NEXT = re.compile(r'<a href="([^"]+)" rel="next">')


def _deep(client: FlaskClient, path: str) -> tuple[str, int]:
    """The address of the deepest page within ``DEEP_HOPS`` Next links of ``path``, and its
    number."""
    number = 1
    for _ in range(DEEP_HOPS):
        found = _NEXT.search(client.get(path).get_data(as_text=True))
        if found is None:
            break
        path, number = html.unescape(found.group(1)), number + 1
    return path, number


@dataclass(frozen=True)
class Measure:
    median_ms: float
    size: int
    page_number: int


def measure_size(url: str, families: int, requests: int) -> dict[str, Measure]:
    """Seed ``families`` families into the empty database at ``url`` and time each page."""
    settings = Settings(
        env="testing", database_url=url, ratelimit_enabled=False, csrf_enabled=False,
        argon2_time_cost=1, argon2_memory_cost_kib=1024, argon2_parallelism=1,
    )  # fmt: skip
    command.upgrade(alembic_config(url), "head")
    app = create_app(settings)
    with app.app_context():
        password_hash = hash_password(PASSWORD)
    engine = app.extensions["parentapp.engine"]
    started = time.perf_counter()
    email = seed(engine, password_hash, families)
    with engine.connect() as connection:
        counts = {
            table: connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()  # noqa: S608
            for table in ("family", "checkin", "flag")
        }
    print(f"{families} families seeded in {time.perf_counter() - started:.1f} s: {counts}")
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    results = {}
    for start in ("/flags?queue=team", "/flags?queue=mine", "/clinic"):
        deep, number = _deep(client, start)
        for label, path, page_number in ((start, start, 1), (f"{start} deep", deep, number)):
            page = client.get(path)
            assert page.status_code == 200, (page.status_code, path)
            samples = timed(partial(client.get, path), requests)
            results[label] = Measure(statistics.median(samples), len(page.data), page_number)
    engine.dispose()
    return results


@contextmanager
def databases(postgres: str | None) -> Iterator[dict[int, str]]:
    """An empty database for each size: SQLite files, or fresh PostgreSQL databases."""
    if postgres is None:
        folder = Path(tempfile.mkdtemp())
        yield {n: f"sqlite:///{folder / f'bench_{n}.db'}" for n in SIZES}
        return
    server = sa.create_engine(f"{postgres.rstrip('/')}/postgres", isolation_level="AUTOCOMMIT")
    names = {n: f"parentapp_bench_{n}" for n in SIZES}
    with server.connect() as connection:
        for name in names.values():
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
            connection.execute(sa.text(f"CREATE DATABASE {name}"))
    try:
        yield {n: f"{postgres.rstrip('/')}/{name}" for n, name in names.items()}
    finally:
        with server.connect() as connection:
            for name in names.values():
                connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        server.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--postgres", default=None, help="a server URL, without a database")
    args = parser.parse_args()
    with databases(args.postgres) as urls:
        small, large = SIZES
        print(f"database: {urls[small].split('://')[0]}")
        one = measure_size(urls[small], small, args.requests)
        ten = measure_size(urls[large], large, args.requests)
    print(f"{'page':<26} {'1x ms':>8} {'1x KiB':>7} {'10x ms':>8} {'10x KiB':>8} {'ratio':>6}")
    for label, a in one.items():
        b = ten[label]
        ratio = b.median_ms / a.median_ms
        print(
            f"{label:<26} {a.median_ms:8.1f} {a.size / 1024:7.1f} {b.median_ms:8.1f} "
            f"{b.size / 1024:8.1f} {ratio:6.2f}  (page {a.page_number} / {b.page_number})"
            f"{'' if ratio <= 2 else '  over the goal of 2'}"
        )


if __name__ == "__main__":
    main()
