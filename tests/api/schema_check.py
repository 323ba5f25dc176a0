"""Checks real API responses against the OpenAPI document.

Every response the API tests receive through ``ApiClient`` is validated against the schema the
document declares for its path, method and status (JSON Schema 2020-12, with the document's own
``#/components/...`` references resolved), so a drift between the code and the document fails
the test that saw it.
"""

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from werkzeug.test import TestResponse

from parentapp.api.blueprint import API_PREFIX
from parentapp.api.openapi import document

DOC = document()
DOC_URI = "urn:parentapp:openapi"
REGISTRY: Registry[Any] = Registry().with_resource(
    DOC_URI, Resource.from_contents(DOC, default_specification=DRAFT202012)
)


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def _template_regex(template: str) -> re.Pattern[str]:
    pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
    return re.compile(f"{pattern}$")


def operation_for(path: str, method: str) -> tuple[str, dict[str, Any]]:
    """The document's path template and operation for a request path under /api/v1."""
    assert path.startswith(API_PREFIX + "/"), path
    relative = path[len(API_PREFIX) :]
    matches = [t for t in DOC["paths"] if _template_regex(t).match(relative)]
    assert len(matches) == 1, f"{path}: matches {matches} in the document"
    operations = DOC["paths"][matches[0]]
    assert method.lower() in operations, f"{method} {matches[0]} is not in the document"
    return matches[0], operations[method.lower()]


def validator_at(pointer: str) -> Draft202012Validator:
    """A validator for the schema at a JSON pointer into the document."""
    return Draft202012Validator({"$ref": f"{DOC_URI}#{pointer}"}, registry=REGISTRY)


def schema_pointer(template: str, method: str, status: int) -> str:
    """Where the document declares this response's JSON schema (following a response $ref)."""
    responses = DOC["paths"][template][method.lower()]["responses"]
    assert str(status) in responses, f"{method} {template} answered {status}: not documented"
    response = responses[str(status)]
    pointer = f"/paths/{_escape(template)}/{method.lower()}/responses/{status}"
    if "$ref" in response:
        pointer = response["$ref"].removeprefix("#")
    return f"{pointer}/content/{_escape('application/json')}/schema"


def check_response(method: str, url: str, response: TestResponse) -> None:
    """Fail unless the response is JSON and matches its documented schema."""
    template, _operation = operation_for(urlsplit(url).path, method)
    pointer = schema_pointer(template, method, response.status_code)
    assert response.mimetype == "application/json", (response.status_code, response.mimetype)
    errors = sorted(validator_at(pointer).iter_errors(response.get_json()), key=str)
    assert not errors, f"{method} {template} {response.status_code}: " + "; ".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors
    )


def check_error(response: TestResponse) -> None:
    """For errors outside any documented operation (405, unknown paths): the Error schema."""
    assert response.mimetype == "application/json", response.get_data(as_text=True)[:300]
    validator_at("/components/schemas/Error").validate(response.get_json())


@dataclass
class ApiClient:
    """A test client whose every API response is checked against the document."""

    client: FlaskClient
    seen: list[tuple[str, str, int]] = field(default_factory=list)

    def open(self, method: str, url: str, **kwargs: Any) -> TestResponse:
        response = self.client.open(url, method=method, **kwargs)
        check_response(method, url, response)
        template, _operation = operation_for(urlsplit(url).path, method)
        self.seen.append((template, method.lower(), response.status_code))
        return response

    def get(self, url: str, **kwargs: Any) -> TestResponse:
        return self.open("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> TestResponse:
        return self.open("POST", url, **kwargs)
