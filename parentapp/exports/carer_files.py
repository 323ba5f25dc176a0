"""A carer's record as files they can keep or take elsewhere (UK GDPR Article 20): one zip
with ``my-data.json`` (everything) and a CSV per list (check-ins one row per answer, flags one
row per step, views of the record), readable in any spreadsheet. Times are ISO 8601 in UTC."""

import csv
import dataclasses
import io
import json
import zipfile
from datetime import date, datetime, time
from typing import Any

from parentapp.exports.carer_record import CarerRecord


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def as_json(record: CarerRecord) -> dict[str, Any]:
    """The whole record as plain JSON values."""
    document: dict[str, Any] = _plain(dataclasses.asdict(record))
    document["babies"] = [
        {"name": name, "date_of_birth": born, "due_date": due}
        for name, born, due in document["babies"]
    ]
    quiet = document.pop("quiet_hours")
    document["quiet_hours"] = {"start": quiet[0], "end": quiet[1]} if quiet else None
    return document


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([_plain(cell) for cell in row] for row in rows)
    return out.getvalue()


def as_csv(record: CarerRecord) -> dict[str, str]:
    """One CSV file per list in the record, by file name."""
    checkins = [
        [c.id, c.submitted_at, c.questionnaire, c.instrument_version, a.question, a.answer]
        for c in record.checkins
        for a in c.answers
    ]
    scores = [
        [c.id, c.submitted_at, c.questionnaire, s.scale, s.value, s.band]
        for c in record.checkins
        for s in c.scores
    ]
    notes = [
        [c.id, c.submitted_at, c.note or "", c.contact_requested]
        for c in record.checkins
        if c.note or c.contact_requested
    ]
    flags = [
        [f.id, f.raised_at, f.reason, f.severity, f.state, f.outcome, e.at, e.what]
        for f in record.flags
        for e in f.history
    ]
    views = [[v.at, v.who, v.role, v.what] for v in record.views]
    messages = [[m.sent_at, m.check_in_id, m.who, m.text, m.read_at] for m in record.messages]
    return {
        "check-ins.csv": _csv(
            ["check_in", "submitted_at", "questionnaire", "version", "question", "answer"],
            checkins,
        ),
        "scores.csv": _csv(
            ["check_in", "submitted_at", "questionnaire", "scale", "score", "band"], scores
        ),
        "notes.csv": _csv(["check_in", "submitted_at", "note", "asked_to_be_contacted"], notes),
        "flags.csv": _csv(
            ["flag", "raised_at", "reason", "severity", "state", "outcome", "at", "step"], flags
        ),
        "views-of-my-record.csv": _csv(["at", "who", "role", "what"], views),
        "messages-from-my-team.csv": _csv(
            ["sent_at", "check_in", "from", "message", "read_at"], messages
        ),
    }


def as_zip(record: CarerRecord) -> bytes:
    """The JSON document and the CSV files in one zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("my-data.json", json.dumps(as_json(record), ensure_ascii=False, indent=2))
        for name, text in as_csv(record).items():
            # A byte-order mark, so that spreadsheets read non-Latin text as UTF-8.
            archive.writestr(name, "\ufeff" + text)
    return buffer.getvalue()
