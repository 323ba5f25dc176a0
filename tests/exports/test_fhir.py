"""`flask export fhir`: a team's records as a FHIR R4 Bundle, every resource validated with the
R4B models of fhir.resources (its default models are R5, which read R4 data wrongly)."""

import importlib
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from fhir.resources.R4B.bundle import Bundle
from flask import Flask
from flask.cli import FlaskGroup

from parentapp.accounts.models import Role
from parentapp.demo import TEAM
from tests.exports.conftest import Two
from tests.factories import Factory


def _export(app: Flask, tmp_path: Path, *args: str) -> tuple[Result, Path]:
    group = FlaskGroup(create_app=lambda: app, load_dotenv=False, set_debug_flag=False)
    output = tmp_path / "bundle.json"
    result = app.test_cli_runner().invoke(
        cli=group, args=["export", "fhir", *args, "--output", str(output)]
    )
    return result, output


def _validated(output: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(output.read_text(encoding="utf-8"))
    Bundle.model_validate(data)
    for entry in data.get("entry", []):
        resource = entry["resource"]
        kind = resource["resourceType"]
        module = importlib.import_module(f"fhir.resources.R4B.{kind.lower()}")
        getattr(module, kind).model_validate(resource)
    return data


def _of(data: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == kind]


def test_a_teams_records_validate_as_r4(app: Flask, tmp_path: Path, two: Two):
    team_name = _team_name(app, two)
    result, output = _export(app, tmp_path, "--team", team_name)

    assert result.exit_code == 0, result.output
    data = _validated(output)
    assert data["type"] == "collection"
    responses = _of(data, "QuestionnaireResponse")
    assert len(responses) == 2
    mother = next(r for r in responses if "Mother" in json.dumps(r))
    assert mother["questionnaire"].endswith("/Questionnaire/weekly|1.0")
    assert mother["source"] == mother["author"]
    assert mother["source"]["reference"].startswith("RelatedPerson/carer-")
    assert {p["name"][0]["text"] for p in _of(data, "Patient")} == {"Ada"}
    related = _of(data, "RelatedPerson")
    assert {r["name"][0]["text"] for r in related} == {"Aisha", "Tom"}
    assert all(r["patient"]["reference"].startswith("Patient/infant-") for r in related)
    assert {q["id"] for q in _of(data, "Questionnaire")} >= {"weekly-1.0", "phq9-1.0", "gad7-1.1"}
    observations = _of(data, "Observation")
    assert observations and all(
        o["derivedFrom"][0]["reference"].startswith("QuestionnaireResponse/") for o in observations
    )
    flags = _of(data, "Flag")
    assert {f["code"]["coding"][0]["code"] for f in flags} >= {"self_harm"}
    assert all(f["status"] == "active" for f in flags)


def test_phq9_totals_carry_their_loinc_code(app: Flask, tmp_path: Path, two: Two):
    from parentapp.exports.fhir_bundle import LOINC, LOINC_TOTALS

    assert LOINC_TOTALS[("phq9", "total")][0] == "44261-6"
    assert LOINC_TOTALS[("gad7", "total")][0] == "70274-6"
    assert LOINC_TOTALS[("phq2", "total")][0] == "55758-7"
    assert LOINC == "http://loinc.org"


def test_an_empty_team_is_a_valid_empty_bundle_but_for_its_questionnaires(
    app: Flask, tmp_path: Path, make: Factory
):
    make.team("Quiet Team")
    result, output = _export(app, tmp_path, "--team", "Quiet Team")

    assert result.exit_code == 0, result.output
    data = _validated(output)
    assert {e["resource"]["resourceType"] for e in data["entry"]} == {"Questionnaire"}


def test_a_family_with_no_baby_yet_has_its_carers_as_patients(
    app: Flask, tmp_path: Path, make: Factory
):
    team = make.team("Bump Team")
    family = make.family(team, make.user(Role.CLINICIAN, team))
    make.carer(family, display_name="Expecting")
    result, output = _export(app, tmp_path, "--team", "Bump Team")

    assert result.exit_code == 0, result.output
    data = _validated(output)
    assert [p["name"][0]["text"] for p in _of(data, "Patient")] == ["Expecting"]
    assert _of(data, "RelatedPerson") == []


@pytest.mark.parametrize(
    "args", [["--team", "No Such Team"], ["--team", "x", "--since", "2026-13-01"]]
)
def test_a_missing_team_or_bad_date_is_refused(app: Flask, tmp_path: Path, args: list[str]):
    result, output = _export(app, tmp_path, *args)

    assert result.exit_code != 0
    assert not output.exists()


def _team_name(app: Flask, two: Two) -> str:
    from sqlmodel import Session

    from parentapp.teams.models import Team

    with Session(app.extensions["parentapp.engine"]) as session:
        return session.get_one(Team, two.family.team_id).name


def test_since_leaves_out_earlier_check_ins_and_flags(app: Flask, tmp_path: Path, two: Two):
    from datetime import timedelta

    from parentapp.db import utcnow

    tomorrow = (utcnow() + timedelta(days=1)).date().isoformat()
    result, output = _export(app, tmp_path, "--team", _team_name(app, two), "--since", tomorrow)

    assert result.exit_code == 0, result.output
    data = _validated(output)
    assert _of(data, "QuestionnaireResponse") == [] and _of(data, "Flag") == []
    assert len(_of(data, "RelatedPerson")) == 2  # the people are still there


def test_an_nhs_number_is_the_official_identifier_where_given(
    app: Flask, tmp_path: Path, two: Two, db: Any
):
    from parentapp.families.models import Infant
    from parentapp.families.queries import infants_of

    baby: Infant = infants_of(db, two.family.id or 0)[0]
    baby.nhs_number = "9434765919"
    two.mother_carer.nhs_number = "4010232137"
    db.add_all([baby, two.mother_carer])
    db.commit()
    result, output = _export(app, tmp_path, "--team", _team_name(app, two))

    assert result.exit_code == 0, result.output
    data = _validated(output)
    patient = _of(data, "Patient")[0]
    assert patient["identifier"][0] == {
        "use": "official",
        "system": "https://fhir.nhs.uk/Id/nhs-number",
        "value": "9434765919",
    }
    assert patient["identifier"][1]["use"] == "secondary"
    by_name = {r["name"][0]["text"]: r for r in _of(data, "RelatedPerson")}
    assert by_name["Aisha"]["identifier"][0]["value"] == "4010232137"
    # Without a number the app's own id is the only identifier.
    assert [i.get("use") for i in by_name["Tom"]["identifier"]] == [None]


def test_the_demo_teams_export_validates_as_r4(app: Flask, tmp_path: Path):
    """The demo data (`flask demo`) holds every kind of record a team has: its export must
    validate resource by resource, as a receiving system would read it."""
    group = FlaskGroup(create_app=lambda: app, load_dotenv=False, set_debug_flag=False)
    loaded = app.test_cli_runner().invoke(cli=group, args=["demo"])
    assert loaded.exit_code == 0, loaded.output

    result, output = _export(app, tmp_path, "--team", TEAM)

    assert result.exit_code == 0, result.output
    data = _validated(output)
    kinds = {entry["resource"]["resourceType"] for entry in data["entry"]}
    assert kinds >= {
        "Questionnaire",
        "QuestionnaireResponse",
        "Observation",
        "Flag",
        "RelatedPerson",
        "Patient",
    }
