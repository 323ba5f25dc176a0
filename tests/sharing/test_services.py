"""The rules of a share: how long it lasts (1 to 14 days), when it stops opening (expiry to
the second, revocation, the fifth wrong code), who may make and stop one, and what it holds."""

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from parentapp.audit.models import AuditEvent
from parentapp.db import utcnow
from parentapp.errors import DomainError, NotFoundError
from parentapp.families.models import Carer
from parentapp.sharing import services
from parentapp.sharing.models import Share, ShareOpening
from parentapp.sharing.queries import shared_summary, status
from parentapp.triage.models import Flag
from tests.sharing.conftest import Sharing, choices, make_share, share_row, submit, token_of


def _actions(db: Session, action: str) -> list[AuditEvent]:
    db.expire_all()
    return list(db.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


@pytest.mark.parametrize("days", [1, 14])
def test_a_share_lasts_from_one_to_fourteen_days(
    app: Flask, db: Session, world: Sharing, days: int
):
    now = utcnow()
    created = make_share(app, db, world, now=now, days=days)

    assert created.share.expires_at == now + timedelta(days=days)


@pytest.mark.parametrize("days", [0, 15, -1])
def test_no_share_for_zero_days_or_more_than_fourteen(
    app: Flask, db: Session, world: Sharing, days: int
):
    with pytest.raises(DomainError) as refused:
        make_share(app, db, world, days=days)

    assert refused.value.field == "days"
    db.rollback()
    assert db.exec(select(Share)).all() == []


def test_the_link_opens_until_one_second_before_expiry(app: Flask, db: Session, world: Sharing):
    now = utcnow()
    created = make_share(app, db, world, now=now, days=7)
    token = token_of(app, db, created.share)
    expires = created.share.expires_at

    with app.test_request_context():
        opened = services.open_share(
            db, token=token, code=created.code, now=expires - timedelta(seconds=1)
        )
        assert opened.id == created.share.id
        for moment in (expires, expires + timedelta(seconds=1)):
            with pytest.raises(services.ShareUnavailableError):
                services.open_share(db, token=token, code=created.code, now=moment)

    assert status(share_row(db, created.share.id), expires) == "expired"
    assert [e.detail for e in _actions(db, "share.link_refused")] == ["expired", "expired"]


def test_the_fifth_wrong_code_locks_the_share(app: Flask, db: Session, world: Sharing):
    created = make_share(app, db, world)
    token = token_of(app, db, created.share)

    with app.test_request_context():
        for _ in range(4):
            with pytest.raises(services.WrongCodeError):
                services.open_share(db, token=token, code="ZZZZ-ZZZZ", now=utcnow())
        # Four wrong codes: the right one still opens it.
        services.open_share(db, token=token, code=created.code, now=utcnow())
        with pytest.raises(services.ShareUnavailableError):  # the fifth wrong code
            services.open_share(db, token=token, code="ZZZZ-ZZZZ", now=utcnow())
        with pytest.raises(services.ShareUnavailableError):  # the right code, too late
            services.open_share(db, token=token, code=created.code, now=utcnow())

    share = share_row(db, created.share.id)
    assert share.failed_codes == 5 and share.locked_at is not None
    assert status(share, utcnow()) == "locked"
    assert len(_actions(db, "share.code_refused")) == 5
    assert len(_actions(db, "share.locked")) == 1
    assert len(db.exec(select(ShareOpening)).all()) == 1


def test_the_code_is_read_as_typed_aloud(app: Flask, db: Session, world: Sharing):
    created = make_share(app, db, world)
    token = token_of(app, db, created.share)
    typed = " " + created.code.lower().replace("-", " ") + " "

    with app.test_request_context():
        services.open_share(db, token=token, code=typed, now=utcnow())


def test_neither_token_nor_code_is_stored(app: Flask, db: Session, world: Sharing):
    created = make_share(app, db, world)
    token = token_of(app, db, created.share)
    share = share_row(db, created.share.id)

    assert len(token) >= 43
    assert token not in share.token_hash and created.code.replace("-", "") not in share.code_hash
    assert len(share.token_hash) == len(share.code_hash) == 64


def test_revoked_is_refused_at_once(app: Flask, db: Session, world: Sharing):
    created = make_share(app, db, world)
    token = token_of(app, db, created.share)

    with app.test_request_context():
        services.revoke_share(
            session=db, actor=world.carer_user, share_id=created.share.id or 0, now=utcnow()
        )
        with pytest.raises(services.ShareUnavailableError):
            services.open_share(db, token=token, code=created.code, now=utcnow())

    assert len(_actions(db, "share.revoked")) == 1


@pytest.mark.parametrize("who", ["co_carer", "other_team_clinician"])
def test_nobody_else_stops_or_makes_a_carers_share(
    app: Flask, db: Session, world: Sharing, who: str
):
    created = make_share(app, db, world)
    actor = getattr(world, who)

    with app.test_request_context():
        with pytest.raises(NotFoundError):
            services.revoke_share(
                session=db, actor=actor, share_id=created.share.id or 0, now=utcnow()
            )
        with pytest.raises(NotFoundError):
            services.create_share(
                session=db,
                actor=actor,
                carer=world.carer,
                choices=choices(),
                now=utcnow(),
                agreed=True,
                agreed_how="phone",
            )

    assert share_row(db, created.share.id).revoked_at is None
    assert len(db.exec(select(Share)).all()) == 1


def test_a_clinician_shares_only_with_the_carers_agreement_recorded(
    app: Flask, db: Session, world: Sharing
):
    def share(**agreement: object) -> services.Created:
        return services.create_share(
            session=db,
            actor=world.clinician,
            carer=world.carer,
            choices=choices(),
            now=utcnow(),
            **agreement,  # type: ignore[arg-type]
        )

    with app.test_request_context():
        with pytest.raises(DomainError) as no_tick:
            share(agreed=False, agreed_how="phone")
        db.rollback()
        with pytest.raises(DomainError) as no_how:
            share(agreed=True, agreed_how=None)
        db.rollback()
        made = share(agreed=True, agreed_how="in_person")

    assert (no_tick.value.field, no_how.value.field) == ("agreed", "agreed_how")
    assert share_row(db, made.share.id).agreed_how == "in_person"
    assert "agreed=in_person" in (_actions(db, "share.created")[0].detail or "")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"instruments": [], "note_ids": []}, "instruments"),
        ({"instruments": ["phq9"]}, "instruments"),
        ({"note_ids": [999999]}, "note_ids"),
        ({"clinician_summary": True}, "clinician_summary"),  # there is none yet
        ({"recipient_role": "police"}, "recipient_role"),
        ({"locale": "xx"}, "locale"),
    ],
)
def test_only_what_the_carer_has_can_be_shared(
    app: Flask, db: Session, world: Sharing, changes: dict[str, Any], field: str
):
    with pytest.raises(DomainError) as refused:
        make_share(app, db, world, **changes)

    assert refused.value.field == field
    db.rollback()
    assert db.exec(select(Share)).all() == []


def test_the_summary_holds_only_what_was_chosen_when_it_was_shared(
    app: Flask, db: Session, world: Sharing
):
    created = make_share(app, db, world, instruments=[], note_ids=[world.noted.id])
    submit(app, db, world.carer, note="Written after the share")

    with app.test_request_context():
        summary = shared_summary(db, share_row(db, created.share.id))

    assert summary.instruments == []
    assert [n.id for n in summary.notes] == [world.noted.id]
    assert summary.clinician_summary is None
    assert summary.team_name == "Riverside Perinatal Team"


def test_the_trend_stops_at_the_day_it_was_shared(app: Flask, db: Session, world: Sharing):
    created = make_share(app, db, world)
    submit(app, db, world.carer)

    with app.test_request_context():
        summary = shared_summary(db, share_row(db, created.share.id))

    assert [c.id for c in summary.instruments[0].checkins] == [c.id for c in world.checkins]


def test_the_clinicians_summary_is_never_a_safeguarding_flag_nor_their_note(
    app: Flask, db: Session, world: Sharing, client: FlaskClient
):
    now = utcnow()

    def closed(category: str, *, safeguarding: bool, at: timedelta) -> Flag:
        flag = Flag(
            team_id=world.family.team_id,
            family_id=world.family.id or 0,
            carer_id=world.carer.id or 0,
            owner_id=world.clinician.id or 0,
            category=category,
            severity="concern",
            safeguarding=safeguarding,
            rule_id="test",
            ruleset_version="test",
            state="closed",
            closed_at=now - at,
            closed_by_id=world.clinician.id,
            outcome="contacted",
            outcome_note="Private working note for the team",
        )
        db.add(flag)
        db.commit()
        return flag

    closed("mood", safeguarding=False, at=timedelta(days=3))
    closed("harm_to_baby", safeguarding=True, at=timedelta(days=1))
    created = make_share(app, db, world, clinician_summary=True)
    path = "/shared/" + token_of(app, db, created.share)

    html = client.post(path, data={"code": created.code}).get_data(as_text=True)

    assert "Low mood" in html and "Contacted the carer" in html and "Dr Clara Lee" in html
    assert "Thoughts of harming the baby" not in html
    assert "Private working note" not in html


def test_no_share_opens_once_the_carers_account_is_closed(app: Flask, db: Session, world: Sharing):
    created = make_share(app, db, world)
    token = token_of(app, db, created.share)
    carer = db.get(Carer, world.carer.id)
    assert carer is not None
    carer.closed_at = utcnow()
    db.add(carer)
    db.commit()

    with app.test_request_context(), pytest.raises(services.ShareUnavailableError):
        services.open_share(db, token=token, code=created.code, now=utcnow())

    assert [e.detail for e in _actions(db, "share.link_refused")] == ["account closed"]
