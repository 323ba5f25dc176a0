"""The accounts blueprint, shared by its view modules (login and logout; language and the
account page)."""

from flask import Blueprint

bp = Blueprint("accounts", __name__, template_folder="templates")


def with_views() -> Blueprint:
    """The blueprint with its routes attached. Its view modules import ``bp`` from here, so
    they are imported when the app is built, not when this module is."""
    from parentapp.accounts import preferences_views, views  # noqa: F401 - attach routes

    return bp
