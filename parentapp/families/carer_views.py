"""Carer pages: joining by invitation, consent, and the carer's home."""

from flask import flash, g, redirect, render_template, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from parentapp.db import get_session
from parentapp.errors import DomainError, apply_to_form
from parentapp.extensions import limiter
from parentapp.families import queries, services
from parentapp.families.access import carer_page
from parentapp.families.blueprint import bp
from parentapp.families.forms import CodeForm, ConsentForm, JoinForm
from parentapp.families.models import Carer
from parentapp.families.roles import CarerRole

JOIN_KEY = "join_invitation"


def _code_failed(response: Response) -> bool:
    # Only a code that was tried and refused counts: showing the empty form is not a guess.
    return response.status_code != 302 and bool(g.get("code_tried"))


# Guessing codes is the way in for a stranger: failures are limited per address, and typed
# codes and links share one budget so that each way in does not add its own.
code_limit = limiter.shared_limit(
    "10 per 15 minutes", scope="invitation-code", deduct_when=_code_failed
)


def _accept_code(typed: str) -> Response:
    g.code_tried = True
    invitation = services.find_invitation(get_session(), typed)
    session[JOIN_KEY] = invitation.id
    # Moving to a page without the code keeps it out of the address bar and history.
    return redirect(url_for("families.join_about"))


@bp.route("/join", methods=["GET", "POST"])
@code_limit
def join() -> Response | str:
    """Type an invitation code."""
    form = CodeForm()
    if form.validate_on_submit():
        try:
            return _accept_code(form.code.data or "")
        except DomainError as error:
            apply_to_form(form, error)
    return render_template("families/join_code.html", form=form)


@bp.route("/join/<code>")
@code_limit
def join_link(code: str) -> Response | str:
    """Open an invitation link (the same check as typing its code)."""
    form = CodeForm(formdata=None, code=code)
    try:
        return _accept_code(code)
    except DomainError as error:
        apply_to_form(form, error)
    return render_template("families/join_code.html", form=form)


@bp.route("/join/about", methods=["GET", "POST"])
def join_about() -> Response | str:
    """Tell us about yourself and choose a password; this creates the carer's account."""
    if current_user.is_authenticated:
        # Joining would swap the signed-in account for a new carer account without warning.
        flash(_("You are already logged in. Log out first to join as a new carer."), "info")
        return redirect(url_for("accounts.index"))
    invitation_id = session.get(JOIN_KEY)
    if not isinstance(invitation_id, int):
        flash(_("Please enter your invitation code first."), "info")
        return redirect(url_for("families.join"))
    # The language the page is read in is the first choice; the carer may pick another.
    form = JoinForm(language=str(get_locale()))
    if form.validate_on_submit():
        try:
            services.join_family(
                session=get_session(),
                invitation_id=invitation_id,
                display_name=form.display_name.data or "",
                email=form.email.data or "",
                password=form.password.data or "",
                carer_role=CarerRole(form.carer_role.data),
                carer_role_other=form.carer_role_other.data,
                locale=form.language.data or str(get_locale()),
            )
        except services.InvitationError as error:
            session.pop(JOIN_KEY, None)
            flash(error.message, "error")
            return redirect(url_for("families.join"))
        except DomainError as error:
            apply_to_form(form, error)
        else:
            return redirect(url_for("families.consent"))
    return render_template("families/join_about.html", form=form)


@bp.route("/consent", methods=["GET", "POST"])
@carer_page(need_consent=False)
def consent() -> Response | str:
    """Plain words on who reads the answers and when; the carer agrees before going on."""
    carer: Carer = g.carer
    form = ConsentForm()
    if carer.consented_at is None and form.validate_on_submit():
        services.record_consent(session=get_session(), carer=carer)
        flash(_("Thank you. You are all set."), "success")
        return redirect(url_for("checkins.home"))
    return render_template(
        "families/consent.html", form=form, team=queries.team_of(get_session(), carer), carer=carer
    )
