"""Single sign-on for staff: off the provider and back. Every refusal is audited with its
reason and shown on the login page in plain words."""

import hmac

from flask import abort, current_app, flash, redirect, request, session, url_for
from werkzeug.wrappers import Response

from parentapp.accounts.paths import safe_next
from parentapp.audit.services import record_denied, record_now
from parentapp.config import Settings
from parentapp.db import get_session, utcnow
from parentapp.extensions import limiter
from parentapp.signin import oidc, sso
from parentapp.signin.blueprint import bp

PENDING = "sso_pending"


def _settings() -> Settings:
    settings: Settings = current_app.config["PARENTAPP_SETTINGS"]
    if not settings.oidc_issuer:
        record_denied(reason="not-found")  # single sign-on is off in this deployment
        abort(404)
    return settings


def _refuse(reason: str) -> Response:
    record_now(action="sso.refused", detail=reason[:200])
    flash(sso.refusal(reason).message, "error")
    return redirect(url_for("accounts.login"))


@bp.route("/login/sso")
@limiter.limit("30 per 15 minutes")
def sso_start() -> Response:
    settings = _settings()
    try:
        started = oidc.start(settings, url_for("signin.sso_callback", _external=True))
    except oidc.SsoError as error:
        return _refuse(error.reason)
    session[PENDING] = {
        "state": started.state,
        "nonce": started.nonce,
        "verifier": started.code_verifier,
        "next": safe_next(request.args.get("next")),
    }
    return redirect(started.url)


@bp.route("/login/sso/callback")
@limiter.limit("30 per 15 minutes")
def sso_callback() -> Response:
    settings = _settings()
    pending = session.pop(PENDING, None)
    if not isinstance(pending, dict):
        return _refuse("no sign-in under way")
    if request.args.get("error"):
        return _refuse(f"provider: {request.args.get('error', '')[:60]}")
    state = request.args.get("state", "")
    if not hmac.compare_digest(state.encode(), str(pending.get("state", "")).encode()):
        return _refuse("state")
    code = request.args.get("code", "")
    if not code:
        return _refuse("no code")
    try:
        identity = oidc.finish(
            settings,
            redirect_uri=url_for("signin.sso_callback", _external=True),
            code=code,
            code_verifier=str(pending.get("verifier", "")),
            nonce=str(pending.get("nonce", "")),
        )
        sso.sign_in(get_session(), identity=identity, settings=settings, now=utcnow())
    except oidc.SsoError as error:
        return _refuse(error.reason)
    except sso.SsoRefusedError as error:
        get_session().rollback()
        return _refuse(error.reason)
    return redirect(str(pending.get("next") or url_for("accounts.index")))
