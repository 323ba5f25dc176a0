"""Acknowledging and closing a flag: who, when, what was done; invalid moves change nothing."""

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from parentapp.audit.models import AuditEvent
from parentapp.triage.models import Flag, FlagEvent
from tests.conftest import login
from tests.factories import Factory
from tests.triage.flagged import Flagged, build, send
from tests.world import snapshot


@pytest.fixture
def world(make: Factory, db: Session) -> Flagged:
    return build(make, db)


@pytest.fixture
def flag(app: Flask, db: Session, world: Flagged) -> Flag:
    [raised] = send(app, db, world.carer, self_harm="1")
    return raised


def _reload(db: Session, flag: Flag) -> Flag:
    db.expire_all()
    fresh = db.get(Flag, flag.id)
    assert fresh is not None
    return fresh


def _events(db: Session, flag: Flag) -> list[FlagEvent]:
    return list(
        db.exec(select(FlagEvent).where(FlagEvent.flag_id == flag.id).order_by(col(FlagEvent.id)))
    )


def _audit(db: Session, action: str) -> list[AuditEvent]:
    return list(db.exec(select(AuditEvent).where(AuditEvent.action == action)))


def test_acknowledge_then_close(
    client: FlaskClient, db: Session, world: Flagged, flag: Flag
) -> None:
    login(client, world.colleague.email)  # any clinician of the team may act

    response = client.post(f"/flags/{flag.id}/acknowledge", data={"note": "Calling today"})

    assert response.status_code == 302
    acked = _reload(db, flag)
    assert acked.state == "acknowledged" and acked.acknowledged_by_id == world.colleague.id
    assert acked.acknowledged_at is not None
    response = client.post(
        f"/flags/{flag.id}/close", data={"outcome": "contacted", "note": "Spoke to her"}
    )
    assert response.status_code == 302 and response.location.endswith("/flags")
    closed = _reload(db, flag)
    assert (closed.state, closed.outcome, closed.outcome_note) == (
        "closed",
        "contacted",
        "Spoke to her",
    )
    assert closed.closed_by_id == world.colleague.id and closed.closed_at is not None
    kinds = [(e.kind, e.actor_id, e.note) for e in _events(db, flag)]
    assert kinds == [
        ("opened", None, None),
        ("acknowledged", world.colleague.id, "Calling today"),
        ("closed", world.colleague.id, "Spoke to her"),
    ]
    [ack] = _audit(db, "flag.acknowledged")
    [done] = _audit(db, "flag.closed")
    assert (ack.actor_id, ack.target_id, ack.detail) == (world.colleague.id, flag.id, None)
    assert done.detail == "outcome=contacted"  # never the note


def test_close_an_open_flag_directly_records_acknowledgement(
    client: FlaskClient, db: Session, world: Flagged, flag: Flag
) -> None:
    login(client, world.clinician.email)
    assert client.post(f"/flags/{flag.id}/close", data={"outcome": "no_action"}).status_code == 302
    closed = _reload(db, flag)
    assert closed.state == "closed" and closed.acknowledged_by_id == world.clinician.id


def test_close_needs_an_outcome(
    app: Flask, client: FlaskClient, db: Session, world: Flagged, flag: Flag
) -> None:
    login(client, world.clinician.email)
    before = snapshot(app.extensions["parentapp.engine"])
    response = client.post(f"/flags/{flag.id}/close", data={"note": "done"})
    assert response.status_code == 400
    assert "Please choose what was done." in response.get_data(as_text=True)
    after = snapshot(app.extensions["parentapp.engine"])
    # Only the page view is recorded: its audit entry, and that the clinician read the check-in.
    viewing = {"audit_event", "checkin_read"}
    assert {k: v for k, v in after.items() if k not in viewing} == {
        k: v for k, v in before.items() if k not in viewing
    }


def test_other_outcome_needs_free_text(
    client: FlaskClient, db: Session, world: Flagged, flag: Flag
) -> None:
    login(client, world.clinician.email)
    response = client.post(f"/flags/{flag.id}/close", data={"outcome": "other", "note": "  "})
    assert response.status_code == 400
    assert "Please say what was done." in response.get_data(as_text=True)
    assert _reload(db, flag).state == "open"
    response = client.post(
        f"/flags/{flag.id}/close", data={"outcome": "other", "note": "Wrote to GP"}
    )
    assert response.status_code == 302
    assert _reload(db, flag).outcome == "other"


def test_unknown_outcome_is_refused(
    client: FlaskClient, db: Session, world: Flagged, flag: Flag
) -> None:
    login(client, world.clinician.email)
    assert client.post(f"/flags/{flag.id}/close", data={"outcome": "vanished"}).status_code == 400
    assert _reload(db, flag).state == "open"


def test_closing_a_closed_flag_changes_nothing(
    app: Flask, client: FlaskClient, db: Session, world: Flagged, flag: Flag
) -> None:
    login(client, world.clinician.email)
    client.post(f"/flags/{flag.id}/close", data={"outcome": "no_action"})
    engine = app.extensions["parentapp.engine"]
    before = snapshot(engine)

    again = client.post(f"/flags/{flag.id}/close", data={"outcome": "referred"})
    ack = client.post(f"/flags/{flag.id}/acknowledge", data={})

    assert again.status_code == 302 and ack.status_code == 302
    assert snapshot(engine) == before
    page = client.get(again.location).get_data(as_text=True)
    assert "This flag is already closed." in page
    assert "already closed, so it cannot be acknowledged" in page


def test_acknowledging_twice_is_refused(
    client: FlaskClient, db: Session, world: Flagged, flag: Flag
) -> None:
    login(client, world.clinician.email)
    client.post(f"/flags/{flag.id}/acknowledge", data={})
    response = client.post(f"/flags/{flag.id}/acknowledge", data={}, follow_redirects=True)
    assert "already been acknowledged" in response.get_data(as_text=True)
    assert len([e for e in _events(db, flag) if e.kind == "acknowledged"]) == 1


def test_other_team_cannot_act(
    app: Flask, client: FlaskClient, db: Session, world: Flagged, flag: Flag
) -> None:
    login(client, world.other_team_clinician.email)
    assert client.post(f"/flags/{flag.id}/acknowledge", data={}).status_code == 404
    assert client.post(f"/flags/{flag.id}/close", data={"outcome": "no_action"}).status_code == 404
    assert _reload(db, flag).state == "open"


def test_note_length_is_limited(
    client: FlaskClient, db: Session, world: Flagged, flag: Flag
) -> None:
    login(client, world.clinician.email)
    assert (
        client.post(f"/flags/{flag.id}/acknowledge", data={"note": "x" * 2001}).status_code == 400
    )
    assert _reload(db, flag).state == "open"
    assert (
        client.post(f"/flags/{flag.id}/acknowledge", data={"note": "x" * 2000}).status_code == 302
    )
