"""The buttons of a profile: names, icons and what a press leaves behind."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion


@pytest.mark.freeze_time("2026-11-25T09:00:00+00:00")
@pytest.mark.parametrize("init_integration", [Platform.BUTTON], indirect=True)
async def test_entities(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """After a stretch is logged and a walk started: Finish walk is the one to press."""
    for button in ("log_stretch", "start_walk"):
        await hass.services.async_call(
            "button", "press", {"entity_id": f"button.alex_{button}"}, blocking=True
        )
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)
