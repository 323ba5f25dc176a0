"""Engagement: check-ins done of those due, the days between check-ins, and carers who
stopped. Pure.

Due follows ``checkins/due.py``: a schedule's first check-in falls due when it starts (or when
the carer consented, if later), each next one an interval after the last check-in, and one
left undone for a whole interval falls due again. Each such due moment is one *due
check-in*; it counts in the period its due moment falls in, and it is *done* when a check-in
of that instrument arrives before the next interval is over (even after the period, up to
now). One whose interval has not ended yet and is not done is left out: it is neither done
nor missed. A check-in sent before it was due is not a due one, but the next is due an
interval after it, as on the carer's home page. Being asked to answer at once (a positive
screen's full questionnaire) adds no due check-in.
"""

import itertools
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction

from parentapp.outcomes.records import CarerInfo, CheckinRow, Group, Period, ScheduleRow, TeamRows


@dataclass(frozen=True)
class Due:
    due: int
    done: int


def due_checkins(
    schedule: ScheduleRow,
    submitted: Sequence[datetime],
    *,
    last_before: datetime | None,
    consented_at: datetime | None,
    period: Period,
    now: datetime,
) -> Due:
    """The due check-ins of one schedule in the period, and how many were done.

    ``submitted``: that carer's check-ins of the schedule's instrument, oldest first, from
    any moment after ``last_before`` (the latest one before them, or None).
    """
    if consented_at is None:
        return Due(0, 0)  # nothing is asked before consent
    interval = timedelta(days=schedule.interval_days)
    start = max(schedule.starts_at, consented_at)
    # Due moments from here on are not asked: the schedule stopped, or the period is over.
    horizon = min(period.ends_at, now, schedule.asked_until or period.ends_at)
    moment = start if last_before is None else max(start, last_before + interval)
    later = [at for at in submitted if last_before is None or at > last_before]
    index = due = done = 0
    while moment < horizon:
        while index < len(later) and later[index] < moment:
            # Sent before it was due: the next one is due an interval after it.
            moment = max(start, later[index] + interval)
            index += 1
        if moment >= horizon:
            break
        skipped = moment + interval * ((period.starts_at - moment) // interval)
        if skipped > moment and (index == len(later) or later[index] >= skipped):
            # Missed again and again before the period: go straight to the last of those
            # (a schedule years old must not cost a step per interval).
            moment = skipped
            continue
        counted = moment >= period.starts_at
        if index < len(later) and later[index] < moment + interval:
            due, done = due + counted, done + counted
            moment = max(start, later[index] + interval)
            index += 1
        elif moment + interval <= now:
            due += counted
            moment += interval
        else:
            break  # still open: neither done nor missed yet
    return Due(due, done)


@dataclass(frozen=True)
class EngagementFigures:
    group: Group
    # Carers with at least one due check-in in the period.
    asked: int
    due: int
    done: int
    # Median days between one check-in and the carer's next of the same instrument, both in
    # the period, over every such pair of the group.
    median_days_between: Fraction | None
    # Carers who could have stopped (a schedule running at the end of the period for two of
    # its intervals or more), and those of them with no check-in in the last two intervals.
    could_stop: int
    stopped: int


@dataclass(frozen=True)
class _CarerEngagement:
    carer: CarerInfo
    due: int
    done: int
    gaps: tuple[Fraction, ...]
    could_stop: bool
    stopped: bool


def _gaps(times: Sequence[datetime], period: Period) -> list[Fraction]:
    inside = [at for at in times if period.holds(at)]
    return [
        Fraction((later - earlier) // timedelta(seconds=1), 86400)
        for earlier, later in itertools.pairwise(inside)
    ]


def _carer(
    carer: CarerInfo,
    schedules: Sequence[ScheduleRow],
    times: dict[str, list[datetime]],
    rows: TeamRows,
    period: Period,
    now: datetime,
) -> _CarerEngagement:
    due = done = 0
    for schedule in schedules:
        counted = due_checkins(
            schedule,
            times.get(schedule.instrument_id, []),
            last_before=rows.last_before.get((carer.carer_id, schedule.instrument_id)),
            consented_at=carer.consented_at,
            period=period,
            now=now,
        )
        due, done = due + counted.due, done + counted.done
    gaps = [gap for instrument_times in times.values() for gap in _gaps(instrument_times, period)]
    end = min(period.ends_at, now)
    running = [
        s
        for s in schedules
        if carer.consented_at is not None
        and (s.asked_until is None or s.asked_until >= end)
        and max(s.starts_at, carer.consented_at) + 2 * timedelta(days=s.interval_days) <= end
    ]
    stopped = False
    if running:
        window = 2 * timedelta(days=max(s.interval_days for s in running))
        instruments = {s.instrument_id for s in running}
        stopped = not any(end - window <= at < end for i in instruments for at in times.get(i, []))
    return _CarerEngagement(carer, due, done, tuple(gaps), bool(running), stopped)


def engagement_figures(
    rows: TeamRows,
    period: Period,
    now: datetime,
    groups: Iterable[Group],
    instrument_id: str | None = None,
) -> tuple[EngagementFigures, ...]:
    """One row per group; with ``instrument_id``, only that instrument's schedules and
    check-ins count."""
    schedules: dict[int, list[ScheduleRow]] = {}
    for schedule in rows.schedules:
        if instrument_id is None or schedule.instrument_id == instrument_id:
            schedules.setdefault(schedule.carer_id, []).append(schedule)
    times: dict[int, dict[str, list[datetime]]] = {}
    for row in sorted(rows.checkins, key=_when):
        if instrument_id is None or row.instrument_id == instrument_id:
            times.setdefault(row.carer_id, {}).setdefault(row.instrument_id, []).append(
                row.submitted_at
            )
    each = [
        _carer(
            carer,
            schedules.get(carer.carer_id, []),
            times.get(carer.carer_id, {}),
            rows,
            period,
            now,
        )
        for carer in rows.carers
    ]
    return tuple(_group(group, each) for group in groups)


def _when(row: CheckinRow) -> datetime:
    return row.submitted_at


def _group(group: Group, each: Sequence[_CarerEngagement]) -> EngagementFigures:
    mine = [e for e in each if group.has(e.carer)]
    gaps = [gap for e in mine for gap in e.gaps]
    return EngagementFigures(
        group=group,
        asked=sum(1 for e in mine if e.due),
        due=sum(e.due for e in mine),
        done=sum(e.done for e in mine),
        median_days_between=Fraction(statistics.median(gaps)) if gaps else None,
        could_stop=sum(1 for e in mine if e.could_stop),
        stopped=sum(1 for e in mine if e.stopped),
    )
