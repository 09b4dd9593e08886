"""The pain slider of a profile: its range, name and the value reported today."""

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
@pytest.mark.parametrize("init_integration", [Platform.NUMBER], indirect=True)
async def test_entities(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """The slider after a report of 3 from it."""
    await hass.services.async_call(
        "number",
        "set_value",
        {"entity_id": "number.alex_report_pain", "value": 3},
        blocking=True,
    )
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)
