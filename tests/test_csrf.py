"""CSRF: with protection on, every POST route refuses a form without its token and changes
nothing; the same form with the token from the page goes through.

The POST routes come from the app's url_map, so a new one fails here until it has a case.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from parentapp.config import Settings
from parentapp.db import utcnow
from tests.conftest import csrf_token
from tests.factories import PASSWORD, Factory
from tests.reminders.subscriptions import ENDPOINT, SUBSCRIPTION
from tests.sharing.world_share import CODE as SHARE_CODE
from tests.signin.conftest import SECRET, code_now
from tests.test_access_matrix import MATRIX, RESET_TOKEN
from tests.world import World, build_url, build_world, client_for, route_methods, snapshot


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_(csrf_enabled=True)


@pytest.fixture
def world(make: Factory) -> World:
    return build_world(make)


@dataclass(frozen=True)
class Case:
    actor: str  # who may legitimately send this form (see tests.world)
    page: str  # the endpoint whose page carries the form, and so the token
    form: Callable[[World], dict[str, Any]]  # a submission that succeeds with its token
    changes_db: bool = True  # joining by code only remembers the invitation in the session
    prepare: Callable[[FlaskClient, World], object] | None = None
    # A JSON API route: ``form`` is the JSON body, the token comes from the page's JSON
    # (GET /api/v1/session) and goes in the X-CSRFToken header, and refusals are JSON.
    api: bool = False
    # The answer a request with its token gets where the form cannot fully succeed here: a
    # passkey needs a real authenticator (tests/browser/test_sign_in.py has one), so its
    # made-up credential is refused by the service (400) after the CSRF check let it through.
    accepted: int | None = None


def _post(
    client: FlaskClient, url: str, case: Case, world: World, token: str | None = None
) -> TestResponse:
    if case.api:
        headers = {"Idempotency-Key": "csrf-case", **({"X-CSRFToken": token} if token else {})}
        return client.post(url, json=case.form(world), headers=headers)
    return client.post(url, data={**case.form(world), **({"csrf_token": token} if token else {})})


def _referral_at(client: FlaskClient, world: World, state: str) -> object:
    """The world's referral moved along to ``state``, for the next step's form."""
    from sqlmodel import Session

    from parentapp.referrals.models import Referral

    with Session(client.application.extensions["parentapp.engine"]) as session:
        referral = session.get(Referral, world.referral.id)
        assert referral is not None
        referral.state = state
        session.add(referral)
        session.commit()
    return referral


def _open_invitation(client: FlaskClient, world: World) -> object:
    return client.get(f"/join/{world.invitation_code}")


def _add_subscription(client: FlaskClient, world: World) -> object:
    """This phone's subscription, already stored, for the removal to remove."""
    from sqlmodel import Session

    from parentapp.reminders.models import PushSubscription

    engine = client.application.extensions["parentapp.engine"]
    with Session(engine) as session:
        keys = SUBSCRIPTION["keys"]
        user_id = world.users["owning_carer"].id or 0
        session.add(
            PushSubscription(
                user_id=user_id, endpoint=ENDPOINT, p256dh=keys["p256dh"], auth=keys["auth"]
            )
        )
        session.commit()
    return None


_CLOSURE_ENGINE: list[Any] = []


def _add_closure(client: FlaskClient, world: World) -> object:
    """A coming closure day of team A, for the removal to remove."""
    from sqlmodel import Session

    from parentapp.teams.models import TeamClosure

    engine = client.application.extensions["parentapp.engine"]
    _CLOSURE_ENGINE[:] = [engine]
    with Session(engine) as session:
        session.add(
            TeamClosure(
                team_id=world.team_a.id or 0,
                day=(utcnow() + timedelta(days=30)).date(),
                reason="Training day",
                created_by_id=world.users["lead"].id or 0,
            )
        )
        session.commit()
    return None


def _closure_id(_world: World) -> dict[str, Any]:
    from sqlmodel import Session, select

    from parentapp.teams.models import TeamClosure

    with Session(_CLOSURE_ENGINE[0]) as session:
        return {"closure_id": str(session.exec(select(TeamClosure.id)).one())}


def _closure_step(*fields: str) -> Callable[[FlaskClient, World], object]:
    """The owning carer's closure already at a step: asked for, or closed and restricted."""

    def prepare(client: FlaskClient, world: World) -> object:
        from sqlmodel import Session, select

        from parentapp.families.models import Carer

        engine = client.application.extensions["parentapp.engine"]
        with Session(engine) as session:
            carer = session.exec(select(Carer).where(Carer.id == world.schedule.carer_id)).one()
            for field in fields:
                setattr(carer, field, utcnow())
            session.add(carer)
            session.commit()
        return None

    return prepare


_ask_for_closure = _closure_step("closure_requested_at")


def _with_factor(actor: str, *, cleared: bool) -> Callable[[FlaskClient, World], object]:
    """``actor`` has an authenticator app (tests.signin's secret); with ``cleared`` their
    session has passed it, else it is at the second-factor step."""

    def prepare(client: FlaskClient, world: World) -> object:
        from sqlmodel import Session, select

        from parentapp.accounts.models import LoginSession
        from parentapp.signin.models import TotpFactor

        user = world.users[actor]
        engine = client.application.extensions["parentapp.engine"]
        with Session(engine) as session:
            session.add(TotpFactor(user_id=user.id or 0, secret=SECRET))
            for row in session.exec(select(LoginSession).where(LoginSession.user_id == user.id)):
                row.cleared_at = utcnow() if cleared else None
                session.add(row)
            session.commit()
        return None

    return prepare


def _passkey_challenge(options: str) -> Callable[[FlaskClient, World], object]:
    """A challenge in the session, as the options route leaves one."""

    def prepare(client: FlaskClient, _world: World) -> object:
        with client.session_transaction() as state:
            key = (
                "webauthn_register_challenge"
                if "register" in options
                else "webauthn_sign_in_challenge"
            )
            state[key] = b"challenge-0123456789abcdef012345"
        return None

    return prepare


def _passkey_of(actor: str) -> Callable[[FlaskClient, World], object]:
    """``actor`` has an authenticator app and a passkey, and has passed the second factor."""

    def prepare(client: FlaskClient, world: World) -> object:
        from sqlmodel import Session

        from parentapp.signin.models import Passkey

        _with_factor(actor, cleared=True)(client, world)
        engine = client.application.extensions["parentapp.engine"]
        with Session(engine) as session:
            session.add(
                Passkey(
                    user_id=world.users[actor].id or 0,
                    credential_id=b"passkey-for-the-csrf-case",
                    public_key=b"not-used",
                    name="Passkey 1",
                )
            )
            session.commit()
        return None

    return prepare


def _pending_secret(client: FlaskClient, _world: World) -> object:
    with client.session_transaction() as state:
        state["pending_totp_secret"] = SECRET
    return None


def _live_reset_link(client: FlaskClient, world: World) -> object:
    from sqlmodel import Session

    from parentapp.signin.models import PasswordReset
    from parentapp.signin.reset import LIFETIME, _hash

    engine = client.application.extensions["parentapp.engine"]
    with Session(engine) as session:
        now = utcnow()
        session.add(
            PasswordReset(
                user_id=world.users["owning_carer"].id or 0,
                token_hash=_hash(RESET_TOKEN),
                created_at=now,
                expires_at=now + LIFETIME,
            )
        )
        session.commit()
    return None


def _recent_birth() -> str:
    return (utcnow().date() - timedelta(days=10)).isoformat()


# The weekly check-in's required questions, answered "not at all" (form fields are item_<linkId>).
WEEKLY_SCORED_ITEMS = (
    "mood", "worry", "sleep", "coping", "support", "closeness", "self_harm", "harm_to_baby",
)  # fmt: skip

CASES: dict[str, Case] = {
    "accounts.login": Case(
        "anonymous",
        "accounts.login",
        lambda w: {"email": w.users["lead"].email, "password": PASSWORD},
    ),
    "accounts.logout": Case("assigned_clinician", "triage.caseload", lambda _w: {}),
    # Logged in, the choice is kept on the account (anonymous, only in the session).
    "accounts.choose_language": Case(
        "assigned_clinician", "triage.caseload", lambda _w: {"language": "pl", "next": "/clinic"}
    ),
    "accounts.account": Case(
        "assigned_clinician",
        "accounts.account",
        lambda _w: {"language": "es", "time_zone": "Europe/Madrid"},
    ),
    "families.join": Case(
        "anonymous", "families.join", lambda w: {"code": w.invitation_code}, changes_db=False
    ),
    "families.join_about": Case(
        "anonymous",
        "families.join_about",
        lambda _w: {
            "display_name": "Sam",
            "carer_role": "co_parent",
            "email": "sam@example.org",
            "password": "a long pass phrase",
            "confirm": "a long pass phrase",
        },
        prepare=_open_invitation,
    ),
    "families.consent": Case("unconsented_carer", "families.consent", lambda _w: {"agree": "y"}),
    "clinician.new_family": Case(
        "assigned_clinician",
        "clinician.new_family",
        lambda w: {
            "label": "Family Three",
            "assigned_clinician_id": w.users["assigned_clinician"].id,
            "infant_name": "Bo",
            "date_of_birth": _recent_birth(),
        },
    ),
    "clinician.add_infant": Case(
        "assigned_clinician",
        "clinician.family",
        lambda _w: {"name": "Twin", "date_of_birth": _recent_birth()},
    ),
    "closure.close_account": Case(
        "owning_carer", "closure.close_account", lambda _w: {"understood": "y"}
    ),
    "closure.withdraw": Case(
        "owning_carer", "closure.close_account", lambda _w: {}, prepare=_ask_for_closure
    ),
    "closure.confirm": Case(
        "assigned_clinician",
        "clinician.family",
        lambda _w: {"flags_reviewed": "y"},
        prepare=_ask_for_closure,
    ),
    # Reading the world's restricted record writes its audit row, with the reason.
    "closure.record": Case(
        "lead",
        "closure.records",
        lambda _w: {"reason": "A court order asks for the record"},
    ),
    "closure.end": Case(
        "lead",
        "closure.records",
        lambda _w: {"end_reason": "A court order says it must end"},
    ),
    "signin.verify": Case(
        "colleague",
        "signin.verify",
        lambda _w: {"code": code_now()},
        prepare=_with_factor("colleague", cleared=False),
    ),
    "signin.setup": Case(
        "colleague", "signin.setup", lambda _w: {"code": code_now()}, prepare=_pending_secret
    ),
    "signin.renew_recovery_codes": Case(
        "colleague", "signin.manage", lambda _w: {}, prepare=_with_factor("colleague", cleared=True)
    ),
    "signin.turn_off": Case(
        "owning_carer",
        "signin.manage",
        lambda _w: {},
        prepare=_with_factor("owning_carer", cleared=True),
    ),
    "signin.reset_factor": Case(
        "lead",
        "signin.staff_factors",
        lambda _w: {},
        prepare=_with_factor("colleague", cleared=True),
    ),
    # WebAuthn options: the challenge is kept in the session, nothing in the database.
    "passkeys.register_options": Case(
        "colleague", "api.session", lambda _w: {}, api=True, accepted=200
    ),
    "passkeys.sign_in_options": Case(
        "anonymous", "accounts.login", lambda _w: {}, api=True, accepted=200
    ),
    # A made-up credential reaches the service, which refuses it and audits the refusal.
    "passkeys.register": Case(
        "colleague",
        "api.session",
        lambda _w: {"credential": {"id": "made-up"}},
        api=True,
        accepted=400,
        prepare=_passkey_challenge("passkeys.register_options"),
    ),
    "passkeys.sign_in": Case(
        "anonymous",
        "accounts.login",
        lambda _w: {"credential": {"id": "made-up"}},
        api=True,
        accepted=400,
        prepare=_passkey_challenge("passkeys.sign_in_options"),
    ),
    "signin.passkey_remove": Case(
        "colleague", "signin.manage", lambda _w: {}, prepare=_passkey_of("colleague")
    ),
    "signin.forgot": Case("anonymous", "signin.forgot", lambda w: {"email": w.users["lead"].email}),
    "signin.reset_password": Case(
        "anonymous",
        "signin.reset_password",
        lambda _w: {"password": "a brand new passphrase", "confirm": "a brand new passphrase"},
        prepare=_live_reset_link,
    ),
    "clinician.carer_nhs_number": Case(
        "assigned_clinician",
        "clinician.family",
        lambda w: {f"carer-{w.schedule.carer_id}-nhs_number": "9434765919"},
    ),
    "clinician.infant_nhs_number": Case(
        "assigned_clinician",
        "clinician.family",
        lambda w: {f"infant-{w.infant.id}-nhs_number": "9434765919"},
    ),
    "clinician.reassign": Case(
        "assigned_clinician",
        "clinician.family",
        lambda w: {"assigned_clinician_id": w.users["colleague"].id},
    ),
    "clinician.invite": Case(
        "assigned_clinician", "clinician.family", lambda _w: {"invitee_note": "Grandma"}
    ),
    "clinician.revoke_invitation": Case("assigned_clinician", "clinician.family", lambda _w: {}),
    "admin.create_team": Case(
        "admin", "admin.admin_home", lambda _w: {"name": "Team C", "time_zone": "Europe/Paris"}
    ),
    "admin.create_staff": Case(
        "admin",
        "admin.admin_home",
        lambda w: {
            "email": "newstaff@example.org",
            "display_name": "New Staff",
            "role": "clinician",
            "team_id": w.team_a.id,
            "password": "a long pass phrase",
        },
    ),
    "admin.set_active": Case("admin", "admin.admin_home", lambda _w: {"active": "0"}),
    "teams.settings": Case(
        "lead",
        "teams.settings",
        lambda w: {
            "invite_expiry_days": "7",
            "time_zone": "UTC",
            "working_days": ["1", "2", "3"],
            "working_start": "08:30",
            "working_end": "16:30",
            "missed_checkins_threshold": "3",
            "urgent_response_hours": "3",
            "concern_response_days": "1",
            "duty_clinician_id": str(w.users["colleague"].id),
        },
    ),
    "teams.add_contact": Case(
        "lead", "teams.settings", lambda _w: {"name": "Crisis team", "phone": "0800 111 222"}
    ),
    "teams.edit_contact": Case(
        "lead",
        "teams.settings",
        lambda w: {
            f"contact-{w.crisis_contact.id}-name": "Crisis team",
            f"contact-{w.crisis_contact.id}-phone": "0800 111 222",
        },
    ),
    "teams.remove_contact": Case("lead", "teams.settings", lambda _w: {}),
    "teams.move_contact": Case("lead", "teams.settings", lambda _w: {"direction": "down"}),
    "teams.add_closure": Case(
        "lead",
        "teams.settings",
        lambda _w: {
            "day": (utcnow() + timedelta(days=20)).date().isoformat(),
            "reason": "Training day",
        },
    ),
    "teams.remove_closure": Case("lead", "teams.settings", _closure_id, prepare=_add_closure),
    # A download changes nothing but the audit log, which records it.
    "exports.download": Case("owning_carer", "exports.my_data", lambda _w: {}),
    "exports.team_fhir_download": Case("lead", "exports.team_exports", lambda _w: {}),
    "exports.team_csv_download": Case("lead", "exports.team_exports", lambda _w: {}),
    "exports.family_fhir_download": Case("assigned_clinician", "clinician.family", lambda _w: {}),
    "checkins.take": Case(
        "owning_carer",
        "checkins.take",
        lambda _w: {f"item_{link_id}": "0" for link_id in WEEKLY_SCORED_ITEMS},
    ),
    "clinician.add_schedule": Case(
        "assigned_clinician",
        "clinician.family",
        lambda w: {
            f"schedule-{w.schedule.carer_id}-instrument_id": "phq9",
            f"schedule-{w.schedule.carer_id}-interval_days": "14",
        },
    ),
    "clinician.stop_schedule": Case("assigned_clinician", "clinician.family", lambda _w: {}),
    "clinician.acknowledge": Case(
        "assigned_clinician", "clinician.flag", lambda _w: {"note": "On it"}
    ),
    "clinician.close": Case(
        "assigned_clinician", "clinician.flag", lambda _w: {"outcome": "no_action"}
    ),
    "api.submit_checkin": Case(
        "owning_carer",
        "api.session",
        lambda _w: {
            "instrument_id": "weekly",
            "answers": dict.fromkeys(WEEKLY_SCORED_ITEMS, "0"),
        },
        api=True,
    ),
    # Nothing unread in the world: the redirect shows the form was accepted.
    "notifications.mark_read": Case(
        "assigned_clinician", "notifications.index", lambda _w: {}, changes_db=False
    ),
    "referrals.new": Case(
        "referrer",
        "referrals.new",
        lambda w: {
            "team_id": str(w.team_a.id),
            "carer_name": "Sol Parent",
            "carer_email": "sol@example.org",
            "language": "en",
            "infant_name": "Kit",
            "date_of_birth": (utcnow().date() - timedelta(days=30)).isoformat(),
            "reasons": "anxiety",
            "reason_text": "Worried all the time since the birth.",
            "urgency": "routine",
            "consent": "y",
        },
    ),
    "referrals.referrers": Case(
        "lead",
        "referrals.referrers",
        lambda _w: {
            "email": "new.referrer@example.org",
            "display_name": "Nat Midwife",
            "profession": "midwife",
        },
    ),
    "referrals.acknowledge": Case("assigned_clinician", "referrals.referral", lambda _w: {}),
    "referrals.accept": Case(
        "assigned_clinician",
        "referrals.referral",
        lambda w: {"assigned_clinician_id": str(w.users["assigned_clinician"].id)},
        accepted=200,  # the invitation page, shown once
    ),
    "referrals.decline": Case(
        "assigned_clinician",
        "referrals.referral",
        lambda _w: {"reason": "area", "signposted_to": "The Hillside team"},
    ),
    "referrals.offer": Case(
        "assigned_clinician",
        "referrals.referral",
        lambda _w: {
            "appointment_date": (utcnow().date() + timedelta(days=7)).isoformat(),
            "appointment_time": "10:30",
        },
        prepare=lambda _c, w: _referral_at(_c, w, "accepted"),
    ),
    "referrals.made": Case(
        "assigned_clinician",
        "referrals.referral",
        lambda _w: {},
        prepare=lambda _c, w: _referral_at(_c, w, "contact_offered"),
    ),
    "referrals.close": Case(
        "assigned_clinician",
        "referrals.referral",
        lambda _w: {},
        prepare=lambda _c, w: _referral_at(_c, w, "contact_made"),
    ),
    "leave.create": Case(
        "assigned_clinician",
        "leave.index",
        lambda w: {
            "starts_on": (utcnow().date() + timedelta(days=60)).isoformat(),
            "ends_on": (utcnow().date() + timedelta(days=61)).isoformat(),
            "cover_id": str(w.users["colleague"].id),
        },
    ),
    "leave.cancel": Case("assigned_clinician", "leave.index", lambda _w: {}),
    "sharing.create": Case(
        "owning_carer",
        "sharing.index",
        lambda _w: {
            "recipient_name": "Hana Visitor",
            "recipient_email": "hv@example.org",
            "recipient_role": "health_visitor",
            "locale": "en",
            "days": "7",
            "instruments": "weekly",
        },
    ),
    "sharing.revoke": Case("owning_carer", "sharing.index", lambda _w: {}),
    "sharing.family_create": Case(
        "assigned_clinician",
        "sharing.family_shares",
        lambda w: {
            f"carer-{w.checkin.carer_id}-{name}": value
            for name, value in {
                "recipient_name": "Hana Visitor",
                "recipient_email": "hv@example.org",
                "recipient_role": "gp",
                "locale": "en",
                "days": "7",
                "instruments": "weekly",
                "agreed": "y",
                "agreed_how": "phone",
            }.items()
        },
    ),
    "sharing.family_revoke": Case("assigned_clinician", "sharing.family_shares", lambda _w: {}),
    # The right code opens the share: the opening is logged.
    "sharing.open_share": Case("anonymous", "sharing.open_share", lambda _w: {"code": SHARE_CODE}),
    "reminders.settings": Case(
        "owning_carer", "reminders.settings", lambda _w: {"enabled": "y", "quiet": "none"}
    ),
    "reminder_subscriptions.subscribe": Case(
        "owning_carer", "api.session", lambda _w: SUBSCRIPTION, api=True
    ),
    "reminder_subscriptions.unsubscribe": Case(
        "owning_carer",
        "api.session",
        lambda _w: {"endpoint": ENDPOINT},
        api=True,
        prepare=_add_subscription,
    ),
    "coparents.ask": Case(
        "owning_carer",
        "coparents.ask",
        lambda _w: {"name": "Sam", "carer_role": "co_parent", "email": "sam@example.org"},
    ),
    "coparents.withdraw": Case("owning_carer", "checkins.home", lambda _w: {}),
    "clinician.approve_coparent": Case("assigned_clinician", "clinician.family", lambda _w: {}),
    "clinician.decline_coparent": Case(
        "assigned_clinician",
        "clinician.family",
        lambda w: {f"decline-{w.coparent_request.id}-reason": "Not the right time"},
    ),
    "clinician.reply": Case(
        "assigned_clinician",
        "clinician.checkin",
        lambda _w: {"template_id": "0", "text": "Thank you for telling us."},
    ),
    "replies.templates": Case("lead", "replies.templates", lambda _w: {"text": "Thank you."}),
    "replies.edit_template": Case(
        "lead", "replies.edit_template", lambda _w: {"text": "Thank you for telling us."}
    ),
    "replies.delete_template": Case("lead", "replies.templates", lambda _w: {}),
}

POST_ROUTES = sorted(endpoint for endpoint, methods in route_methods().items() if "POST" in methods)


def test_post_routes_found() -> None:
    """Guards the generated list itself: a broken url_map reading would test nothing."""
    assert {"accounts.login", "clinician.invite", "admin.create_staff"} <= set(POST_ROUTES)
    assert set(CASES) <= set(POST_ROUTES), "CASES for routes that no longer take POST"


def _arrange(app: Flask, world: World, endpoint: str) -> tuple[Case, FlaskClient, str]:
    assert endpoint in CASES, f"POST route {endpoint} has no CSRF case: add one to CASES"
    case = CASES[endpoint]
    client = client_for(app, world, case.actor)
    if case.prepare:
        case.prepare(client, world)
    url = build_url(app, endpoint, MATRIX[endpoint].args, world)
    return case, client, url


@pytest.mark.parametrize("endpoint", POST_ROUTES)
def test_post_without_token_is_refused(app: Flask, world: World, endpoint: str) -> None:
    case, client, url = _arrange(app, world, endpoint)
    engine = app.extensions["parentapp.engine"]
    before = snapshot(engine)

    response = _post(client, url, case, world)

    assert response.status_code == 400, response.get_data(as_text=True)[:500]
    if case.api:
        assert response.get_json()["error"] == "csrf_failed"
    else:
        assert "This form has expired" in response.get_data(as_text=True)
    assert snapshot(engine) == before


@pytest.mark.parametrize("endpoint", POST_ROUTES)
def test_post_with_token_from_page_is_accepted(app: Flask, world: World, endpoint: str) -> None:
    """The counterpart of the refusal: the same form, with its token, does its work."""
    case, client, url = _arrange(app, world, endpoint)
    page_url = build_url(app, case.page, MATRIX[case.page].args, world)
    page = client.get(page_url)
    assert page.status_code == 200, page_url
    from_json = case.api and page.is_json  # a page's token, for a script on a page
    token = page.get_json()["csrf_token"] if from_json else csrf_token(page.get_data(as_text=True))
    assert token, f"no csrf_token on {page_url}"
    engine = app.extensions["parentapp.engine"]
    before = snapshot(engine)

    response = _post(client, url, case, world, token)

    allowed = {case.accepted} if case.accepted else {200, 201, 302}
    assert response.status_code in allowed, response.get_data(as_text=True)[:2000]
    if case.api and response.status_code == 400:
        assert response.get_json()["error"] != "csrf_failed"
    if case.accepted == 200:
        pass  # an answer that changes nothing (WebAuthn options): the status says it all
    elif case.changes_db:
        assert snapshot(engine) != before
    else:
        assert response.status_code == 302


def test_token_of_another_session_is_refused(app: Flask, world: World) -> None:
    mine = client_for(app, world, "assigned_clinician")
    theirs = client_for(app, world, "colleague")
    token = csrf_token(theirs.get("/clinic").get_data(as_text=True))
    engine = app.extensions["parentapp.engine"]
    before = snapshot(engine)

    response = mine.post(
        f"/families/{world.family1.id}/invitations", data={"csrf_token": token, "invitee_note": "x"}
    )

    assert token and response.status_code == 400
    assert snapshot(engine) == before
