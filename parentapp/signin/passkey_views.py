"""Passkeys from the browser (static/js/passkeys.js): JSON in and out, CSRF-checked by its
header. Registering one from the second-factor pages, signing in with one after the password
or instead of it, and removing one."""

import json
from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from parentapp import json_errors
from parentapp.accounts.current import signed_in
from parentapp.accounts.paths import safe_next
from parentapp.accounts.sessions import current_login_session, start_session
from parentapp.audit.services import record, record_denied
from parentapp.db import get_session, utcnow
from parentapp.errors import DomainError
from parentapp.extensions import limiter
from parentapp.signin import factors, passkeys
from parentapp.signin.blueprint import bp
from parentapp.signin.factor_views import SHOW_CODES
from parentapp.signin.guard import AFTER_KEY

# The routes the script calls answer JSON, errors included (a script reads them, not a person).
passkeys_bp = Blueprint("passkeys", __name__)
json_errors.register(passkeys_bp)
REGISTER_CHALLENGE = "webauthn_register_challenge"
SIGN_IN_CHALLENGE = "webauthn_sign_in_challenge"


def _options(found: tuple[str, bytes], key: str) -> Response:
    options, challenge = found
    session[key] = challenge
    return Response(options, mimetype="application/json")


def _credential() -> str:
    body: Any = request.get_json(silent=True)
    credential = body.get("credential") if isinstance(body, dict) else None
    if not isinstance(credential, dict):
        abort(400)
    return json.dumps(credential)


def _refused(error: DomainError) -> tuple[Response, int]:
    return jsonify({"error": "passkey_refused", "message": error.message}), 400


@passkeys_bp.route("/account/passkeys/options", methods=["POST"])
@login_required
def register_options() -> Response:
    return _options(passkeys.registration_options(get_session(), signed_in()), REGISTER_CHALLENGE)


@passkeys_bp.route("/account/passkeys", methods=["POST"])
@login_required
@limiter.limit("10 per 5 minutes", methods=["POST"])
def register() -> Response | tuple[Response, int]:
    challenge = session.pop(REGISTER_CHALLENGE, None)
    row = current_login_session()
    if not isinstance(challenge, bytes) or row is None:
        return _refused(DomainError(_("The passkey could not be set up. Please try again.")))
    if row.cleared_at is None and factors.has_factor(get_session(), signed_in().id or 0):
        # Someone with only the password must not add a passkey to pass the factor they have.
        record_denied(reason="second factor not passed")
        abort(403)
    try:
        shown = passkeys.register(
            get_session(),
            user=signed_in(),
            credential=_credential(),
            challenge=challenge,
            row=row,
            now=utcnow(),
        )
    except DomainError as error:
        return _refused(error)
    if shown:
        session[SHOW_CODES] = shown
        return jsonify({"next": url_for("signin.recovery_codes")})
    flash(_("Your passkey is set up."), "success")
    return jsonify({"next": safe_next(session.pop(AFTER_KEY, None))})


@passkeys_bp.route("/login/passkey/options", methods=["POST"])
def sign_in_options() -> Response:
    user = signed_in() if current_user.is_authenticated else None
    return _options(passkeys.authentication_options(get_session(), user), SIGN_IN_CHALLENGE)


@passkeys_bp.route("/login/passkey", methods=["POST"])
@limiter.limit("10 per 5 minutes", methods=["POST"])
def sign_in() -> Response | tuple[Response, int]:
    """After the password: the second factor. Without one: the whole sign-in."""
    challenge = session.pop(SIGN_IN_CHALLENGE, None)
    db = get_session()
    now = utcnow()
    user = signed_in() if current_user.is_authenticated else None
    if not isinstance(challenge, bytes):
        return _refused(DomainError(_("That passkey was not accepted. Please try again.")))
    try:
        owner = passkeys.authenticate(
            db, credential=_credential(), challenge=challenge, user=user, now=now
        )
    except DomainError as error:
        return _refused(error)
    onward = safe_next(request.args.get("next") or session.get(AFTER_KEY))
    if user is None:
        owner.last_login_at = now
        db.add(owner)
        row = start_session(db, owner)  # a new session, cleared: the passkey was both factors
        record(session=db, action="login.success", actor_id=owner.id, detail="passkey")
    else:
        row = current_login_session()  # type: ignore[assignment]
        if row is None:
            abort(401)
        record(session=db, action="factor.passed", actor_id=owner.id, detail="passkey")
        session.pop(AFTER_KEY, None)
    factors.clear(db, row, now)
    db.commit()
    return jsonify({"next": onward})


@bp.route("/account/passkeys/<int:passkey_id>/remove", methods=["POST"])
@login_required
def passkey_remove(passkey_id: int) -> Response:
    try:
        passkeys.remove(get_session(), user=signed_in(), passkey_id=passkey_id)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("The passkey is removed."), "success")
    return redirect(url_for("signin.manage"))
