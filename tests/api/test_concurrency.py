"""Retries of one check-in racing each other (a phone resending while the first is in flight)."""

import threading
from typing import Any

import pytest
from flask import Flask
from sqlmodel import Session

from parentapp.checkins import queries, services
from tests.api.conftest import CALM, Home, checkins_of
from tests.conftest import login

RACERS = 5


def test_concurrent_replays_store_exactly_one_check_in(
    app: Flask, db: Session, home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every request has found what it answers before any of them stores it, so all reach the
    insert and all but one must be turned back by the unique constraint into a replay of the
    winner.

    PostgreSQL runs the transactions truly side by side; SQLite takes writers one at a time,
    and the test still holds there (each later insert meets the committed row).
    """
    barrier = threading.Barrier(RACERS, timeout=30)
    real = queries.answerable

    def all_look_first(*args: Any, **kwargs: Any) -> Any:
        found = real(*args, **kwargs)
        barrier.wait()
        return found

    monkeypatch.setattr(services, "answerable", all_look_first)
    leader = app.test_client()
    login(leader, home.user.email)
    cookie = leader.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    answers = {**CALM, "self_harm": "1"}
    results: list[tuple[int, Any]] = []
    errors: list[BaseException] = []

    def send() -> None:
        client = app.test_client()
        client.set_cookie(cookie.key, cookie.value)
        try:
            response = client.post(
                "/api/v1/checkins",
                json={"instrument_id": "weekly", "answers": answers},
                headers={"Idempotency-Key": "raced"},
            )
            results.append((response.status_code, response.get_json()))
        except BaseException as error:  # reported to the test thread below
            errors.append(error)

    threads = [threading.Thread(target=send) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(status for status, _ in results) == [200] * (RACERS - 1) + [201]
    bodies = [body for _, body in results]
    assert all(body == bodies[0] for body in bodies)
    assert bodies[0]["urgent"] is True
    assert len(checkins_of(db, home.carer)) == 1
