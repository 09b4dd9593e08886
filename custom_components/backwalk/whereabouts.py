"""Where the person is, from Home Assistant: the person, room presence, the registries.

The choice of speakers is model.presence's; this module only reads the states and
each entity's area (its own, else its device's), so speakers need no second list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
)

from .const import CONF_OCCUPANCY_SENSORS, CONF_PERSON, CONF_PRESENCE_ENTITY
from .model.presence import (
    SpeakerChoice,
    area_from_state,
    choose_speakers,
    is_home,
    occupied_areas,
)


def entity_area(hass: HomeAssistant, entity_id: str) -> str | None:
    """Return the area an entity is in: its own, else its device's, else None."""
    entry = er.async_get(hass).async_get(entity_id)
    if entry is None:
        return None
    if entry.area_id:
        return entry.area_id
    if entry.device_id and (device := dr.async_get(hass).async_get(entry.device_id)):
        return device.area_id
    return None


def speaker_areas(
    hass: HomeAssistant, speakers: Iterable[str]
) -> dict[str, str | None]:
    """Map each speaker to its area, as the registries have it."""
    return {speaker: entity_area(hass, speaker) for speaker in speakers}


def _state(hass: HomeAssistant, entity_id: Any) -> str | None:
    if not isinstance(entity_id, str) or not entity_id:
        return None
    state = hass.states.get(entity_id)
    return state.state if state is not None else None


def person_areas(hass: HomeAssistant, options: Mapping[str, Any]) -> frozenset[str]:
    """Return the areas the person is in, as far as room presence says.

    A presence entity follows this one person, so its room wins; occupancy sensors
    see anyone, so they count only when it says nothing.
    """
    names = {area.id: area.name for area in ar.async_get(hass).async_list_areas()}
    if (
        area := area_from_state(_state(hass, options.get(CONF_PRESENCE_ENTITY)), names)
    ) is not None:
        return frozenset({area})
    return occupied_areas(
        (entity_area(hass, sensor), _state(hass, sensor))
        for sensor in options.get(CONF_OCCUPANCY_SENSORS, [])
    )


def speaker_choice(
    hass: HomeAssistant, options: Mapping[str, Any], speakers: Iterable[str]
) -> SpeakerChoice:
    """Choose the speakers a reminder is spoken on now, and say why."""
    return choose_speakers(
        speaker_areas(hass, speakers),
        is_home(_state(hass, options.get(CONF_PERSON))),
        person_areas(hass, options),
    )
