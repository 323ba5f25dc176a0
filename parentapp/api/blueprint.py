"""The API blueprint; its views (``parentapp.api.views``) are attached by ``with_views``."""

from flask import Blueprint

from parentapp import json_errors

API_PREFIX = "/api/v1"

bp = Blueprint("api", __name__, url_prefix=API_PREFIX)
json_errors.register(bp)


def with_views() -> Blueprint:
    """The blueprint with its routes attached. Its view modules import ``bp`` from here, so
    they are imported when the app is built, not when this module is."""
    from parentapp.api import views  # noqa: F401 - attach routes

    return bp
