"""Reads for the instruments domain."""

from sqlmodel import Session, col, select

from parentapp.instruments.models import ImportedDefinition


def imported_rows(session: Session) -> list[ImportedDefinition]:
    """Every imported definition, in the order they were imported."""
    return list(session.exec(select(ImportedDefinition).order_by(col(ImportedDefinition.id))).all())
