"""Entity states after realistic sequences: days and weeks pass, streaks, the plan."""

from __future__ import annotations

import json
from pathlib import Path
import re
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.backwalk.const import DOMAIN
from tests.conftest import STEP_COUNTER_OPTIONS


async def call(hass: HomeAssistant, service: str, data: dict[str, Any]) -> None:
    """Call a backwalk action."""
    await hass.services.async_call(DOMAIN, service, data, blocking=True)


def state(hass: HomeAssistant, entity_id: str) -> str:
    """The state of an entity, which must exist."""
    current = hass.states.get(entity_id)
    assert current is not None, entity_id
    return current.state


async def tick_to(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, moment: str
) -> None:
    """Move the clock and let Home Assistant's time listeners run."""
    freezer.move_to(moment)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


@pytest.fixture(autouse=True)
def sunday_evening(freezer: FrozenDateTimeFactory) -> None:
    """Sunday 2026-11-22, 20:00 in Berlin: the day before a week starts."""
    freezer.move_to("2026-11-22T19:00:00+00:00")


@pytest.mark.parametrize("profile_options", [STEP_COUNTER_OPTIONS])
@pytest.mark.parametrize("init_integration", [Platform.SENSOR], indirect=True)
async def test_entities(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    freezer: FrozenDateTimeFactory,
) -> None:
    """After a walk, a pain report and a stretch: every sensor as a user sees it.

    The profile counts steps too, so it has every sensor: the phone's counter went from
    1000 (the first reading, a baseline) to 2200.
    """
    for moment, count in (("19:00", "1000"), ("19:10", "2200")):
        await tick_to(hass, freezer, f"2026-11-22T{moment}:00+00:00")
        hass.states.async_set("sensor.pixel_steps", count)
        await hass.async_block_till_done()
    await call(hass, "log_walk", {"minutes": 20, "distance_km": 1.5})
    await call(hass, "report_pain", {"level": 4})
    await call(hass, "log_stretch", {})
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)


async def test_week_and_day_roll_over_at_local_midnight(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """Totals reset at midnight and on the first weekday without any action."""
    await call(hass, "log_walk", {"minutes": 20})
    assert state(hass, "sensor.alex_walking_minutes_today") == "20.0"
    assert state(hass, "sensor.alex_walking_minutes_this_week") == "20.0"
    week_attrs = hass.states.get("sensor.alex_walking_minutes_this_week").attributes
    assert week_attrs["last_reset"] == "2026-11-16T00:00:00+01:00"

    await tick_to(hass, freezer, "2026-11-22T23:00:01+00:00")  # Monday 00:00:01, Berlin
    assert state(hass, "sensor.alex_walking_minutes_today") == "0.0"
    assert state(hass, "sensor.alex_walking_minutes_this_week") == "0.0"
    week_attrs = hass.states.get("sensor.alex_walking_minutes_this_week").attributes
    assert week_attrs["last_reset"] == "2026-11-23T00:00:00+01:00"
    # Yesterday's walk still holds the streak while today is open.
    assert state(hass, "sensor.alex_current_streak") == "1"


async def test_streak_breaks_after_a_missed_day(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """Three walking days make a streak of three; a day without a walk breaks it."""
    for day in (22, 23, 24):
        await tick_to(hass, freezer, f"2026-11-{day}T19:00:00+00:00")
        await call(hass, "log_walk", {"minutes": 10})
    await tick_to(hass, freezer, "2026-11-25T08:00:00+00:00")
    assert state(hass, "sensor.alex_current_streak") == "3"
    await tick_to(hass, freezer, "2026-11-26T08:00:00+00:00")
    assert state(hass, "sensor.alex_current_streak") == "0"
    assert state(hass, "sensor.alex_longest_streak") == "3"


async def test_walk_below_daily_minimum_does_not_count(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """The daily minimum (5 minutes by default) makes a day count."""
    await call(hass, "log_walk", {"minutes": 4})
    assert state(hass, "sensor.alex_current_streak") == "0"
    await call(hass, "log_walk", {"minutes": 1})
    assert state(hass, "sensor.alex_current_streak") == "1"


@pytest.mark.parametrize(
    ("stretched", "streak"),
    [(True, "2"), (False, "1")],
    ids=["excused_by_a_stretch", "unexcused"],
)
async def test_pain_day_keeps_the_streak_when_excused(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    stretched: bool,
    streak: str,
) -> None:
    """A pain day with a stretch neither breaks nor extends the streak.

    With neither a walk, a stretch nor an alternative it is a missed day.
    """
    await call(hass, "log_walk", {"minutes": 10})
    await tick_to(hass, freezer, "2026-11-23T19:00:00+00:00")
    await call(hass, "report_pain", {"level": 6})
    if stretched:
        await call(hass, "log_stretch", {})
    await tick_to(hass, freezer, "2026-11-24T19:00:00+00:00")
    await call(hass, "log_walk", {"minutes": 10})
    assert state(hass, "sensor.alex_current_streak") == streak


async def test_plan_steps_up_after_a_week_that_met_the_goal(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """Goal met without pain: next week's target is five minutes more (G10)."""
    await tick_to(hass, freezer, "2026-11-16T08:00:00+00:00")  # Monday of that week
    assert state(hass, "sensor.alex_target_minutes_today") == "5"
    for day in (16, 17, 18):
        await tick_to(hass, freezer, f"2026-11-{day}T08:00:00+00:00")
        await call(hass, "log_walk", {"minutes": 6})
    assert state(hass, "binary_sensor.alex_weekly_goal_met") == "on"
    assert state(hass, "sensor.alex_weekly_goal_progress") == "100.0"
    assert state(hass, "sensor.alex_walks_this_week") == "3"
    await tick_to(hass, freezer, "2026-11-23T08:00:00+00:00")
    assert state(hass, "sensor.alex_target_minutes_today") == "10"
    assert state(hass, "sensor.alex_weekly_streak") == "1"
    assert state(hass, "binary_sensor.alex_weekly_goal_met") == "off"
    progress = hass.states.get("sensor.alex_weekly_goal_progress")
    assert progress.attributes["weekly_goal_minutes"] == 30


async def test_state_survives_a_restart(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Reloading the entry restores everything from the store."""
    await call(hass, "log_walk", {"minutes": 12})
    await call(hass, "report_pain", {"level": 4})
    await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert state(hass, "sensor.alex_walking_minutes_this_week") == "12.0"
    assert state(hass, "sensor.alex_pain_today") == "4"


async def test_condition_follows_pain_duration(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    profile_options: dict[str, Any],
) -> None:
    """More than three months of pain is chronic (G2)."""
    profile_options["pain_duration"] = "over_3_months"
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert state(hass, "sensor.alex_condition") == "chronic"


async def test_time_zone_change_recomputes_days(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """A walk at 23:30 UTC is Monday in Berlin but Sunday in New York."""
    await tick_to(hass, freezer, "2026-11-23T00:30:00+00:00")  # Monday 01:30 in Berlin
    await call(hass, "log_walk", {"minutes": 10})
    assert state(hass, "sensor.alex_walking_minutes_this_week") == "10.0"
    await hass.config.async_update(time_zone="America/New_York")
    await hass.async_block_till_done()
    # Sunday 19:30 in New York: the walk was today, in the week that began on the 16th.
    assert state(hass, "sensor.alex_walking_minutes_today") == "10.0"
    attrs = hass.states.get("sensor.alex_walking_minutes_this_week").attributes
    assert attrs["last_reset"] == "2026-11-16T00:00:00-05:00"


async def test_names_say_what_each_pain_entity_does(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """The slider reports pain, the sensor shows it: new installs get ids from that.

    The names themselves are in the snapshots (test_entities).
    """
    assert state(hass, "sensor.alex_pain_today") == "unknown"
    assert state(hass, "number.alex_report_pain") == "unknown"
    await hass.services.async_call(
        "number",
        "set_value",
        {"entity_id": "number.alex_report_pain", "value": 3},
        blocking=True,
    )
    assert state(hass, "sensor.alex_pain_today") == "3"
    assert state(hass, "number.alex_report_pain") == "3"


async def test_an_existing_install_keeps_its_entity_ids(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """Ids made from the old names stay (the registry holds them); only names change."""
    await hass.config.async_set_time_zone("Europe/Berlin")
    config_entry.add_to_hass(hass)
    registry = er.async_get(hass)
    for domain, key, object_id in (
        ("sensor", "pain_today", "alex_pain_level_today"),
        ("number", "pain_today_input", "alex_pain_today"),
    ):
        registry.async_get_or_create(
            domain,
            DOMAIN,
            f"{config_entry.entry_id}_{key}",
            suggested_object_id=object_id,
            config_entry=config_entry,
        )
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    await hass.services.async_call(
        "number",
        "set_value",
        {"entity_id": "number.alex_pain_today", "value": 4},
        blocking=True,
    )
    assert state(hass, "sensor.alex_pain_level_today") == "4"
    old_sensor = hass.states.get("sensor.alex_pain_level_today")
    old_slider = hass.states.get("number.alex_pain_today")
    assert old_sensor is not None
    assert old_slider is not None
    assert old_sensor.attributes["friendly_name"] == "Alex Pain today"
    assert old_slider.attributes["friendly_name"] == "Alex Report pain"
    # No second entity under the new ids.
    assert hass.states.get("sensor.alex_pain_today") is None
    assert hass.states.get("number.alex_report_pain") is None


def _readme_entity_names() -> dict[str, set[str]]:
    """The README's entity table: names by platform, from cells like "sensor: A, B (x)"."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    table = readme.split("Entities (one device per profile):", 1)[1].split("\n\n", 2)[1]
    names: dict[str, set[str]] = {}
    for row in table.splitlines()[2:]:
        platform, _, listed = row.split("|")[1].strip().partition(": ")
        names.setdefault(platform.replace(" ", "_"), set()).update(
            re.sub(r"\s*\(.*?\)", "", name).strip() for name in listed.split(",")
        )
    return names


def test_readme_lists_every_entity() -> None:
    """Every entity's name is in the README's entity table, and nothing else is."""
    strings = json.loads(
        (
            Path(__file__).resolve().parents[1]
            / "custom_components"
            / DOMAIN
            / "translations"
            / "en.json"
        ).read_text()
    )
    expected = {
        platform: {entity["name"] for entity in entities.values()}
        for platform, entities in strings["entity"].items()
    }
    assert _readme_entity_names() == expected


async def test_every_entity_of_a_profile_is_named_in_english(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """The entities a profile has are the ones en.json names (the README lists those)."""
    registry = er.async_get(hass)
    entries = er.async_entries_for_config_entry(registry, loaded_entry.entry_id)
    readme = _readme_entity_names()
    for entry in entries:
        assert entry.translation_key is not None
        assert entry.original_name in readme[entry.domain], entry.entity_id
