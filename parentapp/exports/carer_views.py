"""A carer's own data: a page that lists everything held about them, and its download."""

from flask import Response, g, render_template

from parentapp.accounts.current import signed_in
from parentapp.audit.services import record_view
from parentapp.db import get_session, utcnow
from parentapp.exports.blueprint import bp
from parentapp.exports.carer_files import as_zip
from parentapp.exports.carer_record import carer_record
from parentapp.exports.forms import DownloadForm
from parentapp.extensions import limiter, user_key
from parentapp.families.access import carer_page
from parentapp.families.models import Carer


@bp.route("/account/data")
@carer_page(need_consent=False)
def my_data() -> str:
    """Everything the app holds about the carer, readable, with the button to download it."""
    carer: Carer = g.carer
    data = carer_record(get_session(), signed_in(), carer, utcnow())
    return render_template("exports/my_data.html", data=data, form=DownloadForm())


@bp.route("/account/data/download", methods=["POST"])
@carer_page(need_consent=False)
@limiter.limit("5 per hour", key_func=user_key)
def download() -> Response | tuple[str, int]:
    """The same as one zip (a JSON document and CSV files). Audited: who, and when."""
    carer: Carer = g.carer
    form = DownloadForm()
    if not form.validate_on_submit():
        return my_data(), 400
    session = get_session()
    now = utcnow()
    me = signed_in()
    body = as_zip(carer_record(session, me, carer, now))
    record_view(
        session=session,
        action="carer.data_downloaded",
        actor_id=me.id,
        target_type="carer",
        target_id=carer.id,
    )
    name = f"my-data-{now:%Y-%m-%d}.zip"
    return Response(
        body,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
