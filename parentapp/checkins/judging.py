"""What the flag rules are given about a carer's earlier check-ins: their baseline and best
recent score per scale, the scales on which the deterioration rule is held (hysteresis), and
whether their latest check-in raised a flag. Read here, where the check-ins are, and handed to
triage as a ``Context``: triage judges, and reads no check-in itself."""

import functools
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from parentapp.checkins.models import CheckIn
from parentapp.db import utcnow
from parentapp.families.models import Carer
from parentapp.families.roles import CarerRole
from parentapp.instruments.answers import Answers
from parentapp.instruments.results import ScaleScore
from parentapp.instruments.schema import Definition
from parentapp.triage.evaluate import Context, deterioration_reference
from parentapp.triage.models import Flag, FlagEvent
from parentapp.triage.queries import TRIGGER_EVENTS
from parentapp.triage.rules import RELIABLE_DETERIORATION
from parentapp.triage.vocab import Category, FlagState


def _checkins(session: Session, carer_id: int, instrument_id: str) -> Sequence[CheckIn]:
    return session.exec(
        select(CheckIn)
        .where(CheckIn.carer_id == carer_id, CheckIn.instrument_id == instrument_id)
        .order_by(col(CheckIn.submitted_at), col(CheckIn.id))
    ).all()


def _score_value(scores: Mapping[str, Any] | None, scale_id: str) -> int | None:
    score = (scores or {}).get(scale_id)
    value = score.get("value") if isinstance(score, Mapping) else None
    return int(value) if value is not None else None


def _value(checkin: CheckIn, scale_id: str) -> int | None:
    return _score_value(checkin.scores, scale_id)


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


def _scale_value(scale_id: str) -> Any:
    """SQL for a check-in's stored value on one scale (NULL when unscored), read from the JSON
    in the database, so a carer's history is never loaded and decoded in Python."""
    return col(CheckIn.scores)[(scale_id, "value")].as_float()


@functools.lru_cache(maxsize=64)
def _score_history_query(scale_ids: tuple[str, ...], windowed: bool) -> Any:
    # Built once per instrument's scales: the carer, instrument and window are bound at each
    # call, so a check-in pays for neither building nor compiling the statement.
    carer: Any = sa.bindparam("carer_id")
    instrument: Any = sa.bindparam("instrument_id")
    since: Any = sa.bindparam("since")
    mine = (col(CheckIn.carer_id) == carer, col(CheckIn.instrument_id) == instrument)
    columns: list[Any] = []
    for scale_id in scale_ids:
        value = _scale_value(scale_id)
        columns.append(
            sa.select(value)
            .where(*mine, value.is_not(None))
            .order_by(col(CheckIn.submitted_at), col(CheckIn.id))
            .limit(1)
            .scalar_subquery()
        )
        columns.append(
            sa.select(sa.func.min(value))
            .where(*mine, col(CheckIn.submitted_at) >= since)
            .scalar_subquery()
            if windowed
            else sa.null()
        )
    return sa.select(*columns)


def score_history(
    session: Session,
    carer_id: int,
    instrument_id: str,
    scale_ids: Sequence[str],
    *,
    since: datetime | None,
) -> tuple[dict[str, int | None], dict[str, int | None]]:
    """(baseline, best recent) for each of ``scale_ids``, in one round trip of bounded reads.

    The baseline is the first scored value (as ``baseline_scores``): the oldest row with a value,
    found on the carer/instrument/time index. The best recent is the lowest value since
    ``since`` (None: no window), a range of that index. Neither grows with the carer's history.
    """
    if not scale_ids:
        return {}, {}
    params: dict[str, Any] = {"carer_id": carer_id, "instrument_id": instrument_id}
    if since is not None:
        params["since"] = since
    query = _score_history_query(tuple(scale_ids), since is not None)
    row = session.execute(query, params).one()
    baseline: dict[str, int | None] = {}
    best: dict[str, int | None] = {}
    for n, scale_id in enumerate(scale_ids):
        first, lowest = row[2 * n], row[2 * n + 1]
        baseline[scale_id] = int(first) if first is not None else None
        if lowest is not None:
            best[scale_id] = int(lowest)
    return baseline, best


def _references(
    baseline: Mapping[str, int | None], best_recent: Mapping[str, int | None]
) -> dict[str, int]:
    """scale id -> the value a rise is measured from, as the deterioration rule measures it."""
    found = {}
    for scale_id in {*baseline, *best_recent}:
        reference = deterioration_reference(baseline.get(scale_id), best_recent.get(scale_id))
        if reference is not None:
            found[scale_id] = reference[1]
    return found


def deterioration_held(
    session: Session,
    carer_id: int,
    definition: Definition,
    baseline: Mapping[str, int | None],
    best_recent: Mapping[str, int | None] | None = None,
) -> frozenset[str]:
    """Scales on which the deterioration rule must stay quiet (hysteresis).

    A scale is held from a check-in that triggered a deterioration flag which has since been
    closed, until a later check-in scores below reference + reliable change, the reference being
    the one the rule uses now (the lower of baseline and best recent score). While the flag is
    still live nothing is held: a new trigger updates it (de-duplication does the rest). Only the
    check-ins from the latest trigger on are read: the state restarts at each trigger.
    """
    if all(scale.reliable_change is None for scale in definition.scales):
        return frozenset()  # no scale the deterioration rule reads: nothing to hold or read
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
    latest = session.exec(
        select(CheckIn.submitted_at)
        .where(col(CheckIn.id).in_(triggers), CheckIn.instrument_id == definition.id)
        .order_by(col(CheckIn.submitted_at).desc())
        .limit(1)
    ).first()
    if latest is None:
        return frozenset()  # no deterioration flag ever came from this instrument
    history = session.exec(
        select(CheckIn.id, CheckIn.scores)
        .where(
            CheckIn.carer_id == carer_id,
            CheckIn.instrument_id == definition.id,
            col(CheckIn.submitted_at) >= latest,
        )
        .order_by(col(CheckIn.submitted_at), col(CheckIn.id))
    ).all()
    references = _references(baseline, best_recent or {})
    held = set()
    for scale in definition.scales:
        reference = references.get(scale.id)
        if scale.reliable_change is None or reference is None:
            continue
        on_hold = False
        for checkin_id, scores in history:
            value = _score_value(scores, scale.id)
            if value is None:
                continue
            if checkin_id in triggers and value - reference >= scale.reliable_change:
                on_hold = True
            elif value - reference < scale.reliable_change:
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
    now: datetime | None = None,
) -> Context:
    """What the rules need to judge a check-in of ``definition`` by ``carer``.

    Call it before the new check-in is stored (its baseline and best recent score are then the
    earlier check-ins); called after, a first check-in would be its own baseline, which changes
    no decision. ``now``: when the check-in is judged (the recent window ends there).
    """
    assert carer.id is not None
    window = RELIABLE_DETERIORATION.recent_window_days
    since = (now or utcnow()) - timedelta(days=window) if window is not None else None
    baseline, best_recent = score_history(
        session, carer.id, definition.id, [scale.id for scale in definition.scales], since=since
    )
    return Context(
        definition=definition,
        answers=answers,
        scores=scores,
        carer_role=CarerRole(carer.carer_role),
        baseline=baseline,
        best_recent=best_recent,
        deterioration_held=deterioration_held(session, carer.id, definition, baseline, best_recent),
        note=note,
        locale=locale,
    )


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
