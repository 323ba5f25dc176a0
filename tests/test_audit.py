"""audit.services.record_view: the one way a page records that a record was opened."""

import sqlalchemy as sa
from flask import Flask
from sqlmodel import Session, select

from parentapp.audit.models import AuditEvent
from parentapp.audit.services import record_view


def test_a_view_is_committed_with_who_and_what_but_no_contents(
    app: Flask, db: Session, engine: sa.Engine
) -> None:
    with app.test_request_context("/families/7", environ_base={"REMOTE_ADDR": "192.0.2.8"}):
        record_view(
            session=db, action="family.viewed", actor_id=None, target_type="family", target_id=7
        )

    # Another connection sees it: the row does not wait for the page's own commit.
    with Session(engine) as other:
        event = other.exec(select(AuditEvent).where(AuditEvent.action == "family.viewed")).one()
    assert (event.target_type, event.target_id, event.ip_address) == ("family", 7, "192.0.2.8")
    assert event.detail is None
