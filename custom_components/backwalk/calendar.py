"""Calendar: scheduled walks ahead, and what was logged behind."""

from __future__ import annotations

from datetime import datetime, timedelta

from homeassistant.components.calendar import (
    CalendarEntity,
    CalendarEntityDescription,
    CalendarEvent,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .entity import BackwalkEntity
from .model import (
    ACTIVITY_NAMES,
    MAX_WALK_MINUTES,
    Alternative,
    PainReport,
    Stretch,
    Walk,
    walks_between,
)
from .model.records import EARLIEST_TIME, LATEST_TIME
from .runtime import BackwalkConfigEntry

PARALLEL_UPDATES = 0

WALKS = CalendarEntityDescription(key="walks", translation_key="walks")
# A stretching session has no logged length; show it as a short block.
STRETCH_LENGTH = timedelta(minutes=10)
# Scheduled walks are made up on request, one per walk day: without a bound any logged-in
# user could ask for the years up to 9999 and hold the event loop for a minute. A year
# covers every calendar view; the schedule repeats weekly, so nothing is lost.
SCHEDULED_AHEAD = timedelta(days=366)
# A record counts from its start; look back one walk length so overlaps show.
_LOOKBACK = timedelta(minutes=MAX_WALK_MINUTES)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BackwalkConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the profile's calendar."""
    async_add_entities([WalkCalendar(entry.runtime_data, WALKS)])


class WalkCalendar(BackwalkEntity, CalendarEntity):
    """Scheduled walks in the future; walks, stretches and alternatives in the past."""

    @property
    def event(self) -> CalendarEvent | None:
        """The next scheduled walk."""
        walk = self.runtime.state.next_walk
        return self._scheduled(walk) if walk else None

    def _scheduled(self, start: datetime) -> CalendarEvent:
        minutes = self.runtime.state.snapshot.target_minutes_today
        local = dt_util.as_local(start)
        return CalendarEvent(
            start=local,
            end=local + timedelta(minutes=minutes),
            summary=f"Walk ({minutes} min)",
            description="Stretch gently first: neck, arms, hips, legs, hamstrings, ankles.",
            uid=f"scheduled-{start.isoformat()}",
        )

    async def async_get_events(
        self, hass: HomeAssistant, start_date: datetime, end_date: datetime
    ) -> list[CalendarEvent]:
        """Return logged activity and scheduled walks that overlap the range."""
        now = dt_util.utcnow()
        events: list[CalendarEvent] = []
        # Records lie in 2000-2099; clamping to that before any arithmetic keeps the ends
        # of the calendar (year 1, year 9999 west of UTC) from overflowing.
        logged_to = min(end_date, LATEST_TIME)
        logged_from = min(
            max(start_date, EARLIEST_TIME + _LOOKBACK) - _LOOKBACK, logged_to
        )
        for record in self.runtime.log.records_between(logged_from, logged_to):
            event = _logged_event(record)
            if event is not None and event.end > start_date:
                events.append(event)
        # Scheduled walks only from now on (the past shows what was actually done), and
        # only up to the horizon, whatever range was asked for.
        future_start = max(start_date, now + timedelta(microseconds=1))
        future_end = min(end_date, now + SCHEDULED_AHEAD)
        if future_start < future_end:
            events.extend(
                self._scheduled(walk)
                for walk in walks_between(
                    self.runtime.schedule,
                    self.runtime.log.timezone,
                    future_start,
                    future_end,
                )
            )
        return events


def _logged_event(
    record: Walk | PainReport | Stretch | Alternative,
) -> CalendarEvent | None:
    if isinstance(record, Walk):
        start = dt_util.as_local(record.start)
        distance = f", {record.distance_km:g} km" if record.distance_km else ""
        return CalendarEvent(
            start=start,
            end=dt_util.as_local(record.end),
            summary=f"Walked {record.minutes:g} min{distance}",
            uid=record.id,
        )
    if isinstance(record, Stretch):
        start = dt_util.as_local(record.time)
        return CalendarEvent(
            start=start, end=start + STRETCH_LENGTH, summary="Stretched", uid=record.id
        )
    if isinstance(record, Alternative):
        start = dt_util.as_local(record.time)
        name = ACTIVITY_NAMES.get(record.activity.value, record.activity.value)
        return CalendarEvent(
            start=start,
            end=start + timedelta(minutes=record.minutes),
            summary=f"{name.capitalize()} instead of a walk ({record.minutes:g} min)",
            uid=record.id,
        )
    return None  # pain reports are not activities
