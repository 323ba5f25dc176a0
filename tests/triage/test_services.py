"""Flags from decisions: opening, de-duplication, severity, hysteresis, races."""

import threading
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from parentapp.accounts.models import Role
from parentapp.checkins.judging import baseline_scores, has_recent_flag
from parentapp.db import utcnow
from parentapp.families.models import Carer, Family
from parentapp.families.roles import CarerRole
from parentapp.instruments.schema import Definition
from parentapp.triage import services
from parentapp.triage.evaluate import FlagDecision, disengagement_decision, evaluate
from parentapp.triage.models import Flag, FlagEvent
from parentapp.triage.queries import live_flag
from parentapp.triage.rules import RULESET_VERSION
from parentapp.triage.services import apply_decisions
from parentapp.triage.vocab import Category, FlagState, Severity
from tests.triage.helpers import (
    answers_totalling,
    builtin,
    carer_of,
    context,
    store_checkin,
    submit,
)


@pytest.fixture
def world(make, db):
    team = make.team()
    clinician = make.user(Role.CLINICIAN, team)
    family = make.family(team, clinician)
    carer = carer_of(db, make.carer(family, CarerRole.MOTHER))
    return team, clinician, family, carer


def _decision(rule_id: str, category: Category, severity: Severity, **evidence) -> FlagDecision:
    return FlagDecision(
        rule_id=rule_id,
        category=category,
        severity=severity,
        safeguarding=False,
        reason="reason",
        evidence=dict(evidence),
    )


SELF_HARM = _decision("self-harm-any", Category.SELF_HARM, Severity.URGENT, answers={"q9": "1"})


def _apply(db: Session, carer: Carer, family: Family, decisions, checkin=None, **kw):
    flags = apply_decisions(
        session=db, carer=carer, family=family, checkin=checkin, decisions=decisions, **kw
    )
    db.commit()
    return flags


def _flags(db: Session, carer: Carer) -> list[Flag]:
    db.expire_all()
    return list(db.exec(select(Flag).where(Flag.carer_id == carer.id).order_by(col(Flag.id))).all())


def _events(db: Session, flag: Flag) -> list[str]:
    rows = db.exec(
        select(FlagEvent).where(FlagEvent.flag_id == flag.id).order_by(col(FlagEvent.id))
    )
    return [event.kind for event in rows.all()]


def _close(db: Session, flag: Flag) -> None:
    flag.state = FlagState.CLOSED.value
    db.add(flag)
    db.commit()


# --- opening and de-duplication --------------------------------------------------------------


def test_a_decision_opens_a_flag_owned_by_the_assigned_clinician(db, world, app):
    team, clinician, family, carer = world
    checkin, _ = store_checkin(db, carer, builtin("phq9"), {"q9": "1"})
    flags = apply_decisions(
        session=db, carer=carer, family=family, checkin=checkin, decisions=[SELF_HARM]
    )
    # Not committed: the caller commits with the check-in.
    with Session(app.extensions["parentapp.engine"]) as other:
        assert other.exec(select(func.count()).select_from(Flag)).one() == 0
    db.commit()
    [flag] = _flags(db, carer)
    assert flags[0].id == flag.id
    assert (flag.owner_id, flag.team_id, flag.family_id) == (clinician.id, team.id, family.id)
    assert (flag.category, flag.severity, flag.state) == ("self_harm", "urgent", "open")
    assert (flag.rule_id, flag.ruleset_version) == ("self-harm-any", RULESET_VERSION)
    assert flag.checkin_id == checkin.id
    assert flag.trigger_count == 1
    assert flag.evidence == {"answers": {"q9": "1"}}
    assert _events(db, flag) == ["opened"]


def test_a_second_trigger_updates_the_live_flag(db, world):
    _, _, family, carer = world
    first, _ = store_checkin(db, carer, builtin("phq9"), {"q9": "1"})
    second, _ = store_checkin(db, carer, builtin("phq9"), {"q9": "3"})
    earlier = utcnow() - timedelta(hours=1)
    _apply(db, carer, family, [SELF_HARM], first, now=earlier)
    again = replace(SELF_HARM, evidence={"answers": {"q9": "3"}})
    _apply(db, carer, family, [again], second)
    [flag] = _flags(db, carer)
    assert flag.trigger_count == 2
    assert flag.checkin_id == second.id
    assert flag.evidence == {"answers": {"q9": "3"}}
    assert flag.opened_at == earlier
    assert flag.last_triggered_at > earlier
    assert _events(db, flag) == ["opened", "retriggered"]


def test_an_acknowledged_flag_is_still_live_and_is_updated(db, world):
    """A concern on an acknowledged concern updates it; an urgent answer re-opens it (see
    tests/triage/test_repeat_urgent.py)."""
    _, _, family, carer = world
    mood = _decision("score-at-cutoff", Category.MOOD, Severity.CONCERN, scores={"phq9": 10})
    [flag] = _apply(db, carer, family, [mood])
    flag.state = FlagState.ACKNOWLEDGED.value
    db.add(flag)
    db.commit()
    _apply(db, carer, family, [replace(mood, evidence={"scores": {"phq9": 12}})])
    [flag] = _flags(db, carer)
    assert (flag.state, flag.trigger_count) == ("acknowledged", 2)


def test_severity_is_raised_but_never_lowered(db, world):
    _, _, family, carer = world
    mild = _decision("a-concern", Category.MOOD, Severity.CONCERN, scores={"x": 1})
    grave = _decision("an-urgent", Category.MOOD, Severity.URGENT, scores={"x": 2})
    _apply(db, carer, family, [mild])
    _apply(db, carer, family, [grave])
    [flag] = _flags(db, carer)
    assert (flag.severity, flag.rule_id) == ("urgent", "an-urgent")
    _apply(db, carer, family, [replace(mild, evidence={"scores": {"x": 3}})])
    [flag] = _flags(db, carer)
    assert (flag.severity, flag.rule_id, flag.trigger_count) == ("urgent", "an-urgent", 3)


def test_safeguarding_once_set_stays_set(db, world):
    _, _, family, carer = world
    marked = _decision("r", Category.HARM_TO_BABY, Severity.URGENT, answers={"h": "1"})
    _apply(db, carer, family, [replace(marked, safeguarding=True)])
    _apply(db, carer, family, [replace(marked, evidence={"answers": {"h": "2"}})])
    [flag] = _flags(db, carer)
    assert flag.safeguarding is True


def test_a_closed_flag_is_not_reopened_a_new_one_is(db, world):
    _, _, family, carer = world
    [first] = _apply(db, carer, family, [SELF_HARM])
    _close(db, first)
    _apply(db, carer, family, [SELF_HARM])
    flags = _flags(db, carer)
    assert [(f.state, f.trigger_count) for f in flags] == [("closed", 1), ("open", 1)]


def test_different_categories_are_different_flags_urgent_first(db, world):
    _, _, family, carer = world
    contact = _decision("contact-requested", Category.CONTACT_REQUEST, Severity.CONCERN)
    flags = _apply(db, carer, family, [contact, SELF_HARM])
    assert [f.category for f in flags] == ["self_harm", "contact_request"]
    assert len(_flags(db, carer)) == 2


def test_decisions_of_one_category_in_one_check_in_are_one_flag(db, world):
    _, _, family, carer = world
    a = _decision("score-at-cutoff", Category.MOOD, Severity.CONCERN, scores={"a": {"value": 11}})
    b = _decision("score-at-cutoff", Category.MOOD, Severity.CONCERN, scores={"b": {"value": 12}})
    _apply(db, carer, family, [a, b])
    [flag] = _flags(db, carer)
    assert flag.trigger_count == 1
    assert flag.evidence == {"scores": {"a": {"value": 11}, "b": {"value": 12}}}
    assert _events(db, flag) == ["opened"]


def test_the_same_evidence_from_the_same_source_changes_nothing(db, world):
    _, _, family, carer = world
    decision = disengagement_decision(2, 2, False, detail={"schedules": {"weekly": {"missed": 2}}})
    assert decision is not None
    _apply(db, carer, family, [decision])
    _apply(db, carer, family, [decision])
    [flag] = _flags(db, carer)
    assert flag.trigger_count == 1
    assert _events(db, flag) == ["opened"]


def test_an_insert_that_loses_a_race_updates_the_winner(db, world, monkeypatch):
    """The unique index is the backstop: when the live-flag check missed a concurrent flag,
    the refused insert is rolled back to a savepoint and the existing flag is updated."""
    _, _, family, carer = world
    _apply(db, carer, family, [SELF_HARM])
    real = live_flag
    calls = []

    def blind_once(*args, **kw):
        calls.append(1)
        return None if len(calls) == 1 else real(*args, **kw)

    monkeypatch.setattr(services, "live_flag", blind_once)
    checkin, _ = store_checkin(db, carer, builtin("phq9"), {"q9": "2"})
    [flag] = _apply(db, carer, family, [SELF_HARM], checkin)
    assert len(calls) == 2
    [stored] = _flags(db, carer)
    assert stored.id == flag.id
    assert (stored.trigger_count, stored.checkin_id) == (2, checkin.id)
    assert _events(db, stored) == ["opened", "retriggered"]


def test_two_transactions_racing_on_postgresql_make_one_live_flag(app, db, world, monkeypatch):
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    _, _, family, carer = world
    engine = app.extensions["parentapp.engine"]
    barrier = threading.Barrier(2, timeout=30)
    real = live_flag
    seen: set[int] = set()

    def both_look_first(session, *args, **kw):
        result = real(session, *args, **kw)
        if threading.get_ident() not in seen:
            seen.add(threading.get_ident())
            barrier.wait()  # both transactions have looked and found no live flag
        return result

    monkeypatch.setattr(services, "live_flag", both_look_first)
    errors: list[BaseException] = []

    def submit(code: str) -> None:
        try:
            with Session(engine, expire_on_commit=False) as session:
                own_carer = session.get(Carer, carer.id)
                own_family = session.get(Family, family.id)
                assert own_carer is not None and own_family is not None
                apply_decisions(
                    session=session,
                    carer=own_carer,
                    family=own_family,
                    checkin=None,
                    decisions=[replace(SELF_HARM, evidence={"answers": {"q9": code}})],
                )
                session.commit()
        except BaseException as error:  # reported to the test thread below
            errors.append(error)

    threads = [threading.Thread(target=submit, args=(code,)) for code in ("1", "2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    [flag] = _flags(db, carer)
    assert flag.trigger_count == 2
    assert sorted(_events(db, flag)) == ["opened", "retriggered"]


# --- baseline, hysteresis, recent flags ------------------------------------------------------


def test_baseline_is_the_first_scored_check_in(db, world):
    _, _, _, carer = world
    phq9 = builtin("phq9")
    assert baseline_scores(db, carer.id, "phq9") == {}
    unscored = answers_totalling(phq9, 6)
    del unscored["q1"]
    store_checkin(db, carer, phq9, unscored, at=utcnow() - timedelta(days=21))
    assert baseline_scores(db, carer.id, "phq9") == {"total": None}
    store_checkin(db, carer, phq9, answers_totalling(phq9, 4), at=utcnow() - timedelta(days=14))
    store_checkin(db, carer, phq9, answers_totalling(phq9, 12), at=utcnow() - timedelta(days=7))
    assert baseline_scores(db, carer.id, "phq9") == {"total": 4}
    assert baseline_scores(db, carer.id, "gad7") == {}


def _submit(
    db: Session, carer: Carer, family: Family, defn: Definition, total: int, at: datetime
) -> set[str]:
    flags = submit(db, carer, family, defn, answers_totalling(defn, total), at=at)
    return {f.category for f in flags}


def test_deterioration_hysteresis_after_a_closed_flag(db, world):
    _, _, family, carer = world
    phq9 = builtin("phq9")
    start = utcnow() - timedelta(days=60)
    day = iter(range(0, 60, 7))

    def submit(total: int) -> set[str]:
        return _submit(db, carer, family, phq9, total, start + timedelta(days=next(day)))

    assert submit(3) == set()  # the baseline
    assert submit(7) == set()  # +4: below reliable change
    assert submit(8) == {"deterioration"}  # +5
    assert submit(9) == {"deterioration"}  # live: updated, not duplicated
    [flag] = [f for f in _flags(db, carer) if f.category == "deterioration"]
    assert flag.trigger_count == 2
    _close(db, flag)
    assert submit(9) == set()  # still high after the close: held, no alert storm
    assert submit(12) == {"mood"}  # still held for deterioration; the cut-off rule is separate
    assert submit(7) == set()  # back below baseline + 5: released
    assert submit(8) == {"deterioration"}  # risen again: a new flag
    flags = [f for f in _flags(db, carer) if f.category == "deterioration"]
    assert [f.state for f in flags] == ["closed", "open"]


@pytest.mark.parametrize(("relapse", "flagged"), [(7, False), (8, True), (9, True)])
def test_a_carer_who_recovered_and_relapses_is_flagged(db, world, relapse, flagged):
    _, _, family, carer = world
    phq9 = builtin("phq9")
    start = utcnow() - timedelta(days=60)
    assert _submit(db, carer, family, phq9, 14, start) == {"mood"}  # the baseline
    assert _submit(db, carer, family, phq9, 3, start + timedelta(days=28)) == set()  # recovered

    found = _submit(db, carer, family, phq9, relapse, start + timedelta(days=56))

    assert ("deterioration" in found) is flagged
    if flagged:
        [flag] = [f for f in _flags(db, carer) if f.category == "deterioration"]
        evidence = flag.evidence["scores"]["total"]
        assert (evidence["reference"], evidence["best_recent"], evidence["baseline"]) == (
            "best_recent",
            3,
            14,
        )
        assert evidence["change"] == relapse - 3


@pytest.mark.parametrize(("days_ago", "flagged"), [(83, True), (85, False)])
def test_the_best_score_counts_only_within_the_recent_window(db, world, days_ago, flagged):
    _, _, family, carer = world
    phq9 = builtin("phq9")
    now = utcnow()
    store_checkin(db, carer, phq9, answers_totalling(phq9, 14), at=now - timedelta(days=200))
    store_checkin(db, carer, phq9, answers_totalling(phq9, 3), at=now - timedelta(days=days_ago))

    found = _submit(db, carer, family, phq9, 8, now)

    assert ("deterioration" in found) is flagged


def test_hysteresis_uses_the_best_recent_reference(db, world):
    _, _, family, carer = world
    phq9 = builtin("phq9")
    start = utcnow() - timedelta(days=70)
    day = iter(range(0, 70, 7))

    def submit(total: int) -> set[str]:
        return _submit(db, carer, family, phq9, total, start + timedelta(days=next(day)))

    assert submit(14) == {"mood"}
    assert submit(3) == set()
    assert submit(8) == {"deterioration"}  # +5 from the best recent score
    [flag] = [f for f in _flags(db, carer) if f.category == "deterioration"]
    _close(db, flag)
    assert submit(9) == set()  # still +6 from 3 after the close: held
    assert submit(7) == set()  # +4: below reference + 5, released
    assert submit(8) == {"deterioration"}  # risen again: a new flag
    flags = [f for f in _flags(db, carer) if f.category == "deterioration"]
    assert [f.state for f in flags] == ["closed", "open"]


def test_a_flag_from_another_instrument_does_not_hold_this_one(db, world):
    _, _, family, carer = world
    phq9, gad7 = builtin("phq9"), builtin("gad7")
    start = utcnow() - timedelta(days=30)
    assert _submit(db, carer, family, gad7, 1, start) == set()
    assert _submit(db, carer, family, gad7, 5, start + timedelta(days=1)) == {"deterioration"}
    [flag] = _flags(db, carer)
    _close(db, flag)
    assert _submit(db, carer, family, phq9, 2, start + timedelta(days=2)) == set()
    assert _submit(db, carer, family, phq9, 7, start + timedelta(days=3)) == {"deterioration"}


def test_recent_flag(db, world):
    _, _, family, carer = world
    phq9 = builtin("phq9")
    start = utcnow() - timedelta(days=30)
    assert has_recent_flag(db, carer.id) is False
    assert _submit(db, carer, family, phq9, 11, start) == {"mood"}
    assert has_recent_flag(db, carer.id) is True
    [flag] = _flags(db, carer)
    _close(db, flag)
    assert has_recent_flag(db, carer.id) is True  # the last check-in raised it
    assert _submit(db, carer, family, phq9, 2, start + timedelta(days=7)) == set()
    assert has_recent_flag(db, carer.id) is False
    disengaged = disengagement_decision(2, 2, False)
    assert disengaged is not None
    _apply(db, carer, family, [disengaged])
    assert has_recent_flag(db, carer.id) is False  # its own flag does not lower its threshold
    _apply(db, carer, family, [_decision("c", Category.CONTACT_REQUEST, Severity.CONCERN)])
    assert has_recent_flag(db, carer.id) is True


def test_flag_checkin_judges_safety_items_whatever_the_total(db, world):
    _, _, family, carer = world
    weekly = builtin("weekly")
    answers = answers_totalling(weekly, 2, keep={"self_harm": "1", "harm_to_baby": "1"})
    answers["contact"] = "true"
    flags = submit(db, carer, family, weekly, answers)
    [checkin_id] = {f.checkin_id for f in flags}
    # Most severe first, so a caller showing one flag shows an urgent one.
    assert [f.severity for f in flags] == ["urgent", "urgent", "concern"]
    assert {f.category for f in flags} == {"self_harm", "harm_to_baby", "contact_request"}
    assert [f.safeguarding for f in flags if f.category == "harm_to_baby"] == [True]
    assert checkin_id is not None
    expected = evaluate(context(weekly, answers))
    assert {d.rule_id for d in expected} == {f.rule_id for f in flags}
