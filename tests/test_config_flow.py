"""The config, options and reconfigure flows, driven through Home Assistant."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType, InvalidData
from homeassistant.helpers.data_entry_flow import _BaseFlowManagerView
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.backwalk.const import CONF_NAME, DOMAIN

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
    for key, value in options.items():
        if key != "pain_duration":
            assert type(value) is int, (key, value)


async def start_user_flow(hass: HomeAssistant) -> FlowResult:
    """Start a config flow as a user would."""
    return await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )


async def test_full_user_flow(hass: HomeAssistant) -> None:
    """Name, profile, goal and thresholds create a loaded entry with whole numbers."""
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

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], THRESHOLDS_INPUT
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Alex"
    assert result["data"] == {CONF_NAME: "Alex"}
    assert result["options"] == EXPECTED_OPTIONS
    assert_whole_numbers(result["options"])

    entry = result["result"]
    assert entry.unique_id == "alex"
    assert entry.data == {CONF_NAME: "Alex"}
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
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["options"]["usual_pain"] == 2
    assert result["options"]["starting_minutes"] == 40
    assert result["options"]["first_weekday"] == 0
    assert result["options"]["red_flag_level"] == 2
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
    await hass.async_block_till_done()
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


@pytest.mark.parametrize("name", ["Alex", "alex", " ALEX "])
async def test_user_flow_duplicate_name(
    hass: HomeAssistant, config_entry: MockConfigEntry, name: str
) -> None:
    """A name whose slug is an existing profile's unique id aborts."""
    config_entry.add_to_hass(hass)
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: name}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1


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
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == "alex_two"
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
        result["flow_id"], {"pain_day_threshold": 7.0, "red_flag_level": 7.0}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "thresholds"
    assert result["errors"] == {"red_flag_level": "red_flag_not_above_threshold"}
    fields = serialized_schema(result)
    assert field(fields, "pain_day_threshold")["default"] == 7
    assert field(fields, "red_flag_level")["default"] == 7

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"pain_day_threshold": 7.0, "red_flag_level": 6.0}
    )
    assert result["errors"] == {"red_flag_level": "red_flag_not_above_threshold"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"pain_day_threshold": 7.0, "red_flag_level": 8.0}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["options"] == {
        **EXPECTED_OPTIONS,
        "starting_minutes": 40,
        "pain_day_threshold": 7,
        "red_flag_level": 8,
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
    """All three steps start from the current options; saving reloads the entry."""
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
    }
    assert loaded_entry.options == expected
    assert_whole_numbers(dict(loaded_entry.options))
    # The identity is untouched.
    assert loaded_entry.data == {CONF_NAME: "Alex"}
    assert loaded_entry.title == "Alex"
    # Reloaded with the new options.
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert hass.states.get("sensor.alex_target_minutes_today").state == "15"
    assert hass.states.get("sensor.alex_condition").state == "chronic"


async def test_options_flow_shows_saved_weekday(
    hass: HomeAssistant, profile_options: dict[str, Any]
) -> None:
    """A stored weekday number is offered back as its choice."""
    config_entry = MockConfigEntry(
        domain=DOMAIN,
        title="Alex",
        unique_id="alex",
        data={CONF_NAME: "Alex"},
        options={**profile_options, "first_weekday": 6},
    )
    config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(config_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], PROFILE_INPUT
    )
    assert result["step_id"] == "goal"
    assert field(serialized_schema(result), "first_weekday")["default"] == "sun"


async def test_reconfigure_rename(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Renaming updates title, data and unique id, and reloads the profile."""
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
    assert loaded_entry.data == {CONF_NAME: "Alexandra"}
    assert loaded_entry.unique_id == "alexandra"
    assert loaded_entry.options["starting_minutes"] == 5
    assert loaded_entry.state is ConfigEntryState.LOADED

    # The old name is free again for a new profile.
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Alex"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "profile"


async def test_reconfigure_same_slug(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A new spelling of the same name is not taken for another profile's."""
    result = await loaded_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "ALEX"}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert loaded_entry.title == "ALEX"
    assert loaded_entry.data == {CONF_NAME: "ALEX"}
    assert loaded_entry.unique_id == "alex"


async def test_reconfigure_to_existing_name(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Taking another profile's name aborts and changes nothing."""
    other = MockConfigEntry(
        domain=DOMAIN,
        title="Sam",
        unique_id="sam",
        data={CONF_NAME: "Sam"},
        options=dict(loaded_entry.options),
    )
    other.add_to_hass(hass)
    result = await loaded_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: " sam"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert loaded_entry.title == "Alex"
    assert loaded_entry.data == {CONF_NAME: "Alex"}
    assert loaded_entry.unique_id == "alex"
    assert other.title == "Sam"
    assert other.unique_id == "sam"


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
    assert loaded_entry.unique_id == "kim"


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
    assert {item["name"] for item in result["data_schema"]} == set(THRESHOLDS_INPUT)

    result = await post(f"{flow_url}/{result['flow_id']}", THRESHOLDS_INPUT)
    await hass.async_block_till_done()
    assert result["type"] == "create_entry"
    assert result["title"] == "Alex"
    entry_id = result["result"]["entry_id"]
    entry = hass.config_entries.async_get_entry(entry_id)
    assert entry is not None
    assert entry.state is ConfigEntryState.LOADED
    assert entry.data == {CONF_NAME: "Alex"}
    assert entry.options == EXPECTED_OPTIONS
    assert_whole_numbers(dict(entry.options))
    assert hass.states.get("sensor.alex_target_minutes_today").state == "10"

    # A duplicate is refused over the API too.
    result = await post(flow_url, {"handler": DOMAIN})
    result = await post(f"{flow_url}/{result['flow_id']}", {CONF_NAME: "ALEX"})
    assert result["type"] == "abort"
    assert result["reason"] == "already_configured"

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
    await hass.async_block_till_done()
    assert result["type"] == "create_entry"
    assert entry.options["starting_minutes"] == 20
    assert hass.states.get("sensor.alex_target_minutes_today").state == "20"

    result = await post(flow_url, {"handler": DOMAIN, "entry_id": entry_id})
    assert result["step_id"] == "reconfigure"
    assert field(result["data_schema"], CONF_NAME)["default"] == "Alex"
    result = await post(f"{flow_url}/{result['flow_id']}", {CONF_NAME: "Alexa"})
    await hass.async_block_till_done()
    assert result["type"] == "abort"
    assert result["reason"] == "reconfigure_successful"
    assert entry.title == "Alexa"
    assert entry.unique_id == "alexa"
