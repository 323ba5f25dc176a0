"""The family page's co-parent requests: each waiting one with its approve and decline
forms for whoever may decide, and the latest answered ones."""

from dataclasses import dataclass

from sqlmodel import Session

from parentapp.accounts.models import User
from parentapp.coparents import queries
from parentapp.coparents.forms import ApproveForm, DeclineForm
from parentapp.coparents.services import may_decide
from parentapp.families.models import Family


@dataclass(frozen=True)
class CoparentSection:
    rows: list[queries.StaffRow]
    may_decide: bool
    approve_form: ApproveForm
    decline_forms: dict[int, DeclineForm]  # by request id


def decline_form(request_id: int, **kwargs: object) -> DeclineForm:
    """One of several on the page, so prefixed; the page's token serves the CSRF check."""
    return DeclineForm(prefix=f"decline-{request_id}", meta={"csrf": False}, **kwargs)


def coparent_section(
    session: Session, me: User, family: Family, failed: object = None
) -> CoparentSection:
    """What the family page shows of co-parent requests; ``failed`` is a refused decline
    form, as (request id, form), shown again beside its request."""
    rows = queries.family_requests(session, family.id or 0)
    forms = {r.request.id or 0: decline_form(r.request.id or 0, formdata=None) for r in rows}
    if isinstance(failed, tuple):
        forms[failed[0]] = failed[1]
    return CoparentSection(rows, may_decide(session, me, family), ApproveForm(), forms)
