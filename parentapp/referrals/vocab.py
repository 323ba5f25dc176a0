"""The words of a referral, as data: its states, the reasons a referrer may tick, how urgent
it is, who referrers are, and why a team may decline. The labels are what people read."""

import enum

from flask_babel import lazy_gettext as _l


class State(enum.StrEnum):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CONTACT_OFFERED = "contact_offered"
    CONTACT_MADE = "contact_made"
    CLOSED = "closed"


class Urgency(enum.StrEnum):
    ROUTINE = "routine"
    URGENT = "urgent"


STATE_LABELS = {
    State.RECEIVED: _l("Received"),
    State.ACKNOWLEDGED: _l("Acknowledged"),
    State.ACCEPTED: _l("Accepted"),
    State.DECLINED: _l("Declined"),
    State.CONTACT_OFFERED: _l("First appointment offered"),
    State.CONTACT_MADE: _l("First appointment made"),
    State.CLOSED: _l("Closed"),
}

URGENCY_LABELS = {
    Urgency.ROUTINE: _l("Routine"),
    Urgency.URGENT: _l("Urgent: please look at this today"),
}

# The short list of reasons a referrer ticks (with free text beside it). Plain words a
# professional outside mental health would use; the team reads the free text for the detail.
REASONS = {
    "low_mood": _l("Low mood or depression"),
    "anxiety": _l("Anxiety or worry"),
    "bonding": _l("Concerns about bonding with the baby"),
    "birth_trauma": _l("A difficult or traumatic birth"),
    "past_illness": _l("A past mental illness"),
    "thoughts_of_harm": _l("Thoughts of self-harm or of harming the baby"),
    "other": _l("Something else"),
}

PROFESSIONS = {
    "health_visitor": _l("Health visitor"),
    "gp": _l("GP"),
    "midwife": _l("Midwife"),
    "social_worker": _l("Social worker"),
    "other": _l("Other professional"),
}

DECLINE_REASONS = {
    "criteria": _l("The referral does not meet the team's criteria"),
    "area": _l("The family lives outside the team's area"),
    "other_service": _l("Another service is better placed to help"),
    "family_declined": _l("The family did not want to go ahead"),
    "other": _l("Another reason"),
}

REASON_TEXT_MAX = 2000
SIGNPOST_MAX = 300


def number(referral_id: int | None) -> str:
    """The referral's reference, as the referrer and the team quote it (no name in it)."""
    return f"R-{referral_id or 0:05d}"
