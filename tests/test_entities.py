"""The yes/no sensors, buttons and the pain slider of a profile, as a user sees them.

Each platform is set up alone (the snapshot holds one platform's entities) after what
a person does that day; the sensors and the calendar have theirs in their own files.
"""

from __future__ import annotations

from typing import Any

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

# (domain, action, data) a person calls before the snapshot, by platform.
DAYS: dict[Platform, list[tuple[str, str, dict[str, Any]]]] = {
    # A pain day with a walk logged.
    Platform.BINARY_SENSOR: [
        (DOMAIN, "report_pain", {"level": 6}),
        (DOMAIN, "log_walk", {"minutes": 10}),
    ],
    # A stretch logged and a walk started: Finish walk is the one to press.
    Platform.BUTTON: [
        ("button", "press", {"entity_id": "button.alex_log_stretch"}),
        ("button", "press", {"entity_id": "button.alex_start_walk"}),
    ],
    # A report of 3 from the slider.
    Platform.NUMBER: [
        ("number", "set_value", {"entity_id": "number.alex_report_pain", "value": 3}),
    ],
}


@pytest.mark.freeze_time("2026-11-25T09:00:00+00:00")
@pytest.mark.parametrize(
    ("init_integration", "day"),
    list(DAYS.items()),
    ids=[platform.value for platform in DAYS],
    indirect=["init_integration"],
)
async def test_entities(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    day: list[tuple[str, str, dict[str, Any]]],
) -> None:
    """Names, classes, icons and states of one platform's entities."""
    for domain, action, data in day:
        await hass.services.async_call(domain, action, data, blocking=True)
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)
