"""'Forgot your password?': asking for a link by email, and choosing a new password with it."""

import time

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from parentapp.accounts.services import normalise_email
from parentapp.accounts.sessions import end_session
from parentapp.db import get_session, utcnow
from parentapp.errors import DomainError, apply_to_form
from parentapp.extensions import limiter
from parentapp.signin import reset
from parentapp.signin.blueprint import bp
from parentapp.signin.forms import ForgotForm, NewPasswordForm

# The answer never comes sooner than this after the request: sending a link does a little more
# work than refusing an unknown address, and the difference must not show (ASVS 6.3.8).
ANSWER_AFTER_SECONDS = 0.2


def _address() -> str:
    """Rate-limit key for one address asked for, so nobody floods someone's inbox."""
    return "reset:" + normalise_email(request.form.get("email") or "")


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@limiter.limit("3 per hour", methods=["POST"], key_func=_address)
def forgot() -> Response | str | tuple[str, int]:
    """Ask for a reset link. The answer is the same whether or not the address has an
    account, so the page tells nobody who uses the app."""
    form = ForgotForm()
    if form.validate_on_submit():
        started = time.monotonic()
        reset.request_reset(get_session(), email=form.email.data or "", now=utcnow())
        time.sleep(max(0.0, ANSWER_AFTER_SECONDS - (time.monotonic() - started)))
        return render_template("signin/forgot_sent.html")
    page = render_template("signin/forgot.html", form=form)
    return (page, 400) if form.is_submitted() else page


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def reset_password(token: str) -> Response | str | tuple[str, int]:
    """Choose a new password with the link from the email."""
    db = get_session()
    now = utcnow()
    try:
        found = reset.check_link(db, token=token[:128], now=now)
    except DomainError as error:
        return render_template("signin/reset_refused.html", message=error.message), 400
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            reset.reset_password(db, token=token, password=form.password.data or "", now=now)
        except reset.LinkRefusedError as error:
            return render_template("signin/reset_refused.html", message=error.message), 400
        except DomainError as error:
            apply_to_form(form, error)
        else:
            if current_user.is_authenticated:
                end_session(db)
                db.commit()
            flash(_("Your password is changed. Log in with your new password."), "success")
            return redirect(url_for("accounts.login"))
    page = render_template("signin/reset.html", form=form, person=found.user)
    return (page, 400) if form.is_submitted() else page
