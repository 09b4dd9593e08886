"""The profile's webhook, through Home Assistant's real HTTP server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Generator
import logging
import threading
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.backwalk.const import WEBHOOK_MAX_BODY_BYTES
from custom_components.backwalk.journal import append_line
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
    assert loaded_entry.minor_version >= 2  # 1.2 added the webhook
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
    assert hass.states.get("sensor.alex_pain_today").state == "6"


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
    assert second[1] == {"id": first[1]["id"], "duplicate": True, "type": "walk"}
    assert len(persisted(loaded_entry)["walks"]) == 1
    assert hass.states.get(WEEK).state == "20.0"
    pain_first = await post({"pain": 3, "id": "shortcut-2026-11-25"})
    pain_again = await post({"pain": 3, "id": "shortcut-2026-11-25"})
    assert pain_first[1]["duplicate"] is False
    assert pain_again[1]["duplicate"] is True
    assert len(persisted(loaded_entry)["pain_reports"]) == 1
    # A retry that says something else is still the stored record, and says what differs.
    status, answer = await post(
        {"minutes": 25, "note": "park", "id": "shortcut-2026-11-25"}
    )
    assert status == 200
    assert answer == {
        "id": first[1]["id"],
        "duplicate": True,
        "type": "walk",
        "differs": ["minutes", "note"],
    }
    assert [walk["minutes"] for walk in persisted(loaded_entry)["walks"]] == [20.0]


@pytest.mark.parametrize(
    ("body", "raw", "code"),
    [
        (None, "not json", "invalid_json"),
        ([1, 2], None, "not_an_object"),
        ({}, None, "nothing_to_log"),
        ({"minutes": 10, "pain": 3}, None, "ambiguous"),
        ({"minutes": "ten"}, None, "not_a_number"),
        ({"minutes": True}, None, "not_a_number"),
        ({"minutes": "1_0"}, None, "not_a_number"),
        ({"minutes": "1e2"}, None, "not_a_number"),
        ({"minutes": 0}, None, "minutes_out_of_range"),
        ({"minutes": 1e-300}, None, "minutes_out_of_range"),
        ({"minutes": 601}, None, "minutes_out_of_range"),
        ({"minutes": 10, "started": "yesterday"}, None, "invalid_started"),
        (
            {"minutes": 10, "started": "2026-11-26T08:00:00+01:00"},
            None,
            "start_in_future",
        ),
        # Started a minute ago, ten hours long: it would end tonight.
        (
            {"minutes": 600, "started": "2026-11-25T09:59:00+01:00"},
            None,
            "walk_ends_in_future",
        ),
        (
            {"minutes": 10, "started": "0001-01-01T00:00:00+05:00"},
            None,
            "time_out_of_range",
        ),
        (
            {"minutes": 10, "started": "1999-12-31T08:00:00+01:00"},
            None,
            "time_out_of_range",
        ),
        ({"minutes": 10, "distance_km": -2}, None, "distance_out_of_range"),
        ({"minutes": 10, "distance_km": "far"}, None, "not_a_number"),
        ({"minutes": 10, "note": 5}, None, "invalid_note"),
        ({"minutes": 10, "note": "x" * 501}, None, "note_too_long"),
        ({"minutes": 10, "id": "has spaces"}, None, "invalid_id"),
        ({"minutes": 10, "colour": "red"}, None, "unknown_field"),
        ({"pain": 11}, None, "level_out_of_range"),
        ({"pain": 4.5}, None, "level_not_whole"),
        ({"pain": 7.9}, None, "level_not_whole"),
        ({"pain": True}, None, "not_a_number"),
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
    # A sentence for a person, never the key or the placeholders' raw form.
    assert answer["message"][0].isupper()
    assert code not in answer["message"]
    assert "max=" not in answer["message"]
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


async def test_messages_are_the_translated_sentences(post: Any) -> None:
    """The message is the sentence the UI shows, with its placeholders filled."""
    status, answer = await post({"minutes": 10, "started": "1999-12-31T08:00:00+01:00"})
    assert status == 400
    assert answer == {
        "error": "time_out_of_range",
        "message": "The date must be between the years 2000 and 2099.",
    }
    _, answer = await post({"pain": 7.9})
    assert answer["message"] == (
        "Pain level must be a whole number from 0 to 10, such as 7 or 8."
    )


@pytest.fixture
def held_appends() -> Generator[tuple[threading.Event, threading.Event, list[bool]]]:
    """Hold each journal append until released; `fail` decides each one's outcome.

    Returns (entered, release, fail): entered is set when an append is waiting.
    """
    entered, release = threading.Event(), threading.Event()
    fail: list[bool] = []

    def held(path: str, line: bytes, *, new_file: bool) -> None:
        entered.set()
        assert release.wait(10)
        if fail and fail.pop(0):
            raise OSError(28, "No space left on device")
        append_line(path, line, new_file=new_file)

    with patch("custom_components.backwalk.store.append_line", held):
        yield entered, release, fail


async def _settle() -> None:
    """Let the other requests run as far as they can (asyncio.sleep waits on the frozen clock)."""
    for _ in range(200):
        await asyncio.sleep(0)


async def _until(event: threading.Event) -> None:
    # The append waits in an executor thread: wait for it there, not on the loop.
    assert await asyncio.get_running_loop().run_in_executor(None, event.wait, 10)


async def test_retry_during_a_failing_save_is_not_acknowledged(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    persisted: Persisted,
    post: Any,
    held_appends: tuple[threading.Event, threading.Event, list[bool]],
) -> None:
    """A retry that comes while the original's save is in flight waits for it.

    The original's save fails (503); the retry is then saved itself, never answered
    "duplicate" for a record that is not on disk.
    """
    entered, release, fail = held_appends
    fail.extend([True, False])
    body = {"minutes": 20, "id": "shortcut-1"}
    original = asyncio.create_task(post(body))
    await _until(entered)
    retry = asyncio.create_task(post(body))
    await _settle()
    assert not retry.done()
    release.set()
    (status, answer), (retry_status, retry_answer) = await asyncio.gather(
        original, retry
    )
    assert status == 503
    assert answer["error"] == "save_failed"
    assert retry_status == 200
    assert retry_answer["duplicate"] is False
    assert [walk["id"] for walk in persisted(loaded_entry)["walks"]] == [
        "webhook-walk-shortcut-1"
    ]
    await hass.async_block_till_done()
    assert hass.states.get(WEEK).state == "20.0"


async def test_retries_while_other_writes_hold_the_lock_are_duplicates(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    persisted: Persisted,
    post: Any,
    held_appends: tuple[threading.Event, threading.Event, list[bool]],
) -> None:
    """The same id posted many times behind another write: stored once, all 200."""
    entered, release, _ = held_appends
    other = asyncio.create_task(
        post({"minutes": 5, "id": "other", "started": "2026-11-25T08:00:00+01:00"})
    )
    await _until(entered)
    retries = [
        asyncio.create_task(post({"minutes": 20, "id": "shortcut-2"}))
        for _ in range(20)
    ]
    await _settle()
    release.set()
    answers = await asyncio.gather(other, *retries)
    assert [status for status, _ in answers] == [200] * 21
    assert (
        sorted(answer["duplicate"] for _, answer in answers[1:])
        == [False] + [True] * 19
    )
    assert sorted(walk["id"] for walk in persisted(loaded_entry)["walks"]) == [
        "webhook-walk-other",
        "webhook-walk-shortcut-2",
    ]


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
