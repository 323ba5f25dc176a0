"""Exactly once over real HTTP: one submission sent many times at once to a running server
(threads, real sockets, the server's own threads and database connections), through the API a
phone replays its outbox with, and through the web form a double tap resends.

Every request is held until all of them have looked the key up and found nothing, so all but
one reach the insert and must be turned into replays by the unique constraint. Runs on the
suite's database: SQLite by default, PostgreSQL when DATABASE_URL names one.
"""

import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar
from typing import Any

import pytest
from flask import Flask
from sqlmodel import Session

from parentapp.checkins import queries, services
from tests.api.conftest import CALM, Home, checkins_of
from tests.factories import PASSWORD
from tests.live import serving

RACERS = 8


@pytest.fixture
def server(app: Flask) -> Iterator[str]:
    with serving(app) as url:
        yield url


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None  # the caller reads the Location itself


def _browser(base: str, email: str) -> urllib.request.OpenerDirector:
    """An HTTP client with its own cookie jar, logged in through the real form."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect()
    )
    data = urllib.parse.urlencode({"email": email, "password": PASSWORD}).encode()
    try:
        opener.open(f"{base}/login", data=data, timeout=30)
    except urllib.error.HTTPError as error:
        assert error.code == 302, error.read()[:500]
    return opener


def _open(opener: urllib.request.OpenerDirector, request: urllib.request.Request) -> Any:
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def _race(send: Any) -> list[Any]:
    results: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(send())
        except BaseException as error:  # reported in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len(results) == RACERS
    return results


@pytest.fixture
def all_look_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hold each request, once it has found what it answers and before it stores anything,
    until every racer has got that far: all of them then reach the insert together."""
    barrier = threading.Barrier(RACERS, timeout=60)
    real = queries.answerable

    def look(*args: Any, **kwargs: Any) -> Any:
        found = real(*args, **kwargs)
        barrier.wait()
        return found

    monkeypatch.setattr(services, "answerable", look)


def _api_request(base: str, answers: dict[str, str], key: str) -> urllib.request.Request:
    return urllib.request.Request(  # noqa: S310 - the local test server only
        f"{base}/api/v1/checkins",
        data=json.dumps({"instrument_id": "weekly", "answers": answers}).encode(),
        headers={"Content-Type": "application/json", "Idempotency-Key": key},
        method="POST",
    )


def test_one_api_submission_sent_at_once_is_stored_once(
    server: str, home: Home, db: Session, all_look_first: None
) -> None:
    phone = _browser(server, home.user.email)
    answers = {**CALM, "self_harm": "1"}

    results = _race(lambda: _open(phone, _api_request(server, answers, "offline-0001")))

    assert sorted(status for status, _, _ in results) == [200] * (RACERS - 1) + [201]
    bodies = [json.loads(body) for _, _, body in results]
    assert all(body == bodies[0] for body in bodies)
    [checkin] = checkins_of(db, home.carer)
    assert bodies[0]["id"] == checkin.id and bodies[0]["urgent"] is True
    assert bodies[0]["done_url"] == f"/checkins/{checkin.id}/done"


def test_the_same_key_with_other_answers_is_refused_over_http(
    server: str, home: Home, db: Session
) -> None:
    phone = _browser(server, home.user.email)
    assert _open(phone, _api_request(server, CALM, "offline-0002"))[0] == 201

    status, _, body = _open(phone, _api_request(server, {**CALM, "mood": "3"}, "offline-0002"))

    assert status == 422 and json.loads(body)["error"] == "idempotency_mismatch"
    assert len(checkins_of(db, home.carer)) == 1


def test_one_form_sent_at_once_is_stored_once(
    server: str, home: Home, db: Session, all_look_first: None
) -> None:
    phone = _browser(server, home.user.email)
    fields = {f"item_{k}": v for k, v in CALM.items()}
    data = urllib.parse.urlencode({**fields, "submission_key": "form-key-0001"}).encode()

    url = f"{server}/checkins/weekly"

    results = _race(
        lambda: _open(phone, urllib.request.Request(url, data=data, method="POST"))  # noqa: S310
    )

    [checkin] = checkins_of(db, home.carer)
    assert {status for status, _, _ in results} == {302}
    assert {headers["Location"] for _, headers, _ in results} == {f"/checkins/{checkin.id}/done"}
