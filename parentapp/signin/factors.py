"""Second factors: who needs one, enrolling an authenticator app, passing the step with a
code or a recovery code, new recovery codes, and a colleague's factor reset."""

from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlmodel import Session, col, select

from parentapp.accounts.models import LoginSession, Role, User
from parentapp.accounts.sessions import revoke_all
from parentapp.audit.services import record, record_now
from parentapp.config import Settings
from parentapp.errors import DomainError, PermissionDeniedError
from parentapp.notifications.models import Channel
from parentapp.notifications.services import Kind, enqueue
from parentapp.signin import codes
from parentapp.signin.models import Passkey, RecoveryCode, TotpFactor

STAFF_ROLES = frozenset({Role.CLINICIAN, Role.LEAD, Role.ADMIN, Role.REFERRER})


class CodeRefusedError(DomainError):
    """A code that is wrong, used already, or not a code at all (never says which)."""


def totp_of(session: Session, user_id: int) -> TotpFactor | None:
    return session.exec(select(TotpFactor).where(TotpFactor.user_id == user_id)).first()


def has_factor(session: Session, user_id: int) -> bool:
    """An authenticator app or a passkey."""
    if totp_of(session, user_id) is not None:
        return True
    return session.exec(select(Passkey.id).where(Passkey.user_id == user_id)).first() is not None


def required_for(user: User) -> bool:
    """Staff must have a second factor, unless development relaxed it."""
    settings: Settings = current_app.config["PARENTAPP_SETTINGS"]
    return user.role in STAFF_ROLES and settings.staff_second_factor


def step_needed(session: Session, user: User) -> bool:
    """Whether a new session of ``user`` must pass a second factor: theirs, if they have
    one (a carer who turned one on), or the one staff must enrol."""
    return required_for(user) or has_factor(session, user.id or 0)


def clear(session: Session, row: LoginSession, now: datetime) -> None:
    row.cleared_at = now
    session.add(row)


def enrol_totp(
    session: Session, *, user: User, secret: str, code: str, row: LoginSession, now: datetime
) -> list[str]:
    """Keep the authenticator app once it has shown it holds ``secret`` (a right code now),
    clear the session, and make ten new recovery codes; returns them, to be shown once.

    :raises CodeRefusedError: the code is not right for the secret.
    """
    typed = codes.totp_code_shape(code)
    step = codes.matching_step(secret, typed, now=now, after_step=0) if typed else None
    if step is None:
        raise CodeRefusedError(
            _("That code is not right. Check that the app shows this account and try again."),
            field="code",
        )
    factor = totp_of(session, user.id or 0) or TotpFactor(user_id=user.id or 0, secret=secret)
    factor.secret, factor.last_step, factor.created_at = secret, step, now
    session.add(factor)
    recovery = make_recovery_codes(session, user, now)
    clear(session, row, now)
    record(session=session, action="factor.enrolled", actor_id=user.id, detail="totp")
    session.commit()
    return recovery


def make_recovery_codes(session: Session, user: User, now: datetime) -> list[str]:
    """Ten new recovery codes in place of any old ones, as shown (the caller commits)."""
    session.execute(sa.delete(RecoveryCode).where(col(RecoveryCode.user_id) == user.id))
    fresh = codes.new_recovery_codes()
    session.add_all(
        RecoveryCode(user_id=user.id or 0, code_hash=codes.digest(code), created_at=now)
        for code in fresh
    )
    return [codes.shown_recovery_code(code) for code in fresh]


def new_recovery_codes(session: Session, *, user: User, now: datetime) -> list[str]:
    """Replace every recovery code of ``user`` (the old ones stop working); audited."""
    fresh = make_recovery_codes(session, user, now)
    record(session=session, action="factor.recovery_codes_renewed", actor_id=user.id)
    session.commit()
    return fresh


def unused_recovery_codes(session: Session, user_id: int) -> int:
    return int(
        session.exec(
            select(sa.func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.user_id == user_id, col(RecoveryCode.used_at).is_(None))
        ).one()
    )


def pass_step(session: Session, *, user: User, code: str, row: LoginSession, now: datetime) -> bool:
    """Clear the session with a code from the app or an unused recovery code. True when a
    recovery code was used (the person is told how many are left).

    :raises CodeRefusedError: neither; the refusal is audited.
    """
    factor = totp_of(session, user.id or 0)
    typed = codes.totp_code_shape(code)
    if factor is not None and typed is not None:
        # Row-locked, so that two requests with the same code cannot both pass (PostgreSQL;
        # SQLite writes one transaction at a time).
        locked = session.exec(
            select(TotpFactor).where(TotpFactor.id == factor.id).with_for_update()
        ).one()
        step = codes.matching_step(locked.secret, typed, now=now, after_step=locked.last_step)
        if step is not None:
            locked.last_step = step
            session.add(locked)
            return _passed(session, user, row, now, "totp")
    recovery = codes.recovery_code_shape(code)
    if recovery is not None:
        found = session.exec(
            select(RecoveryCode)
            .where(
                RecoveryCode.user_id == user.id,
                RecoveryCode.code_hash == codes.digest(recovery),
                col(RecoveryCode.used_at).is_(None),
            )
            .with_for_update()
        ).first()
        if found is not None:
            found.used_at = now
            session.add(found)
            return _passed(session, user, row, now, "recovery")
    session.rollback()
    record_now(action="factor.failed", actor_id=user.id, detail=_shape(typed, recovery))
    raise CodeRefusedError(
        _("That code is not right, or it has been used already. Try the newest code."),
        field="code",
    )


def _shape(typed: str | None, recovery: str | None) -> str:
    if typed is not None:
        return "totp"
    return "recovery" if recovery is not None else "malformed"


def _passed(session: Session, user: User, row: LoginSession, now: datetime, how: str) -> bool:
    clear(session, row, now)
    record(session=session, action="factor.passed", actor_id=user.id, detail=how)
    session.commit()
    return how == "recovery"


def may_reset(actor: User, person: User) -> bool:
    """An administrator resets anyone's factor; a lead, a colleague's in their own team."""
    if actor.id == person.id:
        return False
    if actor.role == Role.ADMIN:
        return True
    return (
        actor.role == Role.LEAD
        and person.role in {Role.CLINICIAN, Role.LEAD}
        and person.team_id == actor.team_id
    )


def reset_factor(session: Session, *, actor: User, person: User, now: datetime) -> None:
    """Remove ``person``'s authenticator, passkeys and recovery codes and end their sessions: they enrol
    again when they next sign in. Audited, and they are emailed (a reset they did not ask
    for is how they would learn of a colleague's mistake or an attack).

    :raises PermissionDeniedError: ``actor`` may not reset this person's factor.
    """
    if not may_reset(actor, person):
        raise PermissionDeniedError(_("You cannot reset this person's second factor."))
    _remove_all(session, person.id or 0)
    revoke_all(session, person.id or 0)
    enqueue(
        session=session,
        recipient_id=person.id or 0,
        kind=Kind.FACTOR_RESET,
        channels=[Channel.EMAIL],
        payload={},
        now=now,
    )
    record(
        session=session,
        action="factor.reset",
        actor_id=actor.id,
        target_type="user",
        target_id=person.id,
    )
    session.commit()


def turn_off(session: Session, *, user: User) -> None:
    """A carer turns their own second factor off (staff cannot: theirs is required).

    :raises PermissionDeniedError: the person's second factor is required.
    """
    if required_for(user):
        raise PermissionDeniedError(_("Your second factor is required for your role."))
    _remove_all(session, user.id or 0)
    record(session=session, action="factor.removed", actor_id=user.id)
    session.commit()


def _remove_all(session: Session, user_id: int) -> None:
    """Every second factor of a person: authenticator, passkeys and recovery codes."""
    for model in (TotpFactor, Passkey, RecoveryCode):
        session.execute(sa.delete(model).where(col(model.user_id) == user_id))
