"""Nudges through a week of schedule: what is said, where, when, and only once."""

from __future__ import annotations

import asyncio
from datetime import timedelta
import json
import logging
from pathlib import Path
import re
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import persistent_notification
from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from markdown_it import MarkdownIt
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
    async_mock_service,
)

from custom_components.backwalk.const import DOMAIN, EVENT_NUDGE
from custom_components.backwalk.journal import Change
from custom_components.backwalk.model.markdown import escape_markdown
from custom_components.backwalk.store import ProfileStore
from tests.conftest import Persisted

EXERCISE_WORDS = ("walk", "stretch", "swim", "bike", "yoga", "exercise")
EN_JSON = (
    Path(__file__).parent.parent / "custom_components/backwalk/translations/en.json"
)


@pytest.fixture
def profile_options(profile_options: dict[str, Any]) -> dict[str, Any]:
    """Walks Monday, Wednesday and Friday at 07:30; reminders to a speaker and a phone."""
    return {
        **profile_options,
        "preferred_alternatives": ["swimming", "yoga"],
        "walk_days": [0, 2, 4],
        "walk_time": "07:30:00",
        "stretch_lead_minutes": 10,
        "check_in_after_minutes": 120,
        "media_players": ["media_player.kitchen"],
        "tts_entity": "tts.piper",
        "mobile_app_services": ["mobile_app_pixel"],
        "notify_entities": [],
        "persistent_notification": False,
    }


class Delivered:
    """What reached the speaker and the phone."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Stand in for the external devices (the only mocks here)."""
        hass.states.async_set("media_player.kitchen", "idle")
        hass.states.async_set("tts.piper", "unknown")
        self.spoken: list[ServiceCall] = async_mock_service(hass, "tts", "speak")
        self.pushed: list[ServiceCall] = async_mock_service(
            hass, "notify", "mobile_app_pixel"
        )
        self.events = async_capture_events(hass, EVENT_NUDGE)

    def types(self) -> list[str]:
        """The types of the nudges fired as events, in order."""
        return [event.data["type"] for event in self.events]


@pytest.fixture
async def delivered(hass: HomeAssistant) -> Delivered:
    """Targets exist before the profile loads."""
    return Delivered(hass)


@pytest.fixture(autouse=True)
def sunday_evening(freezer: FrozenDateTimeFactory) -> None:
    """Sunday 2026-11-22, 20:00 in Berlin (19:00 UTC)."""
    freezer.move_to("2026-11-22T19:00:00+00:00")


async def at(hass: HomeAssistant, freezer: FrozenDateTimeFactory, moment: str) -> None:
    """Move the clock to a UTC moment and let timers run."""
    freezer.move_to(moment)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


async def call(hass: HomeAssistant, service: str, data: dict[str, Any]) -> None:
    """Call a backwalk action."""
    await hass.services.async_call(DOMAIN, service, data, blocking=True)


async def test_stretch_nudge_before_the_walk(
    hass: HomeAssistant,
    delivered: Delivered,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Ten minutes before Monday's 07:30 walk: spoken, pushed with buttons, fired."""
    await at(hass, freezer, "2026-11-23T06:19:00+00:00")
    assert delivered.events == []
    await at(hass, freezer, "2026-11-23T06:20:00+00:00")
    assert delivered.types() == ["stretch"]
    event = delivered.events[0].data
    assert event["profile"] == "Alex"
    assert event["walk_time"] == "2026-11-23T06:30:00+00:00"
    assert "G13" in event["guidance"]
    assert "G10" in event["guidance"]
    assert "5 minutes" in event["message"]  # today's target from the plan
    assert "hamstrings" in event["message"]
    # G10 counts walks: how the week stands (Monday, nothing walked yet).
    assert "So far this week you have done 0 of 3 walks." in event["message"]

    [speak] = delivered.spoken
    assert speak.data["entity_id"] == "tts.piper"
    assert speak.data["media_player_entity_id"] == ["media_player.kitchen"]
    assert speak.data["message"] == event["spoken"]

    [push] = delivered.pushed
    assert push.data["message"] == event["message"]
    actions = [action["action"] for action in push.data["data"]["actions"]]
    entry_id = loaded_entry.entry_id
    assert actions == [
        f"BACKWALK_STRETCHED_{entry_id}",
        f"BACKWALK_WALKED_{entry_id}",
        f"BACKWALK_SNOOZE_{entry_id}",
        f"BACKWALK_PAIN_{entry_id}",
    ]

    # Time passing further never repeats it.
    await at(hass, freezer, "2026-11-23T06:25:00+00:00")
    assert delivered.types() == ["stretch"]


async def test_a_week_of_schedule(
    hass: HomeAssistant,
    delivered: Delivered,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Mon walked (no check-in), Wed pain day (alternative), Fri no walk (check-in)."""
    await at(hass, freezer, "2026-11-23T06:20:00+00:00")
    await at(hass, freezer, "2026-11-23T07:00:00+00:00")
    await call(hass, "log_walk", {"minutes": 25})
    await at(hass, freezer, "2026-11-23T08:30:00+00:00")
    await at(hass, freezer, "2026-11-24T08:30:00+00:00")  # Tuesday: no walk planned
    assert delivered.types() == ["stretch"]

    await at(hass, freezer, "2026-11-25T06:00:00+00:00")
    await call(hass, "report_pain", {"level": 6})
    await at(hass, freezer, "2026-11-25T06:20:00+00:00")
    assert delivered.types() == ["stretch", "alternative"]
    alternative = delivered.events[-1].data
    assert alternative["guidance"][0] == "G7"
    assert "swimming" in alternative["message"]
    assert "gentle yoga" in alternative["message"]
    assert "bike" not in alternative["message"]
    # Wednesday's check-in still asks (no walk); the pain answer is one tap away.
    await at(hass, freezer, "2026-11-25T08:30:00+00:00")
    assert delivered.types() == ["stretch", "alternative", "check_in"]

    await at(hass, freezer, "2026-11-27T06:20:00+00:00")
    await at(hass, freezer, "2026-11-27T08:29:00+00:00")
    assert delivered.types()[-1] == "stretch"
    await at(hass, freezer, "2026-11-27T08:30:00+00:00")
    assert delivered.types() == [
        "stretch",
        "alternative",
        "check_in",
        "stretch",
        "check_in",
    ]
    assert len(delivered.pushed) == 5
    assert len(delivered.spoken) == 5


async def test_red_flag_gives_care_advice_once_and_no_exercise(
    hass: HomeAssistant,
    delivered: Delivered,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A report at the red-flag level: advice at once, no exercise nudge that day (G15)."""
    await at(hass, freezer, "2026-11-23T05:00:00+00:00")
    await call(hass, "report_pain", {"level": 9})
    await hass.async_block_till_done()
    assert delivered.types() == ["red_flag"]
    advice = delivered.events[0].data
    assert advice["guidance"] == ["G15"]
    for text in (advice["message"], advice["spoken"]):
        assert not any(word in text.lower() for word in EXERCISE_WORDS)
    assert delivered.pushed[0].data["data"]["actions"] == []

    await call(hass, "report_pain", {"level": 9})
    await at(hass, freezer, "2026-11-23T06:20:00+00:00")
    await at(hass, freezer, "2026-11-23T08:30:00+00:00")
    assert delivered.types() == ["red_flag"]


async def test_unsaved_reminder_state_is_logged(
    hass: HomeAssistant,
    delivered: Delivered,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The advice goes out even when the disk refuses to note it was sent; a warning says so."""
    await at(hass, freezer, "2026-11-23T05:00:00+00:00")
    append = ProfileStore.async_append

    async def reminders_fail(store: ProfileStore, change: Change) -> None:
        if change.reminders is not None:
            raise OSError("disk full")
        await append(store, change)

    with patch.object(ProfileStore, "async_append", reminders_fail):
        await call(hass, "report_pain", {"level": 9})
        await hass.async_block_till_done()
    assert delivered.types() == ["red_flag"]
    assert "Could not save the reminders sent for Alex" in caplog.text


async def test_unload_during_a_delivery_is_quiet(
    hass: HomeAssistant,
    delivered: Delivered,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A profile unloaded while advice is being spoken: no error, nothing saved after."""
    await at(hass, freezer, "2026-11-23T05:00:00+00:00")
    speaking = asyncio.Event()
    release = asyncio.Event()

    async def slow_speaker(_call: ServiceCall) -> None:
        speaking.set()
        await release.wait()

    hass.services.async_register("tts", "speak", slow_speaker)
    await call(hass, "report_pain", {"level": 9})
    await speaking.wait()
    unload = hass.async_create_task(
        hass.config_entries.async_unload(loaded_entry.entry_id)
    )
    await asyncio.sleep(0)
    release.set()
    assert await unload
    await hass.async_block_till_done()
    assert "Could not save" not in caplog.text
    assert "not loaded" not in caplog.text


@pytest.mark.parametrize(
    ("quiet", "expected"),
    [
        # The stretch reminder falls in quiet hours: skipped; the check-in is not.
        (("06:00:00", "08:00:00"), [("check_in", "2026-11-23T08:30:00+00:00")]),
        # The check-in falls in quiet hours: it waits until they end.
        (
            ("09:00:00", "10:00:00"),
            [
                ("stretch", "2026-11-23T06:20:00+00:00"),
                ("check_in", "2026-11-23T09:00:00+00:00"),
            ],
        ),
    ],
)
async def test_quiet_hours(
    hass: HomeAssistant,
    delivered: Delivered,
    config_entry: MockConfigEntry,
    profile_options: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    quiet: tuple[str, str],
    expected: list[tuple[str, str]],
) -> None:
    """Quiet hours (local time) hold reminders back."""
    profile_options["quiet_start"], profile_options["quiet_end"] = quiet
    await hass.config.async_set_time_zone("Europe/Berlin")
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    sent: list[tuple[str, str]] = []
    for minute in range(5 * 60, 10 * 60, 5):
        moment = f"2026-11-23T{minute // 60:02d}:{minute % 60:02d}:00+00:00"
        before = len(delivered.events)
        await at(hass, freezer, moment)
        sent.extend((event.data["type"], moment) for event in delivered.events[before:])
    assert sent == expected


async def test_restart_neither_repeats_nor_skips(
    hass: HomeAssistant,
    delivered: Delivered,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Sent before a restart: not again. Due while stopped and still relevant: sent."""
    await at(hass, freezer, "2026-11-23T06:20:00+00:00")
    assert delivered.types() == ["stretch"]
    await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    await at(hass, freezer, "2026-11-23T06:21:00+00:00")
    assert delivered.types() == ["stretch"]

    await at(hass, freezer, "2026-11-23T08:30:00+00:00")  # Monday's check-in
    # Stopped over Wednesday's reminder time, started again before the walk.
    await at(hass, freezer, "2026-11-25T06:00:00+00:00")
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    await at(hass, freezer, "2026-11-25T06:25:00+00:00")
    assert delivered.types() == ["stretch", "check_in"]
    assert await hass.config_entries.async_setup(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert delivered.types() == ["stretch", "check_in", "stretch"]


async def test_phone_buttons(
    hass: HomeAssistant,
    delivered: Delivered,
    loaded_entry: MockConfigEntry,
    persisted: Persisted,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Stretched, Walked, Snooze and In pain answer the last nudge of this profile only."""
    entry_id = loaded_entry.entry_id

    def stored() -> dict[str, Any]:
        return persisted(loaded_entry)

    async def tap(verb: str, profile: str = entry_id, reply: str | None = None) -> None:
        data: dict[str, Any] = {"action": f"BACKWALK_{verb}_{profile}"}
        if reply is not None:
            data["reply_text"] = reply
        hass.bus.async_fire("mobile_app_notification_action", data)
        await hass.async_block_till_done()

    await at(hass, freezer, "2026-11-23T06:20:00+00:00")
    await tap("STRETCHED", profile="someone-else")
    assert stored()["stretches"] == []
    await tap("STRETCHED")
    assert len(stored()["stretches"]) == 1

    await tap("SNOOZE")
    await at(hass, freezer, "2026-11-23T06:34:00+00:00")
    assert delivered.types() == ["stretch"]
    await at(hass, freezer, "2026-11-23T06:35:00+00:00")
    assert delivered.types() == ["stretch", "stretch"]

    await at(hass, freezer, "2026-11-23T07:00:00+00:00")
    await tap("WALKED")
    await tap("WALKED")  # a second tap does not count twice
    [walk] = stored()["walks"]
    assert walk["minutes"] == 5  # today's target
    assert walk["start"] == "2026-11-23T06:30:00+00:00"  # the scheduled time

    await tap("PAIN", reply="7")
    await at(hass, freezer, "2026-11-23T07:01:00+00:00")
    await tap("PAIN", reply="")
    await tap("PAIN", reply="12")  # out of range: refused, nothing stored
    assert [report["level"] for report in stored()["pain_reports"]] == [7, 5]


async def test_phone_answers_with_nothing_to_answer_or_no_disk(
    hass: HomeAssistant,
    delivered: Delivered,
    loaded_entry: MockConfigEntry,
    persisted: Persisted,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Phone answers that cannot be acted on change nothing, and stop nothing.

    Snooze before any reminder came snoozes nothing; Stretched while the disk fails
    stores nothing and says so in the log, not as an error; the next reminder comes.
    """
    entry_id = loaded_entry.entry_id

    async def tap(verb: str) -> None:
        hass.bus.async_fire(
            "mobile_app_notification_action", {"action": f"BACKWALK_{verb}_{entry_id}"}
        )
        await hass.async_block_till_done()

    await tap("SNOOZE")  # an old notification's button: no reminder was sent yet
    assert persisted(loaded_entry).get("reminders", {}).get("snoozed", []) == []
    with patch.object(ProfileStore, "async_append", side_effect=OSError("disk full")):
        await tap("STRETCHED")
    assert persisted(loaded_entry)["stretches"] == []
    assert "Could not record the answer STRETCHED" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    await at(hass, freezer, "2026-11-23T06:20:00+00:00")
    assert delivered.types() == ["stretch"]


async def test_missing_target_raises_a_repair_with_a_fix(
    hass: HomeAssistant,
    delivered: Delivered,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A speaker that is gone: the phone still gets it, a repair lets the user choose anew."""
    hass.states.async_remove("media_player.kitchen")
    await at(hass, freezer, "2026-11-23T06:20:00+00:00")
    assert delivered.spoken == []
    assert len(delivered.pushed) == 1
    issue_id = f"missing_target_{loaded_entry.entry_id}"
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_placeholders["targets"] == "media_player.kitchen"

    hass.states.async_set("media_player.living_room", "idle")
    assert await async_setup_component(hass, "repairs", {})
    manager = repairs_flow_manager(hass)
    assert manager is not None
    flow = await manager.async_init(DOMAIN, data={"issue_id": issue_id})
    assert flow["step_id"] == "targets"
    flow = await manager.async_configure(
        flow["flow_id"], {"media_players": ["media_player.living_room"]}
    )
    assert flow["errors"] == {"tts_entity": "tts_required"}
    flow = await manager.async_configure(
        flow["flow_id"],
        {
            "media_players": ["media_player.living_room"],
            "tts_entity": "tts.piper",
            "mobile_app_services": ["mobile_app_pixel"],
            "notify_entities": [],
            "persistent_notification": False,
        },
    )
    assert flow["type"] == "create_entry"
    await hass.async_block_till_done()
    assert loaded_entry.options["media_players"] == ["media_player.living_room"]
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None

    await at(hass, freezer, "2026-11-25T06:20:00+00:00")
    assert delivered.spoken[-1].data["media_player_entity_id"] == [
        "media_player.living_room"
    ]


async def test_persistent_notification_when_nothing_else_is_chosen(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    profile_options: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """With no speaker or phone, the reminder shows in Home Assistant's notifications."""
    for key in ("media_players", "mobile_app_services"):
        profile_options[key] = []
    profile_options.pop("tts_entity")
    await hass.config.async_set_time_zone("Europe/Berlin")
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    await at(hass, freezer, "2026-11-23T06:20:00+00:00")
    notifications = persistent_notification._async_get_or_create_notifications(hass)
    assert (
        "Stretch gently"
        in notifications[f"backwalk_{config_entry.entry_id}"]["message"]
    )


async def test_next_walk_sensor_and_calendar(
    hass: HomeAssistant,
    delivered: Delivered,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The next walk follows the schedule; the calendar shows past and future."""
    assert hass.states.get("sensor.alex_next_scheduled_walk").state == (
        "2026-11-23T06:30:00+00:00"
    )
    calendar = hass.states.get("calendar.alex_walks")
    assert calendar.attributes["start_time"] == "2026-11-23 07:30:00"
    await at(hass, freezer, "2026-11-23T06:30:00+00:00")
    assert hass.states.get("sensor.alex_next_scheduled_walk").state == (
        "2026-11-25T06:30:00+00:00"
    )
    await call(hass, "log_walk", {"minutes": 20})
    await call(hass, "log_stretch", {})
    await call(hass, "log_alternative", {"activity": "swimming", "minutes": 30})
    await call(hass, "report_pain", {"level": 2})
    events = await hass.services.async_call(
        "calendar",
        "get_events",
        {
            "entity_id": "calendar.alex_walks",
            "start_date_time": "2026-11-23 00:00:00",
            "end_date_time": "2026-11-30 00:00:00",
        },
        blocking=True,
        return_response=True,
    )
    summaries = [event["summary"] for event in events["calendar.alex_walks"]["events"]]
    assert summaries == [
        "Swimming instead of a walk (30 min)",
        "Walked 20 min",
        "Stretched",
        "Walk (5 min)",
        "Walk (5 min)",
    ]


def _links_and_images(markdown: str) -> list[str]:
    """Links, images and HTML tags in `markdown` as the frontend would render it.

    CommonMark with raw HTML (as Home Assistant allows some); GFM's bare links have no
    markup, so a scheme, "www." or an "@" left unescaped counts as one too.
    """
    rendered = MarkdownIt("commonmark", {"html": True}).render(markdown)
    found = re.findall(r"<(?!/?p>)[^>]*>", rendered)
    found += re.findall(
        r"(?<!\\)://|(?<![^\W_])www\.|(?<!\\)@", markdown, re.IGNORECASE
    )
    return found


@pytest.mark.parametrize(
    "name",
    [
        "[Tap to confirm your login](https://evil.example/login)",
        "<img src=x>",
        "![x](https://evil.example/x.png)",
        "Kim\n\n[confirm]: https://evil.example\n[confirm]",
    ],
)
async def test_names_in_markdown_are_escaped(
    hass: HomeAssistant,
    delivered: Delivered,
    profile_options: dict[str, Any],
    name: str,
) -> None:
    """A profile's name is text in every notification and repair, never a link or image."""
    async_mock_service(hass, "notify", "send_message")
    hass.states.async_set("notify.family_chat", "unknown")
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=name,
        data={"name": name},
        options={
            **profile_options,
            "notify_entities": ["notify.family_chat"],
            # A phone is typed by hand: it may be anything, and this one is gone.
            "mobile_app_services": ["mobile_app_pixel", "mobile_app_[x](https://x.y)"],
            "persistent_notification": True,
        },
        version=1,
        minor_version=1,
    )
    await hass.config.async_set_time_zone("Europe/Berlin")
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    await call(hass, "report_pain", {"level": 9})
    await hass.async_block_till_done()

    assert delivered.types() == ["red_flag"]
    notifications = persistent_notification._async_get_or_create_notifications(hass)
    message = notifications[f"backwalk_{entry.entry_id}"]["message"]
    assert "Your pain is severe today" in message
    assert _links_and_images(message) == []
    assert escape_markdown(name) in message
    # The phone and the notifier get the same text; a speaker reads the name as is.
    assert delivered.pushed[0].data["message"] == message
    assert delivered.events[0].data["message"] == message
    assert delivered.events[0].data["spoken"].startswith(name)

    issue = ir.async_get(hass).async_get_issue(
        DOMAIN, f"missing_target_{entry.entry_id}"
    )
    assert issue is not None
    placeholders = issue.translation_placeholders or {}
    assert placeholders["targets"] == r"notify.mobile_app\_\[x\](https\://x.y)"
    texts = json.loads(EN_JSON.read_text(encoding="utf-8"))["issues"]["missing_target"]
    description = texts["fix_flow"]["step"]["targets"]["description"]
    assert _links_and_images(description.format(**placeholders)) == []


async def test_red_flag_advice_is_withdrawn_when_corrected(
    hass: HomeAssistant,
    delivered: Delivered,
    config_entry: MockConfigEntry,
    persisted: Persisted,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A mis-tap at the red-flag level, corrected: the advice is taken back where it can be.

    Everything then agrees that today is no red-flag day; a real red flag later the same
    day is advised again, since nothing shows the first advice any more.
    """
    await hass.config.async_set_time_zone("Europe/Berlin")
    config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        config_entry,
        options={**config_entry.options, "persistent_notification": True},
    )
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    tag = f"backwalk_{config_entry.entry_id}"

    await at(hass, freezer, "2026-11-23T05:00:00+00:00")
    await call(hass, "report_pain", {"level": 9})
    await hass.async_block_till_done()
    assert delivered.types() == ["red_flag"]
    assert tag in persistent_notification._async_get_or_create_notifications(hass)
    assert delivered.pushed[0].data["data"]["tag"] == tag

    freezer.tick(timedelta(minutes=2))
    await call(hass, "correct_pain", {"level": 3})
    await hass.async_block_till_done()
    assert tag not in persistent_notification._async_get_or_create_notifications(hass)
    # The companion app removes a notification by its tag.
    assert delivered.pushed[-1].data == {
        "message": "clear_notification",
        "data": {"tag": tag},
    }
    reports = persisted(config_entry)["pain_reports"]
    assert [report["level"] for report in reports] == [3]
    assert "red_flag:2026-11-23" not in persisted(config_entry)["reminders"]["sent"]
    status = hass.states.get("sensor.alex_pain_status")
    assert status is not None
    assert (status.state, status.attributes["red_flag_today"]) == ("mild", False)
    assert hass.states.get("binary_sensor.alex_pain_day").state == "off"

    # Monday's walk at 07:30: today is a mild day now, so the usual stretch reminder.
    await at(hass, freezer, "2026-11-23T06:20:00+00:00")
    assert delivered.types() == ["red_flag", "stretch"]
    pushed = len(delivered.pushed)

    # A real red flag later today is advised again (nothing shows the first any more).
    await call(hass, "report_pain", {"level": 8})
    await hass.async_block_till_done()
    assert delivered.types() == ["red_flag", "stretch", "red_flag"]
    assert len(delivered.pushed) == pushed + 1
