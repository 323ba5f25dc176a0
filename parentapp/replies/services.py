"""Writes: recording that a clinician was shown a check-in, sending a reply to it, the
carer reading their replies, and a lead's reply templates."""

from collections.abc import Mapping, Sequence
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from parentapp.accounts.models import Role, User
from parentapp.audit.services import record
from parentapp.checkins.models import CheckIn
from parentapp.db import utcnow
from parentapp.errors import DomainError, NotFoundError
from parentapp.families.models import Carer, Family
from parentapp.i18n.languages import BY_CODE, DEFAULT
from parentapp.replies.models import REPLY_MAX, CheckinRead, Reply, ReplyTemplate

CLINICAL_ROLES = (Role.CLINICIAN.value, Role.LEAD.value)


def is_team_reader(user: User, family: Family) -> bool:
    """Whether ``user`` is clinical staff of the family's team (an administrator never is)."""
    return user.role in CLINICAL_ROLES and user.team_id == family.team_id and user.active


def note_read(*, session: Session, reader: User, checkins: Sequence[CheckIn]) -> int:
    """Add that ``reader`` was shown these check-ins (the first time only); never commits:
    the page's audit record commits it, so a read is stored only with its audit record.
    Check-ins of another team's families, and readers who are not clinical staff, are
    skipped. How many were offered for recording."""
    families: dict[int, Family | None] = {}
    rows = []
    now = utcnow()
    for checkin in checkins:
        if checkin.family_id not in families:
            families[checkin.family_id] = session.get(Family, checkin.family_id)
        family = families[checkin.family_id]
        if family is None or checkin.id is None or not is_team_reader(reader, family):
            continue
        rows.append({"checkin_id": checkin.id, "reader_id": reader.id, "read_at": now})
    if not rows:
        return 0
    # Two tabs opening the same check-in at once must not fail the page on the unique pair.
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(CheckinRead)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["checkin_id", "reader_id"])
    )
    return len(rows)


def checkin_for_staff(session: Session, user: User, checkin_id: int) -> tuple[CheckIn, Family]:
    """A check-in of a family of the user's team, not of a closed (restricted) account.

    :raises NotFoundError: no such check-in, or not one the user may see.
    """
    checkin = session.get(CheckIn, checkin_id)
    family = session.get(Family, checkin.family_id) if checkin is not None else None
    carer = session.get(Carer, checkin.carer_id) if checkin is not None else None
    if (
        checkin is None
        or family is None
        or carer is None
        or carer.restricted_at is not None
        or not is_team_reader(user, family)
    ):
        raise NotFoundError("checkin")
    return checkin, family


def send_reply(
    *,
    session: Session,
    actor: User,
    checkin_id: int,
    template_id: int | None,
    text: str | None,
    now: datetime | None = None,
) -> Reply:
    """Send the carer a reply to one of their check-ins: one of the team's templates (with its
    translations) or the clinician's own words; audited without the words; commits. The
    carer is told there is a message by the reply job (``replies.jobs``), never what it says.

    :raises NotFoundError: the check-in is not one of the actor's team's.
    :raises DomainError: neither or both of a template and words, too long, or a template
        that is not the team's.
    """
    checkin, family = checkin_for_staff(session, actor, checkin_id)
    words = (text or "").strip()
    if template_id and words:
        raise DomainError(_("Choose a reply or write your own, not both."), field="text")
    translations: dict[str, str] = {}
    if template_id:
        template = session.get(ReplyTemplate, template_id)
        if template is None or template.team_id != family.team_id:
            raise DomainError(_("Choose one of your team's replies."), field="template_id")
        words, translations = template.text, dict(template.translations)
    elif not words:
        raise DomainError(_("Choose a reply or write a short message."), field="text")
    elif len(words) > REPLY_MAX:
        raise DomainError(
            _("Keep the message to %(max)d characters or fewer.", max=REPLY_MAX), field="text"
        )
    reply = Reply(
        checkin_id=checkin.id or 0,
        carer_id=checkin.carer_id,
        author_id=actor.id or 0,
        template_id=template_id or None,
        text=words,
        translations=translations,
        sent_at=now or utcnow(),
    )
    session.add(reply)
    session.flush()
    record(
        session=session,
        action="reply.sent",
        actor_id=actor.id,
        target_type="checkin",
        target_id=checkin.id,
        detail=f"reply={reply.id} template={template_id}" if template_id else f"reply={reply.id}",
    )
    session.commit()
    return reply


def mark_replies_read(*, session: Session, carer: Carer, now: datetime | None = None) -> int:
    """Mark every unread reply to ``carer`` read (they opened their messages); commits."""
    result = session.execute(
        sa.update(Reply)
        .where(col(Reply.carer_id) == carer.id, col(Reply.read_at).is_(None))
        .values(read_at=now or utcnow())
    )
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


def _clean(text: str | None, translations: Mapping[str, str | None]) -> tuple[str, dict[str, str]]:
    words = (text or "").strip()
    if not words:
        raise DomainError(_("Write the reply in English."), field="text")
    if len(words) > REPLY_MAX:
        raise DomainError(
            _("Keep the reply to %(max)d characters or fewer.", max=REPLY_MAX), field="text"
        )
    kept = {}
    for code, value in translations.items():
        if code not in BY_CODE or code == DEFAULT.code:
            continue
        written = (value or "").strip()
        if len(written) > REPLY_MAX:
            raise DomainError(
                _("Keep the reply to %(max)d characters or fewer.", max=REPLY_MAX),
                field=f"text_{code}",
            )
        if written:
            kept[code] = written
    return words, kept


def _lead_of(actor: User) -> int:
    if actor.role != Role.LEAD.value or actor.team_id is None:
        raise NotFoundError("team")
    return actor.team_id


def _own_template(session: Session, actor: User, template_id: int) -> ReplyTemplate:
    team_id = _lead_of(actor)
    template = session.get(ReplyTemplate, template_id)
    if template is None or template.team_id != team_id:
        raise NotFoundError("reply_template")
    return template


def add_template(
    *, session: Session, actor: User, text: str | None, translations: Mapping[str, str | None]
) -> ReplyTemplate:
    """A lead adds a reply template to their team; commits.

    :raises NotFoundError: the actor is not a team lead.
    :raises DomainError: no English text, or a text too long.
    """
    team_id = _lead_of(actor)
    words, kept = _clean(text, translations)
    template = ReplyTemplate(team_id=team_id, text=words, translations=kept)
    session.add(template)
    session.flush()
    record(
        session=session,
        action="reply_template.added",
        actor_id=actor.id,
        target_type="reply_template",
        target_id=template.id,
    )
    session.commit()
    return template


def edit_template(
    *,
    session: Session,
    actor: User,
    template_id: int,
    text: str | None,
    translations: Mapping[str, str | None],
) -> ReplyTemplate:
    """A lead changes one of their team's reply templates (replies already sent keep their
    words); commits.

    :raises NotFoundError: not a template of the lead's team.
    :raises DomainError: no English text, or a text too long.
    """
    template = _own_template(session, actor, template_id)
    words, kept = _clean(text, translations)
    template.text, template.translations, template.updated_at = words, kept, utcnow()
    session.add(template)
    record(
        session=session,
        action="reply_template.changed",
        actor_id=actor.id,
        target_type="reply_template",
        target_id=template.id,
    )
    session.commit()
    return template


def delete_template(*, session: Session, actor: User, template_id: int) -> None:
    """A lead removes one of their team's reply templates; commits.

    :raises NotFoundError: not a template of the lead's team.
    """
    template = _own_template(session, actor, template_id)
    record(
        session=session,
        action="reply_template.removed",
        actor_id=actor.id,
        target_type="reply_template",
        target_id=template.id,
    )
    session.delete(template)
    session.commit()
