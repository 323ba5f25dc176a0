"""A referral, its babies, and what the team knows of each referrer."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel

from parentapp.db import UTCDateTime, utcnow
from parentapp.referrals.vocab import State, Urgency


class ReferrerProfile(SQLModel, table=True):
    """What kind of professional a referrer account is (for the acceptance rate by referrer
    type) and where they work; set by the lead who created the account."""

    __tablename__ = "referrer_profile"

    user_id: int = Field(foreign_key="user_account.id", primary_key=True)
    profession: str = Field(max_length=32)
    organisation: str | None = Field(default=None, max_length=120)


class Referral(SQLModel, table=True):
    """A family referred to a team, and how far the team has got with it.

    Each step keeps who took it and when; ``due_at`` is when the next one is owed, and
    ``escalation_level`` how far an overdue referral has gone (as for flags: 1 the duty
    clinician, 2 the lead), reset at every step.
    """

    __tablename__ = "referral"

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    referrer_id: int = Field(foreign_key="user_account.id", index=True)
    # Copied from the referrer's profile when sent: the rate by referrer type counts what
    # they were then.
    referrer_type: str = Field(max_length=32)
    carer_name: str = Field(max_length=80)
    carer_email: str | None = Field(default=None, max_length=254)
    carer_phone: str | None = Field(default=None, max_length=40)
    language: str = Field(default="en", max_length=16)
    reasons: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    reason_text: str = Field(sa_column=Column(sa.Text, nullable=False))
    consent: bool = Field(default=False)
    urgency: str = Field(default=Urgency.ROUTINE.value, max_length=16)
    state: str = Field(default=State.RECEIVED.value, max_length=16, index=True)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    triaged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    triaged_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    decline_reason: str | None = Field(default=None, max_length=32)
    signposted_to: str | None = Field(default=None, max_length=300)
    family_id: int | None = Field(default=None, foreign_key="family.id", index=True)
    contact_offered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    contact_offered_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    # The first appointment offered to the family.
    appointment_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    contact_made_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    contact_made_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    escalation_level: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    escalated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ReferralInfant(SQLModel, table=True):
    """A baby (or a pregnancy) named in a referral; becomes the family's baby on acceptance."""

    __tablename__ = "referral_infant"

    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    name: str = Field(max_length=80)
    date_of_birth: date | None = None
    due_date: date | None = None
