"""The daily digest (once per clinician per local day, at the team's hour) and the in-app list."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from parentapp.accounts.models import Role, User
from parentapp.notifications.delivery import deliver_due
from parentapp.notifications.models import Notification
from parentapp.notifications.services import Kind
from parentapp.teams.models import Team
from parentapp.triage.models import Flag
from parentapp.triage.notices import notify_flag, queue_digests
from parentapp.triage.vocab import FlagState, Severity
from tests.conftest import login
from tests.factories import Factory, carer_row
from tests.notifications.conftest import SmtpServer
from tests.notifications.mail import body_of

# 08:00 in London in winter is 08:00 UTC.
EIGHT_AM = datetime(2026, 1, 14, 8, 0, tzinfo=UTC)


def _flag(db: Session, make: Factory, owner: User, severity: Severity, **kw: Any) -> Flag:
    family = make.family(make_team(db, owner), owner)
    carer = make.carer(family)
    flag = Flag(team_id=family.team_id, family_id=family.id or 0, carer_id=carer_row(db, carer).id or 0,
                owner_id=owner.id or 0, category="mood", severity=severity.value, rule_id="test",
                ruleset_version="test", **kw)  # fmt: skip
    db.add(flag)
    db.commit()
    return flag


def make_team(db: Session, owner: User) -> Team:
    team = db.get(Team, owner.team_id)
    assert team is not None
    return team


def digests(db: Session) -> list[Notification]:
    db.expire_all()
    query = select(Notification).where(col(Notification.kind) == Kind.DIGEST.value)
    return list(db.exec(query).all())


@pytest.fixture
def clinician(make: Factory) -> User:
    return make.user(Role.CLINICIAN, make.team(time_zone="Europe/London"))


def test_digest_counts_open_flags_once_a_day(db: Session, make: Factory, clinician: User) -> None:
    _flag(db, make, clinician, Severity.CONCERN)
    _flag(db, make, clinician, Severity.URGENT)
    _flag(db, make, clinician, Severity.CONCERN, state=FlagState.CLOSED.value)

    assert queue_digests(session=db, digest_hour=8, now=EIGHT_AM - timedelta(minutes=1)) == 0
    assert queue_digests(session=db, digest_hour=8, now=EIGHT_AM) == 1
    assert queue_digests(session=db, digest_hour=8, now=EIGHT_AM + timedelta(hours=9)) == 0

    [digest] = digests(db)
    assert (digest.recipient_id, digest.channel) == (clinician.id, "email")
    assert digest.payload == {"total": 2, "urgent": 1, "day": "2026-01-14"}
    # The next local day brings the next digest.
    assert queue_digests(session=db, digest_hour=8, now=EIGHT_AM + timedelta(days=1)) == 1


def test_no_digest_when_every_open_flag_is_urgent(db: Session, make: Factory,
                                                  clinician: User) -> None:  # fmt: skip
    _flag(db, make, clinician, Severity.URGENT)

    assert queue_digests(session=db, digest_hour=8, now=EIGHT_AM) == 0


def test_digest_hour_is_in_the_teams_time_zone(db: Session, make: Factory) -> None:
    # 08:00 UTC is 09:00 in Paris: with the hour at 9, Paris gets it and London waits.
    paris = make.user(Role.CLINICIAN, make.team(time_zone="Europe/Paris"))
    london = make.user(Role.CLINICIAN, make.team(time_zone="Europe/London"))
    _flag(db, make, paris, Severity.CONCERN)
    _flag(db, make, london, Severity.CONCERN)

    assert queue_digests(session=db, digest_hour=9, now=EIGHT_AM) == 1
    assert [d.recipient_id for d in digests(db)] == [paris.id]


def test_the_digest_email_has_counts_and_a_link_only(
    app: Flask, db: Session, make: Factory, clinician: User, smtp: SmtpServer
) -> None:
    _flag(db, make, clinician, Severity.CONCERN)
    _flag(db, make, clinician, Severity.CONCERN)
    _flag(db, make, clinician, Severity.URGENT)
    queue_digests(session=db, digest_hour=8, now=EIGHT_AM)

    assert deliver_due(app, now=EIGHT_AM) == 1

    [message] = smtp.handler.messages
    body = body_of(message)
    assert "You have 3 open flags, 1 urgent." in body
    assert "https://parentapp.test/clinic" in body
    assert "mood" not in body.lower()


def test_the_list_shows_own_notifications_newest_first_and_marks_them_read(
    client: FlaskClient, db: Session, make: Factory, clinician: User
) -> None:
    flag = _flag(db, make, clinician, Severity.CONCERN)
    notify_flag(session=db, flag=flag, now=EIGHT_AM)
    notify_flag(session=db, flag=flag, kind=Kind.FLAG_ESCALATED, now=EIGHT_AM)
    other = make.user(Role.CLINICIAN, make_team(db, clinician))
    notify_flag(session=db, flag=_flag(db, make, other, Severity.CONCERN), now=EIGHT_AM)
    db.commit()
    login(client, clinician.email)

    page = client.get("/notifications").get_data(as_text=True)

    assert page.count("New:") == 2
    assert page.index("passed to you") < page.index("A new flag was raised")
    assert 'Notifications <span class="count">(2' in page
    assert client.post("/notifications/read").status_code == 302
    page = client.get("/notifications").get_data(as_text=True)
    assert "New:" not in page and "A new flag was raised" in page
    db.expire_all()
    theirs = db.exec(select(Notification).where(Notification.recipient_id == other.id)).one()
    assert theirs.read_at is None  # marking mine read leaves a colleague's alone
