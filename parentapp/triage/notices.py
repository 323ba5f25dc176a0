"""A flag's notices: who is told of a new, urgent or escalated flag, and the daily digest of
open flags. Each is an outbox row (``notifications.services.enqueue``) in the flag's own
transaction; delivery and retries are the outbox's."""

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from parentapp.accounts.models import CLINICAL_ROLES, User
from parentapp.db import utcnow
from parentapp.leave.services import active_covers, route, team_today
from parentapp.notifications.delivery import StandIns
from parentapp.notifications.models import Channel, Notification
from parentapp.notifications.services import Kind, enqueue
from parentapp.teams.models import Team
from parentapp.triage.models import Flag
from parentapp.triage.reach import stand_ins
from parentapp.triage.vocab import Category, FlagState, Severity


def _handler(session: Session, flag: Flag, now: datetime) -> int:
    """Who acts on ``flag`` today: its owner, or whoever covers the owner's leave."""
    team = session.get(Team, flag.team_id)
    if team is None:
        return flag.owner_id
    return route(flag.owner_id, active_covers(session, flag.team_id, team_today(team, now)))


def flag_stand_ins(session: Session, row: Notification, now: datetime) -> StandIns | None:
    """For the outbox: who is told a flag's notice instead of an account no longer active
    (``triage.reach.stand_ins``); None for a notice about no flag."""
    if row.flag_id is None:
        return None
    flag = session.get(Flag, row.flag_id)
    team = session.get(Team, flag.team_id) if flag is not None else None
    if flag is None or team is None:
        return None
    return StandIns(
        ids=stand_ins(session, team, now, instead_of=row.recipient_id),
        target_type="flag",
        target_id=flag.id or 0,
        among=f"team {team.id}",
    )


def _rows(
    *,
    session: Session,
    flag: Flag,
    kind: Kind,
    recipient_id: int,
    email: bool,
    now: datetime,
    payload: dict[str, object],
) -> list[Notification]:
    channels = [Channel.IN_APP, Channel.EMAIL] if email else [Channel.IN_APP]
    return enqueue(
        session=session,
        recipient_id=recipient_id,
        kind=kind,
        channels=channels,
        payload=payload,
        now=now,
        flag_id=flag.id,
    )


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
    rows = _rows(
        session=session, flag=flag, kind=kind, recipient_id=handler, email=email, now=now,
        payload=payload,
    )  # fmt: skip
    if handler != flag.owner_id:
        rows += _rows(
            session=session, flag=flag, kind=kind, recipient_id=flag.owner_id, email=False,
            now=now, payload=payload,
        )  # fmt: skip
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
            session=session,
            flag=flag,
            kind=Kind.FLAG_ESCALATED,
            recipient_id=recipient_id,
            email=True,
            now=now,
            payload=payload,
        )
    ]
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
            enqueue(
                session=session,
                recipient_id=user_id,
                kind=Kind.DIGEST,
                channels=[Channel.EMAIL],
                payload={"total": total, "urgent": urgent, "day": local.date().isoformat()},
                now=now,
                created_at=now,
            )
            queued += 1
    session.commit()
    return queued
