"""Where one ``POST /api/v1/checkins`` spends its time, from the WSGI call to the response.

Usage:
  .venv/bin/python benchmarks/checkin_profile.py [--requests 500] [--top 30]
  .venv/bin/python benchmarks/checkin_profile.py --database-url postgresql+psycopg://.../DB

The app is configured as in production (CSRF, rate limits in Redis, secure cookies) and called
in-process, so the figures hold no HTTP server or load tool: carers log in through the real
form, then each request is a calm weekly check-in. Prints milliseconds per request, the
statements each request runs with the time spent in each, and a cProfile of the requests
(cumulative), which is what ``benchmarks/checkin_throughput.py``'s gap to the floor is read
from. The PostgreSQL database given is wiped and migrated; Redis's database 14 is flushed.
"""

import argparse
import cProfile
import os
import pstats
import re
import secrets
import subprocess
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from bulk import migrated_database
from checkin_throughput import BODY, PASSWORD, REDIS_URL, seed
from flask.testing import FlaskClient

from parentapp import create_app
from parentapp.config import Settings

HTTPS = {"base_url": "https://localhost", "headers": {"Referer": "https://localhost/"}}


def logged_in(app: Any, email: str) -> tuple[FlaskClient, str]:
    """A client logged in through the login form, and the API's CSRF token."""
    client = app.test_client()
    page = client.get("/login", **HTTPS)
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.data)
    assert token, "no CSRF token on the login page"
    form = {"csrf_token": token.group(1).decode(), "email": email, "password": PASSWORD}
    assert client.post("/login", data=form, **HTTPS).status_code == 302, f"login of {email}"
    return client, str(client.get("/api/v1/session", **HTTPS).json["csrf_token"])


def checkins(clients: list[tuple[FlaskClient, str]]) -> Callable[[int], None]:
    def send(n: int) -> None:
        client, token = clients[n % len(clients)]
        headers = {"Content-Type": "application/json", "X-CSRFToken": token,
                   "Referer": "https://localhost/", "Idempotency-Key": secrets.token_hex(8)}  # fmt: skip
        response = client.post(
            "/api/v1/checkins", data=BODY, headers=headers, base_url="https://localhost"
        )
        assert response.status_code == 201, (response.status_code, response.data[:300])

    return send


# Parts of a request, by the function that does each (file ending, function name).
PARTS = (
    ("session row and user (Flask-Login loader)", "accounts/sessions.py", "load_user"),
    ("carer, family and team", "families/queries.py", "membership_of"),
    ("rate limit (Redis)", "flask_limiter/_extension.py", "_check_request_limit"),
    ("CSRF check", "flask_wtf/csrf.py", "protect"),
    ("cookie session read", "flask/sessions.py", "open_session"),
    ("cookie session write", "parentapp/assets.py", "save_session"),
    ("team hours", "teams/hours.py", "of_team"),
    ("submit_checkin (validate, score, judge, store)", "checkins/services.py", "submit_checkin"),
    ("response body", "api/views.py", "_checkin_body"),
)


def parts(stats: pstats.Stats, requests: int) -> None:
    """Milliseconds per request (under the profiler, which inflates them) in each part."""
    found = {label: 0.0 for label, _, _ in PARTS}
    total = 0.0
    for (filename, _line, name), row in stats.stats.items():  # type: ignore[attr-defined]
        cumulative = row[3]
        if name == "wsgi_app" and filename.endswith("flask/app.py"):
            total += cumulative
        for label, ending, function in PARTS:
            if name == function and filename.endswith(ending):
                found[label] += cumulative
    print(f"Parts of a request under cProfile ({total * 1000 / requests:.2f} ms in all):")
    for label, seconds in found.items():
        print(f"  {seconds * 1000 / requests:6.2f} ms  {seconds / total:4.0%}  {label}")
    rest = total - sum(found.values())
    print(f"  {rest * 1000 / requests:6.2f} ms  {rest / total:4.0%}  the rest: Flask and "
          "Werkzeug dispatch, request parsing, JSON, security headers, teardown")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--carers", type=int, default=50)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--top", type=int, default=30, help="profile lines to print")
    args = parser.parse_args()

    url, engine = migrated_database(args.database_url)
    ids = seed(engine, {"load": (args.carers, 0)})
    engine.dispose()
    subprocess.run(["redis-cli", "-n", "14", "flushdb"], check=True, capture_output=True)
    os.environ.update({"DATABASE_URL": url, "PARENTAPP_ENV": "production",
                       "SECRET_KEY": secrets.token_hex(32), "RATELIMIT_STORAGE_URI": REDIS_URL,
                       "APP_BASE_URL": "https://localhost"})  # fmt: skip
    app = create_app(Settings.from_env())
    send = checkins([logged_in(app, f"carer{f}@example.org") for f in ids["load"]])
    for n in range(50):  # warm: compiled statements, parsed definitions, pooled connections
        send(n)

    spent: dict[str, float] = defaultdict(float)
    count = 0

    def before(conn: Any, *_args: Any) -> None:
        conn.info["started"] = time.perf_counter()

    def after(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        nonlocal count
        count += 1
        spent[" ".join(statement.split())[:110]] += time.perf_counter() - conn.info["started"]

    engine = app.extensions["parentapp.engine"]
    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    n = args.requests
    started = time.perf_counter()
    for i in range(n):
        send(i)
    elapsed = time.perf_counter() - started
    sa.event.remove(engine, "before_cursor_execute", before)
    sa.event.remove(engine, "after_cursor_execute", after)

    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    in_sql = sum(spent.values())
    print(f"{backend}: {n} check-ins in-process, {elapsed * 1000 / n:.2f} ms per request, "
          f"{count / n:.1f} statements per request, {in_sql * 1000 / n:.2f} ms of it "
          f"executing them ({in_sql / elapsed:.0%})")  # fmt: skip
    for statement, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  {seconds * 1000 / n:6.3f} ms  {statement}")

    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(n):
        send(i)
    profiler.disable()
    stats = pstats.Stats(profiler)
    parts(stats, n)
    stats.sort_stats("cumulative").print_stats(args.top)
    engine.dispose()


if __name__ == "__main__":
    main()
