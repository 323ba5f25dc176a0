"""Team services: creating teams and changing their settings within bounds."""

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func
from sqlmodel import Session, select

from parentapp.accounts.models import Role, User
from parentapp.audit.models import AuditEvent
from parentapp.errors import DomainError
from parentapp.teams.models import DEFAULT_INVITE_EXPIRY_DAYS, INVITE_EXPIRY_BOUNDS, Team
from parentapp.teams.services import create_team, update_settings
from tests.factories import Factory


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    with app.test_request_context():
        yield


@pytest.fixture
def team(make: Factory) -> Team:
    return make.team("Riverside", time_zone="Europe/London")


@pytest.fixture
def lead(make: Factory, team: Team) -> User:
    return make.user(Role.LEAD, team)


def _stored(db: Session, team: Team) -> Team:
    """The team as the database has it, not as the session last saw it."""
    with Session(db.get_bind()) as fresh:
        stored = fresh.get(Team, team.id)
        assert stored is not None
        return stored


def test_invite_expiry_bounds_are_one_to_thirty_days():
    assert INVITE_EXPIRY_BOUNDS == (1, 30)
    assert INVITE_EXPIRY_BOUNDS[0] <= DEFAULT_INVITE_EXPIRY_DAYS <= INVITE_EXPIRY_BOUNDS[1]


@pytest.mark.parametrize("days", [1, 2, 14, 29, 30])
def test_update_settings_accepts_days_within_bounds(
    ctx: None, db: Session, team: Team, lead: User, days: int
):
    update_settings(
        session=db, actor=lead, team=team, invite_expiry_days=days, time_zone="Asia/Kolkata"
    )
    stored = _stored(db, team)
    assert (stored.invite_expiry_days, stored.time_zone) == (days, "Asia/Kolkata")
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "team.settings")).one()
    assert (event.actor_id, event.target_id) == (lead.id, team.id)


@pytest.mark.parametrize("days", [0, 31, -1, 365])
def test_update_settings_refuses_days_outside_bounds(
    ctx: None, db: Session, team: Team, lead: User, days: int
):
    with pytest.raises(DomainError) as raised:
        update_settings(
            session=db, actor=lead, team=team, invite_expiry_days=days, time_zone="Europe/London"
        )
    assert raised.value.field == "invite_expiry_days"
    assert "between 1 and 30 days" in raised.value.message
    assert _stored(db, team).invite_expiry_days == DEFAULT_INVITE_EXPIRY_DAYS


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "london", "GMT+1"])
def test_update_settings_refuses_an_unknown_time_zone(
    ctx: None, db: Session, team: Team, lead: User, zone: str
):
    with pytest.raises(DomainError) as raised:
        update_settings(session=db, actor=lead, team=team, invite_expiry_days=7, time_zone=zone)
    assert raised.value.field == "time_zone"
    # Nothing changed, not even on the object the caller holds (a later commit would save it).
    assert (team.invite_expiry_days, team.time_zone) == (
        DEFAULT_INVITE_EXPIRY_DAYS,
        "Europe/London",
    )
    db.commit()
    stored = _stored(db, team)
    assert (stored.invite_expiry_days, stored.time_zone) == (
        DEFAULT_INVITE_EXPIRY_DAYS,
        "Europe/London",
    )


def test_create_team(ctx: None, db: Session):
    team = create_team(session=db, name="  Hillside Team ", time_zone="America/New_York")
    assert (team.name, team.time_zone) == ("Hillside Team", "America/New_York")
    assert _stored(db, team).invite_expiry_days == DEFAULT_INVITE_EXPIRY_DAYS


@pytest.mark.parametrize("again", ["Hillside Team", " Hillside Team  "])
def test_create_team_refuses_a_duplicate(ctx: None, db: Session, again: str):
    create_team(session=db, name="Hillside Team")
    with pytest.raises(DomainError) as raised:
        create_team(session=db, name=again)
    assert raised.value.field == "name"
    assert "already exists" in raised.value.message
    assert db.exec(select(func.count()).select_from(Team)).one() == 1


@pytest.mark.parametrize(
    ("name", "zone", "field"),
    [("   ", "Europe/London", "name"), ("X", "Nowhere/Town", "time_zone")],
)
def test_create_team_refuses_a_blank_name_or_unknown_zone(
    ctx: None, db: Session, name: str, zone: str, field: str
):
    with pytest.raises(DomainError) as raised:
        create_team(session=db, name=name, time_zone=zone)
    assert raised.value.field == field
    assert db.exec(select(func.count()).select_from(Team)).one() == 0


# Response times: a lead may shorten or lengthen them, only within safe bounds.


def _settings(db: Session, team: Team, lead: User, **kw: Any) -> None:
    update_settings(
        session=db, actor=lead, team=team, invite_expiry_days=14, time_zone="Europe/London", **kw
    )


@pytest.mark.parametrize("hours", [1, 2, 7, 8])
def test_urgent_response_hours_within_bounds_are_kept(
    ctx: None, db: Session, team: Team, lead: User, hours: int
):
    _settings(db, team, lead, urgent_response_hours=hours)
    assert _stored(db, team).urgent_response_hours == hours


@pytest.mark.parametrize("hours", [0, 9, -4, 24])
def test_urgent_response_hours_outside_bounds_are_refused(
    ctx: None, db: Session, team: Team, lead: User, hours: int
):
    with pytest.raises(DomainError) as raised:
        _settings(db, team, lead, urgent_response_hours=hours)
    assert raised.value.field == "urgent_response_hours"
    assert "between 1 and 8 hours" in raised.value.message
    assert _stored(db, team).urgent_response_hours == 4


@pytest.mark.parametrize(("days", "ok"), [(0, False), (1, True), (2, True), (5, True), (6, False)])
def test_concern_response_days_bounds(
    ctx: None, db: Session, team: Team, lead: User, days: int, ok: bool
):
    if ok:
        _settings(db, team, lead, concern_response_days=days)
        assert _stored(db, team).concern_response_days == days
    else:
        with pytest.raises(DomainError) as raised:
            _settings(db, team, lead, concern_response_days=days)
        assert raised.value.field == "concern_response_days"
        assert _stored(db, team).concern_response_days == 2


def test_one_duty_clinician_per_team(ctx: None, db: Session, team: Team, lead: User, make: Factory):
    first = make.user(Role.CLINICIAN, team)
    second = make.user(Role.CLINICIAN, team)
    elsewhere = make.user(Role.CLINICIAN, make.team("Hillside"), on_duty=True)
    _settings(db, team, lead, duty_clinician_id=first.id)
    _settings(db, team, lead, duty_clinician_id=second.id)
    db.expire_all()
    assert [first.on_duty, second.on_duty, lead.on_duty] == [False, True, False]
    # Another team's duty clinician is untouched.
    assert elsewhere.on_duty is True

    _settings(db, team, lead, duty_clinician_id=None)
    db.expire_all()
    assert second.on_duty is False


def test_a_duty_clinician_from_another_team_is_refused(
    ctx: None, db: Session, team: Team, lead: User, make: Factory
):
    elsewhere = make.user(Role.CLINICIAN, make.team("Hillside"))
    with pytest.raises(DomainError) as raised:
        _settings(db, team, lead, duty_clinician_id=elsewhere.id)
    assert raised.value.field == "duty_clinician_id"
    db.expire_all()
    assert elsewhere.on_duty is False
