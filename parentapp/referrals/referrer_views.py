"""The referrer's pages: refer a family, and follow their own referrals (status only). And the
lead's page for adding referrers to the team."""

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from parentapp.accounts.current import signed_in
from parentapp.audit.services import record_denied
from parentapp.db import get_session, utcnow
from parentapp.forms import choices, saved
from parentapp.referrals import queries, services
from parentapp.referrals.blueprint import bp
from parentapp.referrals.forms import ReferralForm, ReferrerForm
from parentapp.referrals.models import Referral
from parentapp.referrals.services import BabyIn
from parentapp.referrals.timeline import timeline
from parentapp.referrals.vocab import PROFESSIONS, STATE_LABELS, number
from parentapp.security import role_required
from parentapp.teams.models import Team

referrer_only = role_required("referrer")
lead_only = role_required("lead")


@bp.get("/referrals")
@referrer_only
def mine() -> str:
    """The referrals this referrer made, with where each one is."""
    rows = queries.referrals_by(get_session(), signed_in().id or 0)
    return render_template("referrals/mine.html", rows=rows, labels=STATE_LABELS, number=number)


def _referral_form(formdata: bool = True) -> ReferralForm:
    form = ReferralForm() if formdata else ReferralForm(formdata=None)
    team = get_session().get(Team, signed_in().team_id)
    form.team_id.choices = choices([(team.id, team.name)] if team is not None else [])
    return form


def _babies(form: ReferralForm) -> list[BabyIn]:
    babies = [BabyIn(form.infant_name.data or "", form.date_of_birth.data, form.due_date.data)]
    if (form.second_infant_name.data or "").strip():
        babies.append(
            BabyIn(
                form.second_infant_name.data or "",
                form.second_date_of_birth.data,
                form.second_due_date.data,
            )
        )
    return babies


@bp.route("/referrals/new", methods=["GET", "POST"])
@referrer_only
def new() -> Response | str | tuple[str, int]:
    """Refer a family to the team: who they are, the babies, why, and that they agreed."""
    form = _referral_form()
    if not form.is_submitted():
        form.team_id.data = signed_in().team_id
        return render_template("referrals/new.html", form=form)
    if form.validate() and saved(
        form,
        _("Referral sent. You will be emailed at each step."),
        services.submit,
        session=get_session(),
        referrer=signed_in(),
        team_id=form.team_id.data or 0,
        carer_name=form.carer_name.data or "",
        carer_email=form.carer_email.data,
        carer_phone=form.carer_phone.data,
        language=form.language.data or "en",
        babies=_babies(form),
        reasons=list(form.reasons.data or []),
        reason_text=form.reason_text.data or "",
        consent=bool(form.consent.data),
        urgency=form.urgency.data or "",
        now=utcnow(),
    ):
        return redirect(url_for("referrals.mine"))
    return render_template("referrals/new.html", form=form), 400


@bp.get("/referrals/<int:referral_id>")
@referrer_only
def status(referral_id: int) -> str:
    """Where one of the referrer's own referrals is: its steps and dates, nothing clinical."""
    session = get_session()
    referral = session.get(Referral, referral_id)
    if referral is None or referral.referrer_id != signed_in().id:
        record_denied(reason="not their referral")
        abort(404)
    team = session.get(Team, referral.team_id)
    return render_template(
        "referrals/status.html",
        referral=referral,
        team=team,
        steps=timeline(referral),
        number=number(referral.id),
    )


def _referrers_page(form: ReferrerForm) -> str:
    me = signed_in()
    rows = queries.team_referrers(get_session(), me.team_id or 0)
    return render_template(
        "referrals/referrers.html", form=form, rows=rows, professions=PROFESSIONS
    )


@bp.route("/team/referrers", methods=["GET", "POST"])
@lead_only
def referrers() -> Response | str | tuple[str, int]:
    """The team's referrers, and adding one (they are emailed a link to set a password)."""
    form = ReferrerForm()
    if not form.is_submitted():
        return _referrers_page(form)
    if form.validate() and saved(
        form,
        _("Referrer added. They have been emailed a link to choose a password."),
        services.create_referrer,
        session=get_session(),
        actor=signed_in(),
        email=form.email.data or "",
        display_name=form.display_name.data or "",
        profession=form.profession.data or "",
        organisation=form.organisation.data,
        now=utcnow(),
    ):
        return redirect(url_for("referrals.referrers"))
    return _referrers_page(form), 400
