"""The team's exports as files, each recorded on the audit log: the FHIR Bundle of the team or
of one family, and the CSV tables. Shared by the web downloads and ``flask export``."""

import io
import json
import zipfile
from datetime import datetime
from typing import Any

from sqlmodel import Session

from parentapp.audit.services import record, record_view
from parentapp.exports.fhir_bundle import team_bundle
from parentapp.exports.fhir_rows import team_records
from parentapp.exports.team_csv import team_tables
from parentapp.exports.team_rows import csv_records
from parentapp.families.models import Family
from parentapp.instruments.fhir import DEFAULT_BASE_URL
from parentapp.teams.models import Team


def bundle_bytes(bundle: dict[str, Any]) -> bytes:
    return json.dumps(bundle, indent=2, ensure_ascii=False).encode("utf-8")


def team_fhir(
    session: Session,
    *,
    actor_id: int | None,
    team: Team,
    since: datetime | None,
    now: datetime,
    base_url: str = DEFAULT_BASE_URL,
) -> dict[str, Any]:
    """The team's FHIR Bundle; the export is on the audit log (who, which team, when)."""
    bundle = team_bundle(team_records(session, team, since), now=now, base_url=base_url)
    record_view(
        session=session,
        action="team.fhir_exported",
        actor_id=actor_id,
        target_type="team",
        target_id=team.id,
    )
    return bundle


def family_fhir(
    session: Session,
    *,
    actor_id: int | None,
    family: Family,
    team: Team,
    since: datetime | None,
    now: datetime,
    base_url: str = DEFAULT_BASE_URL,
) -> dict[str, Any]:
    """One family's FHIR Bundle. It is cut from the team's records rather than read on its own,
    so a family's export holds exactly what the team's holds about that family (a restricted
    record is left out of both the same way)."""
    records = team_records(session, team, since).of_family(family.id or 0)
    bundle = team_bundle(records, now=now, base_url=base_url)
    record_view(
        session=session,
        action="family.fhir_exported",
        actor_id=actor_id,
        target_type="family",
        target_id=family.id,
    )
    return bundle


def team_csv(
    session: Session,
    *,
    actor_id: int | None,
    team: Team,
    since: datetime | None,
    reason: str | None = None,
) -> dict[str, str]:
    """The team's CSV tables by file name: pseudonymous, or with names when a ``reason`` is
    given. A named export is its own audit action, holding the reason, so a review of the log
    finds every export that named people and why."""
    tables = team_tables(csv_records(session, team, since), with_names=reason is not None)
    record(
        session=session,
        action="team.csv_named_exported" if reason is not None else "team.csv_exported",
        actor_id=actor_id,
        target_type="team",
        target_id=team.id,
        detail=reason,
    )
    session.commit()
    return tables


def csv_zip(tables: dict[str, str]) -> bytes:
    """The tables in one zip, each with a byte-order mark so spreadsheets read it as UTF-8."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in tables.items():
            archive.writestr(name, "\ufeff" + text)
    return buffer.getvalue()
