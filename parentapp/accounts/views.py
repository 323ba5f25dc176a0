"""Login, logout and the landing page that sends each role to its home."""

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from parentapp.accounts import lockout, services
from parentapp.accounts.blueprint import bp
from parentapp.accounts.forms import LoginForm
from parentapp.accounts.paths import safe_next
from parentapp.db import get_session
from parentapp.errors import apply_to_form
from parentapp.extensions import failed_form, limiter

HOME_BY_ROLE = {
    "carer": "checkins.home",
    "clinician": "triage.caseload",
    "lead": "triage.caseload",
    "admin": "admin.admin_home",
    "referrer": "referrals.mine",
}


@bp.route("/")
def index() -> Response:
    """Send each person to their own home, or to the login page."""
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    return redirect(url_for(HOME_BY_ROLE[current_user.role]))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("20 per 15 minutes", methods=["POST"], deduct_when=failed_form)
def login() -> Response | str | tuple[str, int, dict[str, str]]:
    """Log in with email and password, then go where the login prompt was asked from (a path
    on this site only: ``next`` from anywhere else is ignored)."""
    onward = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(onward)
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data or ""
        # Per account as well as per client address (the limit above): spread-out guesses at
        # one account are slowed too; lockout.py says why the right password may pass.
        locked = lockout.locked(email)
        try:
            services.log_in(
                session=get_session(), email=email, password=form.password.data or "", locked=locked
            )
        except services.LockedOutError:
            lockout.count_failure(email)
            abort(429, retry_after=lockout.seconds_left(email))
        except services.LoginFailedError as error:
            lockout.count_failure(email)
            apply_to_form(form, error)
        else:
            return redirect(onward)
    elif request.method == "GET" and session.pop("session_expired", False):
        flash(_("You were logged out after a period of inactivity. Please log in again."), "info")
    next_path = onward if onward != url_for("accounts.index") else None
    return render_template("accounts/login.html", form=form, next=next_path)


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    """End the session on the server and in the browser."""
    services.log_out(
        session=get_session(), user=current_user if current_user.is_authenticated else None
    )
    flash(_("You have logged out."), "info")
    response = redirect(url_for("accounts.login"))
    # Ask the browser to drop anything it kept for this site (ASVS 14.3.1).
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response
