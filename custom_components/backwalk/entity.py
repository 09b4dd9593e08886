"""Base entity: one device per profile, state read from its coordinator."""

from __future__ import annotations

from typing import Any

from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN
from .coordinator import BackwalkCoordinator, ProfileState
from .runtime import ProfileRuntime


def weekly_goal_attributes(state: ProfileState) -> dict[str, Any]:
    """Say what the week needs and has (G10: walks and their minutes)."""
    snapshot = state.snapshot
    return {
        "walks_needed": snapshot.weekly_walks_needed,
        "walks_done": snapshot.walks_this_week,
        "minutes_needed": snapshot.weekly_goal_minutes,
        "minutes_done": round(snapshot.minutes_this_week, 1),
        "weekly_goal_minutes": snapshot.weekly_goal_minutes,
        "walks_per_week": state.settings.walks_per_week,
    }


class BackwalkEntity(CoordinatorEntity[BackwalkCoordinator]):
    """An entity of one profile's device."""

    _attr_has_entity_name = True

    def __init__(self, runtime: ProfileRuntime, description: EntityDescription) -> None:
        """Attach the entity to its profile."""
        super().__init__(runtime.coordinator)
        self.runtime = runtime
        self.entity_description = description
        self._attr_unique_id = f"{runtime.entry.entry_id}_{description.key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, runtime.entry.entry_id)}
        )
