"""Turning flag decisions into flags: one live flag per carer and category, never a storm."""

import enum
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from parentapp.db import utcnow
from parentapp.families.models import Carer, Family
from parentapp.notifications.services import Kind
from parentapp.teams.models import Team
from parentapp.triage.evaluate import FlagDecision
from parentapp.triage.models import Flag, FlagEvent
from parentapp.triage.notices import notify_flag
from parentapp.triage.queries import infant_key, live_flag
from parentapp.triage.response import due_by
from parentapp.triage.rules import RULESET_VERSION, SEVERITY_RANK
from parentapp.triage.vocab import FlagState, Severity


class Judged(Protocol):
    """The check-in a decision came from, as triage needs it (a check-in row; triage sits
    below check-ins, so it names only what it reads)."""

    @property
    def id(self) -> int | None: ...

    @property
    def infant_id(self) -> int | None: ...


class Outcome(enum.StrEnum):
    OPENED = "opened"
    RETRIGGERED = "retriggered"
    # A new urgent answer on an acknowledged flag: open again, due again, told again.
    REOPENED = "reopened"
    # The live flag already holds exactly this evidence from this check-in (a replay).
    UNCHANGED = "unchanged"


def _merge_evidence(first: Mapping[str, Any], second: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(first)
    for key, value in second.items():
        before = merged.get(key)
        if isinstance(value, Mapping) and isinstance(before, Mapping):
            inner = {**before, **value}
            for name, found in value.items():
                if isinstance(found, list) and isinstance(before.get(name), list):
                    # Two note rules found different kinds of phrase: the flag shows both.
                    inner[name] = sorted(set(before[name]) | set(found))
            merged[key] = inner
        else:
            merged.setdefault(key, value)
    return merged


def merge_by_category(decisions: Sequence[FlagDecision]) -> list[FlagDecision]:
    """One decision per category: the most severe one's rule, everyone's evidence.

    Two scales over their cut-offs in one check-in are one mood flag, not a flag and a retrigger.
    """
    merged: dict[str, FlagDecision] = {}
    for decision in decisions:
        before = merged.get(decision.category)
        if before is None:
            merged[decision.category] = decision
            continue
        stronger = SEVERITY_RANK[decision.severity] > SEVERITY_RANK[before.severity]
        primary = decision if stronger else before
        merged[decision.category] = replace(
            primary,
            safeguarding=before.safeguarding or decision.safeguarding,
            evidence=_merge_evidence(before.evidence, decision.evidence),
        )
    return list(merged.values())


def _reopen(*, flag: Flag, team: Team, now: datetime) -> None:
    """A new urgent answer is a new urgent event: whoever acknowledged the last one has not
    seen this one, so the flag needs a fresh acknowledgement by a fresh due-by, and its
    escalation starts again from the first step."""
    flag.state = FlagState.OPEN.value
    flag.acknowledged_at = None
    flag.acknowledged_by_id = None
    flag.due_at = due_by(team, Severity.URGENT.value, now, category=flag.category)
    flag.escalation_level = 0
    flag.escalated_at = None


def _retrigger(
    *, session: Session, flag: Flag, decision: FlagDecision, checkin_id: int | None, now: datetime
) -> Outcome:
    if flag.checkin_id == checkin_id and flag.evidence == decision.evidence:
        return Outcome.UNCHANGED
    team = session.get(Team, flag.team_id)
    outcome = Outcome.RETRIGGERED
    if decision.severity == Severity.URGENT and team is not None:
        if flag.state == FlagState.ACKNOWLEDGED.value:
            _reopen(flag=flag, team=team, now=now)
            outcome = Outcome.REOPENED
        elif flag.severity == Severity.URGENT.value:
            # Still open: the earlier due-by stands if it is sooner (escalation is not put off
            # by a second answer), otherwise this answer's own response time does.
            sooner = due_by(team, Severity.URGENT.value, now, category=flag.category)
            flag.due_at = sooner if flag.due_at is None else min(flag.due_at, sooner)
    flag.trigger_count += 1
    flag.last_triggered_at = now
    flag.checkin_id = checkin_id if checkin_id is not None else flag.checkin_id
    flag.evidence = dict(decision.evidence)
    flag.safeguarding = flag.safeguarding or decision.safeguarding
    # Severity only ever goes up: a later, milder answer must not quieten an urgent flag.
    if SEVERITY_RANK[decision.severity] > SEVERITY_RANK[Severity(flag.severity)]:
        flag.severity = decision.severity.value
        flag.rule_id = decision.rule_id
        flag.ruleset_version = RULESET_VERSION
        # A more severe flag is due sooner: the new response time runs from now.
        if team is not None:
            sooner = due_by(team, flag.severity, now, category=flag.category)
            flag.due_at = sooner if flag.due_at is None else min(flag.due_at, sooner)
    session.add(flag)
    assert flag.id is not None
    session.add(
        FlagEvent(
            flag_id=flag.id,
            at=now,
            kind=outcome.value,
            rule_id=decision.rule_id,
            checkin_id=checkin_id,
        )
    )
    return outcome


def _insert_unless_live(session: Session, flag: Flag) -> int | None:
    """Insert ``flag`` unless the carer already has a live flag of its category; its id or None.

    ``INSERT ... ON CONFLICT DO NOTHING`` on the partial unique index: when another transaction
    has just inserted the same live flag, PostgreSQL waits for it to commit and then inserts
    nothing, so this transaction goes on to update that flag instead of failing.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(Flag)
        .values(**flag.model_dump(exclude={"id"}))
        .on_conflict_do_nothing(
            index_elements=["carer_id", "category", "infant_key"],
            index_where=sa.text("state != 'closed'"),
        )
        .returning(col(Flag.id))
    )
    flag_id: int | None = session.exec(statement).scalar_one_or_none()
    return flag_id


def apply_decision(
    *,
    session: Session,
    carer: Carer,
    family: Family,
    checkin: Judged | None,
    decision: FlagDecision,
    now: datetime | None = None,
) -> tuple[Flag, Outcome]:
    """Open a flag for ``decision``, or update the carer's live flag of the same category.

    Flushes but does not commit. When another transaction opens the same flag at the same
    moment, the partial unique index turns the second insert into an update of the first flag.
    """
    now = now or utcnow()
    assert carer.id is not None and family.id is not None
    checkin_id = checkin.id if checkin is not None else None
    infant_id = checkin.infant_id if checkin is not None else None
    key = infant_key(decision.category.value, infant_id)
    flag = live_flag(session, carer.id, decision.category, infant=key, for_update=True)
    if flag is not None:
        return _retrigger_and_notify(
            session=session, flag=flag, decision=decision, checkin_id=checkin_id, now=now
        )
    team = session.get(Team, family.team_id)
    if team is None:
        raise RuntimeError(f"family {family.id} has no team")
    flag = Flag(
        team_id=family.team_id,
        family_id=family.id,
        carer_id=carer.id,
        infant_id=infant_id if key else None,
        infant_key=key,
        owner_id=family.assigned_clinician_id,
        category=decision.category.value,
        severity=decision.severity.value,
        safeguarding=decision.safeguarding,
        rule_id=decision.rule_id,
        ruleset_version=RULESET_VERSION,
        opened_at=now,
        last_triggered_at=now,
        checkin_id=checkin_id,
        evidence=dict(decision.evidence),
        due_at=due_by(team, decision.severity.value, now, category=decision.category.value),
    )
    flag_id = _insert_unless_live(session, flag)
    if flag_id is None:
        existing = live_flag(session, carer.id, decision.category, infant=key, for_update=True)
        if existing is None:
            raise RuntimeError("a live flag blocked the insert but cannot be found")
        return _retrigger_and_notify(
            session=session, flag=existing, decision=decision, checkin_id=checkin_id, now=now
        )
    opened = session.get(Flag, flag_id)
    assert opened is not None
    session.add(
        FlagEvent(
            flag_id=flag_id,
            at=now,
            kind=Outcome.OPENED.value,
            rule_id=decision.rule_id,
            checkin_id=checkin_id,
        )
    )
    session.flush()
    # The outbox rows join the caller's transaction: the flag and its notices commit together.
    notify_flag(session=session, flag=opened, kind=Kind.FLAG_OPENED, now=now)
    return opened, Outcome.OPENED


def _retrigger_and_notify(
    *, session: Session, flag: Flag, decision: FlagDecision, checkin_id: int | None, now: datetime
) -> tuple[Flag, Outcome]:
    was_urgent = flag.severity == Severity.URGENT.value
    outcome = _retrigger(
        session=session, flag=flag, decision=decision, checkin_id=checkin_id, now=now
    )
    if outcome == Outcome.UNCHANGED:
        return flag, outcome
    if not was_urgent and flag.severity == Severity.URGENT.value:
        # A concern that became urgent must be emailed now, not wait for tomorrow's digest.
        notify_flag(session=session, flag=flag, kind=Kind.FLAG_URGENT, now=now)
    elif decision.severity == Severity.URGENT:
        # Another urgent answer on a live urgent flag is news: the owner is told at once (in
        # the app and by email), never left to notice a counter go up.
        notify_flag(session=session, flag=flag, kind=Kind.FLAG_REPEAT, now=now)
    return flag, outcome


def apply_decisions(
    *,
    session: Session,
    carer: Carer,
    family: Family,
    checkin: Judged | None,
    decisions: Sequence[FlagDecision],
    now: datetime | None = None,
) -> list[Flag]:
    """Record ``decisions`` as flags, de-duplicated per carer and category.

    Does not commit: the caller commits with the check-in, so answers and their flags are
    stored together or not at all. Returns the flags opened or updated, most severe first.
    """
    now = now or utcnow()
    flags = [
        apply_decision(
            session=session,
            carer=carer,
            family=family,
            checkin=checkin,
            decision=decision,
            now=now,
        )[0]
        for decision in merge_by_category(decisions)
    ]
    return sorted(flags, key=lambda f: -SEVERITY_RANK[Severity(f.severity)])
