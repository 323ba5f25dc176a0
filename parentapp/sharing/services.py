"""Making, stopping and opening shares. Every change is audited, with no clinical content and
no recipient's address in the log."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlmodel import Session, col, select

from parentapp.accounts.models import Role, User
from parentapp.audit.services import record, record_now
from parentapp.config import Settings
from parentapp.errors import DomainError, NotFoundError
from parentapp.families.models import Carer, Family
from parentapp.i18n.languages import BY_CODE
from parentapp.notifications.models import Channel
from parentapp.notifications.services import Kind, enqueue
from parentapp.sealing import seal
from parentapp.sharing import codes, queries
from parentapp.sharing.models import Share, ShareOpening
from parentapp.sharing.vocab import AgreedHow, RecipientRole, Status
from parentapp.teams.models import Team

MIN_DAYS, DEFAULT_DAYS, MAX_DAYS = 1, 7, 14
# The share locks at this many wrong codes: the fifth wrong code is the last one tried.
MAX_WRONG_CODES = 5


class ShareUnavailableError(DomainError):
    """A link that is unknown, expired, stopped or locked: one message for all of them."""

    def __init__(self, *, known: bool) -> None:
        super().__init__(
            _(
                "This link cannot be used. It may have expired or been stopped. "
                "Ask the person who shared it with you for a new one."
            )
        )
        self.known = known


class WrongCodeError(DomainError):
    """The code typed is not the share's."""


@dataclass(frozen=True)
class Created:
    share: Share
    # Shown once to whoever made the share, to pass on by another route; never stored.
    code: str


@dataclass(frozen=True)
class Choices:
    """What goes into a share, as chosen on the form."""

    recipient_name: str
    recipient_role: str
    recipient_email: str
    locale: str
    days: int
    instruments: Sequence[str]
    note_ids: Sequence[int]
    clinician_summary: bool


def _allowed(session: Session, actor: User, carer: Carer) -> Family:
    """The carer's family when ``actor`` may share or stop for this carer (the carer, or a
    clinician of the family's team).

    :raises NotFoundError: anyone else (it looks as if the carer did not exist).
    """
    family = session.get(Family, carer.family_id)
    if family is None:
        raise NotFoundError("carer")
    if actor.role == Role.CARER.value and carer.user_id == actor.id:
        return family
    if actor.is_clinical and family.team_id == actor.team_id:
        return family
    raise NotFoundError("carer")


def _check(session: Session, carer: Carer, choices: Choices, now: datetime) -> None:
    """The rules the form cannot check; the first broken one is raised, beside its field."""
    if not MIN_DAYS <= choices.days <= MAX_DAYS:
        raise DomainError(_("Choose between 1 and 14 days."), "days")
    if choices.recipient_role not in {r.value for r in RecipientRole}:
        raise DomainError(_("Choose who they are."), "recipient_role")
    if choices.locale not in BY_CODE:
        raise DomainError(_("Choose a language."), "locale")
    offered = queries.shareable(session, carer, now)
    if not set(choices.instruments) <= {g.instrument_id for g in offered.instruments}:
        raise DomainError(_("Choose from the questionnaires listed."), "instruments")
    if not set(choices.note_ids) <= {n.id for n in offered.notes}:
        raise DomainError(_("Choose from the notes listed."), "note_ids")
    if choices.clinician_summary and offered.clinician_summary is None:
        raise DomainError(
            _("There is no summary from your clinician to share."), "clinician_summary"
        )
    if not (choices.instruments or choices.note_ids or choices.clinician_summary):
        raise DomainError(_("Choose at least one thing to share."), "instruments")


def create_share(
    *,
    session: Session,
    actor: User,
    carer: Carer,
    choices: Choices,
    now: datetime,
    agreed: bool = False,
    agreed_how: str | None = None,
) -> Created:
    """Share ``carer``'s chosen summary with a named professional for ``choices.days``.

    The link is emailed to the professional through the outbox (its token sealed until sent);
    the code is returned, to be shown once. A clinician shares only with the carer's agreement
    recorded (``agreed`` and how).

    :raises NotFoundError: the actor may not share for this carer.
    :raises DomainError: a choice breaks a rule (its field named).
    """
    family = _allowed(session, actor, carer)
    by_staff = actor.role != Role.CARER.value
    if by_staff:
        if not agreed:
            raise DomainError(_("Tick to say the carer agreed to this share."), "agreed")
        if agreed_how not in {a.value for a in AgreedHow}:
            raise DomainError(_("Say how the carer agreed."), "agreed_how")
    _check(session, carer, choices, now)
    token, code = codes.new_token(), codes.new_code()
    hashed = codes.token_hash(token)
    share = Share(
        carer_id=carer.id or 0,
        family_id=family.id or 0,
        created_by_id=actor.id or 0,
        agreed_how=agreed_how if by_staff else None,
        recipient_name=choices.recipient_name.strip(),
        recipient_role=choices.recipient_role,
        recipient_email=choices.recipient_email.strip(),
        locale=choices.locale,
        token_hash=hashed,
        code_hash=codes.code_hash(hashed, code),
        instruments=sorted(set(choices.instruments)),
        trend_since=now - queries.TREND_WINDOW,
        note_ids=sorted(set(choices.note_ids)),
        clinician_summary=choices.clinician_summary,
        created_at=now,
        expires_at=now + timedelta(days=choices.days),
    )
    session.add(share)
    session.flush()
    settings: Settings = current_app.config["PARENTAPP_SETTINGS"]
    team = session.get_one(Team, family.team_id)
    # The email goes to someone with no account: the row is the carer's (it is about them and
    # is dropped if their account closes), its address and token sealed and wiped once sent.
    enqueue(
        session=session,
        recipient_id=carer.user_id,
        kind=Kind.SHARE_LINK,
        channels=[Channel.EMAIL],
        payload={
            "sealed": seal(settings.secret_key, token),
            "to": seal(settings.secret_key, share.recipient_email),
            "locale": share.locale,
            "team": team.name,
            "expires_at": share.expires_at.isoformat(),
        },
        now=now,
    )
    record(
        session=session,
        action="share.created",
        actor_id=actor.id,
        target_type="share",
        target_id=share.id,
        detail=f"role={share.recipient_role} days={choices.days}"
        + (f" agreed={agreed_how}" if by_staff else ""),
    )
    session.commit()
    return Created(share, code)


def revoke_share(
    *, session: Session, actor: User, share_id: int, now: datetime, family_id: int | None = None
) -> Share:
    """Stop a share at once. The carer stops their own; a clinician any of their team's
    families' (``family_id``: the family whose page they are on). Stopping a share that no
    longer opens changes nothing.

    :raises NotFoundError: no such share, or not the actor's to stop.
    """
    share = session.get(Share, share_id)
    if share is None or (family_id is not None and share.family_id != family_id):
        raise NotFoundError("share")
    carer = session.get(Carer, share.carer_id)
    if carer is None:
        raise NotFoundError("share")
    _allowed(session, actor, carer)
    if share.revoked_at is None:
        share.revoked_at = now
        share.revoked_by_id = actor.id
        session.add(share)
        record(
            session=session,
            action="share.revoked",
            actor_id=actor.id,
            target_type="share",
            target_id=share.id,
        )
        session.commit()
    return share


def live_share(session: Session, *, token: str, now: datetime) -> Share:
    """The share of ``token`` if its link still opens.

    :raises ShareUnavailableError: unknown, expired, stopped or locked, or the carer's account
        is closed (audited, with why).
    """
    share = session.exec(select(Share).where(Share.token_hash == codes.token_hash(token))).first()
    state = queries.status(share, now).value if share is not None else "unknown"
    carer = session.get(Carer, share.carer_id) if share is not None else None
    if carer is not None and carer.closed_at is not None:
        # A closed account's record is restricted to the team's leads: no share of it opens.
        state = "account closed"
    if share is None or state != Status.ACTIVE.value:
        record_now(
            action="share.link_refused",
            target_type="share" if share else None,
            target_id=share.id if share else None,
            detail=state,
        )
        raise ShareUnavailableError(known=share is not None)
    return share


def open_share(session: Session, *, token: str, code: str, now: datetime) -> Share:
    """Open a live share with its code: the opening is logged for the carer to see.

    A wrong code counts against the share; the fifth locks it.

    :raises ShareUnavailableError: the link no longer opens.
    :raises WrongCodeError: the code is wrong (field ``code``).
    """
    share = live_share(session, token=token, now=now)
    if not codes.code_matches(share.token_hash, share.code_hash, code):
        # Counted in the database, not in Python: two guesses at once both count.
        session.execute(
            sa.update(Share)
            .where(col(Share.id) == share.id)
            .values(failed_codes=col(Share.failed_codes) + 1)
        )
        session.refresh(share)
        locked = share.failed_codes >= MAX_WRONG_CODES and share.locked_at is None
        if locked:
            share.locked_at = now
            session.add(share)
        record(
            session=session,
            action="share.code_refused",
            target_type="share",
            target_id=share.id,
            detail=f"wrong codes: {share.failed_codes}",
        )
        if locked:
            record(session=session, action="share.locked", target_type="share", target_id=share.id)
        session.commit()
        if locked:
            raise ShareUnavailableError(known=True)
        raise WrongCodeError(_("That code is not right. Check it and try again."), "code")
    session.add(ShareOpening(share_id=share.id or 0, opened_at=now))
    record(session=session, action="share.opened", target_type="share", target_id=share.id)
    session.commit()
    return share
