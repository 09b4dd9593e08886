"""The clinician report: create_report's numbers, the download, its links and privacy."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta, timezone
from http import HTTPStatus
import io
import re
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.auth.const import GROUP_ID_USER
from homeassistant.auth.models import User
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import (
    CLIENT_ID,
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)
import voluptuous as vol

from custom_components.backwalk.const import DOMAIN
from custom_components.backwalk.model import (
    Alternative,
    PainReport,
    Record,
    Stretch,
    Walk,
)
from custom_components.backwalk.report import report_path

NAME = "Alex"
PRIVATE_NOTE = "knee <b>twinged</b> near the bakery"
# Monday 2026-11-02 .. Friday 2026-11-20 in Berlin (UTC+1), one entry set per day.
FIRST_DAY = datetime.fromisoformat("2026-11-02T08:00:00+00:00")
DAYS = 19
LAST_EVENING = "2026-11-20T19:00:00+00:00"


async def call(
    hass: HomeAssistant, service: str, data: dict[str, Any]
) -> dict[str, Any]:
    """Call a backwalk action and return its response."""
    response = await hass.services.async_call(
        DOMAIN, service, data, blocking=True, return_response=True
    )
    assert isinstance(response, dict)
    return response


async def tick_to(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, moment: datetime | str
) -> None:
    """Move the clock and let Home Assistant's time listeners run."""
    freezer.move_to(moment)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


def state(hass: HomeAssistant, entity_id: str) -> str:
    """The state of an entity, which must exist."""
    current = hass.states.get(entity_id)
    assert current is not None, entity_id
    return current.state


async def log_three_weeks(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> dict[str, tuple[float, int]]:
    """Walks most days, pain falling from 7 to 2, a red flag, stretches, swims.

    Returns each whole week's minutes and walks as the sensors showed them on its
    Sunday, once nothing more was logged in it.
    """
    weeks: dict[str, tuple[float, int]] = {}
    for index in range(DAYS):
        if index in (7, 14):
            week = (FIRST_DAY + timedelta(days=index - 7)).date().isoformat()
            weeks[week] = (
                float(state(hass, "sensor.alex_walking_minutes_this_week")),
                int(state(hass, "sensor.alex_walks_this_week")),
            )
        morning = FIRST_DAY + timedelta(days=index)
        await tick_to(hass, freezer, morning)
        level = max(2, 7 - index // 3)
        note = PRIVATE_NOTE if index == 4 else None
        await call(
            hass,
            "report_pain",
            {"level": level, "note": note} if note else {"level": level},
        )
        if index == 6:
            # A red-flag report, followed by the day's real (lower) level.
            await call(hass, "report_pain", {"level": 9})
            await tick_to(hass, freezer, morning + timedelta(minutes=30))
            await call(hass, "report_pain", {"level": 6})
        await tick_to(hass, freezer, morning + timedelta(hours=2))
        if index % 4 == 3:
            await call(hass, "log_stretch", {})
            await call(hass, "log_alternative", {"activity": "swimming", "minutes": 20})
            continue
        walk: dict[str, Any] = {
            "minutes": 5 + index * 1.5,
            "started": (morning + timedelta(hours=1)).isoformat(),
        }
        if index % 5 == 0:
            walk["distance_km"] = 1.2
            walk["note"] = f"walk {index}, flat path"
        await call(hass, "log_walk", walk)
    await tick_to(hass, freezer, LAST_EVENING)
    return weeks


@pytest.fixture
async def regular_user(hass: HomeAssistant) -> User:
    """A household member who is not an administrator."""
    return await hass.auth.async_create_user("Sam", group_ids=[GROUP_ID_USER])


async def token_for(hass: HomeAssistant, user: User) -> str:
    """An access token of `user`."""
    refresh = await hass.auth.async_create_refresh_token(user, CLIENT_ID)
    return hass.auth.async_create_access_token(refresh)


async def test_response_numbers_equal_the_sensors(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """This week, the streaks, today's pain and the plan are what the entities show."""
    sundays = await log_three_weeks(hass, freezer)
    report = await call(hass, "create_report", {})

    # By default: 12 whole weeks, Monday 2026-08-31 to today.
    assert (report["start"], report["end"]) == ("2026-08-31", "2026-11-20")
    assert len(report["weeks"]) == 12
    this_week = report["weeks"][-1]
    assert this_week["start"] == "2026-11-16"
    assert this_week["minutes"] == float(
        state(hass, "sensor.alex_walking_minutes_this_week")
    )
    assert this_week["walks"] == int(state(hass, "sensor.alex_walks_this_week"))
    met = state(hass, "binary_sensor.alex_weekly_goal_met") == "on"
    assert this_week["goal_met"] is met
    assert report["current_streak"] == int(state(hass, "sensor.alex_current_streak"))
    assert report["longest_streak"] == int(state(hass, "sensor.alex_longest_streak"))
    assert report["weekly_streak"] == int(state(hass, "sensor.alex_weekly_streak"))
    assert report["plan"]["minutes_per_walk_now"] == int(
        state(hass, "sensor.alex_target_minutes_today")
    )
    assert this_week["target_minutes"] == report["plan"]["minutes_per_walk_now"]
    assert report["pain"][-1] == {
        "day": "2026-11-20",
        "level": int(state(hass, "sensor.alex_pain_today")),
        "max_level": 2,
    }
    assert report["walks"] == 15
    assert report["stretches"] == 4
    assert report["alternatives"] == [
        {"activity": "swimming", "count": 4, "minutes": 80.0}
    ]
    assert report["red_flag_days"] == ["2026-11-08"]
    assert report["pain_days"][:3] == ["2026-11-02", "2026-11-03", "2026-11-04"]
    assert report["pain_trend"] == "improving"
    assert report["pain_trend_per_week"] < 0
    assert report["profile"] == NAME

    # Each past week as the sensors showed it on its Sunday.
    assert len(sundays) == 2
    for week in report["weeks"][-3:-1]:
        assert (week["minutes"], week["walks"]) == sundays[week["start"]]


async def test_bad_ranges_are_refused_in_words(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """End before start, more than 5 years, an unknown profile: translated refusals."""
    cases = [
        ({"start": "2026-11-10", "end": "2026-11-01"}, "report_end_before_start"),
        ({"start": "2020-01-01", "end": "2026-11-01"}, "report_range_too_long"),
        ({"config_entry_id": "nope"}, "service_config_entry_not_found"),
    ]
    for data, key in cases:
        with pytest.raises(ServiceValidationError) as err:
            await call(hass, "create_report", data)
        assert err.value.translation_key == key
    # A single day and a whole 5 years are fine.
    await call(hass, "create_report", {"start": "2026-11-01", "end": "2026-11-01"})
    await call(hass, "create_report", {"start": "2021-11-03", "end": "2026-11-01"})


async def test_ranges_at_the_ends_of_time(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Dates no report can cover are refused; one in the future is empty, not broken.

    A time on the calendar's first day far east of UTC has no local day: it is said
    to be no date rather than failing inside.
    """
    first_moment = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14)))
    with pytest.raises(vol.Invalid, match="expected a date"):
        await call(hass, "create_report", {"start": first_moment, "end": "2026-01-01"})
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "create_report", {"end": "0001-01-05"})
    assert err.value.translation_key == "date_out_of_range"
    future = await call(
        hass, "create_report", {"start": "2030-01-01", "end": "2030-01-31"}
    )
    assert (future["walk_minutes"], future["walks"], future["pain"]) == (0.0, 0, [])
    assert future["average_pain"] is None
    assert len(future["weeks"]) == 5


def read_csv(text: str) -> list[dict[str, str]]:
    """The CSV's rows as dicts, by its header."""
    return list(csv.DictReader(io.StringIO(text)))


def same_record(row: dict[str, str], record: Record, *, notes: bool) -> None:
    """A CSV row says exactly what the stored record holds."""
    assert row["id"] == record.id
    moment = datetime.fromisoformat(row["time"])
    assert moment.utcoffset() is not None
    assert moment == record.time
    assert row["note"] == ((record.note or "") if notes else "")
    if isinstance(record, Walk):
        assert row["type"] == "walk"
        assert float(row["minutes"]) == record.minutes
        assert datetime.fromisoformat(row["end"]) == record.end
        assert row["source"] == record.source.value
        distance = float(row["distance_km"]) if row["distance_km"] else None
        assert distance == record.distance_km
    elif isinstance(record, PainReport):
        assert row["type"] == "pain"
        assert int(row["level"]) == record.level
    elif isinstance(record, Stretch):
        assert row["type"] == "stretch"
    else:
        assert isinstance(record, Alternative)
        assert row["type"] == "alternative"
        assert row["activity"] == record.activity.value
        assert float(row["minutes"]) == record.minutes


async def test_csv_round_trips_every_record(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
    hass_admin_user: User,
) -> None:
    """Parsed back, the admin's CSV (profile linked to nobody) is the stored log."""
    await log_three_weeks(hass, freezer)
    # Tokens made before the clock moved on have expired.
    client = await hass_client(await token_for(hass, hass_admin_user))
    path = report_path(loaded_entry.entry_id, *days("2026-08-31", "2026-11-20"), "csv")
    response = await client.get(path)
    assert response.status == HTTPStatus.OK
    assert response.content_type == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(await response.text())
    stored = loaded_entry.runtime_data.log.records()
    assert len(rows) == len(stored) == 21 + 15 + 4 + 4
    for row, record in zip(rows, stored, strict=True):
        same_record(row, record, notes=True)
    assert any(row["note"] == PRIVATE_NOTE for row in rows)
    # Times carry Berlin's offset.
    assert rows[0]["time"].endswith("+01:00")


def days(start: str, end: str) -> tuple[Any, Any]:
    """Two ISO dates as dates."""
    return (datetime.fromisoformat(start).date(), datetime.fromisoformat(end).date())


async def test_download_needs_a_login_or_a_signed_link(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    hass_client: ClientSessionGenerator,
) -> None:
    """No token: 401. A signed link works alone; a changed one does not."""
    report = await call(hass, "create_report", {})
    anonymous = await hass_client_no_auth()
    unsigned = report["url"].split("&authSig=")[0]
    assert (await anonymous.get(unsigned)).status == HTTPStatus.UNAUTHORIZED

    response = await anonymous.get(report["url"])
    assert response.status == HTTPStatus.OK
    assert response.content_type == "text/html"
    csv_response = await anonymous.get(report["csv_url"])
    assert csv_response.status == HTTPStatus.OK
    assert read_csv(await csv_response.text()) == []

    # Another range under the same signature, or a damaged signature: refused.
    widened = report["url"].replace(f"start={report['start']}", "start=2020-01-06")
    assert widened != report["url"]
    assert (await anonymous.get(widened)).status == HTTPStatus.UNAUTHORIZED
    damaged = report["url"][:-3] + (
        "AAA" if not report["url"].endswith("AAA") else "BBB"
    )
    assert (await anonymous.get(damaged)).status == HTTPStatus.UNAUTHORIZED

    # Logged in: bad queries are answered, not crashed on.
    client = await hass_client()
    entry_id = loaded_entry.entry_id
    base = f"/api/{DOMAIN}/report/{entry_id}"
    assert (await client.get(f"{base}?start=x&end=y")).status == HTTPStatus.BAD_REQUEST
    bad_order = f"{base}?start=2026-11-10&end=2026-11-01"
    assert (await client.get(bad_order)).status == HTTPStatus.BAD_REQUEST
    bad_format = f"{base}?start=2026-11-01&end=2026-11-10&format=pdf"
    assert (await client.get(bad_format)).status == HTTPStatus.BAD_REQUEST
    unknown = f"/api/{DOMAIN}/report/nope?start=2026-11-01&end=2026-11-10"
    assert (await client.get(unknown)).status == HTTPStatus.NOT_FOUND


async def page_and_csv(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    hass_client_no_auth: ClientSessionGenerator,
    token: str,
) -> tuple[str, list[dict[str, str]]]:
    """Call create_report as the card does (websocket) and open its signed links."""
    client = await hass_ws_client(hass, token)
    await client.send_json_auto_id(
        {
            "type": "call_service",
            "domain": DOMAIN,
            "service": "create_report",
            "service_data": {},
            "return_response": True,
        }
    )
    result = await client.receive_json()
    assert result["success"], result
    links = result["result"]["response"]
    anonymous = await hass_client_no_auth()
    page = await (await anonymous.get(links["url"])).text()
    rows = read_csv(await (await anonymous.get(links["csv_url"])).text())
    return page, rows


def shows_private(page: str, rows: list[dict[str, str]]) -> bool:
    """Whether the name and the notes are in the download."""
    escaped_note = "knee &lt;b&gt;twinged&lt;/b&gt; near the bakery"
    in_page = NAME in page and escaped_note in page
    in_csv = any(row["note"] == PRIVATE_NOTE for row in rows)
    assert in_page == in_csv
    return in_page


async def test_names_and_notes_only_for_the_owner(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_ws_client: WebSocketGenerator,
    hass_client_no_auth: ClientSessionGenerator,
    hass_admin_user: User,
    regular_user: User,
) -> None:
    """Unlinked: administrators own it. Linked to Sam's person: only Sam."""
    await log_three_weeks(hass, freezer)
    sam = await token_for(hass, regular_user)
    hass_access_token = await token_for(hass, hass_admin_user)

    async def private_for(token: str) -> bool:
        page, rows = await page_and_csv(
            hass, hass_ws_client, hass_client_no_auth, token
        )
        assert rows  # everyone gets the records
        assert PRIVATE_NOTE not in page  # a note is only ever shown escaped
        return shows_private(page, rows)

    assert await private_for(hass_access_token)
    assert not await private_for(sam)

    hass.states.async_set("person.sam", "home", {"user_id": regular_user.id})
    hass.config_entries.async_update_entry(
        loaded_entry, options={**loaded_entry.options, "person": "person.sam"}
    )
    await hass.async_block_till_done()
    assert await private_for(sam)
    assert not await private_for(hass_access_token)


async def test_automation_links_show_no_name(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """A link made by an automation (no user) is for the content user: no name."""
    await call(hass, "report_pain", {"level": 3, "note": PRIVATE_NOTE})
    report = await call(hass, "create_report", {})
    anonymous = await hass_client_no_auth()
    page = await (await anonymous.get(report["url"])).text()
    assert NAME not in page
    assert "twinged" not in page


async def test_page_is_self_contained_and_clean(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
    hass_admin_user: User,
) -> None:
    """No NaN/None/undefined, nothing fetched from elsewhere, A4, two SVG charts."""
    await log_three_weeks(hass, freezer)
    client = await hass_client(await token_for(hass, hass_admin_user))
    ranges = (
        ("2026-08-31", "2026-11-20"),
        ("2026-11-20", "2026-11-20"),
        ("2025-01-06", "2025-02-01"),  # nothing logged
    )
    for start, end in ranges:
        path = report_path(loaded_entry.entry_id, *days(start, end), "html")
        response = await client.get(path)
        assert response.status == HTTPStatus.OK
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        page = await response.text()
        for word in ("NaN", "None", "undefined", "inf"):
            assert not re.search(rf"\b{word}\b", page), word
        assert not re.search(r"https?:|//[a-z]|\bsrc=|\bhref=|url\(|@import", page)
        assert "<script" not in page
        assert "@page { size: A4" in page
        assert page.count("<svg") == 2
        assert 'class="threshold"' in page
        assert "pain-day threshold (5)" in page


async def test_a_german_profile_downloads_a_german_page(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
    hass_admin_user: User,
) -> None:
    """The page speaks the profile's language; the response and the CSV stay machine names."""
    hass.config_entries.async_update_entry(
        loaded_entry, options={**loaded_entry.options, "language": "de"}
    )
    await hass.async_block_till_done()
    await log_three_weeks(hass, freezer)
    report = await call(
        hass, "create_report", {"start": "2026-11-02", "end": "2026-11-20"}
    )
    assert report["pain_trend"] == "improving"

    client = await hass_client(await token_for(hass, hass_admin_user))
    path = report_path(loaded_entry.entry_id, *days("2026-11-02", "2026-11-20"), "html")
    page = await (await client.get(path)).text()
    assert '<html lang="de">' in page
    assert "<title>Bericht über Spaziergänge und Rückenschmerzen</title>" in page
    assert "2. Nov. 2026 \N{EN DASH} 20. Nov. 2026" in page
    assert "Schmerztag-Schwelle (5)" in page
    assert "bessert sich" in page
    assert "Schwimmen: 4-mal, 80 Min." in page
    for english in ("walking minutes", "pain-day threshold", "improving", "Nov 2026"):
        assert english not in page, english

    csv_path = report_path(
        loaded_entry.entry_id, *days("2026-11-02", "2026-11-20"), "csv"
    )
    text = await (await client.get(csv_path)).text()
    assert text.splitlines()[0].startswith("type,id,time,end,minutes")
    assert {row["type"] for row in read_csv(text)} == {
        "walk",
        "pain",
        "stretch",
        "alternative",
    }
