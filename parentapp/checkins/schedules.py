"""What clinicians set up: which questionnaire each carer is asked, and how often."""

from datetime import datetime

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from parentapp.accounts.models import User
from parentapp.audit.services import record
from parentapp.checkins.models import DEFAULT_INTERVAL_DAYS, Schedule
from parentapp.checkins.queries import validated_for
from parentapp.db import utcnow
from parentapp.errors import DomainError, NotFoundError
from parentapp.families.models import Carer, Family
from parentapp.families.roles import CarerRole
from parentapp.instruments.registry import Registry, UnknownInstrumentError, load_registry
from parentapp.instruments.schema import Definition

INTERVAL_BOUNDS = (1, 28)
# The check-in a new carer is asked to do until their clinician chooses otherwise.
FIRST_INSTRUMENT_ID = "weekly"


def start_first_checkin(session: Session, carer: Carer) -> None:
    """Every carer starts with the weekly check-in, due at once so that their first answers
    form the baseline; the clinician can change or add instruments from the family page.
    A step of joining a family (``families.services.add_join_step``): flushes, never commits."""
    session.add(
        Schedule(
            carer_id=carer.id or 0,
            instrument_id=FIRST_INSTRUMENT_ID,
            interval_days=DEFAULT_INTERVAL_DAYS,
        )
    )


def carer_of_family(session: Session, family: Family, carer_id: int) -> Carer:
    """:raises NotFoundError: not a carer of this family, or one whose account is closed
    (nobody can be asked for a check-in any more)."""
    carer = session.get(Carer, carer_id)
    if carer is None or carer.family_id != family.id or carer.closed_at is not None:
        raise NotFoundError("carer")
    return carer


def _offerable(registry: Registry, instrument_id: str) -> Definition:
    try:
        definition = registry.get(instrument_id)
    except UnknownInstrumentError as error:
        raise DomainError(
            _("Choose a questionnaire from the list."), field="instrument_id"
        ) from error
    if not definition.text_included:
        raise DomainError(_("Choose a questionnaire from the list."), field="instrument_id")
    return definition


def _asks_about_self_harm(registry: Registry, instrument_id: str) -> bool:
    try:
        return registry.get(instrument_id).asks_about_self_harm
    except UnknownInstrumentError:
        return False


def _safety_choices(registry: Registry) -> str:
    """The questionnaires that ask about self-harm, named for a message."""
    return ", ".join(_(d.title) for d in registry.offerable() if d.asks_about_self_harm)


def _others_ask_about_self_harm(
    session: Session, registry: Registry, carer_id: int, instrument_id: str
) -> tuple[bool, bool]:
    """(any other active schedule, any other active one that asks about self-harm)."""
    others = session.exec(
        select(Schedule.instrument_id).where(
            Schedule.carer_id == carer_id,
            col(Schedule.active).is_(True),
            col(Schedule.instrument_id) != instrument_id,
        )
    ).all()
    return bool(others), any(_asks_about_self_harm(registry, i) for i in others)


def _audit(session: Session, actor: User, action: str, schedule: Schedule) -> None:
    record(
        session=session,
        action=action,
        actor_id=actor.id,
        target_type="carer",
        target_id=schedule.carer_id,
        detail=f"{schedule.instrument_id} every {schedule.interval_days}d"
        + (" role-override" if schedule.role_override else ""),
    )


def add_schedule(
    *,
    session: Session,
    actor: User,
    family: Family,
    carer_id: int,
    instrument_id: str,
    interval_days: int,
    role_override: bool = False,
    now: datetime | None = None,
) -> Schedule:
    """Ask a carer to complete an instrument every ``interval_days``, starting now.

    A schedule the carer already has is changed (its interval, and the override) rather than
    doubled; a stopped one starts again from now.

    :raises NotFoundError: the carer is not in this family.
    :raises DomainError: unknown instrument, interval out of bounds, or an instrument not
        validated for the carer's role without the clinician's explicit override.
    """
    carer = carer_of_family(session, family, carer_id)
    registry = load_registry(session)
    definition = _offerable(registry, instrument_id)
    low, high = INTERVAL_BOUNDS
    if not low <= interval_days <= high:
        raise DomainError(
            _("Choose between %(min)s and %(max)s days.", min=low, max=high),
            field="interval_days",
        )
    role = CarerRole(carer.carer_role)
    override = not validated_for(definition, role)
    if override and not role_override:
        raise DomainError(
            _(
                "%(title)s is not validated for this carer's role. Tick the box to use it anyway.",
                title=_(definition.short_title),
            ),
            field="role_override",
        )
    # Whoever is asked anything is asked about their safety: suicidal thoughts are common in
    # perinatal depression and the self-harm item is the only route to an urgent flag, so a
    # carer may not be left with only questionnaires that never ask it.
    if not definition.asks_about_self_harm:
        _others, covered = _others_ask_about_self_harm(
            session, registry, carer.id or 0, definition.id
        )
        if not covered:
            raise DomainError(
                _(
                    "%(title)s does not ask about self-harm, and this carer has no check-in that"
                    " does. Add one that does first: %(choices)s.",
                    title=_(definition.short_title),
                    choices=_safety_choices(registry),
                ),
                field="instrument_id",
            )
    schedule = session.exec(
        select(Schedule).where(
            Schedule.carer_id == carer.id, Schedule.instrument_id == definition.id
        )
    ).first()
    if schedule is None:
        schedule = Schedule(
            carer_id=carer.id or 0, instrument_id=definition.id, created_by_id=actor.id
        )
    if not schedule.active or schedule.id is None:
        schedule.starts_at = now or utcnow()
    schedule.active = True
    schedule.interval_days = interval_days
    # Recorded only when it was needed: the note beside the schedule must mean something.
    schedule.role_override = override
    session.add(schedule)
    session.flush()
    _audit(session, actor, "schedule.set", schedule)
    session.commit()
    return schedule


def stop_schedule(*, session: Session, actor: User, family: Family, schedule_id: int) -> Schedule:
    """Stop asking; past check-ins stay.

    :raises NotFoundError: not this family's schedule.
    :raises DomainError: it is the carer's last check-in that asks about self-harm while other
        check-ins stay active (stop those first, or add another that asks).
    """
    schedule = session.get(Schedule, schedule_id)
    if schedule is None:
        raise NotFoundError("schedule")
    carer_of_family(session, family, schedule.carer_id)
    registry = load_registry(session)
    if schedule.active and _asks_about_self_harm(registry, schedule.instrument_id):
        others, covered = _others_ask_about_self_harm(
            session, registry, schedule.carer_id, schedule.instrument_id
        )
        if others and not covered:
            raise DomainError(
                _(
                    "This is the carer's only check-in that asks about self-harm, and other"
                    " check-ins are still active. Add another that asks (%(choices)s), or stop"
                    " the others first.",
                    choices=_safety_choices(registry),
                )
            )
    schedule.active = False
    session.add(schedule)
    _audit(session, actor, "schedule.stopped", schedule)
    session.commit()
    return schedule
