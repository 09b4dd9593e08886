"""Step counting: readings of a step-count sensor become steps and walking minutes.

Pure: the Home Assistant side feeds a reading and an aware datetime, and stores what
`to_dict` returns so that no steps are lost to a restart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum
from typing import Any

from .common import (
    STORE_VERSION,
    BadDataError,
    decode_mapping,
    decode_time,
    decode_version,
    finite_number,
    member_of,
    utc as _utc,
)
from .days import local_day, week_start
from .errors import ModelError

DEFAULT_CADENCE_THRESHOLD = 90
# More steps than this between two readings is no walk anybody did: a counter that was
# replaced, restored from a backup or that summed two devices.
MAX_STEP_JUMP = 50_000
# Two weeks cover this week and the last, which is all anyone asks for; older days
# would only make the stored file grow for ever.
_KEEP_STEP_DAYS = 14


class StepMode(StrEnum):
    """How a step-count sensor counts."""

    DAILY_RESET = "daily_reset"  # iOS: steps since local midnight
    SINCE_BOOT = "since_boot"  # Android: steps since the phone started
    DAILY_TOTAL = "daily_total"  # Health Connect: the day's total, revised as it syncs


@dataclass(frozen=True, slots=True)
class StepDelta:
    """Steps taken between two readings; `walking` when the cadence reached the threshold."""

    start: datetime
    end: datetime
    steps: int
    cadence: float
    walking: bool


def _check_threshold(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ModelError("invalid_tracking_setting", field="cadence_threshold")
    return value


def estimate_walk(
    delta: StepDelta, cadence_threshold: int = DEFAULT_CADENCE_THRESHOLD
) -> float:
    """Return the walking minutes a step delta stands for, 0 when it is no walk.

    The interval's length, capped by steps / threshold so that a long gap with a few
    steps never counts as a long walk (the cap matters for a delta judged `walking`
    against a lower threshold than this one).
    """
    threshold = _check_threshold(cadence_threshold)
    if not delta.walking or delta.steps <= 0:
        return 0.0
    minutes = (delta.end - delta.start).total_seconds() / 60
    return round(min(minutes, delta.steps / threshold), 1)


def _check_mode(mode: object) -> StepMode:
    if (member := member_of(StepMode, mode)) is None:
        raise ModelError("unknown_step_mode", mode=str(mode))
    return member


class StepCounter:
    """Turn successive readings of one step-count sensor into step deltas."""

    def __init__(
        self,
        mode: StepMode | str,
        tz: tzinfo,
        *,
        cadence_threshold: int = DEFAULT_CADENCE_THRESHOLD,
    ) -> None:
        """Remember how the sensor counts; `tz` decides where its days begin."""
        self._mode = _check_mode(mode)
        self._tz = tz
        self._threshold = _check_threshold(cadence_threshold)
        self._last: tuple[float, datetime] | None = None

    @property
    def mode(self) -> StepMode:
        """How the sensor counts."""
        return self._mode

    @property
    def cadence_threshold(self) -> int:
        """Steps per minute from which a delta counts as walking."""
        return self._threshold

    def observe(self, value: float | None, at: datetime) -> StepDelta | None:
        """Feed one reading; return the steps since the previous one, or None.

        None means nothing to count: the first reading, an unknown or negative value,
        a reading not after the previous one, a Health Connect correction downwards,
        or a jump above MAX_STEP_JUMP (taken as a new baseline, not as steps).
        """
        moment = _utc(at)
        reading = finite_number(value)
        if reading is None or reading < 0:
            return None
        previous = self._last
        if previous is not None and moment <= previous[1]:
            # Stale or repeated: the baseline stays the newer reading.
            return None
        self._last = (reading, moment)
        if previous is None:
            return None
        last_value, last_time = previous
        steps = self._increase(last_value, last_time, reading, moment)
        if steps is None or steps > MAX_STEP_JUMP:
            return None
        cadence = steps / ((moment - last_time).total_seconds() / 60)
        return StepDelta(
            start=last_time,
            end=moment,
            steps=steps,
            cadence=cadence,
            walking=steps > 0 and cadence >= self._threshold,
        )

    def estimate_walk(self, delta: StepDelta) -> float:
        """Return the walking minutes of `delta` against this counter's threshold."""
        return estimate_walk(delta, self._threshold)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict of the baseline, so no steps are lost to a restart."""
        last = self._last
        return {
            "version": STORE_VERSION,
            "mode": self._mode.value,
            "value": None if last is None else last[0],
            "time": None if last is None else last[1].isoformat(),
        }

    @classmethod
    def from_dict(
        cls,
        data: object,
        mode: StepMode | str,
        tz: tzinfo,
        *,
        cadence_threshold: int = DEFAULT_CADENCE_THRESHOLD,
    ) -> tuple[StepCounter, bool]:
        """Restore what to_dict returned; return the counter and whether it was restored.

        Bad data, or data saved for another mode, never raises: the counter starts with
        no baseline and the flag is False.
        """
        counter = cls(mode, tz, cadence_threshold=cadence_threshold)
        try:
            counter._last = _decode_counter(data, counter._mode)
        except BadDataError:
            return counter, False
        return counter, True

    def _increase(
        self, last_value: float, last_time: datetime, reading: float, moment: datetime
    ) -> int | None:
        if self._mode is StepMode.SINCE_BOOT:
            # A drop is a reboot, and the count restarted from zero there.
            return round(reading if reading < last_value else reading - last_value)
        if local_day(moment, self._tz) != local_day(last_time, self._tz):
            # Both daily modes restart at local midnight, so on a new day the reading
            # is that day's count so far, even when it is above yesterday's last one.
            return round(reading)
        if reading >= last_value:
            return round(reading - last_value)
        if self._mode is StepMode.DAILY_RESET:
            # The phone reset its count (its own midnight, a reinstall): steps since then.
            return round(reading)
        # Health Connect revised today's total downwards as devices synced: no steps
        # were taken, and the lower total is the new baseline.
        return None


def _decode_counter(data: object, mode: StepMode) -> tuple[float, datetime] | None:
    state = decode_mapping(data)
    decode_version(state)
    if state.get("mode") != mode.value:
        # Another mode's baseline would be read the wrong way.
        raise BadDataError
    value, moment = state.get("value"), state.get("time")
    if value is None and moment is None:
        return None
    number = finite_number(value)
    if number is None or number < 0:
        raise BadDataError
    return number, decode_time(moment)


class StepTotals:
    """Steps per local day, for "steps today" and "steps this week"."""

    def __init__(self, tz: tzinfo, first_weekday: int = 0) -> None:
        """Remember where days and weeks begin (first_weekday 0=Monday..6=Sunday)."""
        if (
            not isinstance(first_weekday, int)
            or isinstance(first_weekday, bool)
            or not 0 <= first_weekday <= 6
        ):
            raise ModelError("first_weekday_out_of_range", min="0", max="6")
        self._tz = tz
        self._first_weekday = first_weekday
        self._days: dict[date, int] = {}

    def add(self, delta: StepDelta) -> None:
        """Count a delta's steps on the local day its reading came in.

        The end's day, not a split over the interval: the daily counters restart at
        midnight, so steps read after midnight belong to the new day.
        """
        if delta.steps <= 0:
            return
        day = local_day(delta.end, self._tz)
        self._days[day] = self._days.get(day, 0) + delta.steps
        newest = max(self._days)
        cutoff = newest - timedelta(days=_KEEP_STEP_DAYS)
        for old in [day for day in self._days if day < cutoff]:
            del self._days[old]

    def day(self, day: date) -> int:
        """Return the steps counted on `day`."""
        return self._days.get(day, 0)

    def today(self, now: datetime) -> int:
        """Return the steps counted on the local day of `now`."""
        return self.day(local_day(now, self._tz))

    def this_week(self, now: datetime) -> int:
        """Return the steps counted from the start of this week up to today."""
        today = local_day(now, self._tz)
        first = week_start(today, self._first_weekday)
        return sum(steps for day, steps in self._days.items() if first <= day <= today)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict."""
        return {
            "version": STORE_VERSION,
            "days": {
                day.isoformat(): steps for day, steps in sorted(self._days.items())
            },
        }

    @classmethod
    def from_dict(
        cls, data: object, tz: tzinfo, first_weekday: int = 0
    ) -> tuple[StepTotals, bool]:
        """Restore what to_dict returned; return the totals and whether they were restored.

        Any bad entry discards the lot rather than raising: a half-read file is no more
        trustworthy than an unreadable one.
        """
        totals = cls(tz, first_weekday)
        try:
            totals._days = _decode_days(data)
        except BadDataError:
            return totals, False
        return totals, True


def _decode_days(data: object) -> dict[date, int]:
    state = decode_mapping(data)
    decode_version(state)
    stored = decode_mapping(state.get("days"))
    days: dict[date, int] = {}
    for key, steps in stored.items():
        if not isinstance(key, str):
            raise BadDataError
        try:
            day = date.fromisoformat(key)
        except ValueError:
            raise BadDataError from None
        if type(steps) is not int or steps < 0:
            raise BadDataError
        days[day] = steps
    return days
