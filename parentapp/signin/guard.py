"""The check before every request: a person signed in with a password only, who needs a
second factor, sees nothing but the pages that ask for it."""

from flask import Flask, g, jsonify, redirect, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from parentapp.accounts.lockout import add_second_factor_checks
from parentapp.accounts.models import User
from parentapp.accounts.sessions import current_login_session
from parentapp.db import get_session, utcnow
from parentapp.signin import factors

# Pages open before the second factor: the steps themselves, logging out, the language
# switcher, health checks and the app shell's files, which hold no personal data.
OPEN_ENDPOINTS = frozenset(
    {
        "signin.verify",
        "signin.setup",
        "signin.recovery_codes",
        "passkeys.sign_in_options",
        "passkeys.register_options",
        "passkeys.register",
        "passkeys.sign_in",
        "accounts.logout",
        "accounts.choose_language",
        "ops.healthz",
        "pwa.manifest",
        "pwa.service_worker",
        "pwa.offline",
        "static",
    }
)
# Where to go once the second factor is passed.
AFTER_KEY = "after_second_factor"


def check_second_factor() -> Response | None:
    if not current_user.is_authenticated:
        return None
    row = current_login_session()
    if row is None or row.cleared_at is not None:
        return None
    # The steps' own pages show no navigation to pages the person cannot open yet.
    g.signin_pending = True
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    db = get_session()
    if not factors.step_needed(db, current_user):
        # A session opened before second factors existed (logging in clears the others at
        # once): cleared now, for good, when it has none to pass.
        factors.clear(db, row, utcnow())
        db.commit()
        return None
    if request.path.startswith("/api/"):
        response = jsonify({"error": "second_factor_required"})
        response.status_code = 401
        return response
    if request.method == "GET":
        session[AFTER_KEY] = request.full_path.rstrip("?")
    enrolled = factors.has_factor(db, current_user.id)
    return redirect(url_for("signin.verify" if enrolled else "signin.setup"))


def _has_second_factor(user: User) -> bool:
    return factors.has_factor(get_session(), user.id or 0)


def _needs_step(user: User) -> bool:
    return factors.step_needed(get_session(), user)


def init_app(app: Flask) -> None:
    app.before_request(check_second_factor)
    # Logging in clears at once a session with no second factor to pass, and over the
    # failed-login limit the right password still reaches this step (lockout.py).
    add_second_factor_checks(app, has=_has_second_factor, needs_step=_needs_step)
