"""Password reset by email: a single-use link that works for an hour, whose token is kept
only as a hash (and, until the worker sends it, sealed in the outbox)."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlmodel import Session, col, select

from parentapp.accounts import lockout, passwords
from parentapp.accounts.models import Role, User
from parentapp.accounts.services import check_new_password, user_by_email
from parentapp.accounts.sessions import revoke_all
from parentapp.audit.services import record, record_now
from parentapp.config import Settings
from parentapp.errors import DomainError
from parentapp.notifications.models import Channel
from parentapp.notifications.services import Kind, enqueue
from parentapp.sealing import seal
from parentapp.signin.models import PasswordReset

LIFETIME = timedelta(hours=1)


class LinkRefusedError(DomainError):
    """A reset link that does not exist, was used, has expired, or is for a closed account."""


@dataclass(frozen=True)
class Found:
    reset: PasswordReset
    user: User


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_reset(session: Session, *, email: str, now: datetime) -> None:
    """Send a reset link to ``email`` if it is an active account's; say nothing either way.

    The same work is done for an unknown address up to the last step; the view also holds
    every answer to the same minimum time, so the remaining difference does not show.
    """
    user = user_by_email(session, email)
    token = secrets.token_urlsafe(32)
    settings: Settings = current_app.config["PARENTAPP_SETTINGS"]
    sealed = seal(settings.secret_key, token)
    if user is None or not user.active:
        record_now(action="password.reset_requested", detail="no active account")
        return
    # An older link stops working when a new one is asked for: only the newest email counts.
    _retire(session, user.id or 0, now)
    session.add(
        PasswordReset(
            user_id=user.id or 0, token_hash=_hash(token), created_at=now, expires_at=now + LIFETIME
        )
    )
    enqueue(
        session=session,
        recipient_id=user.id or 0,
        kind=Kind.PASSWORD_RESET,
        channels=[Channel.EMAIL],
        payload={"sealed": sealed},
        now=now,
    )
    record(
        session=session,
        action="password.reset_requested",
        target_type="user",
        target_id=user.id,
    )
    session.commit()


def _retire(session: Session, user_id: int, now: datetime) -> None:
    session.execute(
        sa.update(PasswordReset)
        .where(col(PasswordReset.user_id) == user_id, col(PasswordReset.used_at).is_(None))
        .values(used_at=now)
    )


def check_link(session: Session, *, token: str, now: datetime) -> Found:
    """The live link of ``token`` and its account.

    :raises LinkRefusedError: no such link, used, expired, or the account is closed; the
        refusal is audited with the reason.
    """
    found = session.exec(
        select(PasswordReset, User)
        .join(User, col(User.id) == PasswordReset.user_id)
        .where(PasswordReset.token_hash == _hash(token))
    ).first()
    reason = None
    if found is None:
        reason = "unknown"
    elif found[0].used_at is not None:
        reason = "used"
    elif found[0].expires_at <= now:
        reason = "expired"
    elif not found[1].active:
        reason = "inactive"
    if reason is not None or found is None:
        record_now(
            action="password.reset_refused",
            target_type="user" if found else None,
            target_id=found[1].id if found else None,
            detail=reason,
        )
        raise LinkRefusedError(
            _(
                "This link cannot be used: it has expired or has been used already. "
                "Ask for a new one below."
            )
        )
    return Found(found[0], found[1])


def reset_password(session: Session, *, token: str, password: str, now: datetime) -> User:
    """Set a new password through a live link: the link is used up, every session of the
    account ends (a copied cookie with it), and the change is audited.

    :raises LinkRefusedError: the link cannot be used.
    :raises DomainError: the new password breaks a rule (field ``password``).
    """
    found = check_link(session, token=token, now=now)
    user = found.user
    check_new_password(
        password, email=user.email, name=user.display_name, staff=user.role != Role.CARER
    )
    # Locked and checked again: two tabs submitting the same link cannot both use it.
    reset = session.exec(
        select(PasswordReset).where(PasswordReset.id == found.reset.id).with_for_update()
    ).one()
    if reset.used_at is not None:
        # The other tab won: this one is refused as a used link, and audited so.
        session.rollback()
        check_link(session, token=token, now=now)
    user.password_hash = passwords.hash_password(password)
    session.add(user)
    _retire(session, user.id or 0, now)
    revoke_all(session, user.id or 0)
    record(session=session, action="password.reset", actor_id=user.id)
    session.commit()
    lockout.forget(user.email)
    return user
