"""The reminder engine: one timer, restart-safe; delivery.py decides where a nudge goes.

What to say and when comes from model.nudges; this module owns time, persistence and
the phone's answers. State saved with the profile: the keys of sent nudges, how far it
has checked, snoozed nudges and the last nudge (the one a phone's buttons answer).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import asdict, replace
from datetime import datetime, timedelta, tzinfo
import logging
from typing import Any

from homeassistant.components import persistent_notification
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.event import async_track_point_in_time
from homeassistant.util import dt as dt_util

from .const import ALTERNATIVES, CONF_ALTERNATIVES, DOMAIN
from .delivery import (
    ACTION_PAIN,
    ACTION_PREFIX,
    ACTION_SNOOZE,
    ACTION_STRETCHED,
    ACTION_WALKED,
    SNOOZE_MINUTES,
    NudgeDelivery,
)
from .errors import async_error_message
from .language import messages_for, profile_language, profile_messages
from .model import (
    ModelError,
    Nudge,
    NudgeContext,
    NudgeType,
    due_nudges,
    next_due,
    red_flag_now,
    red_flag_withdrawn,
    snoozed,
)
from .model.markdown import escape_markdown
from .model.weather import WeatherReport
from .runtime import ProfileRuntime
from .walk_weather import WalkWeather

_LOGGER = logging.getLogger(__name__)

EVENT_NOTIFICATION_ACTION = "mobile_app_notification_action"
# Sent keys older than this can no longer come due again.
SENT_MEMORY = timedelta(days=3)


def nudge_to_dict(nudge: Nudge) -> dict[str, Any]:
    """Store a nudge (for snoozing and answering) as JSON."""
    data = asdict(nudge)
    data["type"] = nudge.type.value
    data["due"] = nudge.due.isoformat()
    data["walk_time"] = nudge.walk_time.isoformat() if nudge.walk_time else None
    data["guidance"] = list(nudge.guidance)
    return data


def nudge_from_dict(data: Any) -> Nudge | None:
    """Read a stored nudge back; None when it is not one (never raise on old state)."""
    try:
        walk_time = data["walk_time"]
        return Nudge(
            type=NudgeType(data["type"]),
            key=str(data["key"]),
            walk_time=datetime.fromisoformat(walk_time) if walk_time else None,
            due=datetime.fromisoformat(data["due"]),
            title=str(data["title"]),
            message=str(data["message"]),
            spoken=str(data["spoken"]),
            guidance=tuple(str(item) for item in data["guidance"]),
            # Absent in nudges saved before forecasts were read.
            weather_condition=_text_or_none(data.get("weather_condition")),
            weather_hazard=_text_or_none(data.get("weather_hazard")),
        )
    except KeyError, TypeError, ValueError:
        return None


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


class ReminderEngine:
    """Sends each due nudge once, sets one timer for the next, answers phone buttons."""

    def __init__(self, hass: HomeAssistant, runtime: ProfileRuntime) -> None:
        """Read the saved state of a profile's reminders."""
        self.hass = hass
        self.runtime = runtime
        self._delivery = NudgeDelivery(hass, runtime)
        self._weather = WalkWeather(hass)
        self._lock = asyncio.Lock()
        self._unsub_timer: Callable[[], None] | None = None
        saved = runtime.reminders
        sent = saved.get("sent")
        self._sent: dict[str, str] = dict(sent) if isinstance(sent, dict) else {}
        checked = saved.get("checked")
        self._checked: datetime | None = (
            dt_util.parse_datetime(checked) if isinstance(checked, str) else None
        )
        snoozes = saved.get("snoozed")
        self._snoozed: list[Nudge] = [
            nudge
            for item in (snoozes if isinstance(snoozes, list) else [])
            if (nudge := nudge_from_dict(item)) is not None
        ]
        self._last: Nudge | None = nudge_from_dict(saved.get("last"))
        self._new = False
        self._running = False

    @property
    def entry_id(self) -> str:
        """The profile's config entry id."""
        return self.runtime.entry.entry_id

    async def _deliver(self, nudge: Nudge) -> None:
        # The last nudge is the one a phone's buttons answer.
        self._last = nudge
        await self._delivery.async_deliver(nudge)

    @callback
    def async_start(self) -> Callable[[], None]:
        """Catch up on what came due while stopped, then follow time and pain reports."""
        self._running = True
        self._new = self._checked is None
        if self._checked is None:
            # A new profile starts now: nothing from before it existed is due.
            self._checked = dt_util.utcnow()
        unsubscribers = [
            self.runtime.coordinator.async_add_listener(self._async_state_changed),
            self.hass.bus.async_listen(
                EVENT_NOTIFICATION_ACTION, self._async_notification_action
            ),
        ]
        self.runtime.entry.async_create_task(
            self.hass, self.async_check(), eager_start=False
        )

        @callback
        def stop() -> None:
            # A check already under way must not set a timer after this.
            self._running = False
            for unsubscribe in unsubscribers:
                unsubscribe()
            self._cancel_timer()

        return stop

    def _todays_context(self) -> NudgeContext:
        """Return the context to decide on now, even before the midnight refresh ran."""
        today = dt_util.now(self.runtime.log.timezone).date()
        if self.runtime.state.snapshot.day != today:
            # Timers due at once run in no set order (a host waking from suspend, a
            # clock jump): decide on today's log, not on yesterday's pain.
            self.runtime.async_refresh()
        return self._context()

    def _context(self) -> NudgeContext:
        snapshot = self.runtime.state.snapshot
        last_walk = snapshot.last_walk
        options = self.runtime.entry.options
        return NudgeContext(
            name=self.runtime.name,
            condition=self.runtime.condition,
            today_pain_status=snapshot.pain_status,
            target_minutes=snapshot.target_minutes_today,
            preferred_alternatives=tuple(options.get(CONF_ALTERNATIVES, ALTERNATIVES)),
            last_walk_start=last_walk.start if last_walk else None,
            last_walk_end=last_walk.end if last_walk else None,
            walks_done=snapshot.walks_this_week,
            walks_needed=snapshot.weekly_walks_needed,
            messages=profile_messages(self.hass, self.runtime.entry),
        )

    async def async_check(self) -> None:
        """Send everything due since the last check, save, and set the next timer."""
        async with self._lock:
            if not self._running:
                return
            now = dt_util.utcnow()
            tz = self.runtime.log.timezone
            since = self._checked or now
            context = self._todays_context()
            nudges = due_nudges(
                self.runtime.schedule, tz, context, now, since, self._sent
            )
            if weather := await self._async_walk_weather(nudges, tz):
                # Decided again with the forecasts of the walks being reminded of.
                nudges = due_nudges(
                    self.runtime.schedule,
                    tz,
                    replace(context, weather=weather),
                    now,
                    since,
                    self._sent,
                )
            nudges += [nudge for nudge in self._snoozed if nudge.due <= now]
            for nudge in nudges:
                await self._deliver(nudge)
                self._sent[nudge.key] = now.isoformat()
            remaining = [nudge for nudge in self._snoozed if nudge.due > now]
            changed = bool(nudges) or self._new or len(remaining) != len(self._snoozed)
            self._snoozed = remaining
            self._checked = now
            if changed:
                # Nothing new sent: the saved check time still covers this one, and a
                # restart re-decides the same moments the same way.
                await self._async_save(now)
                self._new = False
            self._schedule_next(now)

    async def _async_walk_weather(
        self, nudges: list[Nudge], tz: tzinfo
    ) -> dict[datetime, WeatherReport]:
        """Look up the forecast of each walk a stretch reminder is due for now.

        Only then: one forecast call per walk, none on other days or for check-ins.
        The one found is kept for the next-walk sensor.
        """
        found: dict[datetime, WeatherReport] = {}
        for nudge in nudges:
            if nudge.type is NudgeType.STRETCH and nudge.walk_time is not None:
                report = await self._weather.async_report(
                    self.runtime.entry.options, nudge.walk_time, tz
                )
                if report is not None:
                    found[nudge.walk_time] = report
                    self.runtime.walk_weather = (nudge.walk_time, report)
        if found:
            self.runtime.async_refresh()
        return found

    async def _async_save(self, now: datetime) -> None:
        oldest = now - SENT_MEMORY
        self._sent = {
            key: when
            for key, when in self._sent.items()
            if (parsed := dt_util.parse_datetime(when)) is not None and parsed >= oldest
        }
        try:
            await self.runtime.async_save_reminders(
                {
                    "sent": self._sent,
                    "checked": self._checked.isoformat() if self._checked else None,
                    "snoozed": [nudge_to_dict(nudge) for nudge in self._snoozed],
                    "last": nudge_to_dict(self._last) if self._last else None,
                }
            )
        except HomeAssistantError as err:
            # Runs in its own task: nobody else would hear of it. The nudge went out;
            # unsaved, a restart may send it once more (an unload needs no message).
            if self._running:
                _LOGGER.warning(
                    "Could not save the reminders sent for %s: %s",
                    self.runtime.entry.title,
                    err,
                )

    def _cancel_timer(self) -> None:
        if self._unsub_timer is not None:
            self._unsub_timer()
            self._unsub_timer = None

    def _schedule_next(self, now: datetime) -> None:
        self._cancel_timer()
        if not self._running:
            return
        moments = [nudge.due for nudge in self._snoozed]
        if (
            scheduled := next_due(self.runtime.schedule, self.runtime.log.timezone, now)
        ) is not None:
            moments.append(scheduled)
        if moments:
            self._unsub_timer = async_track_point_in_time(
                self.hass, self._async_timer, min(moments)
            )

    @callback
    def _async_timer(self, _now: datetime) -> None:
        self._unsub_timer = None
        self.runtime.entry.async_create_task(
            self.hass, self.async_check(), eager_start=True
        )

    @callback
    def _async_state_changed(self) -> None:
        """Give red-flag advice as soon as a report makes today a red-flag day (G15).

        Take it back as soon as a correction ends the red flag (a mis-tap).
        """
        tz, context, now = self.runtime.log.timezone, self._context(), dt_util.utcnow()
        if red_flag_withdrawn(tz, context, now, self._last):
            self.runtime.entry.async_create_task(
                self.hass, self._async_withdraw(), eager_start=True
            )
            return
        nudge = red_flag_now(tz, context, now, self._sent)
        if nudge is not None:
            self.runtime.entry.async_create_task(
                self.hass, self._async_send_now(nudge), eager_start=True
            )

    async def _async_withdraw(self) -> None:
        """Remove today's red-flag advice where it can be removed, and forget it was sent.

        Forgotten, so that a real red flag later today is advised again. A spoken
        message and a notify entity's message cannot be taken back.
        """
        async with self._lock:
            now = dt_util.utcnow()
            shown = self._last
            if (
                shown is None
                or not self._running
                or not red_flag_withdrawn(
                    self.runtime.log.timezone, self._context(), now, shown
                )
            ):
                return
            await self._delivery.async_withdraw()
            self._sent.pop(shown.key, None)
            self._last = None
            await self._async_save(now)

    async def _async_send_now(self, nudge: Nudge) -> None:
        async with self._lock:
            if not self._running or nudge.key in self._sent:
                return
            await self._deliver(nudge)
            now = dt_util.utcnow()
            self._sent[nudge.key] = now.isoformat()
            await self._async_save(now)

    # Answers from a phone

    @callback
    def _async_notification_action(self, event: Event) -> None:
        action = str(event.data.get("action", ""))
        prefix, _, rest = action.partition("_")
        verb, _, entry_id = rest.partition("_")
        if prefix != ACTION_PREFIX or entry_id != self.entry_id:
            return  # another profile's or another integration's button
        self.runtime.entry.async_create_task(
            self.hass,
            self._async_answer(verb, event.data.get("reply_text")),
            eager_start=True,
        )

    async def _async_answer(self, verb: str, reply: Any) -> None:
        try:
            if verb == ACTION_STRETCHED:
                await self.runtime.async_log_stretch()
            elif verb == ACTION_WALKED:
                await self._async_walked()
            elif verb == ACTION_SNOOZE:
                await self._async_snooze()
            elif verb == ACTION_PAIN:
                await self.runtime.async_report_pain(self._pain_level(reply))
        except ServiceValidationError as err:
            # What was typed is refused as at every other way in; the phone's user
            # learns why where Home Assistant tells people things, in the language
            # the profile's reminders are in.
            language = profile_language(self.hass, self.runtime.entry)
            reason = await async_error_message(self.hass, language, err)
            _LOGGER.warning("Refused the answer %s from a phone: %s", verb, reason)
            title = messages_for(self.hass, language)(
                "error.answer_refused_title", name=escape_markdown(self.runtime.name)
            )
            persistent_notification.async_create(
                self.hass,
                reason,
                title=title,
                notification_id=f"{DOMAIN}_answer_refused_{self.entry_id}",
            )
        except (HomeAssistantError, ModelError) as err:
            _LOGGER.warning(
                "Could not record the answer %s from a phone: %s", verb, err
            )

    async def _async_walked(self) -> None:
        """Log the scheduled walk at today's target minutes, once."""
        minutes = self.runtime.state.snapshot.target_minutes_today
        now = dt_util.utcnow()
        walk_time = self._last.walk_time if self._last else None
        last_walk = self.runtime.state.snapshot.last_walk
        if (
            walk_time is not None
            and last_walk is not None
            and last_walk.start >= walk_time - timedelta(hours=1)
        ):
            return  # already logged: a second tap must not count twice
        started = (
            walk_time
            if walk_time is not None and walk_time + timedelta(minutes=minutes) <= now
            else now - timedelta(minutes=minutes)
        )
        await self.runtime.async_log_walk(minutes, started=started)

    async def _async_snooze(self) -> None:
        if self._last is None:
            return
        async with self._lock:
            now = dt_util.utcnow()
            self._snoozed.append(snoozed(self._last, now, SNOOZE_MINUTES))
            await self._async_save(now)
            self._schedule_next(now)

    def _pain_level(self, reply: Any) -> object:
        """Take the level typed in the notification, else the pain-day threshold.

        The text is read by the model's one rule: "7.9" is refused, not taken as 7.
        """
        if reply is None or not str(reply).strip():
            return self.runtime.settings.pain_day_threshold
        return str(reply)
