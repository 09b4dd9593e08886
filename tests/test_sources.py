"""Walks that log themselves: activity sensors and step counters, in a real Home Assistant.

The companion apps' sensors are played by `hass.states.async_set`, and the clock by the
freezer: Home Assistant stamps each state with the frozen time, so the clock moves
before every state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.backwalk.const import DOMAIN
from custom_components.backwalk.store import ProfileStore
from tests.conftest import Persisted

IPHONE = "sensor.pixel_activity"  # the iOS companion app's activity sensor
ANDROID = "sensor.phone_detected_activity"  # the Android app's detected activity
STEPS = "sensor.pixel_steps"
TODAY = "sensor.alex_walking_minutes_today"
STEPS_TODAY = "sensor.alex_steps_today"
STEPS_WEEK = "sensor.alex_steps_this_week"

ACTIVITY_OPTIONS: dict[str, Any] = {
    "activity_entities": [IPHONE, ANDROID],
    "walking_states": "walking, on_foot",
    "min_confidence": 50,
    "merge_window_minutes": 3,
    "min_walk_minutes": 3,
    "steps_mode": "daily_reset",
    "cadence_threshold": 90,
    "webhook_local_only": True,
}
STEPS_ONLY: dict[str, Any] = {
    **ACTIVITY_OPTIONS,
    "activity_entities": [],
    "steps_entity": STEPS,
}
STEPS_AND_ACTIVITY: dict[str, Any] = {**ACTIVITY_OPTIONS, "steps_entity": STEPS}
SINCE_BOOT: dict[str, Any] = {**STEPS_ONLY, "steps_mode": "since_boot"}


@pytest.fixture
def tracking_options() -> dict[str, Any]:
    """The sources step's answers (a test parametrizes this to change them)."""
    return ACTIVITY_OPTIONS


@pytest.fixture
def profile_options(
    profile_options: dict[str, Any], tracking_options: dict[str, Any]
) -> dict[str, Any]:
    """A profile with automatic tracking."""
    return {**profile_options, **tracking_options}


@pytest.fixture(autouse=True)
def wednesday(freezer: FrozenDateTimeFactory) -> None:
    """Wednesday 2026-11-25, 09:00 UTC (10:00 in Berlin)."""
    freezer.move_to(utc("09:00"))


def utc(clock: str, day: int = 25) -> str:
    """A moment of November 2026 in UTC, from "HH:MM" or "HH:MM:SS"."""
    if clock.count(":") == 1:
        clock += ":00"
    return f"2026-11-{day:02d}T{clock}+00:00"


async def at(hass: HomeAssistant, freezer: FrozenDateTimeFactory, moment: str) -> None:
    """Move the clock and let the timers that are due run."""
    freezer.move_to(moment)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


async def say(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    moment: str,
    entity_id: str,
    state: str,
    **attributes: Any,
) -> None:
    """At `moment`, a sensor reports `state` (timers due by then run first)."""
    await at(hass, freezer, moment)
    hass.states.async_set(entity_id, state, attributes)
    await hass.async_block_till_done()


async def iphone(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    moment: str,
    state: str,
    confidence: str = "High",
) -> None:
    """The iOS activity sensor: a state and how sure the phone is of it."""
    await say(hass, freezer, moment, IPHONE, state, confidence=confidence)


def walks(persisted: Persisted, entry: MockConfigEntry) -> list[Any]:
    """The stored walks as (source, minutes, start), in order of start."""
    return sorted(
        (
            (walk["source"], walk["minutes"], as_utc(walk["start"]))
            for walk in persisted(entry)["walks"]
        ),
        key=lambda walk: walk[2],
    )


def as_utc(moment: str) -> str:
    """A stored moment in UTC, as utc() writes it."""
    return datetime.fromisoformat(moment).astimezone(UTC).isoformat()


def minutes_today(hass: HomeAssistant) -> float:
    """What the walking-minutes-today sensor shows."""
    return float(hass.states.get(TODAY).state)


def open_walk(persisted: Persisted, entry: MockConfigEntry) -> Any:
    """The walk the tracker has saved as not final yet, or None."""
    return persisted(entry)["tracking"]["walks"]["open"]


async def log_walk(hass: HomeAssistant, **data: Any) -> None:
    """A person logs a walk themselves."""
    await hass.services.async_call(DOMAIN, "log_walk", data, blocking=True)
    await hass.async_block_till_done()


@dataclass
class Phone:
    """The person's phones and the profile they report to (Alex, set up)."""

    hass: HomeAssistant
    freezer: FrozenDateTimeFactory
    persisted: Persisted
    entry: MockConfigEntry

    async def at(self, moment: str) -> None:
        """Move the clock and let the timers that are due run."""
        await at(self.hass, self.freezer, moment)

    async def say(self, moment: str, entity_id: str, state: str, **attrs: Any) -> None:
        """At `moment`, a sensor reports `state`."""
        await say(self.hass, self.freezer, moment, entity_id, state, **attrs)

    async def iphone(self, moment: str, state: str, confidence: str = "High") -> None:
        """At `moment`, the iOS activity sensor reports `state`."""
        await iphone(self.hass, self.freezer, moment, state, confidence)

    def stored(self) -> dict[str, Any]:
        """What a restart would load for the profile."""
        return self.persisted(self.entry)

    def walks(self) -> list[Any]:
        """The stored walks as (source, minutes, start), in order of start."""
        return walks(self.persisted, self.entry)

    def open_walk(self) -> Any:
        """The walk the tracker has saved as not final yet, or None."""
        return open_walk(self.persisted, self.entry)


@pytest.fixture
def phone(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    persisted: Persisted,
) -> Phone:
    """Alex's profile with tracking, and the phones that report to it."""
    return Phone(hass, freezer, persisted, loaded_entry)


# --- iOS -----------------------------------------------------------------------------------


async def test_ios_walk_logged_after_the_merge_window(
    hass: HomeAssistant, phone: Phone
) -> None:
    """A 20-minute walk is logged as a sensor walk once the merge window has passed."""
    await phone.iphone(utc("09:00"), "Stationary")
    await phone.iphone(utc("09:01"), "Walking")
    # The open walk is saved at once, so that a restart does not lose it.
    assert phone.open_walk()["start"] == utc("09:01")
    await phone.iphone(utc("09:21"), "Stationary")

    await phone.at(utc("09:23:59"))
    assert minutes_today(hass) == 0
    assert phone.stored()["walks"] == []

    await phone.at(utc("09:24"))
    assert minutes_today(hass) == 20
    [walk] = phone.stored()["walks"]
    assert walk["source"] == "sensor"
    assert walk["minutes"] == 20.0
    assert walk["start"] == utc("09:01")
    assert walk["note"] is None
    assert phone.open_walk() is None
    assert hass.states.get("sensor.alex_last_walk").state == "2026-11-25T09:21:00+00:00"


async def test_ios_low_confidence_ignored(hass: HomeAssistant, phone: Phone) -> None:
    """Walking with Low confidence is no walk; the walk starts once the phone is sure."""
    await phone.iphone(utc("09:00"), "Walking", "Low")
    await phone.iphone(utc("09:20"), "Stationary", "Low")
    await phone.at(utc("09:40"))
    assert minutes_today(hass) == 0
    assert phone.stored()["walks"] == []

    # Only the confidence changes (the state stays Walking): the walk starts then.
    await phone.iphone(utc("10:00"), "Walking", "Low")
    await phone.iphone(utc("10:05"), "Walking", "Medium")
    await phone.iphone(utc("10:25"), "Walking", "High")
    # And ends when the confidence falls again.
    await phone.iphone(utc("10:30"), "Walking", "Low")
    await phone.at(utc("10:40"))
    assert phone.walks() == [("sensor", 25.0, utc("10:05"))]


async def test_ios_flicker_joins_into_one_walk(
    hass: HomeAssistant, phone: Phone
) -> None:
    """Walking and Stationary every 30 seconds is one walk, not twenty short ones."""
    for step in range(24):
        minute, half = divmod(step, 2)
        state = "Walking" if step % 2 == 0 else "Stationary"
        await phone.iphone(utc(f"09:{minute:02d}:{half * 30:02d}"), state)
    # The last Stationary came at 09:11:30.
    await phone.at(utc("09:14:29"))
    assert phone.stored()["walks"] == []
    await phone.at(utc("09:14:30"))
    assert phone.walks() == [("sensor", 11.5, utc("09:00"))]


async def test_ios_unknown_mid_walk_ends_nothing_by_itself(
    hass: HomeAssistant, phone: Phone
) -> None:
    """A short Unknown (or unavailable) inside a walk does not split it."""
    await phone.iphone(utc("09:00"), "Walking")
    await phone.iphone(utc("09:10"), "Unknown", "Low")
    await phone.iphone(utc("09:12"), "Walking")
    await phone.say(utc("09:14"), IPHONE, "unavailable")
    await phone.iphone(utc("09:15"), "Walking")
    await phone.iphone(utc("09:20"), "Stationary")
    await phone.at(utc("09:30"))
    assert phone.walks() == [("sensor", 20.0, utc("09:00"))]

    # Unknown for longer than the merge window: the walk ends where walking was seen.
    await phone.iphone(utc("10:00"), "Walking")
    await phone.iphone(utc("10:10"), "Unknown", "Low")
    await phone.at(utc("10:12:59"))
    assert len(phone.walks()) == 1
    await phone.at(utc("10:13"))
    assert phone.walks()[1] == ("sensor", 10.0, utc("10:00"))
    assert minutes_today(hass) == 30


async def test_ios_walk_shorter_than_min_walk_dropped(
    hass: HomeAssistant, phone: Phone
) -> None:
    """Walking to the kitchen and back is not a walk."""
    await phone.iphone(utc("09:01"), "Walking")
    await phone.iphone(utc("09:03:30"), "Stationary")
    await phone.at(utc("09:30"))
    assert minutes_today(hass) == 0
    assert phone.stored()["walks"] == []
    assert phone.open_walk() is None


async def test_state_before_an_overdue_timer_ends_the_walk_once(
    hass: HomeAssistant, phone: Phone
) -> None:
    """A state that arrives before the late timer ends the walk itself; the timer goes."""
    await phone.iphone(utc("09:00"), "Walking")
    await phone.iphone(utc("09:10"), "Stationary")  # final at 09:13
    # Home Assistant was busy: the next state comes before the timer has run.
    phone.freezer.move_to(utc("09:20"))
    hass.states.async_set(IPHONE, "Automotive", {"confidence": "High"})
    await hass.async_block_till_done()
    assert phone.walks() == [("sensor", 10.0, utc("09:00"))]
    await phone.at(utc("09:30"))
    assert phone.walks() == [("sensor", 10.0, utc("09:00"))]
    assert phone.open_walk() is None


async def test_walking_again_before_the_timer_waits_for_the_new_end(
    hass: HomeAssistant, phone: Phone
) -> None:
    """The timer set for a pause that walking ended runs early and ends nothing."""
    await phone.iphone(utc("09:00"), "Walking")
    await phone.iphone(utc("09:10"), "Stationary")  # final at 09:13 ...
    await phone.iphone(utc("09:12"), "Walking")  # ... unless walking returns
    await phone.at(utc("09:13"))
    await phone.at(utc("09:40"))
    assert phone.walks() == []
    await phone.iphone(utc("09:45"), "Stationary")
    await phone.at(utc("09:47:59"))
    assert phone.walks() == []
    await phone.at(utc("09:48"))
    assert phone.walks() == [("sensor", 45.0, utc("09:00"))]


# --- Android -------------------------------------------------------------------------------


async def test_android_walk(hass: HomeAssistant, phone: Phone) -> None:
    """Detected activity "walking" with its percentage, then "still", is a walk."""
    await phone.say(utc("09:00"), ANDROID, "still", still=100)
    await phone.say(utc("09:05"), ANDROID, "walking", walking=87)
    await phone.say(utc("09:30"), ANDROID, "still", still=92)
    await phone.at(utc("09:33"))
    assert phone.walks() == [("sensor", 25.0, utc("09:05"))]
    assert minutes_today(hass) == 25

    # A walking guess the phone is not sure of is no walk.
    await phone.say(utc("10:00"), ANDROID, "walking", walking=30)
    await phone.say(utc("10:20"), ANDROID, "still", still=80)
    await phone.at(utc("10:30"))
    assert len(phone.walks()) == 1


async def test_two_sources_overlapping_count_once(
    hass: HomeAssistant, phone: Phone
) -> None:
    """A phone and a second device both seeing the walk make one walk."""
    await phone.iphone(utc("09:00"), "Walking")
    await phone.say(utc("09:05"), ANDROID, "walking", walking=90)
    await phone.iphone(utc("09:20"), "Stationary")
    # The other one still walks: no walk ends.
    await phone.at(utc("09:24"))
    assert phone.stored()["walks"] == []
    await phone.say(utc("09:25"), ANDROID, "still", still=95)
    await phone.at(utc("09:28"))
    assert phone.walks() == [("sensor", 25.0, utc("09:00"))]
    assert minutes_today(hass) == 25


# --- restarts ------------------------------------------------------------------------------


async def test_restart_mid_walk_is_one_walk(hass: HomeAssistant, phone: Phone) -> None:
    """A reload while walking neither ends nor splits the walk."""
    await phone.iphone(utc("09:00"), "Walking")
    await phone.at(utc("09:10"))
    assert await hass.config_entries.async_reload(phone.entry.entry_id)
    await hass.async_block_till_done()
    assert phone.entry.state is ConfigEntryState.LOADED
    assert phone.open_walk()["start"] == utc("09:00")

    await phone.iphone(utc("09:15"), "Walking", "Medium")
    await phone.iphone(utc("09:30"), "Stationary")
    await phone.at(utc("09:33"))
    assert phone.walks() == [("sensor", 30.0, utc("09:00"))]
    assert minutes_today(hass) == 30


async def test_restart_while_still_walking_at_once(
    hass: HomeAssistant, phone: Phone
) -> None:
    """Reloaded in the middle of a walk with no state change at all, then stopping."""
    await phone.iphone(utc("09:00"), "Walking")
    assert await hass.config_entries.async_reload(phone.entry.entry_id)
    await hass.async_block_till_done()
    await phone.iphone(utc("09:12"), "Stationary")
    await phone.at(utc("09:15"))
    assert phone.walks() == [("sensor", 12.0, utc("09:00"))]


async def test_long_restart_then_stationary_ends_before_the_restart(
    hass: HomeAssistant, phone: Phone
) -> None:
    """Down longer than the merge window, back to Stationary: the walk ends at the stop.

    The last walking moment Home Assistant saw was when it stopped, still walking.
    """
    await phone.iphone(utc("09:00"), "Walking")
    await phone.iphone(utc("09:04"), "Walking", "Medium")
    await phone.at(utc("09:10"))
    assert await hass.config_entries.async_unload(phone.entry.entry_id)
    await hass.async_block_till_done()

    # While Home Assistant is down the person stops; the phone says so later.
    await phone.iphone(utc("09:20"), "Stationary")
    assert await hass.config_entries.async_setup(phone.entry.entry_id)
    await hass.async_block_till_done()
    assert phone.walks() == [("sensor", 10.0, utc("09:00"))]
    assert phone.open_walk() is None
    assert minutes_today(hass) == 10

    # Nothing more is logged later.
    await phone.at(utc("09:40"))
    assert len(phone.walks()) == 1


async def test_home_assistant_stop_saves_how_long_the_walk_was_seen(
    hass: HomeAssistant, phone: Phone
) -> None:
    """Home Assistant stops without unloading the entry: the open walk is saved then."""
    await phone.iphone(utc("09:00"), "Walking")
    assert phone.open_walk()["seen_until"] == utc("09:00")
    await phone.at(utc("09:10"))
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await hass.async_block_till_done()
    assert phone.open_walk() == {
        "start": utc("09:00"),
        "seen_until": utc("09:10"),
        "sources": [IPHONE],
    }


# --- walks a person logs too --------------------------------------------------------------


async def test_manual_walk_before_detection_wins(
    hass: HomeAssistant, phone: Phone
) -> None:
    """A walk logged by hand while the sensor walk is not final: only the rest counts."""
    await phone.iphone(utc("09:00"), "Walking")
    await phone.iphone(utc("09:30"), "Stationary")
    # Back home, Alex logs 28 minutes by hand before the merge window has passed.
    await phone.at(utc("09:31"))
    await log_walk(hass, minutes=28, started="2026-11-25 10:01:00")
    await phone.at(utc("09:40"))
    # The two minutes either side are too short to be walks of their own.
    assert phone.walks() == [("manual", 28.0, utc("09:01"))]
    assert minutes_today(hass) == 28

    # A manual walk covering only part of the detected one: the rest is the sensor's.
    await phone.iphone(utc("10:00"), "Walking")
    await phone.iphone(utc("10:30"), "Stationary")
    await phone.at(utc("10:31"))
    await log_walk(hass, minutes=15, started="2026-11-25 11:00:00")
    await phone.at(utc("10:40"))
    assert phone.walks()[1:] == [
        ("manual", 15.0, utc("10:00")),
        ("sensor", 15.0, utc("10:15")),
    ]
    assert minutes_today(hass) == 28 + 30


async def test_manual_walk_after_sensor_walk_wins(
    hass: HomeAssistant, phone: Phone
) -> None:
    """A walk logged by hand over a logged sensor walk trims or replaces it."""
    await phone.iphone(utc("09:00"), "Walking")
    await phone.iphone(utc("09:30"), "Stationary")
    await phone.at(utc("09:33"))
    assert phone.walks() == [("sensor", 30.0, utc("09:00"))]

    # "I walked 32 minutes" a little later: it covers all but two minutes of it.
    await phone.at(utc("09:34"))
    await log_walk(hass, minutes=32)
    assert phone.walks() == [("manual", 32.0, utc("09:02"))]
    assert minutes_today(hass) == 32

    # A shorter manual walk inside a sensor walk keeps the sensor's larger rest.
    await phone.iphone(utc("10:00"), "Walking")
    await phone.iphone(utc("10:30"), "Stationary")
    await phone.at(utc("10:33"))
    await log_walk(hass, minutes=10, started="2026-11-25 11:15:00")
    assert phone.walks()[1:] == [
        ("sensor", 15.0, utc("10:00")),
        ("manual", 10.0, utc("10:15")),
    ]
    assert minutes_today(hass) == 32 + 25


async def test_finish_walk_over_a_sensor_walk_counts_once(
    hass: HomeAssistant, phone: Phone
) -> None:
    """Start and Finish around a walk the phone also logged: the person's walk wins.

    The finish button takes the same write path as every walk, so the sensor walk it
    covers is replaced, not added to it.
    """

    async def press(button: str) -> None:
        await hass.services.async_call(
            "button", "press", {"entity_id": f"button.alex_{button}"}, blocking=True
        )
        await hass.async_block_till_done()

    await phone.at(utc("09:00"))
    await press("start_walk")
    await phone.iphone(utc("09:00"), "Walking")
    await phone.iphone(utc("09:30"), "Stationary")
    await phone.at(utc("09:33"))
    assert phone.walks() == [("sensor", 30.0, utc("09:00"))]

    await phone.at(utc("09:35"))
    await press("finish_walk")
    assert phone.walks() == [("button", 35.0, utc("09:00"))]
    assert minutes_today(hass) == 35


# --- step counters -------------------------------------------------------------------------


@pytest.mark.parametrize("tracking_options", [STEPS_AND_ACTIVITY])
async def test_steps_today_and_this_week(hass: HomeAssistant, phone: Phone) -> None:
    """A daily count rising: steps today and this week; a reset at local midnight."""
    assert hass.states.get(STEPS_TODAY).state == "0"
    await phone.say(utc("09:00"), STEPS, "1000")
    await phone.say(utc("09:10"), STEPS, "1500")
    await phone.say(utc("09:20"), STEPS, "2300")
    assert hass.states.get(STEPS_TODAY).state == "1300"
    assert hass.states.get(STEPS_WEEK).state == "1300"
    # Unknown readings count nothing and keep the baseline.
    await phone.say(utc("12:00"), STEPS, "unavailable")
    await phone.say(utc("22:50"), STEPS, "8300")  # 23:50 in Berlin
    assert hass.states.get(STEPS_TODAY).state == "7300"

    # Midnight in Berlin: a new day starts at 0, the week goes on.
    await phone.at(utc("23:00:01"))
    assert hass.states.get(STEPS_TODAY).state == "0"
    assert hass.states.get(STEPS_WEEK).state == "7300"
    # The phone's count starts again too; its first reading is the new day's steps.
    await phone.say(utc("23:20"), STEPS, "300")
    assert hass.states.get(STEPS_TODAY).state == "300"
    assert hass.states.get(STEPS_WEEK).state == "7600"
    totals = phone.stored()["tracking"]["totals"]["days"]
    assert totals == {"2026-11-25": 7300, "2026-11-26": 300}
    # With an activity sensor configured, steps estimate no walks.
    assert phone.stored()["walks"] == []


@pytest.mark.parametrize("tracking_options", [SINCE_BOOT])
async def test_android_steps_since_boot_reboot(
    hass: HomeAssistant, phone: Phone
) -> None:
    """Android counts since the phone started: a drop is a reboot, not lost steps."""
    await phone.say(utc("09:00"), STEPS, "12000")
    await phone.say(utc("09:30"), STEPS, "12600")
    await phone.say(utc("10:00"), STEPS, "150")  # rebooted
    await phone.say(utc("10:30"), STEPS, "900")
    assert hass.states.get(STEPS_TODAY).state == str(600 + 150 + 750)
    assert hass.states.get(STEPS_WEEK).state == "1500"


@pytest.mark.parametrize("tracking_options", [STEPS_ONLY])
async def test_walk_estimated_from_steps(hass: HomeAssistant, phone: Phone) -> None:
    """Without an activity sensor, brisk stretches of steps are logged as walks."""
    await phone.say(utc("09:00"), STEPS, "1000")
    await phone.say(utc("09:05"), STEPS, "1550")  # 110 a minute
    await phone.say(utc("09:10"), STEPS, "2100")
    await phone.say(utc("09:15"), STEPS, "2600")  # 100 a minute
    assert phone.stored()["walks"] == []
    # The open estimate is saved with the rest.
    estimate = phone.stored()["tracking"]["estimate"]
    assert estimate["minutes"] == 15.0
    await phone.say(utc("09:20"), STEPS, "2700")  # 20 a minute: stopped
    [walk] = phone.stored()["walks"]
    assert walk["source"] == "sensor"
    assert walk["note"] == "Estimated from steps"
    assert walk["minutes"] == 15.0
    assert walk["start"] == utc("09:00")
    assert minutes_today(hass) == 15
    assert hass.states.get(STEPS_TODAY).state == "1700"

    # A slow stroll is counted in steps, not as a walk.
    await phone.say(utc("10:00"), STEPS, "3500")  # 20 a minute
    await phone.say(utc("10:30"), STEPS, "4000")
    assert len(phone.stored()["walks"]) == 1
    assert hass.states.get(STEPS_TODAY).state == "3000"


@pytest.mark.parametrize("tracking_options", [STEPS_AND_ACTIVITY])
async def test_no_estimate_with_an_activity_sensor(
    hass: HomeAssistant, phone: Phone
) -> None:
    """With an activity sensor, only it logs walks: brisk steps add no second walk."""
    await phone.say(utc("09:00"), STEPS, "1000")
    await phone.iphone(utc("09:00:10"), "Walking")
    await phone.say(utc("09:05"), STEPS, "1550")
    await phone.say(utc("09:10"), STEPS, "2100")
    await phone.say(utc("09:15"), STEPS, "2600")
    await phone.iphone(utc("09:15:10"), "Stationary")
    await phone.say(utc("09:20"), STEPS, "2700")
    await phone.at(utc("09:30"))
    assert phone.walks() == [("sensor", 15.0, utc("09:00:10"))]
    assert minutes_today(hass) == 15
    assert hass.states.get(STEPS_TODAY).state == "1700"


async def test_no_step_sensors_without_a_step_counter(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """The step sensors exist only with a step counter."""
    assert hass.states.get(STEPS_TODAY) is None
    assert hass.states.get(STEPS_WEEK) is None


# --- edges ---------------------------------------------------------------------------------


async def test_sensor_removed_mid_walk(hass: HomeAssistant, phone: Phone) -> None:
    """A sensor that disappears (its app removed) says nothing more: the walk ends."""
    await phone.iphone(utc("09:00"), "Walking")
    await phone.at(utc("09:10"))
    hass.states.async_remove(IPHONE)
    await hass.async_block_till_done()
    await phone.at(utc("09:13"))
    assert phone.walks() == [("sensor", 10.0, utc("09:00"))]
    assert phone.open_walk() is None


async def test_save_failure_loses_no_more_than_the_walk(
    hass: HomeAssistant, phone: Phone, caplog: pytest.LogCaptureFixture
) -> None:
    """A walk that cannot be saved is reported in the log; tracking goes on."""
    await phone.iphone(utc("09:00"), "Walking")
    await phone.iphone(utc("09:20"), "Stationary")
    with patch.object(ProfileStore, "async_append", side_effect=OSError("disk full")):
        await phone.at(utc("09:23"))
    assert "Could not log a walk the sensors saw" in caplog.text
    assert minutes_today(hass) == 0

    await phone.iphone(utc("10:00"), "Walking")
    await phone.iphone(utc("10:20"), "Stationary")
    await phone.at(utc("10:23"))
    assert phone.walks() == [("sensor", 20.0, utc("10:00"))]


@pytest.mark.parametrize(
    "tracking_options", [{**ACTIVITY_OPTIONS, "activity_entities": []}]
)
async def test_nothing_followed_without_sources(
    hass: HomeAssistant, phone: Phone
) -> None:
    """With no sensor chosen, a phone's walking is nobody's business."""
    await phone.iphone(utc("09:00"), "Walking")
    await phone.iphone(utc("09:20"), "Stationary")
    await phone.at(utc("09:30"))
    assert minutes_today(hass) == 0
    assert phone.stored()["walks"] == []
    assert phone.stored()["tracking"] == {}
    assert hass.states.get(STEPS_TODAY) is None


@pytest.mark.parametrize("tracking_options", [STEPS_ONLY])
async def test_estimates_short_jumping_and_across_a_restart(
    hass: HomeAssistant, phone: Phone
) -> None:
    """Short brisk stretches are no walk; a replaced counter splits; a reload joins."""
    await phone.say(utc("09:00"), STEPS, "1000")
    await phone.say(utc("09:02"), STEPS, "1250")  # brisk, but two minutes
    await phone.say(utc("09:10"), STEPS, "1300")
    assert phone.stored()["walks"] == []
    assert phone.stored()["tracking"]["estimate"] is None

    # Brisk for five minutes, then the counter jumps (a new phone): a new baseline.
    await phone.say(utc("10:00"), STEPS, "1800")  # slow: 50 minutes
    await phone.say(utc("10:05"), STEPS, "2350")
    await phone.say(utc("10:10"), STEPS, "900000")
    await phone.say(utc("10:15"), STEPS, "900550")
    # The next brisk stretch is too far from the first to be the same walk.
    assert phone.walks() == [("sensor", 5.0, utc("10:00"))]

    # A reload in the middle of the second stretch continues it.
    assert await hass.config_entries.async_reload(phone.entry.entry_id)
    await hass.async_block_till_done()
    await phone.say(utc("10:20"), STEPS, "901100")
    await phone.say(utc("10:40"), STEPS, "901200")
    assert phone.walks()[1:] == [
        ("sensor", 10.0, utc("10:10")),
    ]
    assert minutes_today(hass) == 15
    # The jump is not counted as steps.
    assert hass.states.get(STEPS_TODAY).state == str(
        250 + 50 + 500 + 550 + 550 + 550 + 100
    )

    # A step counter that disappears changes nothing.
    hass.states.async_remove(STEPS)
    await hass.async_block_till_done()
    assert hass.states.get(STEPS_TODAY).state == "2550"


@pytest.mark.parametrize("tracking_options", [STEPS_ONLY])
@pytest.mark.parametrize(
    "estimate",
    [
        {"start": "2026-11-25T08:50:00+00:00", "end": "2026-11-25T08:59:00+00:00"},
        {"start": "soon", "end": "2026-11-25T08:59:00+00:00", "minutes": 9},
        {"start": "2026-11-25T08:50:00", "end": "2026-11-25T08:59:00", "minutes": 9},
        {
            "start": "2026-11-25T08:50:00+00:00",
            "end": "2026-11-25T08:59:00+00:00",
            "minutes": "nine",
        },
        "nonsense",
    ],
)
async def test_bad_stored_estimate_ignored(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    persisted: Persisted,
    estimate: Any,
) -> None:
    """A stored open estimate that cannot be read is dropped; counting goes on."""
    hass_storage[f"{DOMAIN}.{config_entry.entry_id}"] = {
        "version": 1,
        "minor_version": 2,
        "key": f"{DOMAIN}.{config_entry.entry_id}",
        "data": {
            "walks": [],
            "pain_reports": [],
            "stretches": [],
            "alternatives": [],
            "live_walk_started": None,
            "reminders": {},
            "tracking": {"estimate": estimate},
        },
    }
    await hass.config.async_set_time_zone("Europe/Berlin")
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED

    await say(hass, freezer, utc("09:00"), STEPS, "1000")
    await say(hass, freezer, utc("09:05"), STEPS, "1550")
    await say(hass, freezer, utc("09:10"), STEPS, "1600")
    assert walks(persisted, config_entry) == [("sensor", 5.0, utc("09:00"))]
