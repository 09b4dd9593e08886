"""The state every entity of a profile reads, recomputed once per change."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
import logging
from typing import TYPE_CHECKING

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.event import (
    async_track_point_in_time,
    async_track_time_change,
)
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .model import (
    Condition,
    Schedule,
    Settings,
    Snapshot,
    compute_snapshot,
    day_start,
    local_day,
    next_walk,
)
from .model.weather import WeatherReport

if TYPE_CHECKING:
    from .runtime import BackwalkConfigEntry, ProfileRuntime

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ProfileState:
    """Everything the entities show, computed once per change."""

    snapshot: Snapshot
    live_walk_started: datetime | None
    next_walk: datetime | None
    settings: Settings
    schedule: Schedule
    condition: Condition
    # Where the profile's days begin (Home Assistant's time zone).
    timezone: tzinfo
    # The pain-day alternatives to suggest (G7), never empty.
    preferred_alternatives: tuple[str, ...]
    steps_today: int | None = None
    steps_this_week: int | None = None
    # The forecast the last stretch reminder used, by its walk's time.
    walk_weather: tuple[datetime, WeatherReport] | None = None


def called_off(state: ProfileState, walk: datetime) -> bool:
    """Whether a scheduled walk is off: today's pain is at the red-flag level (G15)."""
    snapshot = state.snapshot
    return snapshot.red_flag_today and local_day(walk, state.timezone) == snapshot.day


def next_scheduled_walk(state: ProfileState) -> datetime | None:
    """Return the next scheduled walk that is on: after today on a red-flag day."""
    walk = state.next_walk
    if walk is None or not called_off(state, walk):
        return walk
    tz = state.timezone
    return next_walk(
        state.schedule, tz, day_start(state.snapshot.day + timedelta(1), tz)
    )


class BackwalkCoordinator(DataUpdateCoordinator[ProfileState]):
    """A profile's state, as history_stats' coordinator holds its statistics.

    Published after each saved change, at local midnight, and when the next scheduled
    walk begins (so the one after it shows). It polls nothing: the runtime, the profile's only writer, calls async_publish.
    """

    config_entry: BackwalkConfigEntry

    def __init__(
        self, hass: HomeAssistant, entry: BackwalkConfigEntry, runtime: ProfileRuntime
    ) -> None:
        """Compute the first state of a loaded profile."""
        super().__init__(
            hass,
            _LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {entry.title}",
            update_interval=None,
        )
        self._runtime = runtime
        self._unsub_next_walk: Callable[[], None] | None = None
        self._running = False
        self.data = self._compute()

    async def _async_update_data(self) -> ProfileState:
        return self._compute()

    def _compute(self) -> ProfileState:
        runtime = self._runtime
        now = dt_util.now()
        steps = runtime.steps
        return ProfileState(
            snapshot=compute_snapshot(runtime.log, runtime.settings, now),
            live_walk_started=runtime.live_walk_started,
            # Strictly after now: at a walk's own start time the next one is shown.
            next_walk=next_walk(
                runtime.schedule, runtime.log.timezone, now + timedelta(microseconds=1)
            ),
            steps_today=steps.today(now) if steps else None,
            steps_this_week=steps.this_week(now) if steps else None,
            settings=runtime.settings,
            schedule=runtime.schedule,
            condition=runtime.condition,
            timezone=runtime.log.timezone,
            preferred_alternatives=runtime.preferred_alternatives,
            walk_weather=runtime.walk_weather,
        )

    @callback
    def async_publish(self) -> None:
        """Publish a freshly computed state to every entity."""
        previous = self.data.next_walk
        self.async_set_updated_data(self._compute())
        if self.data.next_walk != previous or self._unsub_next_walk is None:
            self._async_track_next_walk(self.data.next_walk)

    @callback
    def async_start(self) -> Callable[[], None]:
        """Keep the state current as days pass; return the function that stops it."""
        # Local midnight starts a new day (and, on the first weekday, a new week).
        unsub_midnight = async_track_time_change(
            self.hass, self._async_new_day, hour=0, minute=0, second=0
        )

        @callback
        def stop() -> None:
            self._running = False
            unsub_midnight()
            if self._unsub_next_walk is not None:
                self._unsub_next_walk()
                self._unsub_next_walk = None

        self._running = True
        self._async_track_next_walk(self.data.next_walk)
        return stop

    @callback
    def _async_new_day(self, _now: datetime) -> None:
        self.async_publish()

    @callback
    def _async_track_next_walk(self, walk: datetime | None) -> None:
        """Publish again when the next scheduled walk begins."""
        if self._unsub_next_walk is not None:
            self._unsub_next_walk()
            self._unsub_next_walk = None
        if walk is not None and self._running:
            self._unsub_next_walk = async_track_point_in_time(
                self.hass, self._async_walk_time, walk
            )

    @callback
    def _async_walk_time(self, _now: datetime) -> None:
        self._unsub_next_walk = None
        self.async_publish()
