"""The "Before you start" page says everything a carer agrees to: who is told about a worrying
answer, what can follow, that the app is not an emergency service, and what to do in a crisis."""

import html
import re

import pytest
from flask.testing import FlaskClient

from parentapp.accounts.models import Role
from parentapp.families.services import CONSENT_VERSION
from parentapp.teams.contacts import DEFAULT_CONTACTS
from tests.conftest import LoginAs
from tests.factories import Factory


@pytest.fixture()
def consent_page(make: Factory, login_as: LoginAs) -> str:
    team = make.team("Riverside Perinatal")
    clinician = make.user(Role.CLINICIAN, team)
    family = make.family(team, clinician)
    carer = make.carer(family, consented=False)
    client: FlaskClient = login_as(carer)
    response = client.get("/consent")
    assert response.status_code == 200
    # One line of plain text, so a sentence split over lines or tags still matches.
    text = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(text))


@pytest.mark.parametrize(
    "statement",
    [
        # Who is told about a worrying answer, in the order they are told.
        "tells your clinician straight away",
        "the team's duty clinician",
        "the team lead",
        # What can follow.
        "a phone call from the team",
        "contact with your GP",
        "a safeguarding referral",
        # What the app is not.
        "This app is not an emergency service",
        "nobody watches it around the clock",
        # What to do in a crisis.
        "call 999 or go to A&E now",
        "call NHS 111 and choose option 2",
        "NHS 111 can arrange an interpreter",
    ],
)
def test_consent_page_says(consent_page: str, statement: str) -> None:
    assert statement in consent_page


def test_consent_page_names_the_team(consent_page: str) -> None:
    assert "Riverside Perinatal" in consent_page


def test_the_new_consent_text_has_a_new_version() -> None:
    """A carer's record says which text they agreed to; the text changed in December 2026."""
    assert CONSENT_VERSION == "2026-12"


def test_the_nhs_111_crisis_contact_mentions_an_interpreter() -> None:
    nhs_111 = next(c for c in DEFAULT_CONTACTS if c.phone == "111")
    assert nhs_111.description is not None
    assert "interpreter" in nhs_111.description
