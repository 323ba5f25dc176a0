"""Done when (issue 5): a carer can join, check in, see the safety screen and read their history
entirely in each shipped language. Each page of the journey is read in the carer's language and
searched for any English catalog text left untranslated."""

import html
import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session

from parentapp.accounts.models import Role
from parentapp.i18n.languages import LANGUAGES
from tests.checkins.conftest import add_contacts
from tests.factories import WEEKLY_CALM, Factory

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"
SHIPPED = [language.code for language in LANGUAGES if language.code != "en"]
TAG = re.compile(r"<[^>]+>")
# Attribute text a person also reads (labels announced by screen readers, titles).
READ_ATTRIBUTES = re.compile(r'(?:aria-label|title|alt|placeholder)="([^"]*)"')


@cache
def english_left_over(code: str) -> tuple[str, ...]:
    """English msgids of ``code``'s catalog that must not appear on its pages: whole
    sentences or phrases (three words or more) whose translation differs from the English."""
    with (TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po)
    texts = []
    for message in catalog:
        if not message.id or not isinstance(message.id, str):  # a plural's ids
            continue
        if "%(" in message.id or "{" in message.id or len(message.id.split()) < 3:
            continue
        if message.string and message.string != message.id:
            texts.append(message.id)
    return tuple(texts)


def readable_text(page: str) -> str:
    """What a person reads or hears: the text between tags and the read attributes."""
    body = page.split("<body", 1)[-1]
    # The language switcher names each language in itself, and the footer of every page
    # lists them: that is meant to be multilingual.
    body = re.sub(r'<form[^>]*action="/language".*?</form>', "", body, flags=re.S)
    parts = [TAG.sub(" ", body), *READ_ATTRIBUTES.findall(body)]
    return re.sub(r"\s+", " ", html.unescape(" ".join(parts)))


def assert_translated(page: str, code: str, where: str) -> None:
    assert f'<html lang="{code}"' in page, where
    text = readable_text(page)
    leftover = [english for english in english_left_over(code) if english in text]
    assert not leftover, f"{where} in {code} still shows English: {leftover[:5]}"


@pytest.mark.parametrize("code", SHIPPED)
def test_join_check_in_safety_screen_and_history_in_each_language(
    app: Flask, make: Factory, db: Session, code: str
) -> None:
    team = make.team("Riverside")
    add_contacts(db, team)
    clinician = make.user(Role.CLINICIAN, team)
    family = make.family(team, clinician)
    make.infant(family, name="Ada")
    _invitation, invite = make.invitation(family, clinician)
    client: FlaskClient = app.test_client()

    # The invitation page is read in the browser's language; the carer keeps it when joining.
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = code
    response = client.get(f"/join/{invite}")
    assert response.status_code == 302
    about = client.get("/join/about").get_data(as_text=True)
    assert_translated(about, code, "/join/about")
    response = client.post(
        "/join/about",
        data={
            "display_name": "Sam",
            "carer_role": "grandparent",
            "email": f"sam-{code}@example.org",
            "password": "a long pass phrase",
            "confirm": "a long pass phrase",
            "language": code,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    # From here on the account's language rules, whatever the browser says.
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert_translated(client.get("/consent").get_data(as_text=True), code, "/consent")
    assert client.post("/consent", data={"agree": "y"}).status_code == 302
    assert_translated(client.get("/home").get_data(as_text=True), code, "/home")

    checkin_page = client.get("/checkins/weekly").get_data(as_text=True)
    assert_translated(checkin_page, code, "/checkins/weekly")
    answers = {**WEEKLY_CALM, "self_harm": "1"}
    response = client.post("/checkins/weekly", data={f"item_{k}": v for k, v in answers.items()})
    assert response.status_code == 302
    safety = client.get(response.location).get_data(as_text=True)
    assert_translated(safety, code, "safety screen")
    assert 'href="tel:999"' in safety

    assert_translated(client.get("/checkins/history").get_data(as_text=True), code, "history")
    assert_translated(client.get("/checkins/summary").get_data(as_text=True), code, "summary")
