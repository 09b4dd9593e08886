"""Storage 2.1: old records archived, decoded only when needed; files of 1.x migrated.

Through Home Assistant with real files: what a person sees (the sensors) must not
change when records move into the archive, and a change to an archived record must
survive a crash before the Store file is rewritten.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
import glob
from http import HTTPStatus
import json
import os
from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.auth.models import User
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.backwalk import compaction as compaction_module
from custom_components.backwalk.archive_codec import KEEP_WEEKS
from custom_components.backwalk.const import DOMAIN
from custom_components.backwalk.report import report_path
from tests.test_report import token_for

NOW = datetime.fromisoformat("2026-11-25T12:00:00+00:00")  # a Wednesday
DAYS = 400
SENSORS = (
    "sensor.alex_walking_minutes_this_week",
    "sensor.alex_current_streak",
    "sensor.alex_longest_streak",
    "sensor.alex_weekly_streak",
    "sensor.alex_target_minutes_today",
    "sensor.alex_last_walk",
    "sensor.alex_pain_today",
)

pytestmark = pytest.mark.usefixtures("real_storage")


@pytest.fixture(autouse=True)
async def frozen_time(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """A Wednesday noon in Berlin."""
    await hass.config.async_set_time_zone("Europe/Berlin")
    freezer.move_to(NOW)


def _path(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    return hass.config.path(".storage", f"{DOMAIN}.{entry.entry_id}")


def _history() -> dict[str, Any]:
    """A walk every day but every ninth for 400 days, and a pain report each week."""
    walks, pains = [], []
    for back in range(1, DAYS + 1):
        day = NOW - timedelta(days=back)
        if back % 9:
            walks.append(
                {
                    "id": f"w{back}",
                    "start": day.replace(hour=7).isoformat(),
                    "minutes": 10 + back % 25,
                    "distance_km": None,
                    "source": "manual",
                    "note": None,
                }
            )
        if back % 7 == 0:
            pains.append(
                {
                    "id": f"p{back}",
                    "time": day.replace(hour=18).isoformat(),
                    "level": back % 10,
                    "note": 'a note, "quoted"',
                }
            )
    return {
        "walks": walks,
        "pain_reports": pains,
        "stretches": [],
        "alternatives": [],
        "live_walk_started": None,
        "reminders": {},
        "tracking": {},
        "journal_from": 0,
    }


def _write_old_file(path: str, history: dict[str, Any] | None = None) -> None:
    """A Store file as backwalk 1.3 wrote it (of `history`, else _history())."""
    data = history if history is not None else _history()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    Path(path).write_text(
        json.dumps(
            {"version": 1, "minor_version": 3, "key": "backwalk.x", "data": data}
        ),
        encoding="utf-8",
    )


def _shown(hass: HomeAssistant) -> dict[str, str]:
    shown = {}
    for entity_id in SENSORS:
        state = hass.states.get(entity_id)
        assert state is not None, entity_id
        shown[entity_id] = state.state
    return shown


async def _setup(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    if entry.entry_id not in {
        item.entry_id for item in hass.config_entries.async_entries()
    }:
        entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def _unload(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


def _size(path: str) -> int:
    return os.path.getsize(path)


def _files(path: str) -> dict[str, bytes]:
    """The profile's files (Store file and journal) as they are now."""
    return {
        name: Path(name).read_bytes() for name in glob.glob(glob.escape(path) + "*")
    }


def _put_back(path: str, files: dict[str, bytes]) -> None:
    """Make the profile's files what they were (a crash lost what came after)."""
    for name in glob.glob(glob.escape(path) + "*"):
        os.remove(name)
    for name, content in files.items():
        Path(name).write_bytes(content)


def _stored(path: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    return document


async def test_old_file_loads_and_is_archived_without_changing_anything(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """A 1.3 file loads as it was; after the next rewrite old records are archived.

    The sensors read the same before and after, and a start with the archive does not
    decode it.
    """
    path = _path(hass, config_entry)
    _write_old_file(path)
    await _setup(hass, config_entry)
    before = _shown(hass)
    assert before["sensor.alex_longest_streak"] == "8"
    assert len(config_entry.runtime_data.log) == 400 - 44 + 57
    # The records are all there, none archived yet: the unload rewrites the file.
    await _unload(hass, config_entry)
    stored = _stored(path)
    assert (stored["version"], stored["minor_version"]) == (2, 1)
    archive = stored["data"]["archive"]
    cutoff = datetime.fromisoformat(archive["cutoff"])
    assert (
        NOW - timedelta(weeks=KEEP_WEEKS + 1)
        < cutoff
        <= NOW - timedelta(weeks=KEEP_WEEKS)
    )
    live = stored["data"]["walks"] + stored["data"]["pain_reports"]
    assert archive["count"] + len(live) == 400 - 44 + 57
    assert all(
        datetime.fromisoformat(item.get("start") or item["time"]) >= cutoff
        for item in live
    )
    assert _size(path) < 0.7 * len(json.dumps(_history(), indent=2))

    await _setup(hass, config_entry)
    log = config_entry.runtime_data.log
    assert log.archive is not None  # not decoded to start
    assert _shown(hass) == before
    assert len(log) == 400 - 44 + 57
    # A walk today, a pain report: still nothing decoded.
    await hass.services.async_call(DOMAIN, "log_walk", {"minutes": 20}, blocking=True)
    await hass.services.async_call(DOMAIN, "report_pain", {"level": 3}, blocking=True)
    assert log.archive is not None
    # The report of the last 12 weeks (the default) reaches into it: decoded then.
    report = await hass.services.async_call(
        DOMAIN, "create_report", {}, blocking=True, return_response=True
    )
    assert report is not None
    assert len(report["weeks"]) == 12
    assert log.archive is None
    await _unload(hass, config_entry)
    assert _stored(path)["data"]["archive"]["records"] == archive["records"]


async def test_changing_an_archived_record_survives_a_crash(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Deleting an archived walk and logging one a year back, then a crash: both kept."""
    path = _path(hass, config_entry)
    _write_old_file(path)
    await _setup(hass, config_entry)
    await _unload(hass, config_entry)  # archives
    await _setup(hass, config_entry)
    monkeypatch.setattr(compaction_module, "COMPACT_DELAY", 10**6)  # no rewrite
    await hass.services.async_call(
        DOMAIN, "delete_entry", {"entry_id": "w100"}, blocking=True
    )
    # A walk on the day every ninth day left out, 18 days back: the longest run grows.
    await hass.services.async_call(
        DOMAIN,
        "log_walk",
        {"minutes": 30, "started": (NOW - timedelta(days=18)).replace(hour=9)},
        blocking=True,
    )
    expected = _shown(hass)
    files = _files(path)
    await _unload(hass, config_entry)
    # The crash: the files as they were before the unload rewrote the Store file.
    _put_back(path, files)

    await _setup(hass, config_entry)
    log = config_entry.runtime_data.log
    assert "w100" not in log
    assert _shown(hass) == expected
    await _unload(hass, config_entry)
    await _setup(hass, config_entry)
    assert "w100" not in config_entry.runtime_data.log
    assert _shown(hass) == expected


async def test_an_old_day_is_shown_from_the_archive(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """Asking for archived records (the history action) decodes them and answers."""
    path = _path(hass, config_entry)
    _write_old_file(path)
    await _setup(hass, config_entry)
    await _unload(hass, config_entry)
    await _setup(hass, config_entry)
    start = NOW - timedelta(days=300, hours=12)
    response = await hass.services.async_call(
        DOMAIN,
        "get_history",
        {"start": start, "end": start + timedelta(days=1)},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    assert [item["id"] for item in response["walks"]] == ["w300"]
    assert config_entry.runtime_data.log.archive is None


def _change_archive(path: str, **values: object) -> None:
    """Set values of the archive's outline in the Store file."""
    document = _stored(path)
    document["data"]["archive"].update(values)
    Path(path).write_text(json.dumps(document), encoding="utf-8")


def _corrupt_archive(path: str) -> str:
    """Damage the archived records' text in the Store file; return the damaged text."""
    document = _stored(path)
    archive = document["data"]["archive"]
    archive["records"] = "[garbage" + archive["records"][1:]
    Path(path).write_text(json.dumps(document), encoding="utf-8")
    return str(archive["records"])


async def _refused(hass: HomeAssistant, action: str, data: dict[str, Any]) -> str:
    with pytest.raises(ServiceValidationError) as refused:
        await hass.services.async_call(
            DOMAIN,
            action,
            data,
            blocking=True,
            return_response=action in {"get_history", "create_report"},
        )
    assert refused.value.translation_placeholders == {"cutoff": "2026-09-28"}
    return str(refused.value.translation_key)


async def test_an_unreadable_archive_is_kept_and_said_so(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """Archived records that cannot be read are never dropped from the file.

    What needs them is refused with a translated error and a repair says which file
    holds them; today's walks, the sensors and a change of the goal go on.
    """
    path = _path(hass, config_entry)
    _write_old_file(path)
    await _setup(hass, config_entry)
    await _unload(hass, config_entry)
    count = _stored(path)["data"]["archive"]["count"]
    damaged = _corrupt_archive(path)
    await _setup(hass, config_entry)
    shown = _shown(hass)
    assert shown["sensor.alex_longest_streak"] == "8"

    old = NOW - timedelta(days=300, hours=12)
    refusals = [
        await _refused(
            hass, "get_history", {"start": old, "end": old + timedelta(days=1)}
        ),
        await _refused(hass, "delete_entry", {"entry_id": "w100"}),
        await _refused(hass, "log_walk", {"minutes": 30, "started": old}),
        await _refused(hass, "create_report", {}),
    ]
    assert refusals == ["archive_unreadable"] * 4
    issue = ir.async_get(hass).async_get_issue(
        DOMAIN, f"archive_unreadable_{config_entry.entry_id}"
    )
    assert issue is not None
    assert issue.translation_placeholders == {
        "profile": "Alex",
        "path": path,
        "cutoff": "2026-09-28",
    }
    await hass.services.async_call(DOMAIN, "log_walk", {"minutes": 20}, blocking=True)
    today = hass.states.get("sensor.alex_walking_minutes_today")
    assert today is not None
    assert float(today.state) == 20
    streaks = {
        name: _shown(hass)[name]
        for name in ("sensor.alex_current_streak", "sensor.alex_longest_streak")
    }
    assert streaks["sensor.alex_longest_streak"] == "9"  # today's walk added a day

    # Another goal (the options page saves, then reloads): the streaks are counted
    # on from the archive's checkpoint.
    hass.config_entries.async_update_entry(
        config_entry, options={**config_entry.options, "walks_per_week": 4}
    )
    assert await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED
    assert {name: _shown(hass)[name] for name in streaks} == streaks
    await _unload(hass, config_entry)
    archive = _stored(path)["data"]["archive"]
    assert (archive["records"], archive["count"]) == (damaged, count)


async def test_a_journal_change_to_an_unreadable_archive_keeps_the_file_aside(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A deletion of an archived walk still in the journal, and the archive damaged.

    The deletion cannot be applied: the file is kept aside whole and the storage
    repair says so, as for any unreadable file.
    """
    path = _path(hass, config_entry)
    _write_old_file(path)
    await _setup(hass, config_entry)
    await _unload(hass, config_entry)
    await _setup(hass, config_entry)
    monkeypatch.setattr(compaction_module, "COMPACT_DELAY", 10**6)  # no rewrite
    await hass.services.async_call(
        DOMAIN, "delete_entry", {"entry_id": "w100"}, blocking=True
    )
    files = _files(path)
    await _unload(hass, config_entry)
    _put_back(path, files)  # a crash before the Store file was rewritten
    damaged = _corrupt_archive(path)

    assert not await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    issue = ir.async_get(hass).async_get_issue(
        DOMAIN, f"storage_unreadable_{config_entry.entry_id}"
    )
    assert issue is not None
    assert issue.translation_placeholders is not None
    aside = issue.translation_placeholders["aside"]
    assert path not in _files(path)  # the next start asks again, loses nothing
    assert _stored(aside)["data"]["archive"]["records"] == damaged


async def test_the_report_download_of_an_unreadable_archive_says_so(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    hass_admin_user: User,
) -> None:
    """The printable report reaching into archived records that cannot be read.

    A clear refusal (409, no server error); the last weeks' report still downloads.
    """
    assert await async_setup_component(hass, "http", {})
    path = _path(hass, config_entry)
    _write_old_file(path)
    await _setup(hass, config_entry)
    await _unload(hass, config_entry)
    _corrupt_archive(path)
    await _setup(hass, config_entry)
    client = await hass_client(await token_for(hass, hass_admin_user))
    entry_id = config_entry.entry_id
    old = await client.get(
        report_path(entry_id, date(2026, 1, 5), date(2026, 3, 29), "html")
    )
    assert old.status == HTTPStatus.CONFLICT
    assert (await old.json())["message"] == "Records unreadable"
    recent = await client.get(
        report_path(entry_id, date(2026, 10, 5), date(2026, 11, 25), "html")
    )
    assert recent.status == HTTPStatus.OK


@pytest.mark.parametrize(
    ("checkpoint", "totals"),
    [
        ("none", {"walk_sum": "many", "pain_days": 3}),
        ({"day_run": "8"}, {"walk_sum": 10.0, "pain_days": 2.5}),
        ({"settings": {"walks_per_week": 3}}, None),
    ],
)
async def test_damaged_archive_results_are_counted_again(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    checkpoint: object,
    totals: object,
) -> None:
    """The streaks at the cutoff, or the statistics totals, cannot be read.

    They only save work: the profile loads, counts from the records, and shows what
    it showed before.
    """
    path = _path(hass, config_entry)
    _write_old_file(path)
    await _setup(hass, config_entry)
    await _unload(hass, config_entry)
    await _setup(hass, config_entry)
    before = _shown(hass)
    await _unload(hass, config_entry)
    _change_archive(path, checkpoint=checkpoint, totals=totals)
    await _setup(hass, config_entry)
    assert config_entry.state is ConfigEntryState.LOADED
    assert _shown(hass) == before


async def test_diagnostics_of_an_unreadable_archive_download(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """Diagnostics are what a user sends when something is wrong: they still download.

    The counts show the records that could be read and how many are archived
    unreadable.
    """
    assert await async_setup_component(hass, "diagnostics", {})
    path = _path(hass, config_entry)
    _write_old_file(path)
    await _setup(hass, config_entry)
    await _unload(hass, config_entry)
    count = _stored(path)["data"]["archive"]["count"]
    _corrupt_archive(path)
    await _setup(hass, config_entry)
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, config_entry
    )
    counts = diagnostics["counts"]
    assert counts["archived_unreadable"] == count
    assert sum(counts.values()) == 400 - 44 + 57


async def test_the_calendar_shows_what_an_unreadable_archive_leaves(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    hass_admin_user: User,
) -> None:
    """Browsing the walks calendar: old months are empty (the repair says why), no error.

    The weeks after the archive's cutoff show their walks as before.
    """
    assert await async_setup_component(hass, "http", {})
    path = _path(hass, config_entry)
    _write_old_file(path)
    await _setup(hass, config_entry)
    await _unload(hass, config_entry)
    _corrupt_archive(path)
    await _setup(hass, config_entry)
    client = await hass_client(await token_for(hass, hass_admin_user))

    async def events(start: str, end: str) -> list[dict[str, Any]]:
        response = await client.get(
            "/api/calendars/calendar.alex_walks", params={"start": start, "end": end}
        )
        assert response.status == HTTPStatus.OK, await response.text()
        found: list[dict[str, Any]] = await response.json()
        return found

    assert await events("2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z") == []
    november = await events("2026-11-01T00:00:00Z", "2026-11-20T00:00:00Z")
    assert len(november) >= 15


async def test_no_recent_walk_and_an_unreadable_archive_still_load(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """No walk in the last weeks, so the last walk is an archived one that cannot be read.

    The profile loads (no last walk shown, the repair says why), and a time zone change
    is taken as for any profile.
    """
    path = _path(hass, config_entry)
    history = _history()
    history["walks"] = [
        walk
        for walk in history["walks"]
        if datetime.fromisoformat(walk["start"]) < NOW - timedelta(weeks=12)
    ]
    _write_old_file(path, history)
    await _setup(hass, config_entry)
    assert hass.states.get("sensor.alex_last_walk").state != "unknown"  # type: ignore[union-attr]
    await _unload(hass, config_entry)
    _corrupt_archive(path)
    await _setup(hass, config_entry)
    assert config_entry.state is ConfigEntryState.LOADED
    assert hass.states.get("sensor.alex_last_walk").state == "unknown"  # type: ignore[union-attr]
    await hass.config.async_update(time_zone="America/New_York")
    await hass.async_block_till_done()
    assert str(config_entry.runtime_data.log.timezone) == "America/New_York"
    assert hass.states.get("sensor.alex_pain_today") is not None
