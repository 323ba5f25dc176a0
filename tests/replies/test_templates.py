"""A team lead's reply templates: list, add (with translations), change, remove; only their
own team's; bad input said beside the field, nothing stored."""

import pytest
from flask import Flask
from sqlmodel import Session, select

from parentapp.audit.models import AuditEvent
from parentapp.demo import REPLY_TEMPLATES, load_demo
from parentapp.replies.models import REPLY_MAX, ReplyTemplate
from tests.checkins.conftest import Home
from tests.factories import Factory
from tests.replies.conftest import Browse, Staff


def _templates(db: Session) -> list[ReplyTemplate]:
    db.expire_all()
    return list(db.exec(select(ReplyTemplate)).all())


def test_a_lead_adds_a_template_with_translations(
    db: Session, home: Home, staff: Staff, browse: Browse
) -> None:
    client = browse(staff.lead)
    assert "Reply templates" in client.get("/team/settings").get_data(as_text=True)
    response = client.post(
        "/team/settings/replies",
        data={"text": " Thank you. ", "text_pl": "Dziękujemy.", "text_ar": "", "text_xx": "?"},
    )
    assert response.status_code == 302
    [template] = _templates(db)
    assert (template.team_id, template.text, template.translations) == (
        home.team.id,
        "Thank you.",
        {"pl": "Dziękujemy."},
    )
    page = client.get("/team/settings/replies").get_data(as_text=True)
    assert "Thank you." in page and "Polski" in page
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "reply_template.added")).one()


def test_a_lead_changes_and_removes_their_template(
    db: Session, home: Home, staff: Staff, make: Factory, browse: Browse
) -> None:
    template = make._save(ReplyTemplate(team_id=home.team.id or 0, text="Old", translations={}))
    client = browse(staff.lead)
    assert "Old" in client.get(f"/team/settings/replies/{template.id}").get_data(as_text=True)
    assert (
        client.post(
            f"/team/settings/replies/{template.id}", data={"text": "New", "text_es": "Nuevo"}
        ).status_code
        == 302
    )
    [changed] = _templates(db)
    assert (changed.text, changed.translations) == ("New", {"es": "Nuevo"})
    assert client.post(f"/team/settings/replies/{template.id}/delete").status_code == 302
    assert _templates(db) == []


def test_a_lead_cannot_touch_another_teams_template(
    db: Session, home: Home, staff: Staff, make: Factory, browse: Browse
) -> None:
    theirs = make._save(ReplyTemplate(team_id=staff.other_lead.team_id or 0, text="Theirs"))
    client = browse(staff.lead)
    assert client.get(f"/team/settings/replies/{theirs.id}").status_code == 404
    assert client.post(f"/team/settings/replies/{theirs.id}", data={"text": "x"}).status_code == 404
    assert client.post(f"/team/settings/replies/{theirs.id}/delete").status_code == 404
    assert client.post(f"/team/settings/replies/{2**63}/delete").status_code == 404
    assert [(t.text, t.team_id) for t in _templates(db)] == [("Theirs", staff.other_lead.team_id)]
    assert "Theirs" not in client.get("/team/settings/replies").get_data(as_text=True)


def test_clinicians_and_admins_cannot_manage_templates(
    db: Session, home: Home, staff: Staff, browse: Browse
) -> None:
    for user in (home.clinician, staff.admin):
        client = browse(user)
        assert client.get("/team/settings/replies").status_code == 403
        assert client.post("/team/settings/replies", data={"text": "x"}).status_code == 403
    assert _templates(db) == []


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"text": ""}, "Write the reply in English."),
        ({"text": "x" * (REPLY_MAX + 1)}, f"Keep the reply to {REPLY_MAX} characters or fewer."),
        (
            {"text": "ok", "text_pl": "x" * (REPLY_MAX + 1)},
            f"Keep the reply to {REPLY_MAX} characters or fewer.",
        ),
    ],
)
def test_bad_input_is_said_and_nothing_stored(
    db: Session, home: Home, staff: Staff, browse: Browse, form: dict[str, str], message: str
) -> None:
    response = browse(staff.lead).post("/team/settings/replies", data=form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _templates(db) == []


def test_the_clinician_chooses_from_their_teams_templates_only(
    db: Session, home: Home, staff: Staff, make: Factory, browse: Browse
) -> None:
    from tests.replies.conftest import send

    make._save(ReplyTemplate(team_id=home.team.id or 0, text="Ours"))
    make._save(ReplyTemplate(team_id=staff.other_lead.team_id or 0, text="Theirs"))
    checkin, _ = send(db, home)
    page = browse(home.clinician).get(f"/checkins/{checkin.id}").get_data(as_text=True)
    assert "Ours" in page and "Theirs" not in page


def test_demo_data_has_translated_templates_once(app: Flask, db: Session) -> None:
    with app.app_context():
        load_demo(db)
        load_demo(db)
    templates = _templates(db)
    assert len(templates) == len(REPLY_TEMPLATES)
    assert all(t.translations.get("pl") for t in templates)
