"""Seconds from an urgent check-in's response to its email's arrival, with the real worker.

Usage:
  .venv/bin/python benchmarks/notify_latency.py [--checkins 50] [--interval 30]
  .venv/bin/python benchmarks/notify_latency.py --database-url postgresql+psycopg://.../DB

Starts a local aiosmtpd server, the ``worker`` command as a subprocess (``--interval`` seconds
between its periodic runs, 30 as in production) and parentapp under gunicorn; logs in one carer
per check-in through the real login form, each in a family of their own with a clinician of
their own, so an email's recipient says whose check-in it announces. Then it posts
``--checkins`` urgent check-ins (a self-harm answer) to ``POST /api/v1/checkins`` from
``--concurrency`` threads, one every ``--gap`` seconds, and times each from the POST's
response to the email's arrival at the SMTP server. Prints count, median, p95, p99 and max.

On PostgreSQL the worker is woken by NOTIFY when the check-in commits; on SQLite it polls, so
the figures there show the wait for the next run. Without --database-url a throwaway SQLite file
is used; the PostgreSQL database given is wiped and migrated.
"""

import argparse
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from email import message_from_bytes
from pathlib import Path
from typing import Any

import requests
from aiosmtpd.controller import Controller
from argon2 import PasswordHasher
from bulk import catch_up_sequences, insert, migrated_database, rows

from parentapp.accounts.models import Role, User
from parentapp.checkins.models import Schedule
from parentapp.db import utcnow
from parentapp.families.models import Carer, Family, Infant
from parentapp.families.services import CONSENT_VERSION
from parentapp.teams.models import Team

PASSWORD = "benchmark pass phrase"  # noqa: S105 - a throwaway database's only password
# The weekly check-in, calm but for a self-harm answer: an urgent flag, emailed at once.
URGENT = {"mood": "0", "worry": "1", "sleep": "1", "coping": "0", "support": "3",
          "closeness": "3", "self_harm": "1", "harm_to_baby": "0", "contact": "false"}  # fmt: skip


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Inbox:
    """An aiosmtpd handler noting when each recipient's email arrived."""

    def __init__(self) -> None:
        self.arrived: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        at = time.monotonic()
        to = str(message_from_bytes(envelope.content)["To"])
        with self._lock:
            self.arrived.setdefault(to, []).append(at)
        return "250 OK"

    def first(self, address: str) -> float | None:
        with self._lock:
            times = self.arrived.get(address)
            return times[0] if times else None

    def total(self) -> int:
        with self._lock:
            return sum(len(t) for t in self.arrived.values())


def seed(engine: Any, count: int) -> None:
    """One team; per check-in a clinician, a family assigned to them, a baby and a carer with a
    weekly schedule that is due now."""
    now = utcnow()
    password_hash = PasswordHasher().hash(PASSWORD)
    staff, carers_users, families, infants, carers, schedules = [], [], [], [], [], []
    for n in range(1, count + 1):
        staff.append(
            User(id=n, email=f"clinician{n}@example.org", display_name=f"Clinician {n}",
                 password_hash=password_hash, role=Role.CLINICIAN.value, team_id=1,
                 on_duty=n == 1)
        )  # fmt: skip
        carers_users.append(
            User(id=10_000 + n, email=f"carer{n}@example.org", display_name=f"Carer {n}",
                 password_hash=password_hash, role=Role.CARER.value)
        )  # fmt: skip
        families.append(Family(id=n, team_id=1, label=f"Family {n}", assigned_clinician_id=n))
        infants.append(Infant(id=n, family_id=n, name=f"Baby {n}"))
        carers.append(
            Carer(id=n, user_id=10_000 + n, family_id=n, carer_role="mother",
                  consented_at=now, consent_version=CONSENT_VERSION, reminders_enabled=False)
        )  # fmt: skip
        schedules.append(
            Schedule(id=n, carer_id=n, instrument_id="weekly", starts_at=now - timedelta(days=7))
        )
    with engine.begin() as connection:
        insert(connection, Team, rows([Team(id=1, name="Benchmark Team")]))
        insert(connection, User, rows(staff + carers_users))
        for model, objects in ((Family, families), (Infant, infants), (Carer, carers),
                               (Schedule, schedules)):  # fmt: skip
            insert(connection, model, rows(objects))
        catch_up_sequences(connection)


def wait_until(what: str, condition: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"gave up after {timeout:g} s waiting for {what}")
        time.sleep(0.05)


def serve(env: dict[str, str], workers: int, log: Any) -> tuple[subprocess.Popen[bytes], str]:
    """parentapp under gunicorn, as the Procfile's ``web`` runs it."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
         f"127.0.0.1:{port}", "--log-level", "warning", "parentapp:create_app()"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            requests.get(base + "/login", timeout=5)
        except requests.RequestException:
            return False
        return True

    wait_until("gunicorn to answer", answers, 60)
    return process, base


def start_worker(env: dict[str, str], interval: float, log_path: Path) -> subprocess.Popen[bytes]:
    """The Procfile's ``worker``: ``flask --app parentapp worker``."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "parentapp", "worker",
             "--interval", str(interval)],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    # Its first periodic run is over: from now on only a wake-up (or the next poll) sends.
    wait_until("the worker's first run", lambda: "job(s) finished" in log_path.read_text(), 60)
    return process


def log_in(base: str, email: str) -> tuple[requests.Session, str]:
    """Log in through the real form; the session and the API's CSRF token."""
    client = requests.Session()
    page = client.get(base + "/login", timeout=30)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
    assert token, "no CSRF token on the login page"
    done = client.post(
        base + "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)},
        allow_redirects=False,
        timeout=30,
    )
    assert done.status_code == 302, f"login failed for {email}: {done.status_code}"
    info = client.get(base + "/api/v1/session", timeout=30)
    return client, str(info.json()["csrf_token"])


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=30)


def percentile(samples: list[float], p: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[p - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--checkins", type=int, default=50)
    parser.add_argument("--interval", type=float, default=30.0, help="the worker's poll, s")
    parser.add_argument("--concurrency", type=int, default=5, help="threads posting")
    parser.add_argument("--gap", type=float, default=0.2, help="seconds between two posts")
    parser.add_argument("--web-workers", type=int, default=2)
    args = parser.parse_args()

    url, engine = migrated_database(args.database_url)
    seed(engine, args.checkins)
    engine.dispose()
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    env = {
        **os.environ,
        "PARENTAPP_ENV": "development",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": url,
        # One login per carer from one address: the login limit would refuse most of them.
        "RATELIMIT_ENABLED": "false",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp.port),
        "MAIL_USE_TLS": "false",
        "APP_BASE_URL": "http://127.0.0.1",
    }
    logs = Path(tempfile.mkdtemp(prefix="parentapp-notify-"))
    backend = "PostgreSQL (LISTEN/NOTIFY)" if url.startswith("postgresql") else "SQLite (polling)"
    print(f"{backend}: worker --interval {args.interval:g}, {args.checkins} urgent check-ins "
          f"from {args.concurrency} threads, one every {args.gap:g} s; logs in {logs}")  # fmt: skip

    web_log = (logs / "web.log").open("wb")
    web, base = serve(env, args.web_workers, web_log)
    worker = None
    try:
        sessions = [log_in(base, f"carer{n}@example.org") for n in range(1, args.checkins + 1)]
        worker = start_worker(env, args.interval, logs / "worker.log")
        responded: dict[int, float] = {}
        start = time.monotonic() + 0.5

        def post(n: int) -> None:
            client, token = sessions[n - 1]
            time.sleep(max(0.0, start + (n - 1) * args.gap - time.monotonic()))  # the pacing
            response = client.post(
                base + "/api/v1/checkins",
                json={"instrument_id": "weekly", "answers": URGENT},
                headers={"X-CSRFToken": token, "Idempotency-Key": uuid.uuid4().hex},
                timeout=60,
            )
            responded[n] = time.monotonic()
            assert response.status_code == 201, f"check-in {n}: {response.status_code}"

        with ThreadPoolExecutor(args.concurrency) as pool:
            list(pool.map(post, range(1, args.checkins + 1)))
        wait_until(
            "every urgent email",
            lambda: all(inbox.first(f"clinician{n}@example.org") for n in responded),
            args.interval * 2 + 60,
        )
    finally:
        if worker is not None:
            stop(worker)
        stop(web)
        web_log.close()
        smtp.stop()

    latencies = []
    for n, at in responded.items():
        arrived = inbox.first(f"clinician{n}@example.org")
        assert arrived is not None
        latencies.append(arrived - at)
    print(f"  emails received {inbox.total()} for {len(responded)} urgent check-ins")
    print(f"  response -> email, s: count {len(latencies)}  "
          f"median {statistics.median(latencies):.3f}  p95 {percentile(latencies, 95):.3f}  "
          f"p99 {percentile(latencies, 99):.3f}  max {max(latencies):.3f}  "
          f"(min {min(latencies):.3f})")  # fmt: skip


if __name__ == "__main__":
    main()
