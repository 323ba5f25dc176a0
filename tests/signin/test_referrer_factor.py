"""A referrer is staff: with only their password they are sent to set up a second factor from
every page they could otherwise open, and nothing changes."""

import pytest
from flask import Flask
from sqlmodel import Session

from parentapp.signin.factors import STAFF_ROLES
from tests.factories import Factory
from tests.test_access_matrix import MATRIX, REFERRER
from tests.world import World, build_url, build_world, client_for, snapshot

# Every route a referrer may open once signed in, and one they may not.
ROUTES = [e for e, entry in MATRIX.items() if entry.expect == REFERRER] + ["clinician.flags"]


@pytest.fixture
def world(make: Factory) -> World:
    return build_world(make)


def test_referrers_need_a_second_factor() -> None:
    assert "referrer" in STAFF_ROLES


@pytest.mark.parametrize("endpoint", ROUTES)
def test_a_password_only_referrer_is_sent_to_enrol(
    app: Flask, db: Session, world: World, endpoint: str
) -> None:
    client = client_for(app, world, "referrer")
    engine = app.extensions["parentapp.engine"]
    before = snapshot(engine)
    for method in MATRIX[endpoint].methods:
        url = build_url(app, endpoint, MATRIX[endpoint].args, world)
        response = client.open(url, method=method)
        assert response.status_code == 302, (endpoint, method)
        assert response.location.endswith("/account/second-factor/setup")
    assert snapshot(engine) == before
