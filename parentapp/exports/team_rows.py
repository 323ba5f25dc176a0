"""What a team's CSV export reads: the FHIR export's records (``fhir_rows``, so both exports
hold the same people, check-ins and flags), and each carer's language and active schedules."""

from datetime import datetime

from sqlmodel import Session, col, select

from parentapp.accounts.models import User
from parentapp.checkins.models import Schedule
from parentapp.exports.fhir_rows import team_records
from parentapp.exports.team_csv import CsvRecords
from parentapp.families.models import Carer, Family
from parentapp.teams.models import Team


def csv_records(session: Session, team: Team, since: datetime | None = None) -> CsvRecords:
    """The team's records for the CSV tables; check-ins and flags from ``since`` on."""
    records = team_records(session, team, since)
    carer_ids = [p.carer.id for p in records.carers]
    languages = session.exec(
        select(Carer.id, User.locale)
        .join(User, col(User.id) == Carer.user_id)
        .where(col(Carer.id).in_(carer_ids))
    ).all()
    schedules = session.exec(
        select(Schedule)
        .where(col(Schedule.carer_id).in_(carer_ids), col(Schedule.active).is_(True))
        .order_by(col(Schedule.id))
    ).all()
    labels = session.exec(select(Family.id, Family.label).where(Family.team_id == team.id)).all()
    return CsvRecords(
        records=records,
        languages={carer_id or 0: locale for carer_id, locale in languages},
        schedules=list(schedules),
        family_labels={family_id or 0: label for family_id, label in labels},
    )
