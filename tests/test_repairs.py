"""The repair for an unreadable walk log: start a new log, keep the old file.

The tests use real files (see tests/test_store.py for why): the `real_storage` fixture
puts back Store's real load, write and remove methods that pytest-homeassistant-
custom-component's `hass_storage` replaces with an in-memory dict, and `hass_config_dir`
makes each test's .storage a fresh temporary directory.
"""

from __future__ import annotations

import glob
from http import HTTPStatus
import json
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.backwalk.const import DOMAIN
from tests.flows import confirm_fix_flow, start_fix_flow
from tests.storage import (
    document,
    exists,
    log_data,
    read_file,
    store_path,
    walk,
    write_file,
)

pytestmark = pytest.mark.usefixtures("real_storage")

MINUTES_THIS_WEEK = "sensor.alex_walking_minutes_this_week"
BAD_LOG = document(log_data(walk(9999)))


@pytest.fixture(autouse=True)
async def frozen_time(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """A Wednesday noon, so a logged walk counts for this week."""
    await hass.config.async_set_time_zone("Europe/Berlin")
    freezer.move_to("2026-11-25 12:00:00+00:00")


def asides(path: str) -> list[str]:
    """Files kept aside next to the log, ours and Home Assistant's."""
    return sorted(
        glob.glob(glob.escape(path) + ".invalid.*")
        + glob.glob(glob.escape(path) + ".corrupt.*")
    )


def issue_id(entry: MockConfigEntry) -> str:
    """Backwalk's repair issue id for a profile."""
    return f"storage_unreadable_{entry.entry_id}"


def has_issue(hass: HomeAssistant, entry: MockConfigEntry) -> bool:
    """Whether the profile's storage issue is open."""
    return ir.async_get(hass).async_get_issue(DOMAIN, issue_id(entry)) is not None


async def broken_profile(
    hass: HomeAssistant, entry: MockConfigEntry, content: str = BAD_LOG
) -> str:
    """Set up a profile whose log cannot be read; return the kept file's path."""
    assert await async_setup_component(hass, "repairs", {})
    write_file(store_path(hass, entry), content)
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert has_issue(hass, entry)
    kept = asides(store_path(hass, entry))
    assert len(kept) == 1
    return kept[0]


async def test_fix_flow_over_http(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    config_entry: MockConfigEntry,
) -> None:
    """The frontend's repair API: confirm, then the profile runs with an empty log."""
    kept = await broken_profile(hass, config_entry)
    client = await hass_client()

    response = await client.post(
        "/api/repairs/issues/fix",
        json={"handler": DOMAIN, "issue_id": issue_id(config_entry)},
    )
    assert response.status == HTTPStatus.OK
    result: dict[str, Any] = await response.json()
    assert result["type"] == "form"
    assert result["step_id"] == "confirm"
    assert result["data_schema"] == []
    placeholders = result["description_placeholders"]
    assert placeholders["aside"] == kept
    assert placeholders["path"] == store_path(hass, config_entry)
    assert "invalid content" in placeholders["reason"]
    # Showing the form changes nothing.
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    assert not exists(store_path(hass, config_entry))

    response = await client.post(
        f"/api/repairs/issues/fix/{result['flow_id']}", json={}
    )
    assert response.status == HTTPStatus.OK
    result = await response.json()
    assert result["type"] == "create_entry"
    await hass.async_block_till_done()

    assert config_entry.state is ConfigEntryState.LOADED
    assert hass.states.get(MINUTES_THIS_WEEK).state == "0.0"
    assert not has_issue(hass, config_entry)
    assert read_file(kept) == BAD_LOG
    assert asides(store_path(hass, config_entry)) == [kept]
    stored = json.loads(read_file(store_path(hass, config_entry)))
    assert stored["data"]["walks"] == []


async def test_fix_flow_new_log_is_kept(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """After the repair, walks are saved and the profile loads normally again."""
    kept = await broken_profile(hass, config_entry)
    result = await start_fix_flow(hass, issue_id(config_entry))
    assert result["type"] is FlowResultType.FORM
    result = await confirm_fix_flow(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert config_entry.state is ConfigEntryState.LOADED

    await hass.services.async_call(DOMAIN, "log_walk", {"minutes": 12}, blocking=True)
    await hass.async_block_till_done()
    assert hass.states.get(MINUTES_THIS_WEEK).state == "12.0"

    # The kept file next to the new log does not stop the next start.
    assert await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED
    assert hass.states.get(MINUTES_THIS_WEEK).state == "12.0"
    assert not has_issue(hass, config_entry)
    assert read_file(kept) == BAD_LOG


async def test_fix_flow_keeps_the_old_journal_aside(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """The journal of the unreadable log is kept aside too, and not replayed on the new one."""
    path = store_path(hass, config_entry)
    segment = f"{path}.journal-2"
    line = (
        '{"add": {"walks": [{"id": "w", "start": "2026-11-25T10:00:00+00:00", '
        '"minutes": 30, "source": "manual"}]}}\n'
    )
    write_file(segment, line)
    await broken_profile(hass, config_entry)
    assert exists(segment)  # a refused load leaves the journal alone
    result = await start_fix_flow(hass, issue_id(config_entry))
    await confirm_fix_flow(hass, result)

    assert config_entry.state is ConfigEntryState.LOADED
    assert hass.states.get(MINUTES_THIS_WEEK).state == "0.0"
    [kept] = glob.glob(glob.escape(segment) + ".invalid.*")
    assert read_file(kept) == line
    assert json.loads(read_file(path))["data"]["journal_from"] == 3


async def test_fix_flow_after_invalid_json(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """Invalid JSON (moved to .corrupt by Home Assistant) is repaired the same way."""
    content = '{"version": 1, "data": {'
    kept = await broken_profile(hass, config_entry, content)
    assert ".corrupt." in kept
    result = await start_fix_flow(hass, issue_id(config_entry))
    assert result["description_placeholders"]["aside"] == kept
    assert result["description_placeholders"]["reason"] == "invalid JSON"
    result = await confirm_fix_flow(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert config_entry.state is ConfigEntryState.LOADED
    assert hass.states.get(MINUTES_THIS_WEEK).state == "0.0"
    assert not has_issue(hass, config_entry)
    assert read_file(kept) == content
    assert asides(store_path(hass, config_entry)) == [kept]

    # And it stays repaired at the next start.
    assert await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED
    assert not has_issue(hass, config_entry)


async def test_fix_flow_for_removed_profile(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """Confirming after the profile was deleted writes no orphan log."""
    kept = await broken_profile(hass, config_entry)
    result = await start_fix_flow(hass, issue_id(config_entry))
    assert result["type"] is FlowResultType.FORM

    await hass.config_entries.async_remove(config_entry.entry_id)
    await hass.async_block_till_done()
    assert not has_issue(hass, config_entry)

    result = await confirm_fix_flow(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert not exists(store_path(hass, config_entry))
    assert hass.config_entries.async_get_entry(config_entry.entry_id) is None
    assert read_file(kept) == BAD_LOG


async def test_fix_flow_cannot_start_for_loaded_profile(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    loaded_entry: MockConfigEntry,
) -> None:
    """A profile that loaded has no issue, so there is nothing to repair."""
    assert await async_setup_component(hass, "repairs", {})
    client = await hass_client()
    response = await client.post(
        "/api/repairs/issues/fix",
        json={"handler": DOMAIN, "issue_id": issue_id(loaded_entry)},
    )
    assert response.status == HTTPStatus.BAD_REQUEST
    assert loaded_entry.state is ConfigEntryState.LOADED
