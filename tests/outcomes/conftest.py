"""The hand-worked example of ``example.py`` stored in a real database."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlmodel import Session

from parentapp.accounts.models import Role, User
from parentapp.checkins.models import CheckIn, Schedule
from parentapp.db import utcnow
from parentapp.families.models import Carer, Family
from parentapp.families.roles import CarerRole
from parentapp.referrals.models import Referral
from parentapp.teams.models import Team
from parentapp.triage.models import Flag
from tests.factories import Factory, carer_row, pk
from tests.outcomes import example


@dataclass(frozen=True)
class Stored:
    team: Team
    clinician: User
    lead: User
    other_team_clinician: User
    carers: dict[str, Carer]
    now: datetime


def _checkin(carer: Carer, at: datetime, value: int) -> CheckIn:
    return CheckIn(
        carer_id=pk(carer),
        family_id=carer.family_id,
        instrument_id="phq9",
        instrument_version="1.0",
        ruleset_version="test",
        locale="en",
        submitted_at=at,
        scores={"total": {"value": value, "band": None, "answered": 9, "missing": 0}},
    )


def _flag(carer: Carer, family: Family, owner: User, spec: example.FlagSpec, now: datetime) -> Flag:
    row = example.flag_row(spec, pk(carer), now)
    return Flag(
        team_id=family.team_id,
        family_id=family.id or 0,
        carer_id=pk(carer),
        owner_id=pk(owner),
        category=spec.category,
        severity=spec.severity,
        rule_id=spec.rule_id,
        ruleset_version="test",
        opened_at=row.opened_at,
        last_triggered_at=row.opened_at,
        due_at=row.due_at,
        acknowledged_at=row.acknowledged_at,
        acknowledged_by_id=owner.id if row.acknowledged_at else None,
        state="acknowledged" if row.acknowledged_at else "open",
        escalation_level=row.escalation_level,
        escalated_at=row.escalated_at,
    )


def store_example(make: Factory, db: Session, now: datetime) -> Stored:
    team = make.team("Outcomes team", time_zone=example.TIME_ZONE)
    clinician = make.user(Role.CLINICIAN, team)
    lead = make.user(Role.LEAD, team)
    family = make.family(team, clinician)
    start = example.t0(now)
    carers = {}
    for spec in example.CARERS:
        carer = carer_row(db, make.carer(family, spec.role, locale=spec.locale))
        carer.consented_at = start - 30 * example.DAY
        if spec.restricted:
            carer.closed_at = carer.restricted_at = now - example.DAY
        db.add(carer)
        db.add(
            Schedule(
                carer_id=pk(carer),
                instrument_id="phq9",
                interval_days=example.INTERVAL,
                starts_at=start,
            )
        )
        db.add_all(
            _checkin(carer, start + days * example.DAY, value) for days, value in spec.scores
        )
        carers[spec.name] = carer
    db.commit()
    for flag in example.FLAGS:
        db.add(_flag(carers[flag.carer], family, clinician, flag, now))
    referrer = make.user(Role.REFERRER, team)
    for row in example.referral_rows(now):
        db.add(
            Referral(
                team_id=pk(team),
                referrer_id=pk(referrer),
                referrer_type=row.referrer_type,
                carer_name="Referred",
                carer_email="referred@example.org",
                reasons=["low_mood"],
                reason_text="Low.",
                consent=True,
                state="contact_made" if row.contact_made_at else "declined",
                received_at=row.received_at,
                acknowledged_at=row.acknowledged_at,
                triaged_at=row.triaged_at,
                decline_reason=None if row.accepted else "area",
                contact_made_at=row.contact_made_at,
            )
        )
    # Another team: its carer's scores and flags never reach this team's figures, and its
    # clinician sees only their own team's (empty) figures.
    other = make.team("Other team")
    other_clinician = make.user(Role.CLINICIAN, other)
    other_family = make.family(other, other_clinician)
    outsider = carer_row(db, make.carer(other_family, CarerRole.FATHER, locale="pl"))
    db.add_all([_checkin(outsider, start + timedelta(days=d), v) for d, v in ((1, 20), (20, 3))])
    db.commit()
    return Stored(team, clinician, lead, other_clinician, carers, now)


@pytest.fixture
def stored(make: Factory, db: Session) -> Stored:
    return store_example(make, db, utcnow())
