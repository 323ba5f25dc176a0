"""What a joined carer sees of the referral that brought their family: its steps, on their
home page, in their own language (``families.home``), and the label filter the referrer's
email uses."""

from flask import Flask
from sqlmodel import Session

from parentapp.families.home import HomeSection, add_home_section
from parentapp.families.models import Carer
from parentapp.referrals.queries import referral_of_family
from parentapp.referrals.timeline import timeline
from parentapp.referrals.vocab import DECLINE_REASONS, STATE_LABELS, State


def referral_section(session: Session, carer: Carer) -> HomeSection | None:
    """The steps of the family's referral, while it is the family's way in (not once closed)."""
    referral = referral_of_family(session, carer.family_id)
    if referral is None or referral.closed_at is not None:
        return None
    return HomeSection("referrals/_home.html", {"steps": timeline(referral)})


def decline_reason_label(code: object) -> str:
    return str(DECLINE_REASONS.get(str(code), DECLINE_REASONS["other"]))


def state_label(code: object) -> str:
    return str(STATE_LABELS.get(State(str(code)), code))


def init_app(app: Flask) -> None:
    add_home_section(app, referral_section)
    app.jinja_env.filters["referral_decline_reason"] = decline_reason_label
    app.jinja_env.filters["referral_state"] = state_label
