"""Waking the worker the moment an outbox row commits: PostgreSQL's LISTEN/NOTIFY.

Every flush that adds a notification queues a NOTIFY on ``OUTBOX_CHANNEL`` in its own
transaction (``notifications.models``), so PostgreSQL delivers it when, and only if, the row
commits. The worker keeps one dedicated connection LISTENing on the channel, in a thread of its
own, which sets an event the worker's loop waits on between its periodic runs.

A wake-up is only a hint. The loop answers it with the ordinary delivery (rows claimed with
``SKIP LOCKED``, so any number of woken workers never send a row twice), and the periodic run
stays: a notification announced while the connection was down is still sent on the next run.
Losing the connection never stops the worker. The thread reconnects with a growing pause (at
most ``RETRY_MAX_SECONDS``) and, once listening again, wakes the loop to catch up.
"""

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import psycopg
from flask import Flask
from sqlalchemy.engine import make_url

from parentapp.config import Settings
from parentapp.db import get_engine
from parentapp.notifications.models import OUTBOX_CHANNEL

log = logging.getLogger(__name__)

Connect = Callable[[], psycopg.Connection[Any]]

RETRY_MIN_SECONDS = 0.5
RETRY_MAX_SECONDS = 30.0
# How often the idle listener checks that its connection still answers, and how long it
# waits for notifications at a time (so ``stop`` is honoured within that).
HEARTBEAT_SECONDS = 30.0
WAIT_SLICE_SECONDS = 1.0
# A dead peer is noticed by TCP keepalives within about a minute even with no traffic.
CONNECTION_OPTIONS: dict[str, Any] = {
    "connect_timeout": 10,
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
    "application_name": "parentapp-worker-listen",
}


class OutboxListener:
    """A thread holding a LISTEN connection; ``wait`` returns True when rows were announced.

    Notifications that arrive while the worker is busy set the same event once, so a burst of
    them costs one more delivery run, not one run each.
    """

    def __init__(
        self,
        connect: Connect,
        *,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
        retry_max_seconds: float = RETRY_MAX_SECONDS,
    ) -> None:
        self._connect = connect
        self._heartbeat = heartbeat_seconds
        self._retry_max = retry_max_seconds
        self._woken = threading.Event()
        self._stopping = threading.Event()
        self._listening = threading.Event()
        self._thread: threading.Thread | None = None
        # For operators' logs and for tests: the server process listening now, how many times
        # a LISTEN was established, and how many notifications it has received.
        self.backend_pid: int | None = None
        self.connects = 0
        self.notifications = 0

    @property
    def listening(self) -> bool:
        return self._listening.is_set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="outbox-listener", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for a wake-up; True (and consumed) if there was one."""
        if not self._woken.wait(timeout):
            return False
        # Cleared before the caller delivers: a row announced during that run wakes it again.
        self._woken.clear()
        return True

    def _run(self) -> None:
        pause = RETRY_MIN_SECONDS
        while not self._stopping.is_set():
            connects = self.connects
            try:
                self._listen_until_lost()
            except Exception as error:  # the worker must outlive any failure here
                if self.connects > connects:
                    pause = RETRY_MIN_SECONDS  # it was listening: try again at once
                log.warning(
                    "outbox listener: %s; the worker polls until it is back (retry in %.1f s)",
                    _describe(error),
                    pause,
                )
            finally:
                self._listening.clear()
                self.backend_pid = None
            if self._stopping.wait(pause):
                break
            pause = min(pause * 2, self._retry_max)

    def _listen_until_lost(self) -> None:
        with self._connect() as connection:
            connection.execute(f"LISTEN {OUTBOX_CHANNEL}")
            self.backend_pid = connection.info.backend_pid
            self.connects += 1
            self._listening.set()
            if self.connects > 1:
                log.warning("outbox listener: listening again (backend %s)", self.backend_pid)
            # Rows committed while nobody was listening were announced to nobody: catch up.
            self._woken.set()
            checked = time.monotonic()
            while not self._stopping.is_set():
                for _notify in connection.notifies(timeout=WAIT_SLICE_SECONDS):
                    self.notifications += 1
                    self._woken.set()
                if time.monotonic() - checked >= self._heartbeat:
                    connection.execute("SELECT 1")
                    checked = time.monotonic()


def _describe(error: BaseException) -> str:
    # The class and first line: enough to tell a refused connection from a terminated one.
    first = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {first}" if first else type(error).__name__


def listener_for(app: Flask) -> OutboxListener | None:
    """A listener on the app's PostgreSQL database (not started); None on SQLite, which polls.

    It connects to ``LISTEN_DATABASE_URL`` when that is set (a route around a pooler in
    transaction mode), else to ``DATABASE_URL``.
    """
    engine = get_engine(app)
    if engine.dialect.name != "postgresql" or engine.dialect.driver != "psycopg":
        return None
    settings: Settings = app.config["PARENTAPP_SETTINGS"]
    url = make_url(settings.listen_database_url) if settings.listen_database_url else engine.url
    args, options = engine.dialect.create_connect_args(url)
    options.pop("context", None)  # SQLAlchemy's type adapters: not wanted on this connection
    options = {**CONNECTION_OPTIONS, **options, "autocommit": True}

    def connect() -> psycopg.Connection[Any]:
        return psycopg.connect(*args, **options)

    return OutboxListener(connect)
