"""A clinician's page for one check-in: every answer, the scores and the carer's note, who of
the team has read it, the replies sent, and the form to send one. Opening it is audited and
counts as reading it (the carer's history then says so)."""

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from sqlmodel import col, select
from werkzeug.wrappers import Response

from parentapp.accounts.current import signed_in
from parentapp.accounts.models import User
from parentapp.audit.services import record_view
from parentapp.checkins.models import CheckIn
from parentapp.checkins.queries import by_instrument, urgent_answer
from parentapp.clinician.blueprint import bp
from parentapp.db import get_session
from parentapp.families.models import Carer, Family
from parentapp.forms import saved
from parentapp.instruments.registry import UnknownInstrumentError, load_registry
from parentapp.instruments.wording import answer_lines
from parentapp.replies import queries as replies
from parentapp.replies import services as reply_services
from parentapp.replies.forms import OWN_WORDS, ReplyForm, reply_form
from parentapp.security import clinical
from parentapp.triage.models import Flag


def _page(checkin: CheckIn, family: Family, form: ReplyForm | None = None) -> str:
    me = signed_in()
    session = get_session()
    carer = session.get(Carer, checkin.carer_id)
    carer_user = session.get(User, carer.user_id) if carer is not None else None
    registry = load_registry(session)
    try:
        definition = registry.get(checkin.instrument_id, checkin.instrument_version)
    except UnknownInstrumentError:
        definition = None
    group = next(iter(by_instrument(session, [checkin])), None)
    flags = session.exec(
        select(Flag).where(Flag.checkin_id == checkin.id).order_by(col(Flag.id))
    ).all()
    # Reading is stored with its audit record, in one commit, before the page is drawn.
    reply_services.note_read(session=session, reader=me, checkins=[checkin])
    record_view(
        session=session,
        action="checkin.viewed",
        actor_id=me.id,
        target_type="checkin",
        target_id=checkin.id,
    )
    sent = replies.replies_to(session, [checkin.id or 0]).get(checkin.id or 0, [])
    return render_template(
        "clinician/checkin.html",
        checkin=checkin,
        family=family,
        carer_name=carer_user.display_name if carer_user else "",
        title=definition.title if definition else checkin.instrument_id,
        answers=answer_lines(definition, checkin.answers),
        group=group,
        urgent=urgent_answer(registry, checkin),
        flags=flags,
        receipt=replies.receipts(session, [checkin]).get(checkin.id or 0),
        replies=sent,
        authors=replies.author_names(session, sent),
        form=form or reply_form(replies.team_templates(session, family.team_id), formdata=None),
    )


@bp.route("/checkins/<int:checkin_id>")
@clinical
def checkin(checkin_id: int) -> str:
    """One check-in of a family of the team, with the reply form (viewing is audited and
    marks the check-in read by this clinician)."""
    found, family = reply_services.checkin_for_staff(get_session(), signed_in(), checkin_id)
    return _page(found, family)


@bp.route("/checkins/<int:checkin_id>/reply", methods=["POST"])
@clinical
def reply(checkin_id: int) -> Response | tuple[str, int]:
    """Send the carer a reply to this check-in: a team template or the clinician's words."""
    session = get_session()
    found, family = reply_services.checkin_for_staff(session, signed_in(), checkin_id)
    form = reply_form(replies.team_templates(session, family.team_id))
    if form.validate() and saved(
        form,
        _("Reply sent. The carer is told there is a message from their team."),
        reply_services.send_reply,
        session=session,
        actor=signed_in(),
        checkin_id=checkin_id,
        template_id=None if form.template_id.data == OWN_WORDS else form.template_id.data,
        text=form.text.data,
    ):
        return redirect(url_for("clinician.checkin", checkin_id=checkin_id))
    return _page(found, family, form), 400
