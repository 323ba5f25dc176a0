"""`flask export csv`: the team's tables for a service analyst, pseudonymous unless names are
asked for with a reason (audited)."""

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask
from flask.cli import FlaskGroup
from sqlmodel import Session, select

from parentapp.audit.models import AuditEvent
from parentapp.db import utcnow
from parentapp.exports.fhir_bundle import Person, TeamRecords
from parentapp.exports.team_csv import CsvRecords, Pseudonyms, team_tables
from parentapp.teams.models import Team
from parentapp.triage.models import Flag
from tests.exports.conftest import Two
from tests.factories import Factory

# What must never leave in a pseudonymous export, from the ``two`` fixture.
PRIVATE = ("Aisha", "Tom", "Sam Patel", "Mother's own words", "Father's private note", "@")


def _export(app: Flask, out: Path, *args: str) -> Result:
    group = FlaskGroup(create_app=lambda: app, load_dotenv=False, set_debug_flag=False)
    return app.test_cli_runner().invoke(
        cli=group, args=["export", "csv", *args, "--output", str(out)]
    )


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def _team(db: Session, two: Two) -> Team:
    return db.get_one(Team, two.family.team_id)


def _by_role(out: Path) -> dict[str, str]:
    """Each carer's pseudonym in one export: the mother answered self_harm 2."""
    rows = _rows(out / "checkins-weekly.csv")
    return {("mother" if r["item.self_harm"] == "2" else "father"): r["carer"] for r in rows}


def test_the_tables_of_a_team(app: Flask, tmp_path: Path, two: Two, db: Session):
    result = _export(app, tmp_path, "--team", _team(db, two).name)

    assert result.exit_code == 0, result.output
    names = {p.name for p in tmp_path.iterdir()}
    assert {"checkins-weekly.csv", "checkins-phq9.csv", "flags.csv", "engagement.csv"} <= names
    checkins = _rows(tmp_path / "checkins-weekly.csv")
    assert len(checkins) == 2
    mother = next(r for r in checkins if r["item.self_harm"] == "2")
    assert mother["carer_role"] == "mother" and mother["language"] == "en"
    assert mother["instrument"] == "weekly" and mother["instrument_version"] == "1.0"
    assert mother["submitted_at"].endswith("+00:00")
    assert mother["item.mood"] != "" and "item.note" not in mother
    assert any(k.startswith("score.") for k in mother) and any(
        k.startswith("band.") for k in mother
    )
    assert _rows(tmp_path / "checkins-phq9.csv") == []  # its header is there for the analyst
    assert "item.q1" in (tmp_path / "checkins-phq9.csv").read_text(encoding="utf-8-sig")

    all_flags = _rows(tmp_path / "flags.csv")
    flags = [f for f in all_flags if f["carer"] == mother["carer"]]
    assert {f["category"] for f in flags} >= {"self_harm"}
    assert all(f["checkin"] == mother["checkin"] for f in flags)
    assert all(f["state"] == "open" and f["acknowledged_at"] == "" for f in all_flags)
    assert {f["carer"] for f in all_flags} <= {r["carer"] for r in checkins}

    engagement = {r["carer"]: r for r in _rows(tmp_path / "engagement.csv")}
    assert set(engagement) == {r["carer"] for r in checkins}
    row = engagement[mother["carer"]]
    assert row["family"] == mother["family"]
    assert row["checkins"] == "1" and row["active_schedules"] == "1"
    assert row["scheduled_instruments"] == "weekly"
    assert row["first_checkin_at"] == row["last_checkin_at"] == mother["submitted_at"]
    assert row["flags"] == str(len(flags))


def test_no_names_emails_or_notes_leave_by_default(
    app: Flask, tmp_path: Path, two: Two, db: Session
):
    result = _export(app, tmp_path, "--team", _team(db, two).name)

    assert result.exit_code == 0, result.output
    everything = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    for private in (*PRIVATE, two.mother.email, two.family.label):
        assert private.encode() not in everything, private
    assert b"carer_name" not in everything and b"carer_id" not in everything


def test_pseudonyms_hold_within_an_export_and_change_between_exports(
    app: Flask, tmp_path: Path, two: Two, db: Session
):
    team = _team(db, two).name
    first, second = tmp_path / "one", tmp_path / "two"
    assert _export(app, first, "--team", team).exit_code == 0
    assert _export(app, second, "--team", team).exit_code == 0

    one, other = _by_role(first), _by_role(second)
    assert one["mother"] != one["father"]
    assert set(one.values()).isdisjoint(other.values())
    # Within one export the mother is the same carer in every table.
    flags = _rows(first / "flags.csv")
    assert {f["carer"] for f in flags if f["category"] == "self_harm"} == {one["mother"]}
    assert set(one.values()) == {r["carer"] for r in _rows(first / "engagement.csv")}


def test_a_named_export_needs_a_reason_and_is_audited_with_it(
    app: Flask, tmp_path: Path, two: Two, db: Session
):
    team = _team(db, two)
    refused = _export(app, tmp_path / "no", "--team", team.name, "--with-names")
    assert refused.exit_code != 0 and "--reason" in refused.output
    assert not (tmp_path / "no").exists()

    reason = "Matching records with the health visiting audit"
    result = _export(app, tmp_path / "yes", "--team", team.name, "--with-names", "--reason", reason)

    assert result.exit_code == 0, result.output
    engagement = _rows(tmp_path / "yes" / "engagement.csv")
    assert {r["carer_name"] for r in engagement} == {"Aisha", "Tom"}
    assert {r["family_label"] for r in engagement} == {two.family.label}
    aisha = next(r for r in engagement if r["carer_name"] == "Aisha")
    assert aisha["carer_id"] == str(two.mother_carer.id)
    everything = b"".join(p.read_bytes() for p in (tmp_path / "yes").iterdir())
    assert b"Mother's own words" not in everything and two.mother.email.encode() not in everything
    events = db.exec(select(AuditEvent).where(AuditEvent.target_type == "team")).all()
    named = [e for e in events if e.action == "team.csv_named_exported"]
    assert [(e.target_id, e.detail, e.actor_id) for e in named] == [(team.id, reason, None)]


def test_a_missing_team_is_refused_clearly(app: Flask, tmp_path: Path):
    result = _export(app, tmp_path / "out", "--team", "No Such Team")

    assert result.exit_code != 0
    assert "no team named 'No Such Team'" in result.output
    assert not (tmp_path / "out").exists()


def test_since_keeps_the_carers_and_leaves_out_earlier_rows(
    app: Flask, tmp_path: Path, two: Two, db: Session
):
    tomorrow = (utcnow() + timedelta(days=1)).date().isoformat()
    result = _export(app, tmp_path, "--team", _team(db, two).name, "--since", tomorrow)

    assert result.exit_code == 0, result.output
    assert _rows(tmp_path / "checkins-weekly.csv") == [] and _rows(tmp_path / "flags.csv") == []
    engagement = _rows(tmp_path / "engagement.csv")
    assert len(engagement) == 2 and {r["checkins"] for r in engagement} == {"0"}


def test_flag_times_in_minutes_and_against_the_due_by(two: Two, db: Session):
    flag = db.exec(select(Flag).where(Flag.carer_id == two.mother_carer.id)).first()
    assert flag is not None
    flag.due_at = flag.opened_at + timedelta(hours=4)
    flag.acknowledged_at = flag.opened_at + timedelta(minutes=90, seconds=20)
    person = Person(two.mother_carer, "Aisha", two.mother.email)
    records = TeamRecords(infants=[], carers=[person], checkins=[], flags=[flag], definitions=[])

    tables = team_tables(CsvRecords(records=records), key=b"k")
    (row,) = csv.DictReader(io.StringIO(tables["flags.csv"]))

    assert row["minutes_to_acknowledge"] == "90"
    assert row["acknowledged_in_time"] == "True"
    assert row["carer"] == Pseudonyms(b"k")("carer", two.mother_carer.id)
    db.rollback()


@pytest.mark.parametrize("kind", ["carer", "family", "flag"])
def test_a_pseudonym_is_fixed_by_its_key_alone(kind: str):
    assert Pseudonyms(b"a")(kind, 7) == Pseudonyms(b"a")(kind, 7)
    assert Pseudonyms(b"a")(kind, 7) != Pseudonyms(b"b")(kind, 7)
    assert Pseudonyms(b"a")(kind, 7) != Pseudonyms(b"a")(kind, 8)
    assert Pseudonyms(b"a")(kind, 7).startswith(f"{kind}-")


def test_an_empty_team_has_every_table_with_its_header(app: Flask, tmp_path: Path, make: Factory):
    make.team("Quiet Team")
    result = _export(app, tmp_path, "--team", "Quiet Team")

    assert result.exit_code == 0, result.output
    assert _rows(tmp_path / "engagement.csv") == [] and _rows(tmp_path / "flags.csv") == []
    assert (tmp_path / "flags.csv").read_text(encoding="utf-8-sig").startswith("flag,carer,")
