"""Who may call the API: the session cookie of a logged-in user, checked per view.

Flask-Login's ``login_required`` answers an anonymous request with a redirect to the login
page; an API client needs a plain 401 instead, so these decorators answer for themselves.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort, current_app, g
from flask_babel import gettext as _
from flask_login import current_user

from parentapp.db import get_session
from parentapp.families.queries import membership_of
from parentapp.json_errors import ApiError

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_CHECKIN_LIMIT = "60 per hour"


def login_required(view: F) -> F:
    """Any logged-in user; the anonymous get 401."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            abort(401)
        return view(*args, **kwargs)

    return cast(F, wrapped)


def carer_required(view: F) -> F:
    """A carer who has agreed to the consent screen; ``g.carer`` is their membership.

    Anyone else logged in gets 403 (audited, as on the HTML pages). A carer who has not yet
    agreed gets 403 ``consent_required``: the app's consent page comes first.
    """

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            abort(401)
        membership = membership_of(get_session(), current_user) if current_user.is_carer else None
        if membership is None:
            from parentapp.audit.services import record_denied

            record_denied(reason="role")
            abort(403)
        if membership.carer.consented_at is None:
            raise ApiError(
                403,
                "consent_required",
                _("Please open the app and agree to how your answers are used first."),
            )
        g.carer, g.membership = membership.carer, membership
        return view(*args, **kwargs)

    return cast(F, wrapped)


def checkin_limit() -> str:
    """Check-ins per user; generous enough for a phone replaying a queue after days offline."""
    return str(current_app.config.get("API_CHECKIN_RATE_LIMIT", DEFAULT_CHECKIN_LIMIT))
