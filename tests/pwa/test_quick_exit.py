"""Quick exit on every carer page, and the lead's settings for it and for the discreet app."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session

from parentapp.accounts.models import User
from parentapp.teams.models import DEFAULT_QUICK_EXIT_URL, Team
from tests.conftest import login
from tests.i18n.catalogs import fake_catalog
from tests.pwa.conftest import Homes


def quick_exit(html: str) -> str | None:
    found = re.search(r'<a class="quick-exit" href="([^"]*)" rel="noreferrer">', html)
    return found.group(1) if found else None


def set_team(db: Session, team: Team, **values: object) -> None:
    for name, value in values.items():
        setattr(team, name, value)
    db.add(team)
    db.commit()


def test_every_carer_page_has_the_team_s_quick_exit(
    client: FlaskClient, db: Session, homes: Homes
) -> None:
    set_team(db, homes.team, quick_exit_url="https://example.org/recipes")
    login(client, homes.carer.email)
    for url in ("/home", "/consent", "/checkins/history", "/checkins/phq9", "/account"):
        html = client.get(url).get_data(as_text=True)
        assert quick_exit(html) == "https://example.org/recipes", url
        assert "has-quick-exit" in html, url


def test_other_teams_keep_their_own_exit(client: FlaskClient, homes: Homes) -> None:
    login(client, homes.other_carer.email)
    assert quick_exit(client.get("/home").get_data(as_text=True)) == DEFAULT_QUICK_EXIT_URL


@pytest.mark.parametrize("url", ["/join", "/login", "/offline"])
def test_pages_a_carer_reads_before_logging_in_have_quick_exit(
    client: FlaskClient, url: str
) -> None:
    assert quick_exit(client.get(url).get_data(as_text=True)) == DEFAULT_QUICK_EXIT_URL


def test_staff_pages_have_no_quick_exit(client: FlaskClient, homes: Homes) -> None:
    for user in (homes.clinician, homes.lead):
        login(client, user.email)
        for url in ("/flags", "/families"):
            html = client.get(url).get_data(as_text=True)
            assert quick_exit(html) is None, (user.role, url)
            assert "has-quick-exit" not in html
        client.post("/logout")


def test_logout_still_asks_the_browser_to_forget(client: FlaskClient, homes: Homes) -> None:
    login(client, homes.carer.email)
    response = client.post("/logout")
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'


VALID = {
    "invite_expiry_days": "14",
    "time_zone": "Europe/London",
    "working_days": ["1", "2", "3", "4", "5"],
    "working_start": "09:00",
    "working_end": "17:00",
    "missed_checkins_threshold": "2",
    "urgent_response_hours": "4",
    "concern_response_days": "2",
    "duty_clinician_id": "0",
    "quick_exit_url": "https://www.example.org/weather",
    "discreet_name": "Notes",
    "discreet_icon": "y",
}


def stored(db: Session, team: Team) -> Team:
    db.expire_all()
    row = db.get(Team, team.id)
    assert row is not None
    return row


@pytest.fixture
def lead_client(client: FlaskClient, homes: Homes) -> FlaskClient:
    login(client, homes.lead.email)
    return client


def test_the_lead_sets_quick_exit_and_the_discreet_app(
    lead_client: FlaskClient, db: Session, homes: Homes
) -> None:
    page = lead_client.get("/team/settings").get_data(as_text=True)
    assert 'name="quick_exit_url"' in page
    assert 'name="discreet_name"' in page
    assert 'name="discreet_icon"' in page
    response = lead_client.post("/team/settings", data=VALID)
    assert response.status_code == 302
    team = stored(db, homes.team)
    assert team.quick_exit_url == "https://www.example.org/weather"
    assert team.discreet_name == "Notes"
    assert team.discreet_icon is True
    # Clearing them goes back to the defaults.
    cleared = {**VALID, "quick_exit_url": "", "discreet_name": ""}
    del cleared["discreet_icon"]
    assert lead_client.post("/team/settings", data=cleared).status_code == 302
    team = stored(db, homes.team)
    assert team.quick_exit_url == DEFAULT_QUICK_EXIT_URL
    assert team.discreet_name is None
    assert team.discreet_icon is False


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"quick_exit_url": "http://www.example.org/"}, "starting with https://"),
        ({"quick_exit_url": "www.example.org"}, "starting with https://"),
        ({"quick_exit_url": "https://"}, "starting with https://"),
        ({"quick_exit_url": "https:///weather"}, "starting with https://"),
        ({"quick_exit_url": "javascript:alert(1)"}, "starting with https://"),
        ({"quick_exit_url": "https://me@example.org/"}, "starting with https://"),
        ({"quick_exit_url": "https://example.org:port/"}, "starting with https://"),
        ({"quick_exit_url": "https://example.org/" + "a" * 236}, "at most 255 characters"),
        ({"discreet_name": "N" * 31}, "at most 30 characters"),
    ],
)
def test_bad_settings_are_refused_and_change_nothing(
    lead_client: FlaskClient, db: Session, homes: Homes, changes: dict[str, str], message: str
) -> None:
    before = stored(db, homes.team).model_dump()
    response = lead_client.post("/team/settings", data={**VALID, **changes})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert stored(db, homes.team).model_dump() == before


# A made-up Polish, so the test does not wait for (or depend on) the real translation.
TEST_POLISH = {
    "Use a shorter name (at most 30 characters).": "TEST-PL: za długa nazwa.",
    "Enter a website address starting with https://.": "TEST-PL: adres musi mieć https://.",
}


@pytest.fixture
def test_catalog(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Read catalogs from a temporary directory holding only TEST_POLISH."""
    yield from fake_catalog(app, tmp_path, monkeypatch, TEST_POLISH)


@pytest.mark.parametrize(
    "changes", [{"discreet_name": "N" * 31}, {"quick_exit_url": "http://example.org/"}]
)
def test_bad_settings_are_refused_in_the_lead_s_language(
    lead_client: FlaskClient, db: Session, homes: Homes, test_catalog: None, changes: dict[str, str]
) -> None:
    user = db.get(User, homes.lead.id)
    assert user is not None
    user.locale = "pl"
    db.add(user)
    db.commit()
    before = stored(db, homes.team).model_dump()
    response = lead_client.post("/team/settings", data={**VALID, **changes})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "TEST-PL" in html
    assert not any(english in html for english in TEST_POLISH)
    assert stored(db, homes.team).model_dump() == before


@pytest.mark.parametrize("length", [29, 30])
def test_a_discreet_name_up_to_thirty_characters_is_kept(
    lead_client: FlaskClient, db: Session, homes: Homes, length: int
) -> None:
    name = "N" * length
    response = lead_client.post("/team/settings", data={**VALID, "discreet_name": name})
    assert response.status_code == 302
    assert stored(db, homes.team).discreet_name == name


def test_the_longest_address_is_kept(lead_client: FlaskClient, db: Session, homes: Homes) -> None:
    url = "https://example.org/" + "a" * 235
    assert len(url) == 255
    response = lead_client.post("/team/settings", data={**VALID, "quick_exit_url": url})
    assert response.status_code == 302
    assert stored(db, homes.team).quick_exit_url == url
