"""What differs between the Home Assistant releases backwalk supports (hacs.json: 2026.6).

Each name comes from where the newest release keeps it, else from where the oldest did. Both
ways are tested: tests/test_compat.py forces the old way on the newest release, and
`make test-versions` runs the whole in-process suite on the oldest. Remove an entry when the
floor passes the release that brought it.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from .const import DOMAIN

try:  # 2026.10 and newer
    from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
except ImportError:  # 2026.6 to 2026.9: defined in the component itself
    from homeassistant.components.binary_sensor import BinarySensorDeviceClass  # type: ignore[attr-defined]

__all__ = ["BinarySensorDeviceClass", "async_get_profile_device"]


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
