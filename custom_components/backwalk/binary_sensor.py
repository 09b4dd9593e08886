"""Binary sensors: pain day today, weekly goal met."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .compat import BinarySensorDeviceClass
from .coordinator import ProfileState
from .entity import BackwalkEntity, weekly_goal_attributes
from .runtime import BackwalkConfigEntry

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class BackwalkBinarySensorEntityDescription(BinarySensorEntityDescription):
    """How one binary sensor reads the profile's state."""

    is_on_fn: Callable[[ProfileState], bool]
    attributes_fn: Callable[[ProfileState], dict[str, Any]] | None = None


BINARY_SENSORS: tuple[BackwalkBinarySensorEntityDescription, ...] = (
    BackwalkBinarySensorEntityDescription(
        key="pain_day",
        translation_key="pain_day",
        is_on_fn=lambda state: state.snapshot.pain_day,
    ),
    BackwalkBinarySensorEntityDescription(
        key="walk_in_progress",
        translation_key="walk_in_progress",
        device_class=BinarySensorDeviceClass.RUNNING,
        is_on_fn=lambda state: state.live_walk_started is not None,
        attributes_fn=lambda state: {
            "started": started.isoformat()
            if (started := state.live_walk_started)
            else None
        },
    ),
    BackwalkBinarySensorEntityDescription(
        key="weekly_goal_met",
        translation_key="weekly_goal_met",
        is_on_fn=lambda state: state.snapshot.weekly_goal_met,
        attributes_fn=weekly_goal_attributes,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BackwalkConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the profile's binary sensors."""
    async_add_entities(
        BackwalkBinarySensor(entry.runtime_data, description)
        for description in BINARY_SENSORS
    )


class BackwalkBinarySensor(BackwalkEntity, BinarySensorEntity):
    """A yes/no read from the profile's snapshot."""

    entity_description: BackwalkBinarySensorEntityDescription

    @property
    def is_on(self) -> bool:
        """Whether the condition holds today."""
        return self.entity_description.is_on_fn(self.coordinator.data)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Details that do not fit the state."""
        if self.entity_description.attributes_fn is None:
            return None
        return self.entity_description.attributes_fn(self.coordinator.data)
