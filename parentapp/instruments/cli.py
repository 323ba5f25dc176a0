"""Operator commands for instruments: list the registry, import a definition, export FHIR."""

import json
from pathlib import Path

import click

from parentapp.db import session_scope
from parentapp.errors import DomainError
from parentapp.instruments.fhir import DEFAULT_BASE_URL, FhirExportError, to_questionnaire
from parentapp.instruments.registry import (
    InstrumentDefinitionError,
    UnknownInstrumentError,
    load_registry,
    read_json,
)
from parentapp.instruments.schema import Definition


@click.group("instruments")
def instruments_group() -> None:
    """Instrument definitions: list, import, export as FHIR."""


def _languages(defn: Definition) -> str:
    return ", ".join(
        f"{code} ({'validated' if status.validated else 'not validated'})"
        for code, status in sorted(defn.languages.items())
    )


@instruments_group.command("list")
def list_command() -> None:
    """Every instrument version with its licence, languages and whether its text is included."""
    with session_scope() as session:
        registry = load_registry(session)
    for instrument_id in sorted({d.id for d in registry.definitions}):
        for defn in registry.versions(instrument_id):
            origin = "built-in" if registry.is_builtin(defn) else "imported"
            text = "text included" if defn.text_included else "structure only, no text"
            click.echo(
                f"{defn.id} {defn.version}  {defn.short_title}  licence: {defn.licence.status}"
                f"  languages: {_languages(defn)}  {text}  {origin}"
            )


@instruments_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path) -> None:
    """Validate FILE (a definition in JSON) and add it to the registry."""
    from parentapp.instruments.services import import_definition

    try:
        data = read_json(file)
        with session_scope() as session:
            defn = import_definition(session=session, data=data, origin=file.name)
    except InstrumentDefinitionError as error:
        raise click.ClickException(str(error)) from error
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(
        f"Imported {defn.id} {defn.version} ({defn.title}): {len(defn.items)} items, "
        f"{len(defn.scales)} scale(s), licence {defn.licence.status}."
    )
    if not defn.text_included:
        click.echo(
            "Its text is not included (structure only): it will not be offered to carers. "
            "Fill in the wording and import it as a new version.",
            err=True,
        )


@instruments_group.command("export-fhir")
@click.argument("instrument_id")
@click.option("--version", "version", help="Defaults to the latest version.")
@click.option("--base-url", default=DEFAULT_BASE_URL, show_default=True)
def export_fhir_command(instrument_id: str, version: str | None, base_url: str) -> None:
    """Print INSTRUMENT_ID as a FHIR R4 Questionnaire (JSON)."""
    with session_scope() as session:
        registry = load_registry(session)
    try:
        resource = to_questionnaire(registry.get(instrument_id, version), base_url=base_url)
    except UnknownInstrumentError as error:
        raise click.ClickException(str(error)) from error
    except FhirExportError as error:
        raise click.ClickException(str(error)) from error
    click.echo(json.dumps(resource, indent=2, ensure_ascii=False))
