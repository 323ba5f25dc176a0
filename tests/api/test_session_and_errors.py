"""GET /api/v1/session, and errors under /api/ that are JSON, never HTML or a redirect."""

from collections.abc import Callable

import pytest
from flask import Flask
from sqlmodel import Session

from parentapp.accounts.models import Role, User
from parentapp.checkins import services
from parentapp.families.roles import CarerRole
from tests.api.conftest import Home, checkins_of, submit
from tests.api.schema_check import ApiClient, check_error
from tests.factories import Factory

ApiFor = Callable[[User | None], ApiClient]


def test_session_names_the_carer_and_gives_a_csrf_token(api: ApiClient, home: Home) -> None:
    body = api.get("/api/v1/session").get_json()

    assert body["user"] == {
        # The phone's outbox sends only the check-ins saved under this id (a shared phone).
        "id": home.user.id,
        "display_name": home.user.display_name,
        "role": "carer",
        "locale": "en",
    }
    assert len(body["csrf_token"]) > 20


def test_session_works_for_staff_too(api_for: ApiFor, home: Home) -> None:
    response = api_for(home.clinician).get("/api/v1/session")

    assert response.status_code == 200
    assert response.get_json()["user"]["role"] == "clinician"


@pytest.mark.parametrize("path", ["/api/v1/session", "/api/v1/checkins/due"])
def test_anonymous_get_401_json_not_a_redirect(api_for: ApiFor, path: str) -> None:
    response = api_for(None).get(path)

    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"
    assert "Location" not in response.headers


def test_a_logged_out_session_is_401(api: ApiClient) -> None:
    api.client.post("/logout")

    assert api.get("/api/v1/session").status_code == 401


def test_unknown_api_path_is_json_404(api: ApiClient) -> None:
    response = api.client.get("/api/v1/nothing-here")

    assert response.status_code == 404
    check_error(response)
    assert response.get_json()["error"] == "not_found"


def test_wrong_method_is_json_405_with_allow(api: ApiClient) -> None:
    response = api.client.post("/api/v1/session")

    assert response.status_code == 405
    check_error(response)
    assert response.get_json()["error"] == "method_not_allowed"
    assert set(response.headers["Allow"].split(", ")) >= {"GET"}


def test_html_pages_keep_their_html_errors(api: ApiClient) -> None:
    """The JSON handling is for /api/ only: the rest of the app still shows its error page."""
    response = api.client.get("/no-such-page")

    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_server_error_is_json_and_stores_nothing(
    app: Flask, api: ApiClient, db: Session, home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**_kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "submit_checkin", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer as production does, not re-raise

    response = submit(api)

    assert response.status_code == 500
    assert response.get_json()["error"] == "server_error"
    assert "disk on fire" not in response.get_data(as_text=True)
    assert checkins_of(db, home.carer) == []


def test_carer_who_has_not_consented_is_asked_to_first(
    api_for: ApiFor, make: Factory, home: Home
) -> None:
    newcomer = make.carer(home.family, CarerRole.GRANDPARENT, consented=False)

    response = api_for(newcomer).get("/api/v1/checkins/due")

    assert response.status_code == 403
    assert response.get_json()["error"] == "consent_required"


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.LEAD, Role.ADMIN])
def test_staff_get_403_json_on_carer_endpoints(
    api_for: ApiFor, make: Factory, home: Home, role: Role
) -> None:
    staff = make.user(role, home.team if role != Role.ADMIN else None)
    client = api_for(staff)

    for response in (
        client.get("/api/v1/checkins/due"),
        client.get("/api/v1/instruments/weekly"),
        submit(client),
    ):
        assert response.status_code == 403
        assert response.get_json()["error"] == "forbidden"
