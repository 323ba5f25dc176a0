"""Time the flag dashboard on a large team; prints median and p95 per page.

Usage:
  .venv/bin/python benchmarks/dashboard.py [--requests 30]
  .venv/bin/python benchmarks/dashboard.py --database-url postgresql+psycopg://.../EMPTY_DB

Builds 1,000 families (one carer each, 50 per clinician), 100,000 weekly check-ins and a
realistic number of flags (about 8% of carers with a live flag, more closed ones) with bulk
inserts, then renders /flags?queue=mine and /flags?queue=team (as the duty clinician) in-process with the Flask test client.
Without --database-url it uses a throwaway SQLite file. The given database must be empty: the
schema is created by the migrations.
"""

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
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

FAMILIES = 1000
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


def seed(engine: sa.Engine, password_hash: str) -> str:
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
    for f in range(1, FAMILIES + 1):
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    settings = Settings(
        env="testing", database_url=url, ratelimit_enabled=False, csrf_enabled=False,
        argon2_time_cost=1, argon2_memory_cost_kib=1024, argon2_parallelism=1,
    )  # fmt: skip
    command.upgrade(alembic_config(url), "head")
    app = create_app(settings)
    with app.app_context():
        password_hash = hash_password(PASSWORD)
    started = time.perf_counter()
    email = seed(app.extensions["parentapp.engine"], password_hash)
    print(f"database: {url.split('://')[0]}; seeded in {time.perf_counter() - started:.1f} s")
    with app.extensions["parentapp.engine"].connect() as connection:
        for table in ("family", "checkin", "flag"):
            count = connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()  # noqa: S608
            print(f"  {table}: {count}")
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    for path in ("/flags?queue=mine", "/flags?queue=team"):
        page = client.get(path)
        assert page.status_code == 200, page.status_code
        rows = page.get_data(as_text=True).count("<tr")
        samples = timed(partial(client.get, path), args.requests)
        p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
        print(
            f"GET {path:<18} median {statistics.median(samples):7.1f} ms  p95 {p95:7.1f} ms  "
            f"({rows} table rows, {len(page.data) / 1024:.0f} KiB)"
        )


if __name__ == "__main__":
    main()
