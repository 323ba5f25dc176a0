"""Reads for referrals: a referrer's own, a team's queue, the overdue ones, and what a joined
carer is shown of the referral that brought their family."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from parentapp.accounts.models import User
from parentapp.referrals.models import Referral, ReferralInfant, ReferrerProfile
from parentapp.referrals.vocab import State

# States in which the team still owes the referral something.
OPEN_STATES = (
    State.RECEIVED.value,
    State.ACKNOWLEDGED.value,
    State.ACCEPTED.value,
    State.CONTACT_OFFERED.value,
)
# A referrer's or a team's list shows at most this many (newest first).
LIST_LIMIT = 200


def babies_of(session: Session, referral_id: int) -> list[ReferralInfant]:
    return list(
        session.exec(
            select(ReferralInfant)
            .where(ReferralInfant.referral_id == referral_id)
            .order_by(col(ReferralInfant.id))
        ).all()
    )


def referrals_by(session: Session, referrer_id: int) -> list[Referral]:
    """The referrals one referrer made, newest first."""
    return list(
        session.exec(
            select(Referral)
            .where(Referral.referrer_id == referrer_id)
            .order_by(col(Referral.received_at).desc(), col(Referral.id).desc())
            .limit(LIST_LIMIT)
        ).all()
    )


@dataclass(frozen=True)
class QueueRow:
    referral: Referral
    referrer: User
    profession: str
    overdue: bool


def team_queue(
    session: Session, team_id: int, now: datetime, *, finished: bool = False
) -> list[QueueRow]:
    """A team's referrals still owed something (or, with ``finished``, the closed and declined
    ones), the most overdue first; one query."""
    in_states = col(Referral.state).in_(OPEN_STATES)
    rows = session.exec(
        select(Referral, User, ReferrerProfile.profession)
        .join(User, col(User.id) == Referral.referrer_id)
        .join(ReferrerProfile, col(ReferrerProfile.user_id) == User.id, isouter=True)
        .where(Referral.team_id == team_id, sa.not_(in_states) if finished else in_states)
        .order_by(
            col(Referral.due_at).asc().nulls_last()
            if not finished
            else col(Referral.received_at).desc(),
            col(Referral.id),
        )
        .limit(LIST_LIMIT)
    ).all()
    return [
        QueueRow(
            referral=referral,
            referrer=referrer,
            profession=profession or "other",
            overdue=referral.due_at is not None and referral.due_at <= now,
        )
        for referral, referrer, profession in rows
    ]


def overdue_count(session: Session, team_id: int, now: datetime) -> int:
    """How many of a team's referrals are past their due-by (for the dashboard)."""
    return int(
        session.exec(
            select(sa.func.count(col(Referral.id))).where(
                Referral.team_id == team_id,
                col(Referral.state).in_(OPEN_STATES),
                col(Referral.due_at) <= now,
            )
        ).one()
    )


def referral_of_family(session: Session, family_id: int) -> Referral | None:
    """The referral a family was made from (the first, if there were several)."""
    return session.exec(
        select(Referral).where(Referral.family_id == family_id).order_by(col(Referral.id))
    ).first()


@dataclass(frozen=True)
class ReferrerRow:
    user: User
    profession: str
    organisation: str | None


def team_referrers(session: Session, team_id: int) -> list[ReferrerRow]:
    """The referrer accounts of a team, by name."""
    rows = session.exec(
        select(User, ReferrerProfile)
        .join(ReferrerProfile, col(ReferrerProfile.user_id) == User.id, isouter=True)
        .where(User.team_id == team_id, User.role == "referrer")
        .order_by(col(User.display_name), col(User.id))
    ).all()
    return [
        ReferrerRow(
            user=user,
            profession=profile.profession if profile else "other",
            organisation=profile.organisation if profile else None,
        )
        for user, profile in rows
    ]
