"""Quiet hours: when a carer asked not to be reminded. Pure: no Flask, no database."""

from datetime import datetime, time
from zoneinfo import ZoneInfo


def in_quiet_hours(now: datetime, start: time | None, end: time | None, zone: str) -> bool:
    """Whether ``now`` (aware) falls in the quiet hours ``[start, end)``, local to ``zone``.

    A start after the end spans midnight (22:00 to 08:00 is quiet from 22:00 until 07:59:59
    the next morning). No start or no end, or the same time for both, means no quiet hours.
    Local wall-clock times are compared, so the hours follow the clocks across daylight saving.
    """
    if start is None or end is None or start == end:
        return False
    local = now.astimezone(ZoneInfo(zone)).time().replace(tzinfo=None)
    if start < end:
        return start <= local < end
    return local >= start or local < end
