"""What differs between the Home Assistant releases backwalk supports (hacs.json: 2026.6).

Each name comes from where the newest release keeps it, else from where the oldest did. Both
ways are tested: tests/test_compat.py forces the old way on the newest release, and
`make test-versions` runs the whole in-process suite on the oldest. Remove an entry when the
floor passes the release that brought it.
"""

from __future__ import annotations

import inspect

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.service import async_get_config_entry

from .const import DOMAIN
from .errors import refusal

try:  # 2026.10 and newer
    from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
except ImportError:  # 2026.6 to 2026.9: defined in the component itself
    from homeassistant.components.binary_sensor import BinarySensorDeviceClass  # type: ignore[attr-defined]

try:  # 2026.10 and newer
    from homeassistant.components.weather.const import SERVICE_GET_FORECASTS
except ImportError:  # 2026.6 to 2026.9: defined in the component itself
    from homeassistant.components.weather import SERVICE_GET_FORECASTS  # type: ignore[attr-defined]

__all__ = [
    "SERVICE_GET_FORECASTS",
    "BinarySensorDeviceClass",
    "async_get_profile_device",
    "async_get_service_entry",
    "device_config_entries",
]

# Newer releases' service helper finds the only entry when none is named; 2026.6's needs an
# id (its parameter is `str`, not `str | None`).
_HELPER_FINDS_THE_ONLY_ENTRY = "None" in str(
    inspect.signature(async_get_config_entry).parameters["entry_id"].annotation
)


@callback
def async_get_profile_device(
    hass: HomeAssistant, entry_id: str
) -> dr.DeviceEntry | None:
    """Return the profile's device: the one the config entry made, identified by its id."""
    registry = dr.async_get(hass)
    identifier = (DOMAIN, entry_id)
    if hasattr(registry, "async_get_device_by_identifier"):  # 2026.8 and newer
        return registry.async_get_device_by_identifier(identifier, entry_id)
    # 2026.6 and 2026.7 (deprecated from 2026.8: identifiers are unique per entry only).
    return registry.async_get_device(identifiers={identifier})


def device_config_entries(device: dr.DeviceEntry | dr.ChildDeviceEntry) -> list[str]:
    """List the config entries a device belongs to.

    2026.10 gives a device one entry (`config_entry_id`) and warns on every read of the
    older `config_entries`; releases before it have only that.
    """
    if (entry_id := getattr(device, "config_entry_id", None)) is not None:
        return [entry_id]
    return list(device.config_entries)


@callback
def async_get_service_entry(
    hass: HomeAssistant, domain: str, entry_id: str | None
) -> ConfigEntry:
    """Return the loaded config entry an action names, or the only one when none is named.

    Home Assistant's `async_get_config_entry` refuses an unknown, foreign or unloaded entry,
    translated; where it cannot find the only entry itself, that is done here first.
    """
    if entry_id is None and not _HELPER_FINDS_THE_ONLY_ENTRY:
        entries = hass.config_entries.async_entries(
            domain, include_ignore=False, include_disabled=False
        )
        if len(entries) != 1:
            raise refusal("profile_required")
        entry_id = entries[0].entry_id
    # 2026.6 types the id as `str`: an id is always given there (found above).
    return async_get_config_entry(hass, domain, entry_id)  # type: ignore[arg-type,unused-ignore]
