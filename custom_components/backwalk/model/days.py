"""Local days and weeks, correct across DST changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

from .errors import ModelError

_ONE_DAY = timedelta(days=1)


def _aware(moment: datetime) -> datetime:
    if moment.utcoffset() is None:
        raise ModelError("invalid_timestamp")
    return moment


def local_day(moment: datetime, tz: tzinfo) -> date:
    """Return the calendar day `moment` falls on in `tz`."""
    return _aware(moment).astimezone(tz).date()


def day_start(day: date, tz: tzinfo) -> datetime:
    """Return the first instant of `day` in `tz`, as an aware local datetime.

    Where DST skips midnight (e.g. America/Santiago) the day begins when the clocks
    jump; where midnight happens twice, at its first occurrence. fold=0 gives the
    pre-transition offset for both, and the round trip through UTC turns a skipped
    wall time into the real instant.
    """
    local = datetime.combine(day, time(), tzinfo=tz)
    return local.astimezone(UTC).astimezone(tz)


def week_start(day: date, first_weekday: int) -> date:
    """Return the first day of the week holding `day` (first_weekday 0=Monday..6=Sunday)."""
    if not 0 <= first_weekday <= 6:
        raise ModelError("first_weekday_out_of_range", min="0", max="6")
    return day - timedelta(days=(day.weekday() - first_weekday) % 7)


def week_days(week: date) -> list[date]:
    """Return the seven calendar days of the week that begins on `week`."""
    return [week + timedelta(days=offset) for offset in range(7)]


def split_minutes_by_day(
    start: datetime, minutes: float, tz: tzinfo
) -> dict[date, float]:
    """Spread an activity's minutes over the local days on which they really passed.

    Uses elapsed time, so a walk through a DST night counts the minutes it lasted,
    not the difference of wall clocks.
    """
    result: dict[date, float] = {}
    if minutes <= 0:
        return result
    current = _aware(start).astimezone(UTC)
    end = current + timedelta(minutes=minutes)
    counted = 0.0
    while True:
        day = local_day(current, tz)
        boundary = day_start(day + _ONE_DAY, tz).astimezone(UTC)
        if boundary >= end:
            # The remainder, not a recomputed difference, so the parts sum exactly.
            result[day] = result.get(day, 0.0) + (minutes - counted)
            return result
        part = (boundary - current).total_seconds() / 60
        result[day] = result.get(day, 0.0) + part
        counted += part
        current = boundary
