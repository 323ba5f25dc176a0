"""Writes for the instruments domain: importing a licensed service's definition."""

import hashlib
import json
from typing import Any

from flask_babel import gettext as _
from sqlmodel import Session

from parentapp.audit.services import record
from parentapp.errors import DomainError
from parentapp.instruments.models import ImportedDefinition
from parentapp.instruments.registry import builtin_registry, load_registry, parse_definition
from parentapp.instruments.schema import Definition


def import_definition(*, session: Session, data: Any, origin: str) -> Definition:
    """Validate and store a definition (e.g. a licensed EPDS a service has filled in).

    :raises InstrumentDefinitionError: the data does not match the format (names the field).
    :raises DomainError: the id is shipped with the app, or this id and version is imported.
    """
    definition = parse_definition(data, origin)
    if any(d.id == definition.id for d in builtin_registry().definitions):
        # Shipped instruments carry published wording; a changed copy must not replace them.
        raise DomainError(
            _(
                "%(id)s is shipped with the app; its versions come with app releases.",
                id=definition.id,
            )
        )
    if definition.key in load_registry(session):
        raise DomainError(
            _(
                "%(id)s version %(version)s is already imported; a changed definition needs a new version.",
                id=definition.id,
                version=definition.version,
            )
        )
    stored = definition.model_dump(mode="json")
    canonical = json.dumps(stored, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    row = ImportedDefinition(
        instrument_id=definition.id,
        version=definition.version,
        definition=stored,
        sha256=hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
    )
    session.add(row)
    session.flush()
    record(
        session=session,
        action="instrument.imported",
        target_type="imported_definition",
        target_id=row.id,
        detail=f"{definition.id} {definition.version} sha256:{row.sha256[:16]}",
    )
    session.commit()
    return definition
