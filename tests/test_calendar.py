"""The walks calendar through Home Assistant's calendar API, for any logged-in user.

Also: no walk on a red-flag day, notes as descriptions, deleting from the event dialog
(the calendar/event/delete command the frontend sends) within the user's rights, and
times in Home Assistant's zone, the same clock time as the reminders and the sensors.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.auth.const import GROUP_ID_USER
from homeassistant.auth.models import User
from homeassistant.components.calendar import DATA_COMPONENT
from homeassistant.components.calendar.const import CalendarEntityFeature
from homeassistant.const import ATTR_SUPPORTED_FEATURES, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    CLIENT_ID,
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
    snapshot_platform,
)
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.backwalk.calendar import SCHEDULED_AHEAD
from custom_components.backwalk.const import DOMAIN, EVENT_DELETED, EVENT_NUDGE

NOW = datetime.fromisoformat("2026-11-25T09:00:00+00:00")
# Three walks a week for the horizon, give or take the weeks cut at its ends.
MOST_SCHEDULED = 3 * (SCHEDULED_AHEAD.days // 7 + 1)


@pytest.fixture
def profile_options(profile_options: dict[str, Any]) -> dict[str, Any]:
    """Walks Monday, Wednesday and Friday at 07:30."""
    return {**profile_options, "walk_days": [0, 2, 4], "walk_time": "07:30:00"}


@pytest.fixture(autouse=True)
def wednesday(freezer: FrozenDateTimeFactory) -> None:
    """Wednesday 2026-11-25, 10:00 in Berlin."""
    freezer.move_to(NOW)


@pytest.fixture
async def events(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    hass_read_only_access_token: str,
) -> Any:
    """GET the calendar's events as a read-only user (any logged-in user may)."""
    client = await hass_client(hass_read_only_access_token)

    async def get(start: str, end: str) -> list[dict[str, Any]]:
        response = await client.get(
            "/api/calendars/calendar.alex_walks", params={"start": start, "end": end}
        )
        assert response.status == 200, await response.text()
        result: list[dict[str, Any]] = await response.json()
        return result

    return get


def scheduled(events: list[dict[str, Any]]) -> list[datetime]:
    """The starts of the scheduled walks among the events."""
    return [
        datetime.fromisoformat(event["start"]["dateTime"])
        for event in events
        if event["uid"].startswith("scheduled-")
    ]


@pytest.mark.parametrize("init_integration", [Platform.CALENDAR], indirect=True)
async def test_entities(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """The walks calendar on a walk day after the walk: it shows the next planned one."""
    await hass.services.async_call(
        DOMAIN,
        "log_walk",
        {"minutes": 20, "started": "2026-11-25 07:30:00"},
        blocking=True,
    )
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)


@pytest.mark.parametrize(
    "end", ["3000-01-01T00:00:00+00:00", "9999-12-31T00:00:00+00:00"]
)
async def test_a_huge_range_gets_a_year_of_scheduled_walks(
    hass: HomeAssistant, events: Any, end: str
) -> None:
    """Scheduled walks stop a year ahead however far the caller asks.

    Without the bound a range to 3000 made 152,761 events (47.8 MB) and held the event
    loop for seconds; to 9999 about a minute.
    """
    await hass.services.async_call(
        DOMAIN,
        "log_walk",
        {"minutes": 20, "started": "2026-11-23 08:00:00"},
        blocking=True,
    )
    found = await events("2026-11-20T00:00:00+00:00", end)
    walks = scheduled(found)
    assert 3 * (SCHEDULED_AHEAD.days // 7) <= len(walks) <= MOST_SCHEDULED
    assert walks[0] == datetime.fromisoformat("2026-11-27T07:30:00+01:00")
    assert max(walks) < NOW + SCHEDULED_AHEAD
    # What was logged still shows: the calendar bounds only what it makes up.
    logged = [event["summary"] for event in found if event["uid"][:10] != "scheduled-"]
    assert logged == ["Walked 20 min"]


async def test_a_range_beyond_the_horizon_is_empty(events: Any) -> None:
    """Asking only for years ahead costs nothing and finds nothing."""
    assert await events("2900-01-01T00:00:00+00:00", "3000-01-01T00:00:00+00:00") == []


async def test_the_ends_of_the_calendar(hass: HomeAssistant, events: Any) -> None:
    """Year 1 to year 9999 west of UTC answers, not overflows, with the same bound.

    0001-01-01 in Berlin and 9999-12-31 23:59 in New York have no UTC time a datetime
    can hold. (Times without an offset are read in Home Assistant's zone.)
    """
    found = await events("0001-01-01T00:00:00", "9999-12-31T23:59:59")
    assert len(scheduled(found)) <= MOST_SCHEDULED
    await hass.config.async_set_time_zone("America/New_York")
    found = await events("0001-01-01T00:00:00", "9999-12-31T23:59:59")
    assert len(scheduled(found)) <= MOST_SCHEDULED


async def test_get_events_action_is_bounded_too(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """calendar.get_events (automations, scripts) goes through the same bound."""
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {
            "entity_id": "calendar.alex_walks",
            "start_date_time": "2026-11-25 00:00:00",
            "end_date_time": "2999-12-31 00:00:00",
        },
        blocking=True,
        return_response=True,
    )
    assert response is not None
    found: Any = response["calendar.alex_walks"]
    assert len(found["events"]) <= MOST_SCHEDULED
    last = datetime.fromisoformat(found["events"][-1]["start"])
    assert last < NOW + SCHEDULED_AHEAD


async def call(hass: HomeAssistant, service: str, data: dict[str, Any]) -> Any:
    """Call a backwalk action and return its response (the entry's id)."""
    return await hass.services.async_call(
        DOMAIN, service, data, blocking=True, return_response=True
    )


async def service_events(
    hass: HomeAssistant, start: str, end: str
) -> list[dict[str, Any]]:
    """calendar.get_events (automations, scripts): the entity's own datetimes, as given."""
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {"entity_id": WALKS, "start_date_time": start, "end_date_time": end},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    found: Any = response[WALKS]
    result: list[dict[str, Any]] = found["events"]
    return result


def scheduled_starts(found: list[dict[str, Any]]) -> list[str]:
    """The starts of the scheduled walks, as the service gives them (it has no uids)."""
    return [event["start"] for event in found if event["summary"].startswith("Walk (")]


async def test_a_red_flag_day_has_no_walk(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """Today's pain at the red-flag level calls today's walk off (G15), and only today's.

    The calendar's next event and the next-walk sensor skip it too; a report below the
    level (a corrected mis-tap) brings it back.
    """
    freezer.move_to("2026-11-27T05:00:00+00:00")  # Friday 06:00, walk at 07:30
    friday, monday = "2026-11-27T07:30:00+01:00", "2026-11-30T07:30:00+01:00"
    days = ("2026-11-27 00:00:00", "2026-12-01 00:00:00")

    def shown() -> tuple[str, str, str]:
        calendar = hass.states.get(WALKS)
        sensor = hass.states.get("sensor.alex_next_scheduled_walk")
        assert calendar is not None
        assert sensor is not None
        return (
            calendar.attributes["start_time"],
            datetime.fromisoformat(sensor.state).isoformat(),
            calendar.attributes["message"],
        )

    await call(hass, "report_pain", {"level": 2})
    assert scheduled_starts(await service_events(hass, *days)) == [friday, monday]
    assert shown() == (
        "2026-11-27 07:30:00",
        "2026-11-27T06:30:00+00:00",
        "Walk (5 min)",
    )

    freezer.tick(timedelta(minutes=1))
    await call(hass, "report_pain", {"level": 8})  # the red-flag level
    assert scheduled_starts(await service_events(hass, *days)) == [monday]
    assert shown() == (
        "2026-11-30 07:30:00",
        "2026-11-30T06:30:00+00:00",
        "Walk (5 min)",
    )

    freezer.tick(timedelta(minutes=1))
    await call(hass, "correct_pain", {"level": 3})
    assert scheduled_starts(await service_events(hass, *days)) == [friday, monday]
    assert shown()[:2] == ("2026-11-27 07:30:00", "2026-11-27T06:30:00+00:00")


async def test_notes_are_the_event_descriptions(
    hass: HomeAssistant, events: Any
) -> None:
    """A walk's, a stretch's and an alternative's note is its event's description."""
    await call(
        hass,
        "log_walk",
        {"minutes": 20, "started": "2026-11-24 08:00:00", "note": "Along the river"},
    )
    await call(hass, "log_stretch", {"note": "Hamstrings were tight"})
    await call(
        hass,
        "log_alternative",
        {"activity": "swimming", "minutes": 15, "note": "Lido"},
    )
    await call(hass, "log_walk", {"minutes": 10, "started": "2026-11-23 08:00:00"})
    found = await events("2026-11-23T00:00:00+01:00", "2026-11-25T12:00:00+01:00")
    described = {
        event["summary"]: event.get("description")
        for event in found
        if not event["uid"].startswith("scheduled-")
    }
    assert described == {
        "Walked 20 min": "Along the river",
        "Stretched": "Hamstrings were tight",
        "Swimming instead of a walk (15 min)": "Lido",
        "Walked 10 min": None,
    }


@pytest.fixture
async def regular_user(hass: HomeAssistant) -> User:
    """A household member who is not an administrator."""
    return await hass.auth.async_create_user("Sam", group_ids=[GROUP_ID_USER])


type DeleteFromDialog = Callable[[str, str | None], Awaitable[dict[str, Any]]]


@pytest.fixture
async def delete_from_dialog(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    hass_access_token: str,
    regular_user: User,
) -> DeleteFromDialog:
    """Send calendar/event/delete as the event dialog does, as the admin or as Sam."""
    refresh = await hass.auth.async_create_refresh_token(regular_user, CLIENT_ID)
    clients = {
        "admin": await hass_ws_client(hass, hass_access_token),
        "sam": await hass_ws_client(hass, hass.auth.async_create_access_token(refresh)),
    }

    async def delete(uid: str, who: str | None = "admin") -> dict[str, Any]:
        client = clients[who or "admin"]
        await client.send_json_auto_id(
            {"type": "calendar/event/delete", "entity_id": WALKS, "uid": uid}
        )
        result: dict[str, Any] = await client.receive_json()
        return result

    return delete


WALKS = "calendar.alex_walks"
WEEK_OF_EVENTS = ("2026-11-23T00:00:00+01:00", "2026-11-26T00:00:00+01:00")


def uids(found: list[dict[str, Any]]) -> set[str]:
    """The uids of the logged (not scheduled) events."""
    return {event["uid"] for event in found if not event["uid"].startswith("sched")}


async def test_delete_from_the_event_dialog(
    hass: HomeAssistant,
    delete_from_dialog: DeleteFromDialog,
    events: Any,
    hass_admin_user: User,
    regular_user: User,
) -> None:
    """The calendar offers deletion; what a user may delete is what the actions allow.

    An administrator deletes any entry (as backwalk.delete_entry). Sam, who is not one,
    deletes only the entry made last within 5 minutes (as backwalk.undo_last): older
    history stays. Each deletion fires backwalk_deleted naming the user.
    """
    state = hass.states.get(WALKS)
    assert state is not None
    assert (
        state.attributes[ATTR_SUPPORTED_FEATURES] & CalendarEntityFeature.DELETE_EVENT
    )
    monday = await call(
        hass, "log_walk", {"minutes": 20, "started": "2026-11-23 08:00"}
    )
    tuesday = await call(
        hass, "log_walk", {"minutes": 25, "started": "2026-11-24 08:00"}
    )
    stretch = await call(hass, "log_stretch", {})
    deleted = async_capture_events(hass, EVENT_DELETED)

    # Sam: Monday's walk is history.
    result = await delete_from_dialog(monday["id"], "sam")
    assert result["success"] is False
    assert result["error"]["message"] == (
        "Only an administrator can delete this entry. Anyone can delete the latest "
        "entry within 5 minutes of making it"
    )
    assert uids(await events(*WEEK_OF_EVENTS)) == {
        monday["id"],
        tuesday["id"],
        stretch["id"],
    }
    # ... but the stretch just logged is a fresh mistake.
    result = await delete_from_dialog(stretch["id"], "sam")
    assert result["success"] is True, result
    # The administrator deletes history.
    result = await delete_from_dialog(monday["id"], "admin")
    assert result["success"] is True, result
    assert uids(await events(*WEEK_OF_EVENTS)) == {tuesday["id"]}
    assert hass.states.get("sensor.alex_walking_minutes_this_week").state == "25.0"
    assert [
        (event.data["id"], event.data["reason"], event.data["user_id"])
        for event in deleted
    ] == [
        (stretch["id"], "undo", regular_user.id),
        (monday["id"], "delete", hass_admin_user.id),
    ]


async def test_what_cannot_be_deleted_from_the_calendar(
    hass: HomeAssistant,
    delete_from_dialog: DeleteFromDialog,
    hass_ws_client: WebSocketGenerator,
    hass_read_only_access_token: str,
    events: Any,
) -> None:
    """A scheduled walk, a pain report and an unknown uid; a read-only user nothing."""
    walk = await call(hass, "log_walk", {"minutes": 20})
    pain = await call(hass, "report_pain", {"level": 3})
    deleted = async_capture_events(hass, EVENT_DELETED)
    (friday,) = [
        event
        for event in await events(
            "2026-11-27T00:00:00+01:00", "2026-11-28T00:00:00+01:00"
        )
        if event["uid"].startswith("scheduled-")
    ]
    result = await delete_from_dialog(friday["uid"], "admin")
    assert result["error"]["message"] == (
        "A scheduled walk comes from the profile's walk days and cannot be deleted. "
        "Change the walk days in the profile's options"
    )
    for uid in (pain["id"], "no-such-entry"):
        result = await delete_from_dialog(uid, "admin")
        assert result["error"]["message"] == "There is no walk or report with that id"
    client = await hass_ws_client(hass, hass_read_only_access_token)
    await client.send_json_auto_id(
        {"type": "calendar/event/delete", "entity_id": WALKS, "uid": walk["id"]}
    )
    result = await client.receive_json()
    assert result["error"]["code"] == "unauthorized"
    assert deleted == []
    assert uids(await events(*WEEK_OF_EVENTS)) == {walk["id"]}
    assert len((await call(hass, "get_history", {}))["pain_reports"]) == 1


async def test_delete_without_a_user_is_an_undo(
    hass: HomeAssistant, events: Any, loaded_entry: MockConfigEntry
) -> None:
    """Called with no websocket user (another integration, say): only undo's reach."""
    older = await call(hass, "log_walk", {"minutes": 20, "started": "2026-11-24 08:00"})
    latest = await call(hass, "log_walk", {"minutes": 10})
    calendar = hass.data[DATA_COMPONENT].get_entity(WALKS)
    assert calendar is not None
    deleted = async_capture_events(hass, EVENT_DELETED)
    with pytest.raises(ServiceValidationError) as error:
        await calendar.async_delete_event(older["id"])
    assert error.value.translation_key == "delete_needs_admin"
    await calendar.async_delete_event(latest["id"])
    assert uids(await events(*WEEK_OF_EVENTS)) == {older["id"]}
    assert [(event.data["reason"], event.data["user_id"]) for event in deleted] == [
        ("undo", None)
    ]


@pytest.mark.parametrize(
    ("time_zone", "offset"),
    [("Europe/Berlin", "+01:00"), ("America/New_York", "-05:00")],
)
async def test_one_clock_time_in_home_assistants_zone(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    time_zone: str,
    offset: str,
) -> None:
    """The same walk has the same clock time in the calendar, the reminder and the sensor.

    Calendar events are aware datetimes in Home Assistant's zone (calendar.get_events
    gives them as the entity made them); the reminder says the time as HH:MM in that
    zone; the next-walk sensor is the same instant.
    """
    await hass.config.async_update(time_zone=time_zone)
    await hass.async_block_till_done()
    # Friday 07:00 in that zone; the schedule's 07:30 is read in Home Assistant's zone.
    freezer.move_to(f"2026-11-27T07:00:00{offset}")
    nudges = async_capture_events(hass, EVENT_NUDGE)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    day = ("2026-11-27 00:00:00", "2026-11-28 00:00:00")
    (walk,) = scheduled_starts(await service_events(hass, *day))
    assert walk == f"2026-11-27T07:30:00{offset}"
    sensor = hass.states.get("sensor.alex_next_scheduled_walk")
    assert sensor is not None
    assert datetime.fromisoformat(sensor.state) == datetime.fromisoformat(walk)
    # The stretch reminder, 10 minutes before the walk.
    freezer.move_to(f"2026-11-27T07:20:01{offset}")
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    (nudge,) = [event.data for event in nudges]
    assert nudge["type"] == "stretch"
    assert "Your walk is at 7:30 AM," in nudge["message"]
    assert datetime.fromisoformat(nudge["walk_time"]) == datetime.fromisoformat(walk)
    # A walk logged now is shown at its own start, in the same zone.
    logged = await call(hass, "log_walk", {"minutes": 12})
    assert logged["id"]
    (event,) = [
        item
        for item in await service_events(hass, *day)
        if item["summary"] == "Walked 12 min"
    ]
    assert event["start"] == f"2026-11-27T07:08:01{offset}"
