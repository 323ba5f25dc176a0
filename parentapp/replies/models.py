"""Who of the team has read each check-in, the team's reply templates, and the replies
clinicians send to carers about a check-in."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel

from parentapp.db import UTCDateTime, utcnow

# Short enough to read on a locked phone's app at a glance; long enough for a kind sentence.
REPLY_MAX = 500


class CheckinRead(SQLModel, table=True):
    """The first time one member of the family's clinical team was shown one check-in's
    answers (the page that showed them wrote an audit record in the same transaction)."""

    __tablename__ = "checkin_read"
    __table_args__ = (sa.UniqueConstraint("checkin_id", "reader_id", name="uq_checkin_read"),)

    id: int | None = Field(default=None, primary_key=True)
    checkin_id: int = Field(foreign_key="checkin.id", index=True)
    reader_id: int = Field(foreign_key="user_account.id")
    read_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ReplyTemplate(SQLModel, table=True):
    """A reply a team's clinicians may send as it is, in the team's words and in translations."""

    __tablename__ = "reply_template"

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    # In English, the team's own language for its records.
    text: str = Field(max_length=REPLY_MAX)
    # language code -> the same reply in that language (only the languages written).
    translations: dict[str, str] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Reply(SQLModel, table=True):
    """A short message from a clinician to the carer about one of their check-ins.

    The words are copied when it is sent (a template edited or removed later does not change
    what the carer was told).
    """

    __tablename__ = "checkin_reply"

    id: int | None = Field(default=None, primary_key=True)
    checkin_id: int = Field(foreign_key="checkin.id", index=True)
    carer_id: int = Field(foreign_key="carer.id", index=True)
    author_id: int = Field(foreign_key="user_account.id")
    # The template chosen, if any (kept as a number only: templates may be removed).
    template_id: int | None = Field(default=None)
    text: str = Field(sa_column=Column(sa.Text, nullable=False))
    translations: dict[str, str] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    sent_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # When the worker told the carer there is a message, and how ("push", "email", "none").
    notified_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    notified_by: str | None = Field(default=None, max_length=16)

    def text_in(self, locale: str | None) -> str:
        """The words in the carer's language when the template had them, else as written."""
        return self.translations.get(locale or "", self.text) if self.translations else self.text
