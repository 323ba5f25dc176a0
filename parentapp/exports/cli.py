"""`flask export ...`: a team's records out of the app."""

import json
from datetime import UTC, datetime
from pathlib import Path

import click
from sqlmodel import select

from parentapp.db import session_scope, utcnow
from parentapp.exports.fhir_bundle import team_bundle
from parentapp.exports.fhir_rows import team_records
from parentapp.instruments.fhir import DEFAULT_BASE_URL
from parentapp.teams.models import Team


@click.group("export")
def export_group() -> None:
    """Export a team's records (FHIR R4)."""


@export_group.command("fhir")
@click.option("--team", "team_name", required=True, help="The team's name, as stored.")
@click.option(
    "--since", type=click.DateTime(["%Y-%m-%d"]), help="Check-ins and flags from this day (UTC)."
)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--base-url", default=DEFAULT_BASE_URL, show_default=True)
def export_fhir_command(
    team_name: str, since: datetime | None, output: Path, base_url: str
) -> None:
    """Write the team's records as a FHIR R4 Bundle (type collection) to OUTPUT."""
    with session_scope() as session:
        team = session.exec(select(Team).where(Team.name == team_name)).first()
        if team is None:
            raise click.ClickException(f"no team named {team_name!r}")
        start = since.replace(tzinfo=UTC) if since else None
        bundle = team_bundle(team_records(session, team, start), now=utcnow(), base_url=base_url)
    output.write_text(json.dumps(bundle, indent=2, ensure_ascii=False), encoding="utf-8")
    click.echo(f"{len(bundle['entry'])} resources written to {output}")
