"""No dead ends in escalation: a clinician who holds families or live flags cannot be
deactivated until they are reassigned; reassigning a family moves its live flags to the new
clinician; a team with no lead and no duty clinician, or with flags nobody can be told about,
is shown to the administrator (and an unset duty clinician to the team lead)."""

import logging
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlmodel import Session, col, select

from parentapp.accounts.models import Role, User
from parentapp.notifications.models import Channel, Notification
from parentapp.triage.escalation import escalate_due
from parentapp.triage.lifecycle import acknowledge, close
from parentapp.triage.models import Flag, FlagEvent
from parentapp.triage.vocab import Category, FlagState, Outcome
from tests.conftest import login
from tests.factories import Factory, pk
from tests.triage.flagged import Flagged, build, send

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
NO_LEAD_OR_DUTY = "has no team lead and no duty clinician"


@pytest.fixture
def world(make: Factory, db: Session) -> Flagged:
    return build(make, db)


@pytest.fixture
def admin(make: Factory) -> User:
    return make.user(Role.ADMIN, display_name="Ada Admin")


def deactivate(app: Flask, admin: User, user: User) -> str:
    client = app.test_client()
    login(client, admin.email)
    response = client.post(f"/admin/users/{user.id}/active", data={"active": "0"})
    assert response.status_code == 302
    return client.get("/admin").get_data(as_text=True)


def is_active(db: Session, user: User) -> bool:
    db.expire_all()
    found = db.get(User, user.id)
    assert found is not None
    return found.active


def reassign(app: Flask, actor: User, family_id: int, to: User) -> None:
    client = app.test_client()
    login(client, actor.email)
    response = client.post(
        f"/families/{family_id}/clinician", data={"assigned_clinician_id": str(to.id)}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


# --- deactivation is refused while someone holds a caseload ---------------------------------


def test_a_clinician_with_a_family_cannot_be_deactivated(
    app: Flask, db: Session, world: Flagged, admin: User
) -> None:
    page = deactivate(app, admin, world.clinician)
    assert is_active(db, world.clinician)
    assert "Sam Patel still has families or open flags (families: 1, open flags: 0)" in page
    assert "Account updated." not in page


def test_a_clinician_with_a_live_flag_but_no_family_cannot_be_deactivated(
    app: Flask, db: Session, world: Flagged, admin: User, make: Factory
) -> None:
    [flag] = send(app, db, world.carer, now=MONDAY, self_harm="1")
    # A flag left with someone who no longer holds the family (data from before hand-over).
    flag.owner_id = world.lead.id or 0
    db.add(flag)
    db.commit()
    page = deactivate(app, admin, world.lead)
    assert is_active(db, world.lead)
    assert "families: 0, open flags: 1" in page


def test_a_clinician_with_only_closed_flags_and_no_family_can_be_deactivated(
    app: Flask, db: Session, world: Flagged, admin: User
) -> None:
    [flag] = send(app, db, world.carer, now=MONDAY, self_harm="1")
    flag.owner_id = world.lead.id or 0
    db.add(flag)
    db.commit()
    acknowledge(session=db, actor=world.lead, flag_id=flag.id or 0, note=None, now=MONDAY)
    close(
        session=db,
        actor=world.lead,
        flag_id=flag.id or 0,
        outcome=Outcome.CONTACTED,
        note=None,
        now=MONDAY,
    )
    page = deactivate(app, admin, world.lead)
    assert not is_active(db, world.lead)
    assert "Account updated." in page


def test_after_reassigning_the_family_the_clinician_can_be_deactivated(
    app: Flask, db: Session, world: Flagged, admin: User
) -> None:
    send(app, db, world.carer, now=MONDAY, self_harm="1")
    deactivate(app, admin, world.clinician)
    assert is_active(db, world.clinician)
    reassign(app, world.lead, world.family.id or 0, world.colleague)
    deactivate(app, admin, world.clinician)
    assert not is_active(db, world.clinician)


def test_reactivating_is_never_refused(
    app: Flask, db: Session, world: Flagged, admin: User
) -> None:
    world.clinician.active = False
    db.add(world.clinician)
    db.commit()
    client = app.test_client()
    login(client, admin.email)
    client.post(f"/admin/users/{world.clinician.id}/active", data={"active": "1"})
    assert is_active(db, world.clinician)


# --- reassigning a family moves its live flags -----------------------------------------------


def flags_of(db: Session, world: Flagged) -> list[Flag]:
    db.expire_all()
    return list(db.exec(select(Flag).where(Flag.family_id == world.family.id)).all())


def test_reassigning_moves_live_flags_and_tells_the_new_owner(
    app: Flask, db: Session, world: Flagged
) -> None:
    send(app, db, world.carer, now=MONDAY, self_harm="1", note="A hard week.")
    before = {f.category: f.owner_id for f in flags_of(db, world)}
    assert before == {"self_harm": world.clinician.id, "note": world.clinician.id}
    reassign(app, world.clinician, world.family.id or 0, world.colleague)

    flags = flags_of(db, world)
    assert {f.owner_id for f in flags} == {world.colleague.id}
    events = db.exec(select(FlagEvent).where(FlagEvent.kind == "reassigned")).all()
    assert sorted(e.flag_id for e in events) == sorted(pk(f) for f in flags)
    assert {(e.actor_id, tuple(e.recipient_ids or ())) for e in events} == {
        (world.clinician.id, (world.colleague.id,))
    }
    notices = db.exec(
        select(Notification.flag_id, Notification.channel).where(
            Notification.kind == "flag_reassigned",
            Notification.recipient_id == world.colleague.id,
        )
    ).all()
    urgent = next(f for f in flags if f.category == Category.SELF_HARM)
    note = next(f for f in flags if f.category == Category.NOTE)
    # Urgent: in-app and emailed at once; a note (a concern): in the app, counted in the digest.
    assert sorted(notices) == sorted(
        [(urgent.id, Channel.IN_APP), (urgent.id, Channel.EMAIL), (note.id, Channel.IN_APP)]
    )


def test_the_flag_page_shows_who_it_was_passed_to(app: Flask, db: Session, world: Flagged) -> None:
    [flag] = send(app, db, world.carer, now=MONDAY, self_harm="1")
    reassign(app, world.clinician, world.family.id or 0, world.colleague)
    client = app.test_client()
    login(client, world.colleague.email)
    page = client.get(f"/flags/{flag.id}").get_data(as_text=True)
    assert "Passed to the family&#39;s new clinician" in page
    assert "Jo Okafor" in page


def test_reassigning_leaves_closed_flags_with_who_closed_them(
    app: Flask, db: Session, world: Flagged
) -> None:
    [flag] = send(app, db, world.carer, now=MONDAY, self_harm="1")
    acknowledge(session=db, actor=world.clinician, flag_id=flag.id or 0, note=None, now=MONDAY)
    close(
        session=db,
        actor=world.clinician,
        flag_id=flag.id or 0,
        outcome=Outcome.CONTACTED,
        note=None,
        now=MONDAY,
    )
    reassign(app, world.clinician, world.family.id or 0, world.colleague)
    [closed] = flags_of(db, world)
    assert (closed.state, closed.owner_id) == (FlagState.CLOSED, world.clinician.id)
    assert not db.exec(select(FlagEvent).where(FlagEvent.kind == "reassigned")).all()


# --- warnings for the administrator and the team lead ---------------------------------------


def admin_page(app: Flask, admin: User) -> str:
    client = app.test_client()
    login(client, admin.email)
    return client.get("/admin").get_data(as_text=True)


def test_a_team_with_a_lead_is_not_warned_of(app: Flask, world: Flagged, admin: User) -> None:
    assert f"Riverside Team {NO_LEAD_OR_DUTY}" not in admin_page(app, admin)


def test_a_team_with_no_lead_and_no_duty_clinician_is_warned_of(
    app: Flask, db: Session, world: Flagged, admin: User
) -> None:
    world.lead.active = False
    db.add(world.lead)
    db.commit()
    page = admin_page(app, admin)
    assert f"Riverside Team {NO_LEAD_OR_DUTY}" in page
    # The other team has a clinician but no lead and no duty clinician either.
    assert f"Hillside Team {NO_LEAD_OR_DUTY}" in page


def test_a_team_with_a_duty_clinician_but_no_lead_is_not_warned_of(
    app: Flask, db: Session, world: Flagged, admin: User
) -> None:
    world.lead.active = False
    world.colleague.on_duty = True
    db.add_all([world.lead, world.colleague])
    db.commit()
    assert f"Riverside Team {NO_LEAD_OR_DUTY}" not in admin_page(app, admin)


def test_the_team_settings_page_warns_of_no_duty_clinician(
    app: Flask, db: Session, world: Flagged
) -> None:
    client = app.test_client()
    login(client, world.lead.email)
    warning = "Riverside Team has no duty clinician."
    assert warning in client.get("/team/settings").get_data(as_text=True)
    world.colleague.on_duty = True
    db.add(world.colleague)
    db.commit()
    assert warning not in client.get("/team/settings").get_data(as_text=True)


def test_flags_with_nobody_to_tell_are_logged_and_shown_to_the_administrator(
    app: Flask,
    db: Session,
    world: Flagged,
    admin: User,
    caplog: pytest.LogCaptureFixture,
) -> None:
    [flag] = send(app, db, world.carer, now=MONDAY, self_harm="1")
    assert "Flags with nobody to tell" not in admin_page(app, admin)
    for user in (world.clinician, world.colleague, world.lead):
        user.active = False
        db.add(user)
    db.commit()

    page = admin_page(app, admin)
    assert "Flags with nobody to tell" in page
    assert "Riverside Team: open flags: 1," in page
    assert "Hillside Team: " not in page  # no live flags there

    with caplog.at_level(logging.ERROR):
        escalate_due(app, datetime(2026, 11, 23, 15, 0, tzinfo=UTC))
    assert f"flag {flag.id}: nobody active in team {world.team.id}" in caplog.text
    db.expire_all()
    event = db.exec(select(FlagEvent).where(FlagEvent.kind == "escalated")).one()
    assert event.recipient_ids == []
    # Never to an administrator outside the team.
    assert not db.exec(
        select(Notification).where(
            Notification.kind == "flag_escalated", col(Notification.recipient_id) == admin.id
        )
    ).all()


@pytest.mark.parametrize("whom", ["inactive", "other_team"])
def test_a_family_cannot_be_reassigned_to_an_inactive_or_other_team_clinician(
    app: Flask, db: Session, world: Flagged, whom: str
) -> None:
    [flag] = send(app, db, world.carer, now=MONDAY, self_harm="1")
    target = world.colleague if whom == "inactive" else world.other_team_clinician
    if whom == "inactive":
        target.active = False
        db.add(target)
        db.commit()
    client = app.test_client()
    login(client, world.clinician.email)
    response = client.post(
        f"/families/{world.family.id}/clinician", data={"assigned_clinician_id": str(target.id)}
    )
    assert response.status_code == 400
    db.expire_all()
    stored = db.get(Flag, flag.id)
    assert stored is not None and stored.owner_id == world.clinician.id
    family = db.get(type(world.family), world.family.id)
    assert family is not None and family.assigned_clinician_id == world.clinician.id
