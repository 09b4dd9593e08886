"""The config, options and reconfigure flows, driven through Home Assistant."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from homeassistant.config_entries import (
    SOURCE_USER,
    ConfigEntriesFlowManager,
    ConfigEntry,
    ConfigEntryState,
    OptionsFlowManager,
)
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.data_entry_flow import FlowResult, FlowResultType, InvalidData
from homeassistant.helpers.data_entry_flow import _BaseFlowManagerView
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.backwalk.const import CONF_NAME, CONF_WEBHOOK_ID, DOMAIN

# What the frontend sends: number selectors answer floats, selects answer strings.
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
    "stretch_lead_minutes": 15.0,
    "check_in_after_minutes": 90.0,
}
DELIVERY_INPUT: dict[str, Any] = {
    "media_players": [],
    "mobile_app_services": [],
    "notify_entities": [],
    "persistent_notification": True,
}
SOURCES_INPUT: dict[str, Any] = {
    "activity_entities": [],
    "walking_states": "walking, on_foot",
    "min_confidence": 50.0,
    "merge_window_minutes": 3.0,
    "min_walk_minutes": 3.0,
    "steps_mode": "daily_reset",
    "cadence_threshold": 90.0,
    "webhook_local_only": True,
}
ALL_ALTERNATIVES = ["swimming", "stationary_bike", "yoga"]

EXPECTED_OPTIONS: dict[str, Any] = {
    "pain_duration": "over_3_months",
    "usual_pain": 4,
    "walks_per_week": 4,
    "target_minutes": 40,
    "starting_minutes": 10,
    "daily_minimum_minutes": 8,
    "first_weekday": 6,
    "pain_day_threshold": 6,
    "red_flag_level": 9,
    "preferred_alternatives": ALL_ALTERNATIVES,
    "walk_days": [1, 3, 5],
    "walk_time": "18:15:00",
    "stretch_lead_minutes": 15,
    "check_in_after_minutes": 90,
    "media_players": [],
    "mobile_app_services": [],
    "notify_entities": [],
    "persistent_notification": True,
    "activity_entities": [],
    "walking_states": "walking, on_foot",
    "min_confidence": 50,
    "merge_window_minutes": 3,
    "min_walk_minutes": 3,
    "steps_mode": "daily_reset",
    "cadence_threshold": 90,
    "webhook_local_only": True,
}
# Options a number selector answers: stored as ints, never floats.
NUMBER_OPTIONS = {
    "usual_pain",
    "walks_per_week",
    "target_minutes",
    "starting_minutes",
    "daily_minimum_minutes",
    "first_weekday",
    "pain_day_threshold",
    "red_flag_level",
    "stretch_lead_minutes",
    "check_in_after_minutes",
    "min_confidence",
    "merge_window_minutes",
    "min_walk_minutes",
    "cadence_threshold",
}


def serialized_schema(result: FlowResult) -> list[dict[str, Any]]:
    """Serialize a form's schema the way the frontend API does (raises if it cannot)."""
    prepared = _BaseFlowManagerView._prepare_result_json(None, result)  # type: ignore[arg-type]
    fields = prepared["data_schema"]
    assert isinstance(fields, list)
    return fields


def field(fields: list[dict[str, Any]], name: str) -> dict[str, Any]:
    """The serialized field called `name`."""
    matches = [item for item in fields if item["name"] == name]
    assert len(matches) == 1, fields
    return matches[0]


def assert_whole_numbers(options: dict[str, Any]) -> None:
    """Every number in the stored options is an int, never a float."""
    for key in NUMBER_OPTIONS:
        assert type(options[key]) is int, (key, options[key])
    for day in options["walk_days"]:
        assert type(day) is int, ("walk_days", day)


def shown_answers(result: FlowResult) -> dict[str, Any]:
    """What the frontend submits when the form is sent as shown."""
    answers = {}
    for item in serialized_schema(result):
        if "default" in item:
            answers[item["name"]] = item["default"]
        elif suggested := (item.get("description") or {}).get("suggested_value"):
            answers[item["name"]] = suggested
    return answers


async def start_user_flow(hass: HomeAssistant) -> FlowResult:
    """Start a config flow as a user would."""
    return await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )


async def finish_flow(
    hass: HomeAssistant,
    manager: ConfigEntriesFlowManager | OptionsFlowManager,
    result: FlowResult,
    schedule: dict[str, Any] = SCHEDULE_INPUT,
    delivery: dict[str, Any] = DELIVERY_INPUT,
    sources: dict[str, Any] = SOURCES_INPUT,
) -> FlowResult:
    """Answer the schedule, delivery and sources steps that follow the thresholds."""
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "schedule"
    assert result["errors"] == {}
    result = await manager.async_configure(result["flow_id"], schedule)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "delivery"
    assert result["errors"] == {}
    result = await manager.async_configure(result["flow_id"], delivery)
    return await answer_sources(hass, manager, result, sources)


async def answer_sources(
    hass: HomeAssistant,
    manager: ConfigEntriesFlowManager | OptionsFlowManager,
    result: FlowResult,
    sources: dict[str, Any] = SOURCES_INPUT,
) -> FlowResult:
    """Answer the last step, sources, which follows delivery."""
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "sources"
    assert result["errors"] == {}
    result = await manager.async_configure(result["flow_id"], sources)
    await hass.async_block_till_done()
    return result


def assert_identity(data: Any, name: str) -> None:
    """Entry data holds the name and a generated webhook id, nothing else."""
    assert set(data) == {CONF_NAME, CONF_WEBHOOK_ID}
    assert data[CONF_NAME] == name
    assert isinstance(data[CONF_WEBHOOK_ID], str)
    assert len(data[CONF_WEBHOOK_ID]) > 20


def profile_entry(options: dict[str, Any]) -> MockConfigEntry:
    """A profile named Alex, as version 1.2 stores it, not yet set up."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Alex",
        unique_id="alex",
        data={CONF_NAME: "Alex", CONF_WEBHOOK_ID: "alex-webhook-id"},
        options=options,
        version=1,
        minor_version=2,
    )


async def flow_to_schedule(hass: HomeAssistant, name: str = "Alex") -> FlowResult:
    """A config flow for a profile (Alex), answered up to the schedule step."""
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: name}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], PROFILE_INPUT
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], GOAL_INPUT
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], THRESHOLDS_INPUT
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "schedule"
    return result


async def create_profile(hass: HomeAssistant, name: str) -> ConfigEntry:
    """Create a profile through the whole config flow."""
    result = await flow_to_schedule(hass, name)
    result = await finish_flow(hass, hass.config_entries.flow, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    entry: ConfigEntry = result["result"]
    return entry


async def flow_to_delivery(hass: HomeAssistant) -> FlowResult:
    """A config flow for Alex, answered up to the delivery step."""
    result = await flow_to_schedule(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], SCHEDULE_INPUT
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "delivery"
    return result


async def test_full_user_flow(hass: HomeAssistant) -> None:
    """Name, profile, goal, thresholds, schedule and delivery create a loaded entry."""
    result = await start_user_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}
    assert field(serialized_schema(result), CONF_NAME)["default"] == ""

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "  Alex  "}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "profile"
    fields = serialized_schema(result)
    assert field(fields, "pain_duration")["default"] == "under_6_weeks"
    assert field(fields, "usual_pain")["default"] == 3

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], PROFILE_INPUT
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "goal"
    fields = serialized_schema(result)
    assert field(fields, "first_weekday")["default"] == "mon"
    assert field(fields, "starting_minutes")["default"] == 5
    assert field(fields, "target_minutes")["default"] == 30

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], GOAL_INPUT
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "thresholds"
    fields = serialized_schema(result)
    assert field(fields, "pain_day_threshold")["default"] == 5
    assert field(fields, "red_flag_level")["default"] == 8
    assert field(fields, "preferred_alternatives")["default"] == ALL_ALTERNATIVES

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], THRESHOLDS_INPUT
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "schedule"
    assert result["errors"] == {}
    fields = serialized_schema(result)
    assert field(fields, "walk_days")["default"] == ["mon", "wed", "fri"]
    assert field(fields, "walk_time")["default"] == "07:30:00"
    assert field(fields, "stretch_lead_minutes")["default"] == 10
    assert field(fields, "check_in_after_minutes")["default"] == 120
    for name in ("quiet_start", "quiet_end"):
        assert field(fields, name)["optional"] is True
        assert "default" not in field(fields, name)
        assert "description" not in field(fields, name)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], SCHEDULE_INPUT
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "delivery"
    assert result["errors"] == {}
    fields = serialized_schema(result)
    assert field(fields, "media_players")["default"] == []
    assert "default" not in field(fields, "tts_entity")
    assert field(fields, "mobile_app_services")["default"] == []
    assert field(fields, "notify_entities")["default"] == []
    assert field(fields, "persistent_notification")["default"] is True

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], DELIVERY_INPUT
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "sources"
    assert result["errors"] == {}
    fields = serialized_schema(result)
    assert field(fields, "activity_entities")["default"] == []
    assert field(fields, "walking_states")["default"] == "walking, on_foot"
    assert field(fields, "min_confidence")["default"] == 50
    assert field(fields, "merge_window_minutes")["default"] == 3
    assert field(fields, "min_walk_minutes")["default"] == 3
    assert field(fields, "steps_entity")["optional"] is True
    assert "default" not in field(fields, "steps_entity")
    assert "description" not in field(fields, "steps_entity")
    assert field(fields, "steps_mode")["default"] == "daily_reset"
    assert field(fields, "cadence_threshold")["default"] == 90
    assert field(fields, "webhook_local_only")["default"] is True
    shown_url = result["description_placeholders"]["webhook_url"]
    assert "/api/webhook/" in shown_url

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], SOURCES_INPUT
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Alex"
    assert_identity(result["data"], "Alex")
    assert result["options"] == EXPECTED_OPTIONS
    assert_whole_numbers(result["options"])

    entry = result["result"]
    # No unique id: the only identity a person gives is a name, which can change.
    assert entry.unique_id is None
    # Made at the current version: nothing to migrate.
    assert (entry.version, entry.minor_version) == (1, 3)
    assert_identity(entry.data, "Alex")
    # The webhook shown in the form is the one the entry keeps and listens on.
    assert shown_url.endswith(f"/api/webhook/{entry.data[CONF_WEBHOOK_ID]}")
    assert entry.data[CONF_WEBHOOK_ID] in hass.data["webhook"]
    assert entry.options == EXPECTED_OPTIONS
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get("sensor.alex_target_minutes_today").state == "10"


async def test_user_flow_int_input_kept(hass: HomeAssistant) -> None:
    """Whole numbers sent as ints (as YAML or scripts do) are stored unchanged."""
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Sam"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"pain_duration": "6_weeks_to_3_months", "usual_pain": 2}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {**GOAL_INPUT, "starting_minutes": 40, "first_weekday": "mon"},
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"pain_day_threshold": 1, "red_flag_level": 2}
    )
    result = await finish_flow(
        hass,
        hass.config_entries.flow,
        result,
        schedule={
            **SCHEDULE_INPUT,
            "stretch_lead_minutes": 0,
            "check_in_after_minutes": 720,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["options"]["usual_pain"] == 2
    assert result["options"]["starting_minutes"] == 40
    assert result["options"]["first_weekday"] == 0
    assert result["options"]["red_flag_level"] == 2
    assert result["options"]["stretch_lead_minutes"] == 0
    assert result["options"]["check_in_after_minutes"] == 720
    assert_whole_numbers(result["options"])


@pytest.mark.parametrize(
    ("weekday", "number"),
    [
        ("mon", 0),
        ("tue", 1),
        ("wed", 2),
        ("thu", 3),
        ("fri", 4),
        ("sat", 5),
        ("sun", 6),
    ],
)
async def test_first_weekday_stored_as_number(
    hass: HomeAssistant, weekday: str, number: int
) -> None:
    """Each weekday choice is stored as the model's weekday number."""
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Alex"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], PROFILE_INPUT
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**GOAL_INPUT, "first_weekday": weekday}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], THRESHOLDS_INPUT
    )
    result = await finish_flow(hass, hass.config_entries.flow, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["options"]["first_weekday"] == number


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
async def test_user_flow_empty_name(hass: HomeAssistant, name: str) -> None:
    """A blank name is refused on the field; a real name then proceeds."""
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: name}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {CONF_NAME: "name_empty"}
    # What was typed stays in the form.
    assert field(serialized_schema(result), CONF_NAME)["default"] == name

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Alex"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "profile"


@pytest.mark.parametrize("name", ["Alex", "alex", " ALEX ", "\talex\n"])
async def test_user_flow_duplicate_name(
    hass: HomeAssistant, config_entry: MockConfigEntry, name: str
) -> None:
    """An existing profile's name, in any case or spacing, is refused on the field."""
    config_entry.add_to_hass(hass)
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: name}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {CONF_NAME: "name_taken"}
    # What was typed stays in the form, and another name goes on.
    assert field(serialized_schema(result), CONF_NAME)["default"] == name
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Alex B."}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "profile"
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1


@pytest.mark.parametrize(
    ("existing", "name"),
    [
        ("Mary Jane", "  mary   JANE "),
        ("Strasse", "STRASSE"),
        # Composed and decomposed ë look the same: one name.
        ("D\u00ebmo", "De\u0308mo"),
    ],
)
async def test_user_flow_same_name_spelled_otherwise(
    hass: HomeAssistant, existing: str, name: str
) -> None:
    """Case, spacing and Unicode composition do not tell two people apart."""
    MockConfigEntry(
        domain=DOMAIN, title=existing, data={CONF_NAME: existing}
    ).add_to_hass(hass)
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: name}
    )
    assert result["errors"] == {CONF_NAME: "name_taken"}


@pytest.mark.parametrize(
    ("existing", "name"),
    [("Demo", "Dëmo"), ("李明", "黎明"), ("🙂", "😀"), ("Jo", "Jo Anne")],
)
async def test_user_flow_names_sharing_a_slug(
    hass: HomeAssistant, existing: str, name: str
) -> None:
    """Different names are different people, even where their slugs are the same."""
    first = await create_profile(hass, existing)
    second = await create_profile(hass, name)
    assert (first.title, second.title) == (existing, name)
    assert first.state is ConfigEntryState.LOADED
    assert second.state is ConfigEntryState.LOADED
    assert len(hass.config_entries.async_entries(DOMAIN)) == 2


async def test_name_taken_while_the_flow_was_answered(hass: HomeAssistant) -> None:
    """Two flows for one name: the second asks for a new name and keeps its answers."""
    first = await flow_to_schedule(hass)
    second = await flow_to_schedule(hass)
    result = await finish_flow(hass, hass.config_entries.flow, first)
    assert result["type"] is FlowResultType.CREATE_ENTRY

    result = await finish_flow(hass, hass.config_entries.flow, second)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {CONF_NAME: "name_taken"}
    assert field(serialized_schema(result), CONF_NAME)["default"] == "Alex"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Sam"}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Sam"
    assert result["options"] == EXPECTED_OPTIONS
    assert [entry.title for entry in hass.config_entries.async_entries(DOMAIN)] == [
        "Alex",
        "Sam",
    ]


async def test_user_flow_second_profile(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """A different name creates a second profile beside the first."""
    config_entry.add_to_hass(hass)
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Alex Two"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], PROFILE_INPUT
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], GOAL_INPUT
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], THRESHOLDS_INPUT
    )
    result = await finish_flow(hass, hass.config_entries.flow, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id is None
    assert len(hass.config_entries.async_entries(DOMAIN)) == 2


async def test_user_flow_goal_and_threshold_errors(hass: HomeAssistant) -> None:
    """Field errors keep the user's answers in the form, and correcting them proceeds."""
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Alex"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], PROFILE_INPUT
    )

    too_long_start = {**GOAL_INPUT, "starting_minutes": 41.0, "first_weekday": "wed"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], too_long_start
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "goal"
    assert result["errors"] == {"starting_minutes": "starting_above_target"}
    fields = serialized_schema(result)
    assert field(fields, "starting_minutes")["default"] == 41
    assert field(fields, "target_minutes")["default"] == 40
    assert field(fields, "first_weekday")["default"] == "wed"

    # Equal starting and target minutes are allowed.
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**GOAL_INPUT, "starting_minutes": 40.0}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "thresholds"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "pain_day_threshold": 7.0,
            "red_flag_level": 7.0,
            "preferred_alternatives": ["yoga"],
        },
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "thresholds"
    assert result["errors"] == {"red_flag_level": "red_flag_not_above_threshold"}
    fields = serialized_schema(result)
    assert field(fields, "pain_day_threshold")["default"] == 7
    assert field(fields, "red_flag_level")["default"] == 7
    assert field(fields, "preferred_alternatives")["default"] == ["yoga"]

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"pain_day_threshold": 7.0, "red_flag_level": 6.0}
    )
    assert result["errors"] == {"red_flag_level": "red_flag_not_above_threshold"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "pain_day_threshold": 7.0,
            "red_flag_level": 8.0,
            "preferred_alternatives": ["yoga"],
        },
    )
    result = await finish_flow(hass, hass.config_entries.flow, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["options"] == {
        **EXPECTED_OPTIONS,
        "starting_minutes": 40,
        "pain_day_threshold": 7,
        "red_flag_level": 8,
        "preferred_alternatives": ["yoga"],
    }
    assert_whole_numbers(result["options"])


async def test_user_flow_invalid_choice_refused(hass: HomeAssistant) -> None:
    """The selectors refuse values outside their choices and ranges."""
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Alex"}
    )
    with pytest.raises(InvalidData) as err:
        await hass.config_entries.flow.async_configure(
            result["flow_id"], {"pain_duration": "forever", "usual_pain": 3.0}
        )
    assert set(err.value.schema_errors) == {"pain_duration"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], PROFILE_INPUT
    )
    assert result["step_id"] == "goal"
    with pytest.raises(InvalidData) as err:
        await hass.config_entries.flow.async_configure(
            result["flow_id"], {**GOAL_INPUT, "first_weekday": "someday"}
        )
    assert set(err.value.schema_errors) == {"first_weekday"}
    with pytest.raises(InvalidData) as err:
        await hass.config_entries.flow.async_configure(
            result["flow_id"], {**GOAL_INPUT, "target_minutes": 181.0}
        )
    assert set(err.value.schema_errors) == {"target_minutes"}


async def test_options_flow(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    """Every step starts from the current options; saving reloads the entry."""
    assert hass.states.get("sensor.alex_target_minutes_today").state == "5"
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "profile"
    fields = serialized_schema(result)
    assert field(fields, "pain_duration")["default"] == "under_6_weeks"
    assert field(fields, "usual_pain")["default"] == 3

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"pain_duration": "over_3_months", "usual_pain": 6.0}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "goal"
    fields = serialized_schema(result)
    assert field(fields, "starting_minutes")["default"] == 5
    assert field(fields, "target_minutes")["default"] == 30
    assert field(fields, "first_weekday")["default"] == "mon"

    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {**GOAL_INPUT, "starting_minutes": 50.0, "first_weekday": "tue"},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "goal"
    assert result["errors"] == {"starting_minutes": "starting_above_target"}
    assert field(serialized_schema(result), "first_weekday")["default"] == "tue"

    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {**GOAL_INPUT, "starting_minutes": 15.0, "first_weekday": "tue"},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "thresholds"
    fields = serialized_schema(result)
    assert field(fields, "pain_day_threshold")["default"] == 5
    assert field(fields, "red_flag_level")["default"] == 8

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"pain_day_threshold": 9.0, "red_flag_level": 8.0}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"red_flag_level": "red_flag_not_above_threshold"}

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"pain_day_threshold": 4.0, "red_flag_level": 7.0}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "schedule"
    # A profile saved before the schedule existed is offered the defaults.
    fields = serialized_schema(result)
    assert field(fields, "walk_days")["default"] == ["mon", "wed", "fri"]
    assert field(fields, "walk_time")["default"] == "07:30:00"
    assert field(fields, "stretch_lead_minutes")["default"] == 10
    assert field(fields, "check_in_after_minutes")["default"] == 120

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], SCHEDULE_INPUT
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "delivery"
    fields = serialized_schema(result)
    assert field(fields, "media_players")["default"] == []
    assert field(fields, "persistent_notification")["default"] is True

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**DELIVERY_INPUT, "persistent_notification": False}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "sources"
    # A profile saved before automatic tracking existed is offered the defaults, and
    # the webhook the entry already has.
    fields = serialized_schema(result)
    assert field(fields, "activity_entities")["default"] == []
    assert field(fields, "walking_states")["default"] == "walking, on_foot"
    assert field(fields, "min_confidence")["default"] == 50
    assert "description" not in field(fields, "steps_entity")
    assert field(fields, "webhook_local_only")["default"] is True
    webhook_id = loaded_entry.data[CONF_WEBHOOK_ID]
    assert result["description_placeholders"]["webhook_url"].endswith(
        f"/api/webhook/{webhook_id}"
    )
    assert hass.states.get("sensor.alex_steps_today") is None

    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            **SOURCES_INPUT,
            "activity_entities": ["sensor.pixel_activity"],
            "walking_states": "Walking",
            "min_confidence": 75.0,
            "steps_entity": "sensor.pixel_steps",
            "steps_mode": "since_boot",
            "webhook_local_only": False,
        },
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    expected = {
        "pain_duration": "over_3_months",
        "usual_pain": 6,
        "walks_per_week": 4,
        "target_minutes": 40,
        "starting_minutes": 15,
        "daily_minimum_minutes": 8,
        "first_weekday": 1,
        "pain_day_threshold": 4,
        "red_flag_level": 7,
        "preferred_alternatives": ALL_ALTERNATIVES,
        "walk_days": [1, 3, 5],
        "walk_time": "18:15:00",
        "stretch_lead_minutes": 15,
        "check_in_after_minutes": 90,
        "media_players": [],
        "mobile_app_services": [],
        "notify_entities": [],
        "persistent_notification": False,
        "activity_entities": ["sensor.pixel_activity"],
        "walking_states": "Walking",
        "min_confidence": 75,
        "merge_window_minutes": 3,
        "min_walk_minutes": 3,
        "steps_entity": "sensor.pixel_steps",
        "steps_mode": "since_boot",
        "cadence_threshold": 90,
        "webhook_local_only": False,
    }
    assert loaded_entry.options == expected
    assert_whole_numbers(dict(loaded_entry.options))
    # The identity is untouched, the webhook id too.
    assert_identity(loaded_entry.data, "Alex")
    assert loaded_entry.data[CONF_WEBHOOK_ID] == webhook_id
    assert loaded_entry.title == "Alex"
    # Reloaded with the new options: a step counter adds the step sensors.
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert hass.states.get("sensor.alex_target_minutes_today").state == "15"
    assert hass.states.get("sensor.alex_condition").state == "chronic"
    assert hass.states.get("sensor.alex_steps_today").state == "0"
    assert hass.states.get("sensor.alex_steps_this_week").state == "0"


async def test_options_flow_shows_saved_weekday(
    hass: HomeAssistant, profile_options: dict[str, Any]
) -> None:
    """A stored weekday number is offered back as its choice."""
    config_entry = profile_entry({**profile_options, "first_weekday": 6})
    config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(config_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], PROFILE_INPUT
    )
    assert result["step_id"] == "goal"
    assert field(serialized_schema(result), "first_weekday")["default"] == "sun"


@pytest.mark.parametrize(
    ("days", "numbers"),
    [
        (["mon", "wed", "fri"], [0, 2, 4]),
        (["sun", "mon"], [0, 6]),
        (["sat", "fri", "thu", "wed", "tue", "mon", "sun"], [0, 1, 2, 3, 4, 5, 6]),
        (["thu"], [3]),
        ([], []),
    ],
)
async def test_schedule_walk_days_stored_as_sorted_numbers(
    hass: HomeAssistant, days: list[str], numbers: list[int]
) -> None:
    """Walk days are stored as the model's weekday numbers, in order."""
    result = await flow_to_schedule(hass)
    result = await finish_flow(
        hass,
        hass.config_entries.flow,
        result,
        schedule={**SCHEDULE_INPUT, "walk_days": days},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["options"]["walk_days"] == numbers
    assert_whole_numbers(result["options"])


async def test_schedule_step_stored(hass: HomeAssistant) -> None:
    """Time, lead, check-in and quiet hours are stored as answered."""
    result = await flow_to_schedule(hass)
    result = await finish_flow(
        hass,
        hass.config_entries.flow,
        result,
        schedule={
            "walk_days": ["fri", "mon"],
            "walk_time": "06:45:00",
            "stretch_lead_minutes": 30.0,
            "check_in_after_minutes": 45.0,
            "quiet_start": "21:30:00",
            "quiet_end": "07:00:00",
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["options"] == {
        **EXPECTED_OPTIONS,
        "walk_days": [0, 4],
        "walk_time": "06:45:00",
        "stretch_lead_minutes": 30,
        "check_in_after_minutes": 45,
        "quiet_start": "21:30:00",
        "quiet_end": "07:00:00",
    }
    assert_whole_numbers(result["options"])


async def test_schedule_without_quiet_hours(hass: HomeAssistant) -> None:
    """Leaving out both quiet-hour ends stores no quiet hours."""
    result = await flow_to_schedule(hass)
    result = await finish_flow(hass, hass.config_entries.flow, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert "quiet_start" not in result["options"]
    assert "quiet_end" not in result["options"]


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        ({"quiet_start": "22:00:00"}, "quiet_end"),
        ({"quiet_end": "06:00:00"}, "quiet_start"),
    ],
)
async def test_schedule_quiet_hours_incomplete(
    hass: HomeAssistant, given: dict[str, str], missing: str
) -> None:
    """One quiet-hour end alone is refused on the missing one; both then proceed."""
    result = await flow_to_schedule(hass)
    answer = {**SCHEDULE_INPUT, "walk_days": ["sun", "wed"], **given}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], answer)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "schedule"
    assert result["errors"] == {missing: "quiet_hours_incomplete"}
    # What was answered stays in the form (the days in week order).
    fields = serialized_schema(result)
    assert field(fields, "walk_days")["default"] == ["wed", "sun"]
    assert field(fields, "walk_time")["default"] == "18:15:00"
    assert field(fields, "stretch_lead_minutes")["default"] == 15
    assert field(fields, "check_in_after_minutes")["default"] == 90
    ((name, value),) = given.items()
    assert field(fields, name)["description"] == {"suggested_value": value}
    assert "description" not in field(fields, missing)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {**SCHEDULE_INPUT, "quiet_start": "22:00:00", "quiet_end": "06:00:00"},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "delivery"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], DELIVERY_INPUT
    )
    result = await answer_sources(hass, hass.config_entries.flow, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["options"]["quiet_start"] == "22:00:00"
    assert result["options"]["quiet_end"] == "06:00:00"


async def test_schedule_invalid_values_refused(hass: HomeAssistant) -> None:
    """The schedule's selectors refuse unknown days, bad times and out-of-range minutes."""
    result = await flow_to_schedule(hass)
    for key, value in [
        ("walk_days", ["mon", "someday"]),
        ("walk_time", "25:00:00"),
        ("stretch_lead_minutes", -1.0),
        ("stretch_lead_minutes", 121.0),
        ("check_in_after_minutes", 14.0),
        ("check_in_after_minutes", 721.0),
        ("quiet_start", "late"),
    ]:
        with pytest.raises(InvalidData) as err:
            await hass.config_entries.flow.async_configure(
                result["flow_id"], {**SCHEDULE_INPUT, key: value}
            )
        assert set(err.value.schema_errors) == {key}


async def test_options_flow_clears_quiet_hours(
    hass: HomeAssistant, profile_options: dict[str, Any]
) -> None:
    """Saved quiet hours are suggested; clearing both removes them from the options."""
    config_entry = profile_entry(
        {
            **profile_options,
            "walk_days": [1, 6],
            "walk_time": "08:00:00",
            "stretch_lead_minutes": 5,
            "check_in_after_minutes": 60,
            "quiet_start": "22:00:00",
            "quiet_end": "06:00:00",
        }
    )
    config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(config_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], PROFILE_INPUT
    )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], GOAL_INPUT
    )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], THRESHOLDS_INPUT
    )
    assert result["step_id"] == "schedule"
    fields = serialized_schema(result)
    assert field(fields, "walk_days")["default"] == ["tue", "sun"]
    assert field(fields, "walk_time")["default"] == "08:00:00"
    assert field(fields, "stretch_lead_minutes")["default"] == 5
    assert field(fields, "check_in_after_minutes")["default"] == 60
    assert field(fields, "quiet_start")["description"] == {
        "suggested_value": "22:00:00"
    }
    assert field(fields, "quiet_end")["description"] == {"suggested_value": "06:00:00"}

    # Clearing one end only is refused, and the cleared end is not offered back.
    answer = {**shown_answers(result)}
    del answer["quiet_start"]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], answer
    )
    assert result["step_id"] == "schedule"
    assert result["errors"] == {"quiet_start": "quiet_hours_incomplete"}
    fields = serialized_schema(result)
    assert "description" not in field(fields, "quiet_start")
    assert field(fields, "quiet_end")["description"] == {"suggested_value": "06:00:00"}

    del answer["quiet_end"]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], answer
    )
    assert result["step_id"] == "delivery"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], shown_answers(result)
    )
    result = await answer_sources(
        hass, hass.config_entries.options, result, shown_answers(result)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert "quiet_start" not in config_entry.options
    assert "quiet_end" not in config_entry.options
    assert config_entry.options["walk_days"] == [1, 6]
    assert config_entry.options["walk_time"] == "08:00:00"


async def test_options_flow_unchanged_when_sent_as_shown(
    hass: HomeAssistant, profile_options: dict[str, Any]
) -> None:
    """Every saved option is offered back: sending each form as shown changes nothing."""
    saved = {
        **profile_options,
        "first_weekday": 3,
        "preferred_alternatives": ["stationary_bike"],
        "walk_days": [0, 5, 6],
        "walk_time": "17:00:00",
        "stretch_lead_minutes": 0,
        "check_in_after_minutes": 720,
        "quiet_start": "23:00:00",
        "quiet_end": "07:30:00",
        "media_players": ["media_player.kitchen", "media_player.bedroom"],
        "tts_entity": "tts.piper",
        "mobile_app_services": ["mobile_app_pixel"],
        "notify_entities": ["notify.signal"],
        "persistent_notification": False,
        "activity_entities": ["sensor.pixel_activity", "switch.treadmill"],
        "walking_states": "Walking, on",
        "min_confidence": 0,
        "merge_window_minutes": 0,
        "min_walk_minutes": 60,
        "steps_entity": "sensor.pixel_steps",
        "steps_mode": "daily_total",
        "cadence_threshold": 200,
        "webhook_local_only": False,
    }
    config_entry = profile_entry(saved)
    config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(config_entry.entry_id)
    steps = ("profile", "goal", "thresholds", "schedule", "delivery", "sources")
    for step_id in steps:
        assert result["type"] is FlowResultType.FORM
        assert result["step_id"] == step_id
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], shown_answers(result)
        )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert dict(config_entry.options) == saved


@pytest.mark.parametrize(
    "alternatives",
    [["swimming"], ["yoga", "stationary_bike"], ALL_ALTERNATIVES, []],
)
async def test_preferred_alternatives_stored(
    hass: HomeAssistant, alternatives: list[str]
) -> None:
    """The chosen pain-day alternatives are stored as chosen."""
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Alex"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], PROFILE_INPUT
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], GOAL_INPUT
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {**THRESHOLDS_INPUT, "preferred_alternatives": alternatives},
    )
    result = await finish_flow(hass, hass.config_entries.flow, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["options"]["preferred_alternatives"] == alternatives


async def test_preferred_alternatives_unknown_refused(hass: HomeAssistant) -> None:
    """Only the listed alternatives can be chosen."""
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Alex"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], PROFILE_INPUT
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], GOAL_INPUT
    )
    with pytest.raises(InvalidData) as err:
        await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {**THRESHOLDS_INPUT, "preferred_alternatives": ["skydiving"]},
        )
    assert set(err.value.schema_errors) == {"preferred_alternatives"}


async def test_delivery_tts_required_for_speakers(hass: HomeAssistant) -> None:
    """Speakers without an engine are refused on the engine; adding one proceeds."""
    result = await flow_to_delivery(hass)
    speakers = {
        **DELIVERY_INPUT,
        "media_players": ["media_player.kitchen"],
        "persistent_notification": False,
    }
    result = await hass.config_entries.flow.async_configure(result["flow_id"], speakers)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "delivery"
    assert result["errors"] == {"tts_entity": "tts_required"}
    # What was answered stays in the form.
    fields = serialized_schema(result)
    assert field(fields, "media_players")["default"] == ["media_player.kitchen"]
    assert field(fields, "persistent_notification")["default"] is False
    assert "description" not in field(fields, "tts_entity")

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**speakers, "tts_entity": "tts.piper"}
    )
    result = await answer_sources(hass, hass.config_entries.flow, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["options"]["media_players"] == ["media_player.kitchen"]
    assert result["options"]["tts_entity"] == "tts.piper"
    assert result["options"]["persistent_notification"] is False


async def test_delivery_engine_without_speakers_allowed(hass: HomeAssistant) -> None:
    """An engine alone is fine: it waits for speakers to be chosen."""
    result = await flow_to_delivery(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**DELIVERY_INPUT, "tts_entity": "tts.piper"}
    )
    result = await answer_sources(hass, hass.config_entries.flow, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["options"]["media_players"] == []
    assert result["options"]["tts_entity"] == "tts.piper"


async def test_delivery_offers_mobile_app_services(hass: HomeAssistant) -> None:
    """Registered notify.mobile_app_* services are the phone choices; others are not."""

    async def handler(call: ServiceCall) -> None:
        """Accept a notification."""

    hass.services.async_register("notify", "mobile_app_pixel", handler)
    hass.services.async_register("notify", "mobile_app_ipad", handler)
    hass.services.async_register("notify", "email", handler)
    result = await flow_to_delivery(hass)
    phones = field(serialized_schema(result), "mobile_app_services")
    assert phones["selector"]["select"]["options"] == [
        "mobile_app_ipad",
        "mobile_app_pixel",
    ]
    assert phones["selector"]["select"]["multiple"] is True
    assert phones["selector"]["select"]["custom_value"] is True


async def test_delivery_without_phones(hass: HomeAssistant) -> None:
    """With no companion app registered there are no phone choices."""
    result = await flow_to_delivery(hass)
    phones = field(serialized_schema(result), "mobile_app_services")
    assert phones["selector"]["select"]["options"] == []


async def test_delivery_step_stored(hass: HomeAssistant) -> None:
    """Every delivery answer is stored as given, typed phone names included."""

    async def handler(call: ServiceCall) -> None:
        """Accept a notification."""

    hass.services.async_register("notify", "mobile_app_pixel", handler)
    result = await flow_to_delivery(hass)
    delivery = {
        "media_players": ["media_player.kitchen", "media_player.bedroom"],
        "tts_entity": "tts.piper",
        "mobile_app_services": ["mobile_app_pixel", "mobile_app_old_phone"],
        "notify_entities": ["notify.signal"],
        "persistent_notification": False,
    }
    result = await hass.config_entries.flow.async_configure(result["flow_id"], delivery)
    result = await answer_sources(hass, hass.config_entries.flow, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["options"] == {**EXPECTED_OPTIONS, **delivery}
    assert result["result"].state is ConfigEntryState.LOADED


async def test_delivery_defaults_when_left_out(hass: HomeAssistant) -> None:
    """Fields left out of the answer get their defaults: nothing chosen but the panel.

    The same holds for the sources step: no sensors, the default states and numbers.
    """
    result = await flow_to_delivery(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    result = await answer_sources(hass, hass.config_entries.flow, result, {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["options"] == EXPECTED_OPTIONS


async def test_delivery_invalid_entities_refused(hass: HomeAssistant) -> None:
    """Entities of the wrong domain are refused."""
    result = await flow_to_delivery(hass)
    for key, value in [
        ("media_players", ["light.kitchen"]),
        ("tts_entity", "media_player.kitchen"),
        ("notify_entities", ["tts.piper"]),
    ]:
        with pytest.raises(InvalidData) as err:
            await hass.config_entries.flow.async_configure(
                result["flow_id"], {**DELIVERY_INPUT, key: value}
            )
        # A bad list item is reported at its index, under the field.
        assert err.value.path[0] == key


async def test_options_flow_clears_tts_entity(
    hass: HomeAssistant, profile_options: dict[str, Any]
) -> None:
    """A cleared engine is removed, and not offered back when speakers still need one."""
    config_entry = profile_entry(
        {
            **profile_options,
            "media_players": ["media_player.kitchen"],
            "tts_entity": "tts.piper",
        }
    )
    config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(config_entry.entry_id)
    for answer in (PROFILE_INPUT, GOAL_INPUT, THRESHOLDS_INPUT, SCHEDULE_INPUT):
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], answer
        )
    assert result["step_id"] == "delivery"
    fields = serialized_schema(result)
    assert field(fields, "media_players")["default"] == ["media_player.kitchen"]
    assert field(fields, "tts_entity")["description"] == {
        "suggested_value": "tts.piper"
    }

    answer = {**shown_answers(result)}
    del answer["tts_entity"]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], answer
    )
    assert result["step_id"] == "delivery"
    assert result["errors"] == {"tts_entity": "tts_required"}
    assert "description" not in field(serialized_schema(result), "tts_entity")

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**answer, "media_players": []}
    )
    result = await answer_sources(
        hass, hass.config_entries.options, result, shown_answers(result)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert config_entry.options["media_players"] == []
    assert "tts_entity" not in config_entry.options


async def flow_to_sources(hass: HomeAssistant) -> FlowResult:
    """A config flow for Alex, answered up to the sources step."""
    result = await flow_to_delivery(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], DELIVERY_INPUT
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "sources"
    return result


async def test_sources_step_stored(hass: HomeAssistant) -> None:
    """Every sources answer is stored, numbers as whole numbers; the entry loads."""
    result = await flow_to_sources(hass)
    sources = {
        "activity_entities": ["sensor.pixel_activity", "binary_sensor.treadmill"],
        "walking_states": "Walking, on",
        "min_confidence": 75.0,
        "merge_window_minutes": 5.0,
        "min_walk_minutes": 10.0,
        "steps_entity": "sensor.pixel_steps",
        "steps_mode": "since_boot",
        "cadence_threshold": 110.0,
        "webhook_local_only": False,
    }
    result = await hass.config_entries.flow.async_configure(result["flow_id"], sources)
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["options"] == {
        **EXPECTED_OPTIONS,
        **sources,
        "min_confidence": 75,
        "merge_window_minutes": 5,
        "min_walk_minutes": 10,
        "cadence_threshold": 110,
    }
    assert_whole_numbers(result["options"])
    assert result["result"].state is ConfigEntryState.LOADED
    # A step counter brings the step sensors.
    assert hass.states.get("sensor.alex_steps_today").state == "0"


async def test_sources_int_input_kept(hass: HomeAssistant) -> None:
    """Whole numbers sent as ints, and the ends of each range, are stored unchanged."""
    result = await flow_to_sources(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            **SOURCES_INPUT,
            "min_confidence": 0,
            "merge_window_minutes": 30,
            "min_walk_minutes": 1,
            "cadence_threshold": 200,
        },
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    options = result["options"]
    assert options["min_confidence"] == 0
    assert options["merge_window_minutes"] == 30
    assert options["min_walk_minutes"] == 1
    assert options["cadence_threshold"] == 200
    assert "steps_entity" not in options
    assert_whole_numbers(options)


@pytest.mark.parametrize(
    "states",
    ["", "   ", " , ,", "unknown", "Walking, Unknown", "UNAVAILABLE"],
)
async def test_sources_invalid_walking_states(hass: HomeAssistant, states: str) -> None:
    """No state, or a no-information state, is refused on the field; fixing it proceeds."""
    result = await flow_to_sources(hass)
    answer = {
        **SOURCES_INPUT,
        "activity_entities": ["sensor.pixel_activity"],
        "walking_states": states,
        "min_confidence": 80.0,
        "steps_entity": "sensor.pixel_steps",
    }
    result = await hass.config_entries.flow.async_configure(result["flow_id"], answer)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "sources"
    assert result["errors"] == {"walking_states": "invalid_walking_states"}
    assert "/api/webhook/" in result["description_placeholders"]["webhook_url"]
    # What was answered stays in the form.
    fields = serialized_schema(result)
    assert field(fields, "walking_states")["default"] == states
    assert field(fields, "activity_entities")["default"] == ["sensor.pixel_activity"]
    assert field(fields, "min_confidence")["default"] == 80
    assert field(fields, "steps_entity")["description"] == {
        "suggested_value": "sensor.pixel_steps"
    }

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**answer, "walking_states": "Walking"}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["options"]["walking_states"] == "Walking"
    assert result["options"]["min_confidence"] == 80
    assert result["options"]["steps_entity"] == "sensor.pixel_steps"


async def test_sources_invalid_values_refused(hass: HomeAssistant) -> None:
    """The sources' selectors refuse wrong domains, unknown modes and out-of-range numbers."""
    result = await flow_to_sources(hass)
    for key, value in [
        ("activity_entities", ["light.kitchen"]),
        ("steps_entity", "binary_sensor.pixel_steps"),
        ("steps_mode", "weekly"),
        ("min_confidence", 101.0),
        ("min_confidence", -1.0),
        ("merge_window_minutes", 31.0),
        ("min_walk_minutes", 0.0),
        ("cadence_threshold", 39.0),
        ("cadence_threshold", 201.0),
    ]:
        with pytest.raises(InvalidData) as err:
            await hass.config_entries.flow.async_configure(
                result["flow_id"], {**SOURCES_INPUT, key: value}
            )
        assert err.value.path[0] == key


async def test_sources_webhook_url_placeholder(hass: HomeAssistant) -> None:
    """The form shows the profile's webhook; the path alone when no URL is known."""
    result = await flow_to_sources(hass)
    url = result["description_placeholders"]["webhook_url"]
    assert "/api/webhook/" in url
    webhook_id = url.rsplit("/", 1)[1]
    assert len(webhook_id) > 20
    # The same id all through the flow, errors included, and kept by the entry.
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**SOURCES_INPUT, "walking_states": ""}
    )
    assert result["description_placeholders"]["webhook_url"] == url
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], SOURCES_INPUT
    )
    await hass.async_block_till_done()
    assert result["data"][CONF_WEBHOOK_ID] == webhook_id

    # Another profile gets another webhook.
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Sam"}
    )
    for answer in (PROFILE_INPUT, GOAL_INPUT, THRESHOLDS_INPUT, SCHEDULE_INPUT):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], answer
        )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], DELIVERY_INPUT
    )
    assert result["step_id"] == "sources"
    other = result["description_placeholders"]["webhook_url"]
    assert "/api/webhook/" in other
    assert other != url


async def test_options_flow_clears_steps_entity(
    hass: HomeAssistant, profile_options: dict[str, Any]
) -> None:
    """A saved step counter is suggested; clearing it removes it and its sensors."""
    config_entry = profile_entry(
        {
            **profile_options,
            "activity_entities": ["sensor.pixel_activity"],
            "walking_states": "Walking",
            "min_confidence": 50,
            "merge_window_minutes": 3,
            "min_walk_minutes": 3,
            "steps_entity": "sensor.pixel_steps",
            "steps_mode": "daily_reset",
            "cadence_threshold": 90,
            "webhook_local_only": True,
        }
    )
    await hass.config.async_set_time_zone("Europe/Berlin")
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get("sensor.alex_steps_today") is not None

    result = await hass.config_entries.options.async_init(config_entry.entry_id)
    for answer in (
        PROFILE_INPUT,
        GOAL_INPUT,
        THRESHOLDS_INPUT,
        SCHEDULE_INPUT,
        DELIVERY_INPUT,
    ):
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], answer
        )
    assert result["step_id"] == "sources"
    fields = serialized_schema(result)
    assert field(fields, "steps_entity")["description"] == {
        "suggested_value": "sensor.pixel_steps"
    }
    assert result["description_placeholders"]["webhook_url"].endswith(
        "/api/webhook/alex-webhook-id"
    )

    # A refused answer without the counter does not offer the old one back.
    answer = {**shown_answers(result), "walking_states": "unknown"}
    del answer["steps_entity"]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], answer
    )
    assert result["errors"] == {"walking_states": "invalid_walking_states"}
    assert "description" not in field(serialized_schema(result), "steps_entity")

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**answer, "walking_states": "Walking"}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert "steps_entity" not in config_entry.options
    assert config_entry.options["activity_entities"] == ["sensor.pixel_activity"]
    assert config_entry.options["walking_states"] == "Walking"
    assert config_entry.state is ConfigEntryState.LOADED
    # Reloaded without a step counter: no step sensors are updated any more.
    assert hass.states.get("sensor.alex_steps_today").state == "unavailable"


async def test_reconfigure_rename(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Renaming updates title, data and unique id, and reloads the profile."""
    webhook_id = loaded_entry.data[CONF_WEBHOOK_ID]
    result = await loaded_entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert result["errors"] == {}
    assert field(serialized_schema(result), CONF_NAME)["default"] == "Alex"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "  Alexandra "}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert loaded_entry.title == "Alexandra"
    # The webhook id stays: apps that post to it keep working.
    assert loaded_entry.data == {CONF_NAME: "Alexandra", CONF_WEBHOOK_ID: webhook_id}
    assert loaded_entry.unique_id is None
    assert loaded_entry.options["starting_minutes"] == 5
    assert loaded_entry.state is ConfigEntryState.LOADED

    # The old name is free again for a new profile.
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Alex"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "profile"


async def test_reconfigure_same_name(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A new spelling of the profile's own name is not taken for another profile's."""
    result = await loaded_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "ALEX"}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert loaded_entry.title == "ALEX"
    assert_identity(loaded_entry.data, "ALEX")
    assert loaded_entry.unique_id is None


async def test_reconfigure_to_existing_name(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Another profile's name is refused on the field; nothing changes until a new one."""
    other = MockConfigEntry(
        domain=DOMAIN,
        title="Sam",
        data={CONF_NAME: "Sam"},
        options=dict(loaded_entry.options),
    )
    other.add_to_hass(hass)
    result = await loaded_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: " sam"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert result["errors"] == {CONF_NAME: "name_taken"}
    assert field(serialized_schema(result), CONF_NAME)["default"] == " sam"
    assert loaded_entry.title == "Alex"
    assert_identity(loaded_entry.data, "Alex")
    assert other.title == "Sam"

    # A name that differs only in its accent is another person's.
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Säm"}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert loaded_entry.title == "Säm"
    assert other.title == "Sam"


async def test_reconfigure_empty_name(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A blank name is refused on the field; the profile keeps its name."""
    result = await loaded_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "  "}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert result["errors"] == {CONF_NAME: "name_empty"}
    assert field(serialized_schema(result), CONF_NAME)["default"] == "  "
    assert loaded_entry.title == "Alex"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Kim"}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert loaded_entry.title == "Kim"
    assert loaded_entry.unique_id is None


async def test_flows_over_http(
    hass: HomeAssistant, hass_client: ClientSessionGenerator
) -> None:
    """The frontend's API runs every form: config, options and reconfigure flows."""
    assert await async_setup_component(hass, "config", {})
    # The integration's dependencies register views: set them up before the client
    # starts, as Home Assistant does at boot.
    assert await async_setup_component(hass, DOMAIN, {})
    client = await hass_client()

    async def post(url: str, payload: dict[str, Any]) -> dict[str, Any]:
        response = await client.post(url, json=payload)
        body = await response.json()
        assert response.status == HTTPStatus.OK, body
        return body

    flow_url = "/api/config/config_entries/flow"
    result = await post(flow_url, {"handler": DOMAIN, "show_advanced_options": False})
    assert result["type"] == "form"
    assert result["step_id"] == "user"
    assert [item["name"] for item in result["data_schema"]] == [CONF_NAME]

    result = await post(f"{flow_url}/{result['flow_id']}", {CONF_NAME: " "})
    assert result["errors"] == {CONF_NAME: "name_empty"}

    result = await post(f"{flow_url}/{result['flow_id']}", {CONF_NAME: "Alex"})
    assert result["step_id"] == "profile"
    assert {item["name"] for item in result["data_schema"]} == set(PROFILE_INPUT)
    pain_duration = field(result["data_schema"], "pain_duration")
    assert pain_duration["selector"]["select"]["translation_key"] == "pain_duration"

    result = await post(f"{flow_url}/{result['flow_id']}", PROFILE_INPUT)
    assert result["step_id"] == "goal"
    assert {item["name"] for item in result["data_schema"]} == set(GOAL_INPUT)
    target = field(result["data_schema"], "target_minutes")["selector"]["number"]
    assert (target["min"], target["max"], target["unit_of_measurement"]) == (
        5,
        180,
        "min",
    )

    result = await post(
        f"{flow_url}/{result['flow_id']}", {**GOAL_INPUT, "starting_minutes": 45}
    )
    assert result["step_id"] == "goal"
    assert result["errors"] == {"starting_minutes": "starting_above_target"}

    result = await post(f"{flow_url}/{result['flow_id']}", GOAL_INPUT)
    assert result["step_id"] == "thresholds"
    assert {item["name"] for item in result["data_schema"]} == {
        *THRESHOLDS_INPUT,
        "preferred_alternatives",
    }
    alternatives = field(result["data_schema"], "preferred_alternatives")
    assert alternatives["default"] == ALL_ALTERNATIVES
    assert alternatives["selector"]["select"]["multiple"] is True
    assert alternatives["selector"]["select"]["translation_key"] == "activity"

    result = await post(f"{flow_url}/{result['flow_id']}", THRESHOLDS_INPUT)
    assert result["step_id"] == "schedule"
    assert {item["name"] for item in result["data_schema"]} == {
        *SCHEDULE_INPUT,
        "quiet_start",
        "quiet_end",
    }
    walk_days = field(result["data_schema"], "walk_days")["selector"]["select"]
    assert walk_days["multiple"] is True
    assert walk_days["options"] == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    assert walk_days["translation_key"] == "first_weekday"
    assert "time" in field(result["data_schema"], "walk_time")["selector"]
    check_in = field(result["data_schema"], "check_in_after_minutes")
    assert (
        check_in["selector"]["number"]["min"],
        check_in["selector"]["number"]["max"],
    ) == (15, 720)

    result = await post(
        f"{flow_url}/{result['flow_id']}", {**SCHEDULE_INPUT, "quiet_end": "06:00"}
    )
    assert result["step_id"] == "schedule"
    assert result["errors"] == {"quiet_start": "quiet_hours_incomplete"}
    quiet_end = field(result["data_schema"], "quiet_end")
    assert quiet_end["description"] == {"suggested_value": "06:00"}

    result = await post(f"{flow_url}/{result['flow_id']}", SCHEDULE_INPUT)
    assert result["step_id"] == "delivery"
    assert {item["name"] for item in result["data_schema"]} == {
        *DELIVERY_INPUT,
        "tts_entity",
    }
    phones = field(result["data_schema"], "mobile_app_services")["selector"]
    assert phones["select"]["custom_value"] is True

    result = await post(
        f"{flow_url}/{result['flow_id']}",
        {**DELIVERY_INPUT, "media_players": ["media_player.kitchen"]},
    )
    assert result["step_id"] == "delivery"
    assert result["errors"] == {"tts_entity": "tts_required"}
    players = field(result["data_schema"], "media_players")
    assert players["default"] == ["media_player.kitchen"]

    result = await post(f"{flow_url}/{result['flow_id']}", DELIVERY_INPUT)
    assert result["step_id"] == "sources"
    assert {item["name"] for item in result["data_schema"]} == {
        *SOURCES_INPUT,
        "steps_entity",
    }
    assert "/api/webhook/" in result["description_placeholders"]["webhook_url"]
    activity = field(result["data_schema"], "activity_entities")["selector"]
    assert activity["entity"]["multiple"] is True
    assert activity["entity"]["domain"] == [
        "sensor",
        "binary_sensor",
        "switch",
    ]
    steps_mode = field(result["data_schema"], "steps_mode")["selector"]["select"]
    assert steps_mode["options"] == ["daily_reset", "since_boot", "daily_total"]
    assert steps_mode["translation_key"] == "steps_mode"

    result = await post(
        f"{flow_url}/{result['flow_id']}",
        {**SOURCES_INPUT, "walking_states": " , unknown"},
    )
    assert result["step_id"] == "sources"
    assert result["errors"] == {"walking_states": "invalid_walking_states"}
    states = field(result["data_schema"], "walking_states")
    assert states["default"] == " , unknown"

    result = await post(f"{flow_url}/{result['flow_id']}", SOURCES_INPUT)
    await hass.async_block_till_done()
    assert result["type"] == "create_entry"
    assert result["title"] == "Alex"
    entry_id = result["result"]["entry_id"]
    entry = hass.config_entries.async_get_entry(entry_id)
    assert entry is not None
    assert entry.state is ConfigEntryState.LOADED
    assert_identity(entry.data, "Alex")
    assert entry.options == EXPECTED_OPTIONS
    assert_whole_numbers(dict(entry.options))
    assert hass.states.get("sensor.alex_target_minutes_today").state == "10"

    # A duplicate is refused over the API too, on the field.
    result = await post(flow_url, {"handler": DOMAIN})
    result = await post(f"{flow_url}/{result['flow_id']}", {CONF_NAME: "ALEX"})
    assert result["type"] == "form"
    assert result["errors"] == {CONF_NAME: "name_taken"}

    options_url = "/api/config/config_entries/options/flow"
    result = await post(options_url, {"handler": entry_id})
    assert result["step_id"] == "profile"
    result = await post(f"{options_url}/{result['flow_id']}", PROFILE_INPUT)
    assert result["step_id"] == "goal"
    assert field(result["data_schema"], "first_weekday")["default"] == "sun"
    result = await post(
        f"{options_url}/{result['flow_id']}", {**GOAL_INPUT, "starting_minutes": 20}
    )
    assert result["step_id"] == "thresholds"
    result = await post(f"{options_url}/{result['flow_id']}", THRESHOLDS_INPUT)
    assert result["step_id"] == "schedule"
    assert field(result["data_schema"], "walk_days")["default"] == [
        "tue",
        "thu",
        "sat",
    ]
    result = await post(
        f"{options_url}/{result['flow_id']}",
        {**SCHEDULE_INPUT, "quiet_start": "22:00:00", "quiet_end": "06:30:00"},
    )
    assert result["step_id"] == "delivery"
    result = await post(
        f"{options_url}/{result['flow_id']}",
        {
            **DELIVERY_INPUT,
            "media_players": ["media_player.kitchen"],
            "tts_entity": "tts.home_assistant_cloud",
        },
    )
    assert result["step_id"] == "sources"
    result = await post(
        f"{options_url}/{result['flow_id']}",
        {
            **SOURCES_INPUT,
            "activity_entities": ["sensor.pixel_activity"],
            "steps_entity": "sensor.pixel_steps",
        },
    )
    await hass.async_block_till_done()
    assert result["type"] == "create_entry"
    assert entry.options["activity_entities"] == ["sensor.pixel_activity"]
    assert entry.options["steps_entity"] == "sensor.pixel_steps"
    assert entry.options["starting_minutes"] == 20
    assert entry.options["quiet_start"] == "22:00:00"
    assert entry.options["quiet_end"] == "06:30:00"
    assert entry.options["media_players"] == ["media_player.kitchen"]
    assert entry.options["tts_entity"] == "tts.home_assistant_cloud"

    # The saved quiet hours and engine are suggested back.
    result = await post(options_url, {"handler": entry_id})
    result = await post(f"{options_url}/{result['flow_id']}", PROFILE_INPUT)
    result = await post(
        f"{options_url}/{result['flow_id']}", {**GOAL_INPUT, "starting_minutes": 20}
    )
    result = await post(f"{options_url}/{result['flow_id']}", THRESHOLDS_INPUT)
    assert result["step_id"] == "schedule"
    quiet_start = field(result["data_schema"], "quiet_start")
    assert quiet_start["description"] == {"suggested_value": "22:00:00"}
    result = await post(
        f"{options_url}/{result['flow_id']}",
        {**SCHEDULE_INPUT, "quiet_start": "22:00:00", "quiet_end": "06:30:00"},
    )
    assert result["step_id"] == "delivery"
    tts = field(result["data_schema"], "tts_entity")
    assert tts["description"] == {"suggested_value": "tts.home_assistant_cloud"}
    # Clearing the speakers and the engine removes them.
    result = await post(f"{options_url}/{result['flow_id']}", DELIVERY_INPUT)
    assert result["step_id"] == "sources"
    steps_entity = field(result["data_schema"], "steps_entity")
    assert steps_entity["description"] == {"suggested_value": "sensor.pixel_steps"}
    assert field(result["data_schema"], "activity_entities")["default"] == [
        "sensor.pixel_activity"
    ]
    # Clearing the step counter removes it too.
    result = await post(f"{options_url}/{result['flow_id']}", SOURCES_INPUT)
    await hass.async_block_till_done()
    assert result["type"] == "create_entry"
    assert entry.options["media_players"] == []
    assert "tts_entity" not in entry.options
    assert entry.options["activity_entities"] == []
    assert "steps_entity" not in entry.options
    assert entry.options["quiet_start"] == "22:00:00"
    assert hass.states.get("sensor.alex_target_minutes_today").state == "20"

    result = await post(flow_url, {"handler": DOMAIN, "entry_id": entry_id})
    assert result["step_id"] == "reconfigure"
    assert field(result["data_schema"], CONF_NAME)["default"] == "Alex"
    result = await post(f"{flow_url}/{result['flow_id']}", {CONF_NAME: "Alexa"})
    await hass.async_block_till_done()
    assert result["type"] == "abort"
    assert result["reason"] == "reconfigure_successful"
    assert entry.title == "Alexa"
    assert entry.unique_id is None
