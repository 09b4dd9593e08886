"""Long-term series of a log: walking minutes per hour and pain per day.

Times are POSIX timestamps of the start of an hour (UTC hours: a statistics database keeps
hours). A walk's minutes count in the hours they really passed, as days count them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
import math

from .days import day_start
from .records import PainReport, Walk

HOUR = 3600.0


def hour_of(moment: float) -> float:
    """Return the start of the hour holding `moment` (a timestamp)."""
    return math.floor(moment / HOUR) * HOUR


def minutes_by_hour(
    walks: Iterable[Walk], since: float = -math.inf
) -> dict[float, float]:
    """Return the walking minutes of each hour from the hour `since` on (none: empty).

    Each hour's parts are summed with fsum, so any order of the walks gives the same
    minutes (the cumulative sums built from them then agree too).
    """
    parts: dict[float, list[float]] = {}
    for walk in walks:
        start = walk.start.timestamp()
        end = start + walk.minutes * 60
        hour = hour_of(start)
        while hour < end:
            if hour >= since:
                seconds = min(end, hour + HOUR) - max(start, hour)
                if seconds > 0:
                    parts.setdefault(hour, []).append(seconds / 60)
            hour += HOUR
    return {hour: math.fsum(minutes) for hour, minutes in sorted(parts.items())}


@dataclass(frozen=True, slots=True)
class DayPain:
    """The pain reports of one local day: their mean, lowest and highest level."""

    mean: float
    low: int
    high: int


def day_row_start(moment: datetime, tz: tzinfo) -> float:
    """Return where a local day's row is kept: the first whole hour of that day.

    A day that begins on the half hour (India, say) is kept at the next whole hour,
    which still lies on the same local day.
    """
    start = day_start(moment.astimezone(tz).date(), tz).timestamp()
    return math.ceil(start / HOUR) * HOUR


def pain_by_day(
    reports: Iterable[PainReport], tz: tzinfo, since: float = -math.inf
) -> dict[float, DayPain]:
    """Return the pain of each local day whose row lies at or after `since`."""
    levels: dict[float, list[int]] = {}
    for report in reports:
        row = day_row_start(report.time, tz)
        if row >= since:
            levels.setdefault(row, []).append(report.level)
    return {
        row: DayPain(math.fsum(day) / len(day), min(day), max(day))
        for row, day in sorted(levels.items())
    }


def hour_start(moment: float) -> datetime:
    """Return the aware UTC datetime of a timestamp (an hour's start)."""
    return datetime.fromtimestamp(moment, UTC)
