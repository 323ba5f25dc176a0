"""The check-ins blueprint, shared by its carer view modules, and its template filters."""

from datetime import datetime

from babel.dates import format_skeleton
from flask import Blueprint
from flask_babel import format_date, format_time, get_locale, get_timezone
from flask_babel import gettext as _

bp = Blueprint("checkins", __name__, template_folder="templates")


def day_of(value: datetime) -> str:
    """The day of a moment in the reader's zone: the weekday, then the date as their locale
    writes a day and month ("30 November", "November 30", "30 listopada")."""
    # A pattern, not a skeleton: skeletons shorten the weekday ("Mon") in some locales.
    weekday = format_date(value, "EEEE")
    day = format_skeleton("MMMMd", value, tzinfo=get_timezone(), locale=get_locale(), fuzzy=True)
    return str(_("%(weekday)s %(date)s", weekday=weekday, date=day))


@bp.app_template_filter()
def format_when(value: datetime | None) -> str:
    """A moment as a day and a time, in the reader's zone and locale."""
    if value is None:
        return ""
    return str(_("%(day)s at %(time)s", day=day_of(value), time=format_time(value, "short")))


def with_views() -> Blueprint:
    """The blueprint with its routes attached. Its view modules import ``bp`` from here, so
    they are imported when the app is built, not when this module is."""
    from parentapp.checkins import (  # noqa: F401 - attach routes
        carer_views,
        history_views,
        home_views,
    )

    return bp
