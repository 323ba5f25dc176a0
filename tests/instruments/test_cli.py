"""`flask instruments ...`: list, import, export-fhir, against the test database."""

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from fhir.resources.R4B.questionnaire import Questionnaire
from flask import Flask
from flask.cli import FlaskGroup
from sqlmodel import Session, select

from parentapp.audit.models import AuditEvent
from parentapp.instruments.models import ImportedDefinition
from parentapp.instruments.registry import DEFINITIONS_DIR, load_registry
from tests.instruments.helpers import definition_data

TEMPLATE = Path(__file__).parents[2] / "parentapp/instruments/templates/licensed-template.json"


class Runner:
    def __init__(self, app: Flask) -> None:
        self.runner = app.test_cli_runner()
        self.group = FlaskGroup(create_app=lambda: app, load_dotenv=False, set_debug_flag=False)

    def __call__(self, *args: str) -> Result:
        return self.runner.invoke(cli=self.group, args=["instruments", *args])


@pytest.fixture
def run(app: Flask) -> Runner:
    return Runner(app)


def write(tmp_path: Path, data: dict[str, Any], name: str = "mine.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def licensed(**changes: Any) -> dict[str, Any]:
    data = definition_data() | {"id": "licensed", "title": "A licensed scale"}
    data["licence"] = {"status": "permission_required", "statement": "Permission ref 42"}
    data["languages"] = {"en": {"validated": True}, "pl": {"validated": False}}
    return data | changes


def test_list_shows_licence_languages_and_text(run: Runner) -> None:
    result = run("list")
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines()}
    assert set(lines) == {"gad2", "gad7", "phq2", "phq9", "weekly"}
    assert "licence: public_domain" in lines["phq9"]
    assert "en (validated)" in lines["phq9"] and "ur (not validated)" in lines["phq9"]
    assert "text included" in lines["phq9"]
    assert "licence: own" in lines["weekly"]


def test_import_good_file(run: Runner, tmp_path: Path, db: Session, app: Flask) -> None:
    result = run("import", str(write(tmp_path, licensed())))
    assert result.exit_code == 0, result.output
    assert "Imported licensed 1.0 (A licensed scale): 3 items" in result.output
    (row,) = db.exec(select(ImportedDefinition)).all()
    assert (row.instrument_id, row.version, len(row.sha256)) == ("licensed", "1.0", 64)
    assert load_registry(db).get("licensed").licence.statement == "Permission ref 42"
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "instrument.imported")).all()
    assert [e.target_id for e in events] == [row.id]

    listed = run("list").output
    line = next(line for line in listed.splitlines() if line.startswith("licensed "))
    assert "licence: permission_required" in line
    assert "en (validated), pl (not validated)" in line
    assert line.endswith("imported")


def test_import_malformed_file_names_the_field(run: Runner, tmp_path: Path, db: Session) -> None:
    data = licensed()
    del data["items"][1]["answer_set"]
    result = run("import", str(write(tmp_path, data, "broken.json")))
    assert result.exit_code != 0
    assert "broken.json: items.1.answer_set: a choice item needs an answer_set" in result.output
    assert db.exec(select(ImportedDefinition)).all() == []


def test_import_invalid_json(run: Runner, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{not json", encoding="utf-8")
    result = run("import", str(path))
    assert result.exit_code != 0
    assert "bad.json: not valid JSON" in result.output


def test_duplicate_import_is_refused(run: Runner, tmp_path: Path, db: Session) -> None:
    path = write(tmp_path, licensed())
    assert run("import", str(path)).exit_code == 0
    again = run("import", str(path))
    assert again.exit_code != 0
    assert "licensed version 1.0 is already imported" in again.output
    assert len(db.exec(select(ImportedDefinition)).all()) == 1
    # A new version is fine.
    assert run("import", str(write(tmp_path, licensed(version="1.1")))).exit_code == 0
    assert [d.version for d in load_registry(db).versions("licensed")] == ["1.0", "1.1"]


@pytest.mark.parametrize("version", ["1.0", "2.0"])
def test_builtin_instrument_cannot_be_imported(
    run: Runner, tmp_path: Path, db: Session, version: str
) -> None:
    data = json.loads((DEFINITIONS_DIR / "phq9-1.0.json").read_text(encoding="utf-8"))
    result = run("import", str(write(tmp_path, data | {"version": version})))
    assert result.exit_code != 0
    assert "phq9 is shipped with the app" in result.output
    assert db.exec(select(ImportedDefinition)).all() == []


def test_structure_only_template_imports_with_a_warning(
    run: Runner, tmp_path: Path, db: Session
) -> None:
    path = tmp_path / "epds.json"
    shutil.copy(TEMPLATE, path)
    result = run("import", str(path))
    assert result.exit_code == 0, result.output
    assert "will not be offered to carers" in result.output
    registry = load_registry(db)
    assert registry.get("epds").text_included is False
    assert "epds" not in [d.id for d in registry.offerable()]
    assert "structure only, no text" in run("list").output


def test_export_fhir_output_validates(run: Runner) -> None:
    result = run("export-fhir", "phq9")
    assert result.exit_code == 0, result.output
    resource = json.loads(result.output)
    Questionnaire.model_validate(resource)
    assert resource["id"] == "phq9-1.0"
    assert "Feeling down, depressed, or hopeless" in result.output


def test_export_fhir_of_an_imported_version(run: Runner, tmp_path: Path) -> None:
    run("import", str(write(tmp_path, licensed())))
    run("import", str(write(tmp_path, licensed(version="1.1"))))
    latest = json.loads(run("export-fhir", "licensed").output)
    older = json.loads(run("export-fhir", "licensed", "--version", "1.0").output)
    assert (latest["version"], older["version"]) == ("1.1", "1.0")
    Questionnaire.model_validate(latest)


@pytest.mark.parametrize(("args"), [["nope"], ["phq9", "--version", "9.9"]])
def test_export_fhir_unknown(run: Runner, args: list[str]) -> None:
    result = run("export-fhir", *args)
    assert result.exit_code != 0
    assert "no " in result.output


def test_a_registry_for_one_instrument_reads_only_its_imported_versions(
    run: Runner, tmp_path: Path, db: Session
) -> None:
    for n, data in enumerate((licensed(), licensed(id="other"), licensed(version="1.1"))):
        assert run("import", str(write(tmp_path, data, f"{n}.json"))).exit_code == 0
    one = load_registry(db, "licensed")
    assert [d.version for d in one.versions("licensed")] == ["1.0", "1.1"]
    assert one.versions("other") == ()
    assert one.get("phq9").id == "phq9"  # the shipped instruments are always there
    # A parsed definition is kept for its row: the same object comes back next time.
    assert load_registry(db, "licensed").get("licensed", "1.0") is one.get("licensed", "1.0")
