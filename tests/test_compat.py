"""Each compatibility shim works both ways on whichever Home Assistant runs the tests.

The newest way is what the main suite exercises; here the old way is forced (the newer module
or method made missing), so both are covered on the newest release, and `make test-versions`
runs the whole in-process suite on the oldest supported one (hacs.json).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from http import HTTPStatus
import importlib.util
import sys
from types import ModuleType, SimpleNamespace
from unittest.mock import patch

from homeassistant.components import binary_sensor, weather
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.service import async_get_config_entry
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.backwalk import compat
from custom_components.backwalk.card import CARD_URL
from custom_components.backwalk.const import DOMAIN


def fresh_compat() -> ModuleType:
    """Run compat.py again as a new module (the imported one is left alone)."""
    assert compat.__spec__ is not None
    assert compat.__spec__.origin is not None
    spec = importlib.util.spec_from_file_location(
        "custom_components.backwalk._compat_again", compat.__spec__.origin
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("const_module", [True, False])
def test_binary_sensor_device_class_either_way(const_module: bool) -> None:
    """From binary_sensor.const where it exists (2026.10+), else from binary_sensor."""
    blocked = (
        {} if const_module else {"homeassistant.components.binary_sensor.const": None}
    )
    with patch.dict(sys.modules, blocked):
        module = fresh_compat()
    # binary_sensor re-exports it on every supported release.
    assert module.BinarySensorDeviceClass is binary_sensor.BinarySensorDeviceClass
    assert module.BinarySensorDeviceClass.RUNNING == "running"


@pytest.mark.parametrize("const_module", [True, False])
def test_get_forecasts_service_either_way(const_module: bool) -> None:
    """From weather.const where it exists (2026.10+), else from weather."""
    blocked = {} if const_module else {"homeassistant.components.weather.const": None}
    with patch.dict(sys.modules, blocked):
        module = fresh_compat()
    # weather re-exports it on every supported release.
    assert (
        module.SERVICE_GET_FORECASTS == weather.SERVICE_GET_FORECASTS == "get_forecasts"
    )


@pytest.mark.parametrize("new_method", [True, False])
async def test_profile_device_either_way(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
    new_method: bool,
) -> None:
    """By identifier and entry where the registry can (2026.8+), else by identifier."""
    registry = dr.async_get(hass)
    (expected,) = dr.async_entries_for_config_entry(registry, loaded_entry.entry_id)
    assert (DOMAIN, loaded_entry.entry_id) in expected.identifiers
    if not new_method:
        if hasattr(dr.DeviceRegistry, "async_get_device_by_identifier"):
            monkeypatch.delattr(dr.DeviceRegistry, "async_get_device_by_identifier")
        assert not hasattr(registry, "async_get_device_by_identifier")
    elif not hasattr(registry, "async_get_device_by_identifier"):
        pytest.skip("this Home Assistant has only the old way")
    device = compat.async_get_profile_device(hass, loaded_entry.entry_id)
    assert device is not None
    assert device.id == expected.id
    assert compat.async_get_profile_device(hass, "no-such-entry") is None


async def test_device_config_entries_either_way(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """By config_entry_id where the device has it (2026.10+), else by config_entries."""
    device = compat.async_get_profile_device(hass, loaded_entry.entry_id)
    assert device is not None
    assert compat.device_config_entries(device) == [loaded_entry.entry_id]
    older = SimpleNamespace(config_entries={loaded_entry.entry_id})
    assert compat.device_config_entries(older) == [loaded_entry.entry_id]  # type: ignore[arg-type]


@pytest.mark.parametrize("server_module", [True, False])
async def test_card_static_path_either_way(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, server_module: bool
) -> None:
    """StaticPathConfig from http.server where it exists (2026.8+), else from http."""
    assert await async_setup_component(hass, "http", {})
    blocked = {} if server_module else {"homeassistant.components.http.server": None}
    with patch.dict(sys.modules, blocked):
        assert await async_setup_component(hass, DOMAIN, {})
        await hass.async_block_till_done()
    client = await hass_client()
    response = await client.get(CARD_URL)
    assert response.status == HTTPStatus.OK


@pytest.mark.parametrize("helper_finds_it", [True, False])
async def test_service_entry_either_way(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    add_profile: Callable[[str], Awaitable[MockConfigEntry]],
    monkeypatch: pytest.MonkeyPatch,
    helper_finds_it: bool,
) -> None:
    """The only profile when none is named: by HA's helper (newer), else found here."""
    if not helper_finds_it:
        monkeypatch.setattr(compat, "_HELPER_FINDS_THE_ONLY_ENTRY", False)
    elif not compat._HELPER_FINDS_THE_ONLY_ENTRY:
        pytest.skip("this Home Assistant's helper needs an entry id")
    assert compat.async_get_service_entry(hass, DOMAIN, None) is loaded_entry
    # A named entry is HA's helper's on every release.
    assert compat.async_get_service_entry(hass, DOMAIN, loaded_entry.entry_id) is (
        async_get_config_entry(hass, DOMAIN, loaded_entry.entry_id)
    )
    await add_profile("Sam")
    with pytest.raises(ServiceValidationError) as error:
        compat.async_get_service_entry(hass, DOMAIN, None)
    assert error.value.translation_key == (
        "service_found_multiple_config_entry_for_domain"
        if helper_finds_it
        else "profile_required"
    )
