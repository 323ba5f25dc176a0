"""The page the professional opens from the email: the code, then the summary. Standalone
(no app header or navigation), never cached or indexed, and in the language chosen for them."""

from flask import make_response, render_template, request
from flask_babel import force_locale
from werkzeug.wrappers import Response

from parentapp.db import get_session, utcnow
from parentapp.extensions import limiter
from parentapp.sharing import codes, queries, services
from parentapp.sharing.blueprint import bp
from parentapp.sharing.forms import CodeForm

# A token is 43 characters; anything much longer is not one (and is not hashed at length).
MAX_TOKEN = 128


def _share_key() -> str:
    """Rate-limit key for one share, whoever guesses at it."""
    token = (request.view_args or {}).get("token", "")
    return "share:" + codes.token_hash(str(token)[:MAX_TOKEN])[:32]


def _refused(response: Response) -> bool:
    """Only an answer that is not the summary counts against the limits."""
    return response.status_code != 200


def _answer(page: str, status: int, *, summary: bool = False) -> Response:
    response = make_response(page, status)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "no-store"
    if summary:
        # The link's token is in the address: it must not leave in a Referer.
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/shared/<token>", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"], deduct_when=_refused)
@limiter.limit("10 per hour", methods=["POST"], key_func=_share_key, deduct_when=_refused)
def open_share(token: str) -> Response:
    """The code form; with the right code, the shared summary (the opening is logged)."""
    session = get_session()
    now = utcnow()
    token = token[:MAX_TOKEN]
    try:
        share = services.live_share(session, token=token, now=now)
    except services.ShareUnavailableError as error:
        page = render_template("sharing/unavailable.html", message=error.message)
        return _answer(page, 410 if error.known else 404)
    with force_locale(share.locale):
        form = CodeForm()
        if form.validate_on_submit():
            try:
                services.open_share(session, token=token, code=form.code.data or "", now=now)
            except services.ShareUnavailableError as error:
                page = render_template("sharing/unavailable.html", message=error.message)
                return _answer(page, 410)
            except services.WrongCodeError as error:
                form.code.errors = [error.message]
            else:
                summary = queries.shared_summary(session, share)
                page = render_template("sharing/shared.html", summary=summary)
                return _answer(page, 200, summary=True)
        page = render_template("sharing/code.html", form=form)
        return _answer(page, 400 if form.is_submitted() else 200)
