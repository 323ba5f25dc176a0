"""The clinician's pre-session summary of a family."""

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from parentapp.audit.models import AuditEvent
from parentapp.db import utcnow
from tests.conftest import login
from tests.factories import Factory
from tests.triage.flagged import Flagged, build, send


@pytest.fixture
def world(make: Factory, db: Session) -> Flagged:
    return build(make, db)


def test_summary_shows_checkins_flags_and_notes_since(
    app: Flask, client: FlaskClient, db: Session, world: Flagged
) -> None:
    send(app, db, world.carer, now=utcnow() - timedelta(days=40), note="An old note")
    send(app, db, world.carer, now=utcnow() - timedelta(days=3), note="Tired but ok")
    send(app, db, world.carer, self_harm="1")
    login(client, world.clinician.email)

    html = client.get(f"/families/{world.family.id}/summary").get_data(as_text=True)

    assert "Aisha" in html and "Tired but ok" in html and "An old note" not in html
    assert "2 check-ins in this time." in html and "chart-svg" in html
    assert "Thoughts of self-harm" in html and "Open" in html
    older = client.get(
        f"/families/{world.family.id}/summary?since={(utcnow() - timedelta(days=60)).date()}"
    ).get_data(as_text=True)
    assert "An old note" in older and "3 check-ins in this time." in older
    db.expire_all()
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "family.summary_viewed")).all()
    assert len(events) == 2 and events[0].target_id == world.family.id


@pytest.mark.parametrize("since", ["not-a-date", "2026-13-01", "2999-01-01"])
def test_bad_dates_are_a_friendly_400(client: FlaskClient, world: Flagged, since: str) -> None:
    login(client, world.clinician.email)
    response = client.get(f"/families/{world.family.id}/summary?since={since}")
    assert response.status_code == 400
    assert "Showing the last four weeks" in response.get_data(as_text=True)


def test_other_team_cannot_see_the_summary(client: FlaskClient, world: Flagged) -> None:
    login(client, world.other_team_clinician.email)
    assert client.get(f"/families/{world.family.id}/summary").status_code == 404
