"""The team's downloads in the browser: a lead's FHIR Bundle and CSV zip, a family's FHIR Bundle
from its page; who may have each, bad input, the audit log and the rate limit."""

import csv
import importlib
import io
import json
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from parentapp.accounts.models import Role, User
from parentapp.audit.models import AuditEvent
from parentapp.config import Settings
from parentapp.db import utcnow
from parentapp.families.roles import CarerRole
from parentapp.teams.models import Team
from tests.conftest import csrf_token, login
from tests.exports.conftest import Two, _submit
from tests.factories import Factory, add_schedule, carer_row


@pytest.fixture
def lead(two: Two, make: Factory, db: Session) -> User:
    return make.user(Role.LEAD, db.get_one(Team, two.family.team_id), display_name="Lee Lead")


def _validated(body: bytes) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(body)
    Bundle.model_validate(data)
    for entry in data["entry"]:
        kind = entry["resource"]["resourceType"]
        module = importlib.import_module(f"fhir.resources.R4B.{kind.lower()}")
        getattr(module, kind).model_validate(entry["resource"])
    return data


def _kinds(data: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == kind]


def _post(client: FlaskClient, url: str, data: dict[str, str] | None = None) -> Any:
    token = csrf_token(client.get("/team/exports").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **(data or {})})


def _actions(db: Session) -> list[tuple[str, str | None]]:
    db.expire_all()
    events = db.exec(select(AuditEvent).where(col(AuditEvent.action).like("%export%"))).all()
    return [(e.action, e.detail) for e in events]


def test_the_lead_finds_the_exports_from_team_settings(client: FlaskClient, lead: User):
    login(client, lead.email)

    assert "/team/exports" in client.get("/team/settings").get_data(as_text=True)
    page = client.get("/team/exports").get_data(as_text=True)
    assert 'action="/team/exports/fhir"' in page and 'action="/team/exports/csv"' in page


def test_a_lead_downloads_the_teams_fhir_bundle(
    client: FlaskClient, two: Two, lead: User, db: Session
):
    login(client, lead.email)
    response = _post(client, "/team/exports/fhir")

    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/fhir+json"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="fhir-team-')
    assert "no-store" in response.headers["Cache-Control"]
    data = _validated(response.data)
    assert len(_kinds(data, "QuestionnaireResponse")) == 2
    assert _actions(db) == [("team.fhir_exported", None)]


def test_a_lead_downloads_the_teams_csv_zip_without_names(
    client: FlaskClient, two: Two, lead: User, db: Session
):
    login(client, lead.email)
    response = _post(client, "/team/exports/csv")

    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert {"checkins-weekly.csv", "flags.csv", "engagement.csv"} <= set(archive.namelist())
    everything = b"".join(archive.read(n) for n in archive.namelist())
    for private in ("Aisha", "Tom", "Mother's own words", "Father's private note"):
        assert private.encode() not in everything
    assert two.mother.email.encode() not in everything
    assert two.family.label.encode() not in everything
    assert _actions(db) == [("team.csv_exported", None)]


def test_names_come_only_with_a_reason_which_the_audit_log_keeps(
    client: FlaskClient, two: Two, lead: User, db: Session
):
    login(client, lead.email)
    refused = _post(client, "/team/exports/csv", {"csv-with_names": "y", "csv-reason": "  "})

    assert refused.status_code == 400
    assert "Say why the export needs names." in refused.get_data(as_text=True)
    assert _actions(db) == []

    reason = "Linking to the service's own records"
    response = _post(client, "/team/exports/csv", {"csv-with_names": "y", "csv-reason": reason})

    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    text = archive.read("engagement.csv").decode("utf-8-sig")
    assert {r["carer_name"] for r in csv.DictReader(io.StringIO(text))} == {"Aisha", "Tom"}
    assert _actions(db) == [("team.csv_named_exported", reason)]


@pytest.mark.parametrize(
    ("url", "field"), [("/team/exports/fhir", "fhir-since"), ("/team/exports/csv", "csv-since")]
)
@pytest.mark.parametrize(
    ("since", "message"),
    [
        ((utcnow() + timedelta(days=3)).date().isoformat(), "Choose today or a day before it."),
        ("next tuesday", "Enter a date such as 24/12/2027."),
    ],
)
def test_a_bad_since_date_is_explained(
    client: FlaskClient, lead: User, db: Session, url: str, field: str, since: str, message: str
):
    login(client, lead.email)
    response = _post(client, url, {field: since})

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _actions(db) == []


def test_since_leaves_out_earlier_check_ins(client: FlaskClient, two: Two, lead: User):
    login(client, lead.email)
    response = _post(client, "/team/exports/fhir", {"fhir-since": utcnow().date().isoformat()})

    assert response.status_code == 200
    assert len(_kinds(_validated(response.data), "QuestionnaireResponse")) == 2


def test_an_empty_teams_bundle_is_valid(client: FlaskClient, make: Factory):
    lead = make.user(Role.LEAD, make.team("Quiet Team"))
    login(client, lead.email)
    response = _post(client, "/team/exports/fhir")

    assert response.status_code == 200
    data = _validated(response.data)
    assert {e["resource"]["resourceType"] for e in data["entry"]} == {"Questionnaire"}


def test_a_clinician_may_not_export_the_team(client: FlaskClient, two: Two):
    login(client, two.clinician.email)

    assert client.get("/team/exports").status_code == 403
    assert _post(client, "/team/exports/fhir").status_code == 403
    assert _post(client, "/team/exports/csv").status_code == 403


def _family_download(client: FlaskClient, family_id: int) -> Any:
    token = csrf_token(client.get("/clinic").get_data(as_text=True))
    return client.post(f"/families/{family_id}/export/fhir", data={"csrf_token": token})


def test_a_clinician_downloads_one_familys_bundle_and_only_that_family(
    app: Flask, client: FlaskClient, two: Two, make: Factory, db: Session
):
    team = db.get_one(Team, two.family.team_id)
    other = make.family(team, two.clinician, label="Other family")
    make.infant(other, name="Bea")
    neighbour = make.carer(other, CarerRole.FATHER, display_name="Neighbour")
    neighbour_carer = carer_row(db, neighbour)
    add_schedule(db, neighbour_carer, "weekly")
    _submit(app, db, neighbour_carer, mood="1")
    login(client, two.clinician.email)
    assert "export/fhir" in client.get(f"/families/{two.family.id}").get_data(as_text=True)

    response = _family_download(client, two.family.id or 0)

    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.headers["Content-Disposition"].startswith('attachment; filename="fhir-family-')
    data = _validated(response.data)
    assert {p["name"][0]["text"] for p in _kinds(data, "Patient")} == {"Ada"}
    assert {r["name"][0]["text"] for r in _kinds(data, "RelatedPerson")} == {"Aisha", "Tom"}
    assert len(_kinds(data, "QuestionnaireResponse")) == 2
    assert "Neighbour" not in response.get_data(as_text=True)
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "family.fhir_exported")).all()
    assert [(e.actor_id, e.target_id) for e in events] == [(two.clinician.id, two.family.id)]


def test_a_colleague_and_the_lead_may_download_a_family_another_team_may_not(
    app: Flask, two: Two, lead: User, make: Factory, db: Session
):
    colleague = make.user(Role.CLINICIAN, db.get_one(Team, two.family.team_id))
    stranger = make.user(Role.CLINICIAN, make.team("Elsewhere"))
    for user, status in ((colleague, 200), (lead, 200), (stranger, 404)):
        with app.test_client() as fresh:
            login(fresh, user.email)
            assert _family_download(fresh, two.family.id or 0).status_code == status, user.role


class TestRateLimit:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return settings.with_(ratelimit_enabled=True, ratelimit_storage_uri="memory://")

    def test_the_downloads_share_ten_an_hour(self, client: FlaskClient, two: Two, lead: User):
        login(client, lead.email)
        for n in range(10):
            url = "/team/exports/fhir" if n % 2 else "/team/exports/csv"
            assert _post(client, url).status_code == 200

        assert _post(client, "/team/exports/fhir").status_code == 429
        assert _family_download(client, two.family.id or 0).status_code == 429
        assert client.get("/team/exports").status_code == 200
