"""What the family page shows about each carer's check-ins: their schedules and the forms to
change them (the routes are in schedule_views)."""

from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session

from parentapp.checkins.forms import ScheduleForm, schedule_form
from parentapp.checkins.queries import ScheduleRow, family_schedules, validated_for
from parentapp.db import utcnow
from parentapp.families.blueprint import carer_role_label
from parentapp.families.models import Carer
from parentapp.families.queries import FamilyDetail
from parentapp.families.roles import CarerRole
from parentapp.instruments.registry import load_registry


@dataclass(frozen=True)
class CarerCheckins:
    schedules: list[ScheduleRow]
    form: ScheduleForm
    # Some questionnaire on offer is not validated for this carer's role: show the override box.
    needs_override: bool
    role: str


def carer_schedule_form(
    session: Session, carer: Carer, **kwargs: object
) -> tuple[ScheduleForm, bool]:
    """The add form for one carer, and whether it needs the role-override box."""
    definitions = load_registry(session).offerable()
    role = CarerRole(carer.carer_role)
    unvalidated = {d.id for d in definitions if not validated_for(d, role)}
    role_label = carer_role_label(carer)
    return schedule_form(carer.id or 0, definitions, unvalidated, role_label, **kwargs), bool(
        unvalidated
    )


def checkins_section(
    session: Session, detail: FamilyDetail, failed: Mapping[int, ScheduleForm]
) -> dict[int, CarerCheckins]:
    """carer id -> their schedules and add form (``failed`` keeps a refused form as sent)."""
    schedules = family_schedules(session, detail.family, utcnow())
    section = {}
    for row in detail.carers:
        carer_id = row.carer.id or 0
        form, needs_override = carer_schedule_form(session, row.carer, formdata=None)
        section[carer_id] = CarerCheckins(
            schedules=schedules.get(carer_id, []),
            form=failed.get(carer_id, form),
            needs_override=needs_override,
            role=carer_role_label(row.carer),
        )
    return section
