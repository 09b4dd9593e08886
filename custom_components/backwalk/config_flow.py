"""Config flow for backwalk: one entry per person's pain profile.

The first flow asks only what a person needs to start: a name, the pain, the weekly goal,
the thresholds with the pain-day alternatives, and the walk schedule. Where reminders go,
walks that log themselves and the webhook wait in the options, a menu of pages that each
save on their own. Both flows run their pages with Home Assistant's schema-flow helpers.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, replace
from datetime import time
import math
from typing import TYPE_CHECKING, Any
import unicodedata

from homeassistant.components import webhook
from homeassistant.config_entries import (
    ConfigEntryBaseFlow,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.const import WEEKDAYS, UnitOfTime
from homeassistant.core import HomeAssistant, callback
from homeassistant.data_entry_flow import section
from homeassistant.helpers import config_validation as cv, selector
from homeassistant.helpers.network import NoURLAvailableError
from homeassistant.helpers.schema_config_entry_flow import (
    SchemaCommonFlowHandler,
    SchemaFlowError,
    SchemaFlowFormStep,
    SchemaOptionsFlowHandlerWithReload,
)
from homeassistant.util import slugify
import voluptuous as vol

from .const import (
    ALTERNATIVES,
    CONF_ACTIVITY_ENTITIES,
    CONF_ALTERNATIVES,
    CONF_CADENCE,
    CONF_CHECK_IN_AFTER,
    CONF_COUNT_WALK_DAYS,
    CONF_DAILY_MINIMUM,
    CONF_FIRST_WEEKDAY,
    CONF_MEDIA_PLAYERS,
    CONF_MERGE_WINDOW,
    CONF_MIN_CONFIDENCE,
    CONF_MIN_WALK,
    CONF_MOBILE_APPS,
    CONF_NAME,
    CONF_NOTIFY_ENTITIES,
    CONF_PAIN_DAY_THRESHOLD,
    CONF_PAIN_DURATION,
    CONF_PERSISTENT,
    CONF_PERSON,
    CONF_QUIET_END,
    CONF_QUIET_START,
    CONF_RED_FLAG_LEVEL,
    CONF_STARTING_MINUTES,
    CONF_STEPS_ENTITY,
    CONF_STEPS_MODE,
    CONF_STRETCH_LEAD,
    CONF_TARGET_MINUTES,
    CONF_TTS_ENTITY,
    CONF_USUAL_PAIN,
    CONF_WALK_DAYS,
    CONF_WALK_TIME,
    CONF_WALKING_STATES,
    CONF_WALKS_PER_WEEK,
    CONF_WEBHOOK_ID,
    CONF_WEBHOOK_LOCAL_ONLY,
    DEFAULT_CADENCE,
    DEFAULT_CHECK_IN_AFTER,
    DEFAULT_MERGE_WINDOW,
    DEFAULT_MIN_CONFIDENCE,
    DEFAULT_MIN_WALK,
    DEFAULT_STRETCH_LEAD,
    DEFAULT_USUAL_PAIN,
    DEFAULT_WALK_DAYS,
    DEFAULT_WALK_TIME,
    DEFAULT_WALKING_STATES,
    DOMAIN,
)
from .model import MAX_PAIN_LEVEL, PainDuration, Settings, StepMode
from .model.inputs import walking_states
from .model.markdown import escape_markdown

if TYPE_CHECKING:
    from .runtime import BackwalkConfigEntry

_DEFAULTS = Settings()
_SECONDS_PER_DAY = 24 * 60 * 60

# Collapsed sections: fields whose defaults suit nearly everyone. The profile stores
# their values flat, as before sections existed, so no entry needs migrating.
SECTION_REMINDER_TIMING = "reminder_timing"
SECTION_TRACKING = "tracking_details"
_SECTIONS: dict[str, tuple[str, ...]] = {
    SECTION_REMINDER_TIMING: (CONF_STRETCH_LEAD, CONF_CHECK_IN_AFTER),
    SECTION_TRACKING: (
        CONF_WALKING_STATES,
        CONF_MIN_CONFIDENCE,
        CONF_MERGE_WINDOW,
        CONF_MIN_WALK,
        CONF_STEPS_MODE,
        CONF_CADENCE,
    ),
}
_SECTION_OF = {field: name for name, keys in _SECTIONS.items() for field in keys}

# Where a page check leaves its refusals, by field, for the form to show them there.
_FIELD_ERRORS = "field_errors"

type Rule = Callable[[dict[str, Any]], dict[str, str]]
type HassRule = Callable[[HomeAssistant, dict[str, Any]], dict[str, str]]


# Forms. Each takes the values stored so far: they are the defaults of its fields.


def _slider(minimum: int, maximum: int) -> selector.NumberSelector:
    return selector.NumberSelector(
        selector.NumberSelectorConfig(
            min=minimum,
            max=maximum,
            step=1,
            mode=selector.NumberSelectorMode.SLIDER,
        )
    )


def _box(minimum: int, maximum: int, unit: str) -> selector.NumberSelector:
    return selector.NumberSelector(
        selector.NumberSelectorConfig(
            min=minimum,
            max=maximum,
            step=1,
            mode=selector.NumberSelectorMode.BOX,
            unit_of_measurement=unit,
        )
    )


def _collapsed(name: str, fields: dict[vol.Marker, Any]) -> dict[vol.Marker, section]:
    """Return a collapsed section, its default made of its fields' defaults.

    The frontend fills a form from a section's default, not from the fields inside: with
    an empty one, the required fields of a collapsed section showed empty and the form
    could not be sent without opening it and typing every value again.
    """
    defaults = {
        str(key.schema): key.default() for key in fields if callable(key.default)
    }
    return {
        vol.Required(name, default=lambda: dict(defaults)): section(
            vol.Schema(fields), {"collapsed": True}
        )
    }


def name_schema(values: dict[str, Any]) -> vol.Schema:
    """Ask whose profile this is."""
    return vol.Schema(
        {
            vol.Required(
                CONF_NAME, default=values.get(CONF_NAME, "")
            ): selector.TextSelector()
        }
    )


def profile_schema(values: dict[str, Any]) -> vol.Schema:
    """Ask how long the pain has lasted and how much it usually hurts."""
    return vol.Schema(
        {
            vol.Required(
                CONF_PAIN_DURATION,
                default=values.get(CONF_PAIN_DURATION, PainDuration.UNDER_6_WEEKS),
            ): selector.SelectSelector(
                selector.SelectSelectorConfig(
                    options=[duration.value for duration in PainDuration],
                    translation_key=CONF_PAIN_DURATION,
                    mode=selector.SelectSelectorMode.LIST,
                )
            ),
            vol.Required(
                CONF_USUAL_PAIN, default=values.get(CONF_USUAL_PAIN, DEFAULT_USUAL_PAIN)
            ): _slider(0, MAX_PAIN_LEVEL),
        }
    )


def profile_options_schema(values: dict[str, Any]) -> vol.Schema:
    """Ask about the pain and whose profile it is: Assist takes "I" from that person."""
    return profile_schema(values).extend(
        {
            vol.Optional(CONF_PERSON): selector.EntitySelector(
                selector.EntitySelectorConfig(domain="person")
            )
        }
    )


def goal_schema(values: dict[str, Any]) -> vol.Schema:
    """Ask for the weekly goal and how the plan starts (G10)."""
    return vol.Schema(
        {
            vol.Required(
                CONF_WALKS_PER_WEEK,
                default=values.get(CONF_WALKS_PER_WEEK, _DEFAULTS.walks_per_week),
            ): _slider(1, 7),
            vol.Required(
                CONF_TARGET_MINUTES,
                default=values.get(CONF_TARGET_MINUTES, _DEFAULTS.target_minutes),
            ): _box(5, 180, UnitOfTime.MINUTES),
            vol.Required(
                CONF_STARTING_MINUTES,
                default=values.get(CONF_STARTING_MINUTES, _DEFAULTS.starting_minutes),
            ): _box(1, 180, UnitOfTime.MINUTES),
            vol.Required(
                CONF_DAILY_MINIMUM,
                default=values.get(CONF_DAILY_MINIMUM, _DEFAULTS.daily_minimum_minutes),
            ): _box(1, 120, UnitOfTime.MINUTES),
            vol.Required(
                CONF_COUNT_WALK_DAYS,
                default=bool(values.get(CONF_COUNT_WALK_DAYS, False)),
            ): selector.BooleanSelector(),
            vol.Required(
                CONF_FIRST_WEEKDAY,
                default=WEEKDAYS[
                    values.get(CONF_FIRST_WEEKDAY, _DEFAULTS.first_weekday)
                ],
            ): selector.SelectSelector(
                selector.SelectSelectorConfig(
                    options=WEEKDAYS,
                    translation_key=CONF_FIRST_WEEKDAY,
                    mode=selector.SelectSelectorMode.DROPDOWN,
                )
            ),
        }
    )


def suggested_threshold(usual_pain: int) -> int:
    """Return the pain-day threshold to start from: one above the usual pain.

    So an ordinary day is no pain day; at most 9, which leaves the red-flag level 10.
    """
    return min(max(usual_pain + 1, 1), MAX_PAIN_LEVEL - 1)


def thresholds_schema(values: dict[str, Any]) -> vol.Schema:
    """Ask when a day is a pain day, when to advise care instead (G15), and the alternatives.

    Until the person chooses, the pain-day threshold is one above their usual pain.
    """
    threshold = values.get(
        CONF_PAIN_DAY_THRESHOLD,
        suggested_threshold(values.get(CONF_USUAL_PAIN, DEFAULT_USUAL_PAIN)),
    )
    red_flag = values.get(
        CONF_RED_FLAG_LEVEL,
        min(max(_DEFAULTS.red_flag_level, threshold + 1), MAX_PAIN_LEVEL),
    )
    return vol.Schema(
        {
            vol.Required(CONF_PAIN_DAY_THRESHOLD, default=threshold): _slider(
                1, MAX_PAIN_LEVEL
            ),
            vol.Required(CONF_RED_FLAG_LEVEL, default=red_flag): _slider(
                1, MAX_PAIN_LEVEL
            ),
            vol.Required(
                CONF_ALTERNATIVES, default=values.get(CONF_ALTERNATIVES, ALTERNATIVES)
            ): selector.SelectSelector(
                selector.SelectSelectorConfig(
                    options=ALTERNATIVES,
                    multiple=True,
                    translation_key="activity",
                    mode=selector.SelectSelectorMode.LIST,
                )
            ),
        }
    )


def schedule_schema(values: dict[str, Any]) -> vol.Schema:
    """Ask which days and at what time the walks are, and when to stay quiet."""
    days = values.get(CONF_WALK_DAYS, DEFAULT_WALK_DAYS)
    return vol.Schema(
        {
            vol.Required(
                CONF_WALK_DAYS, default=[WEEKDAYS[day] for day in days]
            ): selector.SelectSelector(
                selector.SelectSelectorConfig(
                    options=WEEKDAYS,
                    multiple=True,
                    translation_key=CONF_FIRST_WEEKDAY,
                    mode=selector.SelectSelectorMode.LIST,
                )
            ),
            vol.Required(
                CONF_WALK_TIME, default=values.get(CONF_WALK_TIME, DEFAULT_WALK_TIME)
            ): selector.TimeSelector(),
            vol.Optional(CONF_QUIET_START): selector.TimeSelector(),
            vol.Optional(CONF_QUIET_END): selector.TimeSelector(),
            **_collapsed(
                SECTION_REMINDER_TIMING,
                {
                    vol.Required(
                        CONF_STRETCH_LEAD,
                        default=values.get(CONF_STRETCH_LEAD, DEFAULT_STRETCH_LEAD),
                    ): _box(0, 120, UnitOfTime.MINUTES),
                    vol.Required(
                        CONF_CHECK_IN_AFTER,
                        default=values.get(CONF_CHECK_IN_AFTER, DEFAULT_CHECK_IN_AFTER),
                    ): _box(15, 720, UnitOfTime.MINUTES),
                },
            ),
        }
    )


def phone_service(phone: str) -> str:
    """Return the notify service a phone answer names: notify.mobile_app_x is mobile_app_x."""
    return phone.strip().lower().removeprefix("notify.")


def _phones(hass: HomeAssistant) -> list[selector.SelectOptionDict]:
    """List the companion app's phones here, by the name the app gave each where known."""
    # The companion app's notify service is named after the device (its config entry).
    names = {
        slugify(f"mobile_app_{entry.data.get('device_name') or entry.title}"): (
            entry.title
        )
        for entry in hass.config_entries.async_entries("mobile_app")
    }
    return [
        selector.SelectOptionDict(
            value=service, label=names.get(service, f"notify.{service}")
        )
        for service in sorted(hass.services.async_services_for_domain("notify"))
        if service.startswith("mobile_app_")
    ]


def delivery_schema(hass: HomeAssistant, values: dict[str, Any]) -> vol.Schema:
    """Ask where reminders go: speakers, phones, notify entities, notifications."""
    return vol.Schema(
        {
            vol.Optional(
                CONF_MEDIA_PLAYERS, default=values.get(CONF_MEDIA_PLAYERS, [])
            ): selector.EntitySelector(
                selector.EntitySelectorConfig(domain="media_player", multiple=True)
            ),
            vol.Optional(CONF_TTS_ENTITY): selector.EntitySelector(
                selector.EntitySelectorConfig(domain="tts")
            ),
            # A choice of the phones that exist; typing one is still possible (a phone
            # that is off while its profile is set up), and the check below refuses
            # any that does not exist.
            vol.Optional(
                CONF_MOBILE_APPS, default=values.get(CONF_MOBILE_APPS, [])
            ): selector.SelectSelector(
                selector.SelectSelectorConfig(
                    options=_phones(hass),
                    multiple=True,
                    custom_value=True,
                    mode=selector.SelectSelectorMode.DROPDOWN,
                )
            ),
            vol.Optional(
                CONF_NOTIFY_ENTITIES, default=values.get(CONF_NOTIFY_ENTITIES, [])
            ): selector.EntitySelector(
                selector.EntitySelectorConfig(domain="notify", multiple=True)
            ),
            vol.Required(
                CONF_PERSISTENT, default=values.get(CONF_PERSISTENT, True)
            ): selector.BooleanSelector(),
        }
    )


def sources_schema(values: dict[str, Any]) -> vol.Schema:
    """Ask where walks come from on their own: activity sensors, steps, the webhook."""
    return vol.Schema(
        {
            vol.Optional(
                CONF_ACTIVITY_ENTITIES, default=values.get(CONF_ACTIVITY_ENTITIES, [])
            ): selector.EntitySelector(
                selector.EntitySelectorConfig(
                    domain=["sensor", "binary_sensor", "switch"], multiple=True
                )
            ),
            vol.Optional(CONF_STEPS_ENTITY): selector.EntitySelector(
                selector.EntitySelectorConfig(domain="sensor")
            ),
            vol.Required(
                CONF_WEBHOOK_LOCAL_ONLY,
                default=values.get(CONF_WEBHOOK_LOCAL_ONLY, True),
            ): selector.BooleanSelector(),
            **_collapsed(
                SECTION_TRACKING,
                {
                    vol.Required(
                        CONF_WALKING_STATES,
                        default=values.get(CONF_WALKING_STATES, DEFAULT_WALKING_STATES),
                    ): selector.TextSelector(),
                    vol.Required(
                        CONF_MIN_CONFIDENCE,
                        default=values.get(CONF_MIN_CONFIDENCE, DEFAULT_MIN_CONFIDENCE),
                    ): _box(0, 100, "%"),
                    vol.Required(
                        CONF_MERGE_WINDOW,
                        default=values.get(CONF_MERGE_WINDOW, DEFAULT_MERGE_WINDOW),
                    ): _box(0, 30, UnitOfTime.MINUTES),
                    vol.Required(
                        CONF_MIN_WALK,
                        default=values.get(CONF_MIN_WALK, DEFAULT_MIN_WALK),
                    ): _box(1, 60, UnitOfTime.MINUTES),
                    vol.Required(
                        CONF_STEPS_MODE,
                        default=values.get(CONF_STEPS_MODE, StepMode.DAILY_RESET.value),
                    ): selector.SelectSelector(
                        selector.SelectSelectorConfig(
                            options=[mode.value for mode in StepMode],
                            translation_key=CONF_STEPS_MODE,
                            mode=selector.SelectSelectorMode.DROPDOWN,
                        )
                    ),
                    vol.Required(
                        CONF_CADENCE, default=values.get(CONF_CADENCE, DEFAULT_CADENCE)
                    ): _box(40, 200, "steps/min"),
                },
            ),
        }
    )


# Checks. Each returns refusals as {field: translation key}; none means the answer stands.


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
    flat = {key: value for key, value in answer.items() if key not in _SECTIONS}
    for name in _SECTIONS:
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
    section, where the form can show it) and shown there by _FieldErrorsShown.
    """

    rules: tuple[Rule, ...] = ()
    hass_rules: tuple[HassRule, ...] = ()
    store: Callable[[dict[str, Any]], dict[str, Any]] = _as_given

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
                on_fields.setdefault(_SECTION_OF.get(field, field), key)
            handler.flow_state[_FIELD_ERRORS] = on_fields
            raise SchemaFlowError(next(iter(on_fields.values())))
        return self.store(_whole(answer))


# The pages, as Home Assistant's schema flow runs them.


def _form(
    build: Callable[[dict[str, Any]], vol.Schema],
) -> Callable[[SchemaCommonFlowHandler], Coroutine[Any, Any, vol.Schema]]:
    """Return a page's schema function: the form with the stored values as defaults."""

    async def schema(handler: SchemaCommonFlowHandler) -> vol.Schema:
        return build(handler.options)

    return schema


async def _delivery_form(handler: SchemaCommonFlowHandler) -> vol.Schema:
    return delivery_schema(handler.parent_handler.hass, handler.options)


async def _shown(handler: SchemaCommonFlowHandler) -> dict[str, Any]:
    """Return the stored values as the forms show them (the suggested values).

    Weekdays by name, and each section's fields inside their section.
    """
    shown = dict(handler.options)
    if (weekday := shown.get(CONF_FIRST_WEEKDAY)) is not None:
        shown[CONF_FIRST_WEEKDAY] = WEEKDAYS[weekday]
    if (days := shown.get(CONF_WALK_DAYS)) is not None:
        shown[CONF_WALK_DAYS] = [WEEKDAYS[day] for day in days]
    for name, keys in _SECTIONS.items():
        shown[name] = {key: shown[key] for key in keys if key in shown}
    return shown


def _profile_name(handler: SchemaCommonFlowHandler) -> str:
    """Return the profile's name as a form description shows it (markdown escaped)."""
    flow = handler.parent_handler
    name = (
        flow.config_entry.title
        if isinstance(flow, OptionsFlow)
        else handler.options.get(CONF_NAME, "")
    )
    return escape_markdown(str(name))


async def _about(handler: SchemaCommonFlowHandler) -> dict[str, str]:
    """Name the profile on each page, and its usual pain the thresholds start from."""
    usual = handler.options.get(CONF_USUAL_PAIN, DEFAULT_USUAL_PAIN)
    return {"profile": _profile_name(handler), "usual_pain": str(usual)}


def webhook_url(hass: HomeAssistant, webhook_id: str) -> str:
    """Return the URL to give an app (the path alone when no URL is configured)."""
    try:
        return webhook.async_generate_url(hass, webhook_id)
    except NoURLAvailableError:
        return webhook.async_generate_path(webhook_id)


async def _about_sources(handler: SchemaCommonFlowHandler) -> dict[str, str]:
    """Name the profile and show its webhook."""
    flow = handler.parent_handler
    url = ""
    if isinstance(flow, OptionsFlow):  # the page is only in the options
        url = webhook_url(flow.hass, flow.config_entry.data[CONF_WEBHOOK_ID])
    return {**await _about(handler), "webhook_url": url}


_PROFILE_PAGE = SchemaFlowFormStep(
    _form(profile_options_schema),
    validate_user_input=PageCheck(),
    description_placeholders=_about,
)
_GOAL_PAGE = SchemaFlowFormStep(
    _form(goal_schema),
    validate_user_input=PageCheck((validate_goal,), store=stored_goal),
    suggested_values=_shown,
    description_placeholders=_about,
)
_THRESHOLDS_PAGE = SchemaFlowFormStep(
    _form(thresholds_schema),
    validate_user_input=PageCheck((validate_thresholds,)),
    description_placeholders=_about,
)
_SCHEDULE_PAGE = SchemaFlowFormStep(
    _form(schedule_schema),
    validate_user_input=PageCheck((validate_schedule,), store=stored_schedule),
    suggested_values=_shown,
    description_placeholders=_about,
)


async def _after_name(options: dict[str, Any]) -> str | None:
    # The name is asked again only when another flow took it while this one was
    # answered: then every other page is answered, and the profile is made.
    return None if CONF_WALK_DAYS in options else "profile"


CONFIG_FLOW: dict[str, SchemaFlowFormStep] = {
    "user": SchemaFlowFormStep(
        _form(name_schema),
        validate_user_input=PageCheck(hass_rules=(validate_name,), store=stored_name),
        next_step=_after_name,
    ),
    "profile": replace(_PROFILE_PAGE, schema=_form(profile_schema), next_step="goal"),
    "goal": replace(_GOAL_PAGE, next_step="thresholds"),
    "thresholds": replace(_THRESHOLDS_PAGE, next_step="schedule"),
    "schedule": _SCHEDULE_PAGE,
}
OPTIONS_FLOW: dict[str, SchemaFlowFormStep] = {
    "profile": _PROFILE_PAGE,
    "goal": _GOAL_PAGE,
    "thresholds": _THRESHOLDS_PAGE,
    "schedule": _SCHEDULE_PAGE,
    "reminders": SchemaFlowFormStep(
        _delivery_form,
        validate_user_input=PageCheck(
            hass_rules=(validate_delivery,), store=stored_delivery
        ),
        description_placeholders=_about,
    ),
    "sources": SchemaFlowFormStep(
        _form(sources_schema),
        validate_user_input=PageCheck((validate_sources,)),
        suggested_values=_shown,
        description_placeholders=_about_sources,
    ),
}


class _FieldErrorsShown(ConfigEntryBaseFlow):
    """Show a page's refusals on their fields.

    The schema flow shows a SchemaFlowError as one message above the form; PageCheck
    leaves the refusals by field in the flow state, and they take its place here.
    """

    _common_handler: SchemaCommonFlowHandler

    @callback
    def async_show_form(
        self,
        *,
        step_id: str | None = None,
        data_schema: vol.Schema | None = None,
        errors: dict[str, str] | None = None,
        description_placeholders: Mapping[str, str] | None = None,
        last_step: bool | None = None,
        preview: str | None = None,
    ) -> ConfigFlowResult:
        """Return the form, its refusals on their fields."""
        if errors and (
            on_fields := self._common_handler.flow_state.pop(_FIELD_ERRORS, None)
        ):
            errors = on_fields
        if step_id == "user" and last_step is None:
            # The engine cannot tell what follows the name page (_after_name chooses at
            # run time), so the frontend offered "Submit" on the first of five pages.
            last_step = CONF_WALK_DAYS in self._common_handler.options
        return super().async_show_form(
            step_id=step_id,
            data_schema=data_schema,
            errors=errors,
            description_placeholders=description_placeholders,
            last_step=last_step,
            preview=preview,
        )


class BackwalkConfigFlow(_FieldErrorsShown, ConfigFlow, domain=DOMAIN):
    """Create a pain profile: name, pain, goal, thresholds, schedule.

    Not a SchemaConfigFlowHandler: that keeps every answer as options, while a profile
    keeps its identity (name, webhook) in data; and its options flow is this module's.
    The pages still run on the schema flow's own engine.
    """

    VERSION = 1
    # 1.2: data holds the profile's webhook id. 1.3: no unique id (it was the name's
    # slug, which a rename changes and which refused different names).
    MINOR_VERSION = 3

    def __init__(self) -> None:
        """Start with no answers and the profile's own webhook."""
        self.webhook_id = webhook.async_generate_id()
        # The engine calls only the form, menu and create-entry methods this flow has.
        self._common_handler = SchemaCommonFlowHandler(
            self,  # type: ignore[arg-type]
            CONFIG_FLOW,
            None,
        )

    @staticmethod
    @callback
    def async_get_options_flow(
        config_entry: BackwalkConfigEntry,
    ) -> BackwalkOptionsFlow:
        """Change any part of the profile, one page at a time."""
        return BackwalkOptionsFlow(config_entry)

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Name the profile (one per person)."""
        return await self._common_handler.async_step("user", user_input)

    async def async_step_profile(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask how long the pain has lasted and how much it usually hurts."""
        return await self._common_handler.async_step("profile", user_input)

    async def async_step_goal(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the weekly goal and the plan's start."""
        return await self._common_handler.async_step("goal", user_input)

    async def async_step_thresholds(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the pain thresholds and the alternatives for a pain day."""
        return await self._common_handler.async_step("thresholds", user_input)

    async def async_step_schedule(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the walk schedule and quiet hours; then make the profile."""
        return await self._common_handler.async_step("schedule", user_input)

    @callback
    def async_create_entry(
        self, *, data: Mapping[str, Any], **kwargs: Any
    ) -> ConfigFlowResult:
        """Make the profile from every page's answers, which the schema flow hands over.

        The name and the webhook identify it (data); the rest are options. The name is
        checked again, as another flow may have taken it while this one was answered:
        then the first page asks for another, the other answers kept.
        """
        options = dict(data)
        name = options.pop(CONF_NAME)
        if errors := validate_name(self.hass, {CONF_NAME: name}):
            return self.async_show_form(
                step_id="user",
                data_schema=name_schema({CONF_NAME: name}),
                errors=errors,
            )
        return super().async_create_entry(
            title=name,
            data={CONF_NAME: name, CONF_WEBHOOK_ID: self.webhook_id},
            options=options,
            **kwargs,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Rename the profile."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = validate_name(self.hass, user_input, entry.entry_id)
            if not errors:
                name = stored_name(user_input)[CONF_NAME]
                return self.async_update_reload_and_abort(
                    entry, title=name, data_updates={CONF_NAME: name}
                )
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=name_schema(user_input or dict(entry.data)),
            errors=errors,
        )


class BackwalkOptionsFlow(_FieldErrorsShown, SchemaOptionsFlowHandlerWithReload):
    """Change the profile one page at a time: each page is saved on its own."""

    def __init__(self, config_entry: BackwalkConfigEntry) -> None:
        """Run the pages from the stored options."""
        super().__init__(config_entry, OPTIONS_FLOW)

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Offer the pages, naming the profile they change."""
        return self.async_show_menu(
            step_id="init",
            menu_options=[
                "profile",
                "goal",
                "thresholds",
                "schedule",
                "reminders",
                "sources",
            ],
            description_placeholders={
                "profile": escape_markdown(self.config_entry.title)
            },
        )
