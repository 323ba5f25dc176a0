"""Definitions a licensed service imports (EPDS, CORE-10 ...), kept in the database so that
every web process and the worker see the same registry."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel

from parentapp.db import UTCDateTime, utcnow


class ImportedDefinition(SQLModel, table=True):
    __tablename__ = "imported_definition"
    __table_args__ = (
        sa.UniqueConstraint("instrument_id", "version", name="uq_imported_definition"),
    )

    id: int | None = Field(default=None, primary_key=True)
    instrument_id: str = Field(max_length=64)
    version: str = Field(max_length=32)
    definition: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    sha256: str = Field(max_length=64)
    imported_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
