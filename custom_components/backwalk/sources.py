"""Walks that log themselves: activity sensors and step counters the user already has.

The pure state machines live in model.tracking; this module feeds them Home Assistant's
state changes, sets the one timer the walk tracker asks for, saves their state with the
profile (an open walk survives a restart) and logs what they find through the runtime.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
import logging
from typing import Any

from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import (
    Event,
    EventStateChangedData,
    HassJob,
    HomeAssistant,
    State,
    callback,
)
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import (
    async_track_point_in_utc_time,
    async_track_state_change_event,
)
from homeassistant.util import dt as dt_util

from .const import (
    CONF_ACTIVITY_ENTITIES,
    CONF_CADENCE,
    CONF_MERGE_WINDOW,
    CONF_MIN_CONFIDENCE,
    CONF_MIN_WALK,
    CONF_STEPS_ENTITY,
    CONF_STEPS_MODE,
    CONF_WALKING_STATES,
    DEFAULT_CADENCE,
    DEFAULT_MERGE_WINDOW,
    DEFAULT_MIN_CONFIDENCE,
    DEFAULT_MIN_WALK,
    DEFAULT_WALKING_STATES,
)
from .language import profile_messages
from .model import (
    MAX_WALK_MINUTES,
    ActivitySource,
    DetectedWalk,
    ModelError,
    Source,
    StepCounter,
    StepDelta,
    StepMode,
    StepTotals,
    Walk,
    WalkTracker,
    is_walking,
    merge_with_logged,
)
from .model.inputs import walking_states
from .runtime import ProfileRuntime

_LOGGER = logging.getLogger(__name__)

# The note on a walk estimated from a step counter, in the profile's language.
ESTIMATE_NOTE_KEY = "source.estimated_from_steps"


class SourceTracking:
    """Feeds one profile's activity sensors and step counter to the model, logs walks."""

    def __init__(self, hass: HomeAssistant, runtime: ProfileRuntime) -> None:
        """Restore the saved state of the tracker and the step counter."""
        self.hass = hass
        self.runtime = runtime
        options = runtime.entry.options
        tz = runtime.log.timezone
        states = walking_states(
            options.get(CONF_WALKING_STATES, DEFAULT_WALKING_STATES)
        )
        confidence = int(options.get(CONF_MIN_CONFIDENCE, DEFAULT_MIN_CONFIDENCE))
        self.sources = {
            entity_id: ActivitySource(entity_id, states, confidence)
            for entity_id in options.get(CONF_ACTIVITY_ENTITIES, [])
        }
        self.merge_window = timedelta(
            minutes=int(options.get(CONF_MERGE_WINDOW, DEFAULT_MERGE_WINDOW))
        )
        self.min_walk = timedelta(
            minutes=int(options.get(CONF_MIN_WALK, DEFAULT_MIN_WALK))
        )
        saved = runtime.tracking
        self.tracker, _ = WalkTracker.from_dict(
            saved.get("walks"), merge_window=self.merge_window, min_walk=self.min_walk
        )
        self.steps_entity: str | None = options.get(CONF_STEPS_ENTITY) or None
        mode = options.get(CONF_STEPS_MODE, StepMode.DAILY_RESET)
        self.counter, _ = StepCounter.from_dict(
            saved.get("counter"),
            mode,
            tz,
            cadence_threshold=int(options.get(CONF_CADENCE, DEFAULT_CADENCE)),
        )
        self.totals, _ = StepTotals.from_dict(
            saved.get("totals"), tz, runtime.settings.first_weekday
        )
        self.estimate = _read_estimate(saved.get("estimate"))
        if self.steps_entity:
            runtime.steps = self.totals
        self._lock = asyncio.Lock()
        self._unsub_tick: Callable[[], None] | None = None
        # When the tracker next wants a tick (its deadline after the last change), and
        # the moment the timer is set for: that one or an earlier one (see _arm).
        self._due: datetime | None = None
        self._armed_for: datetime | None = None
        self._tick_job = HassJob(self._async_tick, "backwalk walk tracker tick")
        self._saved_open = self.tracker.open_since
        self._running = False

    @callback
    def async_start(self) -> Callable[[], None]:
        """Follow the sources until the entry unloads."""
        watched = [*self.sources, *([self.steps_entity] if self.steps_entity else [])]
        if not watched:
            return lambda: None
        self._running = True
        unsubscribe = async_track_state_change_event(
            self.hass, watched, self._async_state_changed
        )
        # Home Assistant stops without unloading the entry.
        unsubscribe_stop = self.hass.bus.async_listen(
            EVENT_HOMEASSISTANT_STOP, self._async_save_progress
        )
        # What the sources say right now confirms or ends a walk restored from before a
        # restart, and starts one that began while Home Assistant was down.
        now = dt_util.utcnow()
        for entity_id in self.sources:
            if (state := self.hass.states.get(entity_id)) is not None:
                self._observe(entity_id, state, now)
        # The counter's value now is the baseline for a new profile, and counts the
        # steps taken while Home Assistant was down for a restored one.
        if self.steps_entity and (state := self.hass.states.get(self.steps_entity)):
            self._count_steps(state)
        self.runtime.async_refresh()

        @callback
        def stop() -> None:
            self._running = False
            unsubscribe()
            unsubscribe_stop()
            if self._unsub_tick is not None:
                self._unsub_tick()
                self._unsub_tick = None
            self._async_save_progress()

        return stop

    @callback
    def _async_save_progress(self, _event: Event | None = None) -> None:
        """Save an open walk as seen until now, before a restart or a reload.

        Otherwise the walk is saved as seen until its last state change (often its
        start), and if it turns out to have stopped while Home Assistant was down, it
        ends there instead of at the last moment walking was seen.
        """
        if self.tracker.open_since is None:
            return
        finished = self.tracker.tick(dt_util.utcnow())
        self.runtime.entry.async_create_task(
            self.hass, self._async_log_and_save(finished, save=True), eager_start=True
        )

    @callback
    def _async_state_changed(self, event: Event[EventStateChangedData]) -> None:
        state = event.data["new_state"]
        entity_id = event.data["entity_id"]
        if state is None:
            # A removed sensor says nothing any more, as if it were unavailable.
            if entity_id in self.sources:
                self._after_tracker(
                    self.tracker.observe(entity_id, None, event.time_fired)
                )
            return
        if entity_id in self.sources:
            # last_updated, not last_changed: a confidence that rises or falls while
            # the state stays "Walking" starts or ends a walk at that moment.
            self._observe(entity_id, state, state.last_updated)
        if entity_id == self.steps_entity:
            self._count_steps(state)

    def _observe(self, entity_id: str, state: State, at: datetime) -> None:
        walking = is_walking(self.sources[entity_id], state.state, state.attributes)
        finished = self.tracker.observe(entity_id, walking, at)
        self._after_tracker(finished)

    @callback
    def _async_tick(self, now: datetime) -> None:
        self._unsub_tick = None
        if self._due is not None and now < self._due:
            # Set for a deadline that has moved on since: nothing is due yet.
            self._arm_timer(self._due)
            return
        self._after_tracker(self.tracker.tick(now))

    def _after_tracker(self, finished: list[DetectedWalk]) -> None:
        """Log finished walks, save when the open walk changed, set the next tick."""
        tracker = self.tracker
        changed = bool(finished) or tracker.open_since != self._saved_open
        if changed:
            self.runtime.entry.async_create_task(
                self.hass,
                self._async_log_and_save(finished, save=changed),
                eager_start=True,
            )
        due = self._due = tracker.next_deadline() if self._running else None
        if due is None:
            if self._unsub_tick is not None:
                self._unsub_tick()
                self._unsub_tick = None
        elif (
            self._unsub_tick is None or self._armed_for is None or self._armed_for > due
        ):
            self._arm_timer(due)
        # Otherwise the timer fires first, and _async_tick waits on: most state changes
        # move the deadline later or leave it, and setting a timer costs more than all
        # the rest of handling one.

    def _arm_timer(self, moment: datetime) -> None:
        if self._unsub_tick is not None:
            self._unsub_tick()
        self._armed_for = moment
        self._unsub_tick = async_track_point_in_utc_time(
            self.hass, self._tick_job, moment
        )

    def _count_steps(self, state: State) -> None:
        try:
            value: float | None = float(state.state)
        except ValueError:
            value = None  # unknown / unavailable: nothing to count
        delta = self.counter.observe(value, state.last_changed)
        if delta is None:
            return
        self.totals.add(delta)
        finished = self._estimate(delta) if not self.sources else []
        self.runtime.entry.async_create_task(
            self.hass, self._async_log_and_save(finished, save=True), eager_start=True
        )
        self.runtime.async_refresh()

    def _estimate(self, delta: StepDelta) -> list[DetectedWalk]:
        """Join brisk stretches of steps into walks when no activity sensor is set."""
        minutes = self.counter.estimate_walk(delta)
        done: list[DetectedWalk] = []
        estimate = self.estimate
        if minutes > 0:
            if estimate is not None and delta.start - estimate[1] <= self.merge_window:
                self.estimate = (estimate[0], delta.end, estimate[2] + minutes)
                return done
            if estimate is not None:
                done.extend(self._finish_estimate(estimate))
            # The walk began when the brisk steps did, not at the previous reading.
            self.estimate = (delta.end - timedelta(minutes=minutes), delta.end, minutes)
            return done
        if estimate is not None:
            done.extend(self._finish_estimate(estimate))
            self.estimate = None
        return done

    def _finish_estimate(
        self, estimate: tuple[datetime, datetime, float]
    ) -> list[DetectedWalk]:
        _, end, minutes = estimate
        minutes = min(minutes, MAX_WALK_MINUTES)
        if timedelta(minutes=minutes) < self.min_walk:
            return []
        # Gaps between readings are not walked: count the estimated minutes, ending at
        # the last brisk reading.
        return [DetectedWalk(end - timedelta(minutes=minutes), end, ("steps",))]

    async def _async_log_and_save(
        self, finished: list[DetectedWalk], save: bool
    ) -> None:
        async with self._lock:
            for walk in finished:
                await self._async_log(walk)
            if save:
                saved_before, self._saved_open = (
                    self._saved_open,
                    self.tracker.open_since,
                )
                try:
                    await self.runtime.async_save_tracking(
                        {
                            "walks": self.tracker.to_dict(),
                            "counter": self.counter.to_dict(),
                            "totals": self.totals.to_dict(),
                            "estimate": _write_estimate(self.estimate),
                        }
                    )
                except HomeAssistantError as err:
                    # Still in memory; the next change saves it again.
                    self._saved_open = saved_before
                    _LOGGER.warning("Could not save the walk tracking: %s", err)

    async def _async_log(self, detected: DetectedWalk) -> None:
        """Log a detected walk, minus whatever an already logged walk covers."""
        earliest = detected.start - timedelta(minutes=MAX_WALK_MINUTES)
        logged = [
            record
            for record in self.runtime.log.records_between(earliest, detected.end)
            if isinstance(record, Walk)
        ]
        remainder = merge_with_logged(detected, logged, min_walk=self.min_walk)
        if remainder is None:
            return
        try:
            await self.runtime.async_log_walk(
                remainder.minutes,
                started=remainder.start,
                source=Source.SENSOR,
                note=profile_messages(self.hass, self.runtime.entry)(ESTIMATE_NOTE_KEY)
                if detected.source_entity_ids == ("steps",)
                else None,
            )
        except (HomeAssistantError, ModelError) as err:
            _LOGGER.warning("Could not log a walk the sensors saw: %s", err)


def _read_estimate(data: Any) -> tuple[datetime, datetime, float] | None:
    """Read the open step estimate back; None for anything that is not one."""
    try:
        start = dt_util.parse_datetime(data["start"])
        end = dt_util.parse_datetime(data["end"])
        minutes = float(data["minutes"])
    except KeyError, TypeError, ValueError:
        return None
    if start is None or end is None or start.tzinfo is None or end.tzinfo is None:
        return None
    return start, end, minutes


def _write_estimate(
    estimate: tuple[datetime, datetime, float] | None,
) -> dict[str, Any] | None:
    if estimate is None:
        return None
    start, end, minutes = estimate
    return {"start": start.isoformat(), "end": end.isoformat(), "minutes": minutes}
