"""The carer's side: asking the team to invite another carer of the baby, and withdrawing
a request still waiting. The clinician's side is on the family page (``clinician``)."""

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from parentapp.coparents import services
from parentapp.coparents.forms import AskForm, WithdrawForm
from parentapp.db import get_session
from parentapp.errors import DomainError, NotFoundError
from parentapp.families.access import carer_page
from parentapp.families.roles import CarerRole
from parentapp.forms import saved

bp = Blueprint("coparents", __name__, template_folder="templates")


@bp.route("/home/invite", methods=["GET", "POST"])
@carer_page()
def ask() -> Response | str | tuple[str, int]:
    """Ask the team to invite a partner, co-parent, grandparent or another carer."""
    form = AskForm()
    if form.validate_on_submit() and saved(
        form,
        _("Your request is sent. Your clinician will look at it and let you know."),
        services.ask_to_invite,
        session=get_session(),
        carer=g.carer,
        name=form.name.data or "",
        carer_role=CarerRole(form.carer_role.data),
        carer_role_other=form.carer_role_other.data,
        email=form.email.data,
        phone=form.phone.data,
        locale=form.locale.data or None,
    ):
        return redirect(url_for("checkins.home"))
    page = render_template("coparents/ask.html", form=form)
    return (page, 400) if form.is_submitted() else page


@bp.route("/home/invite/<int:request_id>/withdraw", methods=["POST"])
@carer_page()
def withdraw(request_id: int) -> Response:
    """Call off a request the team has not answered yet."""
    if WithdrawForm().validate_on_submit():
        try:
            services.withdraw(session=get_session(), carer=g.carer, request_id=request_id)
        except NotFoundError:
            raise
        except DomainError as error:
            get_session().rollback()
            flash(error.message, "error")
        else:
            flash(_("Your request is withdrawn. Nobody will be invited."), "success")
    return redirect(url_for("checkins.home"))
