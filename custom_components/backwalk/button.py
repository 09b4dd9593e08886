"""Buttons: log a stretch, start a walk, finish a walk."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import BackwalkEntity
from .runtime import BackwalkConfigEntry, ProfileRuntime

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class BackwalkButtonDescription(ButtonEntityDescription):
    """What pressing one button does."""

    press_fn: Callable[[ProfileRuntime], Awaitable[Any]]


BUTTONS: tuple[BackwalkButtonDescription, ...] = (
    BackwalkButtonDescription(
        key="log_stretch",
        translation_key="log_stretch",
        press_fn=lambda runtime: runtime.async_log_stretch(),
    ),
    BackwalkButtonDescription(
        key="start_walk",
        translation_key="start_walk",
        press_fn=lambda runtime: runtime.async_start_walk(),
    ),
    BackwalkButtonDescription(
        key="finish_walk",
        translation_key="finish_walk",
        press_fn=lambda runtime: runtime.async_finish_walk(),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BackwalkConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the profile's buttons."""
    async_add_entities(
        BackwalkButton(entry.runtime_data, description) for description in BUTTONS
    )


class BackwalkButton(BackwalkEntity, ButtonEntity):
    """A one-press action on the profile."""

    entity_description: BackwalkButtonDescription

    async def async_press(self) -> None:
        """Do the button's action."""
        await self.entity_description.press_fn(self.runtime)
