"""Who single sign-on lets in: staff with an account of the same verified email, or, where a
deployment allows it, new staff of an allowed email domain. Never a carer."""

import secrets
from datetime import datetime

from flask_babel import gettext as _
from sqlmodel import Session, select

from parentapp.accounts import passwords
from parentapp.accounts.models import LoginSession, Role, User
from parentapp.accounts.services import user_by_email
from parentapp.accounts.sessions import start_session
from parentapp.audit.services import record
from parentapp.config import Settings
from parentapp.errors import DomainError
from parentapp.signin.oidc import Identity
from parentapp.teams.models import Team


class SsoRefusedError(DomainError):
    """Nobody is signed in; ``reason`` goes to the audit log, the message to the person."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def refusal(reason: str) -> SsoRefusedError:
    return SsoRefusedError(
        reason,
        _(
            "Single sign-on did not let you in. Ask your administrator whether your "
            "organisation account is linked to this app, or log in with your password."
        ),
    )


def _new_staff(session: Session, identity: Identity, settings: Settings) -> User | None:
    domain = identity.email.rpartition("@")[2]
    if not settings.oidc_create_staff or domain not in settings.oidc_staff_domains:
        return None
    team = session.exec(select(Team).where(Team.name == settings.oidc_new_staff_team)).first()
    if team is None:
        return None
    user = User(
        email=identity.email,
        display_name=(identity.name or identity.email.partition("@")[0])[:80],
        # Nobody knows this password: the account signs in by SSO, or after a reset by email.
        password_hash=passwords.hash_password(secrets.token_urlsafe(32)),
        role=Role.CLINICIAN.value,
        team_id=team.id,
    )
    session.add(user)
    session.flush()
    record(
        session=session,
        action="user.created",
        actor_id=user.id,
        target_type="user",
        target_id=user.id,
        detail="clinician by single sign-on",
    )
    return user


def sign_in(
    session: Session, *, identity: Identity, settings: Settings, now: datetime
) -> tuple[User, LoginSession]:
    """Open a session for the staff account of ``identity``; it still has the second factor
    to pass unless the provider says it did one.

    :raises SsoRefusedError: an unverified email, a carer's, a closed account, or nobody.
    """
    if not identity.email or not identity.email_verified:
        raise refusal("unverified email")
    user = user_by_email(session, identity.email)
    if user is not None and user.role == Role.CARER:
        raise refusal("a carer's email")
    if user is None:
        user = _new_staff(session, identity, settings)
        if user is None:
            raise refusal("no staff account")
    if not user.active:
        raise refusal("inactive account")
    user.last_login_at = now
    session.add(user)
    row = start_session(session, user)
    if identity.second_factor:
        row.cleared_at = now
    record(
        session=session,
        action="login.success",
        actor_id=user.id,
        detail="sso" + (" with the provider's second factor" if identity.second_factor else ""),
    )
    session.commit()
    return user, row
