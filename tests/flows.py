"""Driving Home Assistant's flows as a person does: the first flow, options, repairs.

Shared by every test that adds a profile, changes its options or acts on a repair, so
the answers and the way forms are sent stay one thing.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.config_entries import (
    SOURCE_USER,
    ConfigEntriesFlowManager,
    ConfigEntry,
    OptionsFlowManager,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType
from homeassistant.helpers.data_entry_flow import _BaseFlowManagerView

from custom_components.backwalk.const import CONF_NAME, DOMAIN

# What the frontend sends: number selectors answer floats, selects answer strings, and
# the fields of a section come nested in it.
PROFILE_INPUT: dict[str, Any] = {"pain_duration": "over_3_months", "usual_pain": 4.0}
GOAL_INPUT: dict[str, Any] = {
    "walks_per_week": 4.0,
    "target_minutes": 40.0,
    "starting_minutes": 10.0,
    "daily_minimum_minutes": 8.0,
    "first_weekday": "sun",
}
THRESHOLDS_INPUT: dict[str, Any] = {"pain_day_threshold": 6.0, "red_flag_level": 9.0}
SCHEDULE_INPUT: dict[str, Any] = {
    "walk_days": ["sat", "tue", "thu"],
    "walk_time": "18:15:00",
    "reminder_timing": {"stretch_lead_minutes": 15.0, "check_in_after_minutes": 90.0},
}
FIRST_FLOW = ["user", "profile", "goal", "thresholds", "schedule"]
FIRST_FLOW_ANSWERS: dict[str, dict[str, Any]] = {
    "profile": PROFILE_INPUT,
    "goal": GOAL_INPUT,
    "thresholds": THRESHOLDS_INPUT,
    "schedule": SCHEDULE_INPUT,
}


def serialized_schema(result: FlowResult) -> list[dict[str, Any]]:
    """Serialize a form's schema the way the frontend API does (raises if it cannot)."""
    prepared = _BaseFlowManagerView._prepare_result_json(None, result)  # type: ignore[arg-type]
    fields = prepared["data_schema"]
    assert isinstance(fields, list)
    return fields


def field(fields: list[dict[str, Any]], name: str) -> dict[str, Any]:
    """The serialized field called `name`, at the top or in a section."""
    matches = [item for item in fields if item["name"] == name] + [
        inner
        for item in fields
        if item.get("type") == "expandable"
        for inner in item["schema"]
        if inner["name"] == name
    ]
    assert len(matches) == 1, fields
    return matches[0]


def shown(item: dict[str, Any]) -> Any:
    """What a field shows: its suggested value, else its default (as the frontend does)."""
    suggested = (item.get("description") or {}).get("suggested_value")
    return suggested if suggested is not None else item.get("default")


def shown_answers(result: FlowResult) -> dict[str, Any]:
    """What the frontend submits when the form is sent as shown."""

    def answers(fields: list[dict[str, Any]]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for item in fields:
            if item.get("type") == "expandable":
                found[item["name"]] = answers(item["schema"])
            elif (value := shown(item)) is not None:
                found[item["name"]] = value
        return found

    return answers(serialized_schema(result))


def nested(result: FlowResult, given: dict[str, Any]) -> dict[str, Any]:
    """The answers in `given` (by field name), each in the section the form keeps it in."""
    answer: dict[str, Any] = {}
    for item in serialized_schema(result):
        if item.get("type") == "expandable":
            answer[item["name"]] = {
                inner["name"]: given[inner["name"]]
                for inner in item["schema"]
                if inner["name"] in given
            }
        elif item["name"] in given:
            answer[item["name"]] = given[item["name"]]
    return answer


async def start_user_flow(hass: HomeAssistant) -> FlowResult:
    """Start a config flow as a user would."""
    return await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )


async def answer(
    manager: ConfigEntriesFlowManager | OptionsFlowManager,
    result: FlowResult,
    step_id: str,
    given: dict[str, Any],
) -> FlowResult:
    """Answer the form `step_id`, which must be shown without errors."""
    assert result["type"] is FlowResultType.FORM, result
    assert result["step_id"] == step_id
    assert result["errors"] in ({}, None), result["errors"]
    return await manager.async_configure(result["flow_id"], given)


async def flow_to(
    hass: HomeAssistant, step_id: str, name: str = "Alex", **pages: dict[str, Any]
) -> FlowResult:
    """A config flow for a profile (Alex), answered up to the page `step_id`.

    `pages` (by step id) replace the usual answers of those pages.
    """
    given = {"user": {CONF_NAME: name}, **FIRST_FLOW_ANSWERS, **pages}
    result = await start_user_flow(hass)
    for step in FIRST_FLOW[: FIRST_FLOW.index(step_id)]:
        result = await answer(hass.config_entries.flow, result, step, given[step])
    assert result["type"] is FlowResultType.FORM, result
    assert result["step_id"] == step_id
    return result


async def finish(
    hass: HomeAssistant, result: FlowResult, schedule: dict[str, Any] = SCHEDULE_INPUT
) -> FlowResult:
    """Answer the schedule, the first flow's last page."""
    result = await answer(hass.config_entries.flow, result, "schedule", schedule)
    await hass.async_block_till_done()
    return result


async def complete_setup_flow(
    hass: HomeAssistant, name: str = "Alex", **pages: dict[str, Any]
) -> FlowResult:
    """The whole first flow, as a person answers it: what it ends with.

    `pages` (by step id) replace the usual answers of those pages.
    """
    result = await flow_to(hass, "schedule", name, **pages)
    return await finish(hass, result, pages.get("schedule", SCHEDULE_INPUT))


async def create_profile(hass: HomeAssistant, name: str) -> ConfigEntry:
    """Create a profile through the whole first flow."""
    result = await complete_setup_flow(hass, name)
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    entry: ConfigEntry = result["result"]
    return entry


async def give_name(hass: HomeAssistant, name: str) -> FlowResult:
    """Start the first flow and answer its first page with `name`."""
    result = await start_user_flow(hass)
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: name}
    )


async def open_page(hass: HomeAssistant, entry: ConfigEntry, page: str) -> FlowResult:
    """Open the options and choose `page` from the menu."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.MENU
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": page}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == page
    return result


async def save_page(
    hass: HomeAssistant, result: FlowResult, given: dict[str, Any]
) -> FlowResult:
    """Send an options page: `given` (by field name) over what the page shows."""
    answers = {**shown_answers(result)}
    for key, value in nested(result, given).items():
        answers[key] = {**answers[key], **value} if isinstance(value, dict) else value
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], answers
    )
    await hass.async_block_till_done()
    return result


async def start_fix_flow(hass: HomeAssistant, issue_id: str) -> FlowResult:
    """Open the repair of backwalk's issue `issue_id`, as the repairs dashboard does."""
    manager = repairs_flow_manager(hass)
    assert manager is not None
    return await manager.async_init(DOMAIN, context={"issue_id": issue_id})


async def confirm_fix_flow(hass: HomeAssistant, result: FlowResult) -> FlowResult:
    """Send a repair's form as shown."""
    manager = repairs_flow_manager(hass)
    assert manager is not None
    result = await manager.async_configure(result["flow_id"], {})
    await hass.async_block_till_done()
    return result
