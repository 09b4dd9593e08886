"""Buttons: log a stretch, start a walk, finish a walk.

Start walk and Finish walk are never both available: only the one that can be pressed is
(Finish walk while a walk runs, Start walk otherwise), so the device page and a tile say
what can be done instead of answering an error.
"""

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
class BackwalkButtonEntityDescription(ButtonEntityDescription):
    """What pressing one button does."""

    press_fn: Callable[[ProfileRuntime], Awaitable[Any]]
    # None: always available; True/False: only while a walk runs / does not run.
    while_walking: bool | None = None


BUTTONS: tuple[BackwalkButtonEntityDescription, ...] = (
    BackwalkButtonEntityDescription(
        key="log_stretch",
        translation_key="log_stretch",
        press_fn=lambda runtime: runtime.async_log_stretch(),
    ),
    BackwalkButtonEntityDescription(
        key="start_walk",
        translation_key="start_walk",
        press_fn=lambda runtime: runtime.async_start_walk(),
        while_walking=False,
    ),
    BackwalkButtonEntityDescription(
        key="finish_walk",
        translation_key="finish_walk",
        press_fn=lambda runtime: runtime.async_finish_walk(),
        while_walking=True,
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

    entity_description: BackwalkButtonEntityDescription

    @property
    def available(self) -> bool:
        """Whether the button can do anything now (Home Assistant skips it otherwise)."""
        wanted = self.entity_description.while_walking
        walking = self.coordinator.data.live_walk_started is not None
        return super().available and (wanted is None or wanted == walking)

    async def async_press(self) -> None:
        """Do the button's action."""
        await self.entity_description.press_fn(self.runtime)
