"""Reading what a client sent: the idempotency key and the check-in body.

Anything malformed is refused here with a 4xx and a message that says what to fix, before a
service sees it; a service never meets a value of the wrong type.
"""

import json
import re
from typing import Annotated

from flask import Request
from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from pydantic_core import ErrorDetails

from parentapp.json_errors import ApiError

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")
# Generous for a check-in (the longest free-text answer is 1,000 characters); refusing more
# early keeps a runaway client from making the server parse megabytes.
MAX_BODY_BYTES = 64 * 1024
MAX_ANSWERS = 200

LinkId = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class CheckinRequest(BaseModel):
    """The body of ``POST /api/v1/checkins``."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    instrument_id: str = Field(min_length=1, max_length=64)
    # link_id -> option code, "true"/"false", or free text; null or "" leaves an item unanswered.
    answers: dict[LinkId, str | None] = Field(max_length=MAX_ANSWERS)
    infant_id: int | None = None
    # The version the phone was given with the instrument; absent: the latest. Answers that
    # waited offline are read on it even if a new version shipped meanwhile.
    instrument_version: str | None = Field(default=None, min_length=1, max_length=32)


def idempotency_key(request: Request) -> str:
    """The client's key for this submission. :raises ApiError: missing or malformed (400)."""
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        raise ApiError(
            400,
            "invalid_idempotency_key",
            _("Send an Idempotency-Key header, chosen once for each check-in."),
        )
    if not IDEMPOTENCY_KEY.fullmatch(key):
        raise ApiError(
            400,
            "invalid_idempotency_key",
            _("The Idempotency-Key must be 1 to 64 letters, digits, '-' or '_'."),
        )
    return key


def _problem(error: ErrorDetails) -> str:
    where = ".".join(str(part) for part in error["loc"]) or _("body")
    return f"{where}: {error['msg']}"


def checkin_request(request: Request) -> CheckinRequest:
    """The check-in body. :raises ApiError: not JSON (415), malformed or of the wrong shape (400).

    A body over ``MAX_BODY_BYTES`` is refused by Werkzeug with 413 before it is read.
    """
    if not request.is_json:
        raise ApiError(
            415,
            "unsupported_media_type",
            _("Please send the check-in as JSON (Content-Type: application/json)."),
        )
    request.max_content_length = MAX_BODY_BYTES
    try:
        data = json.loads(request.get_data(cache=True))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ApiError(
            400, "invalid_json", _("The body is not valid JSON: %(problem)s", problem=str(error))
        ) from error
    try:
        return CheckinRequest.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(_problem(e) for e in error.errors(include_url=False))
        raise ApiError(
            400,
            "invalid_body",
            _("The check-in is not in the expected shape: %(problems)s", problems=problems),
        ) from error
