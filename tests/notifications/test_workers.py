"""Real worker processes against the test database and a real SMTP server: one killed with
SIGKILL mid-batch and restarted loses nothing; two on PostgreSQL never send a row twice."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from parentapp.accounts.models import Role
from parentapp.notifications.models import Notification
from tests.factories import Factory
from tests.notifications.conftest import SmtpServer

ROWS = 200
# Upper bounds so a broken worker fails the test instead of hanging the suite.
DEADLINE_SECONDS = 90


def _outbox(make: Factory, db: Session, rows: int = ROWS) -> list[int]:
    team = make.team()
    clinicians = [make.user(Role.CLINICIAN, team) for _ in range(4)]
    db.add_all(
        Notification(recipient_id=clinicians[n % 4].id or 0, channel="email", kind="flag_opened",
                     payload={"severity": "urgent"})
        for n in range(rows)
    )  # fmt: skip
    db.commit()
    ids = db.exec(select(col(Notification.id))).all()
    return [row_id for row_id in ids if row_id is not None]  # a stored row always has one


def _undelivered(db: Session) -> int:
    db.expire_all()
    query = select(sa.func.count()).where(col(Notification.delivered_at).is_(None))
    return int(db.exec(query).one())


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting: {what}")
        time.sleep(0.05)


@pytest.fixture
def start_worker(
    db_url: str, smtp: SmtpServer, tmp_path: Path
) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    logs: list[IO[bytes]] = []

    def start(lease_seconds: float = 120) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "PARENTAPP_ENV": "testing",
            "DATABASE_URL": db_url,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(smtp.port),
            "MAIL_USE_TLS": "false",
            "NOTIFICATION_LEASE_SECONDS": str(lease_seconds),
        }
        log = (tmp_path / f"worker-{len(started)}.log").open("wb")
        logs.append(log)
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "parentapp", "worker", "--interval", "0.2"],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
    for log in logs:
        log.close()


def test_a_worker_killed_mid_batch_loses_nothing(
    make: Factory,
    db: Session,
    smtp: SmtpServer,
    start_worker: Callable[..., subprocess.Popen[bytes]],
) -> None:
    ids = _outbox(make, db)
    smtp.handler.delay = 0.02  # slow enough to be caught in the middle of a batch
    first = start_worker(lease_seconds=3)

    _wait_for(lambda: smtp.handler.count() >= 30, "the first worker to send some emails")
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    assert first.returncode == -signal.SIGKILL
    left = _undelivered(db)
    assert 0 < left < ROWS, "the kill did not land mid-way"

    second = start_worker(lease_seconds=3)
    _wait_for(lambda: _undelivered(db) == 0, "every row to be delivered after the restart")
    second.send_signal(signal.SIGTERM)
    second.wait(timeout=30)

    received = Counter(smtp.handler.ids())
    assert set(received) == set(ids), "a notification was lost"
    # At least once: only the rows in flight at the kill may have been sent twice.
    assert sum(received.values()) - len(ids) <= 50


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgresql"),
    reason="SQLite has no row locks: one worker only there",
)
def test_two_workers_on_postgresql_send_each_row_once(
    make: Factory,
    db: Session,
    smtp: SmtpServer,
    start_worker: Callable[..., subprocess.Popen[bytes]],
) -> None:
    ids = _outbox(make, db)
    smtp.handler.delay = 0.005
    workers = [start_worker(), start_worker()]

    _wait_for(lambda: _undelivered(db) == 0, "both workers to drain the outbox")
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)

    received = Counter(smtp.handler.ids())
    assert set(received) == set(ids)
    assert [i for i, n in received.items() if n > 1] == [], "a row was sent twice"
