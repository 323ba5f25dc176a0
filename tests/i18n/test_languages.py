"""Choosing a language: the table, the switcher on every page, the account page and joining."""

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from parentapp.accounts.models import Role, User
from parentapp.i18n.languages import BY_CODE, LANGUAGES
from tests.conftest import login
from tests.factories import PASSWORD, Factory
from tests.i18n.catalogs import TRANSLATIONS


def html_of(client: FlaskClient, url: str, **kw: object) -> str:
    response = client.get(url, **kw)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def root_tag(html: str) -> str:
    match = re.search(r"<html[^>]*>", html)
    assert match
    return match.group()


def test_the_table_lists_seven_languages_two_right_to_left() -> None:
    assert [lang.code for lang in LANGUAGES] == ["en", "pl", "ro", "ur", "ar", "bn", "es"]
    assert {lang.code for lang in LANGUAGES if lang.direction == "rtl"} == {"ur", "ar"}
    assert all(lang.direction in {"ltr", "rtl"} for lang in LANGUAGES)
    for lang in LANGUAGES:
        assert (TRANSLATIONS / lang.code / "LC_MESSAGES" / "messages.po").exists(), lang.code


@pytest.mark.parametrize(
    ("header", "lang", "direction"),
    [
        ("ar", "ar", "rtl"),
        ("ur-PK", "ur", "rtl"),
        ("pl,en;q=0.5", "pl", "ltr"),
        ("fr", "en", "ltr"),
    ],
)
def test_anonymous_pages_follow_the_browser(
    client: FlaskClient, header: str, lang: str, direction: str
) -> None:
    html = html_of(client, "/login", headers={"Accept-Language": header})
    assert root_tag(html) == f'<html lang="{lang}" dir="{direction}">'


def test_every_page_offers_each_language_in_its_own_name(client: FlaskClient) -> None:
    html = html_of(client, "/login")
    for lang in LANGUAGES:
        assert re.search(
            rf'<button type="submit" name="language" value="{lang.code}" lang="{lang.code}" dir="{lang.direction}"[^>]*>{re.escape(lang.native_name)}</button>',
            html,
        ), lang.code
    assert 'action="/language"' in html


def test_an_anonymous_choice_lasts_the_visit_and_goes_back(client: FlaskClient) -> None:
    response = client.post("/language", data={"language": "ar", "next": "/join?x=1"})
    assert response.status_code == 302 and response.location == "/join?x=1"
    assert root_tag(html_of(client, "/login")) == '<html lang="ar" dir="rtl">'
    # A chosen language wins over the browser's.
    html = html_of(client, "/login", headers={"Accept-Language": "pl"})
    assert root_tag(html) == '<html lang="ar" dir="rtl">'


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/login",
        "/\\evil.example",
        "http:/login",
        "javascript:alert(1)",
        "login",
        "",
    ],
)
def test_only_a_local_path_is_followed_back(client: FlaskClient, target: str) -> None:
    response = client.post("/language", data={"language": "pl", "next": target})
    assert response.status_code == 302
    assert response.location == "/"


def test_an_unknown_language_changes_nothing(
    client: FlaskClient, make: Factory, db: Session
) -> None:
    user = make.user(Role.CLINICIAN, make.team(), locale="pl")
    login(client, user.email)
    response = client.post("/language", data={"language": "xx", "next": "/clinic"})
    assert response.status_code == 302 and response.location == "/clinic"
    db.refresh(user)
    assert user.locale == "pl"
    html = html_of(client, "/account")
    assert 'class="notice notice-error"' in html
    anonymous = client.application.test_client()
    anonymous.post("/language", data={"language": "xx"})
    assert root_tag(html_of(anonymous, "/login")) == '<html lang="en" dir="ltr">'


def test_a_logged_in_choice_is_kept_on_the_account(
    client: FlaskClient, make: Factory, db: Session
) -> None:
    user = make.user(Role.CLINICIAN, make.team())
    login(client, user.email)
    response = client.post("/language", data={"language": "ur", "next": "/clinic"})
    assert response.status_code == 302
    db.refresh(user)
    assert user.locale == "ur"
    # Another device, logging in afresh, reads the same language.
    other = client.application.test_client()
    login(other, user.email)
    assert root_tag(html_of(other, "/account")) == '<html lang="ur" dir="rtl">'


def test_staff_set_language_and_time_zone_on_the_account_page(
    client: FlaskClient, make: Factory, db: Session
) -> None:
    user = make.user(Role.LEAD, make.team())
    login(client, user.email)
    html = html_of(client, "/account")
    assert 'name="time_zone"' in html and 'name="language"' in html
    assert '<option dir="ltr" lang="bn" value="bn">বাংলা</option>' in html
    assert '<option dir="rtl" lang="ur" value="ur">اردو</option>' in html

    response = client.post("/account", data={"language": "es", "time_zone": "Europe/Madrid"})

    assert response.status_code == 302
    db.refresh(user)
    assert (user.locale, user.time_zone) == ("es", "Europe/Madrid")
    assert root_tag(html_of(client, "/account")) == '<html lang="es" dir="ltr">'


@pytest.mark.parametrize(
    "data", [{"language": "es", "time_zone": "Mars/Olympus"}, {"language": "xx", "time_zone": ""}]
)
def test_bad_account_settings_change_nothing(
    client: FlaskClient, make: Factory, db: Session, data: dict[str, str]
) -> None:
    user = make.user(Role.CLINICIAN, make.team(), time_zone="Europe/London")
    login(client, user.email)
    response = client.post("/account", data=data)
    assert response.status_code == 200
    assert "There is a problem" in response.get_data(as_text=True)
    db.refresh(user)
    assert (user.locale, user.time_zone) == ("en", "Europe/London")


def test_a_carer_has_a_language_but_no_time_zone(
    client: FlaskClient, make: Factory, db: Session
) -> None:
    team = make.team()
    family = make.family(team, make.user(Role.CLINICIAN, team))
    carer = make.carer(family)
    login(client, carer.email)
    assert 'name="time_zone"' not in html_of(client, "/account")
    response = client.post("/account", data={"language": "bn", "time_zone": "Asia/Dhaka"})
    assert response.status_code == 302
    db.refresh(carer)
    assert (carer.locale, carer.time_zone) == ("bn", None)


def _join(app: Flask, make: Factory, **about: str) -> FlaskClient:
    team = make.team()
    clinician = make.user(Role.CLINICIAN, team)
    _invitation, code = make.invitation(make.family(team, clinician), clinician)
    client = app.test_client()
    assert client.get(f"/join/{code}").status_code == 302
    data = {
        "display_name": "Ngozi",
        "carer_role": "grandparent",
        "email": "ngozi@example.org",
        "password": "a long pass phrase",
        "confirm": "a long pass phrase",
        **about,
    }
    response = client.post("/join/about", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return client


def _locale_of(db: Session, email: str) -> str:
    return db.exec(select(User).where(User.email == email)).one().locale


def test_a_carer_chooses_a_language_when_joining(app: Flask, make: Factory, db: Session) -> None:
    _join(app, make, language="ar")
    assert _locale_of(db, "ngozi@example.org") == "ar"


def test_joining_keeps_the_language_the_invitation_was_read_in(
    app: Flask, make: Factory, db: Session
) -> None:
    team = make.team()
    clinician = make.user(Role.CLINICIAN, team)
    _invitation, code = make.invitation(make.family(team, clinician), clinician)
    client = app.test_client()
    client.post("/language", data={"language": "ro", "next": f"/join/{code}"})
    assert client.get(f"/join/{code}").status_code == 302
    page = html_of(client, "/join/about")
    assert '<option dir="ltr" lang="ro" selected value="ro">Română</option>' in page
    response = client.post(
        "/join/about",
        data={
            "display_name": "Ioana",
            "carer_role": "mother",
            "email": "ioana@example.org",
            "password": "a long pass phrase",
            "confirm": "a long pass phrase",
        },
    )
    assert response.status_code == 302
    assert _locale_of(db, "ioana@example.org") == "ro"


def test_joining_with_an_unknown_language_is_refused(
    app: Flask, make: Factory, db: Session
) -> None:
    team = make.team()
    clinician = make.user(Role.CLINICIAN, team)
    _invitation, code = make.invitation(make.family(team, clinician), clinician)
    client = app.test_client()
    client.get(f"/join/{code}")
    response = client.post(
        "/join/about",
        data={
            "language": "xx",
            "display_name": "Ioana",
            "carer_role": "mother",
            "email": "ioana@example.org",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "Not a valid choice." in response.get_data(as_text=True)
    assert db.exec(select(User).where(User.email == "ioana@example.org")).first() is None


def test_the_codes_are_unique() -> None:
    assert len(BY_CODE) == len(LANGUAGES)
