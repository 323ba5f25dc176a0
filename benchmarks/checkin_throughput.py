"""Check-ins per second through ``POST /api/v1/checkins``, against the bare-Flask floor.

Usage:
  .venv/bin/python benchmarks/checkin_throughput.py [--carers 400] [--duration 10]
  .venv/bin/python benchmarks/checkin_throughput.py --database-url postgresql+psycopg://.../DB

Serves parentapp (configured as in production: CSRF, rate limits in Redis, secure cookies) and a
bare Flask + SQLModel endpoint that inserts one row (``checkin_apps.py``) under the same
gunicorn (``--workers`` sync workers each), logs in ``--carers`` carers through the real login
form, and drives both with the same wrk command: parentapp's requests rotate over every
carer's session and CSRF token. Prints both throughputs and their ratio.

Then it times ``submit_checkin`` in-process for carers with no history, carers with 100 past
check-ins (a day apart: the rules' 84-day recent window is full) and carers with
``--long-history`` past check-ins. The cost must not grow with history: the last two must be
the same; the first is a little quicker only because its window is empty. ``--profile``
prints where a check-in's time goes.

Without --database-url a throwaway SQLite file is used; the PostgreSQL database given is wiped
and migrated. Needs wrk (Debian package ``wrk``) and Redis on 127.0.0.1:6379 (its database 14
is flushed).
"""

import argparse
import cProfile
import json
import os
import pstats
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import requests
from argon2 import PasswordHasher
from bulk import catch_up_sequences, insert, migrated_database, rows
from checkin_apps import FloorRow
from sqlmodel import Session, col, select

from parentapp import create_app
from parentapp.accounts.models import Role, User
from parentapp.checkins.models import CheckIn, Schedule
from parentapp.checkins.services import submit_checkin
from parentapp.config import Settings
from parentapp.db import utcnow
from parentapp.families.models import Carer, Family, Infant
from parentapp.families.roles import CarerRole
from parentapp.instruments.registry import builtin_registry
from parentapp.instruments.scoring import score
from parentapp.teams.models import Team

HERE = Path(__file__).resolve().parent
PASSWORD = "benchmark pass phrase"  # noqa: S105 - a throwaway database's only password
REDIS_URL = "redis://127.0.0.1:6379/14"
CALM = {"mood": "0", "worry": "1", "sleep": "1", "coping": "0", "support": "3",
        "closeness": "3", "self_harm": "0", "harm_to_baby": "0", "contact": "false"}  # fmt: skip
BODY = json.dumps({"instrument_id": "weekly", "answers": CALM})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def seed(engine: Any, groups: dict[str, tuple[int, int]]) -> dict[str, list[int]]:
    """Carers in groups: name -> (how many, past check-ins each). Returns name -> carer ids.

    One team, one clinician per 50 families, one baby per family, a weekly schedule due now,
    and the past check-ins one day apart, scored as the real scorer scores calm answers.
    """
    now = utcnow()
    definition = builtin_registry().get("weekly")
    scores = {k: s.as_json() for k, s in score(definition, CALM, CarerRole.MOTHER).items()}
    password_hash = PasswordHasher().hash(PASSWORD)
    total = sum(n for n, _ in groups.values())
    staff = [
        User(id=n, email=f"clin{n}@example.org", display_name=f"Clinician {n}",
             password_hash=password_hash, role=Role.CLINICIAN.value, team_id=1, on_duty=n == 1)
        for n in range(1, total // 50 + 2)
    ]  # fmt: skip
    users, families, infants, carers, schedules, checkins = [], [], [], [], [], []
    ids: dict[str, list[int]] = {}
    f = checkin_id = 0
    for name, (count, history) in groups.items():
        for _ in range(count):
            f += 1
            ids.setdefault(name, []).append(f)
            users.append(
                User(id=10_000 + f, email=f"carer{f}@example.org", display_name=f"Carer {f}",
                     password_hash=password_hash, role=Role.CARER.value)
            )  # fmt: skip
            families.append(
                Family(id=f, team_id=1, label=f"Family {f}", assigned_clinician_id=f % len(staff) + 1)
            )  # fmt: skip
            infants.append(Infant(id=f, family_id=f, name=f"Baby {f}"))
            carers.append(
                Carer(id=f, user_id=10_000 + f, family_id=f, carer_role="mother",
                      consented_at=now, consent_version="2026-11")
            )  # fmt: skip
            start = now - timedelta(days=history + 7)
            schedules.append(Schedule(id=f, carer_id=f, instrument_id="weekly", starts_at=start))
            for day in range(history):
                checkin_id += 1
                checkins.append(
                    CheckIn(id=checkin_id, carer_id=f, family_id=f, infant_id=f, schedule_id=f,
                            instrument_id="weekly", instrument_version=definition.version,
                            ruleset_version="bench", locale="en",
                            submitted_at=start + timedelta(days=day), answers=CALM, scores=scores)
                )  # fmt: skip
    with engine.begin() as connection:
        insert(connection, Team, rows([Team(id=1, name="Benchmark Team")]))
        insert(connection, User, rows(staff + users))
        for model, objects in (
            (Family, families),
            (Infant, infants),
            (Carer, carers),
            (Schedule, schedules),
            (CheckIn, checkins),
        ):
            insert(connection, model, rows(objects))
        catch_up_sequences(connection)
    FloorRow.metadata.create_all(engine, tables=[FloorRow.__table__])  # type: ignore[attr-defined]
    return ids


# --- serving and loading ---------------------------------------------------------------------


def serve(app: str, env: dict[str, str], workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
         f"127.0.0.1:{port}", "--chdir", str(HERE), "--log-level", "warning",
         f"checkin_apps:{app}()"],
        env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            requests.get(base + "/", timeout=5)
            return process, base
        except requests.RequestException:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{app} did not start")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def _cookie_header(jar: requests.cookies.RequestsCookieJar) -> str:
    # The session cookie is Secure (as in production): requests would not send it over plain
    # HTTP on its own, so the Cookie header is built by hand.
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def log_in(base: str, email: str) -> tuple[str, str]:
    """Log in through the real form; returns the Cookie header and the API's CSRF token."""
    page = requests.get(base + "/login", timeout=30)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
    assert token, "no CSRF token on the login page"
    cookie = _cookie_header(page.cookies)
    done = requests.post(
        base + "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)},
        headers={"Cookie": cookie},
        allow_redirects=False,
        timeout=30,
    )
    assert done.status_code == 302, f"login failed for {email}: {done.status_code}"
    cookie = _cookie_header(done.cookies)
    info = requests.get(base + "/api/v1/session", headers={"Cookie": cookie}, timeout=30)
    # Making the token stores its secret in the session, so the session cookie changes too.
    return _cookie_header(info.cookies) or cookie, str(info.json()["csrf_token"])


def wrk_script(sessions: list[tuple[str, str]] | None) -> str:
    """A wrk Lua script: parentapp's check-in rotating over the sessions, or the floor's row."""
    if sessions is None:
        return (
            'wrk.method = "POST"\nwrk.path = "/rows"\n'
            'wrk.headers["Content-Type"] = "application/json"\n'
            'wrk.headers["X-Carer"] = "floor"\n'
            f"wrk.body = [[{BODY}]]\n"
        )
    entries = ",\n".join(f'  {{"{cookie}", "{token}"}}' for cookie, token in sessions)
    return (
        f"local sessions = {{\n{entries}\n}}\n"
        f"local body = [[{BODY}]]\n"
        # Each of wrk's threads has its own Lua state: a random prefix per thread and a
        # counter make every Idempotency-Key unique, so each request is a new check-in.
        "local i, n, prefix = 0, 0, ''\n"
        "init = function(args)\n"
        "  math.randomseed(os.time() + tonumber(tostring({}):match('0x(%x+)'), 16))\n"
        "  prefix = tostring(math.random(1, 2^31))\n"
        "  i = math.random(#sessions)\n"
        "end\n"
        "request = function()\n"
        "  i = i % #sessions + 1\n"
        "  n = n + 1\n"
        "  local s = sessions[i]\n"
        '  return wrk.format("POST", "/api/v1/checkins", {["Cookie"] = s[1],\n'
        '    ["X-CSRFToken"] = s[2], ["Content-Type"] = "application/json",\n'
        '    ["Idempotency-Key"] = prefix .. "-" .. n}, body)\n'
        "end\n"
    )


def drive(base: str, script: str, *, duration: int, connections: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-s", file.name, base],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(file.name)

    def number(pattern: str) -> float:
        found = re.search(pattern, out)
        return float(found.group(1)) if found else 0.0

    return {
        "rps": number(r"Requests/sec:\s+([\d.]+)"),
        "requests": number(r"(\d+) requests in"),
        "non_2xx": number(r"Non-2xx or 3xx responses: (\d+)"),
        "socket_errors": sum(
            float(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out)
        ),
        "p50_ms": _ms(re.search(r"50%\s+([\d.]+)(us|ms|s)", out)),
        "p99_ms": _ms(re.search(r"99%\s+([\d.]+)(us|ms|s)", out)),
    }


def _ms(found: re.Match[str] | None) -> float:
    if not found:
        return 0.0
    return float(found.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[found.group(2)]


# --- in-process: the cost of one check-in by history ---------------------------------------


def per_checkin_ms(url: str, groups: dict[str, list[int]], rounds: int) -> dict[str, list[float]]:
    """Milliseconds per ``submit_checkin`` for each group's carers. The groups take turns, one
    carer of each in every step, so a database that grows (or a machine that slows) during the
    run weighs on every group alike rather than on whichever ran last."""
    settings = Settings(env="testing", database_url=url, ratelimit_enabled=False)
    app = create_app(settings)
    samples: dict[str, list[float]] = {name: [] for name in groups}
    with app.app_context(), Session(app.extensions["parentapp.engine"]) as session:
        carers = {
            name: list(session.exec(select(Carer).where(col(Carer.id).in_(ids))).all())
            for name, ids in groups.items()
        }
        steps = max(len(found) for found in carers.values())
        for _ in range(rounds):
            for step in range(steps):
                for name, found in carers.items():
                    if step >= len(found):
                        continue
                    start = time.perf_counter()
                    submit_checkin(
                        session=session,
                        carer=found[step],
                        instrument_id="weekly",
                        answers=CALM,
                        infant_id=None,
                        locale="en",
                    )
                    samples[name].append((time.perf_counter() - start) * 1000)
    app.extensions["parentapp.engine"].dispose()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--carers", type=int, default=400)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per app")
    parser.add_argument("--long-history", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=10, help="in-process check-ins per carer")
    parser.add_argument("--profile", action="store_true", help="print a profile of check-ins")
    args = parser.parse_args()

    url, engine = migrated_database(args.database_url)
    ids = seed(engine, {"load": (args.carers, 0), "new": (20, 0), "window": (20, 100),
                         "long": (20, args.long_history)})  # fmt: skip
    engine.dispose()
    subprocess.run(["redis-cli", "-n", "14", "flushdb"], check=True, capture_output=True)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PARENTAPP_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "APP_BASE_URL": "http://127.0.0.1",
    }
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"{backend}: {args.workers} gunicorn sync workers, wrk -t2 -c{args.connections}, "
          f"{args.duration}s each; {args.carers} logged-in carers")  # fmt: skip

    results = {}
    # The floor takes no login; parentapp's sessions are filled in once it is serving.
    servers: list[tuple[str, str, list[tuple[str, str]] | None]] = [
        ("floor", "floor_app", None),
        ("parentapp", "parentapp_app", []),
    ]
    for name, app, sessions in servers:
        process, base = serve(app, env, args.workers)
        try:
            if sessions is not None:
                sessions.extend(log_in(base, f"carer{f}@example.org") for f in ids["load"])
            results[name] = drive(
                base, wrk_script(sessions), duration=args.duration, connections=args.connections
            )
        finally:
            stop(process)
    for name, r in results.items():
        print(f"  {name:<10} {r['rps']:8.1f} req/s  p50 {r['p50_ms']:7.1f} ms  "
              f"p99 {r['p99_ms']:7.1f} ms  non-2xx {r['non_2xx']:.0f}  "
              f"socket errors {r['socket_errors']:.0f}  ({r['requests']:.0f} requests)")  # fmt: skip
    for name, r in results.items():
        if r["non_2xx"] or r["socket_errors"]:
            print(f"  WARNING: {name} answered some requests with errors: its figure is not valid")
    ratio = results["parentapp"]["rps"] / results["floor"]["rps"]
    print(f"  ratio parentapp / floor: {ratio:.2f}")

    timed = per_checkin_ms(url, {g: ids[g] for g in ("new", "window", "long")}, args.rounds)
    new, window, long = timed["new"], timed["window"], timed["long"]
    print(f"In-process submit_checkin, {len(new)} check-ins per group:")
    groups = (("new carers", new), ("100 past", window), (f"{args.long_history} past", long))
    for label, samples in groups:
        print(f"  {label:<12} median {statistics.median(samples):6.2f} ms  "
              f"p95 {statistics.quantiles(samples, n=20)[-1]:6.2f} ms")  # fmt: skip
    median = statistics.median
    print(f"  ratio {args.long_history} past / 100 past (median): "
          f"{median(long) / median(window):.2f}; / new: {median(long) / median(new):.2f}")  # fmt: skip

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        per_checkin_ms(url, {"long": ids["long"]}, args.rounds)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
