"""Account use cases: creating users, logging in and out."""

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from sqlalchemy import func
from sqlmodel import Session, select

from parentapp.accounts import lockout, passwords
from parentapp.accounts.models import Role, User
from parentapp.accounts.sessions import end_session, revoke_all, start_session
from parentapp.audit.services import record
from parentapp.db import utcnow
from parentapp.errors import DomainError


def password_message(problem: str, *, staff: bool) -> str:
    """The sentence shown for a message id from ``passwords.password_problem``."""
    # Numbers in sentences are formatted for the reader's language (2,000 / 2 000 / 2.000) and
    # choose the plural form by their value.
    if problem == "too_short":
        minimum = passwords.min_length(staff=staff)
        return str(
            ngettext(
                "Use at least %(count)s character. A few words together are easy to remember.",
                "Use at least %(count)s characters. A few words together are easy to remember.",
                minimum,
                count=format_decimal(minimum),
            )
        )
    if problem == "too_long":
        return str(
            ngettext(
                "Use at most %(count)s character.",
                "Use at most %(count)s characters.",
                passwords.MAX_LENGTH,
                count=format_decimal(passwords.MAX_LENGTH),
            )
        )
    if problem == "common":
        return str(_("That password is too easy to guess. Try a few words together."))
    return str(_("Do not use your name or email address as your password."))


class LoginFailedError(DomainError):
    """Email and password did not match an active account (never says which part was wrong)."""


class LockedOutError(LoginFailedError):
    """Too many failed logins for the account, and it has no second factor to let it through."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def user_by_email(session: Session, email: str) -> User | None:
    return session.exec(
        select(User).where(func.lower(User.email) == normalise_email(email))
    ).first()


def check_new_password(
    password: str,
    *,
    email: str = "",
    name: str = "",
    staff: bool = True,
    field: str = "password",
) -> None:
    """:raises DomainError: the password breaks a rule, with a message for ``field``.

    ``staff`` is false only for carers; a caller that does not say gets the stricter rule.
    """
    problem = passwords.password_problem(password, staff=staff, email=email, name=name)
    if problem is not None:
        raise DomainError(password_message(problem, staff=staff), field=field)


def create_user(
    *,
    session: Session,
    email: str,
    display_name: str,
    password: str,
    role: Role,
    team_id: int | None = None,
    locale: str = "en",
    commit: bool = True,
) -> User:
    """Create an account with an argon2id password hash.

    :raises DomainError: the email is taken or the password breaks a rule.
    """
    email = normalise_email(email)
    if user_by_email(session, email) is not None:
        raise DomainError(_("An account with this email address already exists."), field="email")
    check_new_password(password, email=email, name=display_name, staff=role != Role.CARER)
    if role in {Role.CLINICIAN, Role.LEAD} and team_id is None:
        raise DomainError(_("Clinicians and team leads must belong to a team."), field="team")
    user = User(
        email=email,
        display_name=display_name.strip(),
        password_hash=passwords.hash_password(password),
        role=role.value,
        team_id=team_id,
        locale=locale,
    )
    session.add(user)
    session.flush()
    record(
        session=session,
        action="user.created",
        target_type="user",
        target_id=user.id,
        detail=role.value,
    )
    if commit:
        session.commit()
    return user


def log_in(*, session: Session, email: str, password: str, locked: bool = False) -> User:
    """Check credentials and open a revocable session.

    ``locked``: the account has used up its failed logins (``lockout``). Then only the right
    password of an account with a second factor opens a session, which still has that step
    to pass; anything else is refused the same way, so a guesser learns nothing.

    :raises LockedOutError: ``locked``, and not let through.
    :raises LoginFailedError: wrong email or password, or a deactivated account.
    """
    user = user_by_email(session, email)
    ok = passwords.verify_password(user.password_hash if user else None, password)
    through = user is not None and ok and user.active
    if locked and not (through and user is not None and lockout.has_second_factor(user)):
        record(
            session=session, action="login.failure", actor_id=user.id if user else None,
            detail="locked",
        )  # fmt: skip
        session.commit()
        raise LockedOutError(
            _("There have been too many attempts. Please wait a few minutes and try again.")
        )
    if user is None or not ok or not user.active:
        record(
            session=session,
            action="login.failure",
            actor_id=user.id if user else None,
            detail="inactive" if user is not None and ok else None,
        )
        session.commit()
        raise LoginFailedError(_("The email address or password is not right. Please try again."))
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = utcnow()
    session.add(user)
    row = start_session(session, user)
    if not lockout.needs_second_factor_step(user):
        row.cleared_at = user.last_login_at  # nothing more to pass: no check on each request
    record(session=session, action="login.success", actor_id=user.id)
    session.commit()
    return user


def log_out(*, session: Session, user: User | None) -> None:
    """End the current session on the server so its cookie can never be used again."""
    # Read the id first: ``user`` may be Flask-Login's proxy, which logout turns anonymous.
    user_id = user.id if user is not None else None
    end_session(session)
    if user_id is not None:
        record(session=session, action="logout", actor_id=user_id)
    session.commit()


def set_active(*, session: Session, actor: User, user: User, active: bool) -> None:
    """Deactivate or reactivate an account; deactivation ends all its sessions (ASVS 7.4.2)."""
    if user.id == actor.id:
        raise DomainError(_("You cannot deactivate your own account."))
    user.active = active
    session.add(user)
    if not active:
        revoke_all(session, user.id or 0)
    record(
        session=session,
        action="user.activated" if active else "user.deactivated",
        actor_id=actor.id,
        target_type="user",
        target_id=user.id,
    )
    session.commit()
