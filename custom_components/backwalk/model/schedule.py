"""When the person means to walk, and when they do not want to be disturbed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from itertools import takewhile
from typing import Self

from .common import utc as _utc
from .days import local_day
from .errors import ModelError

_ONE_DAY = timedelta(days=1)
# next_walk looks no further: with any weekday scheduled a walk falls within a week.
_NEXT_WALK_HORIZON = timedelta(days=8)

type _Period = tuple[datetime, datetime]

STRETCH_LEAD_RANGE = (0, 120)
CHECK_IN_AFTER_RANGE = (15, 720)


def _check_minutes(value: object, bounds: tuple[int, int], key: str) -> None:
    low, high = bounds
    # bool is an int subclass; True minutes is a bug, not a number.
    if (
        not isinstance(value, int)
        or isinstance(value, bool)
        or not low <= value <= high
    ):
        raise ModelError(key, min=str(low), max=str(high))


def _check_wall_time(value: object) -> None:
    # Wall times are read in the person's zone; an offset of their own would contradict it.
    if not isinstance(value, time) or value.tzinfo is not None:
        raise ModelError("invalid_time")


@dataclass(frozen=True, slots=True)
class Schedule:
    """The weekly walking schedule and the quiet hours, in local wall time.

    walk_days uses 0=Monday..6=Sunday. Quiet hours run from quiet_start up to
    quiet_end and may wrap midnight (22:00-07:00); equal times mean no quiet hours.
    """

    walk_days: frozenset[int]
    walk_time: time
    stretch_lead_minutes: int = 10
    check_in_after_minutes: int = 120
    quiet_start: time | None = None
    quiet_end: time | None = None

    def __post_init__(self) -> None:
        """Refuse a schedule the planner cannot work with."""
        days: object = self.walk_days
        if not isinstance(days, set | frozenset | list | tuple):
            raise ModelError("unknown_weekday", day=str(days))
        for day in days:
            if not isinstance(day, int) or isinstance(day, bool) or not 0 <= day <= 6:
                raise ModelError("unknown_weekday", day=str(day))
        # Frozen dataclasses may only normalise their fields through object.__setattr__;
        # a frozenset keeps the schedule hashable and comparable whatever was passed.
        object.__setattr__(self, "walk_days", frozenset(days))
        _check_wall_time(self.walk_time)
        _check_minutes(
            self.stretch_lead_minutes, STRETCH_LEAD_RANGE, "stretch_lead_out_of_range"
        )
        _check_minutes(
            self.check_in_after_minutes,
            CHECK_IN_AFTER_RANGE,
            "check_in_after_out_of_range",
        )
        if (self.quiet_start is None) != (self.quiet_end is None):
            raise ModelError("quiet_hours_incomplete")
        if self.quiet_start is not None:
            _check_wall_time(self.quiet_start)
            _check_wall_time(self.quiet_end)

    @classmethod
    def empty(cls) -> Self:
        """Return a schedule without walks or quiet hours."""
        return cls(walk_days=frozenset(), walk_time=time())

    @property
    def has_walks(self) -> bool:
        """Whether any walk is scheduled at all."""
        return bool(self.walk_days)

    @property
    def stretch_lead(self) -> timedelta:
        """How long before a walk the stretch reminder comes."""
        return timedelta(minutes=self.stretch_lead_minutes)

    @property
    def check_in_after(self) -> timedelta:
        """How long after a walk's time the check-in comes."""
        return timedelta(minutes=self.check_in_after_minutes)


def at_wall_time(day: date, wall: time, tz: tzinfo) -> datetime:
    """Return when the clocks in `tz` show `wall` on `day`, in UTC.

    fold=0 takes the first occurrence of a time the clocks pass twice (fall back)
    and, for a time they skip (spring forward), the pre-transition offset, which
    lands as far after the gap as the time was into it: 02:30 in Berlin's gap is
    03:30 summer time.
    """
    return datetime.combine(day, wall, tzinfo=tz).astimezone(UTC)


def _walks(schedule: Schedule, tz: tzinfo, start: datetime) -> Iterator[datetime]:
    """Yield the scheduled walks from `start` on, in UTC, without end."""
    # From the day before: where the clocks jump over midnight (America/Nuuk goes from
    # 23:00 straight to 00:00), a late walk in the gap lands on the next local day.
    day = local_day(start, tz) - _ONE_DAY
    while True:
        if day.weekday() in schedule.walk_days:
            moment = at_wall_time(day, schedule.walk_time, tz)
            if moment >= start:
                yield moment
        day += _ONE_DAY


def walks_between(
    schedule: Schedule, tz: tzinfo, start: datetime, end: datetime
) -> list[datetime]:
    """Return the scheduled walks in [start, end), in UTC, earliest first."""
    start, end = _utc(start), _utc(end)
    if not schedule.has_walks or end <= start:
        return []
    return list(takewhile(lambda moment: moment < end, _walks(schedule, tz, start)))


def next_walk(schedule: Schedule, tz: tzinfo, now: datetime) -> datetime | None:
    """Return the first scheduled walk at or after `now`, in UTC, if any."""
    now = _utc(now)
    walks = walks_between(schedule, tz, now, now + _NEXT_WALK_HORIZON)
    return walks[0] if walks else None


def _quiet_window(schedule: Schedule) -> tuple[time, time] | None:
    start, end = schedule.quiet_start, schedule.quiet_end
    if start is None or end is None or start == end:
        return None
    return start, end


def _quiet_from(window: tuple[time, time], tz: tzinfo, day: date) -> _Period:
    """Return the quiet period that begins on local `day` (it may be empty)."""
    start, end = window
    # A period wrapping midnight ends on the next day.
    end_day = day + _ONE_DAY if end < start else day
    return at_wall_time(day, start, tz), at_wall_time(end_day, end, tz)


def _quiet_period(schedule: Schedule, tz: tzinfo, moment: datetime) -> _Period | None:
    """Return the quiet period holding `moment`, if any.

    Quiet hours are real intervals between the instants their wall times resolve to,
    by the same rules as walks (a skipped end moves on by the gap, a repeated one is
    its first pass), so they end exactly once and a gap never splits them.
    """
    window = _quiet_window(schedule)
    if window is None:
        return None
    # A period ends at most a day and a gap after the day it starts.
    day = local_day(moment, tz) - 2 * _ONE_DAY
    for _ in range(3):
        start, end = _quiet_from(window, tz, day)
        if start <= moment < end:
            # Where a gap moved one end past the next start, the two run together.
            while (following := _quiet_from(window, tz, day + _ONE_DAY))[0] <= end:
                end = max(end, following[1])
                day += _ONE_DAY
            return start, end
        day += _ONE_DAY
    return None


def in_quiet_hours(schedule: Schedule, tz: tzinfo, moment: datetime) -> bool:
    """Whether `moment` lies in the quiet hours."""
    return _quiet_period(schedule, tz, _utc(moment)) is not None


def quiet_end_after(schedule: Schedule, tz: tzinfo, moment: datetime) -> datetime:
    """Return the end of the quiet period holding `moment`, in UTC.

    A moment outside quiet hours is returned as it is (in UTC): nothing holds it back.
    """
    moment = _utc(moment)
    period = _quiet_period(schedule, tz, moment)
    return moment if period is None else period[1]
