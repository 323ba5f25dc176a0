"""The clinician's pages composed from several domains: the flag dashboard and a flag with the
check-in behind it, a family's record with its check-in schedules, and the family summary.

Each domain keeps its data, rules and services; a page that shows more than one domain's data
lives here, above them all, so that no domain imports another's views or a higher one."""

from flask import Blueprint

bp = Blueprint("clinician", __name__, template_folder="templates")


def with_views() -> Blueprint:
    """The blueprint with its routes attached. Its view modules import ``bp`` from here, so
    they are imported when the app is built, not when this module is."""
    from parentapp.clinician import (  # noqa: F401 - attach routes
        checkin_views,
        coparent_views,
        family_views,
        flag_views,
        schedule_views,
        summary_views,
    )

    return bp
