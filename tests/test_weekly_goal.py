"""The weekly goal counts walks, as the guidance does: "three or four times a week" (G10)."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.backwalk.const import DOMAIN
from tests.conftest import PROFILE_OPTIONS

MET = "binary_sensor.alex_weekly_goal_met"
PROGRESS = "sensor.alex_weekly_goal_progress"
WALKS = "sensor.alex_walks_this_week"
TARGET = "sensor.alex_target_minutes_today"


@pytest.fixture(autouse=True)
def monday_morning(freezer: FrozenDateTimeFactory) -> None:
    """Monday 2026-11-23, 10:00 in Berlin: the first day of the week."""
    freezer.move_to("2026-11-23T09:00:00+00:00")


async def walk(hass: HomeAssistant, minutes: float, started: str) -> None:
    """Log a walk through the action, as a person does."""
    await hass.services.async_call(
        DOMAIN, "log_walk", {"minutes": minutes, "started": started}, blocking=True
    )
    await hass.async_block_till_done()


def goal(hass: HomeAssistant) -> dict[str, Any]:
    """What the goal entities say: met, progress, and the week's needs and deeds."""
    met = hass.states.get(MET)
    progress = hass.states.get(PROGRESS)
    assert met is not None
    assert progress is not None
    keys = ("walks_needed", "walks_done", "minutes_needed", "minutes_done")
    # Both goal entities carry the same figures.
    assert {key: met.attributes[key] for key in keys} == {
        key: progress.attributes[key] for key in keys
    }
    return {
        "met": met.state,
        "progress": float(progress.state),
        **{key: progress.attributes[key] for key in keys},
    }


@pytest.mark.usefixtures("loaded_entry")
async def test_one_long_walk_does_not_meet_a_three_walk_goal(
    hass: HomeAssistant,
) -> None:
    """90 minutes in one walk is one walk of the three the default profile asks for."""
    await walk(hass, 90, "2026-11-23 08:00:00")
    assert goal(hass) == {
        "met": "off",
        "progress": 33.3,
        "walks_needed": 3,
        "walks_done": 1,
        "minutes_needed": 15,
        "minutes_done": 90.0,
    }


@pytest.mark.usefixtures("loaded_entry")
async def test_three_short_enough_walks_meet_it_and_a_minute_is_no_walk(
    hass: HomeAssistant,
) -> None:
    """Three walks of the daily minimum (5 minutes) meet the goal; a 1-minute press does not count."""
    await walk(hass, 1, "2026-11-23 07:00:00")
    assert hass.states.get(WALKS).state == "0"
    assert goal(hass)["minutes_done"] == 1.0
    await walk(hass, 5, "2026-11-23 07:10:00")
    await walk(hass, 5, "2026-11-23 08:00:00")
    assert goal(hass)["met"] == "off"
    await walk(hass, 5, "2026-11-23 09:00:00")
    assert goal(hass) == {
        "met": "on",
        "progress": 100.0,
        "walks_needed": 3,
        "walks_done": 3,
        "minutes_needed": 15,
        "minutes_done": 16.0,
    }


@pytest.mark.usefixtures("loaded_entry")
async def test_the_plan_does_not_step_up_after_a_one_walk_week(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Next week's target stays at 5 minutes after one long walk; three walks step it up."""
    await walk(hass, 60, "2026-11-16 08:00:00")
    assert hass.states.get(TARGET).state == "5"
    await walk(hass, 5, "2026-11-17 08:00:00")
    await walk(hass, 5, "2026-11-18 08:00:00")
    assert hass.states.get(TARGET).state == "10"
    # The week just past counts toward the weekly streak only now that it is met.
    assert hass.states.get("sensor.alex_weekly_streak").state == "1"
    freezer.move_to("2026-11-30T09:00:00+00:00")
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert hass.states.get(TARGET).state == "10"  # this week had no walk: held


async def test_walk_days_when_the_profile_counts_days(hass: HomeAssistant) -> None:
    """With walk days counted, three walks on Monday are one of the week's walks."""
    await hass.config.async_set_time_zone("Europe/Berlin")
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Alex",
        data={"name": "Alex"},
        options={**PROFILE_OPTIONS, "count_walk_days": True},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    for hour in ("06", "07", "08"):
        await walk(hass, 10, f"2026-11-23 {hour}:00:00")
    assert goal(hass)["walks_done"] == 1
    assert goal(hass)["met"] == "off"
