"""The local Redis database the tests may use for rate limits, emptied before and after use."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis

from tests.conftest import IN_CI

# Database 15 is kept for tests; nothing else of the app's uses it.
REDIS_URI = "redis://127.0.0.1:6379/15"


@contextmanager
def fresh_redis_db() -> Iterator[str]:
    """Yield the URI of an empty Redis database; skipped if Redis is down, unless in CI."""
    client = redis.Redis.from_url(REDIS_URI, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.flushdb()
    except redis.exceptions.ConnectionError as error:
        client.close()
        reason = f"Redis is not reachable at {REDIS_URI} ({error})"
        if IN_CI:
            pytest.fail(f"Redis must be available in CI: {reason}", pytrace=False)
        pytest.skip(f"{reason}; start Redis to run this test (with CI=true it fails instead)")
    try:
        yield REDIS_URI
    finally:
        client.flushdb()
        client.close()
