"""With CSRF protection on (as in production): a POST needs the X-CSRFToken header."""

import pytest
from sqlmodel import Session

from parentapp.config import Settings
from tests.api.conftest import Home, checkins_of, submit
from tests.api.schema_check import ApiClient


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_(csrf_enabled=True)


def _token(api: ApiClient) -> str:
    token: str = api.get("/api/v1/session").get_json()["csrf_token"]
    return token


def test_post_without_the_token_is_a_json_400(api: ApiClient, db: Session, home: Home) -> None:
    response = submit(api)

    assert response.status_code == 400
    assert response.get_json()["error"] == "csrf_failed"
    assert checkins_of(db, home.carer) == []


@pytest.mark.parametrize("header", ["X-CSRFToken", "X-CSRF-Token"])
def test_post_with_the_token_from_session_goes_through(
    api: ApiClient, db: Session, home: Home, header: str
) -> None:
    response = submit(api, headers={header: _token(api)})

    assert response.status_code == 201
    assert len(checkins_of(db, home.carer)) == 1


def test_a_token_in_the_body_is_not_enough_for_json(api: ApiClient, home: Home) -> None:
    response = submit(api, csrf_token=_token(api))

    assert response.status_code == 400
    assert response.get_json()["error"] == "csrf_failed"


def test_a_token_of_another_session_is_refused(
    api: ApiClient, api_for, db: Session, home: Home
) -> None:
    theirs = _token(api_for(home.clinician))

    response = submit(api, headers={"X-CSRFToken": theirs})

    assert response.status_code == 400
    assert checkins_of(db, home.carer) == []


def test_a_garbled_token_is_refused(api: ApiClient) -> None:
    assert submit(api, headers={"X-CSRFToken": _token(api)[:-3] + "abc"}).status_code == 400
