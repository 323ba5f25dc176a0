"""What a referral's steps tell people, through the outbox: the referrer is emailed each step
(its number and the step; never the family's name or anything clinical), and the team is told
a referral arrived or is overdue."""

from datetime import datetime

from sqlmodel import Session

from parentapp.notifications.models import Channel
from parentapp.notifications.services import Kind, enqueue
from parentapp.referrals.models import Referral
from parentapp.referrals.vocab import Urgency, number
from parentapp.teams.models import Team
from parentapp.teams.queries import duty_clinician
from parentapp.triage.reach import leads_or_team


def tell_referrer(*, session: Session, referral: Referral, now: datetime) -> None:
    """Email the referrer the step the referral has reached (flushes)."""
    payload: dict[str, object] = {"number": number(referral.id), "step": referral.state}
    if referral.decline_reason is not None:
        # Where the family was pointed is what the referrer needs to follow up; it names a
        # service, not a finding.
        payload |= {
            "decline_reason": referral.decline_reason,
            "signposted_to": referral.signposted_to or "",
        }
    enqueue(
        session=session,
        recipient_id=referral.referrer_id,
        kind=Kind.REFERRAL_STEP,
        channels=[Channel.EMAIL],
        payload=payload,
        now=now,
    )


def tell_team(*, session: Session, referral: Referral, team: Team, now: datetime) -> None:
    """Tell the duty clinician and the leads (or, with neither, every clinician) that a
    referral arrived: in the app, and by email too when it is urgent (flushes)."""
    assert team.id is not None
    duty = duty_clinician(session, team.id)
    recipients = list(dict.fromkeys([*([duty.id] if duty and duty.id else []),
                                     *leads_or_team(session, team, now)]))  # fmt: skip
    urgent = referral.urgency == Urgency.URGENT.value
    channels = [Channel.IN_APP, Channel.EMAIL] if urgent else [Channel.IN_APP]
    for recipient_id in recipients:
        enqueue(
            session=session,
            recipient_id=recipient_id,
            kind=Kind.REFERRAL_RECEIVED,
            channels=channels,
            payload={"number": number(referral.id), "urgency": referral.urgency},
            now=now,
        )


def tell_overdue(
    *, session: Session, referral: Referral, recipient_ids: list[int], now: datetime
) -> None:
    """Tell whoever an overdue referral was escalated to: in the app and by email (flushes)."""
    for recipient_id in recipient_ids:
        enqueue(
            session=session,
            recipient_id=recipient_id,
            kind=Kind.REFERRAL_OVERDUE,
            channels=[Channel.IN_APP, Channel.EMAIL],
            payload={"number": number(referral.id), "level": referral.escalation_level},
            now=now,
        )
