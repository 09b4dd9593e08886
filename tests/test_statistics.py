"""Long-term statistics through Home Assistant's real recorder (SQLite).

What a statistics-graph card reads is what is checked here: the recorder's rows of the
profile's walking minutes (per hour, with the running sum) and pain (per day).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.components.recorder.models import (
    StatisticData,
    StatisticMeanType,
    StatisticMetaData,
)
from homeassistant.components.recorder.statistics import (
    async_add_external_statistics,
    statistics_during_period,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.backwalk import statistics as backwalk_statistics
from custom_components.backwalk.archive_codec import ArchiveWriter
from custom_components.backwalk.codec import ProfileData, encode
from custom_components.backwalk.const import DOMAIN
from custom_components.backwalk.model import PainReport, Record, Settings, Walk, WalkLog
from custom_components.backwalk.statistics import (
    START_DELAY,
    WRITE_DELAY,
    statistic_ids,
)

NOW = "2026-03-10T12:00:00+00:00"
# Set up a minute before NOW: the statistics start once START_DELAY has passed.
BEFORE = "2026-03-10T11:59:00+00:00"
UTC_HOUR = timedelta(hours=1)


def _utc(text: str) -> datetime:
    moment = dt_util.parse_datetime(text)
    assert moment is not None
    return moment


async def _settle(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, delay: float
) -> None:
    """Let `delay` seconds pass, then wait until the recorder has written everything."""
    freezer.tick(timedelta(seconds=delay + 1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    await async_wait_recording_done(hass)


async def _rows(
    hass: HomeAssistant, statistic_id: str, types: set[Any], period: str = "hour"
) -> list[dict[str, Any]]:
    found = await get_instance(hass).async_add_executor_job(
        statistics_during_period,
        hass,
        _utc("2000-01-01T00:00:00+00:00"),
        None,
        {statistic_id},
        period,
        None,
        types,
    )
    return [
        {
            "start": dt_util.utc_from_timestamp(row["start"]).isoformat(),
            **{kind: row.get(kind) for kind in sorted(types)},
        }
        for row in found.get(statistic_id, [])
    ]


async def _minutes(
    hass: HomeAssistant, entry: MockConfigEntry
) -> list[tuple[str, float, float]]:
    rows = await _rows(hass, statistic_ids(entry.entry_id)[0], {"state", "sum"})
    return [(row["start"], row["state"], row["sum"]) for row in rows]


async def _setup(
    hass: HomeAssistant, entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    await hass.config.async_set_time_zone("Europe/Berlin")
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await _settle(hass, freezer, START_DELAY)


async def _log_walk(
    hass: HomeAssistant, minutes: float, started: str | None = None
) -> str:
    data: dict[str, Any] = {"minutes": minutes}
    if started is not None:
        data["started"] = started
    response = await hass.services.async_call(
        DOMAIN, "log_walk", data, blocking=True, return_response=True
    )
    assert response is not None
    return str(response["id"])


@pytest.fixture
def mock_recorder_before_hass(async_setup_recorder_instance: Any) -> None:
    """Prepare the recorder's database before Home Assistant starts (as core does)."""


@pytest.fixture
def spy_writes() -> Any:
    """Count the statistics backwalk writes (the real writer still runs)."""
    with patch.object(
        backwalk_statistics,
        "async_add_external_statistics",
        wraps=async_add_external_statistics,
    ) as spy:
        yield spy


async def test_backdated_walk_moves_its_hours_and_every_later_sum(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A walk logged two days late lands in its own hours; later sums grow with it."""
    freezer.move_to(BEFORE)
    await _setup(hass, config_entry, freezer)
    freezer.move_to(NOW)
    await _log_walk(hass, 30)  # 11:30-12:00 UTC today
    await _settle(hass, freezer, WRITE_DELAY)
    assert await _minutes(hass, config_entry) == [
        ("2026-03-10T11:00:00+00:00", 30.0, 30.0)
    ]

    # 09:50-10:10 UTC two days ago: ten minutes in each of two hours.
    backdated = await _log_walk(hass, 20, "2026-03-08T10:50:00+01:00")
    await _settle(hass, freezer, WRITE_DELAY)
    assert await _minutes(hass, config_entry) == [
        ("2026-03-08T09:00:00+00:00", 10.0, 10.0),
        ("2026-03-08T10:00:00+00:00", 10.0, 20.0),
        ("2026-03-10T11:00:00+00:00", 30.0, 50.0),
    ]
    # What a statistics-graph card shows per day: the change of the sum.
    days = await _rows(
        hass, statistic_ids(config_entry.entry_id)[0], {"change"}, period="day"
    )
    assert [(row["start"], row["change"]) for row in days] == [
        ("2026-03-07T23:00:00+00:00", 20.0),  # March 8 in Berlin
        ("2026-03-09T23:00:00+00:00", 30.0),
    ]

    # Deleted again: its hours keep a row with no minutes, later sums shrink back.
    await hass.services.async_call(
        DOMAIN, "delete_entry", {"entry_id": backdated}, blocking=True
    )
    await _settle(hass, freezer, WRITE_DELAY)
    assert await _minutes(hass, config_entry) == [
        ("2026-03-08T09:00:00+00:00", 0.0, 0.0),
        ("2026-03-08T10:00:00+00:00", 0.0, 0.0),
        ("2026-03-10T11:00:00+00:00", 30.0, 30.0),
    ]


async def test_undo_takes_the_minutes_back(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Undoing the last walk removes its minutes from the statistics."""
    freezer.move_to(NOW)
    await _setup(hass, config_entry, freezer)
    await _log_walk(hass, 45)
    await hass.services.async_call(DOMAIN, "undo_last", {}, blocking=True)
    await _settle(hass, freezer, WRITE_DELAY)
    # Written once the burst was over: nothing to show, nothing written.
    assert await _minutes(hass, config_entry) == []


async def test_pain_per_day_follows_reports_and_corrections(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A day's row holds the mean, lowest and highest report; a correction changes it."""
    freezer.move_to("2026-03-10T07:00:00+00:00")
    await _setup(hass, config_entry, freezer)
    await hass.services.async_call(DOMAIN, "report_pain", {"level": 2}, blocking=True)
    freezer.move_to("2026-03-10T15:00:00+00:00")
    await hass.services.async_call(DOMAIN, "report_pain", {"level": 9}, blocking=True)
    await _settle(hass, freezer, WRITE_DELAY)
    pain_id = statistic_ids(config_entry.entry_id)[1]
    # One row per Berlin day, at its first hour (23:00 UTC the evening before).
    assert await _rows(hass, pain_id, {"mean", "min", "max"}) == [
        {"start": "2026-03-09T23:00:00+00:00", "max": 9.0, "mean": 5.5, "min": 2.0}
    ]

    # The 9 was a mis-tap: corrected to 4 within the correction window.
    await hass.services.async_call(DOMAIN, "correct_pain", {"level": 4}, blocking=True)
    await _settle(hass, freezer, WRITE_DELAY)
    assert await _rows(hass, pain_id, {"mean", "min", "max"}) == [
        {"start": "2026-03-09T23:00:00+00:00", "max": 4.0, "mean": 3.0, "min": 2.0}
    ]


def _history() -> dict[str, Any]:
    """Three walks and two pain reports over two weeks, as an earlier run stored them."""
    records: list[Record] = [
        Walk(id="w1", start=_utc("2026-02-23T08:00:00+00:00"), minutes=30),
        Walk(id="w2", start=_utc("2026-02-25T17:40:00+00:00"), minutes=40),
        Walk(id="w3", start=_utc("2026-03-03T09:15:00+00:00"), minutes=20),
        PainReport(id="p1", time=_utc("2026-02-25T08:00:00+00:00"), level=6),
        PainReport(id="p2", time=_utc("2026-03-03T08:00:00+00:00"), level=3),
    ]
    return dict(encode(ProfileData(records=records)))


def _store(
    hass_storage: dict[str, Any],
    entry: MockConfigEntry,
    data: dict[str, Any],
    version: tuple[int, int],
) -> None:
    """Put a Store file as an earlier run left it (of that storage version)."""
    hass_storage[f"{DOMAIN}.{entry.entry_id}"] = {
        "version": version[0],
        "minor_version": version[1],
        "key": f"{DOMAIN}.{entry.entry_id}",
        "data": data,
    }


async def test_history_is_imported_once(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    spy_writes: Any,
) -> None:
    """A profile with history fills the statistics once; a reload writes nothing."""
    freezer.move_to(NOW)
    _store(hass_storage, config_entry, _history(), version=(1, 3))
    await _setup(hass, config_entry, freezer)
    assert await _minutes(hass, config_entry) == [
        ("2026-02-23T08:00:00+00:00", 30.0, 30.0),
        ("2026-02-25T17:00:00+00:00", 20.0, 50.0),
        ("2026-02-25T18:00:00+00:00", 20.0, 70.0),
        ("2026-03-03T09:00:00+00:00", 20.0, 90.0),
    ]
    weeks = await _rows(
        hass, statistic_ids(config_entry.entry_id)[0], {"change"}, period="week"
    )
    assert [row["change"] for row in weeks] == [70.0, 20.0]
    pain = await _rows(hass, statistic_ids(config_entry.entry_id)[1], {"mean"})
    assert [row["mean"] for row in pain] == [6.0, 3.0]
    assert spy_writes.call_count == 2  # minutes and pain, each in one write

    # A restart (here a reload) compares and finds nothing to write.
    assert await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done()
    await _settle(hass, freezer, START_DELAY)
    assert spy_writes.call_count == 2
    assert len(await _minutes(hass, config_entry)) == 4


async def test_interrupted_import_is_completed(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    spy_writes: Any,
) -> None:
    """Rows already in the database are kept; only the missing ones are written."""
    freezer.move_to(NOW)
    _store(hass_storage, config_entry, _history(), version=(1, 3))
    minutes_id, _pain_id = statistic_ids(config_entry.entry_id)
    # An earlier run got as far as the first two hours.
    async_add_external_statistics(
        hass,
        StatisticMetaData(
            mean_type=StatisticMeanType.NONE,
            has_sum=True,
            name="Alex walking minutes",
            source=DOMAIN,
            statistic_id=minutes_id,
            unit_class="duration",
            unit_of_measurement="min",
        ),
        [
            StatisticData(start=_utc("2026-02-23T08:00:00+00:00"), state=30, sum=30),
            StatisticData(start=_utc("2026-02-25T17:00:00+00:00"), state=20, sum=50),
        ],
    )
    await async_wait_recording_done(hass)
    await _setup(hass, config_entry, freezer)
    minutes_writes = [
        call.args[2]
        for call in spy_writes.call_args_list
        if call.args[1]["statistic_id"] == minutes_id
    ]
    assert [[row["start"].isoformat() for row in rows] for rows in minutes_writes] == [
        ["2026-02-25T18:00:00+00:00", "2026-03-03T09:00:00+00:00"]
    ]
    assert [row[2] for row in await _minutes(hass, config_entry)] == [30, 50, 70, 90]


async def test_without_recorder_nothing_is_kept(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """The recorder is optional: without it the profile works, with no statistics."""
    assert "recorder" not in hass.config.components
    assert loaded_entry.runtime_data.statistics is None
    await _log_walk(hass, 10)
    state = hass.states.get("sensor.alex_walking_minutes_today")
    assert state is not None
    assert state.state == "10.0"


async def test_removed_profile_takes_its_statistics(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Deleting a profile deletes its statistics too."""
    freezer.move_to(NOW)
    await _setup(hass, config_entry, freezer)
    await _log_walk(hass, 30)
    await _settle(hass, freezer, WRITE_DELAY)
    assert await _minutes(hass, config_entry)
    assert await hass.config_entries.async_remove(config_entry.entry_id)
    await hass.async_block_till_done()
    await async_wait_recording_done(hass)
    assert await _minutes(hass, config_entry) == []


async def test_archived_history_is_imported_too(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    spy_writes: Any,
) -> None:
    """Walks in the Store file's archive (older than eight weeks) are counted too."""
    freezer.move_to(NOW)
    tz = dt_util.get_time_zone("Europe/Berlin")
    assert tz is not None
    records: list[Record] = [
        Walk(id="old", start=_utc("2025-10-01T08:00:00+00:00"), minutes=30),
        Walk(id="new", start=_utc("2026-03-03T09:15:00+00:00"), minutes=20),
    ]
    log = WalkLog(tz, records)
    archive, live = ArchiveWriter().archive(log, Settings(), _utc(NOW).date())
    assert archive is not None
    assert [record.id for record in live] == ["new"]
    _store(
        hass_storage,
        config_entry,
        dict(encode(ProfileData(records=live, archive=archive))),
        version=(2, 1),
    )
    await _setup(hass, config_entry, freezer)
    assert await _minutes(hass, config_entry) == [
        ("2025-10-01T08:00:00+00:00", 30.0, 30.0),
        ("2026-03-03T09:00:00+00:00", 20.0, 50.0),
    ]

    # A restart: the rows before the archive's cutoff match its totals, so the
    # archive is neither compared nor decoded, and nothing is written.
    writes = spy_writes.call_count
    assert await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done()
    await _settle(hass, freezer, START_DELAY)
    log = config_entry.runtime_data.log
    assert log.archive is not None
    assert spy_writes.call_count == writes
    # A walk now: written, still without decoding the archive.
    await _log_walk(hass, 15, "2026-03-10T12:10:00+01:00")
    await _settle(hass, freezer, WRITE_DELAY)
    assert log.archive is not None
    rows = await _minutes(hass, config_entry)
    assert rows[-1][2] == 65.0
    # A walk logged before the cutoff: the archive is decoded, every later sum moves.
    await _log_walk(hass, 10, "2025-11-02T10:00:00+00:00")
    await _settle(hass, freezer, WRITE_DELAY)
    assert log.archive is None
    rows = await _minutes(hass, config_entry)
    assert [row[2] for row in rows[:3]] == [30.0, 40.0, 60.0]
    assert rows[-1][2] == 75.0
    assert rows[1] == ("2025-11-02T10:00:00+00:00", 10.0, 40.0)


async def test_a_walk_across_midnight_and_the_autumn_clock_change(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Berlin's clocks go back at 03:00 on 2026-10-25: that day has 25 hours.

    A walk from 23:40 to 00:20 counts 20 minutes in each day; one through the repeated
    hour counts in the two real hours it lasted; the pain rows stand at each local
    day's first hour, the long day's included.
    """
    freezer.move_to("2026-10-25T12:00:00+00:00")
    await _setup(hass, config_entry, freezer)
    await _log_walk(hass, 40, "2026-10-24T23:40:00+02:00")
    await _log_walk(hass, 60, "2026-10-25T02:30:00+02:00")  # to 02:30 CET
    await hass.services.async_call(DOMAIN, "report_pain", {"level": 4}, blocking=True)
    await _settle(hass, freezer, WRITE_DELAY)
    assert await _minutes(hass, config_entry) == [
        ("2026-10-24T21:00:00+00:00", 20.0, 20.0),
        ("2026-10-24T22:00:00+00:00", 20.0, 40.0),
        ("2026-10-25T00:00:00+00:00", 30.0, 70.0),
        ("2026-10-25T01:00:00+00:00", 30.0, 100.0),
    ]
    days = await _rows(
        hass, statistic_ids(config_entry.entry_id)[0], {"change"}, period="day"
    )
    assert [(row["start"], row["change"]) for row in days] == [
        ("2026-10-23T22:00:00+00:00", 20.0),  # October 24
        ("2026-10-24T22:00:00+00:00", 80.0),  # October 25, 25 hours long
    ]
    pain_id = statistic_ids(config_entry.entry_id)[1]
    assert await _rows(hass, pain_id, {"mean"}) == [
        {"start": "2026-10-24T22:00:00+00:00", "mean": 4.0}
    ]


async def test_another_time_zone_moves_the_pain_days(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A report at 00:30 in Berlin is the evening before in New York.

    Moved to New York, the report's day row follows: the Berlin day's row is left
    empty (a gap) and New York's day has the report.
    """
    freezer.move_to("2026-03-10T23:30:00+00:00")
    await _setup(hass, config_entry, freezer)
    await hass.services.async_call(DOMAIN, "report_pain", {"level": 6}, blocking=True)
    await _settle(hass, freezer, WRITE_DELAY)
    pain_id = statistic_ids(config_entry.entry_id)[1]
    assert await _rows(hass, pain_id, {"mean"}) == [
        {"start": "2026-03-10T23:00:00+00:00", "mean": 6.0}  # March 11 in Berlin
    ]
    await hass.config.async_update(time_zone="America/New_York")
    await _settle(hass, freezer, WRITE_DELAY)
    assert await _rows(hass, pain_id, {"mean"}) == [
        {"start": "2026-03-10T04:00:00+00:00", "mean": 6.0},  # March 10 in New York
        {"start": "2026-03-10T23:00:00+00:00", "mean": None},
    ]


async def test_foreign_events_change_nothing(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Anyone may fire backwalk's event: one with no sense in it is passed over.

    (A walk without a start, pain without a time, a kind with no statistics.) The
    next real walk is written as usual.
    """
    freezer.move_to(NOW)
    await _setup(hass, config_entry, freezer)
    entry_id = config_entry.entry_id
    for data in (
        {"type": "walk", "start": "yesterday"},
        {"type": "pain", "time": None},
        {"type": "stretch", "time": NOW},
    ):
        hass.bus.async_fire("backwalk_logged", {"entry_id": entry_id, **data})
    await _settle(hass, freezer, WRITE_DELAY)
    assert await _minutes(hass, config_entry) == []
    await _log_walk(hass, 15, "2026-03-10T12:10:00+01:00")
    await _settle(hass, freezer, WRITE_DELAY)
    assert await _minutes(hass, config_entry) == [
        ("2026-03-10T11:00:00+00:00", 15.0, 15.0)
    ]


async def test_an_unload_before_the_write_writes_nothing_after_it(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Unloaded within the write delay: nothing is written for it until it loads again.

    The next start compares the log with the rows and writes the walk then.
    """
    freezer.move_to(NOW)
    await _setup(hass, config_entry, freezer)
    await _log_walk(hass, 25, "2026-03-10T12:10:00+01:00")
    assert await hass.config_entries.async_unload(config_entry.entry_id)
    await _settle(hass, freezer, WRITE_DELAY)
    assert await _minutes(hass, config_entry) == []
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await _settle(hass, freezer, START_DELAY)
    assert await _minutes(hass, config_entry) == [
        ("2026-03-10T11:00:00+00:00", 25.0, 25.0)
    ]


async def test_an_unreadable_archive_still_lets_the_recent_rows_be_written(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """The archive's text is damaged and the statistics are empty (a new database).

    The archived hours cannot be counted (a repair says why); the walks and pain
    after its cutoff are written, at the first start and after each change.
    """
    freezer.move_to(NOW)
    tz = dt_util.get_time_zone("Europe/Berlin")
    assert tz is not None
    records: list[Record] = [
        Walk(id="old", start=_utc("2025-10-01T08:00:00+00:00"), minutes=30),
        Walk(id="new", start=_utc("2026-03-03T09:15:00+00:00"), minutes=20),
        PainReport(id="p", time=_utc("2026-03-03T08:00:00+00:00"), level=3),
    ]
    archive, live = ArchiveWriter().archive(
        WalkLog(tz, records), Settings(), _utc(NOW).date()
    )
    assert archive is not None
    stored = dict(encode(ProfileData(records=live, archive=archive)))
    stored["archive"] = {**stored["archive"], "records": "[damaged"}
    _store(hass_storage, config_entry, stored, version=(2, 1))
    await _setup(hass, config_entry, freezer)
    assert await _minutes(hass, config_entry) == [
        ("2026-03-03T09:00:00+00:00", 20.0, 20.0)
    ]
    pain = await _rows(hass, statistic_ids(config_entry.entry_id)[1], {"mean"})
    assert [row["mean"] for row in pain] == [3.0]
    await _log_walk(hass, 15, "2026-03-10T12:10:00+01:00")
    await _settle(hass, freezer, WRITE_DELAY)
    assert (await _minutes(hass, config_entry))[-1] == (
        "2026-03-10T11:00:00+00:00",
        15.0,
        35.0,
    )
