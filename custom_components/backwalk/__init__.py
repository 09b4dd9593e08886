"""backwalk: helps people with lower back pain walk regularly."""

from __future__ import annotations

import logging

from homeassistant.components import webhook
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.typing import ConfigType

from .card import async_register_card
from .const import CONF_WEBHOOK_ID, DOMAIN
from .intents import async_setup_intents
from .language import async_load_catalog, default_language, messages_for
from .reminders import ReminderEngine
from .report import async_register_report_view
from .runtime import BackwalkConfigEntry, ProfileRuntime
from .services import async_setup_services
from .sources import SourceTracking
from .statistics import LongTermStatistics, async_clear as async_clear_statistics
from .store import ProfileStore, StorageUnreadableError
from .webhook_handler import async_register_webhook

_LOGGER = logging.getLogger(__name__)

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.CALENDAR,
    Platform.NUMBER,
    Platform.SENSOR,
]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Read the language files and register the actions once, whatever profiles exist."""
    await async_load_catalog(hass)
    async_setup_services(hass)
    async_setup_intents(hass)
    await async_register_card(hass)
    async_register_report_view(hass)
    return True


async def async_migrate_entry(hass: HomeAssistant, entry: BackwalkConfigEntry) -> bool:
    """Bring entries made by older versions up to date."""
    if entry.version > 1:  # pragma: no cover - 2026.10 refuses these before calling
        # Made by a newer backwalk: never guess. Home Assistant 2026.6 (hacs.json's
        # floor) still calls this for a newer major version; the test runs there.
        return False
    if entry.minor_version < 2:
        # 1.2: every profile has a webhook.
        hass.config_entries.async_update_entry(
            entry,
            data={**entry.data, CONF_WEBHOOK_ID: webhook.async_generate_id()},
            minor_version=2,
        )
    if entry.minor_version < 3:
        # 1.3: the unique id was the name's slug; a name can change and different
        # names share a slug, so profiles have none (the flow compares names).
        hass.config_entries.async_update_entry(entry, unique_id=None, minor_version=3)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: BackwalkConfigEntry) -> bool:
    """Load one profile's log and start its entities."""
    store = ProfileStore(hass, entry.entry_id)
    try:
        data = await store.async_load()
    except StorageUnreadableError as err:
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="storage_unreadable",
            translation_placeholders={"aside": err.aside_path, "reason": err.reason},
        ) from err
    _LOGGER.debug("Loaded %s records for %s", len(data.records), entry.title)
    runtime = ProfileRuntime(hass, entry, store, data)
    entry.runtime_data = runtime
    dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, entry.entry_id)},
        name=entry.title,
        manufacturer="backwalk",
        # Home Assistant translates no device model: shown in its own language.
        model=messages_for(hass, default_language(hass))("device.model"),
        entry_type=dr.DeviceEntryType.SERVICE,
    )
    entry.async_on_unload(runtime.async_start())
    tracking = SourceTracking(hass, runtime)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    entry.async_on_unload(tracking.async_start())
    entry.async_on_unload(ReminderEngine(hass, runtime).async_start())
    if "recorder" in hass.config.components:
        # Optional: without the recorder there is nowhere to keep statistics.
        runtime.statistics = LongTermStatistics(hass, runtime)
        entry.async_on_unload(runtime.statistics.async_start())
    async_register_webhook(hass, runtime)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: BackwalkConfigEntry) -> bool:
    """Stop the profile's entities and timers."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: BackwalkConfigEntry) -> None:
    """Delete the log of a deleted profile."""
    await ProfileStore(hass, entry.entry_id).async_remove()
    async_clear_statistics(hass, entry.entry_id)
