"""Sending a referral and taking it along its path: every refusal stores nothing, and
accepting makes the family, its babies and an invitation at once."""

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlmodel import Session, col, func, select

from parentapp.audit.models import AuditEvent
from parentapp.errors import DomainError, NotFoundError, PermissionDeniedError
from parentapp.families.models import Family, Infant, Invitation
from parentapp.notifications.models import Notification
from parentapp.referrals import services
from parentapp.referrals.models import Referral, ReferralInfant
from parentapp.referrals.services import BabyIn
from tests.factories import Factory
from tests.referrals.helpers import MONDAY, Setting, accept, build, send


@pytest.fixture
def setting(make: Factory, db: Session) -> Setting:
    return build(make, db)


def count(db: Session, model: type) -> int:
    return int(db.exec(select(func.count()).select_from(model)).one())


def test_a_referral_arrives_with_its_babies_due_by_and_notices(
    app: Flask, db: Session, setting: Setting
) -> None:
    referral = send(app, db, setting.referrer, setting.team)
    assert referral.state == "received"
    assert referral.referrer_type == "health_visitor"
    assert referral.due_at == MONDAY + timedelta(days=1)
    assert [b.name for b in db.exec(select(ReferralInfant)).all()] == ["Noor"]
    notes = db.exec(select(Notification).order_by(col(Notification.id))).all()
    to_referrer = [n for n in notes if n.recipient_id == setting.referrer.id]
    assert [(n.kind, n.channel, n.payload) for n in to_referrer] == [
        ("referral_step", "email", {"number": f"R-{referral.id:05d}", "step": "received"})
    ]
    # The team is told in the app: the duty clinician and the lead; nothing clinical.
    team_notes = {n.recipient_id for n in notes if n.kind == "referral_received"}
    assert team_notes == {setting.duty.id, setting.lead.id}
    assert all("Amira" not in str(n.payload) for n in notes)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"consent": False}, "consent"),
        ({"carer_email": None, "carer_phone": None}, "carer_email"),
        ({"language": "xx"}, "language"),
        ({"urgency": "whenever"}, "urgency"),
        ({"reasons": []}, "reasons"),
        ({"reasons": ["made_up"]}, "reasons"),
        ({"reason_text": "  "}, "reason_text"),
        ({"reason_text": "x" * 2001}, "reason_text"),
        ({"babies": []}, "infant_name"),
        ({"babies": [BabyIn("Noor", None, None)]}, "date_of_birth"),
        ({"babies": [BabyIn("Noor", date(2030, 1, 1), None)]}, "date_of_birth"),
    ],
)
def test_a_wrong_referral_stores_nothing(
    app: Flask, db: Session, setting: Setting, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(DomainError) as raised:
        send(app, db, setting.referrer, setting.team, **changes)
    assert raised.value.field == field
    db.rollback()
    assert count(db, Referral) == count(db, ReferralInfant) == count(db, Notification) == 0


def test_the_reason_may_be_exactly_the_longest_allowed(
    app: Flask, db: Session, setting: Setting
) -> None:
    assert send(app, db, setting.referrer, setting.team, reason_text="x" * 2000).id


def test_a_referral_to_a_team_the_referrer_is_not_in_is_refused(
    app: Flask, db: Session, setting: Setting
) -> None:
    with pytest.raises(DomainError) as raised:
        send(app, db, setting.referrer, setting.other_team)
    assert raised.value.field == "team_id"
    db.rollback()
    assert count(db, Referral) == 0


def test_only_referrers_send_referrals(app: Flask, db: Session, setting: Setting) -> None:
    with pytest.raises(PermissionDeniedError):
        send(app, db, setting.clinician, setting.team)


def test_accepting_makes_the_family_babies_and_invitation_at_once(
    app: Flask, db: Session, setting: Setting
) -> None:
    referral = send(app, db, setting.referrer, setting.team, babies=[
        BabyIn("Noor", date(2026, 10, 1), None), BabyIn("Sami", date(2026, 10, 1), None)
    ])  # fmt: skip
    later = MONDAY + timedelta(hours=2)
    accepted = accept(app, db, referral, by=setting.duty, clinician=setting.clinician, now=later)
    family = db.get(Family, accepted.family.id)
    assert family is not None and family.assigned_clinician_id == setting.clinician.id
    assert family.label == "Amira Khan" and family.team_id == setting.team.id
    infants = db.exec(select(Infant).where(Infant.family_id == family.id)).all()
    assert sorted(i.name for i in infants) == ["Noor", "Sami"]
    invitation = db.exec(select(Invitation).where(Invitation.family_id == family.id)).one()
    assert invitation.used_at is None and accepted.code
    db.refresh(referral)
    assert (referral.state, referral.family_id) == ("accepted", family.id)
    # Accepting read it too: both steps are recorded, by the same person.
    assert referral.acknowledged_by_id == referral.triaged_by_id == setting.duty.id
    assert referral.acknowledged_at == referral.triaged_at == later
    assert referral.due_at == later + timedelta(days=2)


def test_accepting_with_a_clinician_of_another_team_stores_nothing(
    app: Flask, db: Session, setting: Setting
) -> None:
    referral = send(app, db, setting.referrer, setting.team)
    with pytest.raises(DomainError):
        accept(app, db, referral, by=setting.duty, clinician=setting.other_clinician)
    db.rollback()
    db.refresh(referral)
    assert referral.state == "received" and referral.family_id is None
    assert count(db, Family) == count(db, Invitation) == 0


def test_declining_needs_a_reason_and_where_the_family_was_pointed(
    app: Flask, db: Session, setting: Setting
) -> None:
    referral = send(app, db, setting.referrer, setting.team)
    for reason, signposted, field in [("nope", "GP", "reason"), ("area", " ", "signposted_to")]:
        with app.test_request_context(), pytest.raises(DomainError) as raised:
            services.decline(
                session=db,
                actor=setting.lead,
                referral=referral,
                reason=reason,
                signposted_to=signposted,
                now=MONDAY,
            )
        assert raised.value.field == field
        db.rollback()
    with app.test_request_context():
        services.decline(
            session=db,
            actor=setting.lead,
            referral=referral,
            reason="area",
            signposted_to="Hillside perinatal team",
            now=MONDAY,
        )
    db.refresh(referral)
    assert (referral.state, referral.closed_by_id, referral.due_at) == (
        "declined",
        setting.lead.id,
        None,
    )
    step = db.exec(
        select(Notification)
        .where(Notification.kind == "referral_step")
        .order_by(
            Notification.id.desc()  # type: ignore[union-attr]
        )
    ).first()
    assert step is not None and step.payload == {
        "number": f"R-{referral.id:05d}",
        "step": "declined",
        "decline_reason": "area",
        "signposted_to": "Hillside perinatal team",
    }


def test_the_whole_path_records_who_and_when(app: Flask, db: Session, setting: Setting) -> None:
    referral = send(app, db, setting.referrer, setting.team)
    t = [MONDAY + timedelta(hours=h) for h in range(1, 6)]
    appointment = MONDAY + timedelta(days=3)
    with app.test_request_context():
        services.acknowledge(session=db, actor=setting.duty, referral=referral, now=t[0])
        services.accept(
            session=db,
            actor=setting.lead,
            referral=referral,
            assigned_clinician_id=setting.clinician.id or 0,
            family_label="Khan",
            now=t[1],
        )
        services.offer_contact(
            session=db,
            actor=setting.clinician,
            referral=referral,
            appointment_at=appointment,
            now=t[2],
        )
        services.contact_made(session=db, actor=setting.clinician, referral=referral, now=t[3])
        services.close(session=db, actor=setting.clinician, referral=referral, now=t[4])
    db.refresh(referral)
    assert (referral.acknowledged_at, referral.acknowledged_by_id) == (t[0], setting.duty.id)
    assert (referral.triaged_at, referral.triaged_by_id) == (t[1], setting.lead.id)
    assert (referral.contact_offered_at, referral.appointment_at) == (t[2], appointment)
    assert (referral.contact_made_at, referral.closed_at) == (t[3], t[4])
    assert referral.state == "closed" and referral.due_at is None
    actions = db.exec(
        select(AuditEvent.action)
        .where(AuditEvent.target_type == "referral")
        .order_by(
            AuditEvent.id  # type: ignore[arg-type]
        )
    ).all()
    assert actions == [
        "referral.received",
        "referral.acknowledged",
        "referral.accepted",
        "referral.contact_offered",
        "referral.contact_made",
        "referral.closed",
    ]
    steps = db.exec(
        select(Notification)
        .where(Notification.kind == "referral_step")
        .order_by(
            Notification.id  # type: ignore[arg-type]
        )
    ).all()
    assert [n.payload["step"] for n in steps] == [
        "received", "acknowledged", "accepted", "contact_offered", "contact_made", "closed"
    ]  # fmt: skip
    assert {n.recipient_id for n in steps} == {setting.referrer.id}


def test_a_step_out_of_order_changes_nothing(app: Flask, db: Session, setting: Setting) -> None:
    referral = send(app, db, setting.referrer, setting.team)
    with app.test_request_context():
        for step in (services.contact_made, services.close):
            with pytest.raises(DomainError):
                step(session=db, actor=setting.duty, referral=referral, now=MONDAY)
            db.rollback()
        with pytest.raises(DomainError):
            services.offer_contact(
                session=db,
                actor=setting.duty,
                referral=referral,
                appointment_at=MONDAY + timedelta(days=1),
                now=MONDAY,
            )
        db.rollback()
    db.refresh(referral)
    assert referral.state == "received" and referral.acknowledged_at is None


def test_an_appointment_in_the_past_is_refused(app: Flask, db: Session, setting: Setting) -> None:
    referral = send(app, db, setting.referrer, setting.team)
    with app.test_request_context():
        services.accept(
            session=db,
            actor=setting.lead,
            referral=referral,
            assigned_clinician_id=setting.clinician.id or 0,
            family_label="",
            now=MONDAY,
        )
        for when in (MONDAY - timedelta(seconds=1), MONDAY):
            with pytest.raises(DomainError) as raised:
                services.offer_contact(
                    session=db, actor=setting.lead, referral=referral, appointment_at=when,
                    now=MONDAY,
                )  # fmt: skip
            assert raised.value.field == "appointment_date"
            db.rollback()
        services.offer_contact(
            session=db,
            actor=setting.lead,
            referral=referral,
            appointment_at=MONDAY + timedelta(seconds=1),
            now=MONDAY,
        )
    db.refresh(referral)
    assert referral.state == "contact_offered"


def test_another_teams_referral_is_not_there(app: Flask, db: Session, setting: Setting) -> None:
    referral = send(app, db, setting.referrer, setting.team)
    for who in (setting.other_clinician, setting.referrer):
        with pytest.raises(NotFoundError):
            services.team_referral(db, who, referral.id or 0)
    assert services.team_referral(db, setting.clinician, referral.id or 0).id == referral.id


def test_only_a_lead_creates_referrers(app: Flask, db: Session, setting: Setting) -> None:
    with app.test_request_context(), pytest.raises(PermissionDeniedError):
        services.create_referrer(
            session=db,
            actor=setting.clinician,
            email="mid@example.org",
            display_name="Mo Midwife",
            profession="midwife",
            organisation=None,
            now=MONDAY,
        )


def test_a_new_referrer_is_emailed_a_link_to_choose_a_password(
    app: Flask, db: Session, setting: Setting
) -> None:
    with app.test_request_context():
        user = services.create_referrer(
            session=db,
            actor=setting.lead,
            email="Mo@Example.org",
            display_name="Mo Midwife",
            profession="midwife",
            organisation="St Mary's maternity",
            now=MONDAY,
        )
    assert (user.role, user.team_id, user.email) == ("referrer", setting.team.id, "mo@example.org")
    kinds = db.exec(select(Notification.kind).where(Notification.recipient_id == user.id)).all()
    assert kinds == ["password_reset"]
    with app.test_request_context(), pytest.raises(DomainError) as raised:
        services.create_referrer(
            session=db,
            actor=setting.lead,
            email="x@example.org",
            display_name="X",
            profession="wizard",
            organisation=None,
            now=MONDAY,
        )
    assert raised.value.field == "profession"


def test_accepting_emails_the_code_to_the_referred_carer_sealed(
    app: Flask, db: Session, setting: Setting
) -> None:
    referral = send(app, db, setting.referrer, setting.team, language="bn")
    accepted = accept(app, db, referral, by=setting.duty, clinician=setting.clinician)
    row = db.exec(select(Notification).where(Notification.kind == "invitation")).one()
    assert (row.recipient_id, row.payload["locale"]) == (setting.duty.id, "bn")
    # Neither the address nor the code is readable in the outbox row.
    assert "amira@example.org" not in str(row.payload) and accepted.code not in str(row.payload)


def test_a_referral_without_an_email_emails_no_code(
    app: Flask, db: Session, setting: Setting
) -> None:
    referral = send(
        app, db, setting.referrer, setting.team, carer_email=None, carer_phone="07700 900123"
    )
    accept(app, db, referral, by=setting.duty, clinician=setting.clinician)
    assert db.exec(select(Notification).where(Notification.kind == "invitation")).all() == []
