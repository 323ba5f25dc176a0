"""Who may open which page: every route of the app against every kind of user.

Each MATRIX entry gives a route's methods, how to build its URL from the world, and one
expected outcome per actor (columns in the order of ``tests.world.ACTORS``):

* ``ok``: allowed. Any answer but 401, 403, 404, a server error or a redirect to log in;
  an empty POST may well answer 400 (the form is invalid) or 302.
* ``login``: Flask-Login sends the visitor to ``/login?next=...``; under ``/api/`` the answer is
  a JSON 401 ``{"error": "unauthorized"}`` instead, since a redirect means nothing to a script.
* ``403``: refused for the role (and audited).
* ``404``: refused as if the object did not exist (another team's family), and audited.

A route that has no entry here fails ``test_matrix_covers_every_route``.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from sqlmodel import Session, select
from werkzeug.test import TestResponse

from parentapp.audit.models import AuditEvent
from tests.factories import Factory
from tests.sharing.world_share import family_share_args, share_args, token_args
from tests.world import (
    ACTORS,
    UrlArgs,
    World,
    build_url,
    build_world,
    client_for,
    route_methods,
    snapshot,
)

OUTCOMES = frozenset({"ok", "login", "403", "404"})
# The token of the password-reset link that tests/test_csrf.py makes live for its case.
RESET_TOKEN = "csrf-case-reset-token-0123456789abcdef"


def row(outcomes: str) -> dict[str, str]:
    values = outcomes.split()
    assert set(values) <= OUTCOMES, values
    return dict(zip(ACTORS, values, strict=True))


# fmt: off
#               anonymous own   co    other carer  assigned colleague other-team lead admin referrer
OPEN     = row("ok        ok    ok    ok           ok       ok        ok         ok   ok  ok")
CARER    = row("login     ok    ok    ok           403      403       403        403  403  403")
CLINICAL = row("login     403   403   403          ok       ok        ok         ok   403  403")
FAMILY_1 = row("login     403   403   403          ok       ok        404        ok   403  403")
ADMIN    = row("login     403   403   403          403      403       403        403  ok  403")
LEAD     = row("login     403   403   403          403      403       403        ok   403  403")
OWN      = row("login     ok    404   404          403      403       403        403  403  403")
USER     = row("login     ok    ok    ok           ok       ok        ok         ok   ok  ok")
# The assigned clinician's own leave: they and the lead may end it; to anyone else it is not there.
# Closing an account: the family's assigned clinician and the lead; a colleague may not.
CLOSE_1  = row("login     403   403   403          ok       403       404        ok   403  403")
STAFF_LEADS = row("login  403   403   403          403      403       403        ok   ok  403")
# A deployment without single sign-on: its routes are not there for anyone.
NOT_HERE = row("404      404   404   404          404      404       404        404  404  404")
LEAVE_1  = row("login     403   403   403          ok       404       404        ok   403  403")
# A referrer's own pages (another referrer's referral is a 404: tests/referrals/test_views.py).
REFERRER = row("login     403   403   403          403      403       403        403  403  ok")
# A referral to team A: its clinical staff; team B's clinician is told it is not there.
TEAM_REFERRAL = row("login  403   403   403          ok       ok        404        ok   403  403")
# Deciding a co-parent request of family 1: its clinician (or their cover) and the lead.
DECIDE_1 = CLOSE_1
# fmt: on


@dataclass(frozen=True)
class Entry:
    methods: tuple[str, ...]
    expect: dict[str, str]
    args: UrlArgs = lambda _world: {}  # URL parameters for url_for


def family_1(world: World) -> dict[str, object]:
    return {"family_id": world.family1.id}


def _request_1(world: World) -> dict[str, object]:
    return {"family_id": world.family1.id, "request_id": world.coparent_request.id}


GET, POST, BOTH = ("GET",), ("POST",), ("GET", "POST")


def referral_1(world: World) -> dict[str, object]:
    return {"referral_id": world.referral.id}


MATRIX: dict[str, Entry] = {
    "ops.healthz": Entry(GET, OPEN),
    # The installable app: the browser fetches these before anyone logs in (and offline).
    "pwa.manifest": Entry(GET, OPEN),
    "pwa.service_worker": Entry(GET, OPEN),
    "pwa.offline": Entry(GET, OPEN),
    "accounts.index": Entry(GET, OPEN),  # sends the anonymous to /login, without ?next
    "accounts.login": Entry(BOTH, OPEN),
    "accounts.logout": Entry(POST, OPEN),
    "accounts.choose_language": Entry(POST, OPEN),  # the session's language, or the account's
    "accounts.account": Entry(BOTH, USER),
    # Second factors: one's own (everyone signed in), a colleague's reset (leads, admins).
    "signin.verify": Entry(BOTH, USER),
    "signin.setup": Entry(BOTH, USER),
    "signin.recovery_codes": Entry(GET, USER),
    "signin.manage": Entry(GET, USER),
    "signin.renew_recovery_codes": Entry(POST, USER),
    "signin.turn_off": Entry(POST, USER),
    "passkeys.register_options": Entry(POST, USER),
    "passkeys.register": Entry(POST, USER),  # an empty body: 400
    "passkeys.sign_in_options": Entry(POST, OPEN),
    "passkeys.sign_in": Entry(POST, OPEN),  # no challenge asked for: 400
    # Nobody in the world has a passkey: "not one of yours", back to the page.
    "signin.passkey_remove": Entry(POST, USER, lambda _w: {"passkey_id": 1}),
    "signin.staff_factors": Entry(GET, STAFF_LEADS),
    "signin.reset_factor": Entry(POST, STAFF_LEADS, lambda w: {"user_id": w.users["colleague"].id}),
    # Password reset: anyone; a link that is not live is refused with a 400.
    "signin.sso_start": Entry(GET, NOT_HERE),
    "signin.sso_callback": Entry(GET, NOT_HERE),
    "signin.forgot": Entry(BOTH, OPEN),
    "signin.reset_password": Entry(BOTH, OPEN, lambda _w: {"token": RESET_TOKEN}),
    "families.join": Entry(BOTH, OPEN),
    "families.join_link": Entry(GET, OPEN, lambda w: {"code": w.invitation_code}),
    "families.join_about": Entry(BOTH, OPEN),  # back to /join without an invitation
    "families.consent": Entry(BOTH, CARER),
    "checkins.home": Entry(GET, CARER),
    "triage.caseload": Entry(GET, CLINICAL),
    "clinician.new_family": Entry(BOTH, CLINICAL),
    "clinician.family": Entry(GET, FAMILY_1, family_1),
    "clinician.add_infant": Entry(POST, FAMILY_1, family_1),
    "clinician.reassign": Entry(POST, FAMILY_1, family_1),
    "closure.close_account": Entry(BOTH, CARER),
    "closure.withdraw": Entry(POST, CARER),
    "closure.confirm": Entry(
        BOTH, CLOSE_1, lambda w: {"family_id": w.family1.id, "carer_id": w.schedule.carer_id}
    ),
    "closure.records": Entry(GET, LEAD),
    "closure.record": Entry(BOTH, LEAD, lambda w: {"carer_id": w.restricted.id}),
    "closure.end": Entry(POST, LEAD, lambda w: {"carer_id": w.restricted.id}),
    "clinician.carer_nhs_number": Entry(
        POST, FAMILY_1, lambda w: {"family_id": w.family1.id, "carer_id": w.schedule.carer_id}
    ),
    "clinician.infant_nhs_number": Entry(
        POST, FAMILY_1, lambda w: {"family_id": w.family1.id, "infant_id": w.infant.id}
    ),
    "clinician.invite": Entry(POST, FAMILY_1, family_1),
    "clinician.revoke_invitation": Entry(
        POST, FAMILY_1, lambda w: {"family_id": w.family1.id, "invitation_id": w.invitation.id}
    ),
    "admin.admin_home": Entry(GET, ADMIN),
    "admin.create_team": Entry(POST, ADMIN),
    "admin.create_staff": Entry(POST, ADMIN),
    "admin.set_active": Entry(
        POST, ADMIN, lambda w: {"user_id": w.users["other_team_clinician"].id}
    ),
    "teams.settings": Entry(BOTH, LEAD),
    "teams.add_contact": Entry(POST, LEAD),
    "teams.edit_contact": Entry(POST, LEAD, lambda w: {"contact_id": w.crisis_contact.id}),
    "teams.remove_contact": Entry(POST, LEAD, lambda w: {"contact_id": w.crisis_contact.id}),
    "teams.move_contact": Entry(POST, LEAD, lambda w: {"contact_id": w.crisis_contact.id}),
    "teams.add_closure": Entry(POST, LEAD),
    "teams.remove_closure": Entry(POST, LEAD),
    # A carer reaches only what was scheduled for them and their own check-ins.
    "checkins.take": Entry(BOTH, OWN, lambda _w: {"instrument_id": "weekly"}),
    "checkins.done": Entry(GET, OWN, lambda w: {"checkin_id": w.checkin.id}),
    "checkins.history": Entry(GET, CARER),
    "checkins.summary": Entry(GET, CARER),
    "exports.my_data": Entry(GET, CARER),
    "exports.download": Entry(POST, CARER),
    "exports.team_exports": Entry(GET, LEAD),
    "exports.team_fhir_download": Entry(POST, LEAD),
    "exports.team_csv_download": Entry(POST, LEAD),
    # A family's export is open to whoever may open the family's page.
    "exports.family_fhir_download": Entry(POST, FAMILY_1, family_1),
    # The team's outcome figures: clinicians and leads, each of their own team (another
    # team's clinician sees their own team's figures: tests/outcomes/test_pages.py).
    "outcomes.report": Entry(GET, CLINICAL),
    "outcomes.table_csv": Entry(GET, CLINICAL, lambda _w: {"table": "engagement"}),
    "clinician.add_schedule": Entry(
        POST, FAMILY_1, lambda w: {"family_id": w.family1.id, "carer_id": w.schedule.carer_id}
    ),
    "clinician.stop_schedule": Entry(
        POST, FAMILY_1, lambda w: {"family_id": w.family1.id, "schedule_id": w.schedule.id}
    ),
    "clinician.flags": Entry(GET, CLINICAL),
    "clinician.flag": Entry(GET, FAMILY_1, lambda w: {"flag_id": w.flag.id}),
    "clinician.acknowledge": Entry(POST, FAMILY_1, lambda w: {"flag_id": w.flag.id}),
    "clinician.close": Entry(POST, FAMILY_1, lambda w: {"flag_id": w.flag.id}),
    "clinician.summary": Entry(GET, FAMILY_1, family_1),
    "audit.log": Entry(GET, ADMIN),
    "api.openapi": Entry(GET, OPEN),
    "api.session": Entry(GET, USER),
    "api.due_checkins": Entry(GET, CARER),
    "api.instrument": Entry(GET, OWN, lambda _w: {"instrument_id": "weekly"}),
    # An empty POST from a carer is a 400 (no Idempotency-Key): past the access check.
    "api.submit_checkin": Entry(POST, CARER),
    "notifications.index": Entry(GET, CLINICAL),
    "notifications.mark_read": Entry(POST, CLINICAL),
    "referrals.mine": Entry(GET, REFERRER),
    "referrals.new": Entry(BOTH, REFERRER),
    "referrals.status": Entry(GET, REFERRER, lambda w: {"referral_id": w.referral.id}),
    "referrals.referrers": Entry(BOTH, LEAD),
    "referrals.queue": Entry(GET, CLINICAL),
    "referrals.referral": Entry(GET, TEAM_REFERRAL, referral_1),
    "referrals.acknowledge": Entry(POST, TEAM_REFERRAL, referral_1),
    "referrals.accept": Entry(POST, TEAM_REFERRAL, referral_1),
    "referrals.decline": Entry(POST, TEAM_REFERRAL, referral_1),
    "referrals.offer": Entry(POST, TEAM_REFERRAL, referral_1),
    "referrals.made": Entry(POST, TEAM_REFERRAL, referral_1),
    "referrals.close": Entry(POST, TEAM_REFERRAL, referral_1),
    "leave.index": Entry(GET, CLINICAL),
    "leave.create": Entry(POST, CLINICAL),
    "leave.cancel": Entry(POST, LEAVE_1, lambda w: {"leave_id": w.leave.id}),
    # Sharing with a professional: a carer's own shares; the family's clinicians; the
    # professional's link opens for anyone with it (the code is the second lock).
    "sharing.index": Entry(GET, CARER),
    "sharing.create": Entry(POST, CARER),
    "sharing.revoke": Entry(POST, OWN, share_args),
    "sharing.family_shares": Entry(GET, FAMILY_1, family_1),
    "sharing.family_create": Entry(
        POST, FAMILY_1, lambda w: {"family_id": w.family1.id, "carer_id": w.checkin.carer_id}
    ),
    "sharing.family_revoke": Entry(POST, FAMILY_1, family_share_args),
    "sharing.open_share": Entry(BOTH, OPEN, token_args),
    "reminders.settings": Entry(BOTH, CARER),
    # An empty POST from a carer is a 415 (not JSON): past the access check.
    "reminder_subscriptions.subscribe": Entry(POST, CARER),
    "reminder_subscriptions.unsubscribe": Entry(POST, CARER),
    "coparents.ask": Entry(BOTH, CARER),
    "coparents.withdraw": Entry(POST, OWN, lambda w: {"request_id": w.coparent_request.id}),
    "clinician.approve_coparent": Entry(POST, DECIDE_1, _request_1),
    "clinician.decline_coparent": Entry(POST, DECIDE_1, _request_1),
    # A check-in and replying to it: the family's team (another team's: as if not there).
    "clinician.checkin": Entry(GET, FAMILY_1, lambda w: {"checkin_id": w.checkin.id}),
    "clinician.reply": Entry(POST, FAMILY_1, lambda w: {"checkin_id": w.checkin.id}),
    "replies.templates": Entry(BOTH, LEAD),
    "replies.edit_template": Entry(BOTH, LEAD, lambda w: {"template_id": w.reply_template.id}),
    "replies.delete_template": Entry(POST, LEAD, lambda w: {"template_id": w.reply_template.id}),
    "replies.messages": Entry(GET, CARER),
}


def outcome(response: TestResponse) -> str:
    status = response.status_code
    if status == 401 and response.request.path.startswith("/api/"):
        body = response.get_json(silent=True) or {}
        return "login" if body.get("error") == "unauthorized" else "401"
    if status in {401, 403, 404} or status >= 500:
        return str(status)
    if 300 <= status < 400:
        location = urlsplit(response.location)
        if location.path == "/login" and "next" in parse_qs(location.query):
            return "login"
    return "ok"


def denied_events(db: Session, user_id: int | None) -> list[AuditEvent]:
    db.expire_all()
    query = select(AuditEvent).where(
        AuditEvent.action == "access.denied", AuditEvent.actor_id == user_id
    )
    return list(db.exec(query).all())


@pytest.fixture
def world(make: Factory) -> World:
    return build_world(make)


def test_matrix_covers_every_route() -> None:
    """Adding, removing or changing the methods of a route must come with a matrix entry."""
    routes = route_methods()
    assert routes, "no routes found"
    missing = sorted(set(routes) - set(MATRIX))
    assert not missing, f"routes with no entry in the access MATRIX: {missing}"
    stale = sorted(set(MATRIX) - set(routes))
    assert not stale, f"MATRIX entries for routes that no longer exist: {stale}"
    methods = {
        endpoint: (sorted(routes[endpoint]), sorted(entry.methods))
        for endpoint, entry in MATRIX.items()
        if routes[endpoint] != set(entry.methods)
    }
    assert not methods, f"(route methods, MATRIX methods) differ: {methods}"


def test_matrix_names_every_route_of_the_live_app(app: Flask) -> None:
    """The same check against the app the tests run, in case its routes depend on settings."""
    live = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert live == set(MATRIX)


CASES = [
    pytest.param(endpoint, method, actor, id=f"{endpoint}-{method}-{actor}")
    for endpoint, entry in MATRIX.items()
    for method in entry.methods
    for actor in ACTORS
]


@pytest.mark.parametrize(("endpoint", "method", "actor"), CASES)
def test_access(
    app: Flask, db: Session, world: World, endpoint: str, method: str, actor: str
) -> None:
    entry = MATRIX[endpoint]
    client = client_for(app, world, actor)
    user_id = world.users[actor].id if actor != "anonymous" else None
    denied_before = len(denied_events(db, user_id))

    response = client.open(build_url(app, endpoint, entry.args, world), method=method)

    expected = entry.expect[actor]
    assert outcome(response) == expected, (
        f"{actor} {method} {endpoint}: {response.status_code} {response.location or ''}"
    )
    if expected in {"403", "404"}:
        assert len(denied_events(db, user_id)) == denied_before + 1, "refusal not audited"


def _masked(page: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token" value=""', page)


def test_other_team_family_is_not_found_and_audited(app: Flask, db: Session, world: World) -> None:
    """Another team's family looks exactly like one that does not exist, and the try is logged."""
    client = client_for(app, world, "other_team_clinician")
    outsider = world.users["other_team_clinician"]
    missing_id = (world.family2.id or 0) + 1000

    response = client.get(f"/families/{world.family1.id}")
    nothing = client.get(f"/families/{missing_id}")

    assert response.status_code == nothing.status_code == 404
    # The CSRF token in the language switcher is signed with a timestamp: mask it, since two
    # requests a second apart carry different tokens whatever they show.
    assert _masked(response.get_data(as_text=True)) == _masked(nothing.get_data(as_text=True))
    assert "Family One" not in response.get_data(as_text=True)
    details = [e.detail for e in denied_events(db, outsider.id)]
    assert f"not-found GET /families/{world.family1.id}" in details
    assert f"not-found GET /families/{missing_id}" in details


@pytest.mark.parametrize("action", ["infants", "clinician", "invitations"])
def test_other_team_cannot_change_family(app: Flask, world: World, action: str) -> None:
    """Valid submissions from another team change nothing (only the refusal is logged)."""
    client = client_for(app, world, "other_team_clinician")
    born = world.infant.date_of_birth
    data = {
        "name": "Intruder",
        "date_of_birth": born.isoformat() if born else "",
        "assigned_clinician_id": str(world.users["colleague"].id),
        "invitee_note": "Intruder",
    }
    engine = app.extensions["parentapp.engine"]
    before = snapshot(engine)

    response = client.post(f"/families/{world.family1.id}/{action}", data=data)

    assert response.status_code == 404
    after = snapshot(engine)
    assert len(after.pop("audit_event")) == len(before.pop("audit_event")) + 1
    assert after == before


def test_carer_cannot_read_own_familys_clinician_page(
    app: Flask, db: Session, world: World
) -> None:
    """The family page is the team's record; a carer of that very family is refused it."""
    client = client_for(app, world, "owning_carer")

    response = client.get(f"/families/{world.family1.id}")

    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "Family One" not in html
    assert world.users["co_carer"].display_name not in html
    events = denied_events(db, world.users["owning_carer"].id)
    assert [e.detail for e in events] == [f"role GET /families/{world.family1.id}"]
