"""Which instrument versions exist: the built-in definition files plus imported ones.

Built-in definitions are read and validated once per process, so a malformed file stops the app
at the first use rather than when a carer reaches the item. Imported definitions live in the
database (every web process and the worker see the same ones) and are re-validated when read.
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session

from parentapp.instruments.models import ImportedDefinition
from parentapp.instruments.queries import imported_rows
from parentapp.instruments.schema import Definition

DEFINITIONS_DIR = Path(__file__).parent / "definitions"


class InstrumentDefinitionError(ValueError):
    """A definition that does not match the format; the message names the file and field."""


class UnknownInstrumentError(KeyError):
    """No instrument (or no such version of it) in the registry."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown instrument"


class UnknownVersionError(UnknownInstrumentError):
    """The instrument exists, but not in the version asked for (a client's typo or forgery:
    no version is ever removed while check-ins answered on it may still arrive)."""


def _path(error: Mapping[str, Any]) -> str:
    parts = [str(part) for part in error["loc"]]
    extra = (error.get("ctx") or {}).get("path")
    if extra:
        parts.append(str(extra))
    return ".".join(parts) or "(top level)"


def describe(error: ValidationError) -> str:
    """One line per problem, each ``field.path: message``."""
    return "; ".join(f"{_path(e)}: {e['msg']}" for e in error.errors(include_url=False))


def parse_definition(data: Any, origin: str) -> Definition:
    """Validate ``data`` (parsed JSON), naming ``origin`` (a file name) in any error."""
    try:
        return Definition.model_validate(data)
    except ValidationError as error:
        raise InstrumentDefinitionError(f"{origin}: {describe(error)}") from error


def read_json(path: Path) -> Any:
    """A definition file's parsed JSON; errors name the file (and line, for bad JSON)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise InstrumentDefinitionError(f"{path.name}: cannot be read: {error}") from error
    except json.JSONDecodeError as error:
        raise InstrumentDefinitionError(
            f"{path.name}: not valid JSON (line {error.lineno}, column {error.colno}): {error.msg}"
        ) from error


def read_definition_file(path: Path) -> Definition:
    """A shipped definition file, validated; its name must be ``ID-VERSION.json``."""
    data = read_json(path)
    definition = parse_definition(data, path.name)
    expected = f"{definition.id}-{definition.version}.json"
    if path.name != expected:
        # The file name is how people find a version; it must not say something else.
        raise InstrumentDefinitionError(f"{path.name}: holds {definition.key}, name it {expected}")
    return definition


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


@cache
def builtin_definitions() -> tuple[Definition, ...]:
    """Every shipped definition, validated; read once per process."""
    definitions = tuple(
        read_definition_file(path) for path in sorted(DEFINITIONS_DIR.glob("*.json"))
    )
    keys = [d.key for d in definitions]
    if len(set(keys)) != len(keys):
        raise InstrumentDefinitionError("definitions: two files hold the same id and version")
    return definitions


@dataclass(frozen=True)
class Registry:
    """A snapshot of the known definitions; ``builtin`` tells which keys ship with the app."""

    definitions: tuple[Definition, ...]
    builtin: frozenset[tuple[str, str]] = field(default_factory=frozenset)

    @classmethod
    def of(cls, builtin: Iterable[Definition], imported: Iterable[Definition] = ()) -> "Registry":
        shipped = tuple(builtin)
        keys = {d.key for d in shipped}
        # Import refuses a built-in id and version; should a later release ship one that a
        # service had imported, the shipped text wins and the registry stays unambiguous.
        extra = tuple(d for d in imported if d.key not in keys)
        return cls(
            definitions=(*shipped, *extra),
            builtin=frozenset(d.key for d in shipped),
        )

    def get(self, instrument_id: str, version: str | None = None) -> Definition:
        """The named version, or the latest one when ``version`` is None."""
        versions = self.versions(instrument_id)
        if not versions:
            raise UnknownInstrumentError(f"no instrument {instrument_id!r}")
        if version is None:
            return versions[-1]
        for definition in versions:
            if definition.version == version:
                return definition
        raise UnknownVersionError(f"no version {version!r} of instrument {instrument_id!r}")

    def versions(self, instrument_id: str) -> tuple[Definition, ...]:
        """Every version of one instrument, oldest first."""
        found = [d for d in self.definitions if d.id == instrument_id]
        return tuple(sorted(found, key=lambda d: _version_key(d.version)))

    def latest(self) -> list[Definition]:
        """The latest version of each instrument, by id."""
        ids = sorted({d.id for d in self.definitions})
        return [self.versions(i)[-1] for i in ids]

    def offerable(self) -> list[Definition]:
        """Latest versions a carer can be asked: structure-only templates have no text to show."""
        return [d for d in self.latest() if d.text_included]

    def is_builtin(self, definition: Definition) -> bool:
        return definition.key in self.builtin

    def __contains__(self, key: object) -> bool:
        return any(d.key == key for d in self.definitions)


# Parsed imported definitions by their row and content hash. A row is never changed once
# imported (a changed definition needs a new version), so a parse is good for the life of the
# process; this spares every check-in a validation of each imported instrument.
_PARSED: dict[tuple[int, str], Definition] = {}
_PARSED_MAX = 1024


def _parsed(row: ImportedDefinition) -> Definition:
    key = (row.id or 0, row.sha256)
    found = _PARSED.get(key)
    if found is None:
        found = parse_definition(row.definition, f"imported {row.instrument_id}-{row.version}")
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        _PARSED[key] = found
    return found


def imported_definitions(session: Session, instrument_id: str | None = None) -> list[Definition]:
    return [_parsed(row) for row in imported_rows(session, instrument_id)]


def builtin_registry() -> Registry:
    """Only the shipped definitions (no database needed)."""
    return Registry.of(builtin_definitions())


def load_registry(session: Session, instrument_id: str | None = None) -> Registry:
    """The shipped definitions plus those a service has imported; with ``instrument_id``, only
    that instrument's imported versions are read (the rest of the registry is the shipped
    definitions, which is all a look-up of that one instrument needs)."""
    return Registry.of(builtin_definitions(), imported_definitions(session, instrument_id))
