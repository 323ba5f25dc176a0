"""Asking, withdrawing and deciding co-parent requests: the rules at their boundaries, who
may decide, what is stored, told and audited, and that nothing is half-done."""

import json
from datetime import timedelta

import pytest
from flask import Flask
from sqlmodel import Session, select

from parentapp.accounts.models import Role
from parentapp.config import Settings
from parentapp.coparents import services
from parentapp.coparents.models import CoparentRequest, Status
from parentapp.db import utcnow
from parentapp.errors import DomainError, NotFoundError, PermissionDeniedError
from parentapp.families import services as family_services
from parentapp.families.models import Invitation
from parentapp.families.roles import CarerRole
from parentapp.leave.models import Leave
from parentapp.sealing import unseal
from tests.coparents.conftest import Home, audit, notices, requests_of
from tests.factories import Factory, carer_row, pk

pytestmark = pytest.mark.usefixtures("ctx")


def ask(db: Session, home: Home, **kw: object) -> CoparentRequest:
    fields: dict[str, object] = {
        "name": "Omar",
        "carer_role": CarerRole.FATHER,
        "email": "omar@example.org",
    }
    fields.update(kw)
    return services.ask_to_invite(session=db, carer=home.carer, **fields)  # type: ignore[arg-type]


def test_a_request_is_stored_and_the_clinician_told_without_names(db: Session, home: Home):
    request = ask(db, home, email=" Omar@Example.ORG ", phone="07700 900123", locale="pl")

    assert request.status == Status.PENDING
    assert request.email == "omar@example.org" and request.phone == "07700900123"
    assert request.locale == "pl" and request.carer_id == home.carer.id
    told = notices(db, "coparent_requested")
    assert {(n.recipient_id, n.channel) for n in told} == {
        (home.clinician.id, "in_app"),
        (home.clinician.id, "email"),
    }
    assert all(n.payload == {"family_id": home.family.id} for n in told)
    [event] = audit(db)
    assert event.action == "coparent.requested" and "omar" not in (event.detail or "").lower()


@pytest.mark.parametrize(
    ("phone", "stored"),
    [
        ("700 9001", "7009001"),  # 7 digits: the shortest accepted
        ("+44 7700 900123", "+447700900123"),
        ("(020) 7946-0018", "02079460018"),
        ("+123 456 789 012 345", "+123456789012345"),  # 15 digits: the longest
    ],
)
def test_phone_numbers_as_people_write_them(db: Session, home: Home, phone: str, stored: str):
    assert ask(db, home, email=None, phone=phone).phone == stored


@pytest.mark.parametrize(
    "phone",
    ["700 900", "+123 456 789 012 3456", "07700 9OO123", "0770+0900123", "call me", "++447700900"],
)
def test_a_phone_number_that_is_not_one_is_refused(db: Session, home: Home, phone: str):
    with pytest.raises(DomainError) as refused:
        ask(db, home, email=None, phone=phone)
    assert refused.value.field == "phone"
    db.rollback()
    assert requests_of(db, home.family) == []


@pytest.mark.parametrize("email", ["omar", "omar@", "@example.org", "omar @example.org"])
def test_an_email_that_is_not_one_is_refused(db: Session, home: Home, email: str):
    with pytest.raises(DomainError) as refused:
        ask(db, home, email=email)
    assert refused.value.field == "email"


def test_a_way_to_reach_them_is_needed(db: Session, home: Home):
    with pytest.raises(DomainError, match="email address or phone number") as refused:
        ask(db, home, email="  ", phone="")
    assert refused.value.field == "email"


def test_a_name_an_own_word_for_other_and_a_known_language_are_needed(db: Session, home: Home):
    with pytest.raises(DomainError) as no_name:
        ask(db, home, name="   ")
    with pytest.raises(DomainError) as no_words:
        ask(db, home, carer_role=CarerRole.OTHER, carer_role_other=" ")
    with pytest.raises(DomainError) as no_language:
        ask(db, home, locale="xx")
    assert (no_name.value.field, no_words.value.field, no_language.value.field) == (
        "name",
        "carer_role_other",
        "locale",
    )
    assert requests_of(db, home.family) == []


def test_at_most_three_requests_wait_at_once(db: Session, home: Home):
    for n in range(services.MAX_OPEN_REQUESTS):
        ask(db, home, email=f"person{n}@example.org")
    with pytest.raises(DomainError, match="already have 3 requests waiting"):
        ask(db, home, email="one.more@example.org")
    db.rollback()
    # A withdrawn one no longer counts.
    first = requests_of(db, home.family)[0]
    services.withdraw(session=db, carer=home.carer, request_id=pk(first))
    ask(db, home, email="one.more@example.org")
    assert len(requests_of(db, home.family)) == services.MAX_OPEN_REQUESTS + 1


def test_a_second_request_for_the_same_contact_is_refused(db: Session, home: Home, make: Factory):
    ask(db, home, email="omar@example.org", phone="07700 900123")
    with pytest.raises(DomainError, match="already waiting") as same_email:
        ask(db, home, email="OMAR@example.org", phone=None)
    with pytest.raises(DomainError, match="already waiting") as same_phone:
        ask(db, home, email="other@example.org", phone="077 00 90 01 23")
    assert (same_email.value.field, same_phone.value.field) == ("email", "phone")
    # Whoever of the family asked: another carer of the same family is refused too.
    other = carer_row(db, make.carer(home.family, CarerRole.GRANDPARENT))
    with pytest.raises(DomainError, match="already waiting"):
        services.ask_to_invite(
            session=db, carer=other, name="Omar", carer_role=CarerRole.FATHER, phone="07700900123"
        )


def test_approving_issues_the_invitation_and_emails_the_code_sealed(
    db: Session, home: Home, app: Flask
):
    request = ask(db, home, name="Omar Khan", locale="ur")

    approved = services.approve(
        session=db, actor=home.clinician, family=home.family, request_id=request.id or 0
    )

    db.expire_all()
    invitation = db.get(Invitation, approved.invitation.id)
    assert invitation is not None and invitation.invitee_note == "Omar Khan"
    assert invitation.family_id == home.family.id and invitation.used_at is None
    stored = db.get(CoparentRequest, request.id)
    assert stored is not None and stored.status == Status.APPROVED
    assert stored.invitation_id == invitation.id and stored.decided_by_id == home.clinician.id
    assert stored.email is None and stored.phone is None  # no longer needed
    assert approved.emailed and approved.phone is None
    [email] = notices(db, "invitation")
    assert email.channel == "email" and email.payload["locale"] == "ur"
    assert "omar" not in json.dumps(email.payload).lower()
    assert approved.code not in json.dumps(email.payload)
    settings: Settings = app.config["PARENTAPP_SETTINGS"]
    opened = json.loads(unseal(settings.secret_key, email.payload["sealed"]) or "{}")
    assert opened == {"to": "omar@example.org", "name": "Omar Khan", "code": approved.code}
    [told] = notices(db, "coparent_decided")
    assert told.recipient_id == home.user.id and told.channel == "in_app"
    assert told.payload == {"request_id": request.id}
    actions = [(e.action, e.detail) for e in audit(db, "")]
    assert ("invitation.created", None) in actions
    assert any(a == "coparent.approved" and "emailed" in (d or "") for a, d in actions)
    assert all("omar" not in (d or "").lower() for _a, d in actions)


def test_approving_a_phone_only_request_gives_the_code_to_pass_on(db: Session, home: Home):
    request = ask(db, home, email=None, phone="07700 900123")

    approved = services.approve(
        session=db, actor=home.lead, family=home.family, request_id=request.id or 0
    )

    assert not approved.emailed and approved.phone == "07700900123" and approved.code
    assert notices(db, "invitation") == []


def test_the_language_of_the_email_falls_back_to_the_asking_carers(db: Session, home: Home):
    home.user.locale = "ro"
    db.add(home.user)
    db.commit()
    request = ask(db, home, locale=None)

    services.approve(
        session=db, actor=home.clinician, family=home.family, request_id=request.id or 0
    )

    [email] = notices(db, "invitation")
    assert email.payload["locale"] == "ro"


def test_declining_needs_a_reason_and_tells_the_carer_nothing_of_it(db: Session, home: Home):
    request = ask(db, home)
    with pytest.raises(DomainError) as refused:
        services.decline(
            session=db, actor=home.clinician, family=home.family, request_id=request.id or 0,
            reason="  ",
        )  # fmt: skip
    assert refused.value.field == "reason"
    db.rollback()

    services.decline(
        session=db, actor=home.clinician, family=home.family, request_id=request.id or 0,
        reason="Not safe for the family",
    )  # fmt: skip

    stored = requests_of(db, home.family)[0]
    assert stored.status == Status.DECLINED and stored.decline_reason == "Not safe for the family"
    assert stored.email is None and stored.invitation_id is None
    [told] = notices(db, "coparent_decided")
    assert "safe" not in json.dumps(told.payload)
    assert db.exec(select(Invitation)).all() == []
    [*_, declined] = audit(db)
    assert declined.action == "coparent.declined" and "safe" not in (declined.detail or "")


@pytest.mark.parametrize("first", ["approve", "decline", "withdraw"])
def test_deciding_twice_is_refused_and_changes_nothing(db: Session, home: Home, first: str):
    request = ask(db, home)
    rid = request.id or 0
    if first == "withdraw":
        services.withdraw(session=db, carer=home.carer, request_id=rid)
    elif first == "approve":
        services.approve(session=db, actor=home.clinician, family=home.family, request_id=rid)
    else:
        services.decline(
            session=db, actor=home.clinician, family=home.family, request_id=rid, reason="No"
        )
    invitations = len(db.exec(select(Invitation)).all())

    with pytest.raises(DomainError, match=r"withdrawn|already been decided"):
        services.approve(session=db, actor=home.lead, family=home.family, request_id=rid)
    db.rollback()
    with pytest.raises(DomainError):
        services.decline(
            session=db, actor=home.lead, family=home.family, request_id=rid, reason="x"
        )
    db.rollback()

    assert len(db.exec(select(Invitation)).all()) == invitations
    assert requests_of(db, home.family)[0].status == {
        "approve": "approved", "decline": "declined", "withdraw": "withdrawn"
    }[first]  # fmt: skip


def test_only_the_clinician_their_cover_or_a_lead_decides(db: Session, home: Home, make: Factory):
    request = ask(db, home)
    rid = request.id or 0
    with pytest.raises(PermissionDeniedError):
        services.approve(session=db, actor=home.colleague, family=home.family, request_id=rid)
    with pytest.raises(NotFoundError):
        services.approve(session=db, actor=home.outsider, family=home.family, request_id=rid)
    carer_user = home.user
    carer_user.role = Role.CARER.value
    assert not services.may_decide(db, carer_user, home.family)
    # From the first day of the clinician's leave, their cover decides (and is told).
    today = utcnow().date()
    db.add(
        Leave(
            team_id=home.team.id or 0, user_id=home.clinician.id or 0,
            cover_id=home.colleague.id or 0, starts_on=today, ends_on=today + timedelta(days=3),
            created_by_id=home.clinician.id or 0,
        )
    )  # fmt: skip
    db.commit()
    assert services.may_decide(db, home.colleague, home.family)
    ask(db, home, email="second@example.org")
    assert home.colleague.id in {n.recipient_id for n in notices(db, "coparent_requested")}
    services.approve(session=db, actor=home.colleague, family=home.family, request_id=rid)


def test_a_request_of_another_family_or_none_is_not_found(db: Session, home: Home, make: Factory):
    request = ask(db, home)
    other = make.family(home.team, home.clinician)
    for family, rid in [(other, request.id or 0), (home.family, (request.id or 0) + 999)]:
        with pytest.raises(NotFoundError):
            services.approve(session=db, actor=home.clinician, family=family, request_id=rid)
        with pytest.raises(NotFoundError):
            services.decline(
                session=db, actor=home.clinician, family=family, request_id=rid, reason="x"
            )
    assert requests_of(db, home.family)[0].status == Status.PENDING


def test_a_carer_withdraws_only_their_own_waiting_request(db: Session, home: Home, make: Factory):
    request = ask(db, home)
    other = carer_row(db, make.carer(home.family, CarerRole.FATHER))
    with pytest.raises(NotFoundError):
        services.withdraw(session=db, carer=other, request_id=request.id or 0)

    services.withdraw(session=db, carer=home.carer, request_id=request.id or 0)

    stored = requests_of(db, home.family)[0]
    assert stored.status == Status.WITHDRAWN and stored.email is None
    assert [e.action for e in audit(db)][-1] == "coparent.withdrawn"
    decided = ask(db, home, email="x@example.org")
    services.approve(
        session=db, actor=home.clinician, family=home.family, request_id=decided.id or 0
    )
    with pytest.raises(DomainError, match="already answered"):
        services.withdraw(session=db, carer=home.carer, request_id=decided.id or 0)


def test_create_invitation_still_commits_its_invitation(db: Session, home: Home, app: Flask):
    invitation, code = family_services.create_invitation(
        session=db, actor=home.clinician, family=home.family, invitee_note="Dad"
    )
    db.rollback()  # nothing left to roll back: it was committed
    assert db.get(Invitation, invitation.id) is not None and code


def test_an_approval_that_fails_part_way_leaves_nothing_behind(
    db: Session, home: Home, monkeypatch: pytest.MonkeyPatch
):
    """The invitation, its email and the decision land together or not at all."""
    request = ask(db, home)
    sent = len(notices(db, "coparent_requested"))

    def broken(**_kw: object) -> None:
        raise RuntimeError("the outbox is unavailable")

    monkeypatch.setattr(services, "_tell_carer", lambda *_a: broken())
    with pytest.raises(RuntimeError):
        services.approve(
            session=db, actor=home.clinician, family=home.family, request_id=request.id or 0
        )
    db.rollback()

    assert db.exec(select(Invitation)).all() == []
    assert notices(db, "invitation") == []
    assert requests_of(db, home.family)[0].status == Status.PENDING
    assert requests_of(db, home.family)[0].email == "omar@example.org"
    assert len(notices(db, "coparent_requested")) == sent


def test_a_closed_accounts_request_is_not_approved(db: Session, home: Home):
    request = ask(db, home)
    home.carer.closed_at = utcnow()
    db.add(home.carer)
    db.commit()

    with pytest.raises(DomainError, match="closed their account"):
        services.approve(
            session=db, actor=home.clinician, family=home.family, request_id=request.id or 0
        )
    db.rollback()
    assert db.exec(select(Invitation)).all() == []
