"""Resetting a colleague's second factor: a lead for their own team, an administrator for
anyone. The person enrols again when they next sign in."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlmodel import col, select
from werkzeug.wrappers import Response

from parentapp.accounts.current import signed_in
from parentapp.accounts.models import Role, User
from parentapp.audit.services import record_denied
from parentapp.db import get_session, utcnow
from parentapp.errors import DomainError
from parentapp.security import role_required
from parentapp.signin import factors
from parentapp.signin.blueprint import bp
from parentapp.signin.models import Passkey, TotpFactor

leads_and_admins = role_required(Role.LEAD.value, Role.ADMIN.value)


@bp.route("/staff/second-factors")
@leads_and_admins
def staff_factors() -> str:
    """Whose second factor is set up: the team's staff for a lead, every staff member for an
    administrator."""
    me = signed_in()
    db = get_session()
    query = select(User).where(User.role != Role.CARER.value).order_by(col(User.display_name))
    if me.role == Role.LEAD:
        query = query.where(User.team_id == me.team_id)
    people = db.exec(query).all()
    ids = [p.id for p in people]
    # An authenticator app or a passkey: either is a second factor to reset.
    enrolled = {
        user_id
        for model in (TotpFactor, Passkey)
        for user_id in db.exec(select(model.user_id).where(col(model.user_id).in_(ids)))
    }
    return render_template(
        "signin/staff.html",
        people=people,
        enrolled=enrolled,
        may_reset={p.id for p in people if factors.may_reset(me, p)},
    )


@bp.route("/staff/<int:user_id>/second-factor/reset", methods=["POST"])
@leads_and_admins
def reset_factor(user_id: int) -> Response:
    me = signed_in()
    db = get_session()
    person = db.get(User, user_id)
    if (
        person is None
        or person.role == Role.CARER
        or (me.role == Role.LEAD and person.team_id != me.team_id)
    ):
        record_denied(reason="not-found", target_type="user", target_id=user_id)
        abort(404)
    try:
        factors.reset_factor(db, actor=me, person=person, now=utcnow())
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(
            _(
                "%(name)s's second factor is reset. They set one up again when they next "
                "sign in, and have been emailed.",
                name=person.display_name,
            ),
            "success",
        )
    return redirect(url_for("signin.staff_factors"))
