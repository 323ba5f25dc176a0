"""What a clinician does with a flag: acknowledge it, then close it with an outcome; and
handing a family's flags to its new clinician."""

from datetime import datetime

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from sqlmodel import Session, col, select

from parentapp.accounts.models import User
from parentapp.audit.services import record
from parentapp.db import utcnow
from parentapp.errors import DomainError, NotFoundError
from parentapp.families.models import Carer, Family
from parentapp.families.services import check_clinician
from parentapp.notifications.services import Kind
from parentapp.triage.models import Flag, FlagEvent
from parentapp.triage.notices import notify_flag
from parentapp.triage.vocab import CHOSEN_OUTCOMES, FlagState, Outcome

NOTE_MAX = 2000


class TransitionError(DomainError):
    """The flag is not in a state that allows this change (someone else may have got there)."""


def flag_for_clinician(session: Session, user: User, flag_id: int, *, lock: bool = False) -> Flag:
    """A flag of the clinician's own team.

    :raises NotFoundError: no such flag, or another team's (the two look the same).
    """
    flag = session.get(Flag, flag_id, with_for_update=lock or None, populate_existing=lock)
    if flag is None or not user.is_clinical or flag.team_id != user.team_id:
        raise NotFoundError("flag")
    # A closed account's record is restricted: its flags are read only through closure/'s
    # reasoned view for leads, never on the ordinary flag pages.
    carer = session.get(Carer, flag.carer_id)
    if carer is not None and carer.restricted_at is not None:
        raise NotFoundError("flag")
    return flag


def _clean(note: str | None) -> str | None:
    text = (note or "").strip()
    if len(text) > NOTE_MAX:
        message = ngettext(
            "Please keep the note under %(limit)s character.",
            "Please keep the note under %(limit)s characters.",
            NOTE_MAX,
            limit=format_decimal(NOTE_MAX),
        )
        raise DomainError(message, "note")
    return text or None


def acknowledge(
    *, session: Session, actor: User, flag_id: int, note: str | None, now: datetime | None = None
) -> Flag:
    """Open -> acknowledged: the clinician has seen the flag and owns what happens next.

    :raises NotFoundError: not a flag of the actor's team.
    :raises TransitionError: the flag is not open; nothing changes.
    """
    now = now or utcnow()
    # Locked: two clinicians pressing at once must not both record an acknowledgement.
    text = _clean(note)
    flag = flag_for_clinician(session, actor, flag_id, lock=True)
    if flag.state != FlagState.OPEN:
        session.rollback()
        if flag.state == FlagState.CLOSED:
            raise TransitionError(_("This flag is already closed, so it cannot be acknowledged."))
        raise TransitionError(_("This flag has already been acknowledged."))
    flag.state = FlagState.ACKNOWLEDGED.value
    flag.acknowledged_at = now
    flag.acknowledged_by_id = actor.id
    _event(session, flag, actor, "acknowledged", text, now)
    session.commit()
    return flag


def close(
    *,
    session: Session,
    actor: User,
    flag_id: int,
    outcome: str,
    note: str | None,
    now: datetime | None = None,
) -> Flag:
    """Open or acknowledged -> closed, with what was done. Closing an open flag also counts as
    seeing it, so the acknowledgement fields are filled when empty.

    :raises NotFoundError: not a flag of the actor's team.
    :raises TransitionError: the flag is already closed; nothing changes.
    :raises DomainError: no valid outcome, or "other" without saying what.
    """
    now = now or utcnow()
    flag = flag_for_clinician(session, actor, flag_id)
    try:
        chosen = Outcome(outcome)
    except ValueError:
        chosen = None
    if chosen not in CHOSEN_OUTCOMES:
        raise DomainError(_("Please choose what was done."), "outcome")
    assert chosen is not None
    text = _clean(note)
    if chosen == Outcome.OTHER and not text:
        raise DomainError(_("Please say what was done."), "note")
    flag = flag_for_clinician(session, actor, flag_id, lock=True)
    if flag.state == FlagState.CLOSED:
        session.rollback()
        raise TransitionError(_("This flag is already closed."))
    _mark_closed(session, flag, actor, chosen, text, now)
    session.commit()
    return flag


def _mark_closed(
    session: Session, flag: Flag, actor: User, outcome: Outcome, note: str | None, now: datetime
) -> None:
    if flag.acknowledged_at is None:
        flag.acknowledged_at = now
        flag.acknowledged_by_id = actor.id
    flag.state = FlagState.CLOSED.value
    flag.closed_at = now
    flag.closed_by_id = actor.id
    flag.outcome = outcome.value
    flag.outcome_note = note
    _event(session, flag, actor, "closed", note, now)


def live_flags_of(session: Session, carer_id: int, *, lock: bool = False) -> list[Flag]:
    """A carer's flags that are not closed yet, oldest first (``lock``: for closing them)."""
    query = (
        select(Flag)
        .where(Flag.carer_id == carer_id, col(Flag.state) != FlagState.CLOSED.value)
        .order_by(col(Flag.opened_at), col(Flag.id))
    )
    return list(session.exec(query.with_for_update() if lock else query).all())


def close_for_account_closure(
    *, session: Session, actor: User, carer_id: int, now: datetime
) -> list[Flag]:
    """Close each live flag of a carer whose account ``actor`` is closing, with the outcome
    "account closed" and an event in its history naming them: the flags leave every queue,
    and the record says who decided that and when. Flushes; the caller commits."""
    flags = live_flags_of(session, carer_id, lock=True)
    for flag in flags:
        _mark_closed(session, flag, actor, Outcome.ACCOUNT_CLOSED, None, now)
    return flags


def _event(
    session: Session, flag: Flag, actor: User, kind: str, note: str | None, now: datetime
) -> None:
    assert flag.id is not None
    session.add(flag)
    session.add(FlagEvent(flag_id=flag.id, at=now, kind=kind, actor_id=actor.id, note=note))
    # The audit row names the flag and the outcome only: never the note, never health values.
    record(
        session=session,
        action=f"flag.{kind}",
        actor_id=actor.id,
        target_type="flag",
        target_id=flag.id,
        detail=f"outcome={flag.outcome}" if kind == "closed" else None,
    )


def hand_over(
    *, session: Session, actor: User, family_id: int, owner_id: int, now: datetime | None = None
) -> list[Flag]:
    """A family's new assigned clinician takes over its live flags: each gets a "reassigned"
    event and the new owner a notification (emailed at once when urgent, like a new flag), so a
    flag never stays with someone who no longer holds the family. Flushes, never commits."""
    now = now or utcnow()
    flags = session.exec(
        select(Flag)
        .where(Flag.family_id == family_id, col(Flag.state) != FlagState.CLOSED.value)
        .where(Flag.owner_id != owner_id)
        .order_by(col(Flag.id))
        .with_for_update()
    ).all()
    for flag in flags:
        flag.owner_id = owner_id
        session.add(flag)
        session.add(
            FlagEvent(
                flag_id=flag.id or 0,
                at=now,
                kind="reassigned",
                actor_id=actor.id,
                recipient_ids=[owner_id],
            )
        )
        notify_flag(session=session, flag=flag, kind=Kind.FLAG_REASSIGNED, now=now)
    return list(flags)


def reassign_family(*, session: Session, actor: User, family: Family, clinician_id: int) -> None:
    """Make another clinician of the team the family's assigned clinician; its live flags
    go with it, so nobody's concerns stay with a clinician who no longer holds them."""
    check_clinician(session, family.team_id, clinician_id)
    family.assigned_clinician_id = clinician_id
    session.add(family)
    hand_over(session=session, actor=actor, family_id=family.id or 0, owner_id=clinician_id)
    record(
        session=session,
        action="family.reassigned",
        actor_id=actor.id,
        target_type="family",
        target_id=family.id,
    )
    session.commit()
