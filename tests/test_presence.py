"""Reminders go where the person is: the phone when out, the speaker of their room."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import persistent_notification
from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
)
from homeassistant.util.unit_system import METRIC_SYSTEM, US_CUSTOMARY_SYSTEM
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.backwalk.const import CONF_NAME, DOMAIN
from tests.household import (
    Heard,
    add_speaker,
    async_add_people,
    async_add_rooms,
    async_set_home,
    async_set_tag_room,
    async_setup_templates,
    room_presence_config,
)

# Monday 2026-11-23, 07:30 in Berlin: the stretch reminder is due at 06:20 UTC.
STRETCH_DUE = "2026-11-23T06:20:00+00:00"
STUDY = "media_player.study"
LIVING_ROOM = "media_player.living_room"


@pytest.fixture(autouse=True)
def sunday_evening(freezer: FrozenDateTimeFactory) -> None:
    """Sunday 2026-11-22, 20:00 in Berlin (19:00 UTC)."""
    freezer.move_to("2026-11-22T19:00:00+00:00")


def reminder_options(base: dict[str, Any], name: str, **extra: Any) -> dict[str, Any]:
    """Walks Monday 07:30; speakers in the study and the living room; a phone."""
    return {
        **base,
        "walk_days": [0, 2, 4],
        "walk_time": "07:30:00",
        "stretch_lead_minutes": 10,
        "media_players": [STUDY, LIVING_ROOM],
        "tts_entity": "tts.piper",
        "mobile_app_services": [f"mobile_app_{name.lower()}"],
        "notify_entities": [],
        "persistent_notification": False,
        "person": f"person.{name.lower()}",
        "presence_entity": f"sensor.{name.lower()}_room",
        **extra,
    }


@pytest.fixture
def profile_options(
    profile_options: dict[str, Any], request: pytest.FixtureRequest
) -> dict[str, Any]:
    """Alex's profile, with Alex's person and room sensor; a test's changes on top.

    A change to None leaves the option out.
    """
    changes: dict[str, Any] = getattr(request, "param", {})
    options = {**reminder_options(profile_options, "Alex"), **changes}
    return {key: value for key, value in options.items() if value is not None}


@pytest.fixture
async def home(hass: HomeAssistant) -> Heard:
    """Rooms, a speaker in the study and one in the living room, Alex at home."""
    await hass.config.async_set_time_zone("Europe/Berlin")
    await async_add_rooms(hass)
    add_speaker(hass, "study", "study")
    add_speaker(hass, "living_room", "living_room")
    await async_add_people(hass, "Alex", "Bo")
    await async_setup_templates(hass, room_presence_config("Alex", "Bo"))
    await async_set_home(hass, "Alex", home=True)
    return Heard(hass, ("mobile_app_alex", "mobile_app_bo"))


async def at(hass: HomeAssistant, freezer: FrozenDateTimeFactory, moment: str) -> None:
    """Move the clock to a UTC moment and let timers run."""
    freezer.move_to(moment)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


async def test_away_goes_to_the_phone_only(
    hass: HomeAssistant,
    home: Heard,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Nobody hears a reminder spoken in an empty house: the phone gets it."""
    await async_set_home(hass, "Alex", home=False)
    await async_set_tag_room(hass, "Alex", "Office")  # a stale room: away wins
    await at(hass, freezer, STRETCH_DUE)
    assert home.spoken == []
    [push] = home.pushed["mobile_app_alex"]
    [event] = home.events
    assert push.data["message"] == event.data["message"]
    assert event.data["reason"] == "away"
    assert event.data["delivered_to"] == ["notify.mobile_app_alex"]
    assert home.pushed["mobile_app_bo"] == []


@pytest.mark.parametrize(
    "profile_options",
    [{"mobile_app_services": [], "persistent_notification": False}],
    indirect=True,
)
async def test_away_without_a_phone_gets_a_notification(
    hass: HomeAssistant,
    home: Heard,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """No phone chosen: Home Assistant's notification carries it instead."""
    await async_set_home(hass, "Alex", home=False)
    await at(hass, freezer, STRETCH_DUE)
    assert home.spoken == []
    [event] = home.events
    assert event.data["reason"] == "away"
    assert event.data["delivered_to"] == ["persistent_notification"]
    shown = persistent_notification._async_get_or_create_notifications(hass)
    assert (
        shown[f"{DOMAIN}_{loaded_entry.entry_id}"]["message"] == event.data["message"]
    )


async def test_in_the_study_only_the_study_speaker(
    hass: HomeAssistant,
    home: Heard,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The room tracker calls the study "Office"; the template maps it to the area."""
    await async_set_tag_room(hass, "Alex", "Office")
    assert hass.states.get("sensor.alex_room").state == "study"
    await at(hass, freezer, STRETCH_DUE)
    assert home.speakers() == [[STUDY]]
    [event] = home.events
    assert event.data["reason"] == "in_area"
    assert event.data["delivered_to"] == [STUDY, "notify.mobile_app_alex"]


@pytest.mark.parametrize("room", ["unknown", "not_home", "Garage"])
async def test_unknown_presence_speaks_on_every_speaker(
    hass: HomeAssistant,
    home: Heard,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    room: str,
) -> None:
    """Nothing says which room: every chosen speaker, as without presence."""
    await async_set_tag_room(hass, "Alex", room)
    await at(hass, freezer, STRETCH_DUE)
    assert home.speakers() == [[STUDY, LIVING_ROOM]]
    [event] = home.events
    assert event.data["reason"] == "no_presence"
    assert event.data["delivered_to"] == [STUDY, LIVING_ROOM, "notify.mobile_app_alex"]


@pytest.mark.parametrize(
    "profile_options",
    [{"person": None, "presence_entity": None}],
    indirect=True,
)
async def test_no_person_and_no_presence_is_todays_behaviour(
    hass: HomeAssistant,
    home: Heard,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A profile that names neither hears reminders as before."""
    await async_set_home(hass, "Alex", home=False)
    await async_set_tag_room(hass, "Alex", "Office")
    await at(hass, freezer, STRETCH_DUE)
    assert home.speakers() == [[STUDY, LIVING_ROOM]]
    assert home.events[0].data["reason"] == "no_presence"


async def test_a_speaker_in_its_devices_area(
    hass: HomeAssistant,
    home: Heard,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A speaker with no area of its own is in its device's area."""
    device_entry = MockConfigEntry(domain="test")
    device_entry.add_to_hass(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=device_entry.entry_id, identifiers={("test", "kitchen-speaker")}
    )
    dr.async_get(hass).async_update_device(device.id, area_id="kitchen")
    speaker = add_speaker(hass, "kitchen", None)
    er.async_get(hass).async_update_entity(speaker, device_id=device.id)
    config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        config_entry,
        options={**config_entry.options, "media_players": [STUDY, speaker]},
    )
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    await async_set_tag_room(hass, "Alex", "Kitchen")
    await at(hass, freezer, STRETCH_DUE)
    assert home.speakers() == [[speaker]]


@pytest.mark.parametrize(
    "profile_options",
    [{"presence_entity": None, "occupancy_sensors": ["binary_sensor.study_occupied"]}],
    indirect=True,
)
async def test_occupancy_sensors_name_the_room(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    config_entry: MockConfigEntry,
) -> None:
    """An occupancy sensor in the study that is on: the study's speaker only."""
    await hass.config.async_set_time_zone("Europe/Berlin")
    await async_add_rooms(hass)
    add_speaker(hass, "study", "study")
    add_speaker(hass, "living_room", "living_room")
    await async_setup_templates(
        hass,
        room_presence_config(occupancy={"study": "input_boolean.study_motion"}),
        areas={"study_occupied": "study"},
    )
    heard = Heard(hass, ("mobile_app_alex",))
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    hass.states.async_set("input_boolean.study_motion", "on")
    await hass.async_block_till_done()
    assert hass.states.get("binary_sensor.study_occupied").state == "on"
    await at(hass, freezer, STRETCH_DUE)
    assert heard.speakers() == [[STUDY]]
    assert heard.events[0].data["reason"] == "in_area"


async def test_two_profiles_in_two_rooms_never_hear_each_other(
    hass: HomeAssistant,
    home: Heard,
    loaded_entry: MockConfigEntry,
    profile_options: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """Alex in the study, Bo in the living room, both walking at 07:30."""
    bo = MockConfigEntry(
        domain=DOMAIN,
        title="Bo",
        data={CONF_NAME: "Bo"},
        options=reminder_options(profile_options, "Bo"),
        version=1,
        minor_version=1,
    )
    bo.add_to_hass(hass)
    assert await hass.config_entries.async_setup(bo.entry_id)
    await hass.async_block_till_done()
    await async_set_home(hass, "Bo", home=True)
    await async_set_tag_room(hass, "Alex", "Office")
    await async_set_tag_room(hass, "Bo", "Lounge")
    await at(hass, freezer, STRETCH_DUE)
    heard = {
        event.data["profile"]: (event.data["reason"], event.data["delivered_to"])
        for event in home.events
    }
    assert heard == {
        "Alex": ("in_area", [STUDY, "notify.mobile_app_alex"]),
        "Bo": ("in_area", [LIVING_ROOM, "notify.mobile_app_bo"]),
    }
    spoken = {
        call.data["message"]: call.data["media_player_entity_id"]
        for call in home.spoken
    }
    assert len(spoken) == 2
    for message, speakers in spoken.items():
        assert speakers == ([STUDY] if message.startswith("Alex") else [LIVING_ROOM])


# The options page


async def open_presence_page(hass: HomeAssistant, entry: MockConfigEntry) -> Any:
    """Open the options menu's page for presence and the weather."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert "presence" in result["menu_options"]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "presence"}
    )
    assert result["step_id"] == "presence"
    return result


async def test_options_page_shows_speakers_by_area_and_saves(
    hass: HomeAssistant, home: Heard, loaded_entry: MockConfigEntry
) -> None:
    """Speakers are grouped by their registry area; the answers are saved."""
    hass.states.async_set("media_player.study", "idle", {"friendly_name": "Desk [1]"})
    add_speaker(hass, "portable", None)
    hass.config_entries.async_update_entry(
        loaded_entry,
        options={
            **loaded_entry.options,
            "media_players": [STUDY, LIVING_ROOM, "media_player.portable"],
        },
    )
    await hass.async_block_till_done()
    result = await open_presence_page(hass, loaded_entry)
    placeholders = result["description_placeholders"]
    assert placeholders["profile"] == "Alex"
    assert placeholders["speaker_areas"] == (
        "Living Room: living room; Study: Desk \\[1\\]"
    )
    assert placeholders["speakers_without_area"] == "portable"
    registry = er.async_get(hass)
    motion = registry.async_get_or_create(
        "binary_sensor", "test", "study_motion", suggested_object_id="study_motion"
    )
    registry.async_update_entity(motion.entity_id, area_id="study")
    hass.states.async_set(motion.entity_id, "off")
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            "presence_entity": "sensor.alex_room",
            "occupancy_sensors": [motion.entity_id],
            "weather_entity": "weather.home",
            "heat_threshold": 28.0,
        },
    )
    await hass.async_block_till_done()
    assert result["type"] == "create_entry"
    assert loaded_entry.options["occupancy_sensors"] == [motion.entity_id]
    assert loaded_entry.options["weather_entity"] == "weather.home"
    assert loaded_entry.options["heat_threshold"] == 28


async def test_options_refuse_an_occupancy_sensor_in_no_area(
    hass: HomeAssistant, home: Heard, loaded_entry: MockConfigEntry
) -> None:
    """A sensor without an area says nothing about a room: refused in words."""
    hass.states.async_set("binary_sensor.hall_motion", "off")
    result = await open_presence_page(hass, loaded_entry)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {"occupancy_sensors": ["binary_sensor.hall_motion"], "heat_threshold": 30},
    )
    assert result["errors"] == {"occupancy_sensors": "occupancy_without_area"}
    assert "occupancy_sensors" not in loaded_entry.options


async def test_heat_threshold_is_asked_in_fahrenheit_for_an_imperial_home(
    hass: HomeAssistant, home: Heard, loaded_entry: MockConfigEntry
) -> None:
    """The default is 86 °F, and the box shows °F."""
    hass.config.units = US_CUSTOMARY_SYSTEM
    result = await open_presence_page(hass, loaded_entry)
    [heat] = [key for key in result["data_schema"].schema if key == "heat_threshold"]
    assert heat.default() == 86.0
    config = result["data_schema"].schema[heat].config
    assert config["unit_of_measurement"] == "°F"
    assert (config["min"], config["max"]) == (68, 113)


def shown_heat(result: dict[str, Any]) -> float:
    """The heat threshold the options page shows (its suggested value, else default)."""
    [heat] = [key for key in result["data_schema"].schema if key == "heat_threshold"]
    suggested = (heat.description or {}).get("suggested_value")
    return float(suggested if suggested is not None else heat.default())


async def test_heat_threshold_keeps_its_meaning_when_the_units_change(
    hass: HomeAssistant, home: Heard, loaded_entry: MockConfigEntry
) -> None:
    """Saved in °F, kept in °C: a home that changes its unit system sees the same heat."""
    hass.config.units = US_CUSTOMARY_SYSTEM
    result = await open_presence_page(hass, loaded_entry)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"occupancy_sensors": [], "heat_threshold": 95.0}
    )
    await hass.async_block_till_done()
    assert result["type"] == "create_entry"
    assert loaded_entry.options["heat_threshold"] == 35.0  # 95 °F
    assert shown_heat(await open_presence_page(hass, loaded_entry)) == 95.0
    hass.config.units = METRIC_SYSTEM
    assert shown_heat(await open_presence_page(hass, loaded_entry)) == 35.0


async def test_a_threshold_chosen_in_celsius_is_shown_in_fahrenheit_later(
    hass: HomeAssistant, home: Heard, loaded_entry: MockConfigEntry
) -> None:
    """33 °C saved on a metric home; the home switches to US customary units.

    The page offers 91 °F (33 °C), inside its °F range, not 33 "°F" it would refuse.
    """
    hass.config_entries.async_update_entry(
        loaded_entry, options={**loaded_entry.options, "heat_threshold": 33}
    )
    hass.config.units = US_CUSTOMARY_SYSTEM
    result = await open_presence_page(hass, loaded_entry)
    [heat] = [key for key in result["data_schema"].schema if key == "heat_threshold"]
    assert heat.default() == 91


@pytest.mark.parametrize(
    "profile_options",
    [
        {
            "presence_entity": "sensor.alex_ble_area",
            "media_players": [STUDY, LIVING_ROOM, "media_player.new_study"],
        }
    ],
    indirect=True,
)
async def test_an_area_name_wins_over_an_older_areas_id(
    hass: HomeAssistant,
    home: Heard,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The study was renamed Office, and a new area called Study was made (study_2).

    A BLE tracker that reports "Study" means the new room, by its name: the reminder
    is spoken there, not in the Office, whose id is still "study".
    """
    areas = ar.async_get(hass)
    areas.async_update("study", name="Office")
    new_study = areas.async_create("Study")
    assert new_study.id != "study"
    add_speaker(hass, "new_study", new_study.id)
    hass.states.async_set("sensor.alex_ble_area", "Study")
    await at(hass, freezer, STRETCH_DUE)
    assert home.speakers() == [["media_player.new_study"]]
