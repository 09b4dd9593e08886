"""Repair flows: an unreadable walk log or journal, and reminder targets that are gone."""

from __future__ import annotations

from typing import Any

from homeassistant.components.repairs import (
    ConfirmRepairFlow,
    RepairsFlow,
    RepairsFlowResult,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import voluptuous as vol

from .const import (
    CONF_MEDIA_PLAYERS,
    CONF_MOBILE_APPS,
    CONF_NOTIFY_ENTITIES,
    CONF_PERSISTENT,
    CONF_TTS_ENTITY,
    DOMAIN,
)
from .flow_answers import stored_delivery, validate_delivery
from .flow_schemas import delivery_schema
from .model.markdown import escape_markdown
from .store import ProfileStore

_DELIVERY_KEYS = (
    CONF_MEDIA_PLAYERS,
    CONF_TTS_ENTITY,
    CONF_MOBILE_APPS,
    CONF_NOTIFY_ENTITIES,
    CONF_PERSISTENT,
)


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


class JournalDamagedFlow(RepairsFlow):
    """Say what was lost from a profile's journal; confirming closes the issue."""

    def __init__(self, entry_id: str) -> None:
        """Remember which profile the issue is about."""
        super().__init__()
        self._entry_id = entry_id

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Start with the form (the flow's start data is not an answer)."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Show the issue's details with the profile's name, read now."""
        if user_input is not None:
            return self.async_create_entry(data={})
        # The issue outlives restarts and goes into diagnostics downloads, so it names
        # no one; the name is only shown here, escaped (the form renders markdown).
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        issue = ir.async_get(self.hass).async_get_issue(DOMAIN, self.issue_id)
        details = (issue.translation_placeholders if issue else None) or {}
        return self.async_show_form(
            step_id="confirm",
            data_schema=vol.Schema({}),
            description_placeholders={
                "profile": escape_markdown(entry.title) if entry else self._entry_id,
                "count": details.get("count", "?"),
                "first": details.get("first", "?"),
                "last": details.get("last", "?"),
                "aside": details.get("aside", "?"),
            },
        )


class ChooseTargetsFlow(RepairsFlow):
    """Choose new reminder targets; the profile reloads with them."""

    def __init__(self, entry_id: str) -> None:
        """Remember which profile to repair."""
        super().__init__()
        self._entry_id = entry_id

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Start with the form (the flow's start data is not an answer)."""
        return await self.async_step_targets()

    async def async_step_targets(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Show the delivery form filled with the targets that still exist."""
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        if entry is None:
            return self.async_abort(reason="profile_removed")
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = validate_delivery(self.hass, user_input)
            if not errors:
                options = {
                    key: value
                    for key, value in entry.options.items()
                    if key not in _DELIVERY_KEYS
                }
                self.hass.config_entries.async_update_entry(
                    entry, options={**options, **stored_delivery(user_input)}
                )
                ir.async_delete_issue(self.hass, DOMAIN, self.issue_id)
                await self.hass.config_entries.async_reload(self._entry_id)
                return self.async_create_entry(data={})
        current = {
            CONF_MEDIA_PLAYERS: self._existing(
                entry.options.get(CONF_MEDIA_PLAYERS, [])
            ),
            CONF_NOTIFY_ENTITIES: self._existing(
                entry.options.get(CONF_NOTIFY_ENTITIES, [])
            ),
            CONF_MOBILE_APPS: [
                service
                for service in entry.options.get(CONF_MOBILE_APPS, [])
                if self.hass.services.has_service("notify", service)
            ],
            CONF_PERSISTENT: entry.options.get(CONF_PERSISTENT, True),
        }
        if (tts := entry.options.get(CONF_TTS_ENTITY)) and self.hass.states.get(tts):
            current[CONF_TTS_ENTITY] = tts
        issue = ir.async_get(self.hass).async_get_issue(DOMAIN, self.issue_id)
        return self.async_show_form(
            step_id="targets",
            # The engine is suggested, as an optional field is (clearing it removes it).
            data_schema=self.add_suggested_values_to_schema(
                delivery_schema(self.hass, current), current
            ),
            errors=errors,
            description_placeholders=issue.translation_placeholders if issue else None,
        )

    def _existing(self, entity_ids: list[str]) -> list[str]:
        return [
            entity_id for entity_id in entity_ids if self.hass.states.get(entity_id)
        ]


async def async_create_fix_flow(
    hass: HomeAssistant,
    issue_id: str,
    data: dict[str, str | int | float | None] | None,
) -> RepairsFlow:
    """Create the fix flow for one of backwalk's issues."""
    entry_id = str((data or {})["entry_id"])
    if issue_id.startswith("missing_target_"):
        return ChooseTargetsFlow(entry_id)
    if issue_id.startswith("journal_unreadable_"):
        # Nothing to undo: the form says what was lost and how to recover, and
        # confirming it closes the issue.
        return JournalDamagedFlow(entry_id)
    return StartFreshFlow(entry_id)
