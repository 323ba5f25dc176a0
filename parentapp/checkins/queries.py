"""Reads about check-ins: what is due, and a carer's own history."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlmodel import Session, col, select

from parentapp.accounts.models import User
from parentapp.checkins.due import due_state
from parentapp.checkins.models import CheckIn, Schedule
from parentapp.errors import DomainError, NotFoundError
from parentapp.families.models import Carer, Family
from parentapp.families.roles import CarerRole
from parentapp.instruments.registry import (
    Registry,
    UnknownInstrumentError,
    UnknownVersionError,
    load_registry,
)
from parentapp.instruments.results import ScaleScore
from parentapp.instruments.schema import Definition
from parentapp.instruments.scoring import has_urgent_answer
from parentapp.teams.models import Team


@dataclass(frozen=True)
class DueItem:
    schedule: Schedule
    title: str
    next_due_at: datetime
    is_due: bool
    missed: int
    # The version a phone that loads the instrument now is given (and sends back with answers).
    version: str


class UnknownVersion(DomainError):
    """The answers name a version of the instrument that never existed; nothing was stored."""


@dataclass(frozen=True)
class Answerable:
    """An instrument as one carer answers it: their schedule and the version to answer on."""

    schedule: Schedule
    definition: Definition


def answerable(
    session: Session,
    *,
    carer_id: int,
    instrument_id: str,
    version: str | None = None,
    stopped_too: bool = False,
) -> Answerable:
    """The carer's schedule of ``instrument_id`` and its definition in ``version`` (the latest
    when None): the one lookup behind the check-in page, the API and the submit service.

    ``stopped_too`` is for answers already given: a phone may hold answers for hours, and a
    schedule stopped (or a new version shipped) meanwhile must not lose them. They go to the
    carer's own schedule, the active one if any, else their most recent stopped one; never to
    another carer's.

    :raises NotFoundError: the carer was never asked this instrument (or it is unknown).
    :raises UnknownVersion: the instrument has no such version.
    """
    query = select(Schedule).where(
        Schedule.carer_id == carer_id, Schedule.instrument_id == instrument_id
    )
    if not stopped_too:
        query = query.where(col(Schedule.active).is_(True))
    schedule = session.exec(
        query.order_by(
            col(Schedule.active).desc(), col(Schedule.created_at).desc(), col(Schedule.id).desc()
        )
    ).first()
    if schedule is None:
        raise NotFoundError("schedule")
    try:
        definition = load_registry(session, instrument_id).get(instrument_id, version)
    except UnknownVersionError as error:
        raise UnknownVersion(
            _(
                "These answers are for a version of the questionnaire that does not exist. "
                "Please open the questionnaire again and answer it there."
            ),
            field="instrument_version",
        ) from error
    except UnknownInstrumentError as error:
        raise NotFoundError("instrument") from error
    return Answerable(schedule=schedule, definition=definition)


def last_submitted(session: Session, carer_id: int) -> dict[str, datetime]:
    """instrument id -> when the carer last sent one."""
    rows = session.exec(
        select(CheckIn.instrument_id, sa.func.max(CheckIn.submitted_at))
        .where(CheckIn.carer_id == carer_id)
        .group_by(col(CheckIn.instrument_id))
    ).all()
    return {instrument_id: at for instrument_id, at in rows if at is not None}


def active_schedules(session: Session, carer_id: int) -> list[Schedule]:
    return list(
        session.exec(
            select(Schedule)
            .where(Schedule.carer_id == carer_id, col(Schedule.active).is_(True))
            .order_by(col(Schedule.id))
        ).all()
    )


def _definition(registry: Registry, instrument_id: str) -> Definition | None:
    try:
        return registry.get(instrument_id)
    except UnknownInstrumentError:
        return None


def due_checkins(session: Session, carer: Carer, now: datetime) -> list[DueItem]:
    """The carer's active schedules, what is due now first, then by when."""
    registry = load_registry(session)
    last = last_submitted(session, carer.id or 0)
    items = []
    for schedule in active_schedules(session, carer.id or 0):
        definition = _definition(registry, schedule.instrument_id)
        if definition is None:  # an imported instrument since removed: nothing to show
            continue
        state = due_state(
            starts_at=schedule.starts_at,
            interval_days=schedule.interval_days,
            last_submitted_at=last.get(schedule.instrument_id),
            now=now,
            asked_at=schedule.asked_at,
        )
        items.append(
            DueItem(
                schedule,
                definition.title,
                state.next_due_at,
                state.is_due,
                state.missed,
                definition.version,
            )
        )
    return sorted(items, key=lambda i: (not i.is_due, i.next_due_at))


def history(session: Session, carer: Carer, instrument_id: str | None = None) -> list[CheckIn]:
    """The carer's own check-ins, newest first."""
    query = select(CheckIn).where(CheckIn.carer_id == carer.id)
    if instrument_id is not None:
        query = query.where(CheckIn.instrument_id == instrument_id)
    return list(
        session.exec(query.order_by(col(CheckIn.submitted_at).desc(), col(CheckIn.id).desc()))
    )


def own_checkin(session: Session, carer: Carer, checkin_id: int) -> CheckIn:
    """One of the carer's own check-ins. :raises NotFoundError: not theirs, or no such one."""
    checkin = session.get(CheckIn, checkin_id)
    if checkin is None or checkin.carer_id != carer.id:
        raise NotFoundError("checkin")
    return checkin


@dataclass
class InstrumentHistory:
    """One instrument's check-ins for one carer, oldest first, with what a chart needs."""

    instrument_id: str
    title: str
    # The scale charted: the instrument's first scale (the total on every shipped one).
    scale_id: str | None
    scale_title: str | None
    max_value: int | None
    checkins: list[CheckIn] = field(default_factory=list)
    # Check-ins with an urgent safety answer: their band is not shown (a "few difficulties"
    # beside thoughts of self-harm would read as reassurance).
    urgent_ids: set[int] = field(default_factory=set)

    def score(self, checkin: CheckIn) -> ScaleScore | None:
        data = (checkin.scores or {}).get(self.scale_id or "")
        return ScaleScore.from_json(data) if isinstance(data, dict) else None

    def is_urgent(self, checkin: CheckIn) -> bool:
        return checkin.id in self.urgent_ids

    @property
    def points(self) -> list[tuple[datetime, int]]:
        scored = ((c.submitted_at, self.score(c)) for c in self.checkins)
        return [(at, s.value) for at, s in scored if s is not None and s.value is not None]


def scale_maximum(definition: Definition, scale_id: str) -> int | None:
    """The highest value a scale can take (every item at its highest-scoring option)."""
    scale = next((s for s in definition.scales if s.id == scale_id), None)
    if scale is None:
        return None
    return sum(max(o.weight for o in definition.options(definition.item(i))) for i in scale.items)


def by_instrument(session: Session, checkins: Sequence[CheckIn]) -> list[InstrumentHistory]:
    """Group check-ins (any order) by instrument, oldest first within each, titles from the
    latest definition so a chart spans versions."""
    registry = load_registry(session)
    groups: dict[str, InstrumentHistory] = {}
    for checkin in sorted(checkins, key=lambda c: (c.submitted_at, c.id or 0)):
        group = groups.get(checkin.instrument_id)
        if group is None:
            definition = _definition(registry, checkin.instrument_id)
            scale = definition.scales[0] if definition and definition.scales else None
            group = groups[checkin.instrument_id] = InstrumentHistory(
                instrument_id=checkin.instrument_id,
                title=definition.title if definition else checkin.instrument_id,
                scale_id=scale.id if scale else None,
                scale_title=scale.title if scale else None,
                max_value=scale_maximum(definition, scale.id) if definition and scale else None,
            )
        group.checkins.append(checkin)
        if urgent_answer(registry, checkin):
            group.urgent_ids.add(checkin.id or 0)
    return sorted(groups.values(), key=lambda g: g.title)


def urgent_answer(registry: Registry, checkin: CheckIn) -> bool:
    """Whether the check-in holds an urgent safety answer, judged by the version it was
    answered on (the latest one if that version is no longer known)."""
    try:
        definition = registry.get(checkin.instrument_id, checkin.instrument_version)
    except UnknownInstrumentError:
        found = _definition(registry, checkin.instrument_id)
        if found is None:
            return False
        definition = found
    return has_urgent_answer(definition, checkin.answers or {})


@dataclass(frozen=True)
class Summary:
    since: datetime
    instruments: list[InstrumentHistory]
    notes: list[CheckIn]
    contact_requests: int

    @property
    def count(self) -> int:
        return sum(len(i.checkins) for i in self.instruments)


def summary_since(session: Session, carer: Carer, since: datetime) -> Summary:
    """The carer's own check-ins since ``since``: for them to bring to their next session."""
    rows = list(
        session.exec(
            select(CheckIn).where(CheckIn.carer_id == carer.id, CheckIn.submitted_at >= since)
        )
    )
    ordered = sorted(rows, key=lambda c: (c.submitted_at, c.id or 0))
    return Summary(
        since=since,
        instruments=by_instrument(session, ordered),
        notes=[c for c in ordered if c.note],
        contact_requests=sum(1 for c in ordered if c.contact_requested),
    )


def validated_for(definition: Definition, role: CarerRole) -> bool:
    """Whether an instrument is validated for a carer's role (no listed roles: any carer)."""
    return not definition.validated_roles or role in definition.validated_roles


@dataclass(frozen=True)
class ScheduleRow:
    schedule: Schedule
    title: str
    next_due_at: datetime | None
    validated: bool


def family_schedules(
    session: Session, family: Family, now: datetime
) -> dict[int, list[ScheduleRow]]:
    """carer id -> their active schedules, with when each is next due."""
    registry = load_registry(session)
    rows = session.exec(
        select(Schedule, Carer)
        .join(Carer, col(Carer.id) == Schedule.carer_id)
        .where(Carer.family_id == family.id, col(Schedule.active).is_(True))
        .order_by(col(Schedule.id))
    ).all()
    result: dict[int, list[ScheduleRow]] = {}
    last_by_carer: dict[int, dict[str, datetime]] = {}
    for schedule, carer in rows:
        last = last_by_carer.setdefault(carer.id or 0, last_submitted(session, carer.id or 0))
        try:
            definition: Definition | None = registry.get(schedule.instrument_id)
        except UnknownInstrumentError:
            definition = None
        state = due_state(
            starts_at=schedule.starts_at,
            interval_days=schedule.interval_days,
            last_submitted_at=last.get(schedule.instrument_id),
            now=now,
            asked_at=schedule.asked_at,
        )
        result.setdefault(carer.id or 0, []).append(
            ScheduleRow(
                schedule=schedule,
                title=definition.title if definition else schedule.instrument_id,
                next_due_at=state.next_due_at,
                validated=definition is None
                or validated_for(definition, CarerRole(carer.carer_role)),
            )
        )
    return result


def running_schedules(session: Session) -> list[tuple[Schedule, Carer, Family, Team]]:
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
            # A closed account's schedules are stopped too; this holds even if one is not.
            col(Carer.closed_at).is_(None),
        )
        .order_by(col(Carer.id), col(Schedule.instrument_id))
    ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]
