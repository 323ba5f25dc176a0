"""The outcomes blueprint; its views are attached by ``with_views``."""

from flask import Blueprint

bp = Blueprint("outcomes", __name__, template_folder="templates")


def with_views() -> Blueprint:
    """The blueprint with its routes attached. Its view modules import ``bp`` from here, so
    they are imported when the app is built, not when this module is."""
    from parentapp.outcomes import views  # noqa: F401 - attach routes

    return bp
