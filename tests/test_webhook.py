"""The profile's webhook, through Home Assistant's real HTTP server."""

from __future__ import annotations

from collections.abc import AsyncIterator
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.backwalk.const import WEBHOOK_MAX_BODY_BYTES
from tests.conftest import Persisted

WEEK = "sensor.alex_walking_minutes_this_week"


@pytest.fixture(autouse=True)
def wednesday(freezer: FrozenDateTimeFactory) -> None:
    """Wednesday 2026-11-25, 10:00 in Berlin."""
    freezer.move_to("2026-11-25T09:00:00+00:00")


@pytest.fixture
async def post(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> Any:
    """POST a JSON body (or raw text) to the profile's webhook; return status and JSON."""
    client = await hass_client_no_auth()
    url = f"/api/webhook/{loaded_entry.data['webhook_id']}"

    async def send(body: Any = None, raw: str | None = None) -> tuple[int, Any]:
        if raw is not None:
            response = await client.post(url, data=raw)
        else:
            response = await client.post(url, json=body)
        return response.status, await response.json()

    return send


async def test_entry_gets_a_webhook_id(loaded_entry: MockConfigEntry) -> None:
    """Entries made before webhooks existed are migrated to have one."""
    assert loaded_entry.minor_version == 2
    assert len(loaded_entry.data["webhook_id"]) > 20


async def test_walk_and_pain(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    persisted: Persisted,
    post: Any,
) -> None:
    """A walk with start and distance, and a pain report, land in the log."""
    status, body = await post(
        {"minutes": 25, "started": "2026-11-25T08:00:00+01:00", "distance_km": 2.1}
    )
    assert status == 200
    assert body["type"] == "walk"
    assert body["duplicate"] is False
    await hass.async_block_till_done()
    assert hass.states.get(WEEK).state == "25.0"
    walk = persisted(loaded_entry)["walks"][0]
    assert walk["source"] == "webhook"
    assert walk["distance_km"] == 2.1
    assert walk["start"] == "2026-11-25T07:00:00+00:00"

    status, body = await post({"pain": 6, "note": "stairs"})
    assert status == 200
    assert body["type"] == "pain"
    assert hass.states.get("sensor.alex_pain_level_today").state == "6"


async def test_retries_with_an_id_are_idempotent(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    persisted: Persisted,
    post: Any,
) -> None:
    """The same id twice stores once; the second answer says it was a duplicate."""
    first = await post({"minutes": 20, "id": "shortcut-2026-11-25"})
    second = await post({"minutes": 20, "id": "shortcut-2026-11-25"})
    assert first[0] == second[0] == 200
    assert second[1] == {"id": first[1]["id"], "duplicate": True}
    assert len(persisted(loaded_entry)["walks"]) == 1
    assert hass.states.get(WEEK).state == "20.0"
    pain_first = await post({"pain": 3, "id": "shortcut-2026-11-25"})
    pain_again = await post({"pain": 3, "id": "shortcut-2026-11-25"})
    assert pain_first[1]["duplicate"] is False
    assert pain_again[1]["duplicate"] is True
    assert len(persisted(loaded_entry)["pain_reports"]) == 1


@pytest.mark.parametrize(
    ("body", "raw", "code"),
    [
        (None, "not json", "invalid_json"),
        ([1, 2], None, "not_an_object"),
        ({}, None, "nothing_to_log"),
        ({"minutes": 10, "pain": 3}, None, "ambiguous"),
        ({"minutes": "ten"}, None, "not_a_number"),
        ({"minutes": True}, None, "not_a_number"),
        ({"minutes": 0}, None, "minutes_out_of_range"),
        ({"minutes": 601}, None, "minutes_out_of_range"),
        ({"minutes": 10, "started": "yesterday"}, None, "invalid_started"),
        (
            {"minutes": 10, "started": "2026-11-26T08:00:00+01:00"},
            None,
            "start_in_future",
        ),
        ({"minutes": 10, "distance_km": -2}, None, "distance_out_of_range"),
        ({"minutes": 10, "distance_km": "far"}, None, "not_a_number"),
        ({"minutes": 10, "note": 5}, None, "invalid_note"),
        ({"minutes": 10, "note": "x" * 501}, None, "note_too_long"),
        ({"minutes": 10, "id": "has spaces"}, None, "invalid_id"),
        ({"minutes": 10, "colour": "red"}, None, "unknown_field"),
        ({"pain": 11}, None, "level_out_of_range"),
        ({"pain": 4.5}, None, "not_a_whole_number"),
        ({"pain": 4, "steps": 100}, None, "unknown_field"),
    ],
)
async def test_bad_bodies_are_refused_and_store_nothing(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    persisted: Persisted,
    post: Any,
    body: Any,
    raw: str | None,
    code: str,
) -> None:
    """HTTP 400 with a JSON error naming what is wrong; the log is as it was."""
    await post({"minutes": 5})
    before = persisted(loaded_entry)
    status, answer = await post(body, raw=raw)
    assert status == 400
    assert answer["error"] == code
    assert answer["message"]
    assert persisted(loaded_entry) == before
    assert hass.states.get(WEEK).state == "5.0"


async def test_webhook_goes_away_with_the_entry(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """After unloading, posting stores nothing (Home Assistant answers unknown hooks blandly)."""
    client = await hass_client_no_auth()
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    response = await client.post(
        f"/api/webhook/{loaded_entry.data['webhook_id']}", json={"minutes": 5}
    )
    assert response.status == 200
    assert await response.text() == ""
    assert await hass.config_entries.async_setup(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(WEEK).state == "0.0"


def _walk_padded_to(size: int) -> bytes:
    """A good walk body, padded with JSON whitespace to exactly `size` bytes."""
    body = b'{"minutes": 12}'
    return body[:-1] + b" " * (size - len(body)) + b"}"


def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Every ERROR record but those of aiohttp's access log.

    The access log cannot format its time under freezegun: that is about the log line,
    not the request.
    """
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.ERROR and record.name != "aiohttp.access"
    ]


async def _chunks(body: bytes) -> AsyncIterator[bytes]:
    # Sent chunked, without a Content-Length: the limit must hold on what is read.
    for start in range(0, len(body), 4096):
        yield body[start : start + 4096]


@pytest.mark.parametrize("chunked", [False, True])
@pytest.mark.parametrize(
    "size", [WEBHOOK_MAX_BODY_BYTES + 1, 16 * 1024 * 1024 + 1], ids=["64K", "16M"]
)
async def test_a_body_too_large_is_413_and_logs_no_error(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    persisted: Persisted,
    hass_client_no_auth: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
    size: int,
    chunked: bool,
) -> None:
    """Over the webhook's limit, even as a good walk: 413 in the usual shape, nothing kept.

    Over Home Assistant's own 16 MB limit aiohttp's refusal used to escape into the
    webhook component: an empty 200 and "Error processing webhook" with a traceback.
    """
    client = await hass_client_no_auth()
    before = persisted(loaded_entry)
    body = _walk_padded_to(size)
    response = await client.post(
        f"/api/webhook/{loaded_entry.data['webhook_id']}",
        data=_chunks(body) if chunked else body,
        headers={"Content-Type": "application/json"},
    )
    assert response.status == 413
    answer = await response.json()
    assert answer["error"] == "body_too_large"
    assert "64 KB" in answer["message"]
    assert persisted(loaded_entry) == before
    await hass.async_block_till_done()
    assert hass.states.get(WEEK).state == "0.0"
    assert _errors(caplog) == []


@pytest.mark.parametrize("chunked", [False, True])
async def test_a_body_at_the_limit_is_read(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    chunked: bool,
) -> None:
    """Exactly the limit is still a body (the bound is not off by one)."""
    client = await hass_client_no_auth()
    body = _walk_padded_to(WEBHOOK_MAX_BODY_BYTES)
    response = await client.post(
        f"/api/webhook/{loaded_entry.data['webhook_id']}",
        data=_chunks(body) if chunked else body,
    )
    assert response.status == 200
    assert (await response.json())["type"] == "walk"
    await hass.async_block_till_done()
    assert hass.states.get(WEEK).state == "12.0"
