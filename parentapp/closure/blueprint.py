"""The closure blueprint; its views are attached by ``with_views``."""

from flask import Blueprint

bp = Blueprint("closure", __name__, template_folder="templates")


def with_views() -> Blueprint:
    """The blueprint with its routes attached. Its view modules import ``bp`` from here, so
    they are imported when the app is built, not when this module is."""
    from parentapp.closure import carer_views, staff_views  # noqa: F401 - attach routes

    return bp
