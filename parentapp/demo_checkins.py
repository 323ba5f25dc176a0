"""Demo check-ins: schedules and a few weeks of answers, loaded through the real submit
service so scores, baselines and flags are what the app itself would have made.

Safe to load again and again: schedules are created only when missing, and every check-in
carries an idempotency key, so a second run replays instead of storing anything new.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from parentapp.accounts.services import user_by_email
from parentapp.checkins.models import Schedule
from parentapp.checkins.services import submit_checkin
from parentapp.db import utcnow
from parentapp.families.models import Carer
from parentapp.teams.contacts import add_default_contacts, team_contacts
from parentapp.teams.models import Team

PHQ9 = [f"q{n}" for n in range(1, 10)]
GAD7 = [f"q{n}" for n in range(1, 8)]


def weekly(
    mood: int,
    worry: int,
    sleep: int,
    coping: int,
    support: int = 3,
    closeness: int = 3,
    *,
    contact: bool = False,
    note: str = "",
) -> dict[str, str]:
    return {
        "mood": str(mood),
        "worry": str(worry),
        "sleep": str(sleep),
        "coping": str(coping),
        "support": str(support),
        "closeness": str(closeness),
        "self_harm": "0",
        "harm_to_baby": "0",
        "contact": "true" if contact else "false",
        "note": note,
    }


def items(link_ids: Sequence[str], codes: str) -> dict[str, str]:
    """ "1102..." -> q1=1, q2=1, q3=0, q4=2 ..."""
    return dict(zip(link_ids, codes, strict=True))


@dataclass(frozen=True)
class Plan:
    email: str
    # instrument id -> interval in days
    schedules: dict[str, int]
    # (days ago, instrument id, answers), oldest first
    checkins: tuple[tuple[int, str, dict[str, str]], ...] = ()
    starts_days_ago: int = 43


PLANS = (
    # Aisha: getting better over six weeks of weekly check-ins, PHQ-9 and GAD-7 fortnightly.
    Plan("aisha@example.org", {"weekly": 7, "phq9": 14, "gad7": 14}, (
        (42, "weekly", weekly(2, 2, 2, 2, 1, 2)),
        (42, "phq9", items(PHQ9, "221221210")),
        (42, "gad7", items(GAD7, "2212211")),
        (35, "weekly", weekly(2, 2, 1, 1, 2, 2)),
        (28, "weekly", weekly(1, 2, 1, 1, 2, 2)),
        (28, "phq9", items(PHQ9, "121111110")),
        (28, "gad7", items(GAD7, "1211111")),
        (21, "weekly", weekly(1, 1, 1, 1, 2, 3)),
        (14, "weekly", weekly(1, 1, 1, 0, 3, 3, note="Sleeping a little better.")),
        (14, "phq9", items(PHQ9, "111110100")),
        (14, "gad7", items(GAD7, "1111100")),
        (7, "weekly", weekly(0, 1, 1, 0, 3, 3)),
    )),
    # Imran: steady, then asks to talk.
    Plan("imran@example.org", {"weekly": 7}, (
        (35, "weekly", weekly(1, 1, 1, 0)),
        (28, "weekly", weekly(1, 1, 1, 0)),
        (21, "weekly", weekly(1, 2, 1, 1)),
        (14, "weekly", weekly(1, 2, 2, 1, 2)),
        (7, "weekly", weekly(2, 2, 2, 1, 2, contact=True,
                              note="Could we talk about going back to work?")),
    )),
    # Piotr: three check-ins, then nothing for two weeks: the worker raises disengagement.
    Plan("piotr@example.org", {"weekly": 7}, (
        (36, "weekly", weekly(1, 2, 2, 1, 2, 2)),
        (29, "weekly", weekly(2, 2, 2, 2, 2, 2)),
        (22, "weekly", weekly(2, 3, 2, 2, 1, 2)),
    )),
    # Jo: PHQ-9 worse by more than reliable change since the first one.
    Plan("jo@example.org", {"weekly": 7, "phq9": 14}, (
        (28, "phq9", items(PHQ9, "111111000")),
        (21, "weekly", weekly(1, 1, 1, 1)),
        (14, "weekly", weekly(1, 2, 2, 1)),
        (14, "phq9", items(PHQ9, "222111210")),
        (7, "weekly", weekly(2, 2, 2, 2, 2, 3)),
    )),
    # Maggie: just started; her first weekly check-in is due now.
    Plan("maggie@example.org", {"weekly": 7}, starts_days_ago=2),
)  # fmt: skip


def _schedules(session: Session, carer: Carer, plan: Plan, now: datetime) -> None:
    existing = {
        s.instrument_id for s in session.exec(select(Schedule).where(Schedule.carer_id == carer.id))
    }
    for instrument_id, interval in plan.schedules.items():
        if instrument_id not in existing:
            session.add(
                Schedule(
                    carer_id=carer.id or 0,
                    instrument_id=instrument_id,
                    interval_days=interval,
                    starts_at=now - timedelta(days=plan.starts_days_ago),
                )
            )
    session.commit()


def load_demo_checkins(session: Session, team: Team) -> int:
    """Crisis contacts, schedules and past check-ins; returns how many check-ins were new."""
    if not team_contacts(session, team.id or 0):
        add_default_contacts(session, team)
        session.commit()
    now = utcnow()
    created = 0
    for plan in PLANS:
        user = user_by_email(session, plan.email)
        if user is None:
            continue
        carer = session.exec(select(Carer).where(Carer.user_id == user.id)).first()
        if carer is None:
            continue
        _schedules(session, carer, plan, now)
        for days_ago, instrument_id, answers in plan.checkins:
            result = submit_checkin(
                session=session,
                carer=carer,
                instrument_id=instrument_id,
                answers=answers,
                infant_id=None,
                locale="en",
                idempotency_key=f"demo-{instrument_id}-{days_ago}",
                now=now - timedelta(days=days_ago, hours=3),
            )
            created += result.created
    return created
