"""Every route, for staff signed in with a password only and no second factor yet: each one
but the steps themselves sends them to enrol (a JSON 401 under /api/), and changes nothing."""

import pytest
from flask import Flask
from sqlmodel import Session

from parentapp.signin.guard import OPEN_ENDPOINTS
from tests.factories import Factory
from tests.test_access_matrix import MATRIX
from tests.world import World, build_url, build_world, client_for, snapshot

STAFF = ("assigned_clinician", "lead", "admin")
CASES = [
    pytest.param(endpoint, method, actor, id=f"{endpoint}-{method}-{actor}")
    for endpoint, entry in MATRIX.items()
    if endpoint not in OPEN_ENDPOINTS
    for method in entry.methods
    for actor in STAFF
]


@pytest.fixture
def world(make: Factory) -> World:
    return build_world(make)


def test_the_open_endpoints_are_routes() -> None:
    assert OPEN_ENDPOINTS - {"static"} <= set(MATRIX)


@pytest.mark.parametrize(("endpoint", "method", "actor"), CASES)
def test_password_only_staff_are_sent_to_enrol(
    app: Flask, db: Session, world: World, endpoint: str, method: str, actor: str
) -> None:
    client = client_for(app, world, actor)
    url = build_url(app, endpoint, MATRIX[endpoint].args, world)
    engine = app.extensions["parentapp.engine"]
    before = snapshot(engine)

    response = client.open(url, method=method)

    if url.startswith("/api/"):
        assert response.status_code == 401, (endpoint, response.status_code)
        assert response.get_json() == {"error": "second_factor_required"}
    else:
        assert response.status_code == 302, (endpoint, response.status_code)
        assert response.location.endswith("/account/second-factor/setup"), response.location
    assert snapshot(engine) == before
