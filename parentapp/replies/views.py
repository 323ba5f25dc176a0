"""Pages of the replies domain: a team lead's reply templates, and the carer's messages from
their team (opening them marks them read)."""

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from parentapp.accounts.current import signed_in
from parentapp.db import get_session
from parentapp.errors import NotFoundError
from parentapp.families.access import carer_page
from parentapp.families.models import Carer
from parentapp.forms import saved
from parentapp.i18n.languages import BY_CODE
from parentapp.replies import queries, services
from parentapp.replies.forms import TRANSLATED, TemplateForm
from parentapp.replies.models import ReplyTemplate
from parentapp.security import role_required

bp = Blueprint("replies", __name__, template_folder="templates")
lead_only = role_required("lead")


def _templates_page(form: TemplateForm | None = None) -> str:
    me = signed_in()
    return render_template(
        "replies/templates.html",
        templates=queries.team_templates(get_session(), me.team_id or 0),
        form=form or TemplateForm(formdata=None),
        language_names=BY_CODE,
    )


@bp.route("/team/settings/replies", methods=["GET", "POST"])
@lead_only
def templates() -> Response | str | tuple[str, int]:
    """The team's reply templates, and a form to add one (with optional translations)."""
    form = TemplateForm()
    if not form.is_submitted():
        return _templates_page()
    if form.validate() and saved(
        form,
        _("Reply added."),
        services.add_template,
        session=get_session(),
        actor=signed_in(),
        text=form.text.data,
        translations=form.translations(),
    ):
        return redirect(url_for("replies.templates"))
    return _templates_page(form), 400


def _own(template_id: int) -> ReplyTemplate:
    template = get_session().get(ReplyTemplate, template_id)
    if template is None or template.team_id != signed_in().team_id:
        raise NotFoundError("reply_template")
    return template


@bp.route("/team/settings/replies/<int:template_id>", methods=["GET", "POST"])
@lead_only
def edit_template(template_id: int) -> Response | str | tuple[str, int]:
    """Change one of the team's reply templates (replies already sent keep their words)."""
    template = _own(template_id)
    data = {"text": template.text}
    data.update(
        {f"text_{lang.code}": template.translations.get(lang.code, "") for lang in TRANSLATED}
    )
    form = TemplateForm(data=data)
    if form.is_submitted():
        if form.validate() and saved(
            form,
            _("Reply changed."),
            services.edit_template,
            session=get_session(),
            actor=signed_in(),
            template_id=template_id,
            text=form.text.data,
            translations=form.translations(),
        ):
            return redirect(url_for("replies.templates"))
        return render_template("replies/edit_template.html", form=form, template=template), 400
    return render_template("replies/edit_template.html", form=form, template=template)


@bp.route("/team/settings/replies/<int:template_id>/delete", methods=["POST"])
@lead_only
def delete_template(template_id: int) -> Response:
    """Remove one of the team's reply templates."""
    services.delete_template(session=get_session(), actor=signed_in(), template_id=template_id)
    flash(_("Reply removed."), "success")
    return redirect(url_for("replies.templates"))


@bp.route("/messages")
@carer_page()
def messages() -> str:
    """The carer's messages from their team, newest first; opening this page marks them read."""
    carer: Carer = g.carer
    session = get_session()
    replies = queries.carer_replies(session, carer.id or 0)
    unread = {r.id for r in replies if r.read_at is None}
    page = render_template(
        "replies/messages.html",
        replies=replies,
        unread=unread,
        authors=queries.author_names(session, replies),
        locale=current_user.locale,
    )
    if unread:
        services.mark_replies_read(session=session, carer=carer)
    return page
