"""Reads for the instruments domain."""

from sqlmodel import Session, col, select

from parentapp.instruments.models import ImportedDefinition


def imported_rows(session: Session, instrument_id: str | None = None) -> list[ImportedDefinition]:
    """Every imported definition (of ``instrument_id`` only, when given), in the order they
    were imported."""
    query = select(ImportedDefinition)
    if instrument_id is not None:
        query = query.where(ImportedDefinition.instrument_id == instrument_id)
    return list(session.exec(query.order_by(col(ImportedDefinition.id))).all())
