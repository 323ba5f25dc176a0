"""Measure page latency, page weight and password-hashing cost; prints the figures.

Usage: .venv/bin/python benchmarks/pages.py [--requests 300]

Runs in-process (Flask test client) against a throw-away SQLite database loaded with the demo
data, so it measures the app's own work per request, not the network or a web server.
"""

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from alembic import command

from parentapp import create_app
from parentapp.accounts.passwords import make_hasher
from parentapp.cli import alembic_config
from parentapp.config import Settings
from parentapp.db import session_scope
from parentapp.demo import DEMO_PASSWORD, load_demo


def timed(fn: Callable[[], object], n: int) -> list[float]:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def report(name: str, samples: list[float], size: int | None = None) -> None:
    samples.sort()
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    weight = f"  {size / 1024:.1f} KiB" if size is not None else ""
    print(f"{name:<34} p50 {statistics.median(samples):6.2f} ms  p99 {p99:6.2f} ms{weight}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    # CSRF off so the benchmark can log in without scraping tokens; everything else as shipped.
    settings = Settings(
        env="testing", database_url=url, ratelimit_enabled=False, csrf_enabled=False
    )
    command.upgrade(alembic_config(url), "head")
    app = create_app(settings)
    with app.app_context(), session_scope(app) as session:
        load_demo(session)

    hasher = make_hasher(Settings())
    report(
        "argon2id hash (production params)", timed(lambda: hasher.hash("a long pass phrase"), 10)
    )

    anon = app.test_client()
    for path in ("/healthz", "/login", "/join", "/static/css/app.css"):
        size = len(anon.get(path).data)
        report(f"GET {path} (anonymous)", timed(partial(anon.get, path), args.requests), size)

    for email, paths in (
        ("clinician@example.org", ("/clinic", "/families/1")),
        ("aisha@example.org", ("/home",)),
    ):
        client = app.test_client()
        client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
        for path in paths:
            size = len(client.get(path).data)
            report(
                f"GET {path} ({email.split('@')[0]})",
                timed(partial(client.get, path), args.requests),
                size,
            )


if __name__ == "__main__":
    main()
