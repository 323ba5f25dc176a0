"""Everything the app holds about one carer, gathered for them (UK GDPR Articles 15 and 20).

Only rows that are theirs: their own account, their own check-ins (never another carer's of
the same family), flags raised about them, who on the team opened their record, and the
replies the team sent them. Wording
and labels are in the reader's language (the request's), translated here once, so that the
page, the JSON document and the CSV files say the same.

Free text written by the team (a flag's acknowledgement or closing note) is not included: a
health professional must first judge that releasing it would not cause serious harm (Data
Protection Act 2018, Schedule 3, Part 2); the carer is told to ask their team for it.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from flask_babel import gettext as _
from sqlmodel import Session, and_, col, or_, select

from parentapp.accounts.models import User
from parentapp.audit.models import AuditEvent
from parentapp.checkins.queries import history
from parentapp.families.blueprint import carer_role_label
from parentapp.families.models import Carer, Family, Infant
from parentapp.families.queries import infants_of
from parentapp.i18n import N_
from parentapp.instruments.registry import UnknownInstrumentError, load_registry
from parentapp.instruments.wording import answer_lines
from parentapp.reminders.services import subscription_count
from parentapp.replies import queries as reply_queries
from parentapp.teams.forms import STAFF_ROLE_LABELS
from parentapp.triage import labels
from parentapp.triage.models import Flag, FlagEvent

# Audit actions that mean someone on the team opened this carer's record, and what they saw.
VIEWS_OF_THE_RECORD = {
    "family.viewed": ("family", N_("Your family's record")),
    "family.summary_viewed": ("family", N_("Your family's summary")),
    "flag.viewed": ("flag", N_("A flag about your answers")),
    "checkin.viewed": ("checkin", N_("One of your check-ins")),
}


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str


@dataclass(frozen=True)
class Score:
    scale: str
    value: int | None
    band: str | None


@dataclass(frozen=True)
class CheckInRecord:
    id: int
    submitted_at: datetime
    questionnaire: str
    instrument_id: str
    instrument_version: str
    answered_in: str
    answers: list[Answer]
    scores: list[Score]
    note: str | None
    contact_requested: bool


@dataclass(frozen=True)
class FlagEventRecord:
    at: datetime
    what: str


@dataclass(frozen=True)
class FlagRecord:
    id: int
    raised_at: datetime
    reason: str
    severity: str
    state: str
    check_in_id: int | None
    acknowledged_at: datetime | None
    closed_at: datetime | None
    outcome: str
    history: list[FlagEventRecord]


@dataclass(frozen=True)
class ViewRecord:
    at: datetime
    who: str
    role: str
    what: str


@dataclass(frozen=True)
class MessageRecord:
    """A reply from the team to one of the carer's check-ins, as the carer was shown it."""

    sent_at: datetime
    check_in_id: int
    who: str
    text: str
    read_at: datetime | None


@dataclass(frozen=True)
class CarerRecord:
    generated_at: datetime
    name: str
    email: str
    language: str
    role: str
    family: str
    joined_at: datetime
    consented_at: datetime | None
    consent_version: str | None
    babies: list[tuple[str, date | None, date | None]]
    reminders_enabled: bool
    quiet_hours: tuple[time, time] | None
    devices_with_notifications: int
    checkins: list[CheckInRecord] = field(default_factory=list)
    flags: list[FlagRecord] = field(default_factory=list)
    views: list[ViewRecord] = field(default_factory=list)
    messages: list[MessageRecord] = field(default_factory=list)


def _checkins(session: Session, carer: Carer) -> list[CheckInRecord]:
    registry = load_registry(session)
    records = []
    for checkin in history(session, carer):
        try:
            definition = registry.get(checkin.instrument_id, checkin.instrument_version)
        except UnknownInstrumentError:
            definition = None
        scores = []
        if definition is not None:
            for scale in definition.scales:
                data = (checkin.scores or {}).get(scale.id)
                if isinstance(data, dict):
                    band = data.get("band")
                    scores.append(
                        Score(_(scale.title), data.get("value"), _(band) if band else None)
                    )
        records.append(
            CheckInRecord(
                id=checkin.id or 0,
                submitted_at=checkin.submitted_at,
                questionnaire=_(definition.title) if definition else checkin.instrument_id,
                instrument_id=checkin.instrument_id,
                instrument_version=checkin.instrument_version,
                answered_in=checkin.locale,
                answers=[
                    Answer(*line.read()) for line in answer_lines(definition, checkin.answers)
                ],
                scores=scores,
                note=checkin.note,
                contact_requested=checkin.contact_requested,
            )
        )
    return records


def _flags(session: Session, carer: Carer) -> list[FlagRecord]:
    flags = session.exec(
        select(Flag).where(Flag.carer_id == carer.id).order_by(col(Flag.opened_at), col(Flag.id))
    ).all()
    events: dict[int, list[FlagEventRecord]] = {}
    if flags:
        rows = session.exec(
            select(FlagEvent)
            .where(col(FlagEvent.flag_id).in_([f.id for f in flags]))
            .order_by(col(FlagEvent.at), col(FlagEvent.id))
        ).all()
        for event in rows:
            what = labels.label(labels.EVENT_LABELS, event.kind)
            events.setdefault(event.flag_id, []).append(FlagEventRecord(event.at, what))
    return [
        FlagRecord(
            id=flag.id or 0,
            raised_at=flag.opened_at,
            reason=labels.label(labels.CATEGORY_LABELS, flag.category),
            severity=labels.label(labels.SEVERITY_LABELS, flag.severity),
            state=labels.label(labels.STATE_LABELS, flag.state),
            check_in_id=flag.checkin_id,
            acknowledged_at=flag.acknowledged_at,
            closed_at=flag.closed_at,
            outcome=labels.label(labels.OUTCOME_LABELS, flag.outcome),
            history=events.get(flag.id or 0, []),
        )
        for flag in flags
    ]


def _views(
    session: Session, carer: Carer, flag_ids: list[int], checkin_ids: list[int]
) -> list[ViewRecord]:
    """Who on the team opened this carer's family record, its summary, a flag about them or
    one of their check-ins."""
    targets = [
        and_(col(AuditEvent.target_type) == "family", col(AuditEvent.target_id) == carer.family_id)
    ]
    if flag_ids:
        targets.append(
            and_(col(AuditEvent.target_type) == "flag", col(AuditEvent.target_id).in_(flag_ids))
        )
    if checkin_ids:
        targets.append(
            and_(
                col(AuditEvent.target_type) == "checkin", col(AuditEvent.target_id).in_(checkin_ids)
            )
        )
    rows = session.exec(
        select(AuditEvent, User)
        .join(User, col(User.id) == AuditEvent.actor_id)
        .where(col(AuditEvent.action).in_(list(VIEWS_OF_THE_RECORD)), or_(*targets))
        .order_by(col(AuditEvent.at), col(AuditEvent.id))
    ).all()
    return [
        ViewRecord(
            at=event.at,
            who=user.display_name,
            role=str(STAFF_ROLE_LABELS.get(user.role, user.role)),
            what=_(VIEWS_OF_THE_RECORD[event.action][1]),
        )
        for event, user in rows
        if VIEWS_OF_THE_RECORD[event.action][0] == event.target_type
    ]


def _messages(session: Session, carer: Carer, locale: str | None) -> list[MessageRecord]:
    """The replies the team sent the carer, oldest first, in the words they were shown."""
    replies = list(reversed(reply_queries.carer_replies(session, carer.id or 0)))
    names = reply_queries.author_names(session, replies)
    return [
        MessageRecord(
            r.sent_at, r.checkin_id, names.get(r.author_id, ""), r.text_in(locale), r.read_at
        )
        for r in replies
    ]


def carer_record(session: Session, user: User, carer: Carer, now: datetime) -> CarerRecord:
    """Everything held about ``carer`` (whose account is ``user``), as of ``now``."""
    family = session.get_one(Family, carer.family_id)
    babies: list[Infant] = infants_of(session, carer.family_id)
    flags = _flags(session, carer)
    checkins = _checkins(session, carer)
    quiet = (
        (carer.quiet_start, carer.quiet_end)
        if carer.quiet_start is not None and carer.quiet_end is not None
        else None
    )
    return CarerRecord(
        generated_at=now,
        name=user.display_name,
        email=user.email,
        language=user.locale,
        role=carer_role_label(carer),
        family=family.label,
        joined_at=carer.joined_at,
        consented_at=carer.consented_at,
        consent_version=carer.consent_version,
        babies=[(b.name, b.date_of_birth, b.due_date) for b in babies],
        reminders_enabled=carer.reminders_enabled,
        quiet_hours=quiet,
        devices_with_notifications=subscription_count(session, user),
        checkins=checkins,
        flags=flags,
        views=_views(session, carer, [f.id for f in flags], [c.id for c in checkins]),
        messages=_messages(session, carer, user.locale),
    )
