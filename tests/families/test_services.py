"""Family services and invitation codes: infant date bounds, code normalisation, finding,
joining, racing for and revoking invitations, and the team's invitation lifetime."""

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func
from sqlmodel import Session, select

from parentapp.accounts.models import Role, User
from parentapp.checkins.models import Schedule
from parentapp.db import utcnow
from parentapp.errors import DomainError, NotFoundError
from parentapp.families import codes
from parentapp.families.models import Carer, Family, Invitation
from parentapp.families.roles import CarerRole
from parentapp.families.services import (
    MAX_DUE_AHEAD,
    InvitationError,
    check_infant_dates,
    create_invitation,
    earliest_birth_date,
    find_invitation,
    join_family,
    revoke_invitation,
)
from parentapp.teams.models import Team
from tests.factories import Factory

TODAY = date(2026, 3, 1)
DAY = timedelta(days=1)


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """Services run inside a request (joining logs the new carer in)."""
    with app.test_request_context():
        yield


# --- infant dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date_of_birth", "due_date"),
    [
        pytest.param(TODAY, None, id="born today"),
        pytest.param(TODAY - DAY, None, id="born yesterday"),
        pytest.param(TODAY.replace(year=TODAY.year - 2), None, id="second birthday today"),
        pytest.param(None, TODAY, id="due today"),
        pytest.param(None, TODAY + MAX_DUE_AHEAD, id="due in 300 days"),
        pytest.param(None, TODAY - timedelta(days=30), id="due 30 days ago (late baby)"),
    ],
)
def test_infant_dates_accepted(ctx: None, date_of_birth: date | None, due_date: date | None):
    check_infant_dates(date_of_birth, due_date, TODAY)


@pytest.mark.parametrize(
    ("date_of_birth", "due_date", "field", "message"),
    [
        pytest.param(TODAY + DAY, None, "date_of_birth", "past two years", id="born tomorrow"),
        pytest.param(
            TODAY.replace(year=TODAY.year - 2) - DAY,
            None,
            "date_of_birth",
            "past two years",
            id="second birthday yesterday",
        ),
        pytest.param(None, TODAY + MAX_DUE_AHEAD + DAY, "due_date", "ten months", id="due in 301"),
        pytest.param(None, TODAY - timedelta(days=31), "due_date", "ten months", id="due 31 ago"),
        pytest.param(TODAY, TODAY + DAY, "due_date", "not both", id="both given"),
        pytest.param(None, None, "date_of_birth", "date of birth or a due date", id="neither"),
    ],
)
def test_infant_dates_refused(
    ctx: None, date_of_birth: date | None, due_date: date | None, field: str, message: str
):
    with pytest.raises(DomainError) as raised:
        check_infant_dates(date_of_birth, due_date, TODAY)
    assert raised.value.field == field
    assert message in raised.value.message


def test_the_bounds_are_the_documented_ones():
    assert timedelta(days=300) == MAX_DUE_AHEAD


@pytest.mark.parametrize(
    ("today", "earliest"),
    [
        (date(2026, 11, 23), date(2024, 11, 23)),
        (date(2028, 2, 29), date(2026, 3, 1)),
        (date(2026, 3, 1), date(2024, 3, 1)),
    ],
)
def test_earliest_birth_date_is_the_second_birthday(today: date, earliest: date):
    assert earliest_birth_date(today) == earliest


# --- invitation codes ------------------------------------------------------------------------

CANONICAL = "ABCDEFGHJKMN"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ABCD-EFGH-JKMN", CANONICAL),
        ("abcd-efgh-jkmn", CANONICAL),
        ("abcd efgh jkmn", CANONICAL),
        ("  ABCDEFGHJKMN \n", CANONICAL),
        ("ab-cd-ef-gh-jk-mn", CANONICAL),
        ("aBcD EfGh-JkMn", CANONICAL),
        ("ILOU-ilou-0000", "110V110V0000"),  # look-alikes read as 1, 1, 0 and V
        ("O1L0-UVWX-YZ23", "0110VVWXYZ23"),
    ],
)
def test_normalise_accepts_what_people_type(typed: str, expected: str):
    assert codes.normalise(typed) == expected
    assert codes.code_hash(typed) == codes.code_hash(expected)


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("", id="empty"),
        pytest.param("ABCD-EFGH-JKM", id="11 characters"),
        pytest.param("ABCD-EFGH-JKMNP", id="13 characters"),
        pytest.param("ABCD-EFGH-JKMN-ABCD-EFGH-JKMN", id="two codes"),
        pytest.param("ABCD-EFGH-JKM\u00c9", id="accented letter"),
        pytest.param("\u0410BCD-EFGH-JKMN", id="Cyrillic A"),
        pytest.param("\u0391BCD-EFGH-JKMN", id="Greek Alpha"),
        pytest.param("\uff21BCD-EFGH-JKMN", id="full-width A"),
        pytest.param("\u0661\u0662\u0663\u0664-EFGH-JKMN", id="Arabic-Indic digits"),
        pytest.param("ABCD-EFGH-JKM!", id="punctuation instead of a character"),
    ],
)
def test_normalise_refuses_what_cannot_be_a_code(typed: str):
    assert codes.normalise(typed) is None
    with pytest.raises(ValueError):
        codes.code_hash(typed)


def test_new_codes_are_grouped_and_normalise_to_themselves():
    for _ in range(50):
        code = codes.new_code()
        assert len(code) == 14 and code[4] == code[9] == "-"
        canonical = codes.normalise(code)
        assert canonical == code.replace("-", "")
        assert set(canonical) <= set(codes.ALPHABET)
        assert not set(canonical) & set("ILOU")


# --- finding invitations ---------------------------------------------------------------------


@pytest.fixture
def family(make: Factory) -> Family:
    team = make.team()
    return make.family(team, make.user(Role.CLINICIAN, team))


def _clinician(db: Session, family: Family) -> User:
    clinician = db.get(User, family.assigned_clinician_id)
    assert clinician is not None
    return clinician


def _invitation(make: Factory, db: Session, family: Family, **kw: Any) -> tuple[Invitation, str]:
    return make.invitation(family, by=_clinician(db, family), **kw)


def test_find_invitation_accepts_a_live_code_however_typed(
    ctx: None, make: Factory, db: Session, family: Family
):
    invitation, code = _invitation(make, db, family)
    for typed in (code, code.lower(), code.replace("-", " "), f" {code.replace('-', '')} "):
        assert find_invitation(db, typed).id == invitation.id


def test_find_invitation_explains_each_problem_differently(
    ctx: None, make: Factory, db: Session, family: Family
):
    now = utcnow()
    _, used = _invitation(make, db, family, used_at=now)
    _, revoked = _invitation(make, db, family, revoked_at=now)
    _, expired = _invitation(make, db, family, expires_in=-timedelta(minutes=1))
    cases = {
        "mistyped": ("ABCD-EFGH", "not quite right"),
        "unknown": (codes.new_code(), "could not find that code"),
        "used": (used, "already been used"),
        "revoked": (revoked, "cancelled"),
        "expired": (expired, "expired"),
    }
    messages = {}
    for name, (typed, expected) in cases.items():
        with pytest.raises(InvitationError) as raised:
            find_invitation(db, typed)
        assert expected in raised.value.message, name
        assert raised.value.field == "code"
        messages[name] = raised.value.message
    assert len(set(messages.values())) == len(cases), messages


# --- joining ---------------------------------------------------------------------------------


def _count(db: Session, model: type) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(model)).one()


def _join(db: Session, invitation: Invitation, email: str, **kw: Any) -> User:
    fields: dict[str, Any] = {
        "display_name": "Sam",
        "password": "a long pass phrase",
        "carer_role": CarerRole.CO_PARENT,
        "carer_role_other": None,
    }
    fields.update(kw)
    return join_family(
        session=db,
        invitation_id=invitation.id or 0,
        email=email,
        **fields,
    )


def test_join_family_creates_the_carer_and_uses_up_the_invitation(
    ctx: None, make: Factory, db: Session, family: Family
):
    invitation, _ = _invitation(make, db, family)
    user = _join(db, invitation, "sam@example.org")
    db.expire_all()
    carer = db.exec(select(Carer).where(Carer.user_id == user.id)).one()
    assert (carer.family_id, carer.invitation_id, carer.carer_role) == (
        family.id,
        invitation.id,
        CarerRole.CO_PARENT.value,
    )
    assert user.role == Role.CARER
    stored = db.get(Invitation, invitation.id)
    assert stored is not None and stored.used_by_id == user.id and stored.used_at is not None


def test_joining_starts_the_weekly_checkin_due_at_once(
    ctx: None, make: Factory, db: Session, family: Family
):
    # A step the check-ins domain adds when the app is built: families does not know it.
    invitation, _ = _invitation(make, db, family)
    user = _join(db, invitation, "sam@example.org")
    carer = db.exec(select(Carer).where(Carer.user_id == user.id)).one()
    schedules = db.exec(select(Schedule).where(Schedule.carer_id == carer.id)).all()
    assert [(s.instrument_id, s.interval_days, s.active) for s in schedules] == [
        ("weekly", 7, True)
    ]


def test_a_join_that_fails_starts_no_checkin(ctx: None, make: Factory, db: Session, family: Family):
    invitation, _ = _invitation(make, db, family, revoked_at=utcnow())
    with pytest.raises(InvitationError):
        _join(db, invitation, "sam@example.org")
    assert _count(db, Schedule) == 0


@pytest.mark.parametrize("state", ["expired", "used", "revoked"])
def test_join_family_refuses_a_dead_invitation(
    ctx: None, make: Factory, db: Session, family: Family, state: str
):
    cases: dict[str, dict[str, Any]] = {
        "expired": {"expires_in": -timedelta(seconds=1)},
        "used": {"used_at": utcnow()},
        "revoked": {"revoked_at": utcnow()},
    }
    kw = cases[state]
    invitation, _ = _invitation(make, db, family, **kw)
    users = _count(db, User)
    with pytest.raises(InvitationError):
        _join(db, invitation, "late@example.org")
    assert _count(db, User) == users
    assert _count(db, Carer) == 0


@pytest.mark.parametrize("words", [None, "", "   "])
def test_join_family_as_other_needs_words(
    ctx: None, make: Factory, db: Session, family: Family, words: str | None
):
    invitation, _ = _invitation(make, db, family)
    users = _count(db, User)
    with pytest.raises(DomainError) as raised:
        _join(
            db, invitation, "other@example.org", carer_role=CarerRole.OTHER, carer_role_other=words
        )
    assert raised.value.field == "carer_role_other"
    assert _count(db, User) == users
    db.refresh(invitation)
    assert invitation.used_at is None  # still usable once the words are given

    user = _join(
        db,
        invitation,
        "other@example.org",
        carer_role=CarerRole.OTHER,
        carer_role_other="  Aunt, living with us ",
    )
    carer = db.exec(select(Carer).where(Carer.user_id == user.id)).one()
    assert (carer.carer_role, carer.carer_role_other) == ("other", "Aunt, living with us")


def test_words_for_other_are_dropped_for_a_named_role(
    ctx: None, make: Factory, db: Session, family: Family
):
    invitation, _ = _invitation(make, db, family)
    user = _join(
        db, invitation, "dad@example.org", carer_role=CarerRole.FATHER, carer_role_other="stray"
    )
    carer = db.exec(select(Carer).where(Carer.user_id == user.id)).one()
    assert carer.carer_role_other is None


def test_a_second_carer_with_a_claimed_code_is_refused(
    ctx: None, make: Factory, db: Session, family: Family
):
    invitation, _ = _invitation(make, db, family)
    _join(db, invitation, "first@example.org")
    users = _count(db, User)

    with Session(db.get_bind(), expire_on_commit=False) as second, pytest.raises(InvitationError):
        _join(second, invitation, "second@example.org")

    assert _count(db, User) == users
    assert _count(db, Carer) == 1


def test_two_carers_racing_for_one_code_only_one_joins(
    app: Flask, make: Factory, db: Session, family: Family
):
    """Both passed the code check before either joined: the atomic claim decides."""
    invitation, _ = _invitation(make, db, family)
    with Session(db.get_bind(), expire_on_commit=False) as second:
        # The second carer's request read the invitation while it was still pending...
        stale = second.get(Invitation, invitation.id)
        assert stale is not None and stale.used_at is None
        with app.test_request_context():
            _join(db, invitation, "first@example.org")
        users = _count(db, User)
        # ...and submits after the first carer has claimed it.
        with app.test_request_context(), pytest.raises(InvitationError) as raised:
            _join(second, invitation, "second@example.org")
        # The stale read passed the up-front check; the conditional UPDATE refused the claim.
        assert "already been used" in raised.value.message
        assert "log in instead" not in raised.value.message

    assert _count(db, User) == users
    assert db.exec(select(User).where(User.email == "second@example.org")).first() is None
    carers = db.exec(select(Carer)).all()
    assert [c.user_id for c in carers] == [
        db.exec(select(User.id).where(User.email == "first@example.org")).one()
    ]


# --- creating and revoking invitations -------------------------------------------------------


def test_revoking_another_familys_invitation_is_not_found(
    ctx: None, make: Factory, db: Session, family: Family
):
    team = db.get(Team, family.team_id)
    assert team is not None
    other_family = make.family(team, _clinician(db, family))
    theirs, code = _invitation(make, db, other_family)

    with pytest.raises(NotFoundError):
        revoke_invitation(
            session=db, actor=_clinician(db, family), family=family, invitation_id=theirs.id or 0
        )
    with pytest.raises(NotFoundError):
        revoke_invitation(
            session=db, actor=_clinician(db, family), family=family, invitation_id=999999
        )

    db.expire_all()
    assert find_invitation(db, code).revoked_at is None  # still works


def test_revoking_stops_the_code_and_a_used_invitation_cannot_be_revoked(
    ctx: None, make: Factory, db: Session, family: Family
):
    clinician = _clinician(db, family)
    invitation, code = _invitation(make, db, family)
    revoke_invitation(session=db, actor=clinician, family=family, invitation_id=invitation.id or 0)
    with pytest.raises(InvitationError):
        find_invitation(db, code)

    used, _ = _invitation(make, db, family, used_at=utcnow())
    with pytest.raises(DomainError, match="already been used"):
        revoke_invitation(session=db, actor=clinician, family=family, invitation_id=used.id or 0)


@pytest.mark.parametrize("days", [3, 1, 30])
def test_invitations_expire_after_the_teams_setting(
    ctx: None, make: Factory, db: Session, days: int
):
    team = make.team(invite_expiry_days=days)
    clinician = make.user(Role.CLINICIAN, team)
    family = make.family(team, clinician)

    before = utcnow()
    invitation, code = create_invitation(session=db, actor=clinician, family=family)
    after = utcnow()

    assert before + timedelta(days=days) <= invitation.expires_at <= after + timedelta(days=days)
    assert invitation.code_hash == codes.code_hash(code)
    assert code not in {invitation.code_hash, invitation.invitee_note}


def test_invitations_default_to_fourteen_days(ctx: None, make: Factory, db: Session):
    team = make.team()
    clinician = make.user(Role.CLINICIAN, team)
    invitation, _ = create_invitation(
        session=db, actor=clinician, family=make.family(team, clinician)
    )
    assert invitation.expires_at - invitation.created_at == pytest.approx(
        timedelta(days=14), abs=timedelta(seconds=5)
    )
