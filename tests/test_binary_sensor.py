"""The yes/no entities of a profile: names, device classes and states."""

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

from custom_components.backwalk.const import DOMAIN


@pytest.mark.freeze_time("2026-11-25T09:00:00+00:00")
@pytest.mark.parametrize("init_integration", [Platform.BINARY_SENSOR], indirect=True)
async def test_entities(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """A pain day with a walk logged: every binary sensor as a user sees it."""
    await hass.services.async_call(DOMAIN, "report_pain", {"level": 6}, blocking=True)
    await hass.services.async_call(DOMAIN, "log_walk", {"minutes": 10}, blocking=True)
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)
