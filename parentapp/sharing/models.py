"""Shares of a carer's summary with another professional, and each time one was opened."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel

from parentapp.db import UTCDateTime, utcnow


class Share(SQLModel, table=True):
    """One carer's summary shared with one named professional until ``expires_at``.

    What goes in is chosen when it is made and kept here (which questionnaires, which notes,
    whether the clinician's last summary); the page is drawn from those choices when opened,
    never from anything added later.
    """

    __tablename__ = "share"

    id: int | None = Field(default=None, primary_key=True)
    carer_id: int = Field(foreign_key="carer.id", index=True)
    # The carer's family, so a clinician's list is one query scoped to their team.
    family_id: int = Field(foreign_key="family.id", index=True)
    created_by_id: int = Field(foreign_key="user_account.id")
    # Made by a clinician: how the carer agreed (in person or by phone); None when the carer
    # made it themselves.
    agreed_how: str | None = Field(default=None, max_length=16)
    recipient_name: str = Field(max_length=120)
    # health_visitor | gp | midwife | other (sharing.vocab.RecipientRole)
    recipient_role: str = Field(max_length=24)
    recipient_email: str = Field(max_length=254)
    # The language the page (and the email) is in, chosen for the recipient.
    locale: str = Field(max_length=16)
    # SHA-256 of the token in the link; the token itself is never stored.
    token_hash: str = Field(max_length=64, unique=True, index=True)
    # SHA-256 of the share's token hash and the short code: the code is shown once, never kept.
    code_hash: str = Field(max_length=64)
    # The questionnaires whose trend is shared (instrument ids), from ``trend_since`` to when
    # the share was made.
    instruments: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    trend_since: datetime = Field(sa_type=UTCDateTime)
    # The check-ins whose notes are shared (the carer's own).
    note_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    clinician_summary: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    # Too many wrong codes: the share stops working, as if revoked, and the carer sees why.
    locked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    failed_codes: int = Field(default=0, sa_column_kwargs={"server_default": sa.text("0")})


class ShareOpening(SQLModel, table=True):
    """The recipient opened the share with the right code, at ``opened_at``."""

    __tablename__ = "share_opening"

    id: int | None = Field(default=None, primary_key=True)
    share_id: int = Field(foreign_key="share.id", index=True)
    opened_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
