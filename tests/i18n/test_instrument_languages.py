"""Each built-in instrument says, for every language we ship, whether its text there is a
validated translation; a clinician sees the warning beside scores from one that is not."""

import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from parentapp.accounts.models import Role
from parentapp.checkins.models import CheckIn
from parentapp.checkins.services import translation_validated
from parentapp.families.roles import CarerRole
from parentapp.i18n.languages import LANGUAGES
from parentapp.instruments.registry import DEFINITIONS_DIR, builtin_definitions
from parentapp.triage.models import Flag
from tests.conftest import login
from tests.factories import Factory, add_schedule, carer_row

FILES = sorted(DEFINITIONS_DIR.glob("*.json"))
SHIPPED = [lang.code for lang in LANGUAGES]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_shipped_language_has_a_status(path: Path) -> None:
    languages = json.loads(path.read_text(encoding="utf-8"))["languages"]
    assert set(SHIPPED) <= set(languages), (
        f"{path.name}: no status for {set(SHIPPED) - set(languages)}"
    )
    for code, status in languages.items():
        if code != "en" and status["validated"]:
            assert (status.get("source") or "").strip(), f"{path.name}: {code} validated by whom?"


def test_our_own_translations_are_not_called_validated() -> None:
    for definition in builtin_definitions():
        for code in SHIPPED:
            expected = code == "en"
            assert translation_validated(definition, code) is expected, (definition.id, code)


PHQ9_Q9 = "Thoughts that you would be better off dead or of hurting yourself in some way"


def test_a_clinician_sees_the_english_item_and_the_warning(
    app: Flask, client: FlaskClient, make: Factory, db: Session
) -> None:
    team = make.team()
    clinician = make.user(Role.CLINICIAN, team, locale="en")
    family = make.family(team, clinician, label="Iqbal")
    make.infant(family)
    carer_user = make.carer(family, CarerRole.FATHER, display_name="Imran", locale="ur")
    add_schedule(db, carer_row(db, carer_user), "phq9")

    login(client, carer_user.email)
    page = client.get("/checkins/phq9")
    assert page.status_code == 200
    assert '<html lang="ur" dir="rtl">' in page.get_data(as_text=True)
    answers = {f"item_q{n}": "1" for n in range(1, 10)} | {"item_difficulty": "1"}
    response = client.post("/checkins/phq9", data=answers)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    checkin = db.exec(select(CheckIn).where(CheckIn.instrument_id == "phq9")).one()
    assert (checkin.locale, checkin.translation_validated) == ("ur", False)
    flag = db.exec(select(Flag).where(Flag.checkin_id == checkin.id)).first()
    assert flag is not None

    staff = app.test_client()
    login(staff, clinician.email)
    html = staff.get(f"/flags/{flag.id}").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in html
    assert PHQ9_Q9 in html
    assert "not a validated translation" in html

    summary = staff.get(f"/families/{family.id}/summary").get_data(as_text=True)
    assert "(not a validated translation)" in summary
