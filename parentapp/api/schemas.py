"""The component schemas of the OpenAPI document: JSON Schema 2020-12, OpenAPI 3.1's dialect.

Objects are closed (``additionalProperties: false``), so a field the code adds without adding
it here fails the tests that check real responses against these schemas.
"""

from typing import Any

from parentapp.api.payloads import MAX_ANSWERS

JSON = "application/json"
Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict[str, Schema], *, optional: tuple[str, ...] = ()) -> Schema:
    """A closed object whose properties are all required except ``optional``."""
    return {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }


def nullable(schema: Schema) -> Schema:
    return {"oneOf": [schema, {"type": "null"}]}


def error_schema(*codes: str) -> Schema:
    return obj({"error": {"enum": list(codes)}, "message": {"type": "string"}})


STRING = {"type": "string"}
TEXT = {"type": "string", "minLength": 1}
TIMESTAMP = {"type": "string", "format": "date-time", "pattern": r"Z$"}

SCHEMAS: dict[str, Schema] = {
    "Error": {
        **obj({"error": STRING, "message": STRING}),
        "description": "Every error: a stable code to branch on and a translated message.",
    },
    "AnswersError": {
        **obj(
            {
                "error": {"const": "invalid_answers"},
                "message": STRING,
                "errors": {"type": "object", "additionalProperties": STRING, "minProperties": 1},
            }
        ),
        "description": "Per-item problems: link_id (or infant_id) -> translated message.",
    },
    "Session": obj(
        {
            "user": obj(
                {
                    "id": {
                        "type": "integer",
                        "description": "The account's id: a phone's outbox keeps it with each "
                        "queued check-in and sends only those of the account logged in.",
                    },
                    "display_name": STRING,
                    "role": {"enum": ["carer", "clinician", "lead", "admin"]},
                    "locale": STRING,
                }
            ),
            "csrf_token": {
                **TEXT,
                "description": "Send as the X-CSRFToken header on every POST.",
            },
        }
    ),
    "DueItem": obj(
        {
            "instrument_id": TEXT,
            "version": TEXT,
            "title": TEXT,
            "next_due_at": TIMESTAMP,
            "is_due": {"type": "boolean"},
            "missed": {"type": "integer", "minimum": 0},
        }
    ),
    "DueList": obj({"items": {"type": "array", "items": ref("DueItem")}}),
    "AnswerOption": obj({"code": TEXT, "text": TEXT, "weight": {"type": "integer"}}),
    "EnableWhen": obj(
        {
            "question": TEXT,
            "operator": {"enum": ["=", "!=", ">", ">=", "<", "<="]},
            "answer": {"type": ["integer", "string"]},
        }
    ),
    "Item": obj(
        {
            "link_id": TEXT,
            "text": TEXT,
            "type": {"enum": ["choice", "boolean", "text", "display"]},
            "required": {"type": "boolean"},
            "enable_when": {"type": "array", "items": ref("EnableWhen")},
            "enable_behavior": {"enum": ["all", "any"]},
            "options": {
                "type": "array",
                "items": ref("AnswerOption"),
                "description": "Choice items only; listed from lowest to highest weight.",
            },
            "tags": {
                "type": "array",
                "items": {"enum": ["self_harm", "harm_to_baby", "contact_request", "note"]},
            },
            "about_infant": {"type": "boolean"},
            "max_length": nullable({"type": "integer", "minimum": 1}),
        }
    ),
    "Infant": obj({"id": {"type": "integer"}, "name": STRING}),
    "Instrument": obj(
        {
            "id": TEXT,
            "version": TEXT,
            "title": TEXT,
            "short_title": TEXT,
            "introduction": nullable(STRING),
            "recall_period": TEXT,
            "attribution": nullable(STRING),
            "locale": TEXT,
            "translation_validated": {
                "type": "boolean",
                "description": "False when the text in this locale is not a validated translation.",
            },
            "infants": {"type": "array", "items": ref("Infant")},
            "infant_required": {
                "type": "boolean",
                "description": "True when the check-in must name infant_id.",
            },
            "items": {"type": "array", "items": ref("Item"), "minItems": 1},
        }
    ),
    "CheckinRequest": obj(
        {
            "instrument_id": {"type": "string", "minLength": 1, "maxLength": 64},
            "answers": {
                "type": "object",
                "maxProperties": MAX_ANSWERS,
                "propertyNames": {"minLength": 1, "maxLength": 64},
                "additionalProperties": nullable(STRING),
                "description": 'link_id -> option code, "true"/"false", or text; '
                "null or an empty string leaves an item unanswered.",
            },
            "infant_id": nullable({"type": "integer"}),
            "instrument_version": {
                "type": "string",
                "minLength": 1,
                "maxLength": 32,
                "description": "The version the instrument was given in (GET /instruments/{id} "
                "answers it as version). The answers are validated against, stored with and "
                "judged on it, even if a newer version shipped or the schedule was stopped since. "
                "Absent: the latest version. A version that never existed is refused (422 "
                "unknown_version).",
            },
        },
        optional=("infant_id", "instrument_version"),
    ),
    "CrisisContact": obj(
        {
            "name": TEXT,
            "phone": nullable(STRING),
            "text_number": nullable(STRING),
            "description": nullable(STRING),
        }
    ),
    "Safety": obj(
        {
            "crisis_contacts": {"type": "array", "items": ref("CrisisContact"), "minItems": 1},
            "message": TEXT,
        }
    ),
    "CheckinResult": {
        **obj(
            {
                "id": {"type": "integer"},
                "instrument_id": TEXT,
                "instrument_version": TEXT,
                "submitted_at": TIMESTAMP,
                "urgent": {"type": "boolean"},
                "next_due_at": nullable(TIMESTAMP),
                "clinician_sees_by": TIMESTAMP,
                "done_url": {
                    **TEXT,
                    "pattern": "^/",
                    "description": "The web page to open after sending: the safety screen "
                    "when urgent, else what happens next.",
                },
                "safety": ref("Safety"),
            },
            optional=("safety",),
        ),
        # The safety block comes with, and only with, an urgent check-in.
        "if": {"properties": {"urgent": {"const": True}}},
        "then": {"required": ["safety"]},
        "else": {"not": {"required": ["safety"]}},
    },
}
