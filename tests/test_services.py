"""The actions users call: logging, deleting, history, and every refusal."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.auth.const import GROUP_ID_USER
from homeassistant.auth.models import User
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import ServiceValidationError, Unauthorized
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.backwalk.compat import async_get_profile_device
from custom_components.backwalk.const import DOMAIN, EVENT_DELETED, EVENT_LOGGED
from tests.conftest import Persisted

WEEK = "sensor.alex_walking_minutes_this_week"
TODAY = "sensor.alex_walking_minutes_today"


async def call(
    hass: HomeAssistant, service: str, data: dict[str, Any], *, response: bool = False
) -> Any:
    """Call a backwalk action and wait for it."""
    return await hass.services.async_call(
        DOMAIN, service, data, blocking=True, return_response=response
    )


@pytest.fixture(autouse=True)
def monday_morning(freezer: FrozenDateTimeFactory) -> None:
    """Wednesday 2026-11-25, 10:00 in Berlin (09:00 UTC)."""
    freezer.move_to("2026-11-25T09:00:00+00:00")


async def test_log_walk_updates_sensors_saves_and_fires_event(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, persisted: Persisted
) -> None:
    """A logged walk is saved before the action returns, counted, and announced."""
    events = async_capture_events(hass, EVENT_LOGGED)
    result = await call(
        hass,
        "log_walk",
        {"minutes": 20, "distance_km": 1.5, "note": "river path"},
        response=True,
    )
    walks = persisted(loaded_entry)["walks"]
    assert [walk["id"] for walk in walks] == [result["id"]]
    assert walks[0]["minutes"] == 20
    assert walks[0]["source"] == "manual"
    assert hass.states.get(WEEK).state == "20.0"
    assert hass.states.get(TODAY).state == "20.0"
    assert hass.states.get("sensor.alex_walks_this_week").state == "1"
    assert hass.states.get("sensor.alex_current_streak").state == "1"
    last = hass.states.get("sensor.alex_last_walk")
    assert last.state == "2026-11-25T09:00:00+00:00"
    assert last.attributes["distance_km"] == 1.5
    assert [event.data["type"] for event in events] == ["walk"]
    assert events[0].data["profile"] == "Alex"
    assert events[0].data["entry_id"] == loaded_entry.entry_id


async def test_log_walk_with_start_time(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, persisted: Persisted
) -> None:
    """A start without a zone is read in Home Assistant's zone; yesterday counts for the week."""
    await call(hass, "log_walk", {"minutes": 30, "started": "2026-11-24 18:00:00"})
    walk = persisted(loaded_entry)["walks"][0]
    assert datetime.fromisoformat(walk["start"]) == datetime.fromisoformat(
        "2026-11-24T17:00:00+00:00"
    )
    assert hass.states.get(WEEK).state == "30.0"
    assert hass.states.get(TODAY).state == "0.0"


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"minutes": 0}, "minutes_out_of_range"),
        ({"minutes": -5}, "minutes_out_of_range"),
        ({"minutes": 601}, "minutes_out_of_range"),
        ({"minutes": 10, "distance_km": -1}, "distance_out_of_range"),
        ({"minutes": 10, "distance_km": 1000}, "distance_out_of_range"),
        ({"minutes": 10, "started": "2026-11-26 10:00:00"}, "start_in_future"),
    ],
)
async def test_log_walk_refusals_store_nothing(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    persisted: Persisted,
    data: dict[str, Any],
    key: str,
) -> None:
    """Every refusal is a translated error and leaves the log as it was."""
    await call(hass, "log_walk", {"minutes": 10})
    before = persisted(loaded_entry)
    with pytest.raises(ServiceValidationError) as error:
        await call(hass, "log_walk", data)
    assert error.value.translation_key == key
    assert error.value.translation_domain == DOMAIN
    assert persisted(loaded_entry) == before
    assert hass.states.get(WEEK).state == "10.0"


async def test_note_too_long_is_refused(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Notes are capped at 500 characters."""
    with pytest.raises(Exception, match="500"):
        await call(hass, "report_pain", {"level": 3, "note": "x" * 501})
    assert hass.states.get("sensor.alex_pain_today").state == "unknown"


async def test_report_pain_drives_pain_entities(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """The latest report of the day is the day's pain; status follows the thresholds."""
    status = "sensor.alex_pain_status"
    # Nothing reported yet today: unknown, not "no pain".
    assert hass.states.get(status).state == "unknown"
    assert hass.states.get("number.alex_report_pain").state == "unknown"
    await call(hass, "report_pain", {"level": 0})
    assert hass.states.get(status).state == "none"
    freezer.tick(timedelta(minutes=30))
    await call(hass, "report_pain", {"level": 3})
    assert hass.states.get("sensor.alex_pain_today").state == "3"
    assert hass.states.get(status).state == "mild"
    assert hass.states.get("binary_sensor.alex_pain_day").state == "off"
    freezer.tick(timedelta(minutes=30))
    await call(hass, "report_pain", {"level": 6, "note": "after gardening"})
    assert hass.states.get(status).state == "pain_day"
    assert hass.states.get("binary_sensor.alex_pain_day").state == "on"
    assert hass.states.get("number.alex_report_pain").state == "6"
    freezer.tick(timedelta(minutes=30))
    await call(hass, "report_pain", {"level": 9})
    assert hass.states.get(status).state == "red_flag"
    with pytest.raises(ServiceValidationError) as error:
        await call(hass, "report_pain", {"level": 11})
    assert error.value.translation_key == "level_out_of_range"
    assert hass.states.get("sensor.alex_pain_today").state == "9"


async def test_pain_slider_reports_pain(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, persisted: Persisted
) -> None:
    """Moving the number entity is a pain report."""
    await hass.services.async_call(
        "number",
        "set_value",
        {"entity_id": "number.alex_report_pain", "value": 4},
        blocking=True,
    )
    reports = persisted(loaded_entry)["pain_reports"]
    assert [report["level"] for report in reports] == [4]
    assert hass.states.get("sensor.alex_pain_today").state == "4"


async def test_stretch_and_alternative(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, persisted: Persisted
) -> None:
    """Stretches and alternatives are stored and announced; alternatives need a known activity."""
    events = async_capture_events(hass, EVENT_LOGGED)
    await call(hass, "log_stretch", {"note": "hamstrings"})
    await call(hass, "log_alternative", {"activity": "swimming", "minutes": 25})
    data = persisted(loaded_entry)
    assert len(data["stretches"]) == 1
    assert data["alternatives"][0]["activity"] == "swimming"
    assert [event.data["type"] for event in events] == ["stretch", "alternative"]
    with pytest.raises(Exception, match="activity"):
        await call(hass, "log_alternative", {"activity": "jogging", "minutes": 25})
    with pytest.raises(ServiceValidationError) as error:
        await call(hass, "log_alternative", {"activity": "yoga", "minutes": 0})
    assert error.value.translation_key == "minutes_out_of_range"


async def test_delete_entry(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, persisted: Persisted
) -> None:
    """Deleting a walk takes it out of every total; an unknown id is refused."""
    first = await call(hass, "log_walk", {"minutes": 15}, response=True)
    await call(
        hass,
        "log_walk",
        {"minutes": 10, "started": "2026-11-23 07:00:00"},
        response=True,
    )
    assert hass.states.get(WEEK).state == "25.0"
    await call(hass, "delete_entry", {"entry_id": first["id"]})
    assert hass.states.get(WEEK).state == "10.0"
    assert len(persisted(loaded_entry)["walks"]) == 1
    with pytest.raises(ServiceValidationError) as error:
        await call(hass, "delete_entry", {"entry_id": first["id"]})
    assert error.value.translation_key == "unknown_record"


async def test_a_huge_unknown_id_is_not_repeated_in_the_error(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """An id of 100 000 characters: the refusal names it cut to 40, ending in "…"."""
    huge = "w" * 100_000
    with pytest.raises(ServiceValidationError) as error:
        await call(hass, "delete_entry", {"entry_id": huge})
    assert error.value.translation_key == "unknown_record"
    assert error.value.translation_placeholders == {"id": "w" * 39 + "…"}
    assert len(str(error.value)) < 200


@pytest.fixture
async def regular_user(hass: HomeAssistant) -> User:
    """A household member who is not an administrator."""
    return await hass.auth.async_create_user("Sam", group_ids=[GROUP_ID_USER])


@pytest.mark.parametrize("who", ["read_only", "regular"])
async def test_delete_entry_refuses_non_admins(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    persisted: Persisted,
    hass_read_only_user: User,
    regular_user: User,
    who: str,
) -> None:
    """Deleting history is for administrators (as recorder.purge): nothing is deleted."""
    walk = await call(hass, "log_walk", {"minutes": 15}, response=True)
    deleted = async_capture_events(hass, EVENT_DELETED)
    user = hass_read_only_user if who == "read_only" else regular_user
    with pytest.raises(Unauthorized):
        await hass.services.async_call(
            DOMAIN,
            "delete_entry",
            {"entry_id": walk["id"]},
            blocking=True,
            context=Context(user_id=user.id),
        )
    assert [stored["id"] for stored in persisted(loaded_entry)["walks"]] == [walk["id"]]
    assert hass.states.get(WEEK).state == "15.0"
    assert deleted == []


async def frontend_call(
    client: Any, service: str, data: dict[str, Any], **options: Any
) -> dict[str, Any]:
    """Call a backwalk action over the websocket API, as the frontend and apps do."""
    await client.send_json_auto_id(
        {
            "type": "call_service",
            "domain": DOMAIN,
            "service": service,
            "service_data": data,
            **options,
        }
    )
    answer: dict[str, Any] = await client.receive_json()
    return answer


async def test_delete_entry_from_the_frontend_needs_an_admin(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    persisted: Persisted,
    hass_ws_client: WebSocketGenerator,
    hass_read_only_access_token: str,
) -> None:
    """The websocket API, as the frontend and apps call it, answers Unauthorized."""
    walk = await call(hass, "log_walk", {"minutes": 15}, response=True)
    client = await hass_ws_client(hass, hass_read_only_access_token)
    result = await frontend_call(client, "delete_entry", {"entry_id": walk["id"]})
    assert result["success"] is False
    # call_service reports every HomeAssistantError with this code, Unauthorized too.
    assert result["error"]["code"] == "home_assistant_error"
    assert result["error"]["message"] == "Unauthorized"
    assert len(persisted(loaded_entry)["walks"]) == 1


async def test_each_deletion_fires_an_event_naming_who(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    persisted: Persisted,
    hass_admin_user: User,
) -> None:
    """An admin's deletion is announced with their user id and what was deleted.

    A call without a user (an automation, a script) is announced too, with none.
    """
    walk = await call(hass, "log_walk", {"minutes": 15, "note": "park"}, response=True)
    pain = await call(hass, "report_pain", {"level": 4}, response=True)
    deleted = async_capture_events(hass, EVENT_DELETED)
    context = Context(user_id=hass_admin_user.id)
    await hass.services.async_call(
        DOMAIN, "delete_entry", {"entry_id": walk["id"]}, blocking=True, context=context
    )
    assert persisted(loaded_entry)["walks"] == []
    assert hass.states.get(WEEK).state == "0.0"
    await call(hass, "delete_entry", {"entry_id": pain["id"]})
    assert persisted(loaded_entry)["pain_reports"] == []
    assert [event.data for event in deleted] == [
        {
            "entry_id": loaded_entry.entry_id,
            "profile": "Alex",
            "type": "walk",
            "reason": "delete",
            "user_id": hass_admin_user.id,
            "id": walk["id"],
            "start": "2026-11-25T08:45:00+00:00",
            "minutes": 15.0,
            "distance_km": None,
            "source": "manual",
            "note": "park",
        },
        {
            "entry_id": loaded_entry.entry_id,
            "profile": "Alex",
            "type": "pain",
            "reason": "delete",
            "user_id": None,
            "id": pain["id"],
            "time": "2026-11-25T09:00:00+00:00",
            "level": 4,
            "note": None,
        },
    ]
    assert deleted[0].context.id == context.id


async def test_get_history(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """History returns each kind of record in the range, newest range by default."""
    await call(hass, "log_walk", {"minutes": 15, "started": "2026-11-01 08:00:00"})
    await call(hass, "log_walk", {"minutes": 20})
    await call(hass, "report_pain", {"level": 2})
    await call(hass, "log_stretch", {})
    await call(hass, "log_alternative", {"activity": "yoga", "minutes": 15})
    recent = await call(hass, "get_history", {}, response=True)
    assert [walk["minutes"] for walk in recent["walks"]] == [20]
    assert len(recent["pain_reports"]) == 1
    assert len(recent["stretches"]) == 1
    assert len(recent["alternatives"]) == 1
    assert recent["profile"] == "Alex"
    everything = await call(
        hass,
        "get_history",
        {"start": "2026-10-01 00:00:00", "end": "2026-11-26 00:00:00"},
        response=True,
    )
    assert [walk["minutes"] for walk in everything["walks"]] == [15, 20]
    with pytest.raises(ServiceValidationError) as error:
        await call(
            hass,
            "get_history",
            {"start": "2026-11-26 00:00:00", "end": "2026-11-01 00:00:00"},
            response=True,
        )
    assert error.value.translation_key == "start_not_before_end"


async def test_choosing_the_profile(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    add_profile: Callable[[str], Awaitable[MockConfigEntry]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """With two profiles an action needs one, by entry id or by device.

    Finding a device's profile uses the supported API: no deprecation is logged.
    """
    other = await add_profile("Sam")

    with pytest.raises(ServiceValidationError) as error:
        await call(hass, "log_walk", {"minutes": 10})
    # Home Assistant's helper says so where it finds the only entry itself (compat.py).
    assert error.value.translation_key in {
        "service_found_multiple_config_entry_for_domain",
        "profile_required",
    }

    await call(hass, "log_walk", {"minutes": 10, "config_entry_id": other.entry_id})
    assert hass.states.get("sensor.sam_walking_minutes_this_week").state == "10.0"
    assert hass.states.get(WEEK).state == "0.0"

    device = async_get_profile_device(hass, loaded_entry.entry_id)
    assert device is not None
    await call(hass, "log_walk", {"minutes": 7, "device_id": device.id})
    assert hass.states.get(WEEK).state == "7.0"
    assert "deprecated" not in caplog.text

    with pytest.raises(ServiceValidationError) as error:
        await call(hass, "log_walk", {"minutes": 7, "device_id": "nope"})
    assert error.value.translation_key == "unknown_device"
    with pytest.raises(ServiceValidationError) as error:
        await call(hass, "log_walk", {"minutes": 7, "config_entry_id": "nope"})
    assert error.value.translation_key == "service_config_entry_not_found"

    await hass.config_entries.async_unload(other.entry_id)
    with pytest.raises(ServiceValidationError) as error:
        await call(hass, "log_walk", {"minutes": 7, "config_entry_id": other.entry_id})
    assert error.value.translation_key == "service_config_entry_not_loaded"


async def test_device_of_another_integration_is_refused(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A device that is not a backwalk profile cannot receive a walk."""
    foreign = MockConfigEntry(domain="demo")
    foreign.add_to_hass(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=foreign.entry_id, identifiers={("demo", "x")}
    )
    with pytest.raises(ServiceValidationError) as error:
        await call(hass, "log_walk", {"minutes": 7, "device_id": device.id})
    assert error.value.translation_key == "unknown_device"


async def test_live_walk_buttons(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    persisted: Persisted,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Start, restart Home Assistant's entry in between, finish: the elapsed minutes count.

    Only the button that can act is available: Finish walk while a walk runs, Start walk
    otherwise. Home Assistant skips an unavailable button, so a press of it does nothing.
    """

    async def press(button: str) -> None:
        await hass.services.async_call(
            "button", "press", {"entity_id": f"button.alex_{button}"}, blocking=True
        )

    def available() -> set[str]:
        return {
            button
            for button in ("start_walk", "finish_walk", "log_stretch")
            if hass.states.get(f"button.alex_{button}").state != "unavailable"
        }

    assert available() == {"start_walk", "log_stretch"}
    await press("finish_walk")
    assert persisted(loaded_entry)["walks"] == []
    await press("start_walk")
    started = persisted(loaded_entry)["live_walk_started"]
    assert started is not None
    assert available() == {"finish_walk", "log_stretch"}
    freezer.tick(timedelta(minutes=1))
    await press("start_walk")
    assert persisted(loaded_entry)["live_walk_started"] == started
    # The runtime still refuses what a race past the availability could ask for.
    with pytest.raises(ServiceValidationError) as error:
        await loaded_entry.runtime_data.async_start_walk()
    assert error.value.translation_key == "walk_already_started"

    await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert available() == {"finish_walk", "log_stretch"}
    freezer.tick(timedelta(minutes=24))
    await press("finish_walk")
    assert hass.states.get(WEEK).state == "25.0"
    walk = persisted(loaded_entry)["walks"][0]
    assert walk["source"] == "button"
    assert persisted(loaded_entry)["live_walk_started"] is None
    assert available() == {"start_walk", "log_stretch"}
    with pytest.raises(ServiceValidationError) as error:
        await loaded_entry.runtime_data.async_finish_walk()
    assert error.value.translation_key == "no_walk_started"


async def test_log_stretch_button(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, persisted: Persisted
) -> None:
    """The stretch button logs a stretch."""
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.alex_log_stretch"}, blocking=True
    )
    assert len(persisted(loaded_entry)["stretches"]) == 1


async def test_walk_left_running_is_discarded(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    persisted: Persisted,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A live walk over 600 minutes is dropped with an explanation, not counted."""
    in_progress = "binary_sensor.alex_walk_in_progress"
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.alex_start_walk"}, blocking=True
    )
    assert hass.states.get(in_progress).state == "on"
    started = hass.states.get(in_progress).attributes["started"]
    assert datetime.fromisoformat(started) == datetime.fromisoformat(
        "2026-11-25T09:00:00+00:00"
    )
    freezer.tick(timedelta(hours=11))
    with pytest.raises(ServiceValidationError) as error:
        await hass.services.async_call(
            "button", "press", {"entity_id": "button.alex_finish_walk"}, blocking=True
        )
    assert error.value.translation_key == "live_walk_too_long"
    assert hass.states.get(in_progress).state == "off"
    assert persisted(loaded_entry)["live_walk_started"] is None
    assert persisted(loaded_entry)["walks"] == []


async def test_finishing_a_walk_that_was_logged_by_hand_too(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    persisted: Persisted,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Start walk, then the same walk typed in by hand: Finish walk cannot count it twice.

    It is refused as overlapping, and the running walk ends, so Start walk works again.
    """
    in_progress = "binary_sensor.alex_walk_in_progress"
    runtime = loaded_entry.runtime_data
    await runtime.async_start_walk()
    freezer.tick(timedelta(minutes=30))
    await hass.services.async_call(DOMAIN, "log_walk", {"minutes": 25}, blocking=True)
    with pytest.raises(ServiceValidationError) as error:
        await hass.services.async_call(
            "button", "press", {"entity_id": "button.alex_finish_walk"}, blocking=True
        )
    assert error.value.translation_key == "walk_overlaps"
    assert hass.states.get(in_progress).state == "off"
    assert persisted(loaded_entry)["live_walk_started"] is None
    assert [walk["minutes"] for walk in persisted(loaded_entry)["walks"]] == [25]


async def test_finish_pressed_twice_at_once_counts_once(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    persisted: Persisted,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Two presses of Finish walk at the same moment (two phones): one walk, one refusal."""
    runtime = loaded_entry.runtime_data
    await runtime.async_start_walk()
    freezer.tick(timedelta(minutes=20))
    results = await asyncio.gather(
        runtime.async_finish_walk(),
        runtime.async_finish_walk(),
        return_exceptions=True,
    )
    refusals = [r for r in results if isinstance(r, ServiceValidationError)]
    assert [r.translation_key for r in refusals] == ["no_walk_started"]
    assert [walk["minutes"] for walk in persisted(loaded_entry)["walks"]] == [20]


async def test_undo_last_takes_back_only_what_was_just_made(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    persisted: Persisted,
    regular_user: User,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Any user may undo the latest entry of the last 5 minutes, never history.

    Each undo is announced like a deletion, naming the user.
    """
    context = Context(user_id=regular_user.id)
    deleted = async_capture_events(hass, EVENT_DELETED)

    async def undo(data: dict[str, Any] | None = None) -> Any:
        return await hass.services.async_call(
            DOMAIN,
            "undo_last",
            data or {},
            blocking=True,
            context=context,
            return_response=True,
        )

    old = await call(hass, "log_walk", {"minutes": 20}, response=True)
    freezer.tick(timedelta(minutes=6))
    stretch = await call(hass, "log_stretch", {}, response=True)
    freezer.tick(timedelta(seconds=30))
    pain = await call(hass, "report_pain", {"level": 9}, response=True)
    assert hass.states.get("sensor.alex_pain_status").state == "red_flag"

    # The card's Undo names its entry: one that is not the latest is refused.
    with pytest.raises(ServiceValidationError) as error:
        await undo({"entry_id": stretch["id"]})
    assert error.value.translation_key == "undo_not_last"
    assert await undo({"entry_id": pain["id"]}) == {"id": pain["id"], "type": "pain"}
    assert persisted(loaded_entry)["pain_reports"] == []
    assert hass.states.get("sensor.alex_pain_status").state == "unknown"
    assert await undo() == {"id": stretch["id"], "type": "stretch"}
    assert persisted(loaded_entry)["stretches"] == []

    # The walk ended 6.5 minutes ago: history, out of reach.
    with pytest.raises(ServiceValidationError) as error:
        await undo()
    assert error.value.translation_key == "nothing_to_undo"
    with pytest.raises(ServiceValidationError) as error:
        await undo({"entry_id": old["id"]})
    assert error.value.translation_key == "nothing_to_undo"
    assert [walk["id"] for walk in persisted(loaded_entry)["walks"]] == [old["id"]]
    assert hass.states.get(WEEK).state == "20.0"

    assert [
        (
            event.data["type"],
            event.data["reason"],
            event.data["user_id"],
            event.data["id"],
        )
        for event in deleted
    ] == [
        ("pain", "undo", regular_user.id, pain["id"]),
        ("stretch", "undo", regular_user.id, stretch["id"]),
    ]
    assert deleted[0].data["level"] == 9
    assert deleted[0].context.id == context.id


async def test_undo_last_from_the_frontend_as_a_non_admin(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    persisted: Persisted,
    hass_ws_client: WebSocketGenerator,
    hass_read_only_access_token: str,
) -> None:
    """The card's Undo works for a user who may not delete history."""
    walk = await call(hass, "log_walk", {"minutes": 15}, response=True)
    device = async_get_profile_device(hass, loaded_entry.entry_id)
    assert device is not None
    client = await hass_ws_client(hass, hass_read_only_access_token)
    result = await frontend_call(
        client,
        "undo_last",
        {"device_id": device.id, "entry_id": walk["id"]},
        return_response=True,
    )
    assert result["success"] is True, result
    assert result["result"]["response"] == {"id": walk["id"], "type": "walk"}
    assert persisted(loaded_entry)["walks"] == []


async def test_correct_pain_replaces_a_mis_tap_else_adds_a_report(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    persisted: Persisted,
    regular_user: User,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The red-flag card's way out: a report of the last 5 minutes is replaced.

    After that, a correction is a new report beside the old one (history stays). Either
    way today's pain is the latest report, and every entity says so.
    """
    context = Context(user_id=regular_user.id)
    deleted = async_capture_events(hass, EVENT_DELETED)
    logged = async_capture_events(hass, EVENT_LOGGED)

    async def correct(level: object) -> Any:
        return await hass.services.async_call(
            DOMAIN,
            "correct_pain",
            {"level": level},
            blocking=True,
            context=context,
            return_response=True,
        )

    tap = await call(hass, "report_pain", {"level": 9}, response=True)
    assert hass.states.get("sensor.alex_pain_status").state == "red_flag"
    freezer.tick(timedelta(minutes=4))
    fixed = await correct(3)
    assert fixed["replaced"] == tap["id"]
    assert [
        (report["id"], report["level"])
        for report in persisted(loaded_entry)["pain_reports"]
    ] == [(fixed["id"], 3)]
    status = hass.states.get("sensor.alex_pain_status")
    assert (status.state, status.attributes["red_flag_today"]) == ("mild", False)
    assert hass.states.get("sensor.alex_pain_today").state == "3"
    assert hass.states.get("number.alex_report_pain").state == "3"
    assert hass.states.get("binary_sensor.alex_pain_day").state == "off"
    # The replaced report leaves a trace naming who replaced it.
    assert [(e.data["id"], e.data["reason"], e.data["user_id"]) for e in deleted] == [
        (tap["id"], "correction", regular_user.id)
    ]
    assert logged[-1].data["id"] == fixed["id"]

    # A refusal changes nothing.
    with pytest.raises(ServiceValidationError) as error:
        await correct(7.9)
    assert error.value.translation_key == "level_not_whole"
    assert len(persisted(loaded_entry)["pain_reports"]) == 1

    # Ten minutes on, the 3 is history: a new report follows it.
    freezer.tick(timedelta(minutes=10))
    later = await correct(6)
    assert later["replaced"] is None
    assert [r["level"] for r in persisted(loaded_entry)["pain_reports"]] == [3, 6]
    assert hass.states.get("sensor.alex_pain_status").state == "pain_day"
    assert len(deleted) == 1
