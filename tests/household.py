"""A home around the profiles: rooms, speakers in them, people, room presence, weather.

Everything here is real Home Assistant (areas, the entity registry, person, zone,
template sensors and a template weather entity); only the speakers' and phones'
actions stand in for the devices, as in test_reminders.
"""

from __future__ import annotations

from pathlib import Path
import re
from typing import Any

from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import area_registry as ar, entity_registry as er
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    async_capture_events,
    async_mock_service,
)
import yaml

from custom_components.backwalk.const import EVENT_NUDGE

ROOMS = ("Study", "Living Room", "Kitchen")
# Raw room names as a BLE room tracker reports them, and the area each one is: the
# tracker calls the study "Office".
BLE_ROOMS = {"Office": "study", "Lounge": "living_room"}


async def async_add_rooms(hass: HomeAssistant) -> None:
    """Create the home's areas."""
    areas = ar.async_get(hass)
    for room in ROOMS:
        areas.async_create(room)


def add_speaker(hass: HomeAssistant, object_id: str, area_id: str | None) -> str:
    """Register a speaker in an area (through the registry, as a user places it)."""
    entry = er.async_get(hass).async_get_or_create(
        "media_player", "test", object_id, suggested_object_id=object_id
    )
    er.async_get(hass).async_update_entity(entry.entity_id, area_id=area_id)
    hass.states.async_set(entry.entity_id, "idle")
    return entry.entity_id


class Heard:
    """What reached the speakers and the phones, and the nudge events."""

    def __init__(self, hass: HomeAssistant, phones: tuple[str, ...]) -> None:
        """Stand in for the speakers' voice and the phones (the only mocks here)."""
        hass.states.async_set("tts.piper", "unknown")
        self.spoken: list[ServiceCall] = async_mock_service(hass, "tts", "speak")
        self.pushed: dict[str, list[ServiceCall]] = {
            phone: async_mock_service(hass, "notify", phone) for phone in phones
        }
        self.events = async_capture_events(hass, EVENT_NUDGE)

    def speakers(self) -> list[list[str]]:
        """The speakers of each spoken reminder, in order."""
        return [list(call.data["media_player_entity_id"]) for call in self.spoken]


async def async_add_people(hass: HomeAssistant, *names: str) -> None:
    """Set up zone and person, one person per name, each with a phone tracker."""
    assert await async_setup_component(hass, "zone", {})
    assert await async_setup_component(
        hass,
        "person",
        {
            "person": [
                {
                    "id": name.lower(),
                    "name": name,
                    "device_trackers": [f"device_tracker.{name.lower()}_phone"],
                }
                for name in names
            ]
        },
    )
    await hass.async_block_till_done()


async def async_set_home(hass: HomeAssistant, name: str, *, home: bool) -> None:
    """Put a person's phone at home or away; the person entity follows it."""
    hass.states.async_set(
        f"device_tracker.{name.lower()}_phone",
        "home" if home else "not_home",
        {"source_type": "router"},
    )
    await hass.async_block_till_done()


def readme_room_sensor() -> dict[str, Any]:
    """The README's room-presence example: Alex's template sensor, as documented."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    [block] = [
        block
        for block in re.findall(r"```yaml\n(.*?)```", readme, re.DOTALL)
        if "unique_id: alex_room" in block
    ]
    [sensor] = yaml.safe_load(block)["template"][0]["sensor"]
    return dict(sensor)


def room_sensor_config(name: str) -> dict[str, Any]:
    """A template sensor naming the area a person's BLE tag is in.

    Alex's is the README's example itself, so the documented one is what is tested.
    """
    if name == "Alex":
        return readme_room_sensor()
    raw = f"sensor.{name.lower()}_phone_area"
    return {
        "name": f"{name} room",
        "unique_id": f"{name.lower()}_room",
        "state": (
            f"{{% set rooms = {BLE_ROOMS!r} %}}"
            f"{{% set raw = states('{raw}') %}}"
            "{{ rooms.get(raw, raw) }}"
        ),
    }


def room_presence_config(
    *names: str, occupancy: dict[str, str] | None = None
) -> dict[str, Any]:
    """Template room sensors per person and occupancy binary sensors per area.

    `occupancy` maps an area id to the entity whose "on" says someone is there.
    """
    config: dict[str, Any] = {"sensor": [room_sensor_config(name) for name in names]}
    if occupancy:
        config["binary_sensor"] = [
            {
                "name": f"{area} occupied",
                "unique_id": f"{area}_occupied",
                "device_class": "occupancy",
                "state": f"{{{{ is_state('{source}', 'on') }}}}",
            }
            for area, source in occupancy.items()
        ]
    return config


def weather_config(
    *, temperature_unit: str = "°C", hourly: bool = True
) -> dict[str, Any]:
    """A template weather entity whose forecast comes from sensor.forecast_feed."""
    kind = "hourly" if hourly else "daily"
    return {
        "weather": [
            {
                "name": "Home",
                "unique_id": "home_weather",
                # Unavailable while the feed is: a weather service that is down.
                "availability": "{{ is_state('sensor.forecast_feed', 'ok') }}",
                "condition": "{{ 'cloudy' }}",
                "temperature": "{{ 5 }}",
                "humidity": "{{ 80 }}",
                "temperature_unit": temperature_unit,
                "wind_speed_unit": "km/h",
                f"forecast_{kind}": "{{ state_attr('sensor.forecast_feed', 'forecast') }}",
            }
        ]
    }


async def async_setup_templates(
    hass: HomeAssistant, *blocks: dict[str, Any], areas: dict[str, str] | None = None
) -> None:
    """Set up the template integration once with every block (it reads YAML once).

    `areas` places template entities, by unique id, in areas (the registry's way).
    """
    hass.states.async_set("sensor.forecast_feed", "ok", {"forecast": []})
    assert await async_setup_component(hass, "template", {"template": list(blocks)})
    await hass.async_block_till_done()
    registry = er.async_get(hass)
    for unique_id, area in (areas or {}).items():
        domain = "binary_sensor" if unique_id.endswith("_occupied") else "sensor"
        entity_id = registry.async_get_entity_id(domain, "template", unique_id)
        assert entity_id is not None
        registry.async_update_entity(entity_id, area_id=area)


async def async_set_tag_room(hass: HomeAssistant, name: str, room: str) -> None:
    """Report the room a person's BLE tag is seen in, as the tracker would."""
    hass.states.async_set(f"sensor.{name.lower()}_phone_area", room)
    await hass.async_block_till_done()


async def async_set_forecast(hass: HomeAssistant, *entries: dict[str, Any]) -> None:
    """Publish the forecast the weather entity gives."""
    hass.states.async_set("sensor.forecast_feed", "ok", {"forecast": list(entries)})
    await hass.async_block_till_done()
