"""Reads the flag rules need: a carer's baseline, hysteresis state, live and recent flags."""

from collections.abc import Mapping, Sequence

from sqlmodel import Session, col, select

from parentapp.accounts.models import User
from parentapp.checkins.models import CheckIn, Schedule
from parentapp.families.models import Carer, CarerRole, Family
from parentapp.instruments.answers import Answers
from parentapp.instruments.results import ScaleScore
from parentapp.instruments.schema import Definition
from parentapp.teams.models import Team
from parentapp.triage.evaluate import Context
from parentapp.triage.models import Category, Flag, FlagEvent, FlagState

# Events that mean a rule fired on a check-in (as opposed to a clinician acting on the flag).
# "reopened": a new urgent answer on an acknowledged flag, which needs acknowledging again.
TRIGGER_EVENTS = ("opened", "retriggered", "reopened")
# Categories kept per baby: an answer about one baby never merges into another baby's flag.
PER_INFANT_CATEGORIES = frozenset({Category.HARM_TO_BABY.value})


def infant_key(category: str, infant_id: int | None) -> int:
    """The infant part of a live flag's identity: the baby for per-baby categories, else 0."""
    return (infant_id or 0) if category in PER_INFANT_CATEGORIES else 0


def _checkins(session: Session, carer_id: int, instrument_id: str) -> Sequence[CheckIn]:
    return session.exec(
        select(CheckIn)
        .where(CheckIn.carer_id == carer_id, CheckIn.instrument_id == instrument_id)
        .order_by(col(CheckIn.submitted_at), col(CheckIn.id))
    ).all()


def _value(checkin: CheckIn, scale_id: str) -> int | None:
    score = (checkin.scores or {}).get(scale_id)
    value = score.get("value") if isinstance(score, Mapping) else None
    return int(value) if value is not None else None


def _baselines(checkins: Sequence[CheckIn]) -> dict[str, int | None]:
    baseline: dict[str, int | None] = {}
    for checkin in checkins:
        for scale_id in checkin.scores or {}:
            if baseline.get(scale_id) is None:
                baseline[scale_id] = _value(checkin, scale_id)
    return baseline


def baseline_scores(session: Session, carer_id: int, instrument_id: str) -> dict[str, int | None]:
    """scale id -> the carer's first scored value on this instrument (None: never scored).

    The first scored check-in, not a rolling one: a slow worsening must not carry the reference
    point with it. Across versions of an instrument the scale ids (and so the baseline) carry over.
    """
    return _baselines(_checkins(session, carer_id, instrument_id))


def deterioration_held(
    session: Session,
    carer_id: int,
    definition: Definition,
    baseline: Mapping[str, int | None],
    checkins: Sequence[CheckIn] | None = None,
) -> frozenset[str]:
    """Scales on which the deterioration rule must stay quiet (hysteresis).

    A scale is held from a check-in that triggered a deterioration flag which has since been
    closed, until a later check-in scores below baseline + reliable change. While the flag is
    still live nothing is held: a new trigger updates it (de-duplication does the rest).
    """
    flags = session.exec(
        select(Flag).where(Flag.carer_id == carer_id, Flag.category == Category.DETERIORATION)
    ).all()
    if not flags or any(f.state != FlagState.CLOSED for f in flags):
        return frozenset()
    triggers = set(
        session.exec(
            select(FlagEvent.checkin_id).where(
                col(FlagEvent.flag_id).in_([f.id for f in flags]),
                col(FlagEvent.kind).in_(TRIGGER_EVENTS),
                col(FlagEvent.checkin_id).is_not(None),
            )
        ).all()
    )
    history = checkins if checkins is not None else _checkins(session, carer_id, definition.id)
    held = set()
    for scale in definition.scales:
        base = baseline.get(scale.id)
        if scale.reliable_change is None or base is None:
            continue
        on_hold = False
        for checkin in history:
            value = _value(checkin, scale.id)
            if value is None:
                continue
            if checkin.id in triggers and value - base >= scale.reliable_change:
                on_hold = True
            elif value - base < scale.reliable_change:
                on_hold = False
        if on_hold:
            held.add(scale.id)
    return frozenset(held)


def checkin_context(
    session: Session,
    *,
    carer: Carer,
    definition: Definition,
    answers: Answers,
    scores: Mapping[str, ScaleScore],
    note: str | None = None,
    locale: str = "en",
) -> Context:
    """What the rules need to judge a check-in of ``definition`` by ``carer``.

    Call it before the new check-in is stored (its baseline is then the earlier check-ins);
    called after, a first check-in would be its own baseline, which changes no decision.
    """
    assert carer.id is not None
    history = _checkins(session, carer.id, definition.id)
    baseline = _baselines(history)
    return Context(
        definition=definition,
        answers=answers,
        scores=scores,
        carer_role=CarerRole(carer.carer_role),
        baseline=baseline,
        deterioration_held=deterioration_held(session, carer.id, definition, baseline, history),
        note=note,
        locale=locale,
    )


def live_flag(
    session: Session,
    carer_id: int,
    category: str,
    *,
    infant: int = 0,
    for_update: bool = False,
) -> Flag | None:
    """The carer's flag of ``category`` (about baby ``infant``, for per-baby categories: see
    ``infant_key``) that is not closed (there is at most one).

    ``for_update`` locks the row on PostgreSQL, so two transactions retriggering the same flag
    take turns instead of losing one count; it also reloads the row if the session holds it.
    """
    query = select(Flag).where(
        Flag.carer_id == carer_id,
        Flag.category == category,
        Flag.infant_key == infant,
        Flag.state != FlagState.CLOSED,
    )
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.exec(query).first()


def last_closed_flag(session: Session, carer_id: int, category: str) -> Flag | None:
    return session.exec(
        select(Flag)
        .where(Flag.carer_id == carer_id, Flag.category == category)
        .where(Flag.state == FlagState.CLOSED)
        .order_by(col(Flag.last_triggered_at).desc(), col(Flag.id).desc())
    ).first()


def has_recent_flag(session: Session, carer_id: int) -> bool:
    """Whether the carer's latest check-in raised a flag, or a flag of theirs is not closed.

    Their own disengagement flag does not count: it would lower its own threshold.
    """
    live = session.exec(
        select(Flag.id).where(
            Flag.carer_id == carer_id,
            Flag.state != FlagState.CLOSED,
            Flag.category != Category.DISENGAGEMENT,
        )
    ).first()
    if live is not None:
        return True
    last = session.exec(
        select(CheckIn.id)
        .where(CheckIn.carer_id == carer_id)
        .order_by(col(CheckIn.submitted_at).desc(), col(CheckIn.id).desc())
    ).first()
    if last is None:
        return False
    raised = session.exec(
        select(FlagEvent.id).where(
            FlagEvent.checkin_id == last, col(FlagEvent.kind).in_(TRIGGER_EVENTS)
        )
    ).first()
    return raised is not None


def active_schedules(session: Session) -> list[tuple[Schedule, Carer, Family, Team]]:
    """Every active schedule of a consented carer whose account is active, with their family
    and team, grouped by carer (ordered by carer, then instrument)."""
    rows = session.exec(
        select(Schedule, Carer, Family, Team)
        .join(Carer, col(Carer.id) == Schedule.carer_id)
        .join(User, col(User.id) == Carer.user_id)
        .join(Family, col(Family.id) == Carer.family_id)
        .join(Team, col(Team.id) == Family.team_id)
        .where(
            col(Schedule.active).is_(True),
            col(Carer.consented_at).is_not(None),
            col(User.active).is_(True),
        )
        .order_by(col(Carer.id), col(Schedule.instrument_id))
    ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]
