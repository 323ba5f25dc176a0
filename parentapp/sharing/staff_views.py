"""The clinician's pages: a family's shares, a share made for a carer with their agreement
recorded, and stopping one."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from parentapp.accounts.current import signed_in
from parentapp.audit.services import record_view
from parentapp.db import get_session, utcnow
from parentapp.errors import DomainError, NotFoundError, PermissionDeniedError, apply_to_form
from parentapp.families import queries as family_queries
from parentapp.families.models import Carer, Family
from parentapp.security import clinical
from parentapp.sharing import choosing, queries, services
from parentapp.sharing.blueprint import bp
from parentapp.sharing.forms import StaffShareForm


def _form(carer: Carer, *, formdata: bool) -> tuple[StaffShareForm, list[str]]:
    """One carer's form on the family's page: prefixed, with the page's CSRF token."""
    options: dict[str, object] = {"prefix": f"carer-{carer.id}", "meta": {"csrf": False}}
    form = StaffShareForm(**options) if formdata else StaffShareForm(formdata=None, **options)
    offered = queries.shareable(get_session(), carer, utcnow())
    return form, choosing.offer(form, offered)


def _page(family: Family, failed: tuple[int, StaffShareForm] | None = None) -> str:
    session = get_session()
    detail = family_queries.family_detail(session, family)
    carers = [row for row in detail.carers if row.carer.consented_at and not row.carer.closed_at]
    forms = {}
    for row in carers:
        form, fields = _form(row.carer, formdata=False)
        if failed and failed[0] == row.carer.id:
            form = failed[1]
        forms[row.carer.id] = (form, fields)
    return render_template(
        "sharing/family.html",
        family=family,
        carers=carers,
        share_forms=forms,
        shares=queries.family_shares(session, family, utcnow()),
    )


@bp.route("/families/<int:family_id>/shares")
@clinical
def family_shares(family_id: int) -> str:
    """The family's shares with professionals, and a form per carer to make one."""
    me = signed_in()
    session = get_session()
    family = family_queries.family_for_clinician(session, me, family_id)
    record_view(
        session=session,
        action="family.shares_viewed",
        actor_id=me.id,
        target_type="family",
        target_id=family.id,
    )
    return _page(family)


@bp.route("/families/<int:family_id>/carers/<int:carer_id>/shares", methods=["POST"])
@clinical
def family_create(family_id: int, carer_id: int) -> tuple[str, int]:
    """Share a carer's summary on their behalf, with how they agreed recorded."""
    me = signed_in()
    session = get_session()
    family = family_queries.family_for_clinician(session, me, family_id)
    carer = session.get(Carer, carer_id)
    if carer is None or carer.family_id != family.id or carer.closed_at is not None:
        raise NotFoundError("carer")
    form, _fields = _form(carer, formdata=True)
    if form.validate_on_submit():
        try:
            created = services.create_share(
                session=session,
                actor=me,
                carer=carer,
                choices=choosing.read(form),
                now=utcnow(),
                agreed=bool(form.agreed.data),
                agreed_how=form.agreed_how.data,
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
                back=url_for("sharing.family_shares", family_id=family.id),
                by_staff=True,
            ), 200
    return _page(family, (carer.id or 0, form)), 400


@bp.route("/families/<int:family_id>/shares/<int:share_id>/revoke", methods=["POST"])
@clinical
def family_revoke(family_id: int, share_id: int) -> Response:
    """Stop a share of one of the family's carers at once."""
    me = signed_in()
    session = get_session()
    family = family_queries.family_for_clinician(session, me, family_id)
    services.revoke_share(
        session=session, actor=me, share_id=share_id, now=utcnow(), family_id=family.id
    )
    flash(_("The share is stopped. The link no longer opens."), "success")
    return redirect(url_for("sharing.family_shares", family_id=family.id))
