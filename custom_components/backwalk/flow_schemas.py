"""The config and options flow's forms: each page's fields, defaults and sections.

Each form takes the values stored so far: they are the defaults of its fields.
"""

from __future__ import annotations

from typing import Any

from homeassistant.const import WEEKDAYS, UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import section
from homeassistant.helpers import selector
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
    CONF_LANGUAGE,
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
)
from .model import LANGUAGES, MAX_PAIN_LEVEL, PainDuration, Settings, StepMode

_DEFAULTS = Settings()

# Collapsed sections: fields whose defaults suit nearly everyone. The profile stores
# their values flat, as before sections existed, so no entry needs migrating.
SECTION_REMINDER_TIMING = "reminder_timing"
SECTION_TRACKING = "tracking_details"
SECTIONS: dict[str, tuple[str, ...]] = {
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
SECTION_OF = {field: name for name, keys in SECTIONS.items() for field in keys}


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


def profile_schema(values: dict[str, Any], language: str) -> vol.Schema:
    """Ask how long the pain has lasted, how much it usually hurts, and the language.

    `language` is the one to offer first: Home Assistant's, when backwalk speaks it.
    """
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
            # Reminders and spoken texts are in the profile's language, so that a
            # household may mix languages: one profile per person.
            vol.Required(
                CONF_LANGUAGE, default=values.get(CONF_LANGUAGE, language)
            ): selector.LanguageSelector(
                selector.LanguageSelectorConfig(
                    languages=list(LANGUAGES), native_name=True
                )
            ),
        }
    )


def profile_options_schema(values: dict[str, Any], language: str) -> vol.Schema:
    """Ask about the pain and whose profile it is: Assist takes "I" from that person."""
    return profile_schema(values, language).extend(
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
