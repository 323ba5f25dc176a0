"""The referrals blueprint: the referrer's pages (``referrer_views``) and the team's queue
(``queue_views``)."""

from flask import Blueprint

bp = Blueprint("referrals", __name__, template_folder="templates")


def with_views() -> Blueprint:
    """The blueprint with its routes attached (its view modules import ``bp`` from here)."""
    from parentapp.referrals import queue_views, referrer_views  # noqa: F401 - attach routes

    return bp
