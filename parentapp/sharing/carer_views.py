"""The carer's pages: share a summary with a professional, see each share and its openings,
stop one."""

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from parentapp.accounts.current import signed_in
from parentapp.db import get_session, utcnow
from parentapp.errors import DomainError, NotFoundError, PermissionDeniedError, apply_to_form
from parentapp.families.access import carer_page
from parentapp.families.models import Carer
from parentapp.sharing import choosing, queries, services
from parentapp.sharing.blueprint import bp
from parentapp.sharing.forms import ShareForm


def _page(form: ShareForm | None = None, status: int = 200) -> tuple[str, int]:
    carer: Carer = g.carer
    session = get_session()
    now = utcnow()
    offered = queries.shareable(session, carer, now)
    form = form or ShareForm(formdata=None)
    fields = choosing.offer(form, offered)
    page = render_template(
        "sharing/index.html",
        form=form,
        fields=fields,
        offered=offered,
        shares=queries.carer_shares(session, carer, now),
    )
    return page, status


@bp.route("/shares")
@carer_page()
def index() -> tuple[str, int]:
    """Share a summary with a professional, and the shares made so far."""
    return _page()


@bp.route("/shares", methods=["POST"])
@carer_page()
def create() -> tuple[str, int]:
    """Make a share: the link is emailed to the professional, the code shown here once."""
    carer: Carer = g.carer
    session = get_session()
    now = utcnow()
    form = ShareForm()
    choosing.offer(form, queries.shareable(session, carer, now))
    if form.validate_on_submit():
        try:
            created = services.create_share(
                session=session,
                actor=signed_in(),
                carer=carer,
                choices=choosing.read(form),
                now=now,
            )
        except (NotFoundError, PermissionDeniedError):
            raise
        except DomainError as error:
            session.rollback()
            apply_to_form(form, error)
        else:
            return render_template(
                "sharing/created.html",
                created=created,
                back=url_for("sharing.index"),
                by_staff=False,
            ), 200
    return _page(form, 400)


@bp.route("/shares/<int:share_id>/revoke", methods=["POST"])
@carer_page()
def revoke(share_id: int) -> Response:
    """Stop one of the carer's own shares at once."""
    services.revoke_share(session=get_session(), actor=signed_in(), share_id=share_id, now=utcnow())
    flash(_("The share is stopped. The link no longer opens."), "success")
    return redirect(url_for("sharing.index"))
