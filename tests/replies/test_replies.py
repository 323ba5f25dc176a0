"""A clinician's reply to a check-in: who may send one, what is stored (nothing on bad input),
what the carer sees and in which language, and the audit record without the words."""

import io
import json
import zipfile

import pytest
from sqlmodel import Session, select

from parentapp.accounts.models import User
from parentapp.audit.models import AuditEvent
from parentapp.checkins.models import CheckIn
from parentapp.replies.models import REPLY_MAX, Reply, ReplyTemplate
from tests.checkins.conftest import Home
from tests.conftest import csrf_token
from tests.factories import Factory
from tests.replies.conftest import Browse, Staff, send

OWN_WORDS = "Thank you for telling us. I will call you on Tuesday."


def _template(make: Factory, home: Home, **translations: str) -> ReplyTemplate:
    return make._save(
        ReplyTemplate(
            team_id=home.team.id or 0,
            text="Thank you for your check-in.",
            translations=translations,
        )
    )


def _replies(db: Session) -> list[Reply]:
    db.expire_all()
    return list(db.exec(select(Reply)).all())


def _post(browse: Browse, user: User, checkin: CheckIn, **form: str) -> tuple[int, str]:
    response = browse(user).post(f"/checkins/{checkin.id}/reply", data=form)
    return response.status_code, response.get_data(as_text=True)


def test_own_words_reach_the_carer(db: Session, home: Home, browse: Browse) -> None:
    checkin, _ = send(db, home)
    status, _page = _post(browse, home.clinician, checkin, template_id="0", text=OWN_WORDS)
    assert status == 302

    [reply] = _replies(db)
    assert (reply.text, reply.author_id, reply.carer_id) == (
        OWN_WORDS,
        home.clinician.id,
        home.carer.id,
    )
    carer = browse(home.user)
    home_page = carer.get("/home").get_data(as_text=True)
    assert "You have a message from your team" in home_page
    assert OWN_WORDS not in home_page  # the words are on the messages page, not the home page
    history = carer.get("/checkins/history").get_data(as_text=True)
    assert OWN_WORDS in history


def test_reading_the_messages_marks_them_read(db: Session, home: Home, browse: Browse) -> None:
    checkin, _ = send(db, home)
    _post(browse, home.clinician, checkin, template_id="0", text=OWN_WORDS)
    carer = browse(home.user)

    page = carer.get("/messages").get_data(as_text=True)

    assert OWN_WORDS in page and "Sam Patel" in page
    assert all(r.read_at is not None for r in _replies(db))
    assert "You have a message from your team" not in carer.get("/home").get_data(as_text=True)


def test_a_template_is_shown_in_the_carers_language(
    db: Session, home: Home, make: Factory, browse: Browse
) -> None:
    template = _template(make, home, pl="Dziękujemy za wypełnienie.")
    home.user.locale = "pl"
    db.add(home.user)
    db.commit()
    checkin, _ = send(db, home)

    status, _page = _post(browse, home.clinician, checkin, template_id=str(template.id), text="")

    assert status == 302
    page = browse(home.user).get("/messages").get_data(as_text=True)
    assert "Dziękujemy za wypełnienie." in page
    assert "Thank you for your check-in." not in page


def test_a_template_without_the_carers_language_is_shown_as_written(
    db: Session, home: Home, make: Factory, browse: Browse
) -> None:
    template = _template(make, home, pl="Dziękujemy za wypełnienie.")
    home.user.locale = "es"
    db.add(home.user)
    db.commit()
    checkin, _ = send(db, home)
    _post(browse, home.clinician, checkin, template_id=str(template.id))
    assert "Thank you for your check-in." in browse(home.user).get("/messages").get_data(
        as_text=True
    )


def test_editing_a_template_later_does_not_change_a_sent_reply(
    db: Session, home: Home, make: Factory, browse: Browse
) -> None:
    template = _template(make, home)
    checkin, _ = send(db, home)
    _post(browse, home.clinician, checkin, template_id=str(template.id))
    template.text = "Something else"
    db.add(template)
    db.commit()
    assert [r.text for r in _replies(db)] == ["Thank you for your check-in."]


def test_the_audit_record_holds_no_words(db: Session, home: Home, browse: Browse) -> None:
    checkin, _ = send(db, home)
    _post(browse, home.clinician, checkin, template_id="0", text=OWN_WORDS)
    [event] = db.exec(select(AuditEvent).where(AuditEvent.action == "reply.sent")).all()
    assert event.target_id == checkin.id and event.actor_id == home.clinician.id
    assert "Thank" not in (event.detail or "")


def test_a_colleague_and_the_lead_may_reply(
    db: Session, home: Home, staff: Staff, browse: Browse
) -> None:
    checkin, _ = send(db, home)
    assert _post(browse, staff.colleague, checkin, template_id="0", text="Hello")[0] == 302
    assert _post(browse, staff.lead, checkin, template_id="0", text="Hello")[0] == 302
    assert len(_replies(db)) == 2


def test_another_teams_checkin_is_not_found_and_nothing_stored(
    db: Session, home: Home, staff: Staff, browse: Browse
) -> None:
    checkin, _ = send(db, home)
    assert _post(browse, staff.other_team, checkin, template_id="0", text="Hi")[0] == 404
    assert _post(browse, staff.other_lead, checkin, template_id="0", text="Hi")[0] == 404
    assert _replies(db) == []


@pytest.mark.parametrize("checkin_id", [999999, 2**31, 2**63])
def test_a_missing_or_huge_checkin_id_is_not_found(
    db: Session, home: Home, browse: Browse, checkin_id: int
) -> None:
    response = browse(home.clinician).post(
        f"/checkins/{checkin_id}/reply", data={"template_id": "0", "text": "Hi"}
    )
    assert response.status_code == 404
    assert _replies(db) == []


def test_carers_and_admins_cannot_reply(
    db: Session, home: Home, staff: Staff, browse: Browse
) -> None:
    checkin, _ = send(db, home)
    assert _post(browse, home.user, checkin, template_id="0", text="Hi")[0] == 403
    assert _post(browse, staff.admin, checkin, template_id="0", text="Hi")[0] == 403
    assert _replies(db) == []


def test_another_teams_template_is_refused(
    db: Session, home: Home, staff: Staff, make: Factory, browse: Browse
) -> None:
    other = make._save(ReplyTemplate(team_id=staff.other_team.team_id or 0, text="Not yours"))
    checkin, _ = send(db, home)
    status, page = _post(browse, home.clinician, checkin, template_id=str(other.id))
    assert status == 400
    assert "Choose one of your team's replies." in page
    assert _replies(db) == []


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"template_id": "0", "text": "   "}, "Choose a reply or write a short message."),
        (
            {"template_id": "0", "text": "x" * (REPLY_MAX + 1)},
            f"Keep the message to {REPLY_MAX} characters or fewer.",
        ),
        ({"template_id": "abc", "text": "Hi"}, "Choose one of your team's replies."),
        ({"template_id": str(2**63), "text": "Hi"}, "Choose one of your team's replies."),
        ({"template_id": "424242", "text": ""}, "Choose one of your team's replies."),
    ],
)
def test_bad_input_is_said_and_nothing_stored(
    db: Session, home: Home, browse: Browse, form: dict[str, str], message: str
) -> None:
    checkin, _ = send(db, home)
    status, page = _post(browse, home.clinician, checkin, **form)
    assert status == 400
    assert message in page
    assert _replies(db) == []


def test_exactly_the_limit_is_accepted(db: Session, home: Home, browse: Browse) -> None:
    checkin, _ = send(db, home)
    status, _page = _post(browse, home.clinician, checkin, template_id="0", text="x" * REPLY_MAX)
    assert status == 302


def test_the_carers_own_data_holds_the_replies_in_their_language(
    db: Session, home: Home, make: Factory, browse: Browse
) -> None:
    template = _template(make, home, es="Gracias por completar el cuestionario.")
    home.user.locale = "es"
    db.add(home.user)
    db.commit()
    checkin, _ = send(db, home)
    _post(browse, home.clinician, checkin, template_id=str(template.id))
    carer = browse(home.user)
    page = carer.get("/account/data").get_data(as_text=True)
    assert "Gracias por completar el cuestionario." in page

    response = carer.post("/account/data/download", data={"csrf_token": csrf_token(page)})
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    document = json.loads(archive.read("my-data.json"))
    assert [(m["who"], m["text"]) for m in document["messages"]] == [
        ("Sam Patel", "Gracias por completar el cuestionario.")
    ]
    assert "Gracias" in archive.read("messages-from-my-team.csv").decode("utf-8-sig")
