"""The rules a new password is held to: length by role, the common-password list, the person's
own name and email; and every way an account gets a password applies the right ones."""

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func
from sqlmodel import Session, select

from parentapp.accounts import passwords
from parentapp.accounts.models import Role, User
from parentapp.accounts.passwords import COMMON_PASSWORDS, password_problem
from parentapp.accounts.services import create_user
from parentapp.errors import DomainError
from parentapp.families.roles import CarerRole
from parentapp.families.services import create_invitation, join_family
from tests.conftest import LoginAs
from tests.factories import Factory

# Long enough to cut a password of any tested length from; no common password, name or email.
PHRASE = "tulips along the canal bank in the early spring light " * 3

STAFF_ROLES = [Role.CLINICIAN, Role.LEAD, Role.ADMIN]


def _of_length(n: int) -> str:
    password = PHRASE[:n]
    assert len(password) == n
    return password


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    with app.test_request_context():
        yield


def _count(db: Session) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(User)).one()


# --- length ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("staff", "length", "problem"),
    [
        (True, 11, "too_short"),
        (True, 12, None),
        (True, 13, None),
        (False, 7, "too_short"),
        (False, 8, None),
        (False, 9, None),
        (True, 64, None),
        (False, 64, None),
        (True, 128, None),
        (False, 128, None),
        (True, 129, "too_long"),
        (False, 129, "too_long"),
    ],
)
def test_length_thresholds(staff: bool, length: int, problem: str | None):
    assert password_problem(_of_length(length), staff=staff) == problem


def test_no_composition_rules():
    # Lower-case letters and spaces only: nothing else is asked for.
    assert password_problem("tulips by the canal", staff=True) is None


# --- common passwords ------------------------------------------------------------------------


def test_the_common_list_holds_at_least_ten_thousand_passwords():
    assert len(COMMON_PASSWORDS) >= 10_000
    assert all(password == password.lower() for password in COMMON_PASSWORDS)


@pytest.mark.parametrize("password", ["password", "qwerty123", "iloveyou", "letmein"])
@pytest.mark.parametrize("staff", [True, False])
def test_well_known_passwords_are_refused(password: str, staff: bool):
    assert password in COMMON_PASSWORDS
    # "letmein" is short as well: refused whichever rule meets it first.
    assert password_problem(password, staff=staff) is not None


@pytest.mark.parametrize("password", ["password", "Qwerty123", "ILOVEYOU", "00000000"])
def test_common_passwords_long_enough_for_a_carer_are_refused_as_common(password: str):
    assert password_problem(password, staff=False) == "common"


def test_a_common_password_long_enough_for_staff_is_refused_as_common():
    assert password_problem("QwertyUiop123", staff=True) == "common"


def test_an_ordinary_passphrase_is_accepted():
    assert password_problem("kettle on, curtains open", staff=True) is None
    assert password_problem("kettle on, curtains open", staff=False) is None


# --- the person's own name and email ---------------------------------------------------------

EMAIL = "amara.okafor@example.org"
NAME = "Dr Amara Okafor"


@pytest.mark.parametrize(
    "password",
    [
        pytest.param("AMARA.OKAFOR@example.ORG", id="the email"),
        pytest.param("Amara.Okafor", id="the email's local part"),
        pytest.param("dr amara okafor", id="the name"),
        pytest.param("dr  AMARA  okafor", id="the name, spaced out"),
        pytest.param("I am Dr Amara Okafor!", id="contains the name"),
        pytest.param("dramaraokafor2026", id="contains the name written together"),
        pytest.param("my amara.okafor secret", id="contains the local part"),
    ],
)
@pytest.mark.parametrize("staff", [True, False])
def test_the_persons_own_name_or_email_is_refused(password: str, staff: bool):
    assert password_problem(password, staff=staff, email=EMAIL, name=NAME) == "personal"


def test_a_short_name_or_local_part_may_appear_inside_a_password():
    # "Jo" and "jo@" are too short to refuse every password that happens to contain them.
    assert (
        password_problem("enjoy the jolly walk", staff=False, email="jo@example.org", name="Jo")
        is None
    )
    assert password_problem("jo", staff=False, email="jo@example.org", name="Jo") == "too_short"


def test_a_name_of_four_letters_is_refused_inside_a_password():
    assert (
        password_problem("annahasababy", staff=False, email="a@example.org", name="Anna")
        == "personal"
    )


# --- every way an account gets a password ----------------------------------------------------


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_create_user_holds_staff_to_twelve_characters(
    ctx: None, make: Factory, db: Session, role: Role
):
    team = make.team()
    with pytest.raises(DomainError) as raised:
        create_user(
            session=db,
            email="new@example.org",
            display_name="New Person",
            password=_of_length(11),
            role=role,
            team_id=team.id,
        )
    assert raised.value.field == "password"
    assert raised.value.message.startswith("Use at least 12 characters.")
    db.rollback()
    assert _count(db) == 0
    user = create_user(
        session=db,
        email="new@example.org",
        display_name="New Person",
        password=_of_length(12),
        role=role,
        team_id=team.id,
    )
    assert user.role == role.value


def test_create_user_holds_carers_to_eight_characters(ctx: None, db: Session):
    with pytest.raises(DomainError) as raised:
        create_user(
            session=db,
            email="carer@example.org",
            display_name="Sam",
            password=_of_length(7),
            role=Role.CARER,
        )
    assert raised.value.message.startswith("Use at least 8 characters.")
    db.rollback()
    assert _count(db) == 0
    create_user(
        session=db,
        email="carer@example.org",
        display_name="Sam",
        password=_of_length(8),
        role=Role.CARER,
    )
    assert _count(db) == 1


def test_the_too_long_message_names_the_maximum(ctx: None, db: Session):
    with pytest.raises(DomainError) as raised:
        create_user(
            session=db,
            email="carer@example.org",
            display_name="Sam",
            password=_of_length(129),
            role=Role.CARER,
        )
    assert raised.value.message == "Use at most 128 characters."


def test_a_carer_joining_by_invitation_may_use_eight_characters(
    ctx: None, make: Factory, db: Session
):
    team = make.team()
    clinician = make.user(Role.CLINICIAN, team)
    family = make.family(team, clinician)
    invitation, _code = create_invitation(session=db, family=family, actor=clinician)

    def join(password: str) -> User:
        return join_family(
            session=db,
            invitation_id=invitation.id or 0,
            email="sam@example.org",
            display_name="Sam",
            password=password,
            carer_role=CarerRole.CO_PARENT,
            carer_role_other=None,
        )

    with pytest.raises(DomainError) as raised:
        join(_of_length(7))
    assert raised.value.message.startswith("Use at least 8 characters.")
    db.rollback()
    assert join(_of_length(8)).role == Role.CARER.value


def test_an_administrator_creating_staff_is_held_to_twelve_characters(
    make: Factory, db: Session, login_as: LoginAs
):
    team = make.team()
    client: FlaskClient = login_as(make.user(Role.ADMIN))
    before = _count(db)
    form = {
        "email": "new.clinician@example.org",
        "display_name": "New Clinician",
        "role": "clinician",
        "team_id": str(team.id),
    }
    short = client.post("/admin/users", data={**form, "password": _of_length(11)})
    assert short.status_code == 400
    assert "Use at least 12 characters." in short.get_data(as_text=True)
    assert _count(db) == before
    ok = client.post("/admin/users", data={**form, "password": _of_length(12)})
    assert ok.status_code == 302
    assert _count(db) == before + 1


def test_the_minimums_are_the_documented_ones():
    assert passwords.min_length(staff=True) == 12
    assert passwords.min_length(staff=False) == 8
    assert passwords.MAX_LENGTH == 128
