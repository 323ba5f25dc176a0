"""NHS numbers on carers and babies: the mod-11 check, and the family page's forms."""

from datetime import timedelta

import pytest
from flask import Flask
from sqlmodel import Session, select

from parentapp.accounts.models import Role
from parentapp.audit.models import AuditEvent
from parentapp.db import utcnow
from parentapp.errors import DomainError
from parentapp.families.models import Infant
from parentapp.families.nhs import parse_nhs_number, spaced
from tests.conftest import LoginAs
from tests.factories import Factory, carer_row


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("9434765919", "9434765919"),
        ("943 476 5919", "9434765919"),
        ("943-476-5919", "9434765919"),
        ("  ", None),
        ("", None),
        (None, None),
    ],
)
def test_valid_numbers_are_kept_as_ten_digits(app: Flask, typed: str | None, expected: str | None):
    with app.test_request_context():
        assert parse_nhs_number(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "9434765918",  # the check digit is wrong (one digit slipped)
        "9434765910",
        "943476591",  # nine digits
        "94347659190",  # eleven
        "94347659IS",
        "1234567890",  # check digit 10: no valid number has it
        "٩٤٣٤٧٦٥٩١٩",  # 9434765919 in Arabic-Indic digits: stored as typed, no system reads it
    ],
)
def test_a_slip_or_wrong_length_is_refused_on_its_field(app: Flask, typed: str):
    with app.test_request_context(), pytest.raises(DomainError) as refused:
        parse_nhs_number(typed, "nhs_number")
    assert refused.value.field == "nhs_number"


def test_numbers_are_shown_three_three_four():
    assert spaced("9434765919") == "943 476 5919"
    assert spaced(None) == ""


def test_the_clinician_records_a_babys_and_a_carers_number(
    login_as: LoginAs, make: Factory, db: Session
):
    team = make.team()
    clinician = make.user(Role.CLINICIAN, team)
    family = make.family(team, clinician)
    baby = make.infant(family, name="Ada")
    carer = carer_row(db, make.carer(family, display_name="Aisha"))
    client = login_as(clinician)

    baby_url = f"/families/{family.id}/infants/{baby.id}/nhs-number"
    assert (
        client.post(baby_url, data={f"infant-{baby.id}-nhs_number": "943 476 5919"}).status_code
        == 302
    )
    carer_url = f"/families/{family.id}/carers/{carer.id}/nhs-number"
    assert (
        client.post(carer_url, data={f"carer-{carer.id}-nhs_number": "4010232137"}).status_code
        == 302
    )

    db.expire_all()
    assert db.get_one(Infant, baby.id).nhs_number == "9434765919"
    db.refresh(carer)
    assert carer.nhs_number == "4010232137"
    page = client.get(f"/families/{family.id}").get_data(as_text=True)
    assert "943 476 5919" in page and "401 023 2137" in page
    actions = db.exec(select(AuditEvent.action).where(AuditEvent.target_type == "infant")).all()
    assert "nhs_number.set" in actions
    # The number itself is never written to the audit log.
    details = db.exec(select(AuditEvent.detail)).all()
    assert not any(d and "9434765919" in d for d in details)


def test_a_wrong_number_is_said_beside_the_field_and_changes_nothing(
    login_as: LoginAs, make: Factory, db: Session
):
    team = make.team()
    clinician = make.user(Role.CLINICIAN, team)
    family = make.family(team, clinician)
    baby = make.infant(family, name="Ada")
    client = login_as(clinician)

    answer = client.post(
        f"/families/{family.id}/infants/{baby.id}/nhs-number",
        data={f"infant-{baby.id}-nhs_number": "9434765918"},
    )

    assert answer.status_code == 400
    assert "not a valid NHS number" in answer.get_data(as_text=True)
    db.expire_all()
    assert db.get_one(Infant, baby.id).nhs_number is None


def test_another_familys_baby_is_not_found(login_as: LoginAs, make: Factory, db: Session):
    team = make.team()
    clinician = make.user(Role.CLINICIAN, team)
    family, other = make.family(team, clinician), make.family(team, clinician)
    baby = make.infant(other, name="Ben")
    client = login_as(clinician)

    answer = client.post(
        f"/families/{family.id}/infants/{baby.id}/nhs-number",
        data={f"infant-{baby.id}-nhs_number": "9434765919"},
    )

    assert answer.status_code == 404
    db.expire_all()
    assert db.get_one(Infant, baby.id).nhs_number is None


def test_a_new_baby_can_come_with_its_number(login_as: LoginAs, make: Factory, db: Session):
    team = make.team()
    clinician = make.user(Role.CLINICIAN, team)
    family = make.family(team, clinician)
    client = login_as(clinician)

    refused = client.post(
        f"/families/{family.id}/infants",
        data={"name": "Cal", "date_of_birth": "2026-12-01", "nhs_number": "12"},
    )
    assert refused.status_code == 400
    born = (utcnow().date() - timedelta(days=10)).isoformat()
    client.post(
        f"/families/{family.id}/infants",
        data={"name": "Cal", "date_of_birth": born, "nhs_number": "9434765919"},
    )

    babies = db.exec(select(Infant).where(Infant.family_id == family.id)).all()
    assert [(b.name, b.nhs_number) for b in babies] == [("Cal", "9434765919")]
