"""Calendar: scheduled walks ahead, and what was logged behind.

Times are aware datetimes in Home Assistant's time zone (the zone the schedule, the
reminders and the days are in); the frontend shows them as each user's settings say.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from homeassistant.auth.models import User
from homeassistant.components.calendar import (
    CalendarEntity,
    CalendarEntityDescription,
    CalendarEvent,
)
from homeassistant.components.calendar.const import CalendarEntityFeature
from homeassistant.components.websocket_api.connection import current_connection
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .coordinator import called_off, next_scheduled_walk
from .entity import BackwalkEntity
from .errors import refusal
from .language import profile_messages
from .model import (
    CORRECTION_WINDOW,
    EARLIEST_TIME,
    LATEST_TIME,
    MAX_WALK_MINUTES,
    Alternative,
    Messages,
    ModelError,
    PainReport,
    Stretch,
    Walk,
    stretches,
    walks_between,
)
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
SCHEDULED_UID_PREFIX = "scheduled-"
# What a person without the right to delete history may still take back (as undo_last).
_UNDO_REFUSALS = frozenset({"nothing_to_undo", "undo_not_last"})


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BackwalkConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the profile's calendar."""
    async_add_entities([WalkCalendar(entry.runtime_data, WALKS)])


def _calling_user() -> User | None:
    """Return the user whose websocket message is being handled, if one is.

    Home Assistant calls async_delete_event from its calendar/event/delete command with
    no context; the connection it runs in is the only trace of who asked. (The entity's
    own context is that of the last action called on it, perhaps by someone else.)
    """
    connection = current_connection.get()
    return connection.user if connection is not None else None


class WalkCalendar(BackwalkEntity, CalendarEntity):
    """Scheduled walks in the future; walks, stretches and alternatives in the past."""

    # Logged entries can be deleted from the event dialog, within the rights of the user.
    _attr_supported_features = CalendarEntityFeature.DELETE_EVENT

    @property
    def event(self) -> CalendarEvent | None:
        """The next scheduled walk."""
        walk = next_scheduled_walk(self.coordinator.data)
        return self._scheduled(walk) if walk else None

    @property
    def _messages(self) -> Messages:
        """Summaries are in the profile's language, as its reminders are."""
        return profile_messages(self.hass, self.runtime.entry)

    def _scheduled(self, start: datetime) -> CalendarEvent:
        minutes = self.coordinator.data.snapshot.target_minutes_today
        local = start.astimezone(self.coordinator.data.timezone)
        messages = self._messages
        return CalendarEvent(
            start=local,
            end=local + timedelta(minutes=minutes),
            summary=messages("calendar.scheduled", minutes=messages.number(minutes)),
            description=messages(
                "calendar.scheduled_description", stretches=stretches(messages)
            ),
            uid=f"{SCHEDULED_UID_PREFIX}{start.isoformat()}",
        )

    async def async_get_events(
        self, hass: HomeAssistant, start_date: datetime, end_date: datetime
    ) -> list[CalendarEvent]:
        """Return logged activity and scheduled walks that overlap the range."""
        now = dt_util.utcnow()
        tz = self.runtime.log.timezone
        events: list[CalendarEvent] = []
        # Records lie in 2000-2099; clamping to that before any arithmetic keeps the ends
        # of the calendar (year 1, year 9999 west of UTC) from overflowing.
        logged_to = min(end_date, LATEST_TIME)
        logged_from = min(
            max(start_date, EARLIEST_TIME + _LOOKBACK) - _LOOKBACK, logged_to
        )
        messages = self._messages
        log = self.runtime.log
        try:
            records = log.records_between(logged_from, logged_to)
        except ModelError:
            # Archived records that cannot be read (a repair says so): the rest.
            records = [
                record
                for record in log.loaded_records()
                if logged_from <= record.time < logged_to
            ]
        for record in records:
            event = _logged_event(record, tz, messages)
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
                    self.coordinator.data.schedule, tz, future_start, future_end
                )
                # No walk on a red-flag day (G15), as the card and the reminders say.
                if not called_off(self.coordinator.data, walk)
            )
        return events

    async def async_delete_event(
        self,
        uid: str,
        recurrence_id: str | None = None,
        recurrence_range: str | None = None,
    ) -> None:
        """Delete a logged entry, as far as the user may delete.

        An administrator deletes any entry, as backwalk.delete_entry. Anyone else (or a
        caller whose user is unknown) only takes back the entry made last within the
        correction window, as backwalk.undo_last: history stays an administrator's.
        Either way backwalk_deleted names the user.
        """
        if uid.startswith(SCHEDULED_UID_PREFIX):
            raise refusal("scheduled_walk_not_deletable")
        record = self.runtime.log.get(uid)
        if record is None or isinstance(record, PainReport):
            # Pain reports are not in the calendar, so not deleted through it either.
            raise refusal("unknown_record")
        user = _calling_user()
        context = Context(user_id=user.id if user is not None else None)
        if user is not None and user.is_admin:
            await self.runtime.async_delete(uid, context)
            return
        try:
            await self.runtime.async_undo_last(uid, context)
        except ServiceValidationError as err:
            if err.translation_key not in _UNDO_REFUSALS:
                raise
            minutes = str(int(CORRECTION_WINDOW.total_seconds() // 60))
            raise refusal("delete_needs_admin", minutes=minutes) from err


def _logged_event(
    record: Walk | PainReport | Stretch | Alternative, tz: tzinfo, messages: Messages
) -> CalendarEvent | None:
    """Return a logged entry's event (its note as the description), else None."""
    if isinstance(record, Walk):
        start = record.start.astimezone(tz)
        minutes = messages.number(record.minutes)
        summary = (
            messages(
                "calendar.walked_distance",
                minutes=minutes,
                distance=messages.number(record.distance_km),
            )
            if record.distance_km
            else messages("calendar.walked", minutes=minutes)
        )
        return CalendarEvent(
            start=start,
            end=record.end.astimezone(tz),
            summary=summary,
            description=record.note,
            uid=record.id,
        )
    if isinstance(record, Stretch):
        start = record.time.astimezone(tz)
        return CalendarEvent(
            start=start,
            end=start + STRETCH_LENGTH,
            summary=messages("calendar.stretched"),
            description=record.note,
            uid=record.id,
        )
    if isinstance(record, Alternative):
        start = record.time.astimezone(tz)
        label = messages(f"activity_label.{record.activity.value}")
        return CalendarEvent(
            start=start,
            end=start + timedelta(minutes=record.minutes),
            summary=messages(
                "calendar.alternative",
                activity=label,
                minutes=messages.number(record.minutes),
            ),
            description=record.note,
            uid=record.id,
        )
    return None  # pain reports are not activities
