"""The sign-in blueprint: second factors and password reset."""

from flask import Blueprint

bp = Blueprint("signin", __name__, template_folder="templates")


def with_views() -> tuple[Blueprint, Blueprint]:
    """The blueprint with its routes attached (see accounts.blueprint), and the passkey
    routes' own, which answer JSON."""
    from parentapp.signin import (  # noqa: F401 - attach routes
        factor_views,
        passkey_views,
        reset_views,
        sso_views,
        staff_views,
    )

    return bp, passkey_views.passkeys_bp
