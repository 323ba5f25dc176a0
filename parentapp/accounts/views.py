"""Login, logout and the landing page that sends each role to its home."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from parentapp.accounts import services
from parentapp.accounts.blueprint import bp
from parentapp.accounts.forms import LoginForm
from parentapp.db import get_session
from parentapp.errors import apply_to_form
from parentapp.extensions import limiter, submitted_email

HOME_BY_ROLE = {
    "carer": "checkins.home",
    "clinician": "triage.caseload",
    "lead": "triage.caseload",
    "admin": "admin.admin_home",
}


def _failed(response: Response) -> bool:
    return response.status_code != 302


@bp.route("/")
def index() -> Response:
    """Send each person to their own home, or to the login page."""
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    return redirect(url_for(HOME_BY_ROLE[current_user.role]))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("20 per 15 minutes", methods=["POST"], deduct_when=_failed)
@limiter.limit("5 per 15 minutes", methods=["POST"], key_func=submitted_email, deduct_when=_failed)
def login() -> Response | str:
    """Log in with email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("accounts.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            services.log_in(
                session=get_session(),
                email=form.email.data or "",
                password=form.password.data or "",
            )
        except services.LoginFailedError as error:
            apply_to_form(form, error)
        else:
            return redirect(url_for("accounts.index"))
    elif request.method == "GET" and session.pop("session_expired", False):
        flash(_("You were logged out after a period of inactivity. Please log in again."), "info")
    return render_template("accounts/login.html", form=form)


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
