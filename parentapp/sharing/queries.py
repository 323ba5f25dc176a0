"""Reads about shares: what a carer may share, their shares with their state and openings, and
what a share shows its recipient."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from parentapp.accounts.models import User
from parentapp.checkins.charts import Chart, line_chart
from parentapp.checkins.models import CheckIn
from parentapp.checkins.queries import InstrumentHistory, by_instrument
from parentapp.families.models import Carer, Family
from parentapp.sharing.models import Share, ShareOpening
from parentapp.sharing.vocab import Status
from parentapp.teams.models import Team
from parentapp.triage.models import Flag
from parentapp.triage.vocab import FlagState

# The trend shared covers this long before the share was made: enough to show a direction,
# no more history than a professional needs.
TREND_WINDOW = timedelta(weeks=12)
# The notes a carer is offered to choose from: their latest ones.
NOTES_OFFERED = 20


def status(share: Share, now: datetime) -> Status:
    """Whether the link still opens, and if not, why (for the carer and the clinician only)."""
    if share.locked_at is not None:
        return Status.LOCKED
    if share.revoked_at is not None:
        return Status.REVOKED
    if now >= share.expires_at:
        return Status.EXPIRED
    return Status.ACTIVE


@dataclass(frozen=True)
class ClinicianSummary:
    """The clinician's last closed concern about the carer: what it was, what they did, who
    and when. Never the free-text note, which the carer has not seen."""

    flag: Flag
    clinician_name: str


def last_clinician_summary(
    session: Session, carer_id: int, before: datetime | None = None
) -> ClinicianSummary | None:
    """The carer's most recently closed flag (not a safeguarding one), closed before
    ``before`` when given; None when there is none."""
    query = (
        select(Flag, User.display_name)
        .join(User, col(User.id) == Flag.closed_by_id)
        .where(
            Flag.carer_id == carer_id,
            Flag.state == FlagState.CLOSED.value,
            col(Flag.safeguarding).is_(False),
            col(Flag.outcome).is_not(None),
        )
        .order_by(col(Flag.closed_at).desc(), col(Flag.id).desc())
    )
    if before is not None:
        query = query.where(col(Flag.closed_at) <= before)
    found = session.exec(query).first()
    return ClinicianSummary(found[0], found[1]) if found is not None else None


@dataclass(frozen=True)
class Shareable:
    """What a carer may choose to share now."""

    instruments: list[InstrumentHistory]
    notes: list[CheckIn]
    clinician_summary: ClinicianSummary | None


def shareable(session: Session, carer: Carer, now: datetime) -> Shareable:
    """The carer's questionnaires with check-ins in the trend window, their latest notes, and
    the clinician's last summary if there is one."""
    checkins = session.exec(
        select(CheckIn).where(
            CheckIn.carer_id == carer.id, CheckIn.submitted_at >= now - TREND_WINDOW
        )
    ).all()
    notes = session.exec(
        select(CheckIn)
        .where(CheckIn.carer_id == carer.id, col(CheckIn.note).is_not(None), CheckIn.note != "")
        .order_by(col(CheckIn.submitted_at).desc(), col(CheckIn.id).desc())
        .limit(NOTES_OFFERED)
    ).all()
    return Shareable(
        instruments=by_instrument(session, checkins),
        notes=list(notes),
        clinician_summary=last_clinician_summary(session, carer.id or 0),
    )


@dataclass(frozen=True)
class ShareRow:
    share: Share
    status: Status
    openings: list[datetime]
    carer_name: str = ""


def _rows(session: Session, found: list[tuple[Share, str]], now: datetime) -> list[ShareRow]:
    ids = [share.id for share, _name in found]
    opened: dict[int, list[datetime]] = {}
    for share_id, at in session.exec(
        select(ShareOpening.share_id, ShareOpening.opened_at)
        .where(col(ShareOpening.share_id).in_(ids))
        .order_by(col(ShareOpening.opened_at).desc())
    ):
        opened.setdefault(share_id, []).append(at)
    return [
        ShareRow(share, status(share, now), opened.get(share.id or 0, []), name)
        for share, name in found
    ]


def carer_shares(session: Session, carer: Carer, now: datetime) -> list[ShareRow]:
    """The carer's own shares, newest first, with their state and openings."""
    found = session.exec(
        select(Share, User.display_name)
        .join(User, col(User.id) == Share.created_by_id)
        .where(Share.carer_id == carer.id)
        .order_by(col(Share.created_at).desc(), col(Share.id).desc())
    ).all()
    return _rows(session, [(s, n) for s, n in found], now)


def family_shares(session: Session, family: Family, now: datetime) -> list[ShareRow]:
    """Every share of the family's carers, newest first, named by carer."""
    found = session.exec(
        select(Share, User.display_name)
        .join(Carer, col(Carer.id) == Share.carer_id)
        .join(User, col(User.id) == Carer.user_id)
        .where(Share.family_id == family.id)
        .order_by(col(Share.created_at).desc(), col(Share.id).desc())
    ).all()
    return _rows(session, [(s, n) for s, n in found], now)


@dataclass(frozen=True)
class SharedSummary:
    """What the recipient reads: only what the share was made with."""

    share: Share
    carer_name: str
    team_name: str
    instruments: list[InstrumentHistory]
    charts: dict[str, Chart]
    notes: list[CheckIn]
    clinician_summary: ClinicianSummary | None
    created_by_staff: bool = False


def shared_summary(session: Session, share: Share) -> SharedSummary:
    """The share's content, read now but bounded by what was chosen and by when it was made
    (nothing answered, written or closed after that is shown)."""
    carer = session.get_one(Carer, share.carer_id)
    user = session.get_one(User, carer.user_id)
    family = session.get_one(Family, carer.family_id)
    team = session.get_one(Team, family.team_id)
    checkins = (
        session.exec(
            select(CheckIn).where(
                CheckIn.carer_id == carer.id,
                col(CheckIn.instrument_id).in_(share.instruments),
                CheckIn.submitted_at >= share.trend_since,
                CheckIn.submitted_at <= share.created_at,
            )
        ).all()
        if share.instruments
        else []
    )
    groups = by_instrument(session, checkins)
    notes = (
        session.exec(
            select(CheckIn)
            .where(CheckIn.carer_id == carer.id, col(CheckIn.id).in_(share.note_ids))
            .order_by(col(CheckIn.submitted_at), col(CheckIn.id))
        ).all()
        if share.note_ids
        else []
    )
    summary = (
        last_clinician_summary(session, carer.id or 0, before=share.created_at)
        if share.clinician_summary
        else None
    )
    return SharedSummary(
        share=share,
        carer_name=user.display_name,
        team_name=team.name,
        instruments=groups,
        charts={g.instrument_id: line_chart(g.points, g.max_value) for g in groups if g.points},
        notes=[n for n in notes if n.note],
        clinician_summary=summary,
        created_by_staff=share.created_by_id != carer.user_id,
    )
