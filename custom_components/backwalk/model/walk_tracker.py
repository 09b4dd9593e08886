"""The walk tracker: activity states of one person's sources become finished walks.

A pure state machine: the Home Assistant side feeds plain values (an entity id, walking
or not, an aware datetime), owns the timers, and stores what `to_dict` returns so that
detection survives a restart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from .common import (
    STORE_VERSION,
    BadDataError,
    decode_ids,
    decode_mapping,
    decode_time,
    decode_version,
    set_field as _set,
    utc as _utc,
)
from .errors import ModelError
from .records import MAX_WALK_MINUTES, Record, Source, Walk, new_id

DEFAULT_MERGE_WINDOW = timedelta(minutes=3)
DEFAULT_MIN_WALK = timedelta(minutes=3)
DEFAULT_MAX_WALK = timedelta(minutes=MAX_WALK_MINUTES)


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


def yield_sensor_walks(
    walk: Record, nearby: Sequence[Record], *, min_walk: timedelta = DEFAULT_MIN_WALK
) -> list[tuple[Walk, Walk | None]]:
    """Trim the sensor walks a person's own walk overlaps: the person's entry wins.

    Returns (sensor walk, what is left of it or None) for each sensor walk in `nearby`
    that `walk` overlaps; the caller replaces the one by the other. Nothing for a
    record that is no walk or is itself a sensor walk. `nearby` holds every record that
    could overlap (from MAX_WALK_MINUTES before `walk` to its end).
    """
    if not isinstance(walk, Walk) or walk.source is Source.SENSOR:
        return []
    changes: list[tuple[Walk, Walk | None]] = []
    for other in nearby:
        if (
            not isinstance(other, Walk)
            or other.source is not Source.SENSOR
            or other.end <= walk.start
            or other.start >= walk.end
        ):
            continue
        # A leftover shorter than the profile's shortest walk is no walk.
        rest = merge_with_logged(
            DetectedWalk(other.start, other.end), [walk], min_walk=min_walk
        )
        replacement = None
        if rest is not None:
            replacement = replace(
                other, id=new_id(), start=rest.start, minutes=rest.minutes
            )
        changes.append((other, replacement))
    return changes


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
            "version": STORE_VERSION,
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
        except BadDataError:
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


def _decode_tracker(
    data: object,
) -> tuple[datetime | None, set[str], _OpenWalk | None]:
    state = decode_mapping(data)
    decode_version(state)
    raw_clock = state.get("clock")
    clock = None if raw_clock is None else decode_time(raw_clock)
    walking = decode_ids(state.get("walking"))
    raw_walk = state.get("open")
    if raw_walk is None:
        return clock, walking, None
    stored = decode_mapping(raw_walk)
    start = decode_time(stored.get("start"))
    seen_until = decode_time(stored.get("seen_until"))
    sources = decode_ids(stored.get("sources"))
    if seen_until < start or not sources:
        raise BadDataError
    # The clock never lags the walk, or a later state would be clamped into the past.
    clock = seen_until if clock is None else max(clock, seen_until)
    return clock, walking, _OpenWalk(start, seen_until, sources | walking)
