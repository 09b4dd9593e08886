"""Config flow for backwalk: one entry per person's pain profile."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import math
from typing import TYPE_CHECKING, Any
import unicodedata

from homeassistant.components import webhook
from homeassistant.config_entries import (
    ConfigEntry,
    ConfigEntryBaseFlow,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlowWithReload,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import selector
import voluptuous as vol

from .const import (
    ALTERNATIVES,
    CONF_ACTIVITY_ENTITIES,
    CONF_ALTERNATIVES,
    CONF_CADENCE,
    CONF_CHECK_IN_AFTER,
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
from .sources import walking_states
from .webhook_handler import webhook_url

_DEFAULTS = Settings()
_WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


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


def whole_numbers(user_input: dict[str, Any]) -> dict[str, Any]:
    """Turn the floats number selectors answer into whole numbers, as the profile uses."""
    return {
        key: int(value) if isinstance(value, float) else value
        for key, value in user_input.items()
    }


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
            _optional_suggested(CONF_PERSON, values): selector.EntitySelector(
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
            ): _box(5, 180, "min"),
            vol.Required(
                CONF_STARTING_MINUTES,
                default=values.get(CONF_STARTING_MINUTES, _DEFAULTS.starting_minutes),
            ): _box(1, 180, "min"),
            vol.Required(
                CONF_DAILY_MINIMUM,
                default=values.get(CONF_DAILY_MINIMUM, _DEFAULTS.daily_minimum_minutes),
            ): _box(1, 120, "min"),
            vol.Required(
                CONF_FIRST_WEEKDAY,
                default=_WEEKDAYS[
                    values.get(CONF_FIRST_WEEKDAY, _DEFAULTS.first_weekday)
                ],
            ): selector.SelectSelector(
                selector.SelectSelectorConfig(
                    options=_WEEKDAYS,
                    translation_key=CONF_FIRST_WEEKDAY,
                    mode=selector.SelectSelectorMode.DROPDOWN,
                )
            ),
        }
    )


def thresholds_schema(values: dict[str, Any]) -> vol.Schema:
    """Ask when a day counts as a pain day, and when to advise care instead (G15)."""
    return vol.Schema(
        {
            vol.Required(
                CONF_PAIN_DAY_THRESHOLD,
                default=values.get(
                    CONF_PAIN_DAY_THRESHOLD, _DEFAULTS.pain_day_threshold
                ),
            ): _slider(1, MAX_PAIN_LEVEL),
            vol.Required(
                CONF_RED_FLAG_LEVEL,
                default=values.get(CONF_RED_FLAG_LEVEL, _DEFAULTS.red_flag_level),
            ): _slider(1, MAX_PAIN_LEVEL),
        }
    )


def thresholds_and_alternatives_schema(values: dict[str, Any]) -> vol.Schema:
    """Thresholds, and what to suggest on a pain day instead of walking (G7)."""
    return thresholds_schema(values).extend(
        {
            vol.Required(
                CONF_ALTERNATIVES, default=values.get(CONF_ALTERNATIVES, ALTERNATIVES)
            ): selector.SelectSelector(
                selector.SelectSelectorConfig(
                    options=ALTERNATIVES,
                    multiple=True,
                    translation_key="activity",
                    mode=selector.SelectSelectorMode.LIST,
                )
            )
        }
    )


def _optional_suggested(key: str, values: dict[str, Any]) -> vol.Optional:
    suggested = values.get(key)
    return vol.Optional(
        key, description={"suggested_value": suggested} if suggested else None
    )


def schedule_schema(values: dict[str, Any]) -> vol.Schema:
    """Ask which days and at what time the walks are, and when to stay quiet."""
    days = values.get(CONF_WALK_DAYS, DEFAULT_WALK_DAYS)
    return vol.Schema(
        {
            vol.Required(
                CONF_WALK_DAYS, default=[_WEEKDAYS[day] for day in days]
            ): selector.SelectSelector(
                selector.SelectSelectorConfig(
                    options=_WEEKDAYS,
                    multiple=True,
                    translation_key=CONF_FIRST_WEEKDAY,
                    mode=selector.SelectSelectorMode.LIST,
                )
            ),
            vol.Required(
                CONF_WALK_TIME, default=values.get(CONF_WALK_TIME, DEFAULT_WALK_TIME)
            ): selector.TimeSelector(),
            vol.Required(
                CONF_STRETCH_LEAD,
                default=values.get(CONF_STRETCH_LEAD, DEFAULT_STRETCH_LEAD),
            ): _box(0, 120, "min"),
            vol.Required(
                CONF_CHECK_IN_AFTER,
                default=values.get(CONF_CHECK_IN_AFTER, DEFAULT_CHECK_IN_AFTER),
            ): _box(15, 720, "min"),
            _optional_suggested(CONF_QUIET_START, values): selector.TimeSelector(),
            _optional_suggested(CONF_QUIET_END, values): selector.TimeSelector(),
        }
    )


def validate_schedule(user_input: dict[str, Any]) -> dict[str, str]:
    """Quiet hours need both ends."""
    if (CONF_QUIET_START in user_input) != (CONF_QUIET_END in user_input):
        missing = CONF_QUIET_END if CONF_QUIET_START in user_input else CONF_QUIET_START
        return {missing: "quiet_hours_incomplete"}
    return {}


def normalise_schedule(user_input: dict[str, Any]) -> dict[str, Any]:
    """Store walk days as weekday numbers; drop cleared quiet hours."""
    values = {
        **user_input,
        CONF_WALK_DAYS: sorted(
            _WEEKDAYS.index(day) for day in user_input[CONF_WALK_DAYS]
        ),
    }
    for key in (CONF_QUIET_START, CONF_QUIET_END):
        if not values.get(key):
            values.pop(key, None)
    return values


def delivery_schema(hass: HomeAssistant, values: dict[str, Any]) -> vol.Schema:
    """Ask where nudges go: speakers, phones, notify entities, notifications."""
    phones = sorted(
        service
        for service in hass.services.async_services_for_domain("notify")
        if service.startswith("mobile_app_")
    )
    return vol.Schema(
        {
            vol.Optional(
                CONF_MEDIA_PLAYERS, default=values.get(CONF_MEDIA_PLAYERS, [])
            ): selector.EntitySelector(
                selector.EntitySelectorConfig(domain="media_player", multiple=True)
            ),
            _optional_suggested(CONF_TTS_ENTITY, values): selector.EntitySelector(
                selector.EntitySelectorConfig(domain="tts")
            ),
            vol.Optional(
                CONF_MOBILE_APPS, default=values.get(CONF_MOBILE_APPS, [])
            ): selector.SelectSelector(
                selector.SelectSelectorConfig(
                    options=phones, multiple=True, custom_value=True
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


def validate_delivery(user_input: dict[str, Any]) -> dict[str, str]:
    """Speakers need a text-to-speech engine to speak with."""
    if user_input.get(CONF_MEDIA_PLAYERS) and not user_input.get(CONF_TTS_ENTITY):
        return {CONF_TTS_ENTITY: "tts_required"}
    return {}


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
            ): _box(0, 30, "min"),
            vol.Required(
                CONF_MIN_WALK, default=values.get(CONF_MIN_WALK, DEFAULT_MIN_WALK)
            ): _box(1, 60, "min"),
            _optional_suggested(CONF_STEPS_ENTITY, values): selector.EntitySelector(
                selector.EntitySelectorConfig(domain="sensor")
            ),
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
            vol.Required(
                CONF_WEBHOOK_LOCAL_ONLY,
                default=values.get(CONF_WEBHOOK_LOCAL_ONLY, True),
            ): selector.BooleanSelector(),
        }
    )


def validate_sources(user_input: dict[str, Any]) -> dict[str, str]:
    """Check the walking states name at least one real state."""
    states = {
        state.lower()
        for state in walking_states(user_input.get(CONF_WALKING_STATES, ""))
    }
    if not states or states & {"unknown", "unavailable"}:
        return {CONF_WALKING_STATES: "invalid_walking_states"}
    return {}


def validate_goal(user_input: dict[str, Any]) -> dict[str, str]:
    """Field errors for the goal step."""
    if user_input[CONF_STARTING_MINUTES] > user_input[CONF_TARGET_MINUTES]:
        return {CONF_STARTING_MINUTES: "starting_above_target"}
    return {}


def validate_thresholds(user_input: dict[str, Any]) -> dict[str, str]:
    """Field errors for the thresholds step."""
    if user_input[CONF_RED_FLAG_LEVEL] <= user_input[CONF_PAIN_DAY_THRESHOLD]:
        return {CONF_RED_FLAG_LEVEL: "red_flag_not_above_threshold"}
    return {}


def normalise_goal(user_input: dict[str, Any]) -> dict[str, Any]:
    """Store the first weekday as a number, as the model uses it."""
    return {
        **user_input,
        CONF_FIRST_WEEKDAY: _WEEKDAYS.index(user_input[CONF_FIRST_WEEKDAY]),
    }


class _ProfileSteps(ConfigEntryBaseFlow):
    """The profile, goal and thresholds steps, shared by the config and options flows.

    Listed after ConfigFlow or OptionsFlow in the bases, which provide the rest.
    """

    values: dict[str, Any]
    webhook_id: str

    if TYPE_CHECKING:

        async def async_finish(self) -> ConfigFlowResult:
            """Finish the flow after the last step (each flow handler defines it)."""

    async def _async_form_step(
        self,
        step_id: str,
        user_input: dict[str, Any] | None,
        schema: Callable[[dict[str, Any]], vol.Schema],
        next_step: Callable[[], Awaitable[ConfigFlowResult]],
        *,
        validate: Callable[[dict[str, Any]], dict[str, str]] = lambda _: {},
        normalise: Callable[[dict[str, Any]], dict[str, Any]] = lambda answer: answer,
        optional: tuple[str, ...] = (),
        placeholders: dict[str, str] | None = None,
    ) -> ConfigFlowResult:
        """Show one step's form; keep a valid answer and go on, or show it with errors."""
        errors: dict[str, str] = {}
        shown = self.values
        if user_input is not None:
            # The number selector lets "nan" and "inf" through; refuse them on the field.
            for key, value in user_input.items():
                if isinstance(value, float) and not math.isfinite(value):
                    errors[key] = "not_a_number"
            answer = whole_numbers(user_input) if not errors else dict(user_input)
            errors = errors or validate(answer)
            # A cleared optional field is absent from the answer: drop its old value.
            kept = {
                key: value for key, value in self.values.items() if key not in optional
            }
            shown = {**kept, **normalise(answer)}
            if not errors:
                self.values = shown
                return await next_step()
        return self.async_show_form(
            step_id=step_id,
            data_schema=schema(shown),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_profile(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask how long the pain has lasted and how much it usually hurts."""
        return await self._async_form_step(
            "profile", user_input, profile_schema, self.async_step_goal
        )

    async def async_step_goal(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the weekly goal and the plan's start."""
        return await self._async_form_step(
            "goal",
            user_input,
            goal_schema,
            self.async_step_thresholds,
            validate=validate_goal,
            normalise=normalise_goal,
        )

    async def async_step_thresholds(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the pain thresholds and the alternatives for a pain day."""
        return await self._async_form_step(
            "thresholds",
            user_input,
            thresholds_and_alternatives_schema,
            self.async_step_schedule,
            validate=validate_thresholds,
        )

    async def async_step_schedule(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the walk schedule, stretch lead time and quiet hours."""
        return await self._async_form_step(
            "schedule",
            user_input,
            schedule_schema,
            self.async_step_delivery,
            validate=validate_schedule,
            normalise=normalise_schedule,
            optional=(CONF_QUIET_START, CONF_QUIET_END),
        )

    async def async_step_delivery(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask where nudges go."""
        return await self._async_form_step(
            "delivery",
            user_input,
            lambda values: delivery_schema(self.hass, values),
            self.async_step_sources,
            validate=validate_delivery,
            optional=(CONF_TTS_ENTITY,),
        )

    async def async_step_sources(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask where walks come from automatically; show the profile's webhook."""
        return await self._async_form_step(
            "sources",
            user_input,
            sources_schema,
            self.async_finish,
            validate=validate_sources,
            optional=(CONF_STEPS_ENTITY,),
            placeholders={"webhook_url": webhook_url(self.hass, self.webhook_id)},
        )


def name_key(name: str) -> str:
    """Return what tells two profile names apart: not case or spacing, but accents.

    " demo " and "Demo" are one person; "Dëmo" and "Demo", or "黎明" and "李明", are two.
    """
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


class BackwalkConfigFlow(ConfigFlow, _ProfileSteps, domain=DOMAIN):
    """Create a pain profile: name, profile, goal, thresholds."""

    VERSION = 1
    # 1.2: data holds the profile's webhook id. 1.3: no unique id (it was the name's
    # slug, which a rename changes and which refused different names).
    MINOR_VERSION = 3

    def __init__(self) -> None:
        """Start with the defaults."""
        self.values = {}
        self._name = ""
        # Set once every step is answered: a new name then finishes the flow.
        self._answered = False
        self.webhook_id = webhook.async_generate_id()

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> BackwalkOptionsFlow:
        """Edit everything about the profile that may change."""
        return BackwalkOptionsFlow()

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Name the profile (one per person)."""
        errors: dict[str, str] = {}
        if user_input is not None:
            name = user_input[CONF_NAME].strip()
            if not name:
                errors[CONF_NAME] = "name_empty"
            elif self._name_taken(name):
                errors[CONF_NAME] = "name_taken"
            else:
                self._name = name
                if self._answered:
                    return await self.async_finish()
                self.values = {}
                return await self.async_step_profile()
        return self.async_show_form(
            step_id="user", data_schema=_name_schema(user_input or {}), errors=errors
        )

    def _name_taken(self, name: str, entry_id: str | None = None) -> bool:
        """Whether another profile (not `entry_id`) has this name, or is shown by it."""
        # No unique id: a name can change, and core's helpers without a natural id
        # check their entries' data instead (as _async_abort_entries_match does).
        key = name_key(name)
        return any(
            key in {name_key(str(entry.data.get(CONF_NAME, ""))), name_key(entry.title)}
            for entry in self._async_current_entries(include_ignore=False)
            if entry.entry_id != entry_id
        )

    async def async_finish(self) -> ConfigFlowResult:
        """Create the entry: the name identifies it, the rest are options."""
        if self._name_taken(self._name):
            # Another flow took the name while this one was answered: ask for a new
            # one on the first form; the other answers stand.
            self._answered = True
            return await self.async_step_user({CONF_NAME: self._name})
        return self.async_create_entry(
            title=self._name,
            data={CONF_NAME: self._name, CONF_WEBHOOK_ID: self.webhook_id},
            options=self.values,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Rename the profile."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            name = user_input[CONF_NAME].strip()
            if not name:
                errors[CONF_NAME] = "name_empty"
            elif self._name_taken(name, entry.entry_id):
                errors[CONF_NAME] = "name_taken"
            else:
                return self.async_update_reload_and_abort(
                    entry, title=name, data_updates={CONF_NAME: name}
                )
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=_name_schema(user_input or dict(entry.data)),
            errors=errors,
        )


class BackwalkOptionsFlow(OptionsFlowWithReload, _ProfileSteps):
    """Change the profile, goal and thresholds."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Start from the current options."""
        self.values = dict(self.config_entry.options)
        self.webhook_id = self.config_entry.data[CONF_WEBHOOK_ID]
        return await self.async_step_profile()

    async def async_step_profile(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask about the pain and whose profile it is (only here: setup stays short)."""
        return await self._async_form_step(
            "profile",
            user_input,
            profile_options_schema,
            self.async_step_goal,
            optional=(CONF_PERSON,),
        )

    async def async_finish(self) -> ConfigFlowResult:
        """Save the new options; the entry reloads with them."""
        return self.async_create_entry(data=self.values)


def _name_schema(values: dict[str, Any]) -> vol.Schema:
    return vol.Schema(
        {
            vol.Required(
                CONF_NAME, default=values.get(CONF_NAME, "")
            ): selector.TextSelector()
        }
    )
