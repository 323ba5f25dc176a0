"""The sign-in blueprint: second factors and password reset."""

from flask import Blueprint

bp = Blueprint("signin", __name__, template_folder="templates")


def with_views() -> Blueprint:
    """The blueprint with its routes attached (see accounts.blueprint)."""
    from parentapp.signin import factor_views, reset_views, staff_views  # noqa: F401

    return bp
