"""Shared fixtures: a real Home Assistant with backwalk loadable from the working tree."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator
from contextlib import nullcontext
import json
from operator import attrgetter
import os
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock, patch

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import STORAGE_DIR, Store
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion
from syrupy.location import PyTestLocation

from custom_components.backwalk.codec import (
    ProfileData,
    decode,
    decode_journal_from,
    encode,
)
from custom_components.backwalk.const import CONF_NAME, DOMAIN
from custom_components.backwalk.journal import (
    fold_archive,
    replay,
    segment_numbers,
    segment_path,
)
from tests.translation_check import TranslationCheck, watch_translations

type Persisted = Callable[[MockConfigEntry], dict[str, Any]]

pytest_plugins = ["pytest_homeassistant_custom_component"]

# Store's real file methods, taken at import: the test plugin patches them per test so that
# storage stays in memory (hass_storage); `real_storage` puts them back where files matter.
_REAL_STORE_METHODS = {
    name: getattr(Store, name)
    for name in ("_async_load", "_async_write_data", "async_remove")
}

PROFILE_OPTIONS: dict[str, Any] = {
    "pain_duration": "under_6_weeks",
    "usual_pain": 3,
    "walks_per_week": 3,
    "target_minutes": 30,
    "starting_minutes": 5,
    "daily_minimum_minutes": 5,
    "first_weekday": 0,
    "pain_day_threshold": 5,
    "red_flag_level": 8,
}

# A profile that also counts steps, from a phone's step sensor: it has every entity.
STEP_COUNTER_OPTIONS: dict[str, Any] = {
    **PROFILE_OPTIONS,
    "steps_entity": "sensor.pixel_steps",
    "steps_mode": "daily_reset",
}


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    enable_custom_integrations: None,
) -> Generator[None]:
    """Let Home Assistant load custom_components/backwalk in every test."""
    return


class _SnapshotExtension(HomeAssistantSnapshotExtension):
    """Home Assistant's serializer, with the files where this repository keeps them."""

    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        return str(Path(test_location.filepath).parent / "__snapshots__")


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshots in Home Assistant's form: states and registry entries without random ids.

    The test plugin defines the same fixture, but syrupy's own plugin shadows it here.
    """
    return snapshot.use_extension(_SnapshotExtension)


@pytest.fixture
def ignore_missing_translations() -> list[str]:
    """Texts (en.json paths) a test shows untranslated on purpose: override to list them."""
    return []


@pytest.fixture(autouse=True)
def check_translations(
    request: pytest.FixtureRequest, ignore_missing_translations: list[str]
) -> Generator[None]:
    """Fail a test that shows a text of backwalk's that en.json does not have.

    Only for tests that run Home Assistant: the model's tests show nothing.
    """
    if "hass" not in request.fixturenames:
        yield
        return
    check = TranslationCheck(set(ignore_missing_translations))
    with watch_translations(check):
        yield
    if failures := check.failures():
        pytest.fail("\n".join(failures))


@pytest.fixture
def hass_config_dir(hass_tmp_config_dir: str) -> str:
    """Give each test its own configuration directory: profiles write journal files."""
    return hass_tmp_config_dir


@pytest.fixture
def persisted(hass: HomeAssistant, hass_storage: dict[str, Any]) -> Persisted:
    """What a restart would load for a profile: its Store file and journal, replayed.

    Returned in the stored form (records by kind, each kind in time order); a profile
    with nothing on disk gives an empty log.
    """

    def read(entry: MockConfigEntry) -> dict[str, Any]:
        key = f"{DOMAIN}.{entry.entry_id}"
        path = hass.config.path(STORAGE_DIR, key)
        stored: Any = None
        if key in hass_storage:
            stored = hass_storage[key]["data"]
        elif os.path.exists(path):
            stored = json.loads(Path(path).read_text(encoding="utf-8"))["data"]
        data = ProfileData() if stored is None else decode(stored)
        first = 0 if stored is None else decode_journal_from(stored)
        segments = [
            (number, Path(segment_path(path, number)).read_bytes())
            for number in segment_numbers(path)
            if number >= first
        ]
        replayed = replay(data, segments)
        assert not replayed.unreadable, replayed.unreadable
        fold_archive(replayed)  # archived records too
        replayed.data.records.sort(key=attrgetter("time", "id"))
        result: dict[str, Any] = dict(encode(replayed.data))
        del result["journal_from"]
        return result

    return read


@pytest.fixture
def profile_options() -> dict[str, Any]:
    """Options of a default profile (change in a test before setup)."""
    return dict(PROFILE_OPTIONS)


@pytest.fixture
def mock_setup_entry() -> Generator[AsyncMock]:
    """Set up no profile: a flow test checks the flow, not the whole integration."""
    with patch(
        "custom_components.backwalk.async_setup_entry", return_value=True
    ) as mock_setup:
        yield mock_setup


@pytest.fixture
def config_entry(profile_options: dict[str, Any]) -> MockConfigEntry:
    """A profile named Alex, not yet added.

    Its id is fixed because entities' unique ids hold it and snapshots show those.
    """
    return MockConfigEntry(
        domain=DOMAIN,
        entry_id="01KAZ8Q6DXA1EX000000000001",
        title="Alex",
        unique_id="alex",
        data={CONF_NAME: "Alex"},
        options=profile_options,
        version=1,
        minor_version=1,
    )


@pytest.fixture
async def init_integration(
    hass: HomeAssistant, config_entry: MockConfigEntry, request: pytest.FixtureRequest
) -> MockConfigEntry:
    """The profile, set up in Home Assistant (Berlin time).

    Parametrize it indirectly with a platform to set up only that platform, so that a
    snapshot of the profile's entities holds one platform's.
    """
    await hass.config.async_set_time_zone("Europe/Berlin")
    config_entry.add_to_hass(hass)
    platform: Platform | None = getattr(request, "param", None)
    only = (
        patch("custom_components.backwalk.PLATFORMS", [platform])
        if platform
        else nullcontext()
    )
    with only:
        assert await hass.config_entries.async_setup(config_entry.entry_id)
        await hass.async_block_till_done()
    return config_entry


@pytest.fixture
def loaded_entry(init_integration: MockConfigEntry) -> MockConfigEntry:
    """The profile, set up in Home Assistant with every platform."""
    return init_integration


@pytest.fixture
def add_profile(hass: HomeAssistant) -> Callable[[str], Awaitable[MockConfigEntry]]:
    """Add and set up another profile by name."""

    async def add(name: str) -> MockConfigEntry:
        entry = MockConfigEntry(
            domain=DOMAIN,
            title=name,
            unique_id=name.lower(),
            data={CONF_NAME: name},
            options=dict(PROFILE_OPTIONS),
        )
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        return entry

    return add


@pytest.fixture
def real_storage(hass: HomeAssistant) -> Generator[None]:
    """Read and write real files under hass.config.path('.storage')."""
    with (
        patch.object(Store, "_async_load", _REAL_STORE_METHODS["_async_load"]),
        patch.object(
            Store, "_async_write_data", _REAL_STORE_METHODS["_async_write_data"]
        ),
        patch.object(Store, "async_remove", _REAL_STORE_METHODS["async_remove"]),
    ):
        yield
