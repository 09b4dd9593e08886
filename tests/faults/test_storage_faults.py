"""Storage faults on a real small filesystem, through Home Assistant, with real files.

Each scenario runs a profile on a small filesystem (see conftest.py: a tmpfs, or a file
size limit where mounting is not permitted), makes the storage fail (full during an
append, full during compaction, full during a storage migration, read-only), then lets
it recover. After every fault and every recovery the profile is restarted (unloaded and
set up again, reading the real files) and the invariants are checked:

- every acknowledged walk is there exactly once, in Home Assistant and in the files;
- nothing whose action was refused is there;
- no empty journal segment and no temporary file is left behind;
- the log stays bounded: one warning per outage from backwalk, no traceback from it,
  and hours of an outage add no more than a debug line per retry.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
import glob
import json
import logging
import os
from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.backwalk.compaction import COMPACT_DELAY
from custom_components.backwalk.const import DOMAIN
from custom_components.backwalk.journal import segment_numbers, segment_path
from tests.conftest import Persisted
from tests.faults.conftest import SmallDisk

pytestmark = pytest.mark.usefixtures("real_storage")

NOW = "2026-11-25 12:00:00+00:00"  # a Wednesday noon
MINUTES_THIS_WEEK = "sensor.alex_walking_minutes_this_week"
# Walks already in the Store file: big enough that rewriting it needs more room than a
# nearly full disk has, while journal lines still fit (archived, a walk takes about 70
# bytes).
SEEDED = 2000
NEARLY_FULL = 64 * 1024
BACKWALK = "custom_components.backwalk"


@pytest.fixture(autouse=True)
async def frozen_time(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Deterministic time: walks of this week, retries fired by moving the clock."""
    await hass.config.async_set_time_zone("Europe/Berlin")
    freezer.move_to(NOW)


def seeded_walks() -> list[dict[str, Any]]:
    """Walks of earlier months, one a day, as an older release stored them."""
    return [
        {
            "id": f"seed-{number}",
            "start": f"2025-{1 + number // 28 % 12:02d}-{1 + number % 28:02d}T"
            f"{number % 24:02d}:00:00+00:00",
            "minutes": 20,
            "distance_km": None,
            "source": "manual",
            "note": None,
        }
        for number in range(SEEDED)
    ]


def seed(path: str, *, minor_version: int = 3) -> set[str]:
    """Write a Store file with the seeded walks; return their ids."""
    walks = seeded_walks()
    data: dict[str, Any] = {
        "walks": walks,
        "pain_reports": [],
        "stretches": [],
        "alternatives": [],
        "live_walk_started": None,
    }
    if minor_version >= 3:
        data |= {"reminders": {}, "tracking": {}, "journal_from": 0}
    document = {
        "version": 1,
        "minor_version": minor_version,
        "key": os.path.basename(path),
        "data": data,
    }
    Path(path).write_text(json.dumps(document), encoding="utf-8")
    return {walk["id"] for walk in walks}


def read_json(path: str) -> Any:
    """A file as JSON (tests may touch the disk directly)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def read_bytes(path: str) -> bytes:
    """A file's bytes."""
    return Path(path).read_bytes()


class Ledger:
    """Walks logged through the action: which were acknowledged, which refused."""

    def __init__(self, hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
        """Start with nothing logged."""
        self._hass = hass
        self._freezer = freezer
        self._next = 1
        self.acknowledged: dict[str, float] = {}
        self.refused: list[float] = []

    async def walk(self) -> bool:
        """Log a walk with minutes no other walk has; say whether it was saved."""
        minutes = float(self._next)
        self._next += 1
        # It ends now and starts when the last one ended: walks never overlap.
        self._freezer.tick(timedelta(minutes=minutes))
        refusal: HomeAssistantError | None = None
        try:
            response = await self._hass.services.async_call(
                DOMAIN,
                "log_walk",
                {"minutes": minutes},
                blocking=True,
                return_response=True,
            )
        except HomeAssistantError as err:
            refusal = err
        await self._hass.async_block_till_done()
        if refusal is not None:
            # Refused because the disk failed, not for anything else.
            assert refusal.translation_key == "save_failed", refusal
            self.refused.append(minutes)
            return False
        assert response is not None
        self.acknowledged[str(response["id"])] = minutes
        return True


class Scenario:
    """One profile on a small disk, with its ledger and the checks."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: MockConfigEntry,
        disk: SmallDisk,
        freezer: FrozenDateTimeFactory,
        persisted: Persisted,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """Hold what the checks need."""
        self.hass = hass
        self.entry = entry
        self.disk = disk
        self.freezer = freezer
        self.persisted = persisted
        self.caplog = caplog
        self.ledger = Ledger(hass, freezer)
        self.seeded: set[str] = set()
        self.path = hass.config.path(".storage", f"{DOMAIN}.{entry.entry_id}")

    async def setup(self) -> None:
        """Add the profile and set it up; let Home Assistant's own saves settle."""
        self.entry.add_to_hass(self.hass)
        assert await self.hass.config_entries.async_setup(self.entry.entry_id)
        await self.hass.async_block_till_done()
        await self.settle()

    async def settle(self) -> None:
        """Let delayed saves (registries) run before the disk fills."""
        await self.advance(timedelta(seconds=15))

    async def advance(self, total: timedelta, step: timedelta | None = None) -> None:
        """Move the clock forward, firing timers on the way."""
        step = step or total
        moved = timedelta()
        while moved < total:
            self.freezer.tick(step)
            moved += step
            async_fire_time_changed(self.hass)
            await self.hass.async_block_till_done()

    async def compact_due(self) -> None:
        """Let the compaction timer fire (a minute after the first unsaved line)."""
        await self.advance(timedelta(seconds=COMPACT_DELAY + 1))

    async def restart(self) -> None:
        """Unload the profile and set it up again from the files on disk."""
        assert await self.hass.config_entries.async_unload(self.entry.entry_id)
        await self.hass.async_block_till_done()
        assert await self.hass.config_entries.async_setup(self.entry.entry_id)
        await self.hass.async_block_till_done()

    def issue(self) -> ir.IssueEntry | None:
        """The profile's issue while its Store file cannot be written."""
        return ir.async_get(self.hass).async_get_issue(
            DOMAIN, f"storage_write_failed_{self.entry.entry_id}"
        )

    def check(self) -> None:
        """The invariants, after a restart: exactly what was acknowledged, once."""
        assert self.entry.state is ConfigEntryState.LOADED
        expected = self.seeded | set(self.ledger.acknowledged)
        # What Home Assistant holds after reading the files.
        loaded = Counter(record.id for record in self.entry.runtime_data.log.records())
        assert set(loaded) == expected
        assert set(loaded.values()) == {1}
        this_week = sum(self.ledger.acknowledged.values())
        assert float(self.hass.states.get(MINUTES_THIS_WEEK).state) == this_week
        # The real files: the Store file holds each walk once, and with the journal
        # replayed (no line unreadable) they give exactly the acknowledged walks.
        stored = read_json(self.path)["data"]
        stored_ids = [walk["id"] for walk in stored["walks"]]
        assert len(stored_ids) == len(set(stored_ids))
        on_disk = Counter(walk["id"] for walk in self.persisted(self.entry)["walks"])
        assert set(on_disk) == expected
        assert set(on_disk.values()) == {1}
        refused = set(self.ledger.refused)
        assert not [
            walk
            for walk in self.persisted(self.entry)["walks"]
            if walk["id"] not in self.seeded and walk["minutes"] in refused
        ]
        # Nothing left behind: no empty segment, no half-written temporary file.
        for number in segment_numbers(self.path):
            assert os.path.getsize(segment_path(self.path, number)) > 0, number
        assert glob.glob(glob.escape(self.path) + ".*.tmp") == []

    def check_log(self, *, warnings: int) -> None:
        """Bounded log: `warnings` warnings from backwalk, no traceback from it."""
        ours = [r for r in self.caplog.records if r.name.startswith(BACKWALK)]
        assert not [r for r in ours if r.exc_info], [r.getMessage() for r in ours]
        loud = [r for r in ours if r.levelno >= logging.WARNING]
        assert len(loud) == warnings, [r.getMessage() for r in loud]
        assert len([r for r in ours if r.levelno >= logging.INFO]) <= warnings + 3
        # Everything else (Home Assistant's own files on the same disk) is bounded too.
        others = [
            r
            for r in self.caplog.records
            if r.levelno >= logging.WARNING
            and r.name != "asyncio"  # debug mode's slow-step notes about the test
            and not r.name.startswith(BACKWALK)
        ]
        assert len(others) <= 12, [r.getMessage()[:120] for r in others]


@pytest.fixture
def scenario(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    small_disk: SmallDisk,
    freezer: FrozenDateTimeFactory,
    persisted: Persisted,
    caplog: pytest.LogCaptureFixture,
) -> Scenario:
    """A profile on a small disk."""
    caplog.set_level(logging.DEBUG, logger=BACKWALK)
    return Scenario(hass, config_entry, small_disk, freezer, persisted, caplog)


async def test_disk_full_during_an_append(scenario: Scenario) -> None:
    """A full disk refuses new entries, leaves no trace of them, and works again later."""
    scenario.seeded = seed(scenario.path)
    await scenario.setup()
    assert await scenario.ledger.walk()
    await scenario.compact_due()  # the next line starts a new segment
    scenario.disk.fill()

    for _ in range(5):
        assert not await scenario.ledger.walk()
    assert segment_numbers(scenario.path) == []  # not even an empty file
    await scenario.restart()
    scenario.check()

    scenario.disk.make_room()
    assert await scenario.ledger.walk()
    assert await scenario.ledger.walk()
    await scenario.restart()
    scenario.check()
    scenario.check_log(warnings=0)


async def test_disk_full_during_compaction(scenario: Scenario) -> None:
    """Lines still fit but the Store file does not: entries kept, retries back off."""
    scenario.seeded = seed(scenario.path)
    await scenario.setup()
    scenario.disk.fill(leave=NEARLY_FULL)

    for _ in range(3):
        assert await scenario.ledger.walk()
    await scenario.compact_due()
    issue = scenario.issue()
    assert issue is not None
    assert issue.translation_key == "storage_full"
    assert await scenario.ledger.walk()
    assert await scenario.ledger.walk()
    # Six idle hours of the outage: nothing louder than a debug line per retry.
    records = len(scenario.caplog.records)
    await scenario.advance(timedelta(hours=6), timedelta(minutes=5))
    later = scenario.caplog.records[records:]
    assert not [
        r.getMessage()
        for r in later
        if r.name.startswith(BACKWALK) and r.levelno > logging.DEBUG
    ]
    assert len([r for r in later if r.name.startswith(BACKWALK)]) <= 10
    assert scenario.issue() is not None

    # A restart during the outage loses nothing (the journal is replayed).
    await scenario.restart()
    scenario.check()

    # Space comes back: the next retry writes the Store file and clears the issue.
    scenario.disk.make_room()
    await scenario.advance(timedelta(hours=1), timedelta(minutes=5))
    assert scenario.issue() is None
    assert segment_numbers(scenario.path) == []
    stored = read_json(scenario.path)["data"]
    # The seeded walks are old: archived.
    assert len(stored["walks"]) + stored["archive"]["count"] == SEEDED + 5
    await scenario.restart()
    scenario.check()
    # One warning for the whole outage (the restart's first try found room).
    scenario.check_log(warnings=1)


async def test_disk_full_during_a_storage_migration(scenario: Scenario) -> None:
    """An old minor version is migrated on a full disk: it loads, nothing is lost."""
    scenario.seeded = seed(scenario.path, minor_version=1)
    old = read_bytes(scenario.path)
    scenario.disk.fill(leave=NEARLY_FULL)
    await scenario.setup()
    # The migrated file could not be written: the old one is there as it was.
    assert read_bytes(scenario.path) == old
    assert scenario.entry.state is ConfigEntryState.LOADED

    assert await scenario.ledger.walk()
    assert await scenario.ledger.walk()
    await scenario.restart()
    scenario.check()
    assert read_bytes(scenario.path) == old

    scenario.disk.make_room()
    await scenario.advance(timedelta(hours=1), timedelta(minutes=5))
    stored = read_json(scenario.path)
    assert (stored["version"], stored["minor_version"]) == (2, 1)
    assert scenario.issue() is None
    await scenario.restart()
    scenario.check()
    # The migrated file could not be written at either start (one warning each),
    # and the first compaction failed (one warning; its retries are debug lines).
    scenario.check_log(warnings=3)


async def test_read_only_storage(scenario: Scenario) -> None:
    """Read-only storage: entries refused, saved ones kept, all written once it works."""
    scenario.seeded = seed(scenario.path)
    await scenario.setup()
    assert await scenario.ledger.walk()
    scenario.disk.read_only()
    try:
        assert not await scenario.ledger.walk()
        await scenario.compact_due()
        issue = scenario.issue()
        assert issue is not None
        assert issue.translation_key == "storage_not_writable"
        assert issue.severity is ir.IssueSeverity.ERROR
        await scenario.restart()
        scenario.check()
    finally:
        scenario.disk.writable()

    await scenario.compact_due()
    assert scenario.issue() is None
    assert await scenario.ledger.walk()
    await scenario.restart()
    scenario.check()
    scenario.check_log(warnings=1)


async def test_space_returns_mid_outage(scenario: Scenario) -> None:
    """Full, then nearly full, then room: each entry is saved or refused, never lost."""
    scenario.seeded = seed(scenario.path)
    await scenario.setup()
    assert await scenario.ledger.walk()
    await scenario.compact_due()
    scenario.disk.fill()
    assert not await scenario.ledger.walk()
    scenario.disk.make_room()
    scenario.disk.fill(leave=NEARLY_FULL)
    assert await scenario.ledger.walk()
    await scenario.compact_due()
    assert scenario.issue() is not None
    await scenario.restart()
    scenario.check()

    scenario.disk.make_room()
    await scenario.advance(timedelta(hours=1), timedelta(minutes=5))
    assert scenario.issue() is None
    assert await scenario.ledger.walk()
    await scenario.restart()
    scenario.check()
    scenario.check_log(warnings=1)
