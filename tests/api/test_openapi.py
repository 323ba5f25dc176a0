"""The OpenAPI document against the app: same routes, sound schemas, and every documented
response seen for real and matching its schema."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from jsonschema import Draft202012Validator
from sqlmodel import Session

from parentapp.accounts.models import Role, User
from parentapp.api.blueprint import API_PREFIX
from parentapp.checkins import services
from parentapp.config import Settings
from parentapp.families.roles import CarerRole
from tests.api.conftest import CALM, Home, submit
from tests.api.schema_check import DOC, REGISTRY, ApiClient, validator_at
from tests.factories import Factory

ApiFor = Callable[[User | None], ApiClient]
IGNORED = {"HEAD", "OPTIONS"}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The tour ends by running into the check-in limit.
    return settings.with_(
        ratelimit_enabled=True,
        ratelimit_storage_uri="memory://",
        extra={"API_CHECKIN_RATE_LIMIT": "20 per hour"},
    )


def _app_operations(app: Flask) -> set[tuple[str, str]]:
    operations = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(API_PREFIX + "/"):
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule[len(API_PREFIX) :])
            operations |= {(path, m.lower()) for m in (rule.methods or set()) - IGNORED}
    return operations


def _documented() -> set[tuple[str, str]]:
    return {(path, method) for path, ops in DOC["paths"].items() for method in ops}


def test_document_and_app_have_the_same_operations(app: Flask) -> None:
    assert _app_operations(app) == _documented()


def test_the_document_is_served(api_for: ApiFor) -> None:
    response = api_for(None).get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response.get_json() == DOC
    assert response.get_json()["openapi"].startswith("3.1")


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def test_every_reference_resolves_and_every_schema_is_valid() -> None:
    resolver = REGISTRY.resolver(base_uri="urn:parentapp:openapi")
    refs = _refs(DOC)
    assert refs
    for ref in refs:
        resolver.lookup(ref)  # raises when the target is missing
    for schema in DOC["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_every_operation_documents_its_auth_failure() -> None:
    for path, operations in DOC["paths"].items():
        for method, operation in operations.items():
            if operation.get("security") != []:
                assert "401" in operation["responses"], (path, method)


BODIES = [
    {"instrument_id": "weekly", "answers": CALM},
    {"instrument_id": "weekly", "answers": {**CALM, "note": None}, "infant_id": None},
    {"instrument_id": "weekly", "answers": {**CALM, "mood": 0}},
    {"instrument_id": "weekly", "answers": CALM, "infant_id": "1"},
    {"instrument_id": "weekly", "answers": CALM, "extra": True},
    {"instrument_id": "", "answers": CALM},
    {"answers": CALM},
]


@pytest.mark.parametrize("body", BODIES, ids=repr)
def test_the_request_schema_accepts_what_the_api_accepts(api: ApiClient, body: Any) -> None:
    """The documented request body and the server's own check agree in both directions."""
    valid = validator_at("/components/schemas/CheckinRequest").is_valid(body)

    response = api.post("/api/v1/checkins", json=body, headers={"Idempotency-Key": "shape"})

    assert (response.status_code != 400) is valid, response.get_json()


def test_tour_sees_every_documented_response(
    app: Flask,
    api: ApiClient,
    api_for: ApiFor,
    db: Session,
    make: Factory,
    home: Home,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Calls each operation so as to get every status the document declares; ``ApiClient``
    checks each body against its schema on the way."""
    anonymous, clinician = api_for(None), api_for(make.user(Role.CLINICIAN, home.team))
    unconsented = api_for(make.carer(home.family, CarerRole.OTHER, consented=False))
    seen = [anonymous, clinician, unconsented, api]

    anonymous.get("/api/v1/openapi.json")
    for client in seen:
        client.get("/api/v1/session")
        client.get("/api/v1/checkins/due")
        client.get("/api/v1/instruments/weekly")
        submit(client, key="tour-calm")
    api.get("/api/v1/instruments/phq9")
    submit(api, key="tour-calm")  # 200: a replay
    submit(api, {**CALM, "self_harm": "1"}, key="tour-urgent")
    submit(api, key=None)  # 400
    submit(api, {**CALM, "mood": "3"}, key="tour-calm")  # 422: mismatch
    submit(api, {**CALM, "mood": "9"}, key="tour-bad")  # 422: answers
    submit(api, key="tour-phq", instrument_id="phq9")  # 404
    submit(api, {**CALM, "note": "x" * 70_000}, key="tour-huge")  # 413
    api.post("/api/v1/checkins", data="x", headers={"Idempotency-Key": "tour-form"})  # 415
    with monkeypatch.context() as patch:
        patch.setattr(services, "submit_checkin", _explode)
        app.config["PROPAGATE_EXCEPTIONS"] = False
        submit(api, key="tour-boom")  # 500
    for n in range(25):
        if submit(api, key=f"tour-flood-{n}").status_code == 429:
            break

    observed = {entry for client in seen for entry in client.seen}
    documented = {
        (path, method, int(status))
        for path, ops in DOC["paths"].items()
        for method, op in ops.items()
        for status in op["responses"]
    }
    assert documented - observed == set()
    assert observed - documented == set()


def _explode(**_kwargs: object) -> None:
    raise RuntimeError("boom")
