"""A small world of two teams, their staff, two families and their carers, shared by the
access-matrix and CSRF tests, with helpers to log each actor in and to snapshot the database."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlmodel import SQLModel, select

from parentapp import create_app
from parentapp.accounts.models import Role, User
from parentapp.checkins.models import CheckIn, Schedule
from parentapp.config import Settings
from parentapp.coparents.models import CoparentRequest
from parentapp.db import utcnow
from parentapp.families.models import Carer, Family, Infant, Invitation
from parentapp.families.roles import CarerRole
from parentapp.leave.models import Leave
from parentapp.referrals.models import Referral, ReferralInfant, ReferrerProfile
from parentapp.replies.models import ReplyTemplate
from parentapp.teams.models import CrisisContact, Team
from parentapp.triage.models import Flag
from tests.conftest import login
from tests.factories import Factory, pk

# Who knocks on each door; the order is the column order of the access matrix.
ACTORS = (
    "anonymous",
    "owning_carer",  # a carer of family 1
    "co_carer",  # another carer of family 1
    "other_family_carer",  # the carer of family 2 (same team)
    "assigned_clinician",  # family 1's assigned clinician (team A)
    "colleague",  # another clinician of team A
    "other_team_clinician",  # a clinician of team B
    "lead",  # team A's lead
    "admin",
    "referrer",  # a health visitor who refers families to team A
)
# Verbs that change nothing and verbs a browser never sends itself are not part of the matrix.
IGNORED_METHODS = frozenset({"HEAD", "OPTIONS"})


@dataclass(frozen=True)
class World:
    team_a: Team
    team_b: Team
    family1: Family
    family2: Family
    infant: Infant
    invitation: Invitation  # family 1's pending invitation
    invitation_code: str
    users: dict[str, User]  # every actor but "anonymous", plus "unconsented_carer"
    schedule: Schedule  # the owning carer's weekly check-in
    checkin: CheckIn  # one the owning carer sent
    crisis_contact: CrisisContact  # team A's
    flag: Flag  # an open flag about the owning carer (family 1)
    leave: Leave  # the assigned clinician's coming leave, covered by the colleague
    restricted: Carer  # a closed account's record in family 2: only a lead may open it
    referral: Referral  # the referrer's referral to team A (received)
    other_referral: Referral  # another referrer's referral to team A
    coparent_request: CoparentRequest  # the owning carer's, waiting: invite a grandparent
    reply_template: ReplyTemplate  # team A's


def build_world(make: Factory) -> World:
    team_a = make.team("Team A")
    team_b = make.team("Team B")
    assigned = make.user(Role.CLINICIAN, team_a)
    colleague = make.user(Role.CLINICIAN, team_a)
    lead = make.user(Role.LEAD, team_a)
    other_team_clinician = make.user(Role.CLINICIAN, team_b)
    admin = make.user(Role.ADMIN)
    family1 = make.family(team_a, assigned, label="Family One")
    owning_carer = make.carer(family1, CarerRole.MOTHER)
    co_carer = make.carer(family1, CarerRole.FATHER)
    infant = make.infant(family1, name="Ada")
    invitation, code = make.invitation(family1, by=assigned)
    family2 = make.family(team_a, colleague, label="Family Two")
    other_family_carer = make.carer(family2)
    # Only the CSRF tests use this one: consenting is the change its POST makes.
    unconsented = make.carer(family2, CarerRole.GRANDPARENT, consented=False)
    restricted = _restricted(make, make.carer(family2, CarerRole.OTHER))
    users = {
        "owning_carer": owning_carer,
        "co_carer": co_carer,
        "other_family_carer": other_family_carer,
        "assigned_clinician": assigned,
        "colleague": colleague,
        "other_team_clinician": other_team_clinician,
        "lead": lead,
        "admin": admin,
        "unconsented_carer": unconsented,
        "referrer": make.user(Role.REFERRER, team_a),
        "other_referrer": make.user(Role.REFERRER, team_a),
    }
    schedule, checkin, contact = _checkins(make, owning_carer, team_a)
    return World(
        team_a,
        team_b,
        family1,
        family2,
        infant,
        invitation,
        code,
        users,
        schedule=schedule,
        checkin=checkin,
        crisis_contact=contact,
        flag=_flag(make, checkin, assigned),
        leave=_leave(make, assigned, colleague),
        restricted=restricted,
        referral=_referral(make, users["referrer"], team_a),
        other_referral=_referral(make, users["other_referrer"], team_a),
        coparent_request=_coparent_request(make, family1, owning_carer),
        reply_template=make._save(ReplyTemplate(team_id=team_a.id or 0, text="Thank you.")),
    )


def _coparent_request(make: Factory, family: Family, asking: User) -> CoparentRequest:
    carer = make.session.exec(select(Carer).where(Carer.user_id == asking.id)).one()
    return make._save(
        CoparentRequest(
            family_id=pk(family),
            carer_id=pk(carer),
            name="Gran",
            carer_role=CarerRole.GRANDPARENT.value,
            email="gran@example.org",
        )
    )


def _referral(make: Factory, referrer: User, team: Team) -> Referral:
    make.session.add(ReferrerProfile(user_id=pk(referrer), profession="health_visitor"))
    referral = make._save(
        Referral(
            team_id=pk(team),
            referrer_id=pk(referrer),
            referrer_type="health_visitor",
            carer_name="Rae Referred",
            carer_email="rae@example.org",
            reasons=["low_mood"],
            reason_text="Low mood since the birth.",
            consent=True,
            due_at=utcnow() + timedelta(days=1),
        )
    )
    make.session.add(ReferralInfant(referral_id=pk(referral), name="Bo", due_date=utcnow().date()))
    make.session.commit()
    return referral


def _restricted(make: Factory, user: User) -> Carer:
    """A carer whose account was closed: signed out for good, their record restricted."""
    session = make.session
    carer = session.exec(select(Carer).where(Carer.user_id == user.id)).one()
    now = utcnow()
    carer.closed_at = carer.restricted_at = now
    user.active = False
    session.add_all([carer, user])
    session.commit()
    return carer


def _checkins(
    make: Factory, carer_user: User, team: Team
) -> tuple[Schedule, CheckIn, CrisisContact]:
    """The owning carer's weekly schedule and one check-in; a crisis contact for team A."""
    session = make.session
    carer = session.exec(select(Carer).where(Carer.user_id == carer_user.id)).one()
    schedule = Schedule(carer_id=pk(carer), instrument_id="weekly")
    contact = CrisisContact(team_id=pk(team), name="Local crisis line", phone="0800 000 000")
    session.add_all([schedule, contact])
    session.flush()
    checkin = CheckIn(
        carer_id=pk(carer),
        family_id=carer.family_id,
        schedule_id=schedule.id,
        instrument_id="weekly",
        instrument_version="1.0",
        ruleset_version="test",
        locale="en",
        answers={"mood": "0"},
    )
    session.add(checkin)
    session.commit()
    return schedule, checkin, contact


def _flag(make: Factory, checkin: CheckIn, owner: User) -> Flag:
    family = make.session.get(Family, checkin.family_id)
    assert family is not None
    flag = Flag(
        team_id=family.team_id,
        family_id=checkin.family_id,
        carer_id=checkin.carer_id,
        owner_id=owner.id or 0,
        category="contact_request",
        severity="concern",
        rule_id="contact-requested",
        ruleset_version="test",
        checkin_id=checkin.id,
    )
    make.session.add(flag)
    make.session.commit()
    return flag


def _leave(make: Factory, absent: User, cover: User) -> Leave:
    """Leave a month away: it exists to be seen and ended, and routes nothing today."""
    start = utcnow().date() + timedelta(days=30)
    leave = Leave(
        team_id=absent.team_id or 0,
        user_id=absent.id or 0,
        cover_id=cover.id or 0,
        starts_on=start,
        ends_on=start + timedelta(days=5),
        created_by_id=absent.id or 0,
    )
    make.session.add(leave)
    make.session.commit()
    return leave


def client_for(app: Flask, world: World, actor: str) -> FlaskClient:
    """A fresh client, logged in through the real form unless the actor is anonymous."""
    client = app.test_client()
    if actor != "anonymous":
        login(client, world.users[actor].email)
    return client


UrlArgs = Callable[[World], dict[str, Any]]


def build_url(app: Flask, endpoint: str, args: UrlArgs, world: World) -> str:
    with app.test_request_context():
        return url_for(endpoint, **args(world))


@cache
def route_methods() -> dict[str, frozenset[str]]:
    """Every endpoint of the app (but static) with its methods, read when tests are collected.

    ``create_app`` touches neither the database nor the network, so an in-memory URL is enough.
    """
    app = create_app(Settings(env="testing", database_url="sqlite://"))
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            routes.setdefault(rule.endpoint, set()).update(
                (rule.methods or set()) - IGNORED_METHODS
            )
    app.extensions["parentapp.engine"].dispose()
    return {endpoint: frozenset(methods) for endpoint, methods in routes.items()}


def snapshot(engine: sa.Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table; a session's "last seen" touch is not a change."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            columns = [c for c in table.columns if c.name != "last_seen_at"]
            rows = connection.execute(sa.select(*columns).order_by(*table.primary_key)).all()
            tables[table.name] = [tuple(row) for row in rows]
    return tables
