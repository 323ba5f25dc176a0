"""A band is never shown as reassurance beside an urgent safety answer: the carer's history and
printable summary, the clinician's family summary and flag page show a neutral line instead."""

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from parentapp.checkins.models import CheckIn
from parentapp.triage.models import Flag
from tests.checkins.conftest import CALM, Home
from tests.conftest import login

CARER_LINE = "See the answer about your safety"
CLINICIAN_LINE = "Urgent safety answer"
# The weekly check-in's lowest band: what CALM (total 2) and CALM plus one "Sometimes" on a
# safety item (total 3) both fall in.
LOW_BAND = "Few difficulties"


def _rows(html: str) -> list[str]:
    return re.findall(r"<tr>.*?</tr>", html, flags=re.S)


def _send(client: FlaskClient, answers: dict[str, str]) -> None:
    response = client.post("/checkins/weekly", data={f"item_{k}": v for k, v in answers.items()})
    assert response.status_code == 302


@pytest.fixture
def sent(app: Flask, db: Session, home: Home, request: pytest.FixtureRequest) -> FlaskClient:
    """One calm check-in and one with ``request.param`` (a safety item) answered "Sometimes"."""
    carer = app.test_client()
    login(carer, home.user.email)
    _send(carer, CALM)
    _send(carer, {**CALM, request.param: "1"})
    return carer


SAFETY_ITEMS = pytest.mark.parametrize("sent", ["self_harm", "harm_to_baby"], indirect=True)


@SAFETY_ITEMS
@pytest.mark.parametrize("page", ["/checkins/history", "/checkins/summary"])
def test_the_carers_pages_show_no_band_beside_an_urgent_answer(sent: FlaskClient, page: str):
    html = sent.get(page).get_data(as_text=True)

    rows = [r for r in _rows(html) if "out of" in r]
    # Newest first: the urgent one, then the calm one.
    assert len(rows) == 2
    assert CARER_LINE in rows[0] and LOW_BAND not in rows[0]
    assert LOW_BAND in rows[1] and CARER_LINE not in rows[1]


@SAFETY_ITEMS
def test_the_family_summary_shows_no_band_beside_an_urgent_answer(
    app: Flask, sent: FlaskClient, home: Home
):
    clinician = app.test_client()
    login(clinician, home.clinician.email)

    html = clinician.get(f"/families/{home.family.id}/summary").get_data(as_text=True)

    rows = [r for r in _rows(html) if "out of" in r]
    assert len(rows) == 2
    assert CLINICIAN_LINE in rows[0] and LOW_BAND not in rows[0]
    assert LOW_BAND in rows[1]


@SAFETY_ITEMS
def test_the_flag_page_shows_no_band_beside_an_urgent_answer(
    app: Flask, db: Session, sent: FlaskClient, home: Home
):
    clinician = app.test_client()
    login(clinician, home.clinician.email)
    [flag] = db.exec(select(Flag).where(Flag.severity == "urgent")).all()

    html = clinician.get(f"/flags/{flag.id}").get_data(as_text=True)

    [scores] = [r for r in _rows(html) if "out of" in r]
    assert CLINICIAN_LINE in scores and LOW_BAND not in scores


def test_a_calm_check_in_keeps_its_band_on_the_flag_page(
    app: Flask, db: Session, home: Home, client: FlaskClient
):
    # A contact request raises a (concern) flag on a check-in with no urgent answer.
    login(client, home.user.email)
    _send(client, {**CALM, "contact": "true"})
    clinician = app.test_client()
    login(clinician, home.clinician.email)
    [flag] = db.exec(select(Flag)).all()
    assert db.exec(select(CheckIn)).one().scores["total"]["band"] == LOW_BAND

    html = clinician.get(f"/flags/{flag.id}").get_data(as_text=True)

    [scores] = [r for r in _rows(html) if "out of" in r]
    assert LOW_BAND in scores and CLINICIAN_LINE not in scores
