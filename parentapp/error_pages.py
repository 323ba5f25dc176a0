"""The HTTP error pages (HTML, or JSON under /api/), and how domain errors reach them."""

from flask import Flask, make_response, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from parentapp import json_errors
from parentapp.audit.services import record_denied
from parentapp.db import get_session
from parentapp.errors import NotFoundError, PermissionDeniedError


def _page(status: int, title: str, message: str) -> ResponseReturnValue:
    if json_errors.is_api_request():
        # Under /api/ an error raised before a route matched (or by a service) is JSON too.
        return json_errors.error_response(status, json_errors.default_message(status))
    return render_template("errors/error.html", title=title, message=message, status=status), status


def init_app(app: Flask) -> None:
    @app.errorhandler(NotFoundError)
    def _domain_not_found(_error: NotFoundError) -> ResponseReturnValue:
        record_denied(reason="not-found")
        return _not_found(None)

    @app.errorhandler(PermissionDeniedError)
    def _domain_forbidden(_error: PermissionDeniedError) -> ResponseReturnValue:
        record_denied(reason="object")
        return _forbidden(None)

    @app.errorhandler(CSRFError)
    def _csrf(_error: CSRFError) -> ResponseReturnValue:
        return _page(
            400,
            _("This form has expired"),
            _(
                "For your security the form could not be sent. Go back, reload the page and try again."
            ),
        )

    @app.errorhandler(403)
    def _forbidden(_error: HTTPException | None) -> ResponseReturnValue:
        return _page(403, _("Not available"), _("You do not have access to this page."))

    @app.errorhandler(404)
    def _not_found(_error: HTTPException | None) -> ResponseReturnValue:
        return _page(404, _("Page not found"), _("We could not find that page."))

    @app.errorhandler(405)
    def _method(_error: HTTPException) -> ResponseReturnValue:
        if json_errors.is_api_request():
            return json_errors.http_error(_error)  # keeps the Allow header
        return _page(405, _("Not available"), _("That action is not available here."))

    @app.errorhandler(429)
    def _too_many(error: HTTPException) -> ResponseReturnValue:
        response = make_response(
            _page(
                429,
                _("Please wait a moment"),
                _("There have been too many attempts. Please wait a few minutes and try again."),
            )
        )
        # A refusal raised by the app itself (not Flask-Limiter) says when to come back.
        retry_after = getattr(error, "retry_after", None)
        if isinstance(retry_after, int):
            response.headers["Retry-After"] = str(retry_after)
        return response

    @app.errorhandler(500)
    def _server_error(_error: Exception) -> ResponseReturnValue:
        get_session().rollback()
        return _page(
            500,
            _("Something went wrong"),
            _("Nothing you entered has been lost. Please try again in a moment."),
        )
