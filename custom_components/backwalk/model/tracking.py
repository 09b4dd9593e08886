"""Automatic walk detection from activity sensors and step counters.

Everything here is a pure state machine: the Home Assistant side feeds plain values
(a state string, its attributes, an aware datetime), owns the timers, and stores what
`to_dict` returns so that detection survives a restart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import StrEnum
import math
from typing import Any

from .days import local_day, week_start
from .errors import ModelError
from .records import MAX_WALK_MINUTES, Source, Walk, new_id

DEFAULT_MIN_CONFIDENCE = 50
DEFAULT_MERGE_WINDOW = timedelta(minutes=3)
DEFAULT_MIN_WALK = timedelta(minutes=3)
DEFAULT_MAX_WALK = timedelta(minutes=MAX_WALK_MINUTES)
DEFAULT_CADENCE_THRESHOLD = 90
# More steps than this between two readings is no walk anybody did: a counter that was
# replaced, restored from a backup or that summed two devices.
MAX_STEP_JUMP = 50_000

_STORE_VERSION = 1
# Home Assistant's "no information" states; "unknown" is also the iOS activity state
# when the phone cannot tell.
_NO_INFORMATION = frozenset({"", "unknown", "unavailable"})
# The iOS companion app reports CMMotionActivity's confidence as a word.
_IOS_CONFIDENCE = {"low": 25, "medium": 50, "high": 100}
# Two weeks cover this week and the last, which is all anyone asks for; older days
# would only make the stored file grow for ever.
_KEEP_STEP_DAYS = 14


def _set(obj: object, name: str, value: object) -> None:
    # Frozen dataclasses may only normalise their fields through object.__setattr__.
    object.__setattr__(obj, name, value)


def _utc(moment: object) -> datetime:
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise ModelError("invalid_timestamp")
    # UTC so that differences are elapsed time even across DST changes.
    return moment.astimezone(UTC)


def _number(value: object) -> float | None:
    # bool is an int subclass, and True steps or True percent is a bug, not a number.
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _state_key(state: str) -> str:
    return state.strip().lower()


# --- activity sources ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActivitySource:
    """An entity whose state says whether the person walks.

    `walking_states` are compared case-insensitively; `min_confidence` is 0..100 and
    0 means the confidence is not looked at.
    """

    entity_id: str
    walking_states: frozenset[str]
    min_confidence: int = DEFAULT_MIN_CONFIDENCE

    def __post_init__(self) -> None:
        """Normalise the states and refuse a source that could never be right."""
        if not isinstance(self.entity_id, str) or not self.entity_id:
            raise ModelError("invalid_activity_source", field="entity_id")
        # A bare string would silently become a set of its letters.
        given: object = self.walking_states
        if isinstance(given, str):
            raise ModelError("invalid_activity_source", field="walking_states")
        states = frozenset(_state_key(state) for state in self.walking_states)
        # "unknown" as a walking state would turn missing data into walks.
        if not states or states & _NO_INFORMATION:
            raise ModelError("invalid_activity_source", field="walking_states")
        confidence = self.min_confidence
        if not isinstance(confidence, int) or isinstance(confidence, bool):
            raise ModelError("invalid_activity_source", field="min_confidence")
        if not 0 <= confidence <= 100:
            raise ModelError("invalid_activity_source", field="min_confidence")
        _set(self, "walking_states", states)


def ios_activity(
    entity_id: str, min_confidence: int = DEFAULT_MIN_CONFIDENCE
) -> ActivitySource:
    """Return the iOS companion app's `sensor.<phone>_activity` as a source."""
    return ActivitySource(entity_id, frozenset({"walking"}), min_confidence)


def android_activity(
    entity_id: str, min_confidence: int = DEFAULT_MIN_CONFIDENCE
) -> ActivitySource:
    """Return the Android companion app's `sensor.<phone>_detected_activity` as a source."""
    return ActivitySource(entity_id, frozenset({"walking", "on_foot"}), min_confidence)


def custom_activity(
    entity_id: str, states: Iterable[str], min_confidence: int = 0
) -> ActivitySource:
    """Return any other entity (a treadmill plug's "on", say) as a source."""
    if isinstance(states, str):
        # custom_activity(entity, "on") means the one state, not "o" and "n".
        states = (states,)
    return ActivitySource(entity_id, frozenset(states), min_confidence)


def _percent(value: object) -> int | None:
    number = _number(value)
    # A value outside 0..100 is not a confidence we understand; no data beats bad data.
    if number is None or not 0 <= number <= 100:
        return None
    return round(number)


def confidence_of(state: str, attributes: Mapping[str, Any]) -> int | None:
    """Return how sure the sensor is of `state`, 0..100, or None when it does not say.

    Tried in order: the iOS word ("Low"/"Medium"/"High") in `confidence`; the Android
    per-activity percentage in the attribute named like the state (lower case, also
    with spaces as underscores); a numeric `confidence`.
    """
    named = attributes.get("confidence")
    if isinstance(named, str) and (word := _state_key(named)) in _IOS_CONFIDENCE:
        return _IOS_CONFIDENCE[word]
    key = _state_key(state)
    for name in (key, key.replace(" ", "_")):
        level = _percent(attributes.get(name))
        if level is not None:
            return level
    return _percent(named)


def is_walking(
    source: ActivitySource, state: str, attributes: Mapping[str, Any]
) -> bool | None:
    """Interpret one state of `source`: walking, not walking, or None for no information."""
    key = _state_key(state)
    if key in _NO_INFORMATION:
        return None
    if key not in source.walking_states:
        return False
    if source.min_confidence == 0:
        return True
    confidence = confidence_of(state, attributes)
    # No confidence data is not a refusal: many sensors never report one.
    return confidence is None or confidence >= source.min_confidence


# --- detected walks ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DetectedWalk:
    """A walk the sensors saw; `start` and `end` are kept in UTC."""

    start: datetime
    end: datetime
    minutes: float = field(init=False)
    source_entity_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        """Normalise to UTC, sort the sources and compute the minutes."""
        start = _utc(self.start)
        end = _utc(self.end)
        if end <= start:
            raise ModelError("invalid_record", field="end")
        _set(self, "start", start)
        _set(self, "end", end)
        # Sorted and unique so that equal walks compare equal whatever the feed order.
        _set(self, "source_entity_ids", tuple(sorted(set(self.source_entity_ids))))
        _set(self, "minutes", round((end - start).total_seconds() / 60, 1))

    def to_walk(self, walk_id: str | None = None) -> Walk:
        """Return the walk as a log record from a sensor.

        Raises ModelError where Walk would (a walk rounding to 0 minutes).
        """
        return Walk(walk_id or new_id(), self.start, self.minutes, source=Source.SENSOR)


def merge_with_logged(
    detected: DetectedWalk,
    logged: Sequence[Walk],
    *,
    min_walk: timedelta = DEFAULT_MIN_WALK,
) -> DetectedWalk | None:
    """Return the part of `detected` that no logged walk covers, or None.

    The rule: every span a logged walk covers is removed (a logged walk wins, whatever
    its source, so a manual entry beats the sensor and an earlier sensor walk beats a
    later detection of the same stretch); of what remains, the largest part (the
    earliest on a tie) is the result when it lasts at least `min_walk`. Only one part
    is kept on purpose: a manual entry inside a detected walk usually describes that
    same walk with rough times, so adding both ends back would count it twice.

    Pass every logged walk that could overlap, including ones that start before
    `detected` (up to MAX_WALK_MINUTES earlier).
    """
    parts: list[tuple[datetime, datetime]] = []
    cursor = detected.start
    for walk in sorted(logged, key=lambda record: record.start):
        if walk.start >= detected.end:
            break
        if walk.end <= cursor:
            continue
        if walk.start > cursor:
            parts.append((cursor, walk.start))
        cursor = walk.end
    if cursor < detected.end:
        parts.append((cursor, detected.end))
    if not parts:
        return None
    # max() keeps the first of equal parts, which is the earliest.
    start, end = max(parts, key=lambda part: part[1] - part[0])
    if end - start < min_walk:
        return None
    if (start, end) == (detected.start, detected.end):
        return detected
    return DetectedWalk(start, end, detected.source_entity_ids)


# --- the walk tracker ---------------------------------------------------------------------


@dataclass(slots=True)
class _OpenWalk:
    start: datetime
    # The last moment a live source was seen walking: where the walk ends if no
    # walking returns within the merge window.
    seen_until: datetime
    sources: set[str]


class WalkTracker:
    """Turn activity states of one person's sources into finished walks.

    Any source walking means walking. A walk starts when a source enters walking and
    ends when none walks; a pause shorter than `merge_window` joins two stretches, so a
    sensor that flickers or goes "unknown" for a moment does not split a walk. A walk
    is final once `merge_window` has passed without walking (or at `max_walk`), and is
    dropped when shorter than `min_walk`.

    A walk that reaches `max_walk` is cut there, and no new walk starts until every
    source has stopped walking: a longer walk is almost always a sensor stuck on
    "walking", and splitting it would turn that one error into many walks, while the
    log refuses walks longer than MAX_WALK_MINUTES anyway.

    After a restart (`from_dict`) the sources that were walking are unconfirmed: the
    walk waits for them, and ends at the last walking moment seen before the restart if
    they turn out to have stopped and the merge window has passed. Call `tick(now)`
    before `to_dict` so that this moment is current.
    """

    def __init__(
        self,
        *,
        merge_window: timedelta = DEFAULT_MERGE_WINDOW,
        min_walk: timedelta = DEFAULT_MIN_WALK,
        max_walk: timedelta = DEFAULT_MAX_WALK,
    ) -> None:
        """Check the settings and start with no walk."""
        if merge_window < timedelta(0):
            raise ModelError("invalid_tracking_setting", field="merge_window")
        if not timedelta(0) < max_walk <= DEFAULT_MAX_WALK:
            raise ModelError("invalid_tracking_setting", field="max_walk")
        # A zero-length walk is no walk, and a minimum above the maximum drops them all.
        if not timedelta(0) < min_walk <= max_walk:
            raise ModelError("invalid_tracking_setting", field="min_walk")
        self._merge_window = merge_window
        self._min_walk = min_walk
        self._max_walk = max_walk
        self._walking: set[str] = set()
        # Sources restored as walking but not seen since the restart.
        self._unconfirmed: set[str] = set()
        self._open: _OpenWalk | None = None
        self._clock: datetime | None = None

    @property
    def walking(self) -> bool:
        """Whether a walk is under way with a source walking right now."""
        return self._open is not None and bool(self._walking)

    @property
    def open_since(self) -> datetime | None:
        """When the walk that is not final yet began (UTC), or None."""
        return None if self._open is None else self._open.start

    def observe(
        self, entity_id: str, walking: bool | None, at: datetime
    ) -> list[DetectedWalk]:
        """Feed what one source says at `at`; return the walks that are now final."""
        now = self._advance_clock(at)
        final = self._finish_due(now)
        self._touch(now)
        if walking:
            self._enter(entity_id, now)
        else:
            # None ends nothing by itself either: like False it only stops this source,
            # and the walk still waits the merge window for walking to return.
            self._walking.discard(entity_id)
            self._unconfirmed.discard(entity_id)
        self._touch(now)
        # A restored walk whose source is now seen stopped may be overdue at once.
        final += self._finish_due(now)
        return final

    def tick(self, at: datetime) -> list[DetectedWalk]:
        """Let time pass without state changes; return the walks that are now final."""
        now = self._advance_clock(at)
        final = self._finish_due(now)
        self._touch(now)
        return final

    def next_deadline(self) -> datetime | None:
        """Return when `tick` must be called next (UTC), or None when nothing waits."""
        if self._open is None:
            return None
        return self._deadline(self._open)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict of the state."""
        walk = self._open
        return {
            "version": _STORE_VERSION,
            "clock": None if self._clock is None else self._clock.isoformat(),
            "walking": sorted(self._walking),
            "open": None
            if walk is None
            else {
                "start": walk.start.isoformat(),
                "seen_until": walk.seen_until.isoformat(),
                "sources": sorted(walk.sources),
            },
        }

    @classmethod
    def from_dict(
        cls,
        data: object,
        *,
        merge_window: timedelta = DEFAULT_MERGE_WINDOW,
        min_walk: timedelta = DEFAULT_MIN_WALK,
        max_walk: timedelta = DEFAULT_MAX_WALK,
    ) -> tuple[WalkTracker, bool]:
        """Restore what to_dict returned; return the tracker and whether it was restored.

        Bad or missing data never raises: the tracker then starts clean and the flag is
        False. Bad settings do raise, as in the constructor, since they are a bug.
        """
        tracker = cls(merge_window=merge_window, min_walk=min_walk, max_walk=max_walk)
        try:
            clock, walking, walk = _decode_tracker(data)
        except _BadDataError:
            return tracker, False
        tracker._clock = clock
        tracker._walking = walking
        tracker._unconfirmed = set(walking)
        tracker._open = walk
        return tracker, True

    # --- internals ---

    def _advance_clock(self, at: datetime) -> datetime:
        moment = _utc(at)
        # Sources stamp their states separately, so one may arrive stamped a little
        # before another already fed; the machine must never run backwards.
        if self._clock is not None and moment < self._clock:
            moment = self._clock
        self._clock = moment
        return moment

    def _live(self) -> bool:
        # Some source walking that is not merely restored (no set made: this runs on
        # every state change).
        return not self._walking <= self._unconfirmed

    def _touch(self, now: datetime) -> None:
        # A live source that is still walking has been walking until now.
        if self._open is not None and self._live():
            self._open.seen_until = now

    def _enter(self, entity_id: str, now: datetime) -> None:
        # With sources still walking after a walk was cut at max_walk, no new walk
        # starts: that is the stuck sensor the cut was for.
        if self._open is None and not self._walking:
            self._open = _OpenWalk(start=now, seen_until=now, sources=set())
        self._walking.add(entity_id)
        self._unconfirmed.discard(entity_id)
        if self._open is not None:
            self._open.sources.add(entity_id)

    def _deadline(self, walk: _OpenWalk) -> datetime:
        cap = walk.start + self._max_walk
        if self._walking:
            # Unconfirmed sources count here too, so that a tick before the first state
            # after a restart cannot end a walk that is still going on.
            return cap
        return min(cap, walk.seen_until + self._merge_window)

    def _finish_due(self, now: datetime) -> list[DetectedWalk]:
        walk = self._open
        if walk is None or now < self._deadline(walk):
            return []
        cap = walk.start + self._max_walk
        # With a live source walking, the walk went on past the cap; otherwise it ended
        # where walking was last seen.
        end = cap if self._live() else min(walk.seen_until, cap)
        self._open = None
        if end - walk.start < self._min_walk:
            return []
        return [DetectedWalk(walk.start, end, tuple(walk.sources))]


class _BadDataError(Exception):
    """Stored data that cannot be restored."""


def _decode_mapping(data: object) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise _BadDataError
    return data


def _decode_time(value: object) -> datetime:
    if not isinstance(value, str):
        raise _BadDataError
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _BadDataError from None
    if moment.utcoffset() is None:
        raise _BadDataError
    return moment.astimezone(UTC)


def _decode_ids(value: object) -> set[str]:
    if not isinstance(value, list | tuple):
        raise _BadDataError
    if not all(isinstance(item, str) and item for item in value):
        raise _BadDataError
    return set(value)


def _decode_version(data: Mapping[str, Any]) -> None:
    version = data.get("version")
    # type() rather than isinstance: True == 1 but is no version.
    if type(version) is not int or version != _STORE_VERSION:
        raise _BadDataError


def _decode_tracker(
    data: object,
) -> tuple[datetime | None, set[str], _OpenWalk | None]:
    state = _decode_mapping(data)
    _decode_version(state)
    raw_clock = state.get("clock")
    clock = None if raw_clock is None else _decode_time(raw_clock)
    walking = _decode_ids(state.get("walking"))
    raw_walk = state.get("open")
    if raw_walk is None:
        return clock, walking, None
    stored = _decode_mapping(raw_walk)
    start = _decode_time(stored.get("start"))
    seen_until = _decode_time(stored.get("seen_until"))
    sources = _decode_ids(stored.get("sources"))
    if seen_until < start or not sources:
        raise _BadDataError
    # The clock never lags the walk, or a later state would be clamped into the past.
    clock = seen_until if clock is None else max(clock, seen_until)
    return clock, walking, _OpenWalk(start, seen_until, sources | walking)


# --- step counters -------------------------------------------------------------------------


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
    if isinstance(mode, StepMode):
        return mode
    if isinstance(mode, str) and mode in StepMode:
        return StepMode(mode)
    raise ModelError("unknown_step_mode", mode=str(mode))


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
        reading = _number(value)
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
            "version": _STORE_VERSION,
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
        except _BadDataError:
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
    state = _decode_mapping(data)
    _decode_version(state)
    if state.get("mode") != mode.value:
        # Another mode's baseline would be read the wrong way.
        raise _BadDataError
    value, moment = state.get("value"), state.get("time")
    if value is None and moment is None:
        return None
    number = _number(value)
    if number is None or number < 0:
        raise _BadDataError
    return number, _decode_time(moment)


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
            "version": _STORE_VERSION,
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
        except _BadDataError:
            return totals, False
        return totals, True


def _decode_days(data: object) -> dict[date, int]:
    state = _decode_mapping(data)
    _decode_version(state)
    stored = _decode_mapping(state.get("days"))
    days: dict[date, int] = {}
    for key, steps in stored.items():
        if not isinstance(key, str):
            raise _BadDataError
        try:
            day = date.fromisoformat(key)
        except ValueError:
            raise _BadDataError from None
        if type(steps) is not int or steps < 0:
            raise _BadDataError
        days[day] = steps
    return days
