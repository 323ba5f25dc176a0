"""A team's records as CSV tables for a service analyst. Pure: rows in, text out.

- ``checkins-<instrument>.csv``, one file per instrument (every version in one file, told apart
  by ``instrument_version``): one row per check-in, each scale's score and band, and one
  ``item.<linkId>`` column per question holding the answer's code. One file per instrument
  keeps every column meaningful in every row (a single file would be mostly empty cells) and
  each file is there, with its header, even when nobody has answered that instrument yet;
- ``flags.csv``: one row per flag with its times, never its notes;
- ``engagement.csv``: one row per carer.

Pseudonymous by default: every carer, family, check-in and flag is named by an HMAC of its id
under a key drawn for this export alone and never kept, so the same carer has the same id in
every table of one export and an unrelated one in the next, and nobody can work back to the
app's ids. No names, emails, family labels, typed role descriptions or free text (check-in
notes, flag notes) are written. ``with_names`` adds the carer's name, the family's label and
the app's own ids, for a lead who has given a reason (audited by the caller).

Times are ISO 8601 in UTC.
"""

import csv
import hashlib
import hmac
import io
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from parentapp.checkins.models import CheckIn, Schedule
from parentapp.exports.fhir_bundle import TeamRecords
from parentapp.instruments.schema import Definition, ItemType
from parentapp.triage.models import Flag


@dataclass(frozen=True)
class CsvRecords:
    """What the CSV export reads (``exports.team_rows``): the FHIR export's records, and what
    the FHIR Bundle does not need about each carer."""

    records: TeamRecords
    languages: dict[int, str] = field(default_factory=dict)  # carer id -> app language
    schedules: list[Schedule] = field(default_factory=list)  # the carers' active schedules
    family_labels: dict[int, str] = field(default_factory=dict)


class Pseudonyms:
    """Stable ids for one export. ``key`` is random unless a test fixes it."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key if key is not None else secrets.token_bytes(32)

    def __call__(self, kind: str, id_: int | None) -> str:
        if id_ is None:
            return ""
        digest = hmac.new(self._key, f"{kind}:{id_}".encode(), hashlib.sha256).hexdigest()
        return f"{kind}-{digest[:12]}"


def _when(value: datetime | None) -> str:
    if value is None:
        return ""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="seconds")


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


class _Who:
    """The columns naming a carer and their family, pseudonymous or named."""

    def __init__(self, data: CsvRecords, ids: Pseudonyms, with_names: bool) -> None:
        self.people = {p.carer.id or 0: p for p in data.records.carers}
        self.data, self.ids, self.with_names = data, ids, with_names

    def header(self) -> list[str]:
        named = ["carer_id", "carer_name", "family_id", "family_label"] if self.with_names else []
        return ["carer", "family", *named]

    def row(self, carer_id: int) -> list[Any]:
        person = self.people[carer_id]
        family_id = person.carer.family_id
        out: list[Any] = [self.ids("carer", carer_id), self.ids("family", family_id)]
        if self.with_names:
            out += [carer_id, person.name, family_id, self.data.family_labels.get(family_id, "")]
        return out

    def role_and_language(self, carer_id: int) -> list[str]:
        return [self.people[carer_id].carer.carer_role, self.data.languages.get(carer_id, "")]


def _columns(versions: list[Definition]) -> tuple[list[str], list[str]]:
    """Scale ids and answerable item linkIds across every version of one instrument, in the
    order they first appear (oldest version first). Free-text items are left out: their text
    is a check-in's note, which never leaves in this export."""
    scales: list[str] = []
    items: list[str] = []
    for definition in versions:
        scales += [s.id for s in definition.scales if s.id not in scales]
        items += [
            i.link_id
            for i in definition.items
            if i.type not in {ItemType.TEXT, ItemType.DISPLAY} and i.link_id not in items
        ]
    return scales, items


def _score(checkin: CheckIn, scale: str) -> list[Any]:
    data = (checkin.scores or {}).get(scale)
    if not isinstance(data, dict):
        return ["", ""]
    value = data.get("value")
    return ["" if value is None else value, data.get("band") or ""]


def _checkin_files(data: CsvRecords, ids: Pseudonyms, who: _Who) -> dict[str, str]:
    by_instrument: dict[str, list[Definition]] = {}
    for definition in data.records.definitions:
        by_instrument.setdefault(definition.id, []).append(definition)
    for checkin in data.records.checkins:  # an instrument no longer defined still has rows
        by_instrument.setdefault(checkin.instrument_id, [])
    files = {}
    for instrument, versions in sorted(by_instrument.items()):
        scales, items = _columns(sorted(versions, key=lambda d: _version_key(d.version)))
        header = [
            "checkin",
            *who.header(),
            "carer_role",
            "language",
            "instrument",
            "instrument_version",
            "submitted_at",
            "translation_validated",
            "contact_requested",
        ]
        header += [f"{kind}.{s}" for s in scales for kind in ("score", "band")]
        header += [f"item.{i}" for i in items]
        rows = [
            [
                ids("checkin", c.id),
                *who.row(c.carer_id),
                who.people[c.carer_id].carer.carer_role,
                c.locale,
                c.instrument_id,
                c.instrument_version,
                _when(c.submitted_at),
                c.translation_validated,
                c.contact_requested,
                *[cell for s in scales for cell in _score(c, s)],
                *[(c.answers or {}).get(i, "") for i in items],
            ]
            for c in data.records.checkins
            if c.instrument_id == instrument
        ]
        files[f"checkins-{instrument}.csv"] = _csv(header, rows)
    return files


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _minutes(start: datetime, end: datetime | None) -> int | str:
    return "" if end is None else round((end - start).total_seconds() / 60)


def _in_time(flag: Flag) -> bool | str:
    """Acknowledged by its due-by; blank while not acknowledged or without a due-by."""
    if flag.acknowledged_at is None or flag.due_at is None:
        return ""
    return flag.acknowledged_at <= flag.due_at


def _flags_file(data: CsvRecords, ids: Pseudonyms, who: _Who) -> str:
    header = [
        "flag",
        *(["flag_id"] if who.with_names else []),
        *who.header(),
        "checkin",
        "rule_id",
        "ruleset_version",
        "category",
        "severity",
        "safeguarding",
        "state",
        "opened_at",
        "due_at",
        "acknowledged_at",
        "minutes_to_acknowledge",
        "acknowledged_in_time",
        "escalated_at",
        "escalation_level",
        "closed_at",
        "outcome",
        "trigger_count",
    ]
    rows = [
        [
            ids("flag", f.id),
            *([f.id] if who.with_names else []),
            *who.row(f.carer_id),
            ids("checkin", f.checkin_id),
            f.rule_id,
            f.ruleset_version,
            f.category,
            f.severity,
            f.safeguarding,
            f.state,
            _when(f.opened_at),
            _when(f.due_at),
            _when(f.acknowledged_at),
            _minutes(f.opened_at, f.acknowledged_at),
            _in_time(f),
            _when(f.escalated_at),
            f.escalation_level,
            _when(f.closed_at),
            f.outcome or "",
            f.trigger_count,
        ]
        for f in data.records.flags
    ]
    return _csv(header, rows)


def _engagement_file(data: CsvRecords, who: _Who) -> str:
    checkins: dict[int, list[CheckIn]] = {}
    for checkin in data.records.checkins:
        checkins.setdefault(checkin.carer_id, []).append(checkin)
    schedules: dict[int, list[str]] = {}
    for schedule in data.schedules:
        schedules.setdefault(schedule.carer_id, []).append(schedule.instrument_id)
    flags = Counter(f.carer_id for f in data.records.flags)
    header = [
        *who.header(),
        "carer_role",
        "language",
        "joined_at",
        "consented",
        "reminders_enabled",
        "active_schedules",
        "scheduled_instruments",
        "checkins",
        "first_checkin_at",
        "last_checkin_at",
        "flags",
    ]
    rows = []
    for person in data.records.carers:
        carer_id = person.carer.id or 0
        mine = sorted(checkins.get(carer_id, []), key=lambda c: c.submitted_at)
        instruments = sorted(schedules.get(carer_id, []))
        rows.append(
            [
                *who.row(carer_id),
                *who.role_and_language(carer_id),
                _when(person.carer.joined_at),
                person.carer.consented_at is not None,
                person.carer.reminders_enabled,
                len(instruments),
                ";".join(instruments),
                len(mine),
                _when(mine[0].submitted_at) if mine else "",
                _when(mine[-1].submitted_at) if mine else "",
                flags[carer_id],
            ]
        )
    return _csv(header, rows)


def team_tables(
    data: CsvRecords, *, with_names: bool = False, key: bytes | None = None
) -> dict[str, str]:
    """Every table of the export, by file name. One ``Pseudonyms`` serves all of them, so the
    ids join across files."""
    ids = Pseudonyms(key)
    who = _Who(data, ids, with_names)
    return {
        **_checkin_files(data, ids, who),
        "flags.csv": _flags_file(data, ids, who),
        "engagement.csv": _engagement_file(data, who),
    }
