"""The carer's reminder settings page, and the JSON endpoints its script uses to register
and forget this phone's push subscription."""

from typing import Any

from flask import (
    Blueprint,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from parentapp import json_errors
from parentapp.accounts.models import User
from parentapp.config import Settings
from parentapp.db import get_session
from parentapp.errors import DomainError
from parentapp.families.access import carer_page
from parentapp.families.models import Carer
from parentapp.families.queries import team_of
from parentapp.forms import saved
from parentapp.reminders import services
from parentapp.reminders.forms import NO_QUIET, QUIET, ReminderSettingsForm

bp = Blueprint("reminders", __name__, template_folder="templates")
# The subscription endpoints answer JSON, errors included (a script reads them, not a person).
subscriptions_bp = Blueprint("reminder_subscriptions", __name__)
json_errors.register(subscriptions_bp)
# A subscription is ~500 bytes; anything much larger is not one.
MAX_BODY_BYTES = 8 * 1024


def _form(carer: Carer) -> ReminderSettingsForm:
    if request.method == "POST":
        # Only what was sent: a time left out must read as missing, not as the saved one.
        return ReminderSettingsForm()
    has_quiet = carer.quiet_start is not None and carer.quiet_end is not None
    return ReminderSettingsForm(
        enabled=carer.reminders_enabled,
        quiet=QUIET if has_quiet else NO_QUIET,
        quiet_start=carer.quiet_start,
        quiet_end=carer.quiet_end,
    )


@bp.route("/reminders", methods=["GET", "POST"])
@carer_page()
def settings() -> Response | str:
    """Reminders on or off, quiet hours, and (with JavaScript) notifications on this phone."""
    carer: Carer = g.carer
    me: User = current_user
    form = _form(carer)
    if form.validate_on_submit():
        quiet = form.quiet.data == QUIET
        if quiet and (form.quiet_start.data is None or form.quiet_end.data is None):
            form.quiet_end.errors = [
                *form.quiet_end.errors,
                _("Choose both a start and an end for quiet hours."),
            ]
        elif saved(
            form,
            _("Your reminder settings are saved."),
            services.save_settings,
            session=get_session(),
            carer=carer,
            enabled=bool(form.enabled.data),
            quiet_start=form.quiet_start.data if quiet else None,
            quiet_end=form.quiet_end.data if quiet else None,
        ):
            return redirect(url_for("reminders.settings"))
    app_settings: Settings = current_app.config["PARENTAPP_SETTINGS"]
    team = team_of(get_session(), carer)
    return render_template(
        "reminders/settings.html",
        form=form,
        carer=carer,
        time_zone=me.time_zone or team.time_zone,
        vapid_public_key=app_settings.vapid_public_key if app_settings.push_enabled else "",
        devices=services.subscription_count(get_session(), me),
        follow_up_hours=max(1, round(app_settings.reminder_follow_up.total_seconds() / 3600)),
    )


def _json_body() -> Any:
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise json_errors.ApiError(413, "payload_too_large", json_errors.default_message(413))
    if not request.is_json:
        raise json_errors.ApiError(415, "unsupported_media_type", json_errors.default_message(415))
    data = request.get_json(silent=True)
    if data is None:
        raise json_errors.ApiError(
            422, "invalid_subscription", _("This phone's notification details could not be read.")
        )
    return data


@subscriptions_bp.route("/reminders/subscriptions", methods=["POST"])
@carer_page()
def subscribe() -> ResponseReturnValue:
    """Keep this phone's push subscription (``PushSubscription.toJSON()``) for the carer."""
    try:
        services.subscribe(session=get_session(), user=current_user, data=_json_body())
    except DomainError as error:
        return json_errors.error_response(422, error.message, "invalid_subscription")
    return jsonify({"message": _("Notifications are on for this phone.")}), 201


@subscriptions_bp.route("/reminders/subscriptions/remove", methods=["POST"])
@carer_page()
def unsubscribe() -> ResponseReturnValue:
    """Forget this phone's push subscription (the browser has already unsubscribed)."""
    try:
        services.unsubscribe(session=get_session(), user=current_user, data=_json_body())
    except DomainError as error:
        return json_errors.error_response(422, error.message, "invalid_subscription")
    return jsonify({"message": _("Notifications are off for this phone.")})
