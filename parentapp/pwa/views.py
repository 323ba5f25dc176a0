"""The routes that make the app installable: manifest, service worker and offline page.

All three are open to anyone: the browser fetches them before (and after) anyone logs in.
"""

from flask import Blueprint, Response, json, render_template, session, url_for
from flask_babel import get_locale

from parentapp.i18n.languages import language
from parentapp.pwa import branding
from parentapp.pwa.shell import current_shell

bp = Blueprint("pwa", __name__, template_folder="templates")
bp.app_context_processor(branding.template_context)

# The colours of app.css (--brand for the browser's bars, --paper behind the splash screen).
THEME_COLOR = "#2f5d62"
BACKGROUND_COLOR = "#fbf9f5"


def _icons(icon_set: str) -> list[dict[str, str]]:
    def icon(name: str, mime: str, sizes: str, purpose: str = "any") -> dict[str, str]:
        return {
            "src": url_for("static", filename=f"icons/{icon_set}{name}"),
            "type": mime,
            "sizes": sizes,
            "purpose": purpose,
        }

    return [
        icon(".svg", "image/svg+xml", "any"),
        icon("-192.png", "image/png", "192x192"),
        icon("-512.png", "image/png", "512x512"),
        icon("-maskable-512.png", "image/png", "512x512", "maskable"),
    ]


@bp.after_request
def keep_the_session_cookie(response: Response) -> Response:
    """These are fetched in the background (the manifest by the browser, the offline page by
    the service worker), often while someone is logging in: sending back the session cookie
    they were asked with would undo that login. They change nothing, so they send none."""
    session.modified = False
    return response


@bp.route("/manifest.webmanifest")
def manifest() -> Response:
    """The web app manifest, in the reader's language and with their team's discreet name."""
    found = branding.branding()
    active = language(str(get_locale()))
    body = {
        "id": "/",
        "name": found.app_name,
        "short_name": found.app_name,
        "lang": active.code,
        "dir": active.direction,
        # The landing page sends each person to their own home (or to log in).
        "start_url": url_for("accounts.index"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": _icons(found.icon_set),
    }
    return Response(json.dumps(body), mimetype="application/manifest+json")


@bp.route("/sw.js")
def service_worker() -> Response:
    """The service worker, from the root so that it may look after every page."""
    response = Response(current_shell().script, mimetype="text/javascript")
    # Revalidated on every use so a new release reaches phones at once (security.py keeps it).
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/offline")
def offline() -> str:
    """What the service worker shows for a page it cannot fetch; it holds nobody's data."""
    return render_template("pwa/offline.html")
