"""Urgent notices in seconds: on PostgreSQL a committed outbox row NOTIFYs the worker, which
LISTENs and delivers at once; the periodic run stays as the fallback, and SQLite polls.

Every worker here runs with a poll interval far longer than the wait for its email, so an
email that arrives was sent because the worker was woken, not because it polled.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.engine import make_url
from sqlmodel import Session, col, select

from parentapp import create_app
from parentapp.accounts.models import Role
from parentapp.config import ConfigError, Settings
from parentapp.jobs import run_worker
from parentapp.notifications import delivery
from parentapp.notifications.models import OUTBOX_CHANNEL, Notification
from parentapp.notifications.wakeup import OutboxListener, listener_for
from tests.factories import Factory, pk
from tests.notifications.conftest import SmtpServer
from tests.triage.flagged import Flagged, build, send

ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgresql")
postgresql_only = pytest.mark.skipif(
    not ON_POSTGRESQL, reason="LISTEN/NOTIFY is PostgreSQL's: SQLite polls (tested below)"
)
# Far longer than any wait below: a worker that only polled would fail these tests.
LONG_INTERVAL = 300.0
# Generous for a loaded machine, and still well within LONG_INTERVAL.
DEADLINE_SECONDS = 60.0
MARKER = "marker"


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {DEADLINE_SECONDS:g} s waiting for {what}")
        time.sleep(0.02)


# --- the NOTIFY: sent on commit, never on rollback -------------------------------------------


def _conninfo(db_url: str) -> str:
    return make_url(db_url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
def listening(db_url: str) -> Iterator[psycopg.Connection[Any]]:
    """A connection LISTENing on the outbox channel, as the worker's is."""
    with psycopg.connect(_conninfo(db_url), autocommit=True) as connection:
        connection.execute(f"LISTEN {OUTBOX_CHANNEL}")
        yield connection


def _announced_before_a_marker(db_url: str, connection: psycopg.Connection[Any]) -> list[str]:
    """The payloads announced before a marker committed now by another connection.

    PostgreSQL delivers notifications in commit order, so anything a transaction committed
    (or rolled back) earlier would have announced arrives before the marker: no sleep needed.
    """
    with psycopg.connect(_conninfo(db_url), autocommit=True) as other:
        other.execute("SELECT pg_notify(%s, %s)", (OUTBOX_CHANNEL, MARKER))
    payloads: list[str] = []
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        for notify in connection.notifies(timeout=1.0):
            if notify.payload == MARKER:
                return payloads
            payloads.append(notify.payload)
    pytest.fail("the marker notification never arrived")


def _outbox_row(recipient_id: int) -> Notification:
    return Notification(recipient_id=recipient_id, channel="email", kind="flag_opened")


@postgresql_only
def test_an_outbox_row_notifies_the_worker_when_it_commits_not_before(
    db_url: str, make: Factory, db: Session, listening: psycopg.Connection[Any]
) -> None:
    clinician = make.user(Role.CLINICIAN, make.team())
    db.add(_outbox_row(pk(clinician)))
    db.flush()
    assert _announced_before_a_marker(db_url, listening) == [], "announced before the commit"

    db.commit()
    assert _announced_before_a_marker(db_url, listening) == [""]


@postgresql_only
def test_a_rolled_back_outbox_row_notifies_nobody(
    db_url: str, make: Factory, db: Session, listening: psycopg.Connection[Any]
) -> None:
    clinician = pk(make.user(Role.CLINICIAN, make.team()))
    db.add(_outbox_row(clinician))
    db.flush()
    db.rollback()
    assert _announced_before_a_marker(db_url, listening) == []

    # A savepoint rolled back inside a transaction that commits announces nothing either.
    savepoint = db.begin_nested()
    db.add(_outbox_row(clinician))
    db.flush()
    savepoint.rollback()
    db.commit()
    assert _announced_before_a_marker(db_url, listening) == []
    assert db.exec(select(Notification)).all() == []


@postgresql_only
def test_rows_without_outbox_rows_notify_nobody(
    db_url: str, make: Factory, listening: psycopg.Connection[Any]
) -> None:
    make.user(Role.CLINICIAN, make.team())
    assert _announced_before_a_marker(db_url, listening) == []


# --- a running worker --------------------------------------------------------------------------


@dataclass
class RunningWorker:
    listener: OutboxListener | None
    thread: threading.Thread
    stop: threading.Event
    runs: list[int] = field(default_factory=list)

    def idle(self) -> bool:
        """Its first periodic run is over (and its listener, if any, is listening)."""
        listening = self.listener is None or self.listener.listening
        return bool(self.runs) and listening


StartWorker = Callable[[float, OutboxListener | None], RunningWorker]


@pytest.fixture
def start_worker(app: Flask) -> Iterator[StartWorker]:
    """``run_worker`` (what the ``worker`` command runs) in a thread, stopped after the test."""
    started: list[RunningWorker] = []

    def start(interval: float, listener: OutboxListener | None) -> RunningWorker:
        stop = threading.Event()
        runs: list[int] = []
        thread = threading.Thread(
            target=run_worker,
            args=(app,),
            kwargs={
                "interval": interval,
                "should_stop": stop.is_set,
                "listener": listener,
                "report": runs.append,
            },
            name="test-worker",
        )
        worker = RunningWorker(listener=listener, thread=thread, stop=stop, runs=runs)
        started.append(worker)
        thread.start()
        return worker

    yield start
    for worker in started:
        worker.stop.set()
        worker.thread.join(timeout=30)
        assert not worker.thread.is_alive(), "the worker did not stop"


def _quiet_world(make: Factory, db: Session) -> Flagged:
    """The flag fixtures with no reminders due, so the only email is the flag's."""
    world = build(make, db)
    world.carer.reminders_enabled = world.other_carer.reminders_enabled = False
    db.add_all([world.carer, world.other_carer])
    db.commit()
    return world


def _emailed(smtp: SmtpServer, address: str) -> Callable[[], bool]:
    return lambda: any(str(m["To"]) == address for m in list(smtp.handler.messages))


def _pg_listener(app: Flask) -> OutboxListener:
    listener = listener_for(app)
    assert listener is not None, "PostgreSQL gives the worker a listener"
    return listener


@postgresql_only
def test_a_woken_worker_emails_an_urgent_flag_long_before_its_next_poll(
    app: Flask, db: Session, make: Factory, smtp: SmtpServer, start_worker: StartWorker
) -> None:
    world = _quiet_world(make, db)
    worker = start_worker(LONG_INTERVAL, _pg_listener(app))
    _wait_for(worker.idle, "the worker's first run and its LISTEN")

    send(app, db, world.carer, self_harm="1")

    _wait_for(_emailed(smtp, world.clinician.email), "the urgent flag's email")
    assert len(worker.runs) == 1, "a periodic run came early: the test proves nothing"


@postgresql_only
def test_the_worker_listens_again_after_its_connection_is_killed(
    app: Flask, db: Session, make: Factory, smtp: SmtpServer, start_worker: StartWorker
) -> None:
    world = _quiet_world(make, db)
    listener = _pg_listener(app)
    worker = start_worker(LONG_INTERVAL, listener)
    _wait_for(worker.idle, "the worker's first run and its LISTEN")
    killed = listener.backend_pid

    db.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": killed})
    db.commit()
    _wait_for(lambda: listener.connects >= 2 and listener.listening, "the LISTEN to come back")
    assert listener.backend_pid != killed
    assert worker.thread.is_alive()

    send(app, db, world.carer, self_harm="1")
    _wait_for(_emailed(smtp, world.clinician.email), "the urgent flag's email")
    assert len(worker.runs) == 1, "a periodic run came early: the test proves nothing"


@postgresql_only
def test_a_burst_of_notifications_costs_a_few_deliveries_not_one_each(
    app: Flask,
    db: Session,
    make: Factory,
    smtp: SmtpServer,
    start_worker: StartWorker,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clinician = make.user(Role.CLINICIAN, make.team())
    passes = 0
    busy, release = threading.Event(), threading.Event()
    real = delivery.deliver_all_due

    def counted(app: Flask, **kwargs: Any) -> int:
        nonlocal passes
        passes += 1
        delivered = real(app, **kwargs)
        # The first run is the periodic one; the second, the wake-up on LISTEN (to catch up).
        # Hold that one, after its delivery, while the burst arrives.
        if passes == 2:
            busy.set()
            release.wait(DEADLINE_SECONDS)
        return delivered

    monkeypatch.setattr(delivery, "deliver_all_due", counted)
    listener = _pg_listener(app)
    worker = start_worker(LONG_INTERVAL, listener)
    _wait_for(lambda: busy.is_set() and listener.listening, "the worker to be busy, listening")

    for _ in range(50):  # 50 transactions, 50 notifications
        db.add(Notification(recipient_id=pk(clinician), channel="email", kind="flag_opened"))
        db.commit()
    release.set()

    _wait_for(lambda: smtp.handler.count() == 50, "the burst's 50 emails, on a wake-up")
    worker.stop.set()
    worker.thread.join(timeout=30)
    assert listener.notifications == 50
    # The periodic run, the held one, then one or two for all 50 notifications.
    assert passes <= 5, f"{passes} delivery runs for one burst of 50"
    assert sorted(smtp.handler.ids()) == sorted(set(smtp.handler.ids())), "an email went twice"


@postgresql_only
def test_the_worker_command_is_woken_by_a_new_urgent_flag(
    db_url: str, db: Session, make: Factory, smtp: SmtpServer, app: Flask, tmp_path: Path
) -> None:
    world = _quiet_world(make, db)
    env = {
        **os.environ,
        "PARENTAPP_ENV": "testing",
        "DATABASE_URL": db_url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp.port),
        "MAIL_USE_TLS": "false",
    }
    log_path = tmp_path / "worker.log"
    command = [sys.executable, "-m", "flask", "--app", "parentapp", "worker",
               "--interval", str(LONG_INTERVAL)]  # fmt: skip
    with log_path.open("wb") as log:
        worker = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for(lambda: "job(s) finished" in log_path.read_text(), "the first run")
        send(app, db, world.carer, self_harm="1")
        _wait_for(_emailed(smtp, world.clinician.email), "the urgent flag's email")
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=30)
    output = log_path.read_text()
    assert f"LISTEN {OUTBOX_CHANNEL}" in output
    assert output.count("job(s) finished") == 1, "a periodic run came early"


@postgresql_only
def test_the_listener_takes_its_own_route_when_one_is_set(
    db_url: str, settings: Settings, db: Session
) -> None:
    """Behind PgBouncer in transaction mode, LISTEN needs a direct connection of its own."""
    direct = make_url(db_url).update_query_dict({"application_name": "parentapp-direct"})
    app = create_app(
        settings.with_(listen_database_url=direct.render_as_string(hide_password=False))
    )
    listener = listener_for(app)
    assert listener is not None
    listener.start()
    try:
        _wait_for(lambda: listener.listening, "the LISTEN")
        name = db.execute(
            sa.text("SELECT application_name FROM pg_stat_activity WHERE pid = :pid"),
            {"pid": listener.backend_pid},
        ).scalar_one()
    finally:
        listener.stop()
        app.extensions["parentapp.engine"].dispose()
    assert name == "parentapp-direct"


def test_a_listen_route_is_refused_beside_sqlite() -> None:
    with pytest.raises(ConfigError, match="LISTEN_DATABASE_URL"):
        Settings(
            database_url="sqlite:///x.db", listen_database_url="postgresql+psycopg://h/db"
        ).check()


# --- the fallback: polling --------------------------------------------------------------------


def test_a_worker_whose_listener_cannot_connect_still_polls(
    app: Flask, db: Session, make: Factory, smtp: SmtpServer, start_worker: StartWorker
) -> None:
    def refused() -> psycopg.Connection[Any]:
        raise psycopg.OperationalError("connection refused")

    world = _quiet_world(make, db)
    listener = OutboxListener(refused)
    worker = start_worker(0.2, listener)
    _wait_for(lambda: bool(worker.runs), "the worker's first run")

    send(app, db, world.carer, self_harm="1")

    _wait_for(_emailed(smtp, world.clinician.email), "the urgent flag's email, by polling")
    assert listener.connects == 0 and not listener.listening
    assert worker.thread.is_alive()


@pytest.mark.skipif(ON_POSTGRESQL, reason="the SQLite path: DATABASE_URL points at PostgreSQL")
def test_on_sqlite_the_worker_polls_without_a_listener(
    app: Flask, db: Session, make: Factory, smtp: SmtpServer, start_worker: StartWorker
) -> None:
    assert listener_for(app) is None
    world = _quiet_world(make, db)
    worker = start_worker(0.2, None)
    _wait_for(lambda: bool(worker.runs), "the worker's first run")

    send(app, db, world.carer, self_harm="1")

    _wait_for(_emailed(smtp, world.clinician.email), "the urgent flag's email, by polling")
    delivered = db.exec(select(Notification).where(col(Notification.delivered_at).is_not(None)))
    assert delivered.all()
