"""Setting up, unloading and removing a profile."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.backwalk.const import DOMAIN


async def test_setup_creates_device_and_entities(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """One device per profile, its sensors attached and showing a fresh log."""
    assert loaded_entry.state is ConfigEntryState.LOADED
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, loaded_entry.entry_id), loaded_entry.entry_id
    )
    assert device is not None
    assert device.name == "Alex"
    entities = er.async_entries_for_config_entry(
        er.async_get(hass), loaded_entry.entry_id
    )
    assert {entity.device_id for entity in entities} == {device.id}
    assert hass.states.get("sensor.alex_walking_minutes_this_week").state == "0.0"
    assert hass.states.get("sensor.alex_current_streak").state == "0"
    assert hass.states.get("sensor.alex_target_minutes_today").state == "5"


async def test_unload(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    """Unloading stops the entities."""
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    assert loaded_entry.state is ConfigEntryState.NOT_LOADED
    assert (
        hass.states.get("sensor.alex_walking_minutes_this_week").state == "unavailable"
    )
