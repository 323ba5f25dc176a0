"""The disengagement job, run the way an operator or the worker runs it."""

from datetime import timedelta

import pytest
from flask import Flask
from flask.cli import FlaskGroup
from sqlmodel import Session, col, select

from parentapp.accounts.models import Role, User
from parentapp.checkins.disengagement import check_disengagement
from parentapp.db import utcnow
from parentapp.families.models import Carer
from parentapp.families.roles import CarerRole
from parentapp.jobs import JOBS, job_name
from parentapp.triage.evaluate import evaluate
from parentapp.triage.models import Flag, FlagEvent
from parentapp.triage.services import apply_decisions
from parentapp.triage.vocab import Category, FlagState, Severity
from tests.triage.helpers import (
    answers_totalling,
    builtin,
    carer_of,
    context,
    family_of,
    schedule,
    store_checkin,
)


def run_once(app: Flask) -> str:
    """``flask --app parentapp jobs run-once`` through Flask's own CLI group."""
    group = FlaskGroup(create_app=lambda: app, load_dotenv=False, set_debug_flag=False)
    result = app.test_cli_runner().invoke(cli=group, args=["jobs", "run-once"])
    assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"
    return result.output


@pytest.fixture
def team(make):
    return make.team()


@pytest.fixture
def carer(make, db, team) -> Carer:
    clinician = make.user(Role.CLINICIAN, team)
    family = make.family(team, clinician)
    return carer_of(db, make.carer(family, CarerRole.FATHER))


def _flags(db: Session, carer: Carer) -> list[Flag]:
    db.expire_all()
    query = select(Flag).where(Flag.carer_id == carer.id, Flag.category == "disengagement")
    return list(db.exec(query.order_by(col(Flag.id))).all())


def _set_threshold(db: Session, team, value: int) -> None:
    team.missed_checkins_threshold = value
    db.add(team)
    db.commit()


def test_the_job_is_registered():
    assert "check_disengagement" in [job_name(job) for job in JOBS]


def test_run_once_raises_exactly_one_flag_and_a_second_run_adds_nothing(app, db, carer):
    # Weekly, first due 15 days ago and never done: two due dates have gone by.
    schedule(db, carer, started_days_ago=15)
    output = run_once(app)
    assert "expire_login_sessions" in output
    assert "check_disengagement: 1 disengagement flag(s) opened, 0 updated" in output
    [flag] = _flags(db, carer)
    family = family_of(db, carer)
    assert (flag.severity, flag.rule_id, flag.state) == ("concern", "disengaged", "open")
    assert flag.owner_id == family.assigned_clinician_id
    assert flag.checkin_id is None
    assert flag.evidence["missed"] == 2
    assert flag.evidence["schedules"]["weekly"] == {"missed": 2, "last_checkin_at": None}

    output = run_once(app)
    assert "check_disengagement: 0 disengagement flag(s) opened, 0 updated" in output
    [again] = _flags(db, carer)
    assert again.trigger_count == 1
    events = db.exec(select(FlagEvent).where(FlagEvent.flag_id == flag.id)).all()
    assert [e.kind for e in events] == ["opened"]


@pytest.mark.parametrize(
    ("threshold", "days", "flagged"),
    [
        (2, 13, False),  # missed 1
        (2, 14, True),  # missed 2
        (2, 21, True),  # missed 3
        (1, 6, False),  # due but not yet missed
        (1, 7, True),
        (3, 20, False),
        (3, 21, True),
        (3, 28, True),
    ],
)
def test_team_threshold(app, db, team, carer, threshold, days, flagged):
    _set_threshold(db, team, threshold)
    schedule(db, carer, started_days_ago=days + 0.01)
    check_disengagement(app)
    assert len(_flags(db, carer)) == int(flagged)


@pytest.mark.parametrize(
    ("threshold", "days", "flagged"), [(2, 6, False), (2, 7, True), (3, 14, True)]
)
def test_a_live_flag_brings_disengagement_one_miss_sooner(
    app, db, team, carer, threshold, days, flagged
):
    _set_threshold(db, team, threshold)
    schedule(db, carer, started_days_ago=days + 0.01)
    contact = evaluate(context(builtin("weekly"), {"contact": "true"}))
    assert [d.category for d in contact] == [Category.CONTACT_REQUEST]
    apply_decisions(
        session=db, carer=carer, family=family_of(db, carer), checkin=None, decisions=contact
    )
    db.commit()
    check_disengagement(app)
    flags = _flags(db, carer)
    assert len(flags) == int(flagged)
    if flagged:
        assert flags[0].evidence["threshold"] == threshold - 1
        assert flags[0].evidence["recent_flag"] is True


def test_last_check_in_that_raised_a_flag_brings_disengagement_sooner(app, db, carer):
    weekly = builtin("weekly")
    schedule(db, carer, started_days_ago=30)
    worrying = answers_totalling(weekly, 1, keep={"self_harm": "1"})
    checkin, _ = store_checkin(db, carer, weekly, worrying, at=utcnow() - timedelta(days=14.01))
    [flag] = apply_decisions(
        session=db,
        carer=carer,
        family=family_of(db, carer),
        checkin=checkin,
        decisions=evaluate(context(weekly, worrying)),
    )
    flag.state = FlagState.CLOSED.value
    db.commit()
    # Due 7 days after that check-in, missed once since: one miss is enough after a flag.
    check_disengagement(app)
    [raised] = _flags(db, carer)
    assert raised.evidence["missed"] == 1


def test_a_recent_check_in_resets_the_count(app, db, carer):
    weekly = builtin("weekly")
    schedule(db, carer, started_days_ago=60)
    store_checkin(db, carer, weekly, answers_totalling(weekly, 0), at=utcnow() - timedelta(days=3))
    check_disengagement(app)
    assert _flags(db, carer) == []


def test_more_misses_update_the_flag_and_a_closed_one_is_not_reopened_until_another(app, db, carer):
    schedule(db, carer, started_days_ago=14.5)
    now = utcnow()
    assert "1 disengagement flag(s) opened" in check_disengagement(app, now)
    assert "1 updated" in check_disengagement(app, now + timedelta(days=7))
    [flag] = _flags(db, carer)
    assert (flag.trigger_count, flag.evidence["missed"]) == (2, 3)

    flag.state = FlagState.CLOSED.value
    db.add(flag)
    db.commit()
    # The clinician closed it: the same run of misses does not reopen it at once...
    check_disengagement(app, now + timedelta(days=7, hours=1))
    assert [f.state for f in _flags(db, carer)] == ["closed"]
    # ...but one more missed check-in does.
    check_disengagement(app, now + timedelta(days=14))
    flags = _flags(db, carer)
    assert [f.state for f in flags] == ["closed", "open"]
    assert flags[1].evidence["missed"] == 4


def test_several_schedules_make_one_flag(app, db, carer):
    schedule(db, carer, "weekly", started_days_ago=15)
    schedule(db, carer, "phq9", started_days_ago=22)
    check_disengagement(app)
    check_disengagement(app)
    [flag] = _flags(db, carer)
    assert flag.trigger_count == 1
    assert set(flag.evidence["schedules"]) == {"weekly", "phq9"}
    assert flag.evidence["missed"] == 3


def test_only_consenting_active_carers_with_active_schedules_count(app, make, db, team):
    clinician = make.user(Role.CLINICIAN, team)
    family = make.family(team, clinician)
    unconsented = carer_of(db, make.carer(family, CarerRole.MOTHER, consented=False))
    deactivated_user = make.carer(family, CarerRole.FATHER)
    deactivated = carer_of(db, deactivated_user)
    paused = carer_of(db, make.carer(family, CarerRole.CO_PARENT))
    counted = carer_of(db, make.carer(family, CarerRole.GRANDPARENT))
    schedules = {
        c.id: schedule(db, c, started_days_ago=30)
        for c in (unconsented, deactivated, paused, counted)
    }
    user = db.get(User, deactivated_user.id)
    assert user is not None
    user.active = False
    schedules[paused.id].active = False
    db.add_all([user, schedules[paused.id]])
    db.commit()
    output = check_disengagement(app)
    assert output.startswith("1 disengagement flag(s) opened")
    for carer in (unconsented, deactivated, paused):
        assert _flags(db, carer) == []
    [flag] = _flags(db, counted)
    assert flag.category == Category.DISENGAGEMENT
    assert flag.severity == Severity.CONCERN
