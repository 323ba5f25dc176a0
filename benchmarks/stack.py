"""The production layout on loopback, with a worker killed and a web instance restarted.

Usage:
  .venv/bin/python benchmarks/stack.py --database-url postgresql+psycopg://postgres@127.0.0.1/DB
      [--seconds 60] [--carers 200]

nginx in front of two gunicorn instances of parentapp (production settings, rate limits in
Redis), two ``worker`` processes, a local aiosmtpd server, and the PostgreSQL database given
(wiped and migrated). Logged-in carers post check-ins through nginx to ``POST /api/v1/checkins``,
each with its own Idempotency-Key; one check-in per carer is urgent (a self-harm answer). A
connection error, 502 or 503 is retried with the same key, as the offline outbox does. A third
of the way in one worker is killed with SIGKILL and replaced; at half time one web instance is
stopped (SIGTERM) and started again. Prints throughput, errors, check-ins acknowledged against
stored, and urgent flags against emails received, with PASS/FAIL; exits 1 on a FAIL.
"""

import argparse
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import requests
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from bulk import migrated_database
from checkin_throughput import log_in
from notify_latency import URGENT, Inbox, free_port, seed, stop, wait_until

HERE = Path(__file__).resolve().parent
CALM = {**URGENT, "self_harm": "0"}
NGINX = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fcgi; uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
  upstream parentapp {{
    server 127.0.0.1:{web0} max_fails=0;
    server 127.0.0.1:{web1} max_fails=0;
    keepalive 32;
  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://parentapp;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      # nginx retries a POST on the other instance only with non_idempotent. That is safe
      # here: every check-in carries an Idempotency-Key, so a POST that reached an instance
      # which died before answering is stored once when it is sent again.
      proxy_next_upstream error timeout http_502 non_idempotent;
      proxy_connect_timeout 2s;
    }}
  }}
}}
"""


class Stack:
    """Every process started, so that all of them are stopped whatever happens."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs = env, logs
        self.processes: list[subprocess.Popen[bytes]] = []
        self.webs: list[tuple[subprocess.Popen[bytes], int]] = []
        self.workers: list[subprocess.Popen[bytes]] = []

    def _start(self, args: list[str], log: str) -> subprocess.Popen[bytes]:
        with (self.logs / log).open("ab") as out:
            process = subprocess.Popen(args, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def web(self, port: int) -> subprocess.Popen[bytes]:
        process = self._start(
            [sys.executable, "-m", "gunicorn", "--workers", "3", "--bind", f"127.0.0.1:{port}",
             "--chdir", str(HERE), "--log-level", "warning", "checkin_apps:parentapp_app()"],
            f"web-{port}.log",
        )  # fmt: skip
        wait_until(f"gunicorn on {port}", lambda: answers(f"http://127.0.0.1:{port}"), 60)
        return process

    def worker(self, n: int) -> subprocess.Popen[bytes]:
        return self._start(
            [sys.executable, "-m", "flask", "--app", "parentapp", "worker", "--interval", "5"],
            f"worker-{n}.log",
        )

    def close(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                stop(process)


def answers(base: str) -> bool:
    try:
        requests.get(base + "/login", timeout=5).close()
    except requests.RequestException:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True, help="a PostgreSQL database, wiped")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--carers", type=int, default=200)
    parser.add_argument("--redis-db", type=int, default=13)
    args = parser.parse_args()
    sys.exit(run(args.database_url, args.seconds, args.carers, args.redis_db))


def run(database_url: str, seconds: float, carers: int, redis_db: int) -> int:
    url, engine = migrated_database(database_url)
    seed(engine, carers)
    subprocess.run(["redis-cli", "-n", str(redis_db), "flushdb"], check=True, capture_output=True)
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    logs = Path(tempfile.mkdtemp(prefix="parentapp-stack-"))
    for sub in ("body", "proxy", "fcgi", "uwsgi", "scgi"):
        (logs / sub).mkdir()
    env = {
        **os.environ,
        "PARENTAPP_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": url,
        "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:6379/{redis_db}",
        "TRUSTED_PROXIES": "1",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp.port),
        "MAIL_USE_TLS": "false",
        "APP_BASE_URL": "http://127.0.0.1",
    }
    stack = Stack(env, logs)
    nginx: subprocess.Popen[bytes] | None = None
    try:
        ports = [free_port(), free_port()]
        stack.webs = [(stack.web(p), p) for p in ports]
        stack.workers = [stack.worker(0), stack.worker(1)]
        port = free_port()
        (logs / "nginx.conf").write_text(NGINX.format(tmp=logs, web0=ports[0], web1=ports[1],
                                                      port=port))  # fmt: skip
        nginx = subprocess.Popen(["nginx", "-p", str(logs), "-c", str(logs / "nginx.conf"),
                                  "-g", "daemon off;"])  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        wait_until("nginx", lambda: answers(base), 30)
        # Logging in goes through nginx too; the login limit counts per address, so in Redis.
        sessions = [log_in(base, f"carer{n}@example.org") for n in range(1, carers + 1)]
        print(f"nginx :{port} -> gunicorn :{ports[0]} :{ports[1]}, 2 workers, {carers} carers, "
              f"{seconds:g} s; logs in {logs}")  # fmt: skip
        return load(stack, engine, inbox, base, sessions, seconds)
    finally:
        if nginx is not None:
            nginx.send_signal(signal.SIGQUIT)
            nginx.wait(timeout=30)
        stack.close()
        smtp.stop()
        engine.dispose()


def load(stack: Stack, engine: sa.Engine, inbox: Inbox, base: str,
         sessions: list[tuple[str, str]], seconds: float) -> int:  # fmt: skip
    acknowledged: dict[str, int] = {}  # key -> carer number
    errors: Counter[str] = Counter()
    window_errors: Counter[str] = Counter()
    window = threading.Event()
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    requests_done = [0]

    def carer(n: int) -> None:
        cookie, token = sessions[n - 1]
        with requests.Session() as client:
            first = True
            while time.monotonic() < stop_at:
                key = uuid.uuid4().hex
                body: dict[str, Any] = {
                    "instrument_id": "weekly",
                    "answers": URGENT if first else CALM,
                }
                while True:  # the outbox: the same key until the server answers
                    try:
                        response = client.post(
                            base + "/api/v1/checkins", json=body, timeout=30,
                            headers={"Cookie": cookie, "X-CSRFToken": token,
                                     "Idempotency-Key": key},
                        )  # fmt: skip
                        what = str(response.status_code)
                    except requests.RequestException as error:
                        what = type(error).__name__
                    with lock:
                        requests_done[0] += 1
                        if what not in {"200", "201"}:
                            errors[what] += 1
                            if window.is_set():
                                window_errors[what] += 1
                    if what in {"200", "201"}:
                        with lock:
                            acknowledged[key] = n
                        first = False
                        break
                    if what not in {"502", "503"} and what.isdigit():
                        break  # refused for good: not stored, not acknowledged
                    time.sleep(0.2)

    threads = [threading.Thread(target=carer, args=(n,)) for n in range(1, len(sessions) + 1)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(seconds / 3)  # the schedule of the faults, not a synchronisation
    window.set()
    stack.workers[0].kill()
    stack.workers[0].wait()
    stack.workers[0] = stack.worker(2)
    time.sleep(seconds / 6)
    old, port = stack.webs[0]
    stop(old)
    stack.webs[0] = (stack.web(port), port)
    window.clear()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started

    def stored() -> list[tuple[str, int]]:
        with engine.connect() as c:
            return [(r[0], r[1]) for r in c.execute(sa.text(
                "SELECT idempotency_key, carer_id FROM checkin"))]  # fmt: skip

    def urgent_flags() -> set[int]:
        with engine.connect() as c:
            return {r[0] for r in c.execute(sa.text(
                "SELECT DISTINCT f.assigned_clinician_id FROM flag JOIN family f "
                "ON f.id = flag.family_id WHERE flag.severity = 'urgent'"))}  # fmt: skip

    def outbox_empty() -> bool:
        with engine.connect() as c:
            return not c.execute(sa.text(
                "SELECT count(*) FROM notification n JOIN flag ON flag.id = n.flag_id "
                "WHERE n.delivered_at IS NULL AND n.channel = 'email' "
                "AND flag.severity = 'urgent'")).scalar()  # fmt: skip

    wait_until("the urgent outbox to drain", outbox_empty, 120)
    rows = stored()
    keys = Counter(k for k, _ in rows)
    lost = [k for k in acknowledged if k not in keys]
    duplicated = sum(c - 1 for c in keys.values() if c > 1)
    clinicians = urgent_flags()
    emailed = {n for n in clinicians if inbox.first(f"clinician{n}@example.org")}
    total = requests_done[0]
    print(f"  throughput {total / elapsed:.1f} req/s ({total} requests in {elapsed:.1f} s)")
    print(f"  errors overall {dict(errors) or 0}; during the restarts {dict(window_errors) or 0}")
    print(f"  check-ins acknowledged {len(acknowledged)}, stored {len(rows)}: lost {len(lost)}, "
          f"duplicated {duplicated}")  # fmt: skip
    print(f"  urgent flags {len(clinicians)}, clinicians emailed {len(emailed)}: lost "
          f"{len(clinicians - emailed)}; emails received {inbox.total()}")  # fmt: skip
    goals = {"0 lost": not lost and len(rows) >= len(acknowledged),
             "0 duplicated": duplicated == 0 and len(rows) == len(keys),
             "0 urgent emails lost": clinicians == emailed and bool(clinicians)}  # fmt: skip
    for goal, ok in goals.items():
        print(f"  {'PASS' if ok else 'FAIL'} {goal}")
    return 0 if all(goals.values()) else 1


if __name__ == "__main__":
    main()
