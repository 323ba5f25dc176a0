"""The carer's side of closing their account: what happens, the request, changing their mind."""

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from parentapp.closure import services
from parentapp.closure.blueprint import bp
from parentapp.closure.forms import CloseRequestForm, WithdrawForm
from parentapp.db import get_session
from parentapp.families.access import carer_page


@bp.route("/account/close", methods=["GET", "POST"])
@carer_page(need_consent=False)
def close_account() -> Response | str | tuple[str, int]:
    """Plain words about what closing means, and the request (asking twice changes nothing)."""
    form = CloseRequestForm()
    if form.validate_on_submit():
        if services.request_closure(session=get_session(), carer=g.carer):
            flash(_("Your request is sent. Your clinician will confirm it soon."), "success")
        else:
            flash(_("You have already asked. Your clinician will confirm it soon."), "success")
        return redirect(url_for("closure.close_account"))
    page = render_template(
        "closure/close_account.html", form=form, withdraw=WithdrawForm(), carer=g.carer
    )
    return (page, 400) if form.is_submitted() else page


@bp.route("/account/close/withdraw", methods=["POST"])
@carer_page(need_consent=False)
def withdraw() -> Response:
    """Keep the account after all (before the clinician has confirmed)."""
    if WithdrawForm().validate_on_submit() and services.withdraw_request(
        session=get_session(), carer=g.carer
    ):
        flash(_("You asked to keep your account. Nothing will be closed."), "success")
    return redirect(url_for("closure.close_account"))
