"""Leave with a named cover: who may set it, what is refused, and how it routes flags,
notifications and the dashboard while it lasts."""

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlmodel import Session, col, select

from parentapp.audit.models import AuditEvent
from parentapp.db import utcnow
from parentapp.errors import DomainError, NotFoundError, PermissionDeniedError
from parentapp.leave import services
from parentapp.leave.models import Leave
from parentapp.notifications.models import Notification
from parentapp.triage.notices import queue_digests
from tests.conftest import login
from tests.factories import Factory
from tests.triage.flagged import Flagged, build, send

pytestmark = pytest.mark.usefixtures("ctx")


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    with app.test_request_context():
        yield


@pytest.fixture
def world(make: Factory, db: Session) -> Flagged:
    return build(make, db)


def today() -> date:
    return utcnow().date()


def set_leave(db: Session, world: Flagged, **kw: Any) -> Leave:
    fields: dict[str, Any] = {
        "actor": world.clinician,
        "absent": world.clinician,
        "cover_id": world.colleague.id,
        "starts_on": today(),
        "ends_on": today() + timedelta(days=7),
    }
    fields.update(kw)
    return services.set_leave(session=db, **fields)


def test_a_clinician_sets_their_own_leave_and_it_is_audited(db: Session, world: Flagged) -> None:
    leave = set_leave(db, world)
    assert (leave.user_id, leave.cover_id) == (world.clinician.id, world.colleague.id)
    audit = db.exec(select(AuditEvent).where(AuditEvent.action == "leave.set")).one()
    assert audit.actor_id == world.clinician.id


def test_a_lead_sets_leave_for_a_clinician(db: Session, world: Flagged) -> None:
    leave = set_leave(db, world, actor=world.lead)
    assert leave.created_by_id == world.lead.id


def test_a_clinician_cannot_set_a_colleague_s_leave(db: Session, world: Flagged) -> None:
    with pytest.raises(PermissionDeniedError):
        set_leave(db, world, actor=world.colleague)
    assert db.exec(select(Leave)).all() == []


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("self", "cover_id"),
        ("other_team", "cover_id"),
        ("ends_before_start", "ends_on"),
        ("in_the_past", "ends_on"),
        ("too_long", "ends_on"),
    ],
)
def test_bad_leave_is_refused_with_a_field_message(
    db: Session, world: Flagged, case: str, field: str
) -> None:
    cases: dict[str, dict[str, Any]] = {
        "self": {"cover_id": world.clinician.id},
        "other_team": {"cover_id": world.other_team_clinician.id},
        "ends_before_start": {"starts_on": today() + timedelta(days=3), "ends_on": today()},
        "in_the_past": {
            "starts_on": today() - timedelta(days=5),
            "ends_on": today() - timedelta(days=1),
        },
        "too_long": {"ends_on": today() + timedelta(days=services.MAX_LEAVE_DAYS)},
    }
    kw = cases[case]
    with pytest.raises(DomainError) as refused:
        set_leave(db, world, **kw)
    assert refused.value.field == field
    assert db.exec(select(Leave)).all() == []


def test_the_longest_leave_allowed_is_accepted(db: Session, world: Flagged) -> None:
    set_leave(db, world, ends_on=today() + timedelta(days=services.MAX_LEAVE_DAYS - 1))


def test_overlapping_leave_and_an_absent_cover_are_refused(db: Session, world: Flagged) -> None:
    set_leave(db, world)
    with pytest.raises(DomainError) as overlap:
        set_leave(
            db, world, starts_on=today() + timedelta(days=7), ends_on=today() + timedelta(days=9)
        )
    assert overlap.value.field == "starts_on"
    # The cover may take leave of their own later: their cover then takes both caseloads.
    set_leave(
        db,
        world,
        actor=world.colleague,
        absent=world.colleague,
        cover_id=world.lead.id,
        starts_on=today() + timedelta(days=2),
        ends_on=today() + timedelta(days=3),
    )
    covers = services.active_covers(db, world.team.id or 0, today() + timedelta(days=2))
    assert services.route(world.clinician.id or 0, covers) == world.lead.id


def test_the_cover_being_away_is_refused(db: Session, world: Flagged) -> None:
    set_leave(db, world, actor=world.colleague, absent=world.colleague, cover_id=world.lead.id)
    with pytest.raises(DomainError) as refused:
        set_leave(db, world)
    assert refused.value.field == "cover_id"


def test_cancelling_is_for_the_clinician_or_the_lead(db: Session, world: Flagged) -> None:
    leave = set_leave(db, world)
    with pytest.raises(NotFoundError):
        services.cancel_leave(session=db, actor=world.colleague, leave_id=leave.id or 0)
    services.cancel_leave(session=db, actor=world.lead, leave_id=leave.id or 0)
    assert leave.cancelled_at is not None
    assert services.active_covers(db, world.team.id or 0, today()) == {}


def test_routing_follows_a_chain_of_covers_and_stops_at_a_loop() -> None:
    assert services.route(1, {}) == 1
    assert services.route(1, {1: 2}) == 2
    assert services.route(1, {1: 2, 2: 3}) == 3
    # 1 -> 2 -> 1: the loop ends at the last person not already seen.
    assert services.route(1, {1: 2, 2: 1}) == 2


def test_leave_routes_only_while_it_lasts(db: Session, world: Flagged) -> None:
    set_leave(db, world, starts_on=today() + timedelta(days=1), ends_on=today() + timedelta(days=2))
    team = world.team.id or 0
    assert services.active_covers(db, team, today()) == {}
    assert services.active_covers(db, team, today() + timedelta(days=1)) == {
        world.clinician.id: world.colleague.id
    }
    assert services.active_covers(db, team, today() + timedelta(days=2)) != {}
    assert services.active_covers(db, team, today() + timedelta(days=3)) == {}


def test_a_flag_raised_during_leave_notifies_the_cover(
    app: Flask, db: Session, world: Flagged
) -> None:
    set_leave(db, world)
    [flag] = send(app, db, world.carer, self_harm="2")

    assert flag.owner_id == world.clinician.id  # the family stays the clinician's
    rows = db.exec(
        select(Notification).where(Notification.flag_id == flag.id).order_by(col(Notification.id))
    ).all()
    assert sorted((r.recipient_id, r.channel) for r in rows) == sorted(
        [
            (world.colleague.id, "in_app"),
            (world.colleague.id, "email"),
            # The absent owner finds it in the app on return; no email while away.
            (world.clinician.id, "in_app"),
        ]
    )


def test_the_cover_s_digest_counts_the_absent_clinician_s_flags(
    app: Flask, db: Session, world: Flagged
) -> None:
    set_leave(db, world)
    send(app, db, world.carer, contact="true")
    queue_digests(session=db, digest_hour=0)
    digests = db.exec(select(Notification).where(Notification.kind == "digest")).all()
    assert [(d.recipient_id, d.payload["total"]) for d in digests] == [(world.colleague.id, 1)]


def test_the_cover_sees_the_covered_families_on_the_dashboard(
    app: Flask, db: Session, world: Flagged
) -> None:
    send(app, db, world.carer, self_harm="2")
    client = app.test_client()
    login(client, world.colleague.email)
    assert "Aisha" not in client.get("/flags").get_data(as_text=True)

    set_leave(db, world)
    page = client.get("/flags").get_data(as_text=True)
    assert "Aisha" in page
    assert "You are covering for Sam Patel" in page
    assert "Covering" in page


def test_the_leave_page_sets_and_ends_leave(app: Flask, db: Session, world: Flagged) -> None:
    client = app.test_client()
    login(client, world.clinician.email)
    assert client.get("/leave").status_code == 200
    response = client.post(
        "/leave",
        data={
            "starts_on": today().isoformat(),
            "ends_on": (today() + timedelta(days=2)).isoformat(),
            "cover_id": str(world.colleague.id),
            # A clinician naming someone else as the absent one is ignored: it is their own.
            "clinician_id": str(world.lead.id),
        },
    )
    assert response.status_code == 302
    leave = db.exec(select(Leave)).one()
    assert leave.user_id == world.clinician.id
    page = client.get("/leave").get_data(as_text=True)
    assert "Jo Okafor" in page and "on leave now" in page

    assert client.post(f"/leave/{leave.id}/cancel").status_code == 302
    db.refresh(leave)
    assert leave.cancelled_at is not None


def test_a_bad_leave_form_changes_nothing(app: Flask, db: Session, world: Flagged) -> None:
    client = app.test_client()
    login(client, world.clinician.email)
    response = client.post(
        "/leave",
        data={"starts_on": "not a date", "ends_on": "", "cover_id": str(world.colleague.id)},
    )
    assert response.status_code == 400
    assert db.exec(select(Leave)).all() == []
    response = client.post(
        "/leave",
        data={
            "starts_on": today().isoformat(),
            "ends_on": today().isoformat(),
            "cover_id": str(world.clinician.id),
        },
    )
    # Not offered as a choice: refused by the form before the service sees it.
    assert response.status_code == 400
    assert db.exec(select(Leave)).all() == []


def test_the_service_refuses_a_lead_covering_their_own_leave(db: Session, world: Flagged) -> None:
    with pytest.raises(DomainError) as refused:
        set_leave(db, world, actor=world.lead, absent=world.lead, cover_id=world.lead.id)
    assert refused.value.field == "cover_id"
    assert "Choose another clinician" in refused.value.message
