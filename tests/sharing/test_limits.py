"""Guessing at share codes is rate-limited per share and per client (limiter on, memory
storage), on top of the lock at five wrong codes."""

import pytest
from flask import Flask
from sqlmodel import Session

from parentapp.config import Settings
from tests.sharing.conftest import Sharing, make_share, token_of


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_(ratelimit_enabled=True, ratelimit_storage_uri="memory://")


def test_one_share_takes_ten_refused_tries_an_hour_from_anywhere(
    app: Flask, db: Session, world: Sharing
):
    created = make_share(app, db, world)
    path = "/shared/" + token_of(app, db, created.share)

    statuses = [
        app.test_client()
        .post(path, data={"code": "ZZZZ-ZZZZ"}, environ_base={"REMOTE_ADDR": f"10.2.0.{n}"})
        .status_code
        for n in range(11)
    ]

    assert statuses[:5] == [400, 400, 400, 400, 410]  # the fifth locks it
    assert statuses[5:10] == [410] * 5
    assert statuses[10] == 429


def test_one_client_takes_thirty_refused_tries_an_hour_across_shares(
    app: Flask, db: Session, world: Sharing
):
    paths = []
    for _ in range(4):
        created = make_share(app, db, world)
        paths.append("/shared/" + token_of(app, db, created.share))
    client = app.test_client()

    statuses = [
        client.post(path, data={"code": "ZZZZ-ZZZZ"}).status_code
        for path in paths
        for _ in range(8)
    ]

    assert 429 not in statuses[:30]
    assert statuses[30:] == [429, 429]
