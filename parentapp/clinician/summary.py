"""The pre-session summary of a family: each carer's check-ins, flags and notes since a date."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from parentapp.accounts.models import User
from parentapp.checkins.charts import Chart, line_chart
from parentapp.checkins.models import CheckIn
from parentapp.checkins.queries import InstrumentHistory, by_instrument
from parentapp.families.models import Carer, Family
from parentapp.triage.models import Flag


@dataclass(frozen=True)
class CarerSummary:
    carer: Carer
    name: str
    instruments: list[InstrumentHistory]
    charts: dict[str, Chart]
    flags: list[Flag]
    notes: list[CheckIn]
    contact_requests: int


def family_summary(
    session: Session, family: Family, since: datetime, *, carer_id: int | None = None
) -> list[CarerSummary]:
    """Per carer (in joining order): check-ins, flags raised and notes since ``since``.

    Every carer but those whose record is restricted (a closed account); with ``carer_id``,
    that one carer only, restricted or not (the lead's reasoned view, closure/restricted).
    Three queries for the whole family, however many carers and check-ins.
    """
    which = (
        col(Carer.id) == carer_id if carer_id is not None else col(Carer.restricted_at).is_(None)
    )
    carers = session.exec(
        select(Carer, User.display_name)
        .join(User, col(User.id) == Carer.user_id)
        .where(Carer.family_id == family.id, which)
        .order_by(col(Carer.joined_at), col(Carer.id))
    ).all()
    checkins = session.exec(
        select(CheckIn)
        .where(CheckIn.family_id == family.id, CheckIn.submitted_at >= since)
        .order_by(col(CheckIn.submitted_at), col(CheckIn.id))
    ).all()
    flags = session.exec(
        select(Flag)
        .where(Flag.family_id == family.id, Flag.opened_at >= since)
        .order_by(col(Flag.opened_at), col(Flag.id))
    ).all()
    result = []
    for carer, name in carers:
        own = [c for c in checkins if c.carer_id == carer.id]
        groups = by_instrument(session, own)
        result.append(
            CarerSummary(
                carer=carer,
                name=name,
                instruments=groups,
                charts={
                    g.instrument_id: line_chart(g.points, g.max_value) for g in groups if g.points
                },
                flags=[f for f in flags if f.carer_id == carer.id],
                notes=[c for c in own if c.note],
                contact_requests=sum(1 for c in own if c.contact_requested),
            )
        )
    return result
