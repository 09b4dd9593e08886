"""The config, options and reconfigure flows, driven through Home Assistant."""

from __future__ import annotations

from http import HTTPStatus
import json
from pathlib import Path
import subprocess
import sys
import textwrap
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.data_entry_flow import FlowResult, FlowResultType, InvalidData
from homeassistant.helpers.network import NoURLAvailableError
from homeassistant.setup import async_setup_component
from homeassistant.util.unit_system import (
    METRIC_SYSTEM,
    US_CUSTOMARY_SYSTEM,
    UnitSystem,
)
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.backwalk.const import CONF_NAME, CONF_WEBHOOK_ID, DOMAIN
from custom_components.backwalk.model.markdown import escape_markdown
from tests.conftest import PROFILE_OPTIONS
from tests.flows import (
    FIRST_FLOW,
    GOAL_INPUT,
    PROFILE_INPUT,
    SCHEDULE_INPUT,
    THRESHOLDS_INPUT,
    answer,
    complete_setup_flow,
    create_profile,
    field,
    finish,
    flow_to,
    give_name,
    open_page,
    save_page,
    serialized_schema,
    shown,
    shown_answers,
    start_user_flow,
)

INTEGRATION = Path(__file__).resolve().parent.parent / "custom_components" / DOMAIN
EN_JSON = INTEGRATION / "translations" / "en.json"

ALL_ALTERNATIVES = ["swimming", "stationary_bike", "yoga"]
PAGES = [
    "profile",
    "goal",
    "thresholds",
    "schedule",
    "reminders",
    "presence",
    "sources",
]

# What the short first flow stores: no reminder targets, sensors or webhook settings
# (their defaults apply until the options change them).
EXPECTED_OPTIONS: dict[str, Any] = {
    "pain_duration": "over_3_months",
    "usual_pain": 4,
    # Home Assistant's language, which backwalk speaks: offered first, so kept.
    "language": "en",
    "walks_per_week": 4,
    "target_minutes": 40,
    "starting_minutes": 10,
    "daily_minimum_minutes": 8,
    "count_walk_days": False,
    "first_weekday": 6,
    "pain_day_threshold": 6,
    "red_flag_level": 9,
    "preferred_alternatives": ALL_ALTERNATIVES,
    "walk_days": [1, 3, 5],
    "walk_time": "18:15:00",
    "stretch_lead_minutes": 15,
    "check_in_after_minutes": 90,
}
# A profile with every option set, as the options flow saves it.
SAVED_OPTIONS: dict[str, Any] = {
    **PROFILE_OPTIONS,
    "language": "nl",
    "first_weekday": 3,
    "preferred_alternatives": ["stationary_bike"],
    "count_walk_days": False,
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
    "person": "person.alex",
    "presence_entity": "sensor.alex_room",
    "occupancy_sensors": [],
    "weather_entity": "weather.home",
    "heat_threshold": 28,
}


def assert_section_shows_its_fields(section: dict[str, Any]) -> None:
    """A section's default is what its fields show.

    The frontend fills a section from the section's own default when it has one, not from
    the fields inside: an empty default left the required fields of a collapsed section
    empty, and the form could not be sent without opening it and typing them again.
    """
    assert section["default"] == {
        inner["name"]: shown(inner) for inner in section["schema"]
    }


async def answer_again(
    hass: HomeAssistant, page: str, given: dict[str, Any]
) -> FlowResult:
    """Answer the first flow's `page` with `given`: the page must be shown again."""
    result = await flow_to(hass, page)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], given)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == page
    return result


def assert_whole_numbers(options: dict[str, Any]) -> None:
    """Every number in the stored options is an int, never a float."""
    for key, value in options.items():
        assert not isinstance(value, float), (key, value)
    for day in options.get("walk_days", []):
        assert type(day) is int, ("walk_days", day)


def assert_identity(data: Any, name: str) -> None:
    """Entry data holds the name and a generated webhook id, nothing else."""
    assert set(data) == {CONF_NAME, CONF_WEBHOOK_ID}
    assert data[CONF_NAME] == name
    assert isinstance(data[CONF_WEBHOOK_ID], str)
    assert len(data[CONF_WEBHOOK_ID]) > 20


def profile_entry(options: dict[str, Any], title: str = "Alex") -> MockConfigEntry:
    """A profile as version 1.3 stores it, not yet set up."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=title,
        data={CONF_NAME: title, CONF_WEBHOOK_ID: "alex-webhook-id"},
        options=options,
        version=1,
        minor_version=3,
    )


# The first flow


async def test_short_first_flow_creates_a_working_profile(hass: HomeAssistant) -> None:
    """Five short pages (name, pain, goal, thresholds, schedule) make a loaded profile."""
    result = await start_user_flow(hass)
    assert result["step_id"] == "user"
    assert result["last_step"] is False  # the frontend shows Next, not Submit
    assert [item["name"] for item in serialized_schema(result)] == [CONF_NAME]
    assert field(serialized_schema(result), CONF_NAME)["default"] == ""

    result = await answer(
        hass.config_entries.flow, result, "user", {CONF_NAME: "  Alex  "}
    )
    fields = serialized_schema(result)
    # Whose profile it is (optional): Assist and the reminders follow that person.
    assert [item["name"] for item in fields] == [
        "pain_duration",
        "usual_pain",
        "language",
        "person",
    ]
    assert field(fields, "pain_duration")["default"] == "under_6_weeks"
    assert field(fields, "usual_pain")["default"] == 3

    result = await answer(hass.config_entries.flow, result, "profile", PROFILE_INPUT)
    fields = serialized_schema(result)
    assert result["description_placeholders"]["profile"] == "Alex"
    assert field(fields, "first_weekday")["default"] == "mon"
    assert field(fields, "starting_minutes")["default"] == 5
    assert field(fields, "target_minutes")["default"] == 30
    assert field(fields, "daily_minimum_minutes")["default"] == 5

    result = await answer(hass.config_entries.flow, result, "goal", GOAL_INPUT)
    fields = serialized_schema(result)
    # One above the usual pain (4), so an ordinary day is no pain day.
    assert field(fields, "pain_day_threshold")["default"] == 5
    assert field(fields, "red_flag_level")["default"] == 8
    assert field(fields, "preferred_alternatives")["default"] == ALL_ALTERNATIVES

    result = await answer(
        hass.config_entries.flow, result, "thresholds", THRESHOLDS_INPUT
    )
    fields = serialized_schema(result)
    assert result["last_step"] is True
    assert field(fields, "walk_days")["default"] == ["mon", "wed", "fri"]
    assert field(fields, "walk_time")["default"] == "07:30:00"
    assert field(fields, "stretch_lead_minutes")["default"] == 10
    assert field(fields, "check_in_after_minutes")["default"] == 120
    for name in ("quiet_start", "quiet_end"):
        assert field(fields, name)["optional"] is True
        assert shown(field(fields, name)) is None

    result = await finish(hass, result)
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
    assert entry.options == EXPECTED_OPTIONS
    assert entry.state is ConfigEntryState.LOADED
    # The profile works with its defaults for what the first flow did not ask.
    assert entry.data[CONF_WEBHOOK_ID] in hass.data["webhook"]
    assert hass.states.get("sensor.alex_target_minutes_today").state == "10"
    assert hass.states.get("sensor.alex_condition").state == "chronic"
    assert hass.states.get("binary_sensor.alex_pain_day").state == "off"


@pytest.mark.usefixtures("mock_setup_entry")
async def test_first_flow_keeps_whole_numbers_sent_as_ints(hass: HomeAssistant) -> None:
    """Whole numbers sent as ints (as YAML or scripts do), and range ends, are stored."""
    result = await flow_to(hass, "goal")
    result = await answer(
        hass.config_entries.flow,
        result,
        "goal",
        {**GOAL_INPUT, "starting_minutes": 40, "first_weekday": "mon"},
    )
    result = await answer(
        hass.config_entries.flow,
        result,
        "thresholds",
        {"pain_day_threshold": 1, "red_flag_level": 2},
    )
    result = await finish(
        hass,
        result,
        {
            **SCHEDULE_INPUT,
            "reminder_timing": {
                "stretch_lead_minutes": 0,
                "check_in_after_minutes": 720,
            },
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    options = result["options"]
    assert (options["starting_minutes"], options["first_weekday"]) == (40, 0)
    assert (options["pain_day_threshold"], options["red_flag_level"]) == (1, 2)
    assert options["stretch_lead_minutes"] == 0
    assert options["check_in_after_minutes"] == 720
    assert_whole_numbers(options)


@pytest.mark.usefixtures("mock_setup_entry")
@pytest.mark.parametrize(
    ("days", "numbers"),
    [
        (["mon", "wed", "fri"], [0, 2, 4]),
        (["sun", "mon"], [0, 6]),
        (["sat", "fri", "thu", "wed", "tue", "mon", "sun"], [0, 1, 2, 3, 4, 5, 6]),
        ([], []),
    ],
)
async def test_walk_days_stored_as_sorted_numbers(
    hass: HomeAssistant, days: list[str], numbers: list[int]
) -> None:
    """Walk days are stored as the model's weekday numbers, in order."""
    result = await complete_setup_flow(
        hass, schedule={**SCHEDULE_INPUT, "walk_days": days}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["options"]["walk_days"] == numbers


@pytest.mark.usefixtures("mock_setup_entry")
async def test_quiet_hours_stored(hass: HomeAssistant) -> None:
    """Quiet hours that leave the reminders alone are stored as answered."""
    result = await complete_setup_flow(
        hass,
        schedule={**SCHEDULE_INPUT, "quiet_start": "21:30:00", "quiet_end": "07:00:00"},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["options"] == {
        **EXPECTED_OPTIONS,
        "quiet_start": "21:30:00",
        "quiet_end": "07:00:00",
    }


async def test_times_stored_as_the_profile_reads_them(hass: HomeAssistant) -> None:
    """Times the selector takes in short forms ("7:30") are stored as HH:MM:SS.

    The profile reads them with time.fromisoformat, which refuses "7:30": stored as
    typed, such a profile would not load (Hypothesis found it).
    """
    result = await complete_setup_flow(
        hass,
        schedule={
            **SCHEDULE_INPUT,
            "walk_time": "7:30",
            "quiet_start": "21:00",
            "quiet_end": "6:05:09",
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    options = result["options"]
    assert options["walk_time"] == "07:30:00"
    assert (options["quiet_start"], options["quiet_end"]) == ("21:00:00", "06:05:09")
    assert result["result"].state is ConfigEntryState.LOADED


@pytest.mark.usefixtures("mock_setup_entry")
@pytest.mark.parametrize(
    ("usual_pain", "threshold", "red_flag"),
    [(0, 1, 8), (3, 4, 8), (7, 8, 9), (8, 9, 10), (9, 9, 10), (10, 9, 10)],
)
async def test_usual_pain_shapes_the_threshold(
    hass: HomeAssistant, usual_pain: int, threshold: int, red_flag: int
) -> None:
    """The pain-day threshold starts one above the usual pain (at most 9).

    The red-flag level starts above it, and the page as shown is a valid answer.
    """
    result = await flow_to(hass, "profile")
    result = await answer(
        hass.config_entries.flow,
        result,
        "profile",
        {**PROFILE_INPUT, "usual_pain": float(usual_pain)},
    )
    result = await answer(hass.config_entries.flow, result, "goal", GOAL_INPUT)
    assert result["step_id"] == "thresholds"
    assert result["description_placeholders"]["usual_pain"] == str(usual_pain)
    fields = serialized_schema(result)
    assert field(fields, "pain_day_threshold")["default"] == threshold
    assert field(fields, "red_flag_level")["default"] == red_flag
    result = await answer(hass.config_entries.flow, result, "thresholds", {})
    result = await finish(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["options"]["pain_day_threshold"] == threshold
    assert result["options"]["red_flag_level"] == red_flag


@pytest.mark.usefixtures("mock_setup_entry")
@pytest.mark.parametrize(
    ("page", "given", "errors"),
    [
        (
            "goal",
            {**GOAL_INPUT, "starting_minutes": 41.0},
            {"starting_minutes": "starting_above_target"},
        ),
        (
            "goal",
            {**GOAL_INPUT, "daily_minimum_minutes": 12.0},
            {"daily_minimum_minutes": "daily_minimum_above_starting"},
        ),
        (
            "goal",
            {**GOAL_INPUT, "starting_minutes": 45.0, "daily_minimum_minutes": 50.0},
            {
                "starting_minutes": "starting_above_target",
                "daily_minimum_minutes": "daily_minimum_above_starting",
            },
        ),
        (
            "thresholds",
            {"pain_day_threshold": 10.0, "red_flag_level": 10.0},
            {"pain_day_threshold": "threshold_leaves_no_red_flag"},
        ),
        (
            "thresholds",
            {"pain_day_threshold": 6.0, "red_flag_level": 6.0},
            {"red_flag_level": "red_flag_not_above_threshold"},
        ),
        (
            "schedule",
            {**SCHEDULE_INPUT, "quiet_start": "22:00:00"},
            {"quiet_end": "quiet_hours_incomplete"},
        ),
        (
            "schedule",
            {**SCHEDULE_INPUT, "quiet_end": "06:00:00"},
            {"quiet_start": "quiet_hours_incomplete"},
        ),
        (
            "schedule",
            {**SCHEDULE_INPUT, "quiet_start": "22:00:00", "quiet_end": "22:00"},
            {"quiet_end": "quiet_hours_empty"},
        ),
        # The walk of the issue: every reminder for it fell in the quiet hours.
        (
            "schedule",
            {
                **SCHEDULE_INPUT,
                "walk_time": "07:30:00",
                "quiet_start": "22:00:00",
                "quiet_end": "08:00:00",
            },
            {"walk_time": "walk_in_quiet_hours"},
        ),
        (
            "schedule",
            {
                **SCHEDULE_INPUT,
                "walk_time": "13:00:00",
                "quiet_start": "12:00:00",
                "quiet_end": "14:00:00",
            },
            {"walk_time": "walk_in_quiet_hours"},
        ),
        # The walk is after the quiet hours, its stretch reminder 15 minutes before is not.
        (
            "schedule",
            {
                **SCHEDULE_INPUT,
                "walk_time": "08:10:00",
                "quiet_start": "22:00:00",
                "quiet_end": "08:00:00",
            },
            {"walk_time": "stretch_in_quiet_hours"},
        ),
    ],
)
async def test_cross_field_errors_land_on_their_fields(
    hass: HomeAssistant, page: str, given: dict[str, Any], errors: dict[str, str]
) -> None:
    """Each refusal is on the field to change, the answers stay, fixing it goes on."""
    result = await answer_again(hass, page, given)
    assert result["errors"] == errors
    # What was answered stays in the form.
    fields = serialized_schema(result)
    for key, value in given.items():
        if not isinstance(value, dict):
            assert shown(field(fields, key)) == value, key
    fixed = {
        "goal": GOAL_INPUT,
        "thresholds": THRESHOLDS_INPUT,
        "schedule": SCHEDULE_INPUT,
    }[page]
    result = await hass.config_entries.flow.async_configure(result["flow_id"], fixed)
    assert not result.get("errors"), result
    assert result["type"] is (
        FlowResultType.CREATE_ENTRY if page == "schedule" else FlowResultType.FORM
    )


@pytest.mark.usefixtures("mock_setup_entry")
@pytest.mark.parametrize(
    "schedule",
    [
        # The walk starts as the quiet hours end, with no reminder before it.
        {
            **SCHEDULE_INPUT,
            "walk_time": "08:00:00",
            "quiet_start": "22:00:00",
            "quiet_end": "08:00:00",
            "reminder_timing": {
                "stretch_lead_minutes": 0,
                "check_in_after_minutes": 90.0,
            },
        },
        # The stretch reminder comes as they end.
        {
            **SCHEDULE_INPUT,
            "walk_time": "08:15:00",
            "quiet_start": "22:00",
            "quiet_end": "08:00",
        },
        # No walk days: nothing to remind of.
        {
            **SCHEDULE_INPUT,
            "walk_days": [],
            "walk_time": "07:30:00",
            "quiet_start": "22:00:00",
            "quiet_end": "08:00:00",
        },
    ],
)
async def test_reminders_just_outside_quiet_hours_accepted(
    hass: HomeAssistant, schedule: dict[str, Any]
) -> None:
    """A walk and its reminder up to the edge of the quiet hours are fine."""
    result = await complete_setup_flow(hass, schedule=schedule)
    assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")


@pytest.mark.usefixtures("mock_setup_entry")
@pytest.mark.parametrize(
    ("page", "given", "errors"),
    [
        ("profile", {**PROFILE_INPUT, "usual_pain": 4.5}, {"usual_pain": "not_whole"}),
        (
            "goal",
            {**GOAL_INPUT, "target_minutes": 40.5},
            {"target_minutes": "not_whole"},
        ),
        # The 7.5 minutes, which became 7.
        (
            "goal",
            {**GOAL_INPUT, "starting_minutes": 7.5, "daily_minimum_minutes": 5.0},
            {"starting_minutes": "not_whole"},
        ),
        (
            "goal",
            {**GOAL_INPUT, "walks_per_week": float("nan")},
            {"walks_per_week": "not_a_number"},
        ),
        (
            "thresholds",
            {"pain_day_threshold": 5.5, "red_flag_level": 9.0},
            {"pain_day_threshold": "not_whole"},
        ),
        # A field in a collapsed section: the refusal is on the section, which shows it.
        (
            "schedule",
            {
                **SCHEDULE_INPUT,
                "reminder_timing": {
                    "stretch_lead_minutes": 7.5,
                    "check_in_after_minutes": 90.0,
                },
            },
            {"reminder_timing": "not_whole"},
        ),
    ],
)
async def test_decimal_minutes_refused(
    hass: HomeAssistant, page: str, given: dict[str, Any], errors: dict[str, str]
) -> None:
    """Where only whole numbers make sense, 7.5 is refused, not stored as 7."""
    result = await answer_again(hass, page, given)
    assert result["errors"] == errors
    assert not hass.config_entries.async_entries(DOMAIN)


@pytest.mark.usefixtures("mock_setup_entry")
async def test_schedule_reminder_timing_collapsed(hass: HomeAssistant) -> None:
    """The stretch lead and the check-in wait are in a collapsed section."""
    result = await flow_to(hass, "schedule")
    fields = serialized_schema(result)
    assert [item["name"] for item in fields] == [
        "walk_days",
        "walk_time",
        "quiet_start",
        "quiet_end",
        "reminder_timing",
    ]
    timing = field(fields, "reminder_timing")
    assert timing["type"] == "expandable"
    assert timing["expanded"] is False
    assert [item["name"] for item in timing["schema"]] == [
        "stretch_lead_minutes",
        "check_in_after_minutes",
    ]
    assert_section_shows_its_fields(timing)
    assert timing["default"] == {
        "stretch_lead_minutes": 10,
        "check_in_after_minutes": 120,
    }
    # Left out, the section's fields keep their defaults.
    result = await finish(hass, result, {"walk_days": ["mon"], "walk_time": "18:00:00"})
    assert result["options"]["stretch_lead_minutes"] == 10
    assert result["options"]["check_in_after_minutes"] == 120


@pytest.mark.usefixtures("mock_setup_entry")
async def test_invalid_choices_refused_by_the_schema(hass: HomeAssistant) -> None:
    """Unknown days, bad times, out-of-range numbers and unknown alternatives."""
    result = await flow_to(hass, "thresholds")
    with pytest.raises(InvalidData) as err:
        await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {**THRESHOLDS_INPUT, "preferred_alternatives": ["skydiving"]},
        )
    assert set(err.value.schema_errors) == {"preferred_alternatives"}
    result = await answer(
        hass.config_entries.flow, result, "thresholds", THRESHOLDS_INPUT
    )
    for key, value in [
        ("walk_days", ["mon", "someday"]),
        ("walk_time", "25:00:00"),
        ("quiet_start", "late"),
        ("reminder_timing", {"stretch_lead_minutes": -1.0}),
        ("reminder_timing", {"check_in_after_minutes": 721.0}),
    ]:
        with pytest.raises(InvalidData):
            await hass.config_entries.flow.async_configure(
                result["flow_id"], {**SCHEDULE_INPUT, key: value}
            )
    assert not hass.config_entries.async_entries(DOMAIN)


@pytest.mark.usefixtures("mock_setup_entry")
@pytest.mark.parametrize(
    "alternatives",
    [["swimming"], ["yoga", "stationary_bike"], ALL_ALTERNATIVES, []],
)
async def test_preferred_alternatives_stored(
    hass: HomeAssistant, alternatives: list[str]
) -> None:
    """The chosen pain-day alternatives are stored as chosen."""
    result = await flow_to(hass, "thresholds")
    result = await answer(
        hass.config_entries.flow,
        result,
        "thresholds",
        {**THRESHOLDS_INPUT, "preferred_alternatives": alternatives},
    )
    result = await finish(hass, result)
    assert result["options"]["preferred_alternatives"] == alternatives


async def test_no_alternative_ticked_means_all_and_the_help_says_so(
    hass: HomeAssistant,
) -> None:
    """Unticking every alternative suggests all of them, as the field's help says."""
    strings = json.loads(EN_JSON.read_text(encoding="utf-8"))
    for flow in ("config", "options"):
        help_text = strings[flow]["step"]["thresholds"]["data_description"][
            "preferred_alternatives"
        ]
        assert "none" in help_text.lower()
        assert "all of them" in help_text.lower()
    result = await flow_to(hass, "thresholds")
    result = await answer(
        hass.config_entries.flow,
        result,
        "thresholds",
        {**THRESHOLDS_INPUT, "preferred_alternatives": []},
    )
    await finish(hass, result)
    status = hass.states.get("sensor.alex_pain_status")
    assert status.attributes["preferred_alternatives"] == ALL_ALTERNATIVES


# Names


@pytest.mark.usefixtures("mock_setup_entry")
@pytest.mark.parametrize(
    ("taken", "name", "error", "next_name"),
    [
        *((False, name, "name_empty", "Alex") for name in ["", "   ", "\t\n"]),
        *(
            (True, name, "name_taken", "Alex B.")
            for name in ["Alex", "alex", " ALEX ", "\talex\n"]
        ),
    ],
)
async def test_refused_name_stays_in_the_form(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    taken: bool,
    name: str,
    error: str,
    next_name: str,
) -> None:
    """A blank name, or an existing profile's in any case or spacing, is refused.

    The refusal is on the field, what was typed stays in the form, and another name
    goes on.
    """
    if taken:
        config_entry.add_to_hass(hass)
    result = await give_name(hass, name)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {CONF_NAME: error}
    assert shown(field(serialized_schema(result), CONF_NAME)) == name

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: next_name}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "profile"
    assert len(hass.config_entries.async_entries(DOMAIN)) == int(taken)


@pytest.mark.usefixtures("mock_setup_entry")
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
    result = await give_name(hass, name)
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


@pytest.mark.usefixtures("mock_setup_entry")
async def test_name_taken_while_the_flow_was_answered(hass: HomeAssistant) -> None:
    """Two flows for one name: the second asks for a new name and keeps its answers."""
    first = await flow_to(hass, "schedule")
    second = await flow_to(hass, "schedule")
    result = await finish(hass, first)
    assert result["type"] is FlowResultType.CREATE_ENTRY

    result = await finish(hass, second)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {CONF_NAME: "name_taken"}
    assert result["last_step"] is True  # every other page is answered
    assert shown(field(serialized_schema(result), CONF_NAME)) == "Alex"
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


# The options: a menu of pages, each saved on its own


@pytest.mark.usefixtures("mock_setup_entry")
async def test_options_menu_reaches_every_page(hass: HomeAssistant) -> None:
    """The menu offers each page; each names the profile; sent as shown, nothing changes."""
    await register_phones(hass, "mobile_app_pixel")
    entry = profile_entry(dict(SAVED_OPTIONS))
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "init"
    assert result["menu_options"] == PAGES
    assert result["description_placeholders"] == {"profile": "Alex"}
    for page in PAGES:
        result = await open_page(hass, entry, page)
        assert result["description_placeholders"]["profile"] == "Alex"
        assert result["last_step"] is True
        result = await save_page(hass, result, {})
        assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
        assert dict(entry.options) == SAVED_OPTIONS, page
    # The stored weekdays are shown by name.
    result = await open_page(hass, entry, "goal")
    assert shown(field(serialized_schema(result), "first_weekday")) == "thu"
    result = await open_page(hass, entry, "schedule")
    assert shown(field(serialized_schema(result), "walk_days")) == ["mon", "sat", "sun"]


@pytest.mark.usefixtures("mock_setup_entry")
async def test_options_pages_name_the_profile_as_text(hass: HomeAssistant) -> None:
    """A name with markdown in it is shown as typed, never as a link."""
    name = "[Sam](https://evil.example)"
    entry = profile_entry(dict(PROFILE_OPTIONS), title=name)
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["description_placeholders"] == {"profile": escape_markdown(name)}
    for page in PAGES:
        result = await open_page(hass, entry, page)
        assert result["description_placeholders"]["profile"] == escape_markdown(name)
    strings = json.loads(EN_JSON.read_text(encoding="utf-8"))["options"]["step"]
    for step_id in ("init", *PAGES):
        assert "{profile}" in strings[step_id]["description"], step_id


async def test_quiet_hours_change_in_one_submit(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Menu, schedule, one submit: the quiet hours are saved and the profile reloads."""
    result = await open_page(hass, loaded_entry, "schedule")
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {**shown_answers(result), "quiet_start": "22:00:00", "quiet_end": "06:30:00"},
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert loaded_entry.options == {
        **PROFILE_OPTIONS,
        "walk_days": [0, 2, 4],
        "walk_time": "07:30:00",
        "stretch_lead_minutes": 10,
        "check_in_after_minutes": 120,
        "quiet_start": "22:00:00",
        "quiet_end": "06:30:00",
    }
    assert loaded_entry.state is ConfigEntryState.LOADED


async def test_options_page_refusals_keep_the_saved_options(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A refused page saves nothing; its errors are on the fields, as in the first flow."""
    result = await open_page(hass, loaded_entry, "schedule")
    result = await save_page(
        hass,
        result,
        {"walk_time": "07:30:00", "quiet_start": "22:00:00", "quiet_end": "08:00:00"},
    )
    assert result["errors"] == {"walk_time": "walk_in_quiet_hours"}
    result = await save_page(hass, result, {"walk_time": "08:30:00"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert loaded_entry.options["walk_time"] == "08:30:00"

    result = await open_page(hass, loaded_entry, "goal")
    result = await save_page(hass, result, {"target_minutes": 7.5})
    assert result["errors"] == {"target_minutes": "not_whole"}
    assert loaded_entry.options["target_minutes"] == 30


@pytest.mark.usefixtures("mock_setup_entry")
@pytest.mark.parametrize(
    ("page", "cleared", "saved"),
    [
        ("profile", ["person"], {"person": "person.alex"}),
        (
            "schedule",
            ["quiet_start", "quiet_end"],
            {"quiet_start": "22:00:00", "quiet_end": "06:00:00"},
        ),
        ("reminders", ["tts_entity"], {"tts_entity": "tts.piper"}),
        ("sources", ["steps_entity"], {"steps_entity": "sensor.pixel_steps"}),
    ],
)
async def test_options_clear_an_optional_field(
    hass: HomeAssistant, page: str, cleared: list[str], saved: dict[str, Any]
) -> None:
    """A saved optional field is suggested; cleared, it is removed from the options."""
    entry = profile_entry({**PROFILE_OPTIONS, **saved})
    entry.add_to_hass(hass)
    result = await open_page(hass, entry, page)
    for key, value in saved.items():
        assert shown(field(serialized_schema(result), key)) == value
    answers = shown_answers(result)
    for key in cleared:
        del answers[key]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], answers
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert not set(cleared) & set(entry.options)


@pytest.mark.usefixtures("mock_setup_entry")
async def test_cleared_field_not_offered_back_after_a_refusal(
    hass: HomeAssistant,
) -> None:
    """Clearing one quiet-hour end is refused; the cleared end stays cleared."""
    entry = profile_entry(
        {**PROFILE_OPTIONS, "quiet_start": "22:00:00", "quiet_end": "06:00:00"}
    )
    entry.add_to_hass(hass)
    result = await open_page(hass, entry, "schedule")
    answers = shown_answers(result)
    del answers["quiet_start"]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], answers
    )
    assert result["errors"] == {"quiet_start": "quiet_hours_incomplete"}
    fields = serialized_schema(result)
    assert shown(field(fields, "quiet_start")) is None
    assert shown(field(fields, "quiet_end")) == "06:00:00"


async def test_existing_profile_keeps_working(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A profile made before the menu (1.1, few options): every page opens and saves.

    Saving a page adds that page's defaults and changes nothing else; the profile loads.
    """
    for page in PAGES:
        result = await open_page(hass, loaded_entry, page)
        result = await save_page(hass, result, {})
        assert result["type"] is FlowResultType.CREATE_ENTRY, (page, result)
        assert loaded_entry.state is ConfigEntryState.LOADED
    assert loaded_entry.options == {
        **PROFILE_OPTIONS,
        "language": "en",
        "count_walk_days": False,
        "preferred_alternatives": ALL_ALTERNATIVES,
        "walk_days": [0, 2, 4],
        "walk_time": "07:30:00",
        "stretch_lead_minutes": 10,
        "check_in_after_minutes": 120,
        "media_players": [],
        "mobile_app_services": [],
        "notify_entities": [],
        "persistent_notification": True,
        "occupancy_sensors": [],
        "heat_threshold": 30,
        "activity_entities": [],
        "webhook_local_only": True,
        "walking_states": "walking, on_foot",
        "min_confidence": 50,
        "merge_window_minutes": 3,
        "min_walk_minutes": 3,
        "steps_mode": "daily_reset",
        "cadence_threshold": 90,
    }
    assert_whole_numbers(dict(loaded_entry.options))
    assert hass.states.get("sensor.alex_target_minutes_today").state == "5"


# Reminders: where they go


async def register_phones(hass: HomeAssistant, *services: str) -> None:
    """Register notify services as the companion app (and others) do."""

    async def handler(call: ServiceCall) -> None:
        """Accept a notification."""

    for service in services:
        hass.services.async_register("notify", service, handler)


async def test_phones_offered_from_the_companion_app(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """The phone choices are the notify.mobile_app_* services, by the phone's name."""
    MockConfigEntry(
        domain="mobile_app", title="Pixel 7", data={"device_name": "Pixel 7"}
    ).add_to_hass(hass)
    await register_phones(hass, "mobile_app_pixel_7", "mobile_app_ipad", "email")
    result = await open_page(hass, loaded_entry, "reminders")
    phones = field(serialized_schema(result), "mobile_app_services")["selector"]
    assert phones["select"]["options"] == [
        {"value": "mobile_app_ipad", "label": "notify.mobile_app_ipad"},
        {"value": "mobile_app_pixel_7", "label": "Pixel 7"},
    ]
    assert phones["select"]["multiple"] is True
    # Typing one is still possible; the check refuses one that does not exist.
    assert phones["select"]["custom_value"] is True


async def test_phones_accepted_in_both_spellings(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """notify.mobile_app_x and mobile_app_x name one phone, stored once as the service."""
    await register_phones(hass, "mobile_app_pixel", "mobile_app_ipad")
    result = await open_page(hass, loaded_entry, "reminders")
    result = await save_page(
        hass,
        result,
        {
            "mobile_app_services": [
                "notify.mobile_app_pixel",
                "mobile_app_ipad",
                " Notify.Mobile_App_Pixel ",
            ]
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert loaded_entry.options["mobile_app_services"] == [
        "mobile_app_pixel",
        "mobile_app_ipad",
    ]


@pytest.mark.parametrize(
    "phone", ["mobile_app_old_phone", "notify.mobile_app_old_phone", "notify.email"]
)
async def test_missing_phone_refused(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, phone: str
) -> None:
    """A phone that does not exist (or is no companion app) is refused in the flow."""
    await register_phones(hass, "mobile_app_pixel", "email")
    result = await open_page(hass, loaded_entry, "reminders")
    result = await save_page(
        hass, result, {"mobile_app_services": ["mobile_app_pixel", phone]}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"mobile_app_services": "phone_unknown"}
    assert "mobile_app_services" not in loaded_entry.options


async def test_speakers_need_an_engine(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Speakers without an engine are refused on the engine; adding one saves."""
    result = await open_page(hass, loaded_entry, "reminders")
    speakers = {"media_players": ["media_player.kitchen"]}
    result = await save_page(hass, result, speakers)
    assert result["errors"] == {"tts_entity": "tts_required"}
    result = await save_page(hass, result, {**speakers, "tts_entity": "tts.piper"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert loaded_entry.options["media_players"] == ["media_player.kitchen"]
    assert loaded_entry.options["tts_entity"] == "tts.piper"


# Sources: walks that log themselves, and the webhook


async def test_sources_page(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    """Sensors and the webhook on top, the tracking details collapsed; the URL shown."""
    result = await open_page(hass, loaded_entry, "sources")
    fields = serialized_schema(result)
    assert [item["name"] for item in fields] == [
        "activity_entities",
        "steps_entity",
        "webhook_local_only",
        "tracking_details",
    ]
    details = field(fields, "tracking_details")
    assert details["expanded"] is False
    assert [item["name"] for item in details["schema"]] == [
        "walking_states",
        "min_confidence",
        "merge_window_minutes",
        "min_walk_minutes",
        "steps_mode",
        "cadence_threshold",
    ]
    assert_section_shows_its_fields(details)
    webhook_id = loaded_entry.data[CONF_WEBHOOK_ID]
    url = result["description_placeholders"]["webhook_url"]
    assert url.endswith(f"/api/webhook/{webhook_id}")

    # A refusal in the section is shown on it; the URL stays.
    result = await save_page(hass, result, {"walking_states": " , unknown"})
    assert result["errors"] == {"tracking_details": "invalid_walking_states"}
    assert result["description_placeholders"]["webhook_url"] == url

    result = await save_page(
        hass,
        result,
        {
            "activity_entities": ["sensor.pixel_activity"],
            "steps_entity": "sensor.pixel_steps",
            "walking_states": "Walking",
            "min_confidence": 75.0,
            "steps_mode": "since_boot",
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert loaded_entry.options["walking_states"] == "Walking"
    assert loaded_entry.options["min_confidence"] == 75
    assert loaded_entry.options["steps_mode"] == "since_boot"
    # Reloaded with the new options: a step counter adds the step sensors.
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert hass.states.get("sensor.alex_steps_today").state == "0"


async def test_sources_page_without_a_url(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Where Home Assistant knows no URL of its own, the page shows the webhook's path."""
    with patch(
        "homeassistant.components.webhook.async_generate_url",
        side_effect=NoURLAvailableError,
    ):
        result = await open_page(hass, loaded_entry, "sources")
    webhook_id = loaded_entry.data[CONF_WEBHOOK_ID]
    assert result["description_placeholders"]["webhook_url"] == (
        f"/api/webhook/{webhook_id}"
    )


# Reconfigure: the name


async def test_reconfigure_rename(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Reconfigure renames the profile; its webhook, options and state stay."""
    webhook_id = loaded_entry.data[CONF_WEBHOOK_ID]
    result = await loaded_entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    assert field(serialized_schema(result), CONF_NAME)["default"] == "Alex"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "  Alexandra "}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert loaded_entry.title == "Alexandra"
    assert loaded_entry.data == {CONF_NAME: "Alexandra", CONF_WEBHOOK_ID: webhook_id}
    assert loaded_entry.options == PROFILE_OPTIONS
    assert loaded_entry.state is ConfigEntryState.LOADED

    # The old name is free again for a new profile.
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Alex"}
    )
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
    assert result["reason"] == "reconfigure_successful"
    assert loaded_entry.title == "ALEX"


@pytest.mark.parametrize(
    ("name", "error"), [(" sam", "name_taken"), ("  ", "name_empty")]
)
async def test_reconfigure_refusals(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, name: str, error: str
) -> None:
    """Another profile's name or a blank one is refused on the field; then a new one."""
    MockConfigEntry(domain=DOMAIN, title="Sam", data={CONF_NAME: "Sam"}).add_to_hass(
        hass
    )
    result = await loaded_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: name}
    )
    assert result["step_id"] == "reconfigure"
    assert result["errors"] == {CONF_NAME: error}
    assert field(serialized_schema(result), CONF_NAME)["default"] == name
    assert loaded_entry.title == "Alex"
    # A name that differs only in its accent is another person's.
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Säm"}
    )
    await hass.async_block_till_done()
    assert result["reason"] == "reconfigure_successful"
    assert loaded_entry.title == "Säm"


# Over the frontend's API


async def test_flows_over_http(
    hass: HomeAssistant, hass_client: ClientSessionGenerator
) -> None:
    """The frontend's API runs the first flow, the options menu and its pages."""
    assert await async_setup_component(hass, "config", {})
    # The integration's dependencies register views: set them up before the client
    # starts, as Home Assistant does at boot.
    for component in (DOMAIN, "calendar"):
        assert await async_setup_component(hass, component, {})
    client = await hass_client()

    async def post(url: str, payload: dict[str, Any]) -> dict[str, Any]:
        response = await client.post(url, json=payload)
        body = await response.json()
        assert response.status == HTTPStatus.OK, body
        return body

    flow_url = "/api/config/config_entries/flow"
    result = await post(flow_url, {"handler": DOMAIN, "show_advanced_options": False})
    steps = [result["step_id"]]
    result = await post(f"{flow_url}/{result['flow_id']}", {CONF_NAME: " "})
    assert result["errors"] == {CONF_NAME: "name_empty"}
    for given in (
        {CONF_NAME: "Alex"},
        PROFILE_INPUT,
        GOAL_INPUT,
        THRESHOLDS_INPUT,
    ):
        result = await post(f"{flow_url}/{result['flow_id']}", given)
        steps.append(result["step_id"])
    assert steps == FIRST_FLOW
    timing = field(result["data_schema"], "reminder_timing")
    assert (timing["type"], timing["expanded"]) == ("expandable", False)
    result = await post(
        f"{flow_url}/{result['flow_id']}",
        {
            **SCHEDULE_INPUT,
            "walk_time": "07:30",
            "quiet_start": "22:00",
            "quiet_end": "08:00",
        },
    )
    assert result["errors"] == {"walk_time": "walk_in_quiet_hours"}
    result = await post(f"{flow_url}/{result['flow_id']}", SCHEDULE_INPUT)
    await hass.async_block_till_done()
    assert result["type"] == "create_entry"
    entry_id = result["result"]["entry_id"]
    entry = hass.config_entries.async_get_entry(entry_id)
    assert entry is not None
    assert entry.state is ConfigEntryState.LOADED
    assert entry.options == EXPECTED_OPTIONS

    options_url = "/api/config/config_entries/options/flow"
    result = await post(options_url, {"handler": entry_id})
    assert result["type"] == "menu"
    assert result["menu_options"] == PAGES
    result = await post(
        f"{options_url}/{result['flow_id']}", {"next_step_id": "schedule"}
    )
    assert result["step_id"] == "schedule"
    result = await post(
        f"{options_url}/{result['flow_id']}",
        {**SCHEDULE_INPUT, "quiet_start": "22:00:00", "quiet_end": "06:30:00"},
    )
    await hass.async_block_till_done()
    assert result["type"] == "create_entry"
    assert entry.options == {
        **EXPECTED_OPTIONS,
        "quiet_start": "22:00:00",
        "quiet_end": "06:30:00",
    }

    result = await post(flow_url, {"handler": DOMAIN, "entry_id": entry_id})
    assert result["step_id"] == "reconfigure"
    result = await post(f"{flow_url}/{result['flow_id']}", {CONF_NAME: "Alexa"})
    await hass.async_block_till_done()
    assert result["reason"] == "reconfigure_successful"
    assert entry.title == "Alexa"


def test_config_flow_loads_without_the_runtime() -> None:
    """Loading the config flow imports no runtime, store or journal.

    Run apart, with the package itself left empty, so only what config_flow.py needs
    is imported (the package's __init__ sets the profiles up and imports them all).
    """
    script = textwrap.dedent(
        f"""
        import importlib, sys, types
        import homeassistant.core
        for name, path in (
            ("custom_components", {str(INTEGRATION.parent)!r}),
            ("custom_components.backwalk", {str(INTEGRATION)!r}),
        ):
            package = types.ModuleType(name)
            package.__path__ = [path]
            sys.modules[name] = package
        importlib.import_module("custom_components.backwalk.config_flow")
        print(sorted(name for name in sys.modules if name.startswith("custom_")))
        """
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert "custom_components.backwalk.config_flow" in loaded
    for module in ("runtime", "store", "journal"):
        assert f"custom_components.backwalk.{module}'" not in loaded, loaded


@pytest.mark.usefixtures("mock_setup_entry")
async def test_room_presence_offers_only_entities_that_can_name_a_room(
    hass: HomeAssistant,
) -> None:
    """Room presence lists sensors, trackers and selects, not every switch and light."""
    entry = profile_entry(dict(SAVED_OPTIONS))
    entry.add_to_hass(hass)
    result = await open_page(hass, entry, "presence")
    presence = field(serialized_schema(result), "presence_entity")
    assert presence["selector"]["entity"]["domain"] == [
        "sensor",
        "device_tracker",
        "select",
        "input_select",
        "input_text",
    ]
    with pytest.raises(InvalidData) as err:
        await save_page(hass, result, {"presence_entity": "switch.kettle"})
    assert set(err.value.schema_errors) == {"presence_entity"}
    result = await open_page(hass, entry, "presence")
    result = await save_page(hass, result, {"presence_entity": "sensor.alex_room"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options["presence_entity"] == "sensor.alex_room"


@pytest.mark.usefixtures("mock_setup_entry")
@pytest.mark.parametrize(
    ("units", "bounds"),
    [(METRIC_SYSTEM, "From 20 to 45 °C"), (US_CUSTOMARY_SYSTEM, "From 68 to 113 °F")],
)
async def test_heat_threshold_help_names_its_bounds_in_the_home_s_unit(
    hass: HomeAssistant, units: UnitSystem, bounds: str
) -> None:
    """The number box shows no bounds, so its help and its refusal say them."""
    hass.config.units = units
    entry = profile_entry(dict(SAVED_OPTIONS))
    entry.add_to_hass(hass)
    result = await open_page(hass, entry, "presence")
    strings = json.loads(EN_JSON.read_text(encoding="utf-8"))["options"]
    placeholders = result["description_placeholders"]
    helper = strings["step"]["presence"]["data_description"]["heat_threshold"]
    assert bounds in helper.format(**placeholders)
    with pytest.raises(InvalidData) as err:
        await save_page(hass, result, {"heat_threshold": 200})
    assert set(err.value.schema_errors) == {"heat_threshold"}
    refusal = strings["error"]["heat_threshold_out_of_range"]
    assert bounds.replace("From", "from") in refusal.format(**placeholders)
