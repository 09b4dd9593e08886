"""The options page for where the person is and what the weather does.

Speakers are not asked for again: each chosen speaker's area comes from the registry,
and the page shows them by area so a speaker in no area can be placed in one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from homeassistant.const import UnitOfTemperature
from homeassistant.core import HomeAssistant
from homeassistant.helpers import area_registry as ar, selector
import voluptuous as vol

from .compat import BinarySensorDeviceClass
from .const import (
    CONF_HEAT_THRESHOLD,
    CONF_OCCUPANCY_SENSORS,
    CONF_PRESENCE_ENTITY,
    CONF_WEATHER_ENTITY,
)
from .model.markdown import escape_markdown
from .walk_weather import HEAT_RANGE, heat_threshold
from .whereabouts import entity_area


def heat_range(hass: HomeAssistant) -> tuple[int, int]:
    """Return the heat threshold's range in the unit system's temperature unit."""
    return HEAT_RANGE.get(
        hass.config.units.temperature_unit, HEAT_RANGE[UnitOfTemperature.CELSIUS]
    )


def presence_weather_schema(hass: HomeAssistant, values: dict[str, Any]) -> vol.Schema:
    """Ask for a room-presence source, occupancy sensors, a weather entity, the heat."""
    unit = hass.config.units.temperature_unit
    low, high = heat_range(hass)
    return vol.Schema(
        {
            # Any entity: room-presence integrations report an area's name or id in
            # sensors, device trackers or selects alike.
            vol.Optional(CONF_PRESENCE_ENTITY): selector.EntitySelector(),
            vol.Optional(
                CONF_OCCUPANCY_SENSORS, default=values.get(CONF_OCCUPANCY_SENSORS, [])
            ): selector.EntitySelector(
                selector.EntitySelectorConfig(
                    domain="binary_sensor",
                    device_class=[
                        BinarySensorDeviceClass.OCCUPANCY,
                        BinarySensorDeviceClass.MOTION,
                        BinarySensorDeviceClass.PRESENCE,
                    ],
                    multiple=True,
                )
            ),
            vol.Optional(CONF_WEATHER_ENTITY): selector.EntitySelector(
                selector.EntitySelectorConfig(domain="weather")
            ),
            vol.Required(
                CONF_HEAT_THRESHOLD,
                # In today's unit, also when it was chosen in another one.
                default=round(heat_threshold(hass, values)),
            ): selector.NumberSelector(
                selector.NumberSelectorConfig(
                    min=low,
                    max=high,
                    step=1,
                    mode=selector.NumberSelectorMode.BOX,
                    unit_of_measurement=unit,
                )
            ),
        }
    )


def validate_presence_weather(
    hass: HomeAssistant, answer: dict[str, Any]
) -> dict[str, str]:
    """Each occupancy sensor needs an area, or it says nothing about a room."""
    if any(
        entity_area(hass, sensor) is None
        for sensor in answer.get(CONF_OCCUPANCY_SENSORS, [])
    ):
        return {CONF_OCCUPANCY_SENSORS: "occupancy_without_area"}
    low, high = heat_range(hass)
    if not low <= answer[CONF_HEAT_THRESHOLD] <= high:
        return {CONF_HEAT_THRESHOLD: "heat_threshold_out_of_range"}
    return {}


def speakers_by_area(hass: HomeAssistant, speakers: Iterable[str]) -> tuple[str, str]:
    """List the chosen speakers by area, and those in none, as the page shows them.

    Markdown: the names come from the user. "-" for an empty list.
    """
    grouped: dict[str, list[str]] = {}
    unplaced: list[str] = []
    for speaker in speakers:
        area_id = entity_area(hass, speaker)
        area = ar.async_get(hass).async_get_area(area_id) if area_id else None
        state = hass.states.get(speaker)
        name = escape_markdown(state.name if state is not None else speaker)
        if area is None:
            unplaced.append(name)
        else:
            grouped.setdefault(escape_markdown(area.name), []).append(name)
    placed = "; ".join(
        f"{area}: {', '.join(sorted(names))}" for area, names in sorted(grouped.items())
    )
    return placed or "-", ", ".join(sorted(unplaced)) or "-"
