"""Closing a carer's account: the request, the confirmation, what goes, what stays restricted,
who may read it, and the retention review."""

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlmodel import Session, select

from parentapp.accounts.models import LoginSession, Role, User
from parentapp.audit.models import AuditEvent
from parentapp.checkins.models import Schedule
from parentapp.closure import restricted, services
from parentapp.closure.retention import mark_past_retention, retention_ends
from parentapp.db import utcnow
from parentapp.errors import DomainError, NotFoundError, PermissionDeniedError
from parentapp.families.models import Carer
from parentapp.notifications.models import Notification
from parentapp.reminders.models import PushSubscription
from parentapp.triage.models import Flag
from tests.conftest import LoginAs
from tests.exports.conftest import Two
from tests.factories import Factory


def _flags(db: Session, carer: Carer) -> list[Flag]:
    return list(db.exec(select(Flag).where(Flag.carer_id == carer.id)).all())


def _actions(db: Session) -> list[str]:
    return list(db.exec(select(AuditEvent.action)).all())


def test_asking_twice_changes_nothing_the_second_time(app: Flask, db: Session, two: Two):
    with app.test_request_context():
        assert services.request_closure(session=db, carer=two.mother_carer) is True
        first = two.mother_carer.closure_requested_at
        assert services.request_closure(session=db, carer=two.mother_carer) is False
    assert two.mother_carer.closure_requested_at == first
    assert _actions(db).count("carer.closure_requested") == 1


def test_the_carer_page_says_what_happens_and_records_the_request(
    login_as: LoginAs, db: Session, two: Two
):
    client = login_as(two.mother)
    page = client.get("/account/close").get_data(as_text=True)
    assert "only the team&#39;s leads can open them" in page or "only the team's leads" in page

    refused = client.post("/account/close", data={})
    assert refused.status_code == 400
    assert "Tick the box" in refused.get_data(as_text=True)
    db.refresh(two.mother_carer)
    assert two.mother_carer.closure_requested_at is None

    assert client.post("/account/close", data={"understood": "y"}).status_code == 302
    assert client.post("/account/close", data={"understood": "y"}).status_code == 302
    db.refresh(two.mother_carer)
    assert two.mother_carer.closure_requested_at is not None
    assert "Keep my account" in client.get("/account/close").get_data(as_text=True)

    client.post("/account/close/withdraw")
    db.refresh(two.mother_carer)
    assert two.mother_carer.closure_requested_at is None


def _confirmed(app: Flask, db: Session, two: Two, actor: User | None = None) -> list[Flag]:
    with app.test_request_context():
        services.request_closure(session=db, carer=two.mother_carer)
        return services.confirm_closure(
            session=db,
            actor=actor or two.clinician,
            family=two.family,
            carer_id=two.mother_carer.id or 0,
            flags_reviewed=True,
        )


def test_confirming_forgets_the_account_and_keeps_the_record_restricted(
    app: Flask, db: Session, two: Two
):
    user_id = two.mother.id
    db.add(
        PushSubscription(
            user_id=user_id or 0, endpoint="https://push.example/1", p256dh="k", auth="a"
        )
    )
    db.add(Notification(recipient_id=user_id or 0, channel="email", kind="reminder", payload={}))
    db.add(
        LoginSession(
            token_hash="x" * 64, user_id=user_id or 0, ip_address="10.0.0.1", user_agent="Phone"
        )
    )
    db.commit()
    live_before = [f for f in _flags(db, two.mother_carer) if f.state != "closed"]
    assert live_before  # the fixture's self-harm answer raised an urgent flag

    closed = _confirmed(app, db, two)

    db.expire_all()
    user = db.get_one(User, user_id)
    assert user.active is False and user.email.endswith(".invalid") and user.display_name == "Aisha"
    assert not user.password_hash.startswith("$argon2")
    assert db.exec(select(PushSubscription).where(PushSubscription.user_id == user_id)).all() == []
    assert db.exec(select(Notification).where(Notification.recipient_id == user_id)).all() == []
    sessions = db.exec(select(LoginSession).where(LoginSession.user_id == user_id)).all()
    assert sessions and all(
        s.revoked_at and s.ip_address is None and s.user_agent is None for s in sessions
    )
    carer = db.get_one(Carer, two.mother_carer.id)
    assert carer.closed_at and carer.restricted_at and carer.closed_by_id == two.clinician.id
    assert {f.id for f in closed} == {f.id for f in live_before}
    assert all(f.state == "closed" and f.outcome == "account_closed" for f in _flags(db, carer))
    assert all(f.closed_by_id == two.clinician.id for f in closed)
    schedules = db.exec(select(Schedule).where(Schedule.carer_id == carer.id)).all()
    assert schedules and not any(s.active for s in schedules)
    # The clinical record itself stays.
    assert _flags(db, carer)
    assert "carer.account_closed" in _actions(db)


def test_live_flags_must_be_read_before_closing(app: Flask, db: Session, two: Two):
    with app.test_request_context():
        services.request_closure(session=db, carer=two.mother_carer)
        with pytest.raises(DomainError) as refused:
            services.confirm_closure(
                session=db,
                actor=two.clinician,
                family=two.family,
                carer_id=two.mother_carer.id or 0,
                flags_reviewed=False,
            )
    assert refused.value.field == "flags_reviewed"
    db.rollback()
    db.refresh(two.mother_carer)
    assert two.mother_carer.closed_at is None


def test_no_request_no_closure_and_a_closed_account_cannot_be_closed_again(
    app: Flask, db: Session, two: Two
):
    with app.test_request_context(), pytest.raises(DomainError):
        services.confirm_closure(
            session=db,
            actor=two.clinician,
            family=two.family,
            carer_id=two.mother_carer.id or 0,
            flags_reviewed=True,
        )
    _confirmed(app, db, two)
    with app.test_request_context(), pytest.raises(NotFoundError):
        # Restricted now: it is no longer on the family's ordinary pages at all.
        services.confirm_closure(
            session=db,
            actor=two.clinician,
            family=two.family,
            carer_id=two.mother_carer.id or 0,
            flags_reviewed=True,
        )


def test_only_the_assigned_clinician_or_a_lead_confirms(
    app: Flask, db: Session, make: Factory, two: Two
):
    from parentapp.teams.models import Team

    the_team = db.get_one(Team, two.family.team_id)
    colleague = make.user(Role.CLINICIAN, the_team)
    lead = make.user(Role.LEAD, the_team)
    with app.test_request_context():
        services.request_closure(session=db, carer=two.mother_carer)
        with pytest.raises(PermissionDeniedError):
            services.confirm_closure(
                session=db,
                actor=colleague,
                family=two.family,
                carer_id=two.mother_carer.id or 0,
                flags_reviewed=True,
            )
    _confirmed(app, db, two, actor=lead)
    db.refresh(two.mother_carer)
    assert two.mother_carer.closed_by_id == lead.id


def test_the_closed_carer_cannot_log_in(app: Flask, db: Session, two: Two):
    email = two.mother.email
    _confirmed(app, db, two)
    client = app.test_client()
    answer = client.post("/login", data={"email": email, "password": "correct horse battery"})
    assert answer.status_code != 302


def test_the_restricted_record_leaves_the_ordinary_pages(
    app: Flask, db: Session, login_as: LoginAs, two: Two
):
    flag_id = _flags(db, two.mother_carer)[0].id
    _confirmed(app, db, two)
    client = login_as(two.clinician)
    family_page = client.get(f"/families/{two.family.id}").get_data(as_text=True)
    assert "Aisha" not in family_page and "Tom" in family_page
    assert "closed their account" in family_page
    summary = client.get(f"/families/{two.family.id}/summary").get_data(as_text=True)
    assert "Mother&#39;s own words" not in summary and "Aisha" not in summary
    assert client.get(f"/flags/{flag_id}").status_code == 404


def test_a_lead_reads_the_record_only_with_a_reason_and_it_is_audited(
    app: Flask, db: Session, make: Factory, login_as: LoginAs, two: Two
):
    from parentapp.teams.models import Team

    lead = make.user(Role.LEAD, db.get_one(Team, two.family.team_id))
    _confirmed(app, db, two)
    client = login_as(lead)
    url = f"/records/restricted/{two.mother_carer.id}"
    assert "Aisha" in client.get("/records/restricted").get_data(as_text=True)
    asked = client.get(url).get_data(as_text=True)
    assert "Mother&#39;s own words" not in asked and "Mother's own words" not in asked

    short = client.post(url, data={"reason": "need it"})
    assert short.status_code == 400 and "at least 10 characters" in short.get_data(as_text=True)
    assert "record.restricted_viewed" not in _actions(db)

    shown = client.post(url, data={"reason": "Court order 123 for the family court"})
    assert shown.status_code == 200
    assert "Mother&#39;s own words" in shown.get_data(as_text=True)
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "record.restricted_viewed")).one()
    assert event.actor_id == lead.id and event.detail == "Court order 123 for the family court"


def test_a_clinician_cannot_open_a_restricted_record(
    app: Flask, db: Session, login_as: LoginAs, two: Two
):
    _confirmed(app, db, two)
    client = login_as(two.clinician)
    assert client.get("/records/restricted").status_code == 403
    answer = client.post(
        f"/records/restricted/{two.mother_carer.id}", data={"reason": "Just curious about this"}
    )
    assert answer.status_code == 403


def test_a_lead_of_another_team_does_not_find_it(
    app: Flask, db: Session, make: Factory, login_as: LoginAs, two: Two
):
    other_lead = make.user(Role.LEAD, make.team("Elsewhere"))
    _confirmed(app, db, two)
    client = login_as(other_lead)
    assert client.get(f"/records/restricted/{two.mother_carer.id}").status_code == 404
    assert "Aisha" not in client.get("/records/restricted").get_data(as_text=True)


def test_a_lead_ends_a_restriction_with_a_reason(app: Flask, db: Session, make: Factory, two: Two):
    from parentapp.teams.models import Team

    lead = make.user(Role.LEAD, db.get_one(Team, two.family.team_id))
    _confirmed(app, db, two)
    with app.test_request_context():
        with pytest.raises(DomainError) as refused:
            restricted.end_restriction(
                session=db, actor=lead, carer_id=two.mother_carer.id or 0, reason="no"
            )
        assert refused.value.field == "end_reason"
        db.rollback()
        restricted.end_restriction(
            session=db,
            actor=lead,
            carer_id=two.mother_carer.id or 0,
            reason="Her own request to see it",
        )
    db.refresh(two.mother_carer)
    assert two.mother_carer.restricted_at is None and two.mother_carer.closed_at is not None
    assert "record.restriction_ended" in _actions(db)


@pytest.mark.parametrize(
    ("days_before_due", "marked"),
    [(1, 0), (0, 1), (-1, 1)],  # just before, at and just after the end of the period
)
def test_retention_marks_a_record_for_a_decision_at_the_end_of_its_period(
    app: Flask, db: Session, two: Two, days_before_due: int, marked: int
):
    _confirmed(app, db, two)
    db.refresh(two.mother_carer)
    closed_at = two.mother_carer.closed_at
    assert closed_at is not None
    due = retention_ends(closed_at, 20)
    now = due - timedelta(days=days_before_due)
    assert mark_past_retention(db, now, 20) == marked
    db.refresh(two.mother_carer)
    assert (two.mother_carer.retention_due_at is not None) == bool(marked)
    # Nothing is deleted: the record is still there.
    assert _flags(db, two.mother_carer)


def test_retention_counts_from_the_29th_of_february():
    assert retention_ends(datetime(2028, 2, 29, tzinfo=UTC), 1) == datetime(2029, 3, 1, tzinfo=UTC)
    assert retention_ends(datetime(2026, 12, 7, tzinfo=UTC), 20).year == 2046


def test_the_clinician_confirms_on_the_closure_page(
    app: Flask, db: Session, login_as: LoginAs, two: Two
):
    with app.test_request_context():
        services.request_closure(session=db, carer=two.mother_carer)
    client = login_as(two.clinician)
    assert "Accounts to close" in client.get("/flags").get_data(as_text=True)
    url = f"/families/{two.family.id}/carers/{two.mother_carer.id}/close"
    page = client.get(url).get_data(as_text=True)
    assert "Open flags" in page
    assert client.post(url, data={}).status_code == 400
    assert client.post(url, data={"flags_reviewed": "y"}).status_code == 302
    db.refresh(two.mother_carer)
    assert two.mother_carer.closed_at is not None and utcnow() >= two.mother_carer.closed_at


def test_a_restricted_record_is_left_out_of_the_team_exports(app: Flask, db: Session, two: Two):
    from parentapp.exports.fhir_rows import team_records
    from parentapp.teams.models import Team

    _confirmed(app, db, two)
    records = team_records(db, db.get_one(Team, two.family.team_id))
    assert [p.name for p in records.carers] == ["Tom"]
    assert {c.carer_id for c in records.checkins} == {
        carer.id for carer in [p.carer for p in records.carers]
    }
    assert all(f.carer_id != two.mother_carer.id for f in records.flags)
