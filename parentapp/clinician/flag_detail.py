"""Everything the flagged summary shows a clinician, gathered before the template runs."""

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from parentapp.accounts.models import User
from parentapp.checkins.charts import Chart, line_chart
from parentapp.checkins.judging import baseline_scores
from parentapp.checkins.models import CheckIn, Schedule
from parentapp.checkins.queries import InstrumentHistory, by_instrument, scale_maximum
from parentapp.families.models import Carer, Family
from parentapp.instruments.registry import UnknownInstrumentError, load_registry
from parentapp.instruments.results import ScaleScore
from parentapp.instruments.schema import Definition
from parentapp.instruments.wording import AnswerLine, answer_lines
from parentapp.triage.models import Flag, FlagEvent
from parentapp.triage.rules import rule_by_id


@dataclass(frozen=True)
class ScoreLine:
    title: str
    score: ScaleScore
    maximum: int | None
    from_baseline: int | None
    from_previous: int | None


@dataclass(frozen=True)
class EventLine:
    event: FlagEvent
    actor_name: str | None
    # For escalations: the names of the people it went to.
    recipient_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class FlagDetail:
    flag: Flag
    carer: Carer
    carer_name: str
    family: Family
    reason: str | None  # untranslated rule reason (N_), translated where shown
    checkin: CheckIn | None
    instrument_title: str | None
    answers: list[AnswerLine]
    scores: list[ScoreLine]
    history: InstrumentHistory | None
    chart: Chart | None
    role_override: bool
    events: list[EventLine]
    acknowledged_by: str | None
    closed_by: str | None


def _definition(session: Session, checkin: CheckIn) -> Definition | None:
    registry = load_registry(session)
    try:
        return registry.get(checkin.instrument_id, checkin.instrument_version)
    except UnknownInstrumentError:
        return None


def _change(value: int | None, reference: int | None) -> int | None:
    return None if value is None or reference is None else value - reference


def _scores(
    definition: Definition | None,
    checkin: CheckIn,
    baseline: dict[str, int | None],
    previous: CheckIn | None,
) -> list[ScoreLine]:
    if definition is None:
        return []
    lines = []
    for scale in definition.scales:
        data = (checkin.scores or {}).get(scale.id)
        if not isinstance(data, dict):
            continue
        score = ScaleScore.from_json(data)
        before = (previous.scores or {}).get(scale.id) if previous else None
        before_value = before.get("value") if isinstance(before, dict) else None
        lines.append(
            ScoreLine(
                title=scale.title,
                score=score,
                maximum=scale_maximum(definition, scale.id),
                from_baseline=_change(score.value, baseline.get(scale.id)),
                from_previous=_change(score.value, before_value),
            )
        )
    return lines


def _names(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    users = session.exec(select(User).where(col(User.id).in_(wanted))).all()
    return {u.id or 0: u.display_name for u in users}


def flag_detail(session: Session, flag: Flag) -> FlagDetail:
    """The flag with its carer, evidence, scores against baseline and previous, the trend of
    the instrument that raised it, and its history (oldest event first)."""
    carer = session.get(Carer, flag.carer_id)
    family = session.get(Family, flag.family_id)
    assert carer is not None and family is not None
    checkin = session.get(CheckIn, flag.checkin_id) if flag.checkin_id else None
    events = session.exec(
        select(FlagEvent)
        .where(FlagEvent.flag_id == flag.id)
        .order_by(col(FlagEvent.at), col(FlagEvent.id))
    ).all()
    names = _names(
        session,
        {
            carer.user_id,
            flag.acknowledged_by_id,
            flag.closed_by_id,
            *(e.actor_id for e in events),
            *(i for e in events for i in e.recipient_ids or ()),
        },
    )
    rule = rule_by_id(flag.rule_id)
    detail: dict[str, Any] = {
        "answers": [],
        "scores": [],
        "history": None,
        "chart": None,
        "role_override": False,
        "instrument_title": None,
    }
    if checkin is not None:
        definition = _definition(session, checkin)
        history = list(
            session.exec(
                select(CheckIn).where(
                    CheckIn.carer_id == carer.id, CheckIn.instrument_id == checkin.instrument_id
                )
            ).all()
        )
        earlier = sorted(
            (
                c
                for c in history
                if (c.submitted_at, c.id or 0) < (checkin.submitted_at, checkin.id or 0)
            ),
            key=lambda c: (c.submitted_at, c.id or 0),
        )
        group = next(iter(by_instrument(session, history)), None)
        schedule = session.exec(
            select(Schedule).where(
                Schedule.carer_id == carer.id, Schedule.instrument_id == checkin.instrument_id
            )
        ).first()
        detail.update(
            answers=answer_lines(definition, (flag.evidence or {}).get("answers")),
            scores=_scores(
                definition,
                checkin,
                baseline_scores(session, carer.id or 0, checkin.instrument_id),
                earlier[-1] if earlier else None,
            ),
            history=group,
            chart=line_chart(group.points, group.max_value) if group and group.points else None,
            role_override=bool(schedule and schedule.role_override),
            instrument_title=definition.title if definition else checkin.instrument_id,
        )
    return FlagDetail(
        flag=flag,
        carer=carer,
        carer_name=names.get(carer.user_id, ""),
        family=family,
        reason=rule.reason if rule else None,
        checkin=checkin,
        events=[
            EventLine(
                e,
                names.get(e.actor_id) if e.actor_id else None,
                tuple(names[i] for i in e.recipient_ids or () if i in names),
            )
            for e in events
        ],
        acknowledged_by=names.get(flag.acknowledged_by_id) if flag.acknowledged_by_id else None,
        closed_by=names.get(flag.closed_by_id) if flag.closed_by_id else None,
        **detail,
    )
