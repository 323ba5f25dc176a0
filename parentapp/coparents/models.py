"""A carer's request that the team invite another carer of their baby."""

import enum
from datetime import datetime

from sqlmodel import Field, SQLModel

from parentapp.db import UTCDateTime, utcnow


class Status(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class CoparentRequest(SQLModel, table=True):
    """Who the asking carer would like invited, and what the team decided.

    The contact details are kept only while the request waits: deciding or withdrawing it
    clears them (the invitation email carries its address sealed in the outbox until sent).
    """

    __tablename__ = "coparent_request"

    id: int | None = Field(default=None, primary_key=True)
    family_id: int = Field(foreign_key="family.id", index=True)
    # The asking carer (a Carer row): only they see the request on their home page.
    carer_id: int = Field(foreign_key="carer.id", index=True)
    name: str = Field(max_length=80)
    carer_role: str = Field(max_length=24)
    carer_role_other: str | None = Field(default=None, max_length=80)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=32)
    # The invitee's language for the invitation email (a code of parentapp.i18n).
    locale: str | None = Field(default=None, max_length=8)
    status: str = Field(default=Status.PENDING.value, max_length=16, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    # For the team's record only: the asking carer is told in neutral words, not this.
    decline_reason: str | None = Field(default=None, max_length=200)
    invitation_id: int | None = Field(default=None, foreign_key="invitation.id")
