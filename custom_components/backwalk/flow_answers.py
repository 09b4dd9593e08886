"""The config and options flow's checks, and what the profile stores from an answer.

A page's answer is checked field by field (refusals as {field: translation key}), then
stored: whole numbers as ints, weekdays as numbers, phones as notify services.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import time
import math
from typing import Any
import unicodedata

from homeassistant.const import WEEKDAYS
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.schema_config_entry_flow import (
    SchemaCommonFlowHandler,
    SchemaFlowError,
)

from .const import (
    CONF_DAILY_MINIMUM,
    CONF_FIRST_WEEKDAY,
    CONF_MEDIA_PLAYERS,
    CONF_MOBILE_APPS,
    CONF_NAME,
    CONF_PAIN_DAY_THRESHOLD,
    CONF_QUIET_END,
    CONF_QUIET_START,
    CONF_RED_FLAG_LEVEL,
    CONF_STARTING_MINUTES,
    CONF_STRETCH_LEAD,
    CONF_TARGET_MINUTES,
    CONF_TTS_ENTITY,
    CONF_WALK_DAYS,
    CONF_WALK_TIME,
    CONF_WALKING_STATES,
    DOMAIN,
)
from .flow_schemas import SECTION_OF, SECTIONS, phone_service
from .model import MAX_PAIN_LEVEL
from .model.inputs import walking_states

_SECONDS_PER_DAY = 24 * 60 * 60

# Where a page check leaves its refusals, by field, for the form to show them there.
FIELD_ERRORS = "field_errors"

type Rule = Callable[[dict[str, Any]], dict[str, str]]
type HassRule = Callable[[HomeAssistant, dict[str, Any]], dict[str, str]]


def validate_numbers(answer: dict[str, Any]) -> dict[str, str]:
    """Refuse numbers that are not whole: 7.5 minutes is refused, not cut to 7.

    Every number the pages ask for counts whole things. The number selector answers
    floats, and lets "nan" and "inf" through.
    """
    errors: dict[str, str] = {}
    for key, value in answer.items():
        if not isinstance(value, float):
            continue
        if not math.isfinite(value):
            errors[key] = "not_a_number"
        elif not value.is_integer():
            errors[key] = "not_whole"
    return errors


def name_key(name: str) -> str:
    """Return what tells two profile names apart: not case or spacing, but accents.

    " demo " and "Demo" are one person; "Dëmo" and "Demo", or "黎明" and "李明", are two.
    """
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def validate_name(
    hass: HomeAssistant, answer: dict[str, Any], entry_id: str | None = None
) -> dict[str, str]:
    """Require a name that no other profile (not `entry_id`) has."""
    name = str(answer[CONF_NAME]).strip()
    if not name:
        return {CONF_NAME: "name_empty"}
    # No unique id: a name can change, and core's helpers without a natural id check
    # their entries' data instead (as _async_abort_entries_match does).
    key = name_key(name)
    if any(
        key in {name_key(str(entry.data.get(CONF_NAME, ""))), name_key(entry.title)}
        for entry in hass.config_entries.async_entries(DOMAIN, include_ignore=False)
        if entry.entry_id != entry_id
    ):
        return {CONF_NAME: "name_taken"}
    return {}


def validate_goal(answer: dict[str, Any]) -> dict[str, str]:
    """Start the plan at most at its target, and let its first walks make a day count."""
    errors: dict[str, str] = {}
    if answer[CONF_STARTING_MINUTES] > answer[CONF_TARGET_MINUTES]:
        errors[CONF_STARTING_MINUTES] = "starting_above_target"
    if answer[CONF_DAILY_MINIMUM] > answer[CONF_STARTING_MINUTES]:
        errors[CONF_DAILY_MINIMUM] = "daily_minimum_above_starting"
    return errors


def validate_thresholds(answer: dict[str, Any]) -> dict[str, str]:
    """Keep the red-flag level above the pain-day threshold (so 10 is no threshold)."""
    if answer[CONF_PAIN_DAY_THRESHOLD] >= MAX_PAIN_LEVEL:
        return {CONF_PAIN_DAY_THRESHOLD: "threshold_leaves_no_red_flag"}
    if answer[CONF_RED_FLAG_LEVEL] <= answer[CONF_PAIN_DAY_THRESHOLD]:
        return {CONF_RED_FLAG_LEVEL: "red_flag_not_above_threshold"}
    return {}


def _wall_time(text: str) -> time:
    # As the time selector reads it: "7:30" is 07:30, which time.fromisoformat refuses.
    moment: time = cv.time(text)
    return moment


def _seconds(text: str) -> int:
    moment = _wall_time(text)
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def _quiet_at(start: int, end: int, moment: int) -> bool:
    """Whether `moment` (seconds of the day) lies in quiet hours from start up to end.

    As the reminders read them: they may wrap midnight (22:00-07:00).
    """
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


def validate_schedule(answer: dict[str, Any]) -> dict[str, str]:
    """Quiet hours need two different ends, and may not silence the walk's reminder.

    A stretch reminder due in quiet hours is dropped, not sent late: with the walk at
    07:30 and quiet hours 22:00-08:00 no reminder would ever come.
    """
    start, end = answer.get(CONF_QUIET_START), answer.get(CONF_QUIET_END)
    if not start and not end:
        return {}
    if not start:
        return {CONF_QUIET_START: "quiet_hours_incomplete"}
    if not end:
        return {CONF_QUIET_END: "quiet_hours_incomplete"}
    quiet = _seconds(start), _seconds(end)
    if quiet[0] == quiet[1]:
        return {CONF_QUIET_END: "quiet_hours_empty"}
    if not answer[CONF_WALK_DAYS]:
        return {}  # no walks, so no reminders to silence
    walk = _seconds(answer[CONF_WALK_TIME])
    if _quiet_at(*quiet, walk):
        return {CONF_WALK_TIME: "walk_in_quiet_hours"}
    stretch = (walk - int(answer[CONF_STRETCH_LEAD]) * 60) % _SECONDS_PER_DAY
    if _quiet_at(*quiet, stretch):
        return {CONF_WALK_TIME: "stretch_in_quiet_hours"}
    return {}


def validate_delivery(hass: HomeAssistant, answer: dict[str, Any]) -> dict[str, str]:
    """Speakers need an engine to speak with; every phone must be one that exists."""
    if answer.get(CONF_MEDIA_PLAYERS) and not answer.get(CONF_TTS_ENTITY):
        return {CONF_TTS_ENTITY: "tts_required"}
    for phone in answer.get(CONF_MOBILE_APPS, []):
        service = phone_service(phone)
        if not service.startswith("mobile_app_") or not hass.services.has_service(
            "notify", service
        ):
            return {CONF_MOBILE_APPS: "phone_unknown"}
    return {}


def validate_sources(answer: dict[str, Any]) -> dict[str, str]:
    """Check the walking states name at least one real state."""
    states = {
        state.lower() for state in walking_states(answer.get(CONF_WALKING_STATES, ""))
    }
    if not states or states & {"unknown", "unavailable"}:
        return {CONF_WALKING_STATES: "invalid_walking_states"}
    return {}


# What the profile stores: whole numbers as ints, weekdays as numbers, phones as services.


def _as_given(answer: dict[str, Any]) -> dict[str, Any]:
    return answer


def stored_name(answer: dict[str, Any]) -> dict[str, Any]:
    """Store the name without the spaces around it."""
    return {**answer, CONF_NAME: str(answer[CONF_NAME]).strip()}


def stored_goal(answer: dict[str, Any]) -> dict[str, Any]:
    """Store the first weekday as the model's number."""
    return {**answer, CONF_FIRST_WEEKDAY: WEEKDAYS.index(answer[CONF_FIRST_WEEKDAY])}


def stored_schedule(answer: dict[str, Any]) -> dict[str, Any]:
    """Store walk days as weekday numbers, in order, and times as HH:MM:SS.

    Cleared quiet hours are left out; the profile reads times with time.fromisoformat.
    """
    values = {
        **answer,
        CONF_WALK_DAYS: sorted(WEEKDAYS.index(day) for day in answer[CONF_WALK_DAYS]),
    }
    for key in (CONF_WALK_TIME, CONF_QUIET_START, CONF_QUIET_END):
        if values.get(key):
            values[key] = _wall_time(values[key]).isoformat()
        else:
            values.pop(key, None)
    return values


def stored_delivery(answer: dict[str, Any]) -> dict[str, Any]:
    """Phones as their notify services, each once, however they were typed."""
    phones = [phone_service(phone) for phone in answer.get(CONF_MOBILE_APPS, [])]
    return {**answer, CONF_MOBILE_APPS: list(dict.fromkeys(phones))}


def _flat(answer: dict[str, Any]) -> dict[str, Any]:
    """Return the answer with each section's fields beside the others."""
    flat = {key: value for key, value in answer.items() if key not in SECTIONS}
    for name in SECTIONS:
        flat.update(answer.get(name) or {})
    return flat


def _whole(answer: dict[str, Any]) -> dict[str, Any]:
    return {
        key: int(value) if isinstance(value, float) else value
        for key, value in answer.items()
    }


@dataclass(frozen=True, slots=True)
class PageCheck:
    """Check one page's answer, and hand the schema flow what the profile stores.

    Refusals are left in the flow state by field (a field in a collapsed section by its
    section, where the form can show it); config_flow's forms show them there.
    """

    rules: tuple[Rule, ...] = ()
    hass_rules: tuple[HassRule, ...] = ()
    store: Callable[[dict[str, Any]], dict[str, Any]] = _as_given
    # What the profile stores, where that depends on Home Assistant (its unit system).
    hass_store: Callable[[HomeAssistant, dict[str, Any]], dict[str, Any]] | None = None

    async def __call__(
        self, handler: SchemaCommonFlowHandler, user_input: dict[str, Any]
    ) -> dict[str, Any]:
        """Return the answer as stored, or raise SchemaFlowError with its refusals."""
        answer = _flat(user_input)
        # The other rules compare numbers: only whole, finite ones are worth comparing.
        errors = validate_numbers(answer)
        if not errors:
            hass = handler.parent_handler.hass
            for found in (
                *(rule(answer) for rule in self.rules),
                *(rule(hass, answer) for rule in self.hass_rules),
            ):
                errors = {**found, **errors}
        if errors:
            on_fields: dict[str, str] = {}
            for field, key in errors.items():
                on_fields.setdefault(SECTION_OF.get(field, field), key)
            handler.flow_state[FIELD_ERRORS] = on_fields
            raise SchemaFlowError(next(iter(on_fields.values())))
        stored = self.store(_whole(answer))
        if self.hass_store is not None:
            stored = self.hass_store(handler.parent_handler.hass, stored)
        return stored
