"""A positive short screen asks for its full questionnaire at once.

The PHQ-2 is the PHQ-9's first two items and carries no self-harm item; a total at or above its
cut-off is a positive screen that needs the full PHQ-9 (with item 9, the question about thoughts
of self-harm) straight away, not at the next routine date. The rules are data; the cut-off is
always the screen's own (its definition's scale, for the carer's role), never a number here.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from parentapp.audit.services import record
from parentapp.checkins.models import CheckIn, Schedule
from parentapp.families.models import Carer
from parentapp.instruments.registry import UnknownInstrumentError, load_registry
from parentapp.instruments.results import ScaleScore
from parentapp.instruments.schema import Definition


@dataclass(frozen=True)
class FollowUp:
    screen_id: str
    full_id: str
    # Every how many days a follow-up schedule made here asks again (the clinician can change
    # or stop it from the family page).
    interval_days: int
    source: str


FOLLOW_UPS: tuple[FollowUp, ...] = (
    FollowUp(
        screen_id="phq2",
        full_id="phq9",
        # The PHQ-9 asks about the last 2 weeks: asking it more often would overlap its recall.
        interval_days=14,
        source=(
            "The PHQ-2 is a first step: its positive screen (at or above its cut-off, Kroenke "
            "2003; Arroll 2010) is followed by a full assessment. NICE CG192: after a positive "
            "short screen, consider the EPDS or PHQ-9 as part of a full assessment "
            "(research/clinical-facts.md §1.3, §2.1). The PHQ-9 adds item 9, the question about "
            "thoughts of self-harm that the PHQ-2 does not ask."
        ),
    ),
    FollowUp(
        screen_id="gad2",
        full_id="gad7",
        # The GAD-7 also asks about the last 2 weeks.
        interval_days=14,
        source=(
            "NICE CG192: GAD-2 for anxiety, with the GAD-7 if it scores 3 or more (the GAD-2's "
            "own cut-off; research/clinical-facts.md §1.4, §2.1)."
        ),
    ),
)


def follow_up_for(instrument_id: str) -> FollowUp | None:
    return next((f for f in FOLLOW_UPS if f.screen_id == instrument_id), None)


def positive_screen(definition: Definition, scores: dict[str, ScaleScore]) -> bool:
    """A scale with a cut-off scored at or above it (the carer's role's cut-off)."""
    return any(
        scale.cutoff is not None
        and (found := scores.get(scale.id)) is not None
        and found.positive is True
        for scale in definition.scales
    )


def _answered_since(session: Session, carer_id: int, instrument_id: str, since: datetime) -> bool:
    return (
        session.exec(
            select(CheckIn.id).where(
                CheckIn.carer_id == carer_id,
                CheckIn.instrument_id == instrument_id,
                col(CheckIn.submitted_at) > since,
            )
        ).first()
        is not None
    )


def schedule_follow_up(
    *,
    session: Session,
    carer: Carer,
    definition: Definition,
    scores: dict[str, ScaleScore],
    now: datetime,
) -> Schedule | None:
    """After a positive screen, ask this carer the full questionnaire now: a new schedule due at
    once, or a stopped one started again from now. An active one keeps its start and interval
    (if it is overdue, its missed check-ins still count) and is due at once even if answered
    lately (``asked_at``). Either way the confirmation page offers it at once (``offered``). Nothing is committed: the caller's check-in transaction carries it, so
    the screen is never stored without it.

    :returns: the follow-up schedule, or None (no follow-up for this instrument, or negative).
    """
    rule = follow_up_for(definition.id)
    if rule is None or not positive_screen(definition, scores):
        return None
    assert carer.id is not None
    schedule = session.exec(
        select(Schedule).where(
            Schedule.carer_id == carer.id, col(Schedule.instrument_id) == rule.full_id
        )
    ).first()
    if schedule is None:
        schedule = Schedule(
            carer_id=carer.id, instrument_id=rule.full_id, interval_days=rule.interval_days
        )
    # Asked now: due at once until answered, even if it was answered lately (its interval
    # would otherwise put it days away). An overdue one keeps its start, so its missed
    # check-ins still count.
    schedule.asked_at = now
    if not (schedule.active and schedule.id is not None):
        schedule.starts_at = now
        schedule.active = True
    session.add(schedule)
    session.flush()
    record(
        session=session,
        action="schedule.follow_up",
        actor_id=carer.user_id,
        target_type="carer",
        target_id=carer.id,
        detail=f"{rule.full_id} after a positive {rule.screen_id}",
    )
    return schedule


@dataclass(frozen=True)
class FollowUpOffer:
    instrument_id: str
    questions: int


def offered(session: Session, carer: Carer, checkin: CheckIn) -> FollowUpOffer | None:
    """What to offer straight after ``checkin``: its follow-up questionnaire, when the check-in
    was a positive screen, the follow-up is scheduled and it has not been answered since."""
    rule = follow_up_for(checkin.instrument_id)
    if rule is None:
        return None
    registry = load_registry(session)
    try:
        screen = registry.get(checkin.instrument_id, checkin.instrument_version)
        full = registry.get(rule.full_id)
    except UnknownInstrumentError:
        return None
    scores = {k: ScaleScore.from_json(v) for k, v in (checkin.scores or {}).items()}
    if not positive_screen(screen, scores):
        return None
    schedule = session.exec(
        select(Schedule).where(
            Schedule.carer_id == carer.id,
            col(Schedule.instrument_id) == rule.full_id,
            col(Schedule.active).is_(True),
        )
    ).first()
    if schedule is None or _answered_since(
        session, carer.id or 0, rule.full_id, checkin.submitted_at
    ):
        return None
    questions = len(full.scales[0].items) if full.scales else len(full.items)
    return FollowUpOffer(instrument_id=full.id, questions=questions)
