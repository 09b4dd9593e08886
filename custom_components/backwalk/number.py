"""The "pain today" slider: moving it reports pain."""

from __future__ import annotations

from homeassistant.components.number import (
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import BackwalkEntity
from .model import MAX_PAIN_LEVEL
from .runtime import BackwalkConfigEntry

PARALLEL_UPDATES = 0

PAIN_TODAY = NumberEntityDescription(
    key="pain_today_input",
    translation_key="pain_today_input",
    native_min_value=0,
    native_max_value=MAX_PAIN_LEVEL,
    native_step=1,
    mode=NumberMode.SLIDER,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BackwalkConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the pain slider."""
    async_add_entities([PainTodayNumber(entry.runtime_data, PAIN_TODAY)])


class PainTodayNumber(BackwalkEntity, NumberEntity):
    """Shows today's pain; setting it is a pain report."""

    @property
    def native_value(self) -> float | None:
        """Today's latest reported pain, if any."""
        return self.coordinator.data.snapshot.pain_today

    async def async_set_native_value(self, value: float) -> None:
        """Report pain at the chosen level (7.9 is refused, as everywhere, not rounded)."""
        await self.runtime.async_report_pain(value)
