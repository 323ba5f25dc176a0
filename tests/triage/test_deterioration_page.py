"""The flag page says which of the carer's own scores a deterioration was measured from."""

from datetime import timedelta

from flask import Flask
from sqlmodel import Session, select

from parentapp.accounts.models import Role
from parentapp.db import utcnow
from parentapp.families.roles import CarerRole
from parentapp.triage.models import Flag
from tests.conftest import login
from tests.factories import Factory
from tests.triage.helpers import answers_totalling, builtin, carer_of, family_of, submit

LINE = "best score in recent weeks"


def _deterioration_page(app: Flask, db: Session, make: Factory, totals: list[int]) -> str:
    team = make.team()
    clinician = make.user(Role.CLINICIAN, team)
    family = make.family(team, clinician)
    carer = carer_of(db, make.carer(family, CarerRole.MOTHER))
    phq9 = builtin("phq9")
    start = utcnow() - timedelta(days=60)
    for n, total in enumerate(totals):
        submit(
            db, carer, family_of(db, carer), phq9, answers_totalling(phq9, total),
            at=start + timedelta(days=14 * n),
        )  # fmt: skip
    [flag] = db.exec(select(Flag).where(Flag.category == "deterioration")).all()
    client = app.test_client()
    login(client, clinician.email)
    return client.get(f"/flags/{flag.id}").get_data(as_text=True)


def test_a_relapse_after_recovery_names_the_best_recent_score(
    app: Flask, db: Session, make: Factory
):
    html = _deterioration_page(app, db, make, [14, 3, 8])

    assert f"{LINE}, 3: a rise of 5." in html


def test_a_rise_from_the_first_score_needs_no_such_line(app: Flask, db: Session, make: Factory):
    html = _deterioration_page(app, db, make, [3, 8])

    assert LINE not in html
