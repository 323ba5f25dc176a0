"""Ids a request carries, in a form field, a route or a page cursor, are checked before any query
sees them: a number no key can hold, -1, "abc" or a real id that was not offered gets the form
back with a message (or a 404), never a 500, and nothing in the database changes."""

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, SQLModel, col, select
from werkzeug.test import TestResponse

from parentapp.db import utcnow
from parentapp.ids import MAX_ID, parse_row_id
from parentapp.leave.models import Leave
from parentapp.teams.models import TeamClosure
from tests.factories import Factory
from tests.world import World, build_world, client_for, snapshot

HUGE = "100000000000000000000"  # past 64 bits: SQLite's driver cannot send it at all
BEYOND_ANY_KEY = str(MAX_ID + 1)  # fits 64 bits, but no INTEGER key holds it
NOT_OFFERED = "not offered"  # stands for a real id the page did not offer (see Field.other)
VALUES = [HUGE, BEYOND_ANY_KEY, "-1", "abc", "\u00b2", NOT_OFFERED]

Snapshot = dict[str, list[tuple[Any, ...]]]


@pytest.fixture
def world(make: Factory) -> World:
    return build_world(make)


def _days(n: int) -> str:
    return (utcnow().date() + timedelta(days=n)).isoformat()


def _closure(db: Session, world: World, team_id: int | None) -> TeamClosure:
    closure = TeamClosure(
        team_id=team_id or 0,
        day=utcnow().date() + timedelta(days=40),
        reason="Training day",
        created_by_id=world.users["lead"].id or 0,
    )
    db.add(closure)
    db.commit()
    db.refresh(closure)
    return closure


def _closure_of_team_a(db: Session, world: World) -> dict[str, Any]:
    return {"closure_id": str(_closure(db, world, world.team_a.id).id)}


def _closure_of_team_b(db: Session, world: World) -> int:
    return _closure(db, world, world.team_b.id).id or 0


@dataclass(frozen=True)
class Field:
    actor: str  # who may send the form (tests.world)
    url: Callable[[World], str]
    name: str  # the field that carries an id
    form: Callable[[Session, World], dict[str, Any]]  # a submission that goes through
    message: str  # shown beside the field (or flashed) when the value is refused
    # A real id that is not among the choices: another team's person, as a rule.
    other: Callable[[Session, World], int]
    refused: int = 400  # the status of a refusal
    other_refused: int | None = None  # the status when ``other`` is sent, if not ``refused``


def _other_team_clinician(_db: Session, world: World) -> int:
    return world.users["other_team_clinician"].id or 0


def _lead_leave(_db: Session, world: World) -> dict[str, Any]:
    return {
        "clinician_id": str(world.users["assigned_clinician"].id),
        "starts_on": _days(60),
        "ends_on": _days(61),
        "cover_id": str(world.users["colleague"].id),
    }


def _new_family(_db: Session, world: World) -> dict[str, Any]:
    return {
        "label": "Family Three",
        "assigned_clinician_id": str(world.users["assigned_clinician"].id),
        "infant_name": "Bo",
        "date_of_birth": _days(-10),
    }


def _team_settings(_db: Session, world: World) -> dict[str, Any]:
    return {
        "invite_expiry_days": "7",
        "time_zone": "UTC",
        "working_days": ["1", "2", "3"],
        "working_start": "08:30",
        "working_end": "16:30",
        "missed_checkins_threshold": "3",
        "urgent_response_hours": "3",
        "concern_response_days": "1",
        "duty_clinician_id": str(world.users["colleague"].id),
    }


def _new_staff(_db: Session, world: World) -> dict[str, Any]:
    return {
        "email": "newstaff@example.org",
        "display_name": "New Staff",
        "role": "clinician",
        "team_id": str(world.team_a.id),
        "password": "a long pass phrase",
    }


FIELDS: dict[str, Field] = {
    "leave.create clinician_id": Field(
        "lead",
        lambda _w: "/leave",
        "clinician_id",
        _lead_leave,
        "Choose a clinician in this team.",
        _other_team_clinician,
    ),
    "leave.create cover_id": Field(
        "lead",
        lambda _w: "/leave",
        "cover_id",
        _lead_leave,
        "Choose another clinician in the team to cover.",
        _other_team_clinician,
    ),
    # This page shows its form again with a 200 (a GET and POST page).
    "clinician.new_family assigned_clinician_id": Field(
        "assigned_clinician",
        lambda _w: "/families/new",
        "assigned_clinician_id",
        _new_family,
        "Choose a clinician from your team.",
        _other_team_clinician,
        refused=200,
    ),
    "clinician.reassign assigned_clinician_id": Field(
        "assigned_clinician",
        lambda w: f"/families/{w.family1.id}/clinician",
        "assigned_clinician_id",
        lambda _db, w: {"assigned_clinician_id": str(w.users["colleague"].id)},
        "Choose a clinician from your team.",
        _other_team_clinician,
    ),
    "teams.settings duty_clinician_id": Field(
        "lead",
        lambda _w: "/team/settings",
        "duty_clinician_id",
        _team_settings,
        "Choose a clinician in this team.",
        _other_team_clinician,
    ),
    # An administrator is offered every team: an id that is not offered is no team's.
    "admin.create_staff team_id": Field(
        "admin",
        lambda _w: "/admin/users",
        "team_id",
        _new_staff,
        "Not a valid choice.",
        lambda _db, w: (w.team_b.id or 0) + 1000,
    ),
    # A hidden field: refused with a message on the page it goes back to; another team's
    # closure day is not found.
    "teams.remove_closure closure_id": Field(
        "lead",
        lambda _w: "/team/settings/closures/remove",
        "closure_id",
        _closure_of_team_a,
        "Choose a closure day to remove.",
        _closure_of_team_b,
        refused=302,
        other_refused=404,
    ),
}


# Audit rows a refusal writes by design: a 404 records the denied access, and showing a family's
# page again (with the form's message) records that it was viewed.
EXPECTED_AUDIT = frozenset({"access.denied", "family.viewed"})


def _unchanged(before: Snapshot, after: Snapshot) -> bool:
    """Nothing changed but the audit rows a refusal is expected to add."""
    columns = [c.name for c in SQLModel.metadata.tables["audit_event"].columns]
    action = columns.index("action")

    def kept(tables: Snapshot) -> Snapshot:
        rows = [row for row in tables["audit_event"] if row[action] not in EXPECTED_AUDIT]
        return {**tables, "audit_event": rows}

    return kept(before) == kept(after)


def _arrange(
    app: Flask, world: World, db: Session, field: Field
) -> tuple[FlaskClient, str, dict[str, Any]]:
    client = client_for(app, world, field.actor)
    return client, field.url(world), field.form(db, world)


@pytest.mark.parametrize("case", list(FIELDS))
def test_the_form_goes_through_with_an_offered_value(
    app: Flask, world: World, db: Session, case: str
):
    """The counterpart of the refusals: the same form with an offered id does its work."""
    field = FIELDS[case]
    client, url, data = _arrange(app, world, db, field)
    engine = app.extensions["parentapp.engine"]
    before = snapshot(engine)

    response = client.post(url, data=data)

    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert snapshot(engine) != before


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("case", list(FIELDS))
def test_a_value_that_was_not_offered_is_refused(
    app: Flask, world: World, db: Session, case: str, value: str
):
    field = FIELDS[case]
    client, url, data = _arrange(app, world, db, field)
    sent = str(field.other(db, world)) if value == NOT_OFFERED else value
    engine = app.extensions["parentapp.engine"]
    before = snapshot(engine)

    response = client.post(url, data={**data, field.name: sent})

    expected = field.other_refused if value == NOT_OFFERED and field.other_refused else None
    if expected is not None:
        assert response.status_code == expected
    else:
        assert response.status_code == field.refused, response.get_data(as_text=True)[:2000]
        shown = _page_shown(client, response)
        assert field.message in shown
    assert _unchanged(before, snapshot(engine))


def _page_shown(client: FlaskClient, response: TestResponse) -> str:
    if response.status_code == 302:
        return client.get(response.headers["Location"]).get_data(as_text=True)
    return response.get_data(as_text=True)


def test_a_clinician_s_own_leave_is_theirs_whatever_the_form_says(
    app: Flask, world: World, db: Session
):
    """Only a lead chooses whose leave it is: a clinician's clinician_id is not even read."""
    client = client_for(app, world, "assigned_clinician")
    response = client.post(
        "/leave",
        data={
            "clinician_id": HUGE,
            "starts_on": _days(60),
            "ends_on": _days(61),
            "cover_id": str(world.users["colleague"].id),
        },
    )
    assert response.status_code == 302
    db.expire_all()
    newest = db.exec(select(Leave).order_by(col(Leave.id).desc())).first()
    assert newest is not None and newest.user_id == world.users["assigned_clinician"].id


# --- ids in routes ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", [HUGE, BEYOND_ANY_KEY])
@pytest.mark.parametrize(
    ("actor", "method", "path"),
    [
        ("assigned_clinician", "GET", "/families/{}"),
        ("assigned_clinician", "GET", "/flags/{}"),
        ("assigned_clinician", "POST", "/leave/{}/cancel"),
        ("owning_carer", "GET", "/checkins/{}/done"),
        ("admin", "POST", "/admin/users/{}/active"),
    ],
)
def test_an_id_in_a_route_that_no_key_can_hold_is_not_found(
    app: Flask, world: World, actor: str, method: str, path: str, value: str
):
    client = client_for(app, world, actor)
    engine = app.extensions["parentapp.engine"]
    before = snapshot(engine)

    response = client.open(path.format(value), method=method)

    assert response.status_code == 404
    assert _unchanged(before, snapshot(engine))


# --- ids in page cursors ---------------------------------------------------------------------


def _cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize("direction", ["after", "before"])
@pytest.mark.parametrize(
    ("path", "values"),
    [
        ("/clinic", [0, "Family One", int(HUGE)]),
        ("/clinic", [1, "Family One", int(BEYOND_ANY_KEY)]),
        ("/flags", [0, None, "2026-01-01T00:00:00+00:00", int(HUGE)]),
    ],
)
def test_a_cursor_with_an_id_no_key_can_hold_is_a_damaged_link(
    app: Flask, world: World, path: str, values: list[Any], direction: str
):
    """Answered as a link that cannot be used is: the first page, with a note."""
    client = client_for(app, world, "assigned_clinician")
    damaged = client.get(f"{path}?{direction}=not-a-cursor")

    response = client.get(f"{path}?{direction}={_cursor(values)}")

    assert response.status_code == damaged.status_code != 500


# --- the baby a check-in is about ------------------------------------------------------------


@pytest.mark.parametrize("value", [HUGE, "-1", "abc", "\u00b2", "\u0663"])
def test_a_check_in_about_a_baby_that_is_not_offered_is_refused(
    app: Flask, world: World, make: Factory, value: str
):
    make.infant(world.family1, name="Bea")  # two babies: the carer says which
    client = client_for(app, world, "owning_carer")
    answers = {
        f"item_{link_id}": "0"
        for link_id in (
            "mood", "worry", "sleep", "coping", "support", "closeness", "self_harm", "harm_to_baby",
        )
    }  # fmt: skip
    engine = app.extensions["parentapp.engine"]
    before = snapshot(engine)

    response = client.post("/checkins/weekly", data={**answers, "infant_id": value})

    assert response.status_code == 400
    assert "Please choose which baby you are answering about." in response.get_data(as_text=True)
    assert snapshot(engine) == before


# --- the helper ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        (HUGE, None),
        ("0", None),
        ("-1", None),
        ("", None),
        (" 1", None),
        ("abc", None),
        ("\u00b2", None),  # a superscript two: str.isdigit() says yes, int() refuses it
        ("\u0663", None),  # an Arabic-Indic three: int() reads it, an id never has one
        (None, None),
        (7, None),
    ],
)
def test_parse_row_id(text: object, expected: int | None):
    assert parse_row_id(text) == expected
