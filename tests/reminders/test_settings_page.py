"""The carer's reminder settings page, which works without JavaScript."""

from datetime import time

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session

from parentapp.families.models import Carer
from tests.conftest import LoginAs
from tests.reminders.conftest import Keys, Reminded


def carer(db: Session, reminded: Reminded) -> Carer:
    db.expire_all()
    row = db.get(Carer, reminded.carer.id)
    assert row is not None
    return row


def test_the_page_explains_and_shows_the_defaults(
    client: FlaskClient, login_as: LoginAs, reminded: Reminded
) -> None:
    login_as(reminded.user)

    page = client.get("/reminders").get_data(as_text=True)

    assert "never says anything about you or your answers" in page
    assert "once more 24 hours later" in page  # REMINDER_FOLLOW_UP_HOURS
    assert "Europe/London" in page
    assert 'name="enabled"' in page and "checked" in page
    assert 'value="22:00"' in page and 'value="08:00"' in page
    assert reminded.user.email in page


def test_without_push_there_is_no_phone_section(
    client: FlaskClient, login_as: LoginAs, reminded: Reminded
) -> None:
    login_as(reminded.user)

    page = client.get("/reminders").get_data(as_text=True)

    assert "push-panel" not in page
    assert "reminders.js" not in page


def test_with_push_the_page_carries_the_public_key_and_the_script(
    client: FlaskClient, login_as: LoginAs, reminded: Reminded, vapid: Keys
) -> None:
    login_as(reminded.user)

    page = client.get("/reminders").get_data(as_text=True)

    assert f'data-vapid-key="{vapid.public}"' in page
    assert 'id="push-panel" hidden' in page  # shown only by the script, where push works
    assert vapid.private not in page
    assert '<script src="/static/js/reminders.js" defer></script>' in page
    assert "<script>" not in page  # no inline script (the CSP forbids it)


def test_the_script_is_served(client: FlaskClient) -> None:
    with client.get("/static/js/reminders.js") as response:
        assert response.status_code == 200
        assert "javascript" in response.content_type
        assert b"pushManager.subscribe" in response.get_data()


def test_turning_reminders_off_and_quiet_hours_off_without_javascript(
    client: FlaskClient, login_as: LoginAs, db: Session, reminded: Reminded
) -> None:
    login_as(reminded.user)

    response = client.post("/reminders", data={"quiet": "none"})  # the box unticked

    assert response.status_code == 302
    saved = carer(db, reminded)
    assert saved.reminders_enabled is False
    assert (saved.quiet_start, saved.quiet_end) == (None, None)
    page = client.get(response.location).get_data(as_text=True)
    assert "Your reminder settings are saved." in page


def test_setting_quiet_hours(
    client: FlaskClient, login_as: LoginAs, db: Session, reminded: Reminded
) -> None:
    login_as(reminded.user)

    response = client.post(
        "/reminders",
        data={"enabled": "y", "quiet": "quiet", "quiet_start": "21:30", "quiet_end": "07:00"},
    )

    assert response.status_code == 302
    saved = carer(db, reminded)
    assert saved.reminders_enabled is True
    assert (saved.quiet_start, saved.quiet_end) == (time(21, 30), time(7, 0))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"quiet": "quiet", "quiet_start": "21:30"}, "Choose both a start and an end"),
        ({"quiet": "quiet", "quiet_end": "07:00"}, "Choose both a start and an end"),
        (
            {"quiet": "quiet", "quiet_start": "09:00", "quiet_end": "09:00"},
            "must end at a different time",
        ),
        ({"quiet": "quiet", "quiet_start": "25:00", "quiet_end": "07:00"}, "Not a valid time"),
        ({"quiet": "sometimes"}, "Not a valid choice"),
        ({}, "Choose whether you want quiet hours."),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(
    client: FlaskClient,
    login_as: LoginAs,
    db: Session,
    reminded: Reminded,
    data: dict[str, str],
    message: str,
) -> None:
    login_as(reminded.user)

    response = client.post("/reminders", data=data)

    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    saved = carer(db, reminded)
    assert saved.reminders_enabled is True
    assert (saved.quiet_start, saved.quiet_end) == (time(22, 0), time(8, 0))


def test_carer_home_links_to_reminders_and_keeps_the_due_banner(
    client: FlaskClient, login_as: LoginAs, db: Session, reminded: Reminded
) -> None:
    """Reminders add to the in-app banner, never replace it: turned off, it is still there."""
    reminded.carer.reminders_enabled = False
    db.add(reminded.carer)
    db.commit()
    login_as(reminded.user)

    page = client.get("/home").get_data(as_text=True)

    assert 'href="/reminders"' in page
    assert "Due" in page  # the fixture's check-in fell due in the past


def test_clinicians_may_not(client: FlaskClient, login_as: LoginAs, reminded: Reminded) -> None:
    login_as(reminded.clinician)
    assert client.get("/reminders").status_code == 403
