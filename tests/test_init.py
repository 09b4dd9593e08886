"""Setting up, unloading and removing a profile."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.backwalk.compat import async_get_profile_device
from custom_components.backwalk.const import CONF_NAME, CONF_WEBHOOK_ID, DOMAIN
from tests.conftest import PROFILE_OPTIONS
from tests.flows import give_name


async def test_setup_creates_device_and_entities(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """One device per profile, its sensors attached and showing a fresh log."""
    assert loaded_entry.state is ConfigEntryState.LOADED
    device = async_get_profile_device(hass, loaded_entry.entry_id)
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


@pytest.mark.parametrize("minor_version", [1, 2])
async def test_migration_clears_the_name_unique_id(
    hass: HomeAssistant, minor_version: int
) -> None:
    """Entries from 1.1 and 1.2 lose the slug of the name as their unique id (1.3)."""
    old_data: dict[str, Any] = {CONF_NAME: "Demo"}
    if minor_version == 2:
        old_data[CONF_WEBHOOK_ID] = "demo-webhook-id"
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Demo",
        unique_id="demo",
        data=old_data,
        options=dict(PROFILE_OPTIONS),
        version=1,
        minor_version=minor_version,
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.LOADED
    assert (entry.version, entry.minor_version) == (1, 3)
    assert entry.unique_id is None
    assert entry.title == "Demo"
    assert entry.data[CONF_NAME] == "Demo"
    if minor_version == 2:
        # The webhook apps post to stays.
        assert entry.data[CONF_WEBHOOK_ID] == "demo-webhook-id"
    else:
        assert len(entry.data[CONF_WEBHOOK_ID]) > 20
    assert hass.states.get("sensor.demo_target_minutes_today") is not None

    # The old unique id no longer stands for the profile: a different person whose
    # name has the same slug can be added, the same name still cannot.
    refused = await give_name(hass, " demo ")
    assert refused["errors"] == {CONF_NAME: "name_taken"}
    accepted = await hass.config_entries.flow.async_configure(
        refused["flow_id"], {CONF_NAME: "Dëmo"}
    )
    assert accepted["type"] is FlowResultType.FORM
    assert accepted["step_id"] == "profile"


async def test_migration_refuses_a_newer_version(hass: HomeAssistant) -> None:
    """An entry made by a newer backwalk is left alone, not guessed at."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Demo",
        unique_id="demo",
        data={CONF_NAME: "Demo", CONF_WEBHOOK_ID: "demo-webhook-id"},
        options=dict(PROFILE_OPTIONS),
        version=2,
        minor_version=1,
    )
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.MIGRATION_ERROR
    assert entry.unique_id == "demo"
