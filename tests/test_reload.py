"""Unloading an entry removes every listener, timer, webhook and intent it added."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from typing import Any

from homeassistant.components import webhook
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_HOMEASSISTANT_FINAL_WRITE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import intent
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.backwalk.const import CONF_WEBHOOK_ID, DOMAIN
from custom_components.backwalk.intents import (
    INTENT_LOG_WALK,
    INTENT_REPORT_PAIN,
    INTENT_TARGET_TODAY,
    INTENT_WEEK_STATUS,
)

RELOADS = 50
BACKWALK_INTENTS = (
    INTENT_LOG_WALK,
    INTENT_REPORT_PAIN,
    INTENT_TARGET_TODAY,
    INTENT_WEEK_STATUS,
)


@pytest.fixture
def profile_options(profile_options: dict[str, Any]) -> dict[str, Any]:
    """Walks every day at 07:30, so the reminder engine always has a timer set."""
    return {
        **profile_options,
        "preferred_alternatives": ["swimming", "yoga"],
        "walk_days": [0, 1, 2, 3, 4, 5, 6],
        "walk_time": "07:30:00",
        "stretch_lead_minutes": 10,
        "check_in_after_minutes": 120,
        "media_players": [],
        "mobile_app_services": [],
        "notify_entities": [],
        "persistent_notification": True,
    }


def _is_delayed_save(handle: Any) -> bool:
    """A store's pending delayed write: Home Assistant's own, it comes and goes."""
    return isinstance(getattr(handle._callback, "__self__", None), Store)


def _belongs_to_backwalk(handle: Any) -> bool:
    """Whether a timer runs backwalk code (looking through Home Assistant's wrappers)."""
    callback = handle._callback
    parts = [callback]
    target = getattr(getattr(callback, "job", None), "target", None)
    parts.extend(
        cell.cell_contents for cell in getattr(target, "__closure__", ()) or ()
    )
    return any("custom_components.backwalk." in repr(part) for part in parts)


def live_timers(hass: HomeAssistant) -> dict[str, int]:
    """Timers on the loop that will still fire (cancelled handles linger until popped)."""
    loop: Any = hass.loop
    live = [
        handle
        for handle in loop._scheduled
        if not handle.cancelled() and not _is_delayed_save(handle)
    ]
    return {
        "backwalk": sum(1 for handle in live if _belongs_to_backwalk(handle)),
        "all": len(live),
    }


def listeners(hass: HomeAssistant) -> dict[str, int]:
    """Bus listeners by event, but the final-write one a pending delayed save adds."""
    return {
        event: count
        for event, count in hass.bus.async_listeners().items()
        if event != EVENT_HOMEASSISTANT_FINAL_WRITE
    }


def backwalk_webhooks(hass: HomeAssistant) -> list[str]:
    """Ids of the webhooks backwalk has registered."""
    handlers = hass.data.get(webhook.DOMAIN, {})
    return [
        webhook_id for webhook_id, data in handlers.items() if data.domain == DOMAIN
    ]


def intent_types(hass: HomeAssistant) -> Counter[str]:
    """How many handlers each intent type has."""
    return Counter(handler.intent_type for handler in intent.async_get(hass))


def footprint(hass: HomeAssistant) -> dict[str, Any]:
    """What a loaded profile adds to Home Assistant, counted."""
    return {
        "listeners": listeners(hass),
        "timers": live_timers(hass),
        "webhooks": sorted(backwalk_webhooks(hass)),
        "intents": intent_types(hass),
    }


async def settle(hass: HomeAssistant) -> None:
    """Let every task started by a setup or unload finish, and timers be re-armed."""
    await hass.async_block_till_done()
    await asyncio.sleep(0)
    await hass.async_block_till_done()


async def history(hass: HomeAssistant) -> dict[str, Any]:
    """The profile's records of the last two weeks."""
    response = await hass.services.async_call(
        DOMAIN, "get_history", {}, blocking=True, return_response=True
    )
    assert isinstance(response, dict)
    return response


async def test_reload_50_times_leaks_nothing(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """50 reloads leave the same footprint as one load; unloading removes all of it."""
    await settle(hass)
    # The entry's own footprint: what it leaves when unloaded, then when set up again.
    # (The first setup also sets up backwalk's dependencies and the entity platforms.)
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    await settle(hass)
    without = footprint(hass)
    assert await hass.config_entries.async_setup(loaded_entry.entry_id)
    await settle(hass)
    loaded = footprint(hass)
    webhook_id = loaded_entry.data[CONF_WEBHOOK_ID]
    assert without["webhooks"] == []
    assert loaded["webhooks"] == [webhook_id]
    assert without["timers"]["backwalk"] == 0
    # Midnight and the next walk (runtime), the next nudge (reminders).
    assert loaded["timers"]["backwalk"] == 3
    # (The calendar entity adds Home Assistant's own timers for the next walk's start and end.)
    assert loaded["timers"]["all"] >= without["timers"]["all"] + 3
    assert sum(loaded["listeners"].values()) > sum(without["listeners"].values())
    backwalk_intents = {name: loaded["intents"][name] for name in BACKWALK_INTENTS}
    assert backwalk_intents == dict.fromkeys(BACKWALK_INTENTS, 1)
    assert set(loaded["intents"].values()) == {1}, "an intent is registered twice"

    await hass.services.async_call(
        DOMAIN, "log_walk", {"minutes": 20, "note": "before reloads"}, blocking=True
    )

    # Back to back, as a user saving options twice quickly would: no settling between.
    for _ in range(RELOADS):
        assert await hass.config_entries.async_reload(loaded_entry.entry_id)
    await settle(hass)
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert footprint(hass) == loaded

    # And with everything settled between them.
    for _ in range(RELOADS):
        assert await hass.config_entries.async_reload(loaded_entry.entry_id)
        await settle(hass)
    assert footprint(hass) == loaded

    walks = (await history(hass))["walks"]
    assert [(walk["minutes"], walk["note"]) for walk in walks] == [
        (20.0, "before reloads")
    ]

    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    await settle(hass)
    assert loaded_entry.state is ConfigEntryState.NOT_LOADED
    after = footprint(hass)
    assert webhook_id not in hass.data.get(webhook.DOMAIN, {})
    assert after == without
    # Intents belong to async_setup (once per Home Assistant start): still there, once.
    assert after["intents"] == loaded["intents"]


async def test_reload_waits_for_a_save_under_way(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A walk being saved when a reload begins is acknowledged and in the reloaded log.

    A walk still waiting for its turn is refused (the caller retries): saved by the
    unloaded profile it would be missing from the reloaded one, then overwritten.
    """
    runtime = loaded_entry.runtime_data
    release = asyncio.Event()
    append = runtime.store.async_append

    async def slow_append(change: Any) -> None:
        await release.wait()
        await append(change)

    runtime.store.async_append = slow_append  # type: ignore[method-assign]

    def log_walk(note: str, ended_ago: int = 0) -> asyncio.Task[Any]:
        # Two walks of one person cannot overlap: the second ended earlier.
        started = dt_util.now() - timedelta(minutes=15 + ended_ago)
        return hass.async_create_task(
            hass.services.async_call(
                DOMAIN,
                "log_walk",
                {"minutes": 15, "note": note, "started": started},
                blocking=True,
                return_response=True,
            )
        )

    saving = log_walk("being saved")
    await asyncio.sleep(0.01)
    waiting = log_walk("waiting", ended_ago=60)
    await asyncio.sleep(0.01)
    reload = hass.async_create_task(
        hass.config_entries.async_reload(loaded_entry.entry_id)
    )
    await asyncio.sleep(0.1)
    assert not reload.done(), "the reload did not wait for the save"
    release.set()
    answer = await saving
    with pytest.raises(HomeAssistantError, match="not loaded"):
        await waiting
    assert await reload
    await settle(hass)
    walks = (await history(hass))["walks"]
    assert [(walk["id"], walk["note"]) for walk in walks] == [
        (answer["id"], "being saved")
    ]
