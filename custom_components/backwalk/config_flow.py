"""Config flow for backwalk: one entry per person's pain profile.

The first flow asks only what a person needs to start: a name, the pain, the weekly goal,
the thresholds with the pain-day alternatives, and the walk schedule. Where reminders go,
walks that log themselves and the webhook wait in the options, a menu of pages that each
save on their own. Both flows run their pages with Home Assistant's schema-flow helpers.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, cast

from homeassistant.components import webhook
from homeassistant.config_entries import (
    ConfigEntryBaseFlow,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.const import WEEKDAYS
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.network import NoURLAvailableError
from homeassistant.helpers.schema_config_entry_flow import (
    SchemaCommonFlowHandler,
    SchemaFlowFormStep,
    SchemaOptionsFlowHandlerWithReload,
)
import voluptuous as vol

from .const import (
    CONF_FIRST_WEEKDAY,
    CONF_HEAT_THRESHOLD,
    CONF_MEDIA_PLAYERS,
    CONF_NAME,
    CONF_USUAL_PAIN,
    CONF_WALK_DAYS,
    CONF_WEBHOOK_ID,
    DEFAULT_USUAL_PAIN,
    DOMAIN,
)
from .flow_answers import (
    FIELD_ERRORS,
    PageCheck,
    stored_delivery,
    stored_goal,
    stored_name,
    stored_schedule,
    validate_delivery,
    validate_goal,
    validate_name,
    validate_schedule,
    validate_sources,
    validate_thresholds,
)
from .flow_presence import (
    heat_range,
    presence_weather_schema,
    shown_heat_threshold,
    speakers_by_area,
    stored_presence_weather,
    validate_presence_weather,
)
from .flow_schemas import (
    SECTIONS,
    delivery_schema,
    goal_schema,
    name_schema,
    profile_options_schema,
    schedule_schema,
    sources_schema,
    thresholds_schema,
)
from .language import default_language
from .model.markdown import escape_markdown

if TYPE_CHECKING:
    from .runtime import BackwalkConfigEntry


# The pages, as Home Assistant's schema flow runs them.


def _form(
    build: Callable[[dict[str, Any]], vol.Schema],
) -> Callable[[SchemaCommonFlowHandler], Coroutine[Any, Any, vol.Schema]]:
    """Return a page's schema function: the form with the stored values as defaults."""

    async def schema(handler: SchemaCommonFlowHandler) -> vol.Schema:
        return build(handler.options)

    return schema


async def _profile_options_form(handler: SchemaCommonFlowHandler) -> vol.Schema:
    return profile_options_schema(
        handler.options, default_language(handler.parent_handler.hass)
    )


async def _delivery_form(handler: SchemaCommonFlowHandler) -> vol.Schema:
    return delivery_schema(handler.parent_handler.hass, handler.options)


async def _presence_form(handler: SchemaCommonFlowHandler) -> vol.Schema:
    return presence_weather_schema(handler.parent_handler.hass, handler.options)


async def _shown(handler: SchemaCommonFlowHandler) -> dict[str, Any]:
    """Return the stored values as the forms show them (the suggested values).

    Weekdays by name, and each section's fields inside their section.
    """
    shown = dict(handler.options)
    if (weekday := shown.get(CONF_FIRST_WEEKDAY)) is not None:
        shown[CONF_FIRST_WEEKDAY] = WEEKDAYS[weekday]
    if (days := shown.get(CONF_WALK_DAYS)) is not None:
        shown[CONF_WALK_DAYS] = [WEEKDAYS[day] for day in days]
    for name, keys in SECTIONS.items():
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
    # The page is only in the options, so its flow is the options flow.
    flow = cast("OptionsFlow", handler.parent_handler)
    url = webhook_url(flow.hass, flow.config_entry.data[CONF_WEBHOOK_ID])
    return {**await _about(handler), "webhook_url": url}


async def _presence_suggested(handler: SchemaCommonFlowHandler) -> dict[str, Any]:
    """Return the saved options, the heat threshold (kept in °C) in the home's unit."""
    hass = handler.parent_handler.hass
    return {
        **handler.options,
        CONF_HEAT_THRESHOLD: shown_heat_threshold(hass, handler.options),
    }


async def _about_presence(handler: SchemaCommonFlowHandler) -> dict[str, str]:
    """Name the profile and show its speakers by area (the registry's areas)."""
    hass = handler.parent_handler.hass
    placed, unplaced = speakers_by_area(
        hass, handler.options.get(CONF_MEDIA_PLAYERS, [])
    )
    # The number box shows no bounds: the help and the refusal name them.
    low, high = heat_range(hass)
    return {
        **await _about(handler),
        "speaker_areas": placed,
        "speakers_without_area": unplaced,
        "heat_low": str(low),
        "heat_high": str(high),
        "temperature_unit": hass.config.units.temperature_unit,
    }


_PROFILE_PAGE = SchemaFlowFormStep(
    _profile_options_form,
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
    # The person is asked here too (optional): reminders follow them from the start.
    "profile": replace(_PROFILE_PAGE, next_step="goal"),
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
    "presence": SchemaFlowFormStep(
        _presence_form,
        validate_user_input=PageCheck(
            hass_rules=(validate_presence_weather,),
            hass_store=stored_presence_weather,
        ),
        suggested_values=_presence_suggested,
        description_placeholders=_about_presence,
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
            on_fields := self._common_handler.flow_state.pop(FIELD_ERRORS, None)
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
                "presence",
                "sources",
            ],
            description_placeholders={
                "profile": escape_markdown(self.config_entry.title)
            },
        )
