"""The walks calendar through Home Assistant's calendar API, for any logged-in user."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.backwalk.calendar import SCHEDULED_AHEAD
from custom_components.backwalk.const import DOMAIN

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
