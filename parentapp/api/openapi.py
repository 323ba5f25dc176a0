"""The OpenAPI 3.1 document of the API, written as data.

Component schemas are in ``parentapp.api.schemas``. The tests validate every response the API
gives against the schema declared for its path, method and status, and check that the document
names exactly the API's routes, so the document cannot drift from the code.
The document is English: it is read by developers, not by carers.
"""

import copy
from typing import Any

from parentapp.api.payloads import IDEMPOTENCY_HEADER, MAX_BODY_BYTES
from parentapp.api.schemas import JSON, SCHEMAS, Schema, error_schema, ref


def respond(description: str, schema: Schema, headers: dict[str, Any] | None = None) -> Schema:
    response: Schema = {"description": description, "content": {JSON: {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


RESPONSES: dict[str, Schema] = {
    "BadRequest": respond(
        "Malformed request: bad JSON, wrong shape, a missing or malformed Idempotency-Key, or a "
        "missing or stale CSRF token (csrf_failed: fetch /session and retry).",
        error_schema(
            "bad_request", "invalid_json", "invalid_body", "invalid_idempotency_key", "csrf_failed"
        ),
    ),
    "Unauthorized": respond("Not logged in.", error_schema("unauthorized")),
    "Forbidden": respond(
        "Logged in but not a carer, or a carer who has not yet agreed to the consent screen.",
        error_schema("forbidden", "consent_required"),
    ),
    "NotFound": respond(
        "No such thing, or not one of the carer's scheduled instruments. A check-in is "
        "accepted for a schedule stopped after the instrument was loaded (the carer's own "
        "most recent one); an instrument the carer was never asked is refused.",
        error_schema("not_found"),
    ),
    "PayloadTooLarge": respond(
        f"The body is larger than {MAX_BODY_BYTES} bytes.", error_schema("payload_too_large")
    ),
    "UnsupportedMediaType": respond(
        "The body is not sent as application/json.", error_schema("unsupported_media_type")
    ),
    "Unprocessable": respond(
        "Well-formed but refused, nothing stored: answers that fail validation, an "
        "instrument_version that never existed (unknown_version), or an Idempotency-Key "
        "already used for a different check-in.",
        {
            "oneOf": [
                ref("AnswersError"),
                error_schema("idempotency_mismatch"),
                error_schema("unknown_version"),
            ]
        },
    ),
    "TooManyRequests": respond(
        "Too many check-ins from this user in the last hour.",
        error_schema("rate_limited"),
        {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}},
    ),
    "ServerError": respond("Something went wrong; retry later.", error_schema("server_error")),
}


def _responses(ok: dict[str, Schema], *errors: str) -> dict[str, Schema]:
    codes = {
        "400": "BadRequest",
        "401": "Unauthorized",
        "403": "Forbidden",
        "404": "NotFound",
        "413": "PayloadTooLarge",
        "415": "UnsupportedMediaType",
        "422": "Unprocessable",
        "429": "TooManyRequests",
        "500": "ServerError",
    }
    return {**ok, **{code: {"$ref": f"#/components/responses/{codes[code]}"} for code in errors}}


CHECKIN_DONE = "The check-in as stored, with what happens next."

PATHS: dict[str, Any] = {
    "/openapi.json": {
        "get": {
            "operationId": "openapi",
            "summary": "This document.",
            "security": [],
            "responses": {"200": respond("The OpenAPI document.", {"type": "object"})},
        }
    },
    "/session": {
        "get": {
            "operationId": "session",
            "summary": "Who is logged in, and a fresh CSRF token.",
            "description": "Call before replaying queued check-ins: the token goes in the "
            "X-CSRFToken header of each POST.",
            "responses": _responses({"200": respond("The session.", ref("Session"))}, "401"),
        }
    },
    "/checkins/due": {
        "get": {
            "operationId": "dueCheckins",
            "summary": "The carer's scheduled instruments, due ones first.",
            "responses": _responses(
                {"200": respond("What the carer is asked, and when.", ref("DueList"))},
                "401",
                "403",
            ),
        }
    },
    "/instruments/{instrument_id}": {
        "get": {
            "operationId": "instrument",
            "summary": "One scheduled instrument, in the carer's language.",
            "parameters": [
                {
                    "name": "instrument_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                }
            ],
            "responses": _responses(
                {
                    "200": respond(
                        "The latest version of the instrument; send its version back as the "
                        "check-in's instrument_version.",
                        ref("Instrument"),
                    )
                },
                "401",
                "403",
                "404",
            ),
        }
    },
    "/checkins": {
        "post": {
            "operationId": "submitCheckin",
            "summary": "Send a check-in.",
            "description": "Idempotent by key: the same key and body again answer 200 with the "
            "first answer and store nothing; the same key with a different body is refused (422).",
            "security": [{"session": [], "csrf": []}],
            "parameters": [
                {
                    "name": IDEMPOTENCY_HEADER,
                    "in": "header",
                    "required": True,
                    "description": "Chosen by the client once per check-in and kept for retries.",
                    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"},
                }
            ],
            "requestBody": {"required": True, "content": {JSON: {"schema": ref("CheckinRequest")}}},
            "responses": _responses(
                {
                    "200": respond(f"A replay. {CHECKIN_DONE}", ref("CheckinResult")),
                    "201": respond(f"Stored. {CHECKIN_DONE}", ref("CheckinResult")),
                },
                *("400", "401", "403", "404", "413", "415", "422", "429", "500"),
            ),
        }
    },
}


def document() -> dict[str, Any]:
    """The whole document (a new dict each time, so a caller cannot change the original)."""
    return copy.deepcopy(
        {
            "openapi": "3.1.0",
            "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
            "info": {
                "title": "parentapp API",
                "version": "1.0.0",
                "description": "Check-ins for carers' phones, used by the offline app. Log in through "
                "the web page first: the API uses the same session cookie. See docs/api.md.",
            },
            "servers": [{"url": "/api/v1"}],
            "security": [{"session": []}],
            "paths": PATHS,
            "components": {
                "schemas": SCHEMAS,
                "responses": RESPONSES,
                "securitySchemes": {
                    "session": {
                        "type": "apiKey",
                        "in": "cookie",
                        "name": "__Host-parentapp",
                        "description": "The web login's session cookie ('parentapp' in development).",
                    },
                    "csrf": {
                        "type": "apiKey",
                        "in": "header",
                        "name": "X-CSRFToken",
                        "description": "The csrf_token from GET /session; needed on every POST.",
                    },
                },
            },
        }
    )
