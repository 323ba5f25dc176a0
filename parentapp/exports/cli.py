"""`flask export ...`: a team's records out of the app."""

import json
from datetime import UTC, datetime
from pathlib import Path

import click
from sqlmodel import Session, select

from parentapp.db import session_scope, utcnow
from parentapp.exports.team_exports import team_csv, team_fhir
from parentapp.instruments.fhir import DEFAULT_BASE_URL
from parentapp.teams.models import Team

SINCE = click.option(
    "--since", type=click.DateTime(["%Y-%m-%d"]), help="Check-ins and flags from this day (UTC)."
)


@click.group("export")
def export_group() -> None:
    """Export a team's records (FHIR R4, CSV)."""


def _team(session: Session, name: str) -> Team:
    team = session.exec(select(Team).where(Team.name == name)).first()
    if team is None:
        raise click.ClickException(f"no team named {name!r}")
    return team


def _start(since: datetime | None) -> datetime | None:
    return since.replace(tzinfo=UTC) if since else None


@export_group.command("fhir")
@click.option("--team", "team_name", required=True, help="The team's name, as stored.")
@SINCE
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--base-url", default=DEFAULT_BASE_URL, show_default=True)
def export_fhir_command(
    team_name: str, since: datetime | None, output: Path, base_url: str
) -> None:
    """Write the team's records as a FHIR R4 Bundle (type collection) to OUTPUT."""
    with session_scope() as session:
        bundle = team_fhir(
            session,
            actor_id=None,
            team=_team(session, team_name),
            since=_start(since),
            now=utcnow(),
            base_url=base_url,
        )
    output.write_text(json.dumps(bundle, indent=2, ensure_ascii=False), encoding="utf-8")
    click.echo(f"{len(bundle['entry'])} resources written to {output}")


@export_group.command("csv")
@click.option("--team", "team_name", required=True, help="The team's name, as stored.")
@SINCE
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="A directory; created if missing.",
)
@click.option(
    "--with-names", is_flag=True, help="Add names and the app's ids (needs --reason; audited)."
)
@click.option("--reason", help="Why names are needed; kept on the audit log.")
def export_csv_command(
    team_name: str, since: datetime | None, output: Path, with_names: bool, reason: str | None
) -> None:
    """Write the team's records as CSV tables (pseudonymous unless --with-names) to OUTPUT."""
    reason = (reason or "").strip() or None
    if with_names and reason is None:
        raise click.UsageError("--with-names needs --reason: say why names are needed")
    if reason is not None and not with_names:
        raise click.UsageError("--reason is only for --with-names")
    with session_scope() as session:
        tables = team_csv(
            session,
            actor_id=None,
            team=_team(session, team_name),
            since=_start(since),
            reason=reason,
        )
    output.mkdir(parents=True, exist_ok=True)
    for name, text in tables.items():
        # A byte-order mark, so that spreadsheets read non-Latin text as UTF-8.
        (output / name).write_text("\ufeff" + text, encoding="utf-8", newline="")
    click.echo(f"{len(tables)} files written to {output}")
