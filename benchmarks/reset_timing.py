"""Does "Forgot your password?" answer as fast for an unknown address as for a known one?
Prints the median and p90 of each, interleaved so that drift affects both alike.

Usage: .venv/bin/python benchmarks/reset_timing.py [--requests 400] [--database-url URL]

Runs in-process (Flask test client) on a migrated throw-away SQLite database (or the
PostgreSQL one given, whose public schema is dropped first), with rate limits off.
"""

import argparse
import statistics
import time

from bulk import migrated_database

from parentapp import create_app
from parentapp.accounts.models import Role
from parentapp.accounts.services import create_user
from parentapp.config import Settings
from parentapp.db import session_scope


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    url, engine = migrated_database(args.database_url)
    engine.dispose()
    settings = Settings(
        env="testing", database_url=url, ratelimit_enabled=False, csrf_enabled=False
    )
    app = create_app(settings)
    with app.test_request_context(), session_scope() as session:
        create_user(
            session=session,
            email="known@example.org",
            display_name="Known Person",
            password="a long enough passphrase",  # noqa: S106 - a throw-away account
            role=Role.CARER,
        )
    client = app.test_client()
    times: dict[str, list[float]] = {"known": [], "unknown": []}
    for n in range(args.requests):
        for kind in ("known", "unknown"):
            email = "known@example.org" if kind == "known" else f"nobody{n}@example.org"
            start = time.perf_counter()
            response = client.post("/password/forgot", data={"email": email})
            times[kind].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
    for kind, samples in times.items():
        samples.sort()
        p90 = samples[int(len(samples) * 0.9)]
        print(
            f"forgot, {kind:<8} address  p50 {statistics.median(samples):6.2f} ms  p90 {p90:6.2f} ms"
        )
    gap = statistics.median(times["known"]) - statistics.median(times["unknown"])
    print(f"median difference (known - unknown): {gap:+.2f} ms")


if __name__ == "__main__":
    main()
