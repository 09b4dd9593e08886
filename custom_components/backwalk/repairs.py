"""Repair flows: recover from a walk log that could not be read."""

from __future__ import annotations

from homeassistant.components.repairs import (
    ConfirmRepairFlow,
    RepairsFlow,
    RepairsFlowResult,
)
from homeassistant.core import HomeAssistant

from .store import ProfileStore


class StartFreshFlow(ConfirmRepairFlow):
    """Confirm, then begin an empty log; the unreadable file stays where it was kept."""

    def __init__(self, entry_id: str) -> None:
        """Remember which profile to repair."""
        super().__init__()
        self._entry_id = entry_id

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Start the new log and load the profile again."""
        # A profile deleted while the form was open needs no new log (it would be orphaned).
        if (
            user_input is not None
            and self.hass.config_entries.async_get_entry(self._entry_id) is not None
        ):
            await ProfileStore(self.hass, self._entry_id).async_start_fresh()
            await self.hass.config_entries.async_reload(self._entry_id)
        return await super().async_step_confirm(user_input)


async def async_create_fix_flow(
    hass: HomeAssistant,
    issue_id: str,
    data: dict[str, str | int | float | None] | None,
) -> RepairsFlow:
    """Create the fix flow for one of backwalk's issues."""
    entry_id = str((data or {})["entry_id"])
    return StartFreshFlow(entry_id)
