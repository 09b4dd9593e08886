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

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
import glob
import json
import logging
import os
from pathlib import Path
import resource
import signal
from typing import Any
from unittest.mock import ANY, patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import CoreState, HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.backwalk import compaction as compaction_module
from custom_components.backwalk.codec import ProfileData
from custom_components.backwalk.compaction import COMPACT_DELAY
from custom_components.backwalk.const import DOMAIN
from custom_components.backwalk.journal import segment_numbers, segment_path
from custom_components.backwalk.store import ProfileStore
from tests.conftest import Persisted
from tests.flows import confirm_fix_flow, start_fix_flow
from tests.storage import (
    document,
    exists,
    log_data,
    read_bytes,
    read_file,
    store_path,
    walk,
    write_bytes,
    write_file,
)

NOW = "2026-11-25 12:00:00+00:00"  # a Wednesday, far from midnight and week ends
MINUTES_THIS_WEEK = "sensor.alex_walking_minutes_this_week"


@pytest.fixture(autouse=True)
async def frozen_time(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Log walks mid-week at noon so they always count for this week."""
    await hass.config.async_set_time_zone("Europe/Berlin")
    freezer.move_to(NOW)


def line(change: dict[str, Any]) -> bytes:
    """One journal line as backwalk writes it."""
    return json.dumps(change).encode() + b"\n"


def journal_lines(path: str) -> list[Any]:
    """Every journal line on disk, decoded, oldest first."""
    return [
        json.loads(text)
        for number in segment_numbers(path)
        for text in Path(segment_path(path, number))
        .read_text(encoding="utf-8")
        .splitlines()
    ]


def journal_issue(hass: HomeAssistant, entry: MockConfigEntry) -> ir.IssueEntry | None:
    """Backwalk's issue about an unreadable journal line, if any."""
    return ir.async_get(hass).async_get_issue(
        DOMAIN, f"journal_unreadable_{entry.entry_id}"
    )


def asides(path: str, kind: str) -> list[str]:
    """Files kept aside next to the log: kind is 'invalid' or 'corrupt'."""
    return sorted(glob.glob(glob.escape(path) + f".{kind}.*"))


def write_issue(hass: HomeAssistant, entry: MockConfigEntry) -> ir.IssueEntry | None:
    """Backwalk's issue while the Store file cannot be written, if any."""
    return ir.async_get(hass).async_get_issue(
        DOMAIN, f"storage_write_failed_{entry.entry_id}"
    )


@contextmanager
def file_size_limit(size: int) -> Iterator[None]:
    """No file of this process may grow past `size` bytes: writes fail as on a full disk.

    RLIMIT_FSIZE makes a write stop part-way with EFBIG (SIGXFSZ ignored), like ENOSPC.
    """
    limits = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, limits[1]))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limits)
        signal.signal(signal.SIGXFSZ, handler)


def storage_issue(hass: HomeAssistant, entry: MockConfigEntry) -> ir.IssueEntry | None:
    """Backwalk's repair issue for this profile, if any."""
    return ir.async_get(hass).async_get_issue(
        DOMAIN, f"storage_unreadable_{entry.entry_id}"
    )


async def log_walk(hass: HomeAssistant, minutes: float, ended_ago: float = 0) -> None:
    """Log a walk through the action, as a user or automation does.

    Walks of one person do not overlap (backwalk refuses that): a test logging several
    ends the earlier ones `ended_ago` minutes before now.
    """
    data: dict[str, Any] = {"minutes": minutes}
    if ended_ago:
        data["started"] = dt_util.now() - timedelta(minutes=ended_ago + minutes)
    await hass.services.async_call(DOMAIN, "log_walk", data, blocking=True)
    await hass.async_block_till_done()


async def setup_entry(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add the profile and try to set it up."""
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


# --- keeping data -----------------------------------------------------------------------


async def test_reload_keeps_walks(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    persisted: Persisted,
) -> None:
    """A logged walk is saved at once and read back when the profile loads again."""
    await log_walk(hass, 25)
    assert hass.states.get(MINUTES_THIS_WEEK).state == "25.0"
    assert [item["minutes"] for item in persisted(loaded_entry)["walks"]] == [25.0]

    assert await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert hass.states.get(MINUTES_THIS_WEEK).state == "25.0"
    # Unloading folded the journal into the Store file, at the current version.
    stored = hass_storage[f"{DOMAIN}.{loaded_entry.entry_id}"]
    assert stored["version"] == 2
    assert stored["minor_version"] == 1
    assert [item["minutes"] for item in stored["data"]["walks"]] == [25.0]


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
    """The walk is synced to the journal before the action returns; unload compacts."""
    await setup_entry(hass, config_entry)
    path = store_path(hass, config_entry)

    await log_walk(hass, 30)
    # On disk before the action returned: one journal line, with the walk.
    added = [line["add"] for line in journal_lines(path) if "add" in line]
    assert added == [{"walks": [ANY]}]
    assert added[0]["walks"][0]["minutes"] == 30.0

    assert await hass.config_entries.async_unload(config_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(MINUTES_THIS_WEEK).state == "unavailable"
    on_disk = json.loads(read_file(path))
    assert on_disk["version"] == 2
    assert [item["minutes"] for item in on_disk["data"]["walks"]] == [30.0]
    assert journal_lines(path) == []  # the Store file holds them now
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED
    assert hass.states.get(MINUTES_THIS_WEEK).state == "30.0"
    assert storage_issue(hass, config_entry) is None


@pytest.mark.usefixtures("real_storage")
async def test_restart_keeps_live_walk(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    persisted: Persisted,
) -> None:
    """A walk started with the button is still under way after a restart."""
    await setup_entry(hass, config_entry)
    start_button = "button.alex_start_walk"
    assert hass.states.get(start_button) is not None, hass.states.async_entity_ids()
    await hass.services.async_call(
        "button", "press", {"entity_id": start_button}, blocking=True
    )
    assert persisted(config_entry)["live_walk_started"] == "2026-11-25T13:00:00+01:00"

    assert await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done()
    freezer.tick(timedelta(minutes=20))
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.alex_finish_walk"}, blocking=True
    )
    await hass.async_block_till_done()
    assert hass.states.get(MINUTES_THIS_WEEK).state == "20.0"
    assert persisted(config_entry)["live_walk_started"] is None
    assert [item["minutes"] for item in persisted(config_entry)["walks"]] == [20.0]


async def test_remove_entry_deletes_log(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """Deleting the profile deletes its log."""
    await log_walk(hass, 10)
    key = f"{DOMAIN}.{loaded_entry.entry_id}"
    path = store_path(hass, loaded_entry)
    assert journal_lines(path)
    await hass.config_entries.async_remove(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert key not in hass_storage
    assert journal_lines(path) == []
    assert hass.states.get(MINUTES_THIS_WEEK) is None


@pytest.mark.usefixtures("real_storage")
async def test_remove_entry_deletes_file(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """Deleting the profile deletes its files on disk."""
    await setup_entry(hass, config_entry)
    await log_walk(hass, 10)
    path = store_path(hass, config_entry)
    assert journal_lines(path)
    await hass.config_entries.async_unload(config_entry.entry_id)
    await setup_entry(hass, config_entry)
    await log_walk(hass, 5, ended_ago=15)
    assert exists(path)
    assert journal_lines(path)
    await hass.config_entries.async_remove(config_entry.entry_id)
    await hass.async_block_till_done()
    assert not exists(path)
    assert glob.glob(glob.escape(path) + "*") == []


# --- the journal ------------------------------------------------------------------------


@pytest.mark.usefixtures("real_storage")
async def test_store_file_is_rewritten_a_minute_after_a_change(
    hass: HomeAssistant, config_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """Changes go to the journal at once; the Store file takes them a minute later."""
    await setup_entry(hass, config_entry)
    path = store_path(hass, config_entry)
    await log_walk(hass, 10)
    await log_walk(hass, 15, ended_ago=10)
    assert len(journal_lines(path)) >= 2
    assert not exists(path) or json.loads(read_file(path))["data"]["walks"] == []

    freezer.tick(timedelta(seconds=COMPACT_DELAY + 1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    on_disk = json.loads(read_file(path))["data"]
    # In time order: the 15-minute walk started first.
    assert [item["minutes"] for item in on_disk["walks"]] == [15.0, 10.0]
    assert journal_lines(path) == []
    # Later changes go to a new segment; the Store file holds every one before it.
    assert on_disk["journal_from"] == 1


@pytest.mark.usefixtures("real_storage")
async def test_long_journal_is_folded_at_once(
    hass: HomeAssistant, config_entry: MockConfigEntry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After many changes the Store file is rewritten without waiting for the timer."""
    await setup_entry(hass, config_entry)
    path = store_path(hass, config_entry)
    # The third line from now on (the reminder engine may have written some already).
    monkeypatch.setattr(
        compaction_module, "COMPACT_AFTER_LINES", len(journal_lines(path)) + 3
    )
    for minutes, ended_ago in ((5, 0), (6, 5), (7, 11)):
        await log_walk(hass, minutes, ended_ago)
    on_disk = json.loads(read_file(path))["data"]
    assert sorted(item["minutes"] for item in on_disk["walks"]) == [5.0, 6.0, 7.0]
    assert journal_lines(path) == []


@pytest.mark.usefixtures("real_storage")
async def test_journal_left_by_a_crash_is_replayed(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """A run killed before compacting left a journal: its finished lines count.

    The last line of a segment without its newline was being written when the run
    died; it was never acknowledged, so it is left out.
    """
    path = store_path(hass, config_entry)
    write_file(path, document({**log_data(walk(10, "a")), "journal_from": 4}))
    # Segment 3 is older than the Store file (it holds it already): ignored, deleted.
    write_bytes(segment_path(path, 3), line({"add": {"walks": [walk(99, "old")]}}))
    write_bytes(
        segment_path(path, 4),
        line({"add": {"walks": [walk(20, "b")]}})
        + line({"remove": ["a"], "live_walk_started": "2026-11-25T12:30:00+00:00"})
        + line({"add": {"walks": [walk(40, "c")]}})[:-9],  # torn
    )
    write_bytes(segment_path(path, 5), line({"add": {"walks": [walk(5, "d")]}}))

    await setup_entry(hass, config_entry)

    assert config_entry.state is ConfigEntryState.LOADED
    assert hass.states.get(MINUTES_THIS_WEEK).state == "25.0"  # b and d
    assert hass.states.get("binary_sensor.alex_walk_in_progress").state == "on"
    assert not exists(segment_path(path, 3))
    assert journal_issue(hass, config_entry) is None

    # Unloading folds all of it into the Store file and deletes the segments.
    assert await hass.config_entries.async_unload(config_entry.entry_id)
    await hass.async_block_till_done()
    on_disk = json.loads(read_file(path))["data"]
    assert sorted(item["id"] for item in on_disk["walks"]) == ["b", "d"]
    assert on_disk["live_walk_started"] == "2026-11-25T12:30:00+00:00"
    assert segment_numbers(path) == []


@pytest.mark.usefixtures("real_storage")
async def test_unreadable_journal_line_keeps_the_rest(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """A damaged journal line: every other line loads, the segment is kept aside."""
    path = store_path(hass, config_entry)
    write_file(path, document(log_data(walk(10, "a"))))
    damaged = (
        line({"at": "2026-11-25T11:02:00+00:00", "add": {"walks": [walk(20, "b")]}})
        + b'{"add": {"walks": [{"id": "x", "minutes": 9999}]}}\n'
        + line({"at": "2026-11-25T11:40:00+00:00", "add": {"walks": [walk(30, "c")]}})
    )
    write_bytes(segment_path(path, 0), damaged)
    write_bytes(segment_path(path, 1), line({"add": {"walks": [walk(5, "d")]}}))

    await setup_entry(hass, config_entry)

    assert config_entry.state is ConfigEntryState.LOADED
    # a (Store file), b and c (around the damaged line) and d (a later segment).
    assert hass.states.get(MINUTES_THIS_WEEK).state == "65.0"
    issue = journal_issue(hass, config_entry)
    assert issue is not None
    assert issue.severity is ir.IssueSeverity.WARNING
    assert issue.is_fixable
    assert issue.is_persistent
    assert issue.translation_key == "journal_unreadable"
    assert issue.translation_placeholders is not None
    # What was lost: one line, written between its neighbours (Berlin time).
    assert issue.translation_placeholders["count"] == "1"
    assert issue.translation_placeholders["first"] == "2026-11-25 12:02"
    assert issue.translation_placeholders["last"] == "2026-11-25 12:40"
    aside = issue.translation_placeholders["aside"]
    assert read_bytes(aside) == damaged
    # What was read is in the Store file already: the segments read are gone.
    on_disk = json.loads(read_file(path))["data"]
    assert sorted(item["id"] for item in on_disk["walks"]) == ["a", "b", "c", "d"]
    assert on_disk["journal_from"] > 1
    assert all(number >= on_disk["journal_from"] for number in segment_numbers(path))


@pytest.mark.usefixtures("real_storage")
async def test_a_second_damaged_journal_adds_to_the_repair(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """Damaged lines at two starts, the first repair not dismissed: one repair for both.

    It counts both lines, spans both times and names both segments kept aside.
    """
    path = store_path(hass, config_entry)
    write_file(path, document(log_data(walk(10, "a"))))
    bad = b'{"add": {"walks": [{"id": "x", "minutes": 9999}]}}\n'
    first = line({"at": "2026-11-25T09:00:00+00:00", "add": {"walks": []}}) + bad
    write_bytes(segment_path(path, 0), first)
    await setup_entry(hass, config_entry)
    assert await hass.config_entries.async_unload(config_entry.entry_id)
    journal_from = json.loads(read_file(path))["data"]["journal_from"]
    second = bad + line({"at": "2026-11-25T11:40:00+00:00", "add": {"walks": []}})
    write_bytes(segment_path(path, journal_from), second)

    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    issue = journal_issue(hass, config_entry)
    assert issue is not None
    placeholders = issue.translation_placeholders
    assert placeholders is not None
    assert placeholders["count"] == "2"
    assert placeholders["first"] == "2026-11-25 10:00"
    # The first segment ends in the bad line: its last write (now) bounds it.
    assert placeholders["last"] >= "2026-11-25 12:40"
    kept = placeholders["aside"].split(", ")
    assert [read_bytes(name) for name in kept] == [first, second]


@pytest.mark.usefixtures("real_storage")
async def test_corrupt_line_loses_only_itself(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 12: corrupting line 10 of 20 lost lines 11-20, and the repair said little.

    Twenty walks are logged through the action, one after the other, and Home Assistant
    "crashes" before compacting (the files are put back as they were, with the tenth
    walk's line damaged). The next start loads the other 19, the Store file holds them
    before the segment is kept aside, and the repair says how many lines were lost
    and between which times; confirming it closes it.
    """
    assert await async_setup_component(hass, "repairs", {})
    monkeypatch.setattr(compaction_module, "COMPACT_DELAY", 10**6)  # no compaction
    await setup_entry(hass, config_entry)
    path = store_path(hass, config_entry)
    for minutes in range(1, 21):
        # Each walk ends now and began when the one before it ended.
        freezer.tick(timedelta(minutes=minutes))
        await log_walk(hass, minutes)
    [number] = segment_numbers(path)
    segment = segment_path(path, number)
    content = read_bytes(segment)
    crashed = {name: read_bytes(name) for name in glob.glob(glob.escape(path) + "*")}
    assert await hass.config_entries.async_unload(config_entry.entry_id)
    for name in glob.glob(glob.escape(path) + "*"):
        os.remove(name)
    for name, data in crashed.items():
        write_bytes(name, data)
    lines = content.split(b"\n")
    walk_lines = [index for index, text in enumerate(lines) if b'"walks"' in text]
    assert len(walk_lines) == 20
    tenth = walk_lines[9]
    lines[tenth] = lines[tenth][: len(lines[tenth]) // 2] + b"#"
    damaged = b"\n".join(lines)
    write_bytes(segment, damaged)

    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    assert config_entry.state is ConfigEntryState.LOADED
    expected = [minutes for minutes in range(1, 21) if minutes != 10]
    assert hass.states.get(MINUTES_THIS_WEEK).state == f"{sum(expected)}.0"
    issue = journal_issue(hass, config_entry)
    assert issue is not None
    placeholders = issue.translation_placeholders
    assert placeholders is not None
    assert placeholders["count"] == "1"
    # Walk 9 was logged at 13:45 Berlin time (45 minutes after 13:00), walk 11 at
    # 14:06 (66 minutes after).
    assert (placeholders["first"], placeholders["last"]) == (
        "2026-11-25 13:45",
        "2026-11-25 14:06",
    )
    assert read_bytes(placeholders["aside"]) == damaged
    assert not exists(segment)
    # The Store file held the 19 before the segment went aside.
    on_disk = json.loads(read_file(path))["data"]
    assert sorted(item["minutes"] for item in on_disk["walks"]) == expected

    # A restart reads the Store file; the kept segment is never replayed.
    assert await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(MINUTES_THIS_WEEK).state == f"{sum(expected)}.0"
    assert read_bytes(placeholders["aside"]) == damaged

    # The repair can be acted on: its form explains, confirming closes it.
    result = await start_fix_flow(hass, f"journal_unreadable_{config_entry.entry_id}")
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "confirm"
    assert result["description_placeholders"]["count"] == "1"
    result = await confirm_fix_flow(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert journal_issue(hass, config_entry) is None
    assert read_bytes(placeholders["aside"]) == damaged


@pytest.mark.usefixtures("real_storage")
async def test_damaged_segment_stays_until_the_store_file_holds_its_lines(
    hass: HomeAssistant, config_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """A damaged segment's good lines never have the kept-aside copy as their only one.

    The Store file cannot be rewritten at the start (a file size limit, as a full
    disk): the segment stays where every start replays it, and goes aside only after
    the Store file holding its lines is written.
    """
    path = store_path(hass, config_entry)
    seeded = [walk(1, f"s{number}") for number in range(60)]
    write_file(path, document(log_data(*seeded)))
    damaged = (
        line({"add": {"walks": [walk(20, "b")]}})
        + b"#\n"
        + line({"add": {"walks": [walk(30, "c")]}})
    )
    write_bytes(segment_path(path, 0), damaged)
    big = len(read_bytes(path))
    with file_size_limit(big // 2):
        await setup_entry(hass, config_entry)
        assert config_entry.state is ConfigEntryState.LOADED
        assert hass.states.get(MINUTES_THIS_WEEK).state == "110.0"
        assert read_bytes(segment_path(path, 0)) == damaged
        assert journal_issue(hass, config_entry) is None
        assert write_issue(hass, config_entry) is not None

        # A restart meanwhile replays the segment again: still nothing lost.
        assert await hass.config_entries.async_reload(config_entry.entry_id)
        await hass.async_block_till_done()
        assert hass.states.get(MINUTES_THIS_WEEK).state == "110.0"
        assert read_bytes(segment_path(path, 0)) == damaged
        assert len(json.loads(read_file(path))["data"]["walks"]) == 60

    freezer.tick(timedelta(seconds=COMPACT_DELAY + 1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    on_disk = json.loads(read_file(path))["data"]
    assert sorted(item["id"] for item in on_disk["walks"])[:2] == ["b", "c"]
    assert len(on_disk["walks"]) == 62
    issue = journal_issue(hass, config_entry)
    assert issue is not None
    assert issue.translation_placeholders is not None
    assert read_bytes(issue.translation_placeholders["aside"]) == damaged
    assert not exists(segment_path(path, 0))
    assert write_issue(hass, config_entry) is None


@pytest.mark.usefixtures("real_storage")
async def test_stopping_home_assistant_leaves_a_whole_store_file(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """Home Assistant does not unload profiles when it stops; its final write compacts."""
    await setup_entry(hass, config_entry)
    await log_walk(hass, 12)
    path = store_path(hass, config_entry)
    assert journal_lines(path)

    await hass.async_stop()

    on_disk = json.loads(read_file(path))["data"]
    assert [item["minutes"] for item in on_disk["walks"]] == [12.0]
    assert journal_lines(path) == []


@pytest.mark.usefixtures("real_storage")
async def test_no_compaction_while_home_assistant_stops(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """Store defers writes while Home Assistant stops: the journal must stay until then."""
    await setup_entry(hass, config_entry)
    await log_walk(hass, 12)
    path = store_path(hass, config_entry)
    hass.set_state(CoreState.stopping)
    try:
        assert await hass.config_entries.async_unload(config_entry.entry_id)
        await hass.async_block_till_done()
        assert journal_lines(path), "the journal went before the Store file was written"
    finally:
        hass.set_state(CoreState.running)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(MINUTES_THIS_WEEK).state == "12.0"


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
    "newer_version": document(log_data(walk(10)), version=3),
    "major_version_0": document(log_data(walk(10)), version=0),
    "journal_from_not_a_number": document(
        {**log_data(), "journal_from": "x"}, minor_version=3
    ),
    "journal_from_negative": document(
        {**log_data(), "journal_from": -1}, minor_version=3
    ),
    "journal_from_in_an_old_version": document({**log_data(), "journal_from": True}),
    "reminders_not_an_object": document(
        {**log_data(), "reminders": [], "tracking": {}}, version=2, minor_version=1
    ),
    "not_a_store_document": json.dumps({"walks": []}),
    "json_list": json.dumps([1, 2]),
    # Storage 2.1: an archive whose outline is damaged (its records are read late).
    **{
        f"archive_{name}": document(
            {**log_data(walk(10)), "reminders": {}, "tracking": {}, "archive": archive},
            version=2,
            minor_version=1,
        )
        for name, archive in {
            "not_an_object": "old",
            "cutoff_not_a_time": {"cutoff": "last autumn", "count": 0, "records": "[]"},
            "cutoff_without_time_zone": {
                "cutoff": "2026-09-27T22:00:00",
                "count": 0,
                "records": "[]",
            },
            "count_negative": {
                "cutoff": "2026-09-27T22:00:00+00:00",
                "count": -1,
                "records": "[]",
            },
            "records_not_text": {
                "cutoff": "2026-09-27T22:00:00+00:00",
                "count": 0,
                "records": [],
            },
            "after_a_live_walk": {
                "cutoff": "2026-11-26T00:00:00+00:00",
                "count": 0,
                "records": "[]",
            },
        }.items()
    },
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
    hass: HomeAssistant, loaded_entry: MockConfigEntry, persisted: Persisted
) -> None:
    """A disk failure while saving is reported, and the walk does not appear."""
    await log_walk(hass, 10)
    with (
        patch.object(ProfileStore, "async_append", side_effect=OSError("disk full")),
        pytest.raises(HomeAssistantError) as err,
    ):
        await log_walk(hass, 20, ended_ago=10)
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == "save_failed"
    assert hass.states.get(MINUTES_THIS_WEEK).state == "10.0"
    assert [item["minutes"] for item in persisted(loaded_entry)["walks"]] == [10.0]

    # The next walk is saved normally and the failed one stays out.
    await log_walk(hass, 5, ended_ago=40)
    assert hass.states.get(MINUTES_THIS_WEEK).state == "15.0"
    assert await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(MINUTES_THIS_WEEK).state == "15.0"


async def test_a_correction_that_cannot_be_saved_changes_nothing(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, persisted: Persisted
) -> None:
    """A mis-tap at 9 corrected to 3 while the disk fails: the 9 is still today's pain.

    The report the correction would have replaced is put back, in the sensors and on
    disk; once the disk works the correction replaces it as usual.
    """
    await hass.services.async_call(DOMAIN, "report_pain", {"level": 9}, blocking=True)
    with (
        patch.object(ProfileStore, "async_append", side_effect=OSError("disk full")),
        pytest.raises(HomeAssistantError) as err,
    ):
        await hass.services.async_call(
            DOMAIN, "correct_pain", {"level": 3}, blocking=True
        )
    assert err.value.translation_key == "save_failed"
    assert hass.states.get("sensor.alex_pain_today").state == "9"
    assert [item["level"] for item in persisted(loaded_entry)["pain_reports"]] == [9]
    await hass.services.async_call(DOMAIN, "correct_pain", {"level": 3}, blocking=True)
    assert hass.states.get("sensor.alex_pain_today").state == "3"
    assert [item["level"] for item in persisted(loaded_entry)["pain_reports"]] == [3]


async def test_a_walk_start_that_cannot_be_saved_starts_nothing(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Start walk pressed while the disk fails: no walk runs, Start walk stays."""
    with (
        patch.object(ProfileStore, "async_append", side_effect=OSError("disk full")),
        pytest.raises(HomeAssistantError) as err,
    ):
        await hass.services.async_call(
            "button",
            "press",
            {"entity_id": "button.alex_start_walk"},
            blocking=True,
        )
    assert err.value.translation_key == "save_failed"
    await hass.async_block_till_done()
    assert hass.states.get("binary_sensor.alex_walk_in_progress").state == "off"
    assert hass.states.get("button.alex_start_walk").state != "unavailable"
    assert hass.states.get("button.alex_finish_walk").state == "unavailable"


@pytest.mark.usefixtures("real_storage")
async def test_real_write_failure_records_nothing(
    hass: HomeAssistant, config_entry: MockConfigEntry, persisted: Persisted
) -> None:
    """A journal write that really fails is not acknowledged as saved.

    A directory where the journal segment should be makes the write fail, without
    mocking anything; the next change goes to a new segment.
    """
    await setup_entry(hass, config_entry)
    await log_walk(hass, 10, ended_ago=30)
    path = store_path(hass, config_entry)
    [current] = segment_numbers(path)
    kept = read_bytes(segment_path(path, current))
    os.remove(segment_path(path, current))
    os.mkdir(segment_path(path, current))

    with pytest.raises(HomeAssistantError) as err:
        await log_walk(hass, 20, ended_ago=5)
    assert err.value.translation_key == "save_failed"
    assert hass.states.get(MINUTES_THIS_WEEK).state == "10.0"

    # The disk works again: the next walk is saved with the earlier one.
    os.rmdir(segment_path(path, current))
    write_bytes(segment_path(path, current), kept)
    await log_walk(hass, 5)
    assert segment_numbers(path) == [current, current + 1]
    assert [item["minutes"] for item in persisted(config_entry)["walks"]] == [10.0, 5.0]
    assert await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(MINUTES_THIS_WEEK).state == "15.0"


@pytest.mark.usefixtures("real_storage")
async def test_partly_written_line_is_taken_back(
    hass: HomeAssistant, config_entry: MockConfigEntry, persisted: Persisted
) -> None:
    """A line the disk took only part of is removed again, so no later line follows it.

    A file size limit (RLIMIT_FSIZE) lets the write stop part-way, as a full disk does.
    """
    await setup_entry(hass, config_entry)
    await log_walk(hass, 10, ended_ago=30)
    path = store_path(hass, config_entry)
    [current] = segment_numbers(path)
    before = read_bytes(segment_path(path, current))
    limits = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (len(before) + 20, limits[1]))
    try:
        with pytest.raises(HomeAssistantError) as err:
            await log_walk(hass, 20, ended_ago=5)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limits)
        signal.signal(signal.SIGXFSZ, handler)
    assert err.value.translation_key == "save_failed"
    assert read_bytes(segment_path(path, current)) == before

    await log_walk(hass, 5)
    assert [item["minutes"] for item in persisted(config_entry)["walks"]] == [10.0, 5.0]


@pytest.mark.usefixtures("real_storage")
async def test_failed_compaction_keeps_the_journal(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """When the Store file cannot be written the journal keeps every change; it retries."""
    await setup_entry(hass, config_entry)
    await log_walk(hass, 10)
    path = store_path(hass, config_entry)
    if exists(path):
        os.remove(path)
    os.mkdir(path)  # the atomic rename onto it fails

    freezer.tick(timedelta(seconds=COMPACT_DELAY + 1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert "Could not rewrite the walk log of Alex" in caplog.text
    assert [
        item["add"]["walks"][0]["minutes"] for item in journal_lines(path)[-1:]
    ] == [10.0]

    os.rmdir(path)
    freezer.tick(timedelta(seconds=COMPACT_DELAY + 1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    on_disk = json.loads(read_file(path))["data"]
    assert [item["minutes"] for item in on_disk["walks"]] == [10.0]
    assert journal_lines(path) == []


class RetryStorm(BaseException):
    """Stops a retry loop that catches every Exception."""


@pytest.mark.usefixtures("real_storage")
async def test_full_disk_compaction_backs_off(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Issue 12: a Store file that cannot be rewritten while journal lines still fit.

    Compaction used to retry at once, forever (hundreds of tracebacks a second). Now:
    retries a minute apart, doubling up to an hour; one warning; a repair issue while
    it lasts, gone after the first successful write. Twelve idle hours log nothing more
    than a debug line per retry.
    """
    caplog.set_level(logging.DEBUG, logger="custom_components.backwalk")
    path = store_path(hass, config_entry)
    write_file(path, document(log_data(*(walk(1, f"s{n}") for n in range(60)))))
    await setup_entry(hass, config_entry)
    # Long journals compact at once: the third line from now on.
    monkeypatch.setattr(
        compaction_module, "COMPACT_AFTER_LINES", len(journal_lines(path)) + 3
    )
    attempts = 0
    compact = ProfileStore.async_compact

    async def counted(store: ProfileStore, data: ProfileData) -> None:
        nonlocal attempts
        attempts += 1
        if attempts > 50:
            # Retried at once, over and over (the loop would never settle): stop it.
            raise RetryStorm
        await compact(store, data)

    monkeypatch.setattr(ProfileStore, "async_compact", counted)
    records_before = len(caplog.records)
    with file_size_limit(len(read_bytes(path)) // 2):
        for minutes in (2, 3, 4, 5, 6):
            freezer.tick(timedelta(minutes=minutes))  # walks never overlap
            await log_walk(hass, minutes)
        # The third line compacts at once; moving the clock fires the first retries.
        assert 1 <= attempts <= 4
        issue = write_issue(hass, config_entry)
        assert issue is not None
        assert issue.translation_key == "storage_full"
        assert issue.severity is ir.IssueSeverity.WARNING
        assert not issue.is_fixable
        assert issue.translation_placeholders is not None
        assert issue.translation_placeholders["profile"] == "Alex"

        retries: list[str] = []
        for _ in range(12 * 12):  # twelve hours, five minutes at a time
            freezer.tick(timedelta(minutes=5))
            async_fire_time_changed(hass)
            await hass.async_block_till_done()
        logged = caplog.records[records_before:]
        retries = [
            record.getMessage()
            for record in logged
            if record.levelno == logging.DEBUG and "failed again" in record.getMessage()
        ]
        # 2, 4, 8, 16, 32 minutes, then hourly.
        assert [text.rsplit(" ", 2)[-2] for text in retries[:7]] == [
            "120",
            "240",
            "480",
            "960",
            "1920",
            "3600",
            "3600",
        ]
        assert len(retries) <= 18
        assert attempts == len(retries) + 1
        warnings = [record for record in logged if record.levelno >= logging.WARNING]
        backwalk = [r for r in warnings if r.name.startswith("custom_components")]
        assert [record.getMessage()[:39] for record in backwalk] == [
            "Could not rewrite the walk log of Alex "
        ]
        assert not any(record.exc_info for record in backwalk)
        assert write_issue(hass, config_entry) is not None
        # Every walk is on disk meanwhile, in the journal.
        assert len(journal_lines(path)) >= 5

    # Space again: the next retry (within the hour) writes it and clears the issue.
    freezer.tick(timedelta(hours=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert write_issue(hass, config_entry) is None
    on_disk = json.loads(read_file(path))["data"]
    assert sorted(item["minutes"] for item in on_disk["walks"])[-5:] == [
        2.0,
        3.0,
        4.0,
        5.0,
        6.0,
    ]
    assert len(on_disk["walks"]) == 65
    assert journal_lines(path) == []
    assert "The walk log of Alex is written again" in caplog.text

    # And a compaction after that is prompt again (no backoff left over).
    freezer.tick(timedelta(minutes=7))
    await log_walk(hass, 7)
    freezer.tick(timedelta(seconds=COMPACT_DELAY + 1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert len(json.loads(read_file(path))["data"]["walks"]) == 66


@pytest.mark.usefixtures("real_storage")
async def test_failed_appends_leave_no_empty_segments(
    hass: HomeAssistant, config_entry: MockConfigEntry, persisted: Persisted
) -> None:
    """Issue 12: each failed append left an empty segment (71 of them on a full disk).

    A segment is created by the line that goes into it: one that fails leaves no file.
    """
    await setup_entry(hass, config_entry)
    path = store_path(hass, config_entry)
    before = sorted(glob.glob(glob.escape(path) + "*"))
    with file_size_limit(10):
        for minutes in range(1, 6):
            with pytest.raises(HomeAssistantError) as err:
                await log_walk(hass, minutes)
            assert err.value.translation_key == "save_failed"
    assert sorted(glob.glob(glob.escape(path) + "*")) == before

    await log_walk(hass, 30)
    sizes = [
        len(read_bytes(segment_path(path, number))) for number in segment_numbers(path)
    ]
    assert sizes
    assert 0 not in sizes
    assert [item["minutes"] for item in persisted(config_entry)["walks"]] == [30.0]


@pytest.mark.usefixtures("real_storage")
async def test_interrupted_store_file_write_is_cleaned_up(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """A crash during a Store file write leaves its temporary file; the next load removes it.

    On a nearly full disk each such file would take the room of a whole walk log.
    """
    path = store_path(hass, config_entry)
    write_file(path, document(log_data(walk(10, "a"))))
    leftover = f"{path}.k3j2h1g0.tmp"
    write_file(leftover, '{"version": 1, "da')
    other = hass.config.path(".storage", "core.something.tmp")
    write_file(other, "not ours")

    await setup_entry(hass, config_entry)

    assert config_entry.state is ConfigEntryState.LOADED
    assert hass.states.get(MINUTES_THIS_WEEK).state == "10.0"
    assert not exists(leftover)
    assert exists(other)
