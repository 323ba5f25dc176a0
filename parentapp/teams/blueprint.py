"""The teams blueprint: a team lead's settings; its views (``teams.settings_views``) are attached by
``with_views``."""

from flask import Blueprint

bp = Blueprint("teams", __name__, template_folder="templates")


def with_views() -> Blueprint:
    """The blueprint with its routes attached. Its view modules import ``bp`` from here, so
    they are imported when the app is built, not when this module is."""
    from parentapp.teams import settings_views  # noqa: F401 - attach routes

    return bp
