"""Reads: whether each of a carer's check-ins has been read (and by whom), the replies to
them, and a team's reply templates."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, select

from parentapp.accounts.models import Role, User
from parentapp.checkins.models import CheckIn
from parentapp.checkins.queries import urgent_answer
from parentapp.instruments.registry import load_registry
from parentapp.replies.models import CheckinRead, Reply, ReplyTemplate
from parentapp.triage.models import Flag, FlagEvent
from parentapp.triage.vocab import Severity

ROLE_NAMES = {Role.CLINICIAN.value: _l("clinician"), Role.LEAD.value: _l("team lead")}
# Only these end an urgent check-in's wait: a person has taken it on, or finished with it.
TAKEN_ON = ("acknowledged", "closed")


@dataclass(frozen=True)
class Receipt:
    """What the carer is told about who has read one check-in.

    ``told`` without a reader: the check-in raised an urgent flag that nobody has acknowledged
    yet, so "read" would wrongly reassure the carer that someone is acting on it.
    """

    told: bool
    reader_name: str | None = None
    reader_role: str | None = None
    read_at: datetime | None = None


def _urgent_waiting(session: Session, checkins: Sequence[CheckIn]) -> set[int]:
    """Ids of the check-ins with an urgent answer or an urgent flag that no one has
    acknowledged (or closed) since the check-in was sent."""
    ids = [c.id for c in checkins if c.id is not None]
    if not ids:
        return set()
    registry = load_registry(session)
    urgent = {c.id or 0 for c in checkins if urgent_answer(registry, c)}
    raised = session.exec(
        select(FlagEvent.checkin_id, Flag.id)
        .join(Flag, col(Flag.id) == FlagEvent.flag_id)
        .where(col(FlagEvent.checkin_id).in_(ids), Flag.severity == Severity.URGENT.value)
    ).all()
    latest = session.exec(
        select(Flag.checkin_id, Flag.id).where(
            col(Flag.checkin_id).in_(ids), Flag.severity == Severity.URGENT.value
        )
    ).all()
    flags_of: dict[int, set[int]] = {}
    for checkin_id, flag_id in [*raised, *latest]:
        if checkin_id is not None and flag_id is not None:
            flags_of.setdefault(checkin_id, set()).add(flag_id)
    urgent |= set(flags_of)
    flag_ids = {f for found in flags_of.values() for f in found}
    taken: dict[int, list[datetime]] = {}
    if flag_ids:
        for flag_id, at in session.exec(
            select(FlagEvent.flag_id, FlagEvent.at).where(
                col(FlagEvent.flag_id).in_(flag_ids), col(FlagEvent.kind).in_(TAKEN_ON)
            )
        ).all():
            taken.setdefault(flag_id, []).append(at)
    by_id = {c.id: c for c in checkins}
    waiting = set()
    for checkin_id in urgent:
        sent = by_id[checkin_id].submitted_at
        flags = flags_of.get(checkin_id, set())
        # An acknowledgement before this check-in was sent was of earlier answers.
        if not any(at >= sent for f in flags for at in taken.get(f, [])):
            waiting.add(checkin_id)
    return waiting


def receipts(session: Session, checkins: Sequence[CheckIn]) -> dict[int, Receipt]:
    """check-in id -> what to tell the carer: read (first reader, role, when), or that their
    team has been told; check-ins nobody has opened are left out."""
    ids = [c.id for c in checkins if c.id is not None]
    if not ids:
        return {}
    rows = session.exec(
        select(CheckinRead, User)
        .join(User, col(User.id) == CheckinRead.reader_id)
        .where(col(CheckinRead.checkin_id).in_(ids))
        .order_by(col(CheckinRead.read_at), col(CheckinRead.id))
    ).all()
    first: dict[int, tuple[CheckinRead, User]] = {}
    for read, user in rows:
        first.setdefault(read.checkin_id, (read, user))
    result = {checkin_id: Receipt(told=True) for checkin_id in _urgent_waiting(session, checkins)}
    for checkin_id, (read, user) in first.items():
        if checkin_id in result:
            continue
        role = ROLE_NAMES.get(user.role)
        result[checkin_id] = Receipt(
            told=False,
            reader_name=user.display_name,
            reader_role=str(role) if role else None,
            read_at=read.read_at,
        )
    return result


def replies_to(session: Session, checkin_ids: Sequence[int]) -> dict[int, list[Reply]]:
    """check-in id -> its replies, oldest first."""
    if not checkin_ids:
        return {}
    found: dict[int, list[Reply]] = {}
    for reply in session.exec(
        select(Reply)
        .where(col(Reply.checkin_id).in_(list(checkin_ids)))
        .order_by(col(Reply.sent_at), col(Reply.id))
    ).all():
        found.setdefault(reply.checkin_id, []).append(reply)
    return found


def author_names(session: Session, replies: Sequence[Reply]) -> dict[int, str]:
    ids = {r.author_id for r in replies}
    if not ids:
        return {}
    users = session.exec(select(User).where(col(User.id).in_(ids))).all()
    return {u.id or 0: u.display_name for u in users}


def carer_replies(session: Session, carer_id: int) -> list[Reply]:
    """Every reply to the carer, newest first."""
    return list(
        session.exec(
            select(Reply)
            .where(Reply.carer_id == carer_id)
            .order_by(col(Reply.sent_at).desc(), col(Reply.id).desc())
        ).all()
    )


def unread_count(session: Session, carer_id: int) -> int:
    return len(
        session.exec(
            select(Reply.id).where(Reply.carer_id == carer_id, col(Reply.read_at).is_(None))
        ).all()
    )


def team_templates(session: Session, team_id: int) -> list[ReplyTemplate]:
    """The team's reply templates, in the order they were added."""
    return list(
        session.exec(
            select(ReplyTemplate)
            .where(ReplyTemplate.team_id == team_id)
            .order_by(col(ReplyTemplate.id))
        ).all()
    )
