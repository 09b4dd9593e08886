"""Entity states after realistic sequences: days and weeks pass, streaks, the plan."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.backwalk.const import DOMAIN


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


async def test_excused_pain_day_keeps_the_streak(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """A pain day with a stretch neither breaks nor extends the streak."""
    await call(hass, "log_walk", {"minutes": 10})
    await tick_to(hass, freezer, "2026-11-23T19:00:00+00:00")
    await call(hass, "report_pain", {"level": 6})
    await call(hass, "log_stretch", {})
    await tick_to(hass, freezer, "2026-11-24T19:00:00+00:00")
    await call(hass, "log_walk", {"minutes": 10})
    assert state(hass, "sensor.alex_current_streak") == "2"


async def test_unexcused_pain_day_breaks_the_streak(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """A pain day with neither a walk, a stretch nor an alternative is a missed day."""
    await call(hass, "log_walk", {"minutes": 10})
    await tick_to(hass, freezer, "2026-11-23T19:00:00+00:00")
    await call(hass, "report_pain", {"level": 6})
    await tick_to(hass, freezer, "2026-11-24T19:00:00+00:00")
    await call(hass, "log_walk", {"minutes": 10})
    assert state(hass, "sensor.alex_current_streak") == "1"


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
    assert state(hass, "sensor.alex_pain_level_today") == "4"


async def test_condition_follows_pain_duration(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    profile_options: dict[str, Any],
) -> None:
    """More than three months of pain is chronic (G2); the sensor is diagnostic."""
    profile_options["pain_duration"] = "over_3_months"
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert state(hass, "sensor.alex_condition") == "chronic"
    entry = er.async_get(hass).async_get("sensor.alex_condition")
    assert entry is not None
    assert entry.entity_category == er.EntityCategory.DIAGNOSTIC


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
