"""Revocable server-side login sessions wired into Flask-Login.

Flask's cookie session is signed, not server-side, so a copied cookie would outlive logout.
Each login therefore gets a random token whose hash is a ``LoginSession`` row; the user is
loaded only while that row is live, and logout revokes it (ASVS 7.4.1).
"""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, g, request, session
from flask_login import login_user, logout_user
from flask_wtf.csrf import generate_csrf
from sqlmodel import Session, col, select

from parentapp.accounts.models import LoginSession, User
from parentapp.config import Settings
from parentapp.db import get_session, utcnow
from parentapp.extensions import login_manager

SESSION_KEY = "sid"
# Writing last_seen on every request would serialise SQLite; a minute's precision is enough.
TOUCH_INTERVAL = timedelta(seconds=60)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _limits(user: User) -> tuple[timedelta, timedelta]:
    settings: Settings = current_app.config["PARENTAPP_SETTINGS"]
    if user.is_carer:
        return settings.carer_idle_timeout, settings.carer_absolute_timeout
    return settings.clinician_idle_timeout, settings.clinician_absolute_timeout


def start_session(db: Session, user: User) -> LoginSession:
    """Open a new session for ``user``: a fresh token replaces whatever the cookie held."""
    token = secrets.token_urlsafe(32)
    row = LoginSession(
        token_hash=_hash(token),
        user_id=user.id or 0,
        ip_address=request.remote_addr,
        user_agent=(request.user_agent.string or "")[:255],
    )
    db.add(row)
    session.clear()
    session.permanent = True
    session[SESSION_KEY] = token
    # The new session's CSRF token is minted now, not by the first page that renders a form:
    # otherwise two requests in flight right after login (the home page and the service
    # worker fetching the offline page) each mint one, and whichever cookie lands last makes
    # the other page's forms fail as expired.
    generate_csrf()
    login_user(user)
    return row


def end_session(db: Session) -> None:
    """Revoke the current session row and clear the cookie."""
    token = session.get(SESSION_KEY)
    if token:
        row = db.exec(select(LoginSession).where(LoginSession.token_hash == _hash(token))).first()
        if row is not None and row.revoked_at is None:
            row.revoked_at = utcnow()
            db.add(row)
    logout_user()
    session.clear()


def revoke_all(db: Session, user_id: int) -> None:
    """End every session of a user (deactivation, password change)."""
    now = utcnow()
    rows = db.exec(
        select(LoginSession).where(
            LoginSession.user_id == user_id,
            LoginSession.revoked_at.is_(None),  # type: ignore[union-attr]
        )
    ).all()
    for row in rows:
        row.revoked_at = now
        db.add(row)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: the user only while their session row is live and in time."""
    token = session.get(SESSION_KEY)
    if not token or not user_id.isdigit():
        return None
    db = get_session()
    # One round trip for both: this runs on every request a logged-in user makes.
    found = db.exec(
        select(LoginSession, User)
        .join(User, col(User.id) == LoginSession.user_id)
        .where(LoginSession.token_hash == _hash(token))
    ).first()
    if found is None:
        return None
    row, user = found
    if row.revoked_at is not None or row.user_id != int(user_id) or not user.active:
        return None
    idle, absolute = _limits(user)
    now = utcnow()
    if now - row.last_seen_at > idle or now - row.created_at > absolute:
        row.revoked_at = now
        db.add(row)
        db.commit()
        session.pop(SESSION_KEY, None)
        session["session_expired"] = True
        return None
    if now - row.last_seen_at > TOUCH_INTERVAL:
        row.last_seen_at = now
        db.add(row)
        db.commit()
    g.login_session = row
    return user


def current_login_session() -> LoginSession | None:
    """The live session row of this request's signed-in person (read by ``load_user``)."""
    row: LoginSession | None = g.get("login_session")
    return row
