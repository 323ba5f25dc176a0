"""JSON errors for everything under /api/ and any other endpoint a script reads (the push
subscriptions): never an HTML page, never a redirect to log in.

Every error body has the same shape, ``{"error": code, "message": text}``, where ``code`` is a
stable identifier a client can branch on and ``message`` is translated for the person.
"""

from typing import Any

from flask import Blueprint, Response, has_request_context, jsonify, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

API_PATH = "/api/"

ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "unprocessable",
    429: "rate_limited",
    500: "server_error",
}


class ApiError(Exception):
    """An error answered as JSON: ``status``, a stable ``code`` and a translated message."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra


def is_api_request() -> bool:
    return has_request_context() and request.path.startswith(API_PATH)


def error_response(status: int, message: str, code: str | None = None, **extra: Any) -> Response:
    response = jsonify(
        {"error": code or ERROR_CODES.get(status, "error"), "message": message, **extra}
    )
    response.status_code = status
    return response


def default_message(status: int) -> str:
    """What a person is told for an HTTP error (the client may show it as it is)."""
    messages = {
        400: _("The request could not be understood."),
        401: _("Please log in to continue."),
        403: _("You do not have access to this."),
        404: _("We could not find that."),
        405: _("That action is not available here."),
        413: _("The request is too large."),
        415: _("Please send the request as JSON."),
        429: _("There have been too many attempts. Please wait a few minutes and try again."),
        500: _("Something went wrong. Please try again in a moment."),
    }
    return str(messages.get(status) or _("The request could not be completed."))


def _api_error(error: ApiError) -> Response:
    return error_response(error.status, error.message, error.code, **error.extra)


def _csrf(_error: CSRFError) -> Response:
    return error_response(
        400,
        _("Your security token is missing or out of date. Please reload and try again."),
        "csrf_failed",
    )


def http_error(error: HTTPException) -> Response:
    status = error.code or 500
    response = error_response(status, default_message(status))
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        # A 405 must say which methods are allowed (RFC 9110 15.5.6).
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def _server_error(_error: Exception) -> Response:
    from parentapp.db import get_session

    # Whatever the failed request half-wrote must not leak into the next use of the session.
    get_session().rollback()
    return error_response(500, default_message(500))


def register(bp: Blueprint) -> None:
    """JSON handlers for errors raised inside the API's views (and its before-request checks).

    Flask asks a blueprint's handlers for a status code before the app's, so these win over the
    HTML pages for errors raised within an API request. Errors raised before a route is matched
    (an unknown /api/ path, a wrong method) reach the app's handlers, which hand back to
    ``error_response`` for /api/ paths (see ``parentapp.errors``).
    """
    bp.register_error_handler(ApiError, _api_error)
    bp.register_error_handler(CSRFError, _csrf)
    for status in (400, 401, 403, 404, 405, 413, 415, 422, 429):
        bp.register_error_handler(status, http_error)
    bp.register_error_handler(HTTPException, http_error)
    bp.register_error_handler(500, _server_error)
