"""The API's views: thin, like the HTML ones. Read or call one service, answer JSON."""

from typing import Any

from flask import Response, g, jsonify, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from parentapp.api import payloads, serialize
from parentapp.api.auth import carer_required, checkin_limit, login_required
from parentapp.api.blueprint import bp
from parentapp.api.openapi import document
from parentapp.audit.services import record_denied
from parentapp.checkins import services
from parentapp.checkins.queries import (
    UnknownVersion,
    answerable,
    due_checkins,
)
from parentapp.db import get_session, utcnow
from parentapp.errors import NotFoundError
from parentapp.extensions import limiter, user_key
from parentapp.families.models import Carer
from parentapp.families.queries import infants_of, team_of
from parentapp.json_errors import ApiError
from parentapp.teams.contacts import contacts_for_carers
from parentapp.teams.hours import WorkingHours, of_team
from parentapp.teams.models import Team


@bp.get("/openapi.json", endpoint="openapi")
def openapi() -> Response:
    """The OpenAPI 3.1 document describing this API."""
    return jsonify(document())


@bp.get("/session", endpoint="session")
@login_required
def session_info() -> Response:
    """Who is logged in, and a CSRF token for the state-changing requests that follow."""
    return jsonify(
        {
            "user": {
                # The outbox on the phone sends only the answers saved under this id.
                "id": current_user.id,
                "display_name": current_user.display_name,
                "role": current_user.role,
                "locale": str(get_locale()),
            },
            "csrf_token": generate_csrf(),
        }
    )


@bp.get("/checkins/due", endpoint="due_checkins")
@carer_required
def due() -> Response:
    """The carer's scheduled instruments, what is due now first."""
    items = due_checkins(get_session(), g.carer, utcnow())
    return jsonify({"items": serialize.due_items(items)})


@bp.get("/instruments/<instrument_id>", endpoint="instrument")
@carer_required
def instrument(instrument_id: str) -> Response:
    """An instrument the carer is scheduled to answer, in their language."""
    db = get_session()
    carer: Carer = g.carer
    # Only what this carer is asked: the API must not reveal which instruments a team uses.
    asked = answerable(db, carer_id=carer.id or 0, instrument_id=instrument_id)
    return jsonify(
        serialize.instrument(
            asked.definition,
            locale=str(get_locale()),
            schedule=asked.schedule,
            infants=infants_of(db, carer.family_id),
        )
    )


@bp.post("/checkins", endpoint="submit_checkin")
@carer_required
@limiter.limit(checkin_limit, key_func=user_key)
def submit() -> tuple[Response, int]:
    """Store a check-in; a retry with the same Idempotency-Key answers as the first one did."""
    key = payloads.idempotency_key(request)
    body = payloads.checkin_request(request)
    db = get_session()
    team = team_of(db, g.carer)
    # Read before the commit, in the same transaction: a read after it would take the
    # connection from the pool again (a ping, the read, and a rollback at the end).
    hours = of_team(team)
    try:
        result = services.submit_checkin(
            session=db,
            carer=g.carer,
            instrument_id=body.instrument_id,
            answers=body.answers,
            infant_id=body.infant_id,
            locale=str(get_locale()),
            idempotency_key=key,
            instrument_version=body.instrument_version,
        )
    except NotFoundError as error:
        # Audited like any refused access, but told plainly: a phone shows this to the carer.
        record_denied(reason="not-found")
        raise ApiError(
            404,
            "not_found",
            _("You have not been asked to answer this questionnaire. Nothing was saved."),
        ) from error
    except UnknownVersion as error:
        raise ApiError(422, "unknown_version", error.message) from error
    except services.AnswerError as error:
        raise ApiError(422, "invalid_answers", error.message, errors=error.errors) from error
    except services.IdempotencyMismatch as error:
        raise ApiError(422, "idempotency_mismatch", error.message) from error
    return jsonify(_checkin_body(result, team, hours)), 201 if result.created else 200


def _checkin_body(result: services.SubmitResult, team: Team, hours: WorkingHours) -> dict[str, Any]:
    checkin = result.checkin
    body = serialize.checkin(
        checkin,
        schedule=result.schedule,
        urgent=result.urgent,
        hours=hours,
        contacts=contacts_for_carers(get_session(), team.id or 0) if result.urgent else (),
    )
    # The page a phone opens once a queued check-in is sent: the safety screen when urgent.
    body["done_url"] = url_for("checkins.done", checkin_id=checkin.id)
    return body
