"""Writing notifications: outbox rows added in the caller's transaction, and the daily digest."""

import enum
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from parentapp.accounts.models import CLINICAL_ROLES, User
from parentapp.db import utcnow
from parentapp.leave.services import active_covers, route, team_today
from parentapp.notifications.models import Channel, Notification
from parentapp.teams.models import Team
from parentapp.triage.models import Flag
from parentapp.triage.vocab import Category, FlagState, Severity


class Kind(enum.StrEnum):
    FLAG_OPENED = "flag_opened"
    # A live flag's severity was raised to urgent by a later check-in.
    FLAG_URGENT = "flag_urgent"
    # Another urgent answer on a live urgent flag (re-opened if it had been acknowledged).
    FLAG_REPEAT = "flag_repeat"
    FLAG_ESCALATED = "flag_escalated"
    # A family was reassigned: its live flags are now this clinician's.
    FLAG_REASSIGNED = "flag_reassigned"
    DIGEST = "digest"
    # To a carer: a check-in is due (the email fallback of a push reminder).
    REMINDER = "reminder"


def _handler(session: Session, flag: Flag, now: datetime) -> int:
    """Who acts on ``flag`` today: its owner, or whoever covers the owner's leave."""
    team = session.get(Team, flag.team_id)
    if team is None:
        return flag.owner_id
    return route(flag.owner_id, active_covers(session, flag.team_id, team_today(team, now)))


def _rows(
    *,
    flag: Flag,
    kind: Kind,
    recipient_id: int,
    email: bool,
    now: datetime,
    payload: dict[str, object],
) -> list[Notification]:
    channels = [Channel.IN_APP, Channel.EMAIL] if email else [Channel.IN_APP]
    return [
        Notification(
            recipient_id=recipient_id,
            channel=channel.value,
            kind=kind.value,
            flag_id=flag.id,
            payload=payload,
            deliver_after=now,
        )
        for channel in channels
    ]


def notify_flag(
    *, session: Session, flag: Flag, kind: Kind = Kind.FLAG_OPENED, now: datetime | None = None
) -> list[Notification]:
    """Add the notifications a new (or newly urgent) flag needs; flushes, never commits.

    The clinician who acts on it today (the owner, or their cover while they are on leave)
    gets an in-app row; only urgent flags and requests to be contacted are emailed at once
    (with no clinical details, like every email): the rest are counted in the daily digest,
    so a busy week is not a storm of emails. An owner on leave still gets the in-app row, to
    find on their return.
    """
    now = now or utcnow()
    payload: dict[str, object] = {"severity": flag.severity}
    # A request to be contacted is emailed at once like an urgent flag: the carer has been
    # told by when someone will be in touch, and the digest comes too late for that.
    email = (
        flag.severity == Severity.URGENT.value or flag.category == Category.CONTACT_REQUEST.value
    )
    handler = _handler(session, flag, now)
    rows = _rows(flag=flag, kind=kind, recipient_id=handler, email=email, now=now, payload=payload)
    if handler != flag.owner_id:
        rows += _rows(
            flag=flag, kind=kind, recipient_id=flag.owner_id, email=False, now=now, payload=payload
        )
    session.add_all(rows)
    session.flush()
    return rows


def notify_escalation(
    *, session: Session, flag: Flag, recipient_ids: list[int], level: int, now: datetime
) -> list[Notification]:
    """In-app and email notices to each person an urgent flag has escalated to; flushes."""
    payload: dict[str, object] = {"severity": flag.severity, "level": level}
    rows = [
        row
        for recipient_id in recipient_ids
        for row in _rows(
            flag=flag,
            kind=Kind.FLAG_ESCALATED,
            recipient_id=recipient_id,
            email=True,
            now=now,
            payload=payload,
        )
    ]
    session.add_all(rows)
    session.flush()
    return rows


def _local_day_start(now: datetime, time_zone: str) -> tuple[datetime, datetime]:
    """(local now, the UTC moment the team's local day began)."""
    local = now.astimezone(ZoneInfo(time_zone))
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return local, midnight.astimezone(now.tzinfo)


def _flag_counts(session: Session, owner_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per owner: (flags not closed, of which urgent), in one grouped query."""
    urgent = sa.func.sum(sa.case((col(Flag.severity) == Severity.URGENT.value, 1), else_=0))
    rows = session.exec(
        select(col(Flag.owner_id), sa.func.count(), urgent)
        .where(col(Flag.owner_id).in_(owner_ids), col(Flag.state) != FlagState.CLOSED.value)
        .group_by(col(Flag.owner_id))
    ).all()
    return {owner: (int(total), int(n_urgent or 0)) for owner, total, n_urgent in rows}


def _routed(
    counts: dict[int, tuple[int, int]], covers: dict[int, int]
) -> dict[int, tuple[int, int]]:
    """Counts per owner, with an absent owner's flags added to whoever covers them."""
    routed: dict[int, tuple[int, int]] = {}
    for owner, (total, urgent) in counts.items():
        target = route(owner, covers)
        before = routed.get(target, (0, 0))
        routed[target] = (before[0] + total, before[1] + urgent)
    return routed


def _already_sent_today(session: Session, recipient_ids: list[int], since: datetime) -> set[int]:
    rows = session.exec(
        select(col(Notification.recipient_id)).where(
            col(Notification.recipient_id).in_(recipient_ids),
            col(Notification.kind) == Kind.DIGEST.value,
            col(Notification.created_at) >= since,
        )
    ).all()
    return set(rows)


def queue_digests(*, session: Session, digest_hour: int, now: datetime | None = None) -> int:
    """Add today's digest email for each clinician who has open non-urgent flags; commits.

    A team's clinicians get it once its local clock has passed ``digest_hour``. Idempotent per
    clinician per local day (a digest row created since the team's local midnight counts), so
    the job can run every few seconds. On PostgreSQL an advisory lock keeps two workers from
    both writing one.
    """
    now = now or utcnow()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(4242001)"))
    queued = 0
    for team in session.exec(select(Team)).all():
        local, day_start = _local_day_start(now, team.time_zone)
        if local.hour < digest_hour:
            continue
        clinicians = session.exec(
            select(col(User.id)).where(
                col(User.team_id) == team.id,
                col(User.active).is_(True),
                col(User.role).in_([r.value for r in CLINICAL_ROLES]),
            )
        ).all()
        ids = [i for i in clinicians if i is not None]
        if not ids:
            continue
        covers = active_covers(session, team.id or 0, local.date())
        counts = _routed(_flag_counts(session, ids), covers)
        done = _already_sent_today(session, ids, day_start)
        for user_id in ids:
            total, urgent = counts.get(user_id, (0, 0))
            # Someone on leave gets no digest: their cover's counts include their flags.
            if total - urgent <= 0 or user_id in done or user_id in covers:
                continue
            session.add(
                Notification(
                    recipient_id=user_id,
                    channel=Channel.EMAIL.value,
                    kind=Kind.DIGEST.value,
                    payload={"total": total, "urgent": urgent, "day": local.date().isoformat()},
                    created_at=now,
                    deliver_after=now,
                )
            )
            queued += 1
    session.commit()
    return queued


def mark_all_read(*, session: Session, user: User, now: datetime | None = None) -> int:
    """Mark every unread in-app notification of ``user`` read; commits; how many changed."""
    now = now or utcnow()
    result = session.execute(
        sa.update(Notification)
        .where(
            col(Notification.recipient_id) == user.id,
            col(Notification.channel) == Channel.IN_APP.value,
            col(Notification.read_at).is_(None),
        )
        .values(read_at=now)
    )
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


def backoff(attempts: int) -> timedelta:
    """Wait before retry number ``attempts``: 1, 2, 4 ... minutes, at most an hour."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


__all__ = [
    "Kind",
    "backoff",
    "mark_all_read",
    "notify_escalation",
    "notify_flag",
    "queue_digests",
]
