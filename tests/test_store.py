"""The walk log on disk: kept across restarts, removed with the profile, never lost.

Most tests here use real files. pytest-homeassistant-custom-component replaces
Store._async_load, Store._async_write_data and Store.async_remove with an in-memory
dict (the `hass_storage` fixture, `mock_storage` in its common.py), so nothing reaches
the disk and Home Assistant's handling of invalid JSON never runs. The `real_storage`
fixture below puts the real methods back for one test (the originals are taken at
import, before any fixture patches them), and `hass_config_dir` gives every test its
own temporary configuration directory so those files go to pytest's tmp_path.
"""

from __future__ import annotations

from datetime import timedelta
import glob
import json
import os
from pathlib import Path
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.backwalk.const import DOMAIN
from custom_components.backwalk.store import ProfileStore

NOW = "2026-11-25 12:00:00+00:00"  # a Wednesday, far from midnight and week ends
MINUTES_THIS_WEEK = "sensor.alex_walking_minutes_this_week"


@pytest.fixture
def hass_config_dir(hass_tmp_config_dir: str) -> str:
    """Give each test its own configuration directory (and .storage)."""
    return hass_tmp_config_dir


@pytest.fixture(autouse=True)
async def frozen_time(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Log walks mid-week at noon so they always count for this week."""
    await hass.config.async_set_time_zone("Europe/Berlin")
    freezer.move_to(NOW)


def store_path(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    """Where the profile's log lives."""
    return hass.config.path(".storage", f"{DOMAIN}.{entry.entry_id}")


def write_file(path: str, text: str) -> None:
    """Put a file in place as an earlier run (or a user's editor) left it."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    Path(path).write_text(text, encoding="utf-8")


def exists(path: str) -> bool:
    """Whether a file is there (tests may touch the disk directly)."""
    return os.path.exists(path)


def read_file(path: str) -> str:
    """Read a file back."""
    return Path(path).read_text(encoding="utf-8")


def document(data: Any, version: int = 1, minor_version: int = 1) -> str:
    """A Store document as Home Assistant writes it."""
    return json.dumps(
        {
            "version": version,
            "minor_version": minor_version,
            "key": "backwalk.x",
            "data": data,
        }
    )


def walk(minutes: float, walk_id: str = "w1") -> dict[str, Any]:
    """A stored walk, as to_dict writes it."""
    return {
        "id": walk_id,
        "start": "2026-11-25T10:00:00+00:00",
        "minutes": minutes,
        "distance_km": None,
        "source": "manual",
        "note": None,
    }


def log_data(*walks: dict[str, Any]) -> dict[str, Any]:
    """A whole stored log."""
    return {
        "walks": list(walks),
        "pain_reports": [],
        "stretches": [],
        "alternatives": [],
        "live_walk_started": None,
    }


def asides(path: str, kind: str) -> list[str]:
    """Files kept aside next to the log: kind is 'invalid' or 'corrupt'."""
    return sorted(glob.glob(glob.escape(path) + f".{kind}.*"))


def storage_issue(hass: HomeAssistant, entry: MockConfigEntry) -> ir.IssueEntry | None:
    """Backwalk's repair issue for this profile, if any."""
    return ir.async_get(hass).async_get_issue(
        DOMAIN, f"storage_unreadable_{entry.entry_id}"
    )


async def log_walk(hass: HomeAssistant, minutes: float) -> None:
    """Log a walk through the action, as a user or automation does."""
    await hass.services.async_call(
        DOMAIN, "log_walk", {"minutes": minutes}, blocking=True
    )
    await hass.async_block_till_done()


async def setup_entry(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add the profile and try to set it up."""
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


# --- keeping data -----------------------------------------------------------------------


async def test_reload_keeps_walks(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """A logged walk is saved at once and read back when the profile loads again."""
    await log_walk(hass, 25)
    assert hass.states.get(MINUTES_THIS_WEEK).state == "25.0"
    stored = hass_storage[f"{DOMAIN}.{loaded_entry.entry_id}"]
    assert stored["version"] == 1
    assert stored["minor_version"] == 2
    assert [item["minutes"] for item in stored["data"]["walks"]] == [25.0]

    assert await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert hass.states.get(MINUTES_THIS_WEEK).state == "25.0"


async def test_seeded_log_is_loaded(
    hass: HomeAssistant, config_entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """A log saved by an earlier run is what the sensors show."""
    hass_storage[f"{DOMAIN}.{config_entry.entry_id}"] = {
        "version": 1,
        "minor_version": 1,
        "key": f"{DOMAIN}.{config_entry.entry_id}",
        "data": log_data(walk(12, "a"), walk(8, "b")),
    }
    await setup_entry(hass, config_entry)
    assert config_entry.state is ConfigEntryState.LOADED
    assert hass.states.get(MINUTES_THIS_WEEK).state == "20.0"


@pytest.mark.usefixtures("real_storage")
async def test_restart_keeps_walks_on_disk(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """The walk is in the file before the action returns, and survives unload/setup."""
    await setup_entry(hass, config_entry)
    path = store_path(hass, config_entry)
    # A new profile starts empty (the reminder engine notes when it began).
    assert json.loads(read_file(path))["data"]["walks"] == []

    await log_walk(hass, 30)
    on_disk = json.loads(read_file(path))
    assert on_disk["version"] == 1
    assert [item["minutes"] for item in on_disk["data"]["walks"]] == [30.0]

    assert await hass.config_entries.async_unload(config_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(MINUTES_THIS_WEEK).state == "unavailable"
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED
    assert hass.states.get(MINUTES_THIS_WEEK).state == "30.0"
    assert storage_issue(hass, config_entry) is None


@pytest.mark.usefixtures("real_storage")
async def test_restart_keeps_live_walk(
    hass: HomeAssistant, config_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """A walk started with the button is still under way after a restart."""
    await setup_entry(hass, config_entry)
    start_button = "button.alex_start_walk"
    assert hass.states.get(start_button) is not None, hass.states.async_entity_ids()
    await hass.services.async_call(
        "button", "press", {"entity_id": start_button}, blocking=True
    )
    on_disk = json.loads(read_file(store_path(hass, config_entry)))
    assert on_disk["data"]["live_walk_started"] == "2026-11-25T13:00:00+01:00"

    assert await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done()
    freezer.tick(timedelta(minutes=20))
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.alex_finish_walk"}, blocking=True
    )
    await hass.async_block_till_done()
    assert hass.states.get(MINUTES_THIS_WEEK).state == "20.0"
    on_disk = json.loads(read_file(store_path(hass, config_entry)))
    assert on_disk["data"]["live_walk_started"] is None
    assert [item["minutes"] for item in on_disk["data"]["walks"]] == [20.0]


async def test_remove_entry_deletes_log(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """Deleting the profile deletes its log."""
    await log_walk(hass, 10)
    key = f"{DOMAIN}.{loaded_entry.entry_id}"
    assert key in hass_storage
    await hass.config_entries.async_remove(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert key not in hass_storage
    assert hass.states.get(MINUTES_THIS_WEEK) is None


@pytest.mark.usefixtures("real_storage")
async def test_remove_entry_deletes_file(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """Deleting the profile deletes its file on disk."""
    await setup_entry(hass, config_entry)
    await log_walk(hass, 10)
    path = store_path(hass, config_entry)
    assert exists(path)
    await hass.config_entries.async_remove(config_entry.entry_id)
    await hass.async_block_till_done()
    assert not exists(path)


# --- unreadable logs --------------------------------------------------------------------

INVALID_CONTENT = {
    "walks_not_a_list": document({**log_data(), "walks": "x"}),
    "walk_too_long": document(log_data(walk(9999))),
    "walk_without_time_zone": document(
        log_data({**walk(10), "start": "2026-11-25T10:00:00"})
    ),
    "walk_not_an_object": document(log_data("x")),  # type: ignore[arg-type]
    "duplicate_ids": document(log_data(walk(10, "same"), walk(20, "same"))),
    "bad_live_walk": document({**log_data(), "live_walk_started": "soon"}),
    "live_walk_without_time_zone": document(
        {**log_data(), "live_walk_started": "2026-11-25T10:00:00"}
    ),
    "data_not_an_object": document(["x"]),
    "newer_version": document(log_data(walk(10)), version=2),
    "major_version_0": document(log_data(walk(10)), version=0),
    "not_a_store_document": json.dumps({"walks": []}),
    "json_list": json.dumps([1, 2]),
}


@pytest.mark.usefixtures("real_storage")
@pytest.mark.parametrize("content", INVALID_CONTENT.values(), ids=INVALID_CONTENT)
async def test_invalid_content_is_kept_aside(
    hass: HomeAssistant, config_entry: MockConfigEntry, content: str
) -> None:
    """Valid JSON that is not a log we can read: refuse to start, keep it, ask the user."""
    path = store_path(hass, config_entry)
    write_file(path, content)

    await setup_entry(hass, config_entry)

    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    assert hass.states.get(MINUTES_THIS_WEEK) is None
    issue = storage_issue(hass, config_entry)
    assert issue is not None
    assert issue.is_fixable
    assert issue.severity is ir.IssueSeverity.ERROR
    assert issue.translation_key == "storage_unreadable"
    assert issue.data == {"entry_id": config_entry.entry_id}
    kept = asides(path, "invalid")
    assert len(kept) == 1
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["aside"] == kept[0]
    assert issue.translation_placeholders["path"] == path
    # The original content is kept byte for byte, and nothing new was written over it.
    assert read_file(kept[0]) == content
    assert not exists(path)

    # A second attempt does not start empty either, and still has the kept file.
    await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    assert storage_issue(hass, config_entry) is not None
    assert asides(path, "invalid") == kept
    assert read_file(kept[0]) == content
    assert not exists(path)


@pytest.mark.usefixtures("real_storage")
async def test_invalid_json_is_not_replaced_by_an_empty_log(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """Home Assistant moves invalid JSON to .corrupt; the profile still refuses to start."""
    path = store_path(hass, config_entry)
    content = '{"version": 1, "minor_version": 1, "data": {"walks": ['
    write_file(path, content)

    await setup_entry(hass, config_entry)

    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    assert hass.states.get(MINUTES_THIS_WEEK) is None
    corrupt = asides(path, "corrupt")
    assert len(corrupt) == 1
    assert read_file(corrupt[0]) == content
    assert not exists(path)  # no empty log was written in its place
    issue = storage_issue(hass, config_entry)
    assert issue is not None
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["aside"] == corrupt[0]

    # At the next start the file is gone and only the .corrupt copy is left: still refuse.
    ir.async_delete_issue(hass, DOMAIN, f"storage_unreadable_{config_entry.entry_id}")
    await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    issue = storage_issue(hass, config_entry)
    assert issue is not None
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["aside"] == corrupt[0]
    assert asides(path, "corrupt") == corrupt
    assert read_file(corrupt[0]) == content
    assert not exists(path)


@pytest.mark.usefixtures("real_storage")
async def test_older_minor_version_is_read(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """A document without minor_version (written by version 1.0) loads normally."""
    path = store_path(hass, config_entry)
    write_file(
        path,
        json.dumps({"version": 1, "key": "x", "data": log_data(walk(15))}),
    )
    await setup_entry(hass, config_entry)
    assert config_entry.state is ConfigEntryState.LOADED
    assert hass.states.get(MINUTES_THIS_WEEK).state == "15.0"
    assert storage_issue(hass, config_entry) is None
    assert asides(path, "invalid") == []


@pytest.mark.usefixtures("real_storage")
async def test_loading_clears_old_issue(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """Once the user restored a good file, loading it removes the repair issue."""
    path = store_path(hass, config_entry)
    write_file(path, document(log_data(walk(9999))))
    await setup_entry(hass, config_entry)
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    assert storage_issue(hass, config_entry) is not None

    write_file(path, document(log_data(walk(20))))  # restored from a backup
    await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED
    assert hass.states.get(MINUTES_THIS_WEEK).state == "20.0"
    assert storage_issue(hass, config_entry) is None
    assert len(asides(path, "invalid")) == 1  # the bad file is still kept


@pytest.mark.usefixtures("real_storage")
async def test_remove_broken_entry_keeps_aside_file(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """Deleting a profile that could not load removes the issue, not the kept file."""
    path = store_path(hass, config_entry)
    write_file(path, document(log_data(walk(9999))))
    await setup_entry(hass, config_entry)
    assert storage_issue(hass, config_entry) is not None
    kept = asides(path, "invalid")

    await hass.config_entries.async_remove(config_entry.entry_id)
    await hass.async_block_till_done()
    assert storage_issue(hass, config_entry) is None
    assert asides(path, "invalid") == kept


# --- save failures ----------------------------------------------------------------------


async def test_save_failure_records_nothing(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """A disk failure while saving is reported, and the walk does not appear."""
    await log_walk(hass, 10)
    with (
        patch.object(ProfileStore, "async_save", side_effect=OSError("disk full")),
        pytest.raises(HomeAssistantError) as err,
    ):
        await log_walk(hass, 20)
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == "save_failed"
    assert hass.states.get(MINUTES_THIS_WEEK).state == "10.0"
    stored = hass_storage[f"{DOMAIN}.{loaded_entry.entry_id}"]["data"]
    assert [item["minutes"] for item in stored["walks"]] == [10.0]

    # The next walk is saved normally and the failed one stays out.
    await log_walk(hass, 5)
    assert hass.states.get(MINUTES_THIS_WEEK).state == "15.0"
    assert await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(MINUTES_THIS_WEEK).state == "15.0"


@pytest.mark.usefixtures("real_storage")
async def test_real_write_failure_records_nothing(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """A write that really fails on disk is not acknowledged as saved.

    Home Assistant's Store logs write errors and returns normally; the profile must
    still notice and refuse. A directory where the file should be makes the atomic
    rename fail, without mocking anything.
    """
    await setup_entry(hass, config_entry)
    await log_walk(hass, 10)
    path = store_path(hass, config_entry)
    saved = read_file(path)
    os.remove(path)
    os.mkdir(path)

    with pytest.raises(HomeAssistantError) as err:
        await log_walk(hass, 20)
    assert err.value.translation_key == "save_failed"
    assert hass.states.get(MINUTES_THIS_WEEK).state == "10.0"

    # The disk works again: the next walk is saved with the earlier one.
    os.rmdir(path)
    write_file(path, saved)
    await log_walk(hass, 5)
    on_disk = json.loads(read_file(path))
    assert [item["minutes"] for item in on_disk["data"]["walks"]] == [10.0, 5.0]
