"""An overdue referral escalates on the flags' ladder: at its due-by to the duty clinician,
an hour of working time later to the lead; a step taken starts the clock again."""

from datetime import timedelta

import pytest
from flask import Flask
from sqlmodel import Session, col, select

from parentapp.audit.models import AuditEvent
from parentapp.notifications.models import Notification
from parentapp.referrals import services
from parentapp.referrals.escalation import escalate_overdue
from parentapp.referrals.models import Referral
from tests.factories import Factory
from tests.referrals.helpers import MONDAY, Setting, accept, build, send

DUE = MONDAY + timedelta(days=1)  # a routine referral is read within a working day


@pytest.fixture
def setting(make: Factory, db: Session) -> Setting:
    return build(make, db)


def overdue_notices(db: Session) -> list[tuple[int, str]]:
    rows = db.exec(
        select(Notification)
        .where(Notification.kind == "referral_overdue")
        .order_by(col(Notification.id))
    ).all()
    return [(n.recipient_id, n.channel) for n in rows]


def level(db: Session, referral: Referral) -> int:
    db.expire_all()
    found = db.get(Referral, referral.id)
    assert found is not None
    return found.escalation_level


def test_it_goes_to_the_duty_clinician_at_its_due_by_then_the_lead(
    app: Flask, db: Session, setting: Setting
) -> None:
    referral = send(app, db, setting.referrer, setting.team)
    assert referral.due_at == DUE

    assert escalate_overdue(app, DUE - timedelta(seconds=1)).startswith("0 referral(s)")
    assert level(db, referral) == 0 and overdue_notices(db) == []

    assert escalate_overdue(app, DUE).startswith("1 referral(s) escalated to the duty")
    assert level(db, referral) == 1
    assert overdue_notices(db) == [(setting.duty.id, "in_app"), (setting.duty.id, "email")]

    lead_at = DUE + timedelta(hours=1)
    escalate_overdue(app, lead_at - timedelta(seconds=1))
    assert level(db, referral) == 1
    assert escalate_overdue(app, lead_at).endswith("1 to the lead")
    assert level(db, referral) == 2
    assert overdue_notices(db)[2:] == [(setting.lead.id, "in_app"), (setting.lead.id, "email")]
    # With the lead it stays: nothing further, however late.
    escalate_overdue(app, lead_at + timedelta(days=5))
    assert len(overdue_notices(db)) == 4
    actions = db.exec(
        select(AuditEvent.detail).where(AuditEvent.action == "referral.escalated")
    ).all()
    assert actions == [
        f"level 1 to user(s) {setting.duty.id}",
        f"level 2 to user(s) {setting.lead.id}",
    ]


def test_an_urgent_referral_is_overdue_after_the_urgent_time(
    app: Flask, db: Session, setting: Setting
) -> None:
    referral = send(app, db, setting.referrer, setting.team, urgency="urgent")
    due = MONDAY + timedelta(hours=4)
    assert referral.due_at == due
    escalate_overdue(app, due - timedelta(seconds=1))
    assert level(db, referral) == 0
    escalate_overdue(app, due)
    assert level(db, referral) == 1


def test_a_step_taken_resets_the_ladder_and_the_due_by(
    app: Flask, db: Session, setting: Setting
) -> None:
    referral = send(app, db, setting.referrer, setting.team)
    escalate_overdue(app, DUE)
    assert level(db, referral) == 1
    found = db.get(Referral, referral.id)
    assert found is not None
    with app.test_request_context():
        services.acknowledge(session=db, actor=setting.duty, referral=found, now=DUE)
    db.refresh(found)
    assert (found.escalation_level, found.due_at) == (0, DUE + timedelta(days=2))
    escalate_overdue(app, DUE + timedelta(hours=1))
    assert level(db, referral) == 0


def test_an_accepted_referral_skips_its_own_clinician_on_duty(
    app: Flask, db: Session, setting: Setting
) -> None:
    referral = send(app, db, setting.referrer, setting.team)
    accept(app, db, referral, by=setting.lead, clinician=setting.duty)
    # The duty clinician holds it: the next step is the lead, at once.
    escalate_overdue(app, MONDAY + timedelta(days=2))
    assert level(db, referral) == 2
    assert {r for r, _ in overdue_notices(db)} == {setting.lead.id}


@pytest.mark.parametrize("state", ["contact_made", "declined", "closed"])
def test_a_finished_referral_never_escalates(
    app: Flask, db: Session, setting: Setting, state: str
) -> None:
    referral = send(app, db, setting.referrer, setting.team)
    referral.state = state
    db.add(referral)
    db.commit()
    escalate_overdue(app, DUE + timedelta(days=30))
    assert level(db, referral) == 0
