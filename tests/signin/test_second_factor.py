"""Staff pass a second factor before any family data: enrolling an authenticator app, codes
that are right once, recovery codes, and the reset by a lead or an administrator."""

import re

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from parentapp.accounts.models import Role
from parentapp.audit.models import AuditEvent
from parentapp.notifications.delivery import deliver_all_due
from parentapp.signin.models import RecoveryCode, TotpFactor
from tests.factories import PASSWORD, Factory
from tests.notifications.conftest import SmtpServer
from tests.signin.conftest import SECRET, code_now, enrol, password_step, sessions_of


def _actions(db: Session) -> list[str]:
    db.expire_all()
    return [e.action for e in db.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()]


def test_new_clinician_cannot_open_flags_before_enrolling(client: FlaskClient, make: Factory):
    clinician = make.user(Role.CLINICIAN, make.team())

    assert password_step(client, clinician, PASSWORD).endswith("/account/second-factor/setup")
    for path in ("/flags", "/clinic", "/families", "/team/outcomes"):
        response = client.get(path)
        assert response.status_code == 302 and response.location.endswith(
            "/account/second-factor/setup"
        ), path
    assert client.get("/api/v1/flags").status_code == 401


def test_enrolling_shows_the_qr_code_and_the_key_then_ten_recovery_codes_once(
    client: FlaskClient, make: Factory, db: Session
):
    clinician = make.user(Role.CLINICIAN, make.team())
    password_step(client, clinician, PASSWORD)
    page = client.get("/account/second-factor/setup").get_data(as_text=True)
    assert "<svg" in page
    shown = re.search(r'<code class="secret-key" translate="no">([A-Z2-7 ]+)</code>', page)
    assert shown is not None
    secret = shown.group(1).replace(" ", "")

    wrong = client.post("/account/second-factor/setup", data={"code": "000000"})
    assert wrong.status_code == 400 and "That code is not right" in wrong.get_data(as_text=True)
    assert db.exec(select(TotpFactor)).first() is None

    done = client.post("/account/second-factor/setup", data={"code": code_now(secret)})
    assert done.status_code == 302 and done.location.endswith("/recovery-codes")
    codes_page = client.get(done.location).get_data(as_text=True)
    shown_codes = re.findall(r"<code>([a-z2-9]{4}(?:-[a-z2-9]{4}){3})</code>", codes_page)
    assert len(set(shown_codes)) == 10
    # Shown once: the page does not show them again, and only hashes are stored.
    assert client.get("/account/second-factor/recovery-codes").status_code == 302
    stored = [r.code_hash for r in db.exec(select(RecoveryCode)).all()]
    assert len(stored) == 10 and not set(stored) & {c.replace("-", "") for c in shown_codes}
    assert client.get("/flags").status_code == 200
    assert "factor.enrolled" in _actions(db)


def test_sign_in_with_a_code_which_is_good_only_once(
    client: FlaskClient, make: Factory, db: Session
):
    clinician = make.user(Role.CLINICIAN, make.team())
    enrol(db, clinician)
    assert password_step(client, clinician, PASSWORD).endswith("/login/second-factor")
    assert client.get("/flags").status_code == 302

    code = code_now()
    assert client.post("/login/second-factor", data={"code": code}).status_code == 302
    assert client.get("/flags").status_code == 200

    other = client.application.test_client()
    password_step(other, clinician, PASSWORD)
    replay = other.post("/login/second-factor", data={"code": code})
    assert replay.status_code == 400
    assert "has been used already" in replay.get_data(as_text=True)
    assert other.get("/flags").status_code == 302
    assert "factor.failed" in _actions(db)


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "x" * 65, "000000"])
def test_wrong_and_malformed_codes_log_nobody_in(
    client: FlaskClient, make: Factory, db: Session, code: str
):
    clinician = make.user(Role.CLINICIAN, make.team())
    enrol(db, clinician)
    password_step(client, clinician, PASSWORD)

    response = client.post("/login/second-factor", data={"code": code})

    assert response.status_code == 400
    assert client.get("/flags").status_code == 302
    assert all(s.cleared_at is None for s in sessions_of(db, clinician))


def test_a_code_a_step_away_is_accepted_two_steps_is_not(
    client: FlaskClient, make: Factory, db: Session
):
    clinician = make.user(Role.CLINICIAN, make.team())
    enrol(db, clinician)
    password_step(client, clinician, PASSWORD)

    assert (
        client.post("/login/second-factor", data={"code": code_now(offset=-2)}).status_code == 400
    )
    assert (
        client.post("/login/second-factor", data={"code": code_now(offset=-1)}).status_code == 302
    )


def test_a_recovery_code_works_once(client: FlaskClient, make: Factory, db: Session):
    clinician = make.user(Role.CLINICIAN, make.team())
    password_step(client, clinician, PASSWORD)
    client.get("/account/second-factor/setup")
    with client.session_transaction() as state:
        state["pending_totp_secret"] = SECRET
    done = client.post("/account/second-factor/setup", data={"code": code_now()})
    page = client.get(done.location).get_data(as_text=True)
    first = re.findall(r"<code>([a-z2-9-]{19})</code>", page)[0]
    client.post("/logout")

    password_step(client, clinician, PASSWORD)
    used = client.post("/login/second-factor", data={"code": first.upper().replace("-", " ")})
    assert used.status_code == 302
    assert "9 are left" in client.get(used.location, follow_redirects=True).get_data(as_text=True)
    client.post("/logout")

    password_step(client, clinician, PASSWORD)
    assert client.post("/login/second-factor", data={"code": first}).status_code == 400


def test_a_lead_resets_a_colleagues_factor_who_is_emailed_and_signed_out(
    app, client: FlaskClient, make: Factory, db: Session, smtp: SmtpServer
):
    team = make.team()
    lead = make.user(Role.LEAD, team)
    colleague = make.user(Role.CLINICIAN, team)
    outsider = make.user(Role.CLINICIAN, make.team("Elsewhere"))
    for person in (lead, colleague, outsider):
        enrol(db, person)
    theirs = app.test_client()
    password_step(theirs, colleague, PASSWORD)
    theirs.post("/login/second-factor", data={"code": code_now()})
    assert theirs.get("/flags").status_code == 200

    password_step(client, lead, PASSWORD)
    assert client.post("/login/second-factor", data={"code": code_now()}).status_code == 302
    assert client.post(f"/staff/{outsider.id}/second-factor/reset").status_code == 404
    response = client.post(f"/staff/{colleague.id}/second-factor/reset")

    assert response.status_code == 302
    assert db.exec(select(TotpFactor).where(TotpFactor.user_id == colleague.id)).first() is None
    assert theirs.get("/flags").status_code == 302  # signed out everywhere
    assert "factor.reset" in _actions(db)
    assert deliver_all_due(app) >= 1
    mail = next(m for m in smtp.handler.messages if m["To"] == colleague.email)
    assert mail["Subject"] == "Your second factor was reset"


def test_a_clinician_cannot_reset_anyones_factor(client: FlaskClient, make: Factory, db: Session):
    team = make.team()
    clinician = make.user(Role.CLINICIAN, team)
    colleague = make.user(Role.CLINICIAN, team)
    enrol(db, clinician)
    enrol(db, colleague)
    password_step(client, clinician, PASSWORD)
    client.post("/login/second-factor", data={"code": code_now()})

    assert client.post(f"/staff/{colleague.id}/second-factor/reset").status_code == 403
    assert db.exec(select(TotpFactor).where(TotpFactor.user_id == colleague.id)).first()


def test_a_carer_may_turn_a_second_factor_on_and_off(
    client: FlaskClient, make: Factory, db: Session
):
    carer = make.user(Role.CARER)
    assert password_step(client, carer, PASSWORD).endswith("/home")
    client.get("/account/second-factor/setup")
    with client.session_transaction() as state:
        state["pending_totp_secret"] = SECRET
    assert client.post("/account/second-factor/setup", data={"code": code_now()}).status_code == 302
    client.post("/logout")

    assert password_step(client, carer, PASSWORD).endswith("/login/second-factor")
    # The code used at enrolment is spent: the next step's code (one step ahead is allowed).
    client.post("/login/second-factor", data={"code": code_now(offset=1)})
    assert client.post("/account/second-factor/off").status_code == 302
    assert db.exec(select(TotpFactor)).first() is None


def test_staff_cannot_turn_their_required_factor_off(
    client: FlaskClient, make: Factory, db: Session
):
    clinician = make.user(Role.CLINICIAN, make.team())
    enrol(db, clinician)
    password_step(client, clinician, PASSWORD)
    client.post("/login/second-factor", data={"code": code_now()})

    response = client.post("/account/second-factor/off", follow_redirects=True)

    assert "required for your role" in response.get_data(as_text=True)
    assert db.exec(select(TotpFactor)).first() is not None


def test_the_staff_page_counts_a_passkey_as_a_second_factor(
    client: FlaskClient, make: Factory, db: Session
):
    from parentapp.signin.models import Passkey

    team = make.team()
    lead = make.user(Role.LEAD, team)
    keyed = make.user(Role.CLINICIAN, team, display_name="Kay Keyed")
    enrol(db, lead)
    db.add(Passkey(user_id=keyed.id or 0, credential_id=b"k", public_key=b"x", name="Passkey 1"))
    db.commit()
    password_step(client, lead, PASSWORD)
    client.post("/login/second-factor", data={"code": code_now()})

    page = client.get("/staff/second-factors").get_data(as_text=True)

    assert f"/staff/{keyed.id}/second-factor/reset" in page
    assert client.post(f"/staff/{keyed.id}/second-factor/reset").status_code == 302
    assert db.exec(select(Passkey)).first() is None


def test_the_step_pages_show_no_navigation_but_logging_out(client: FlaskClient, make: Factory):
    clinician = make.user(Role.CLINICIAN, make.team())
    password_step(client, clinician, PASSWORD)

    page = client.get("/account/second-factor/setup").get_data(as_text=True)

    assert 'action="/logout"' in page
    assert 'href="/flags"' not in page and 'href="/account"' not in page
