"""A referral's steps so far, as everyone who follows it sees them (the referrer, the team, the
joined carer): each reached step with when it happened; nothing clinical."""

from dataclasses import dataclass
from datetime import datetime

from parentapp.referrals.models import Referral
from parentapp.referrals.vocab import State


@dataclass(frozen=True)
class Reached:
    state: State
    at: datetime
    # For an offered first contact: the appointment offered.
    appointment_at: datetime | None = None


def timeline(referral: Referral) -> list[Reached]:
    """The steps ``referral`` has reached, in order."""
    steps: list[tuple[State, datetime | None]] = [
        (State.RECEIVED, referral.received_at),
        (State.ACKNOWLEDGED, referral.acknowledged_at),
        (
            State.DECLINED if referral.decline_reason else State.ACCEPTED,
            referral.triaged_at,
        ),
        (State.CONTACT_OFFERED, referral.contact_offered_at),
        (State.CONTACT_MADE, referral.contact_made_at),
        # A declined referral closes in the same step: its closing says nothing more.
        (State.CLOSED, None if referral.decline_reason else referral.closed_at),
    ]
    return [
        Reached(
            state=state,
            at=at,
            appointment_at=referral.appointment_at if state == State.CONTACT_OFFERED else None,
        )
        for state, at in steps
        if at is not None
    ]
