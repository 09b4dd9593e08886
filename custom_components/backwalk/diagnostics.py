"""Diagnostics: one profile's settings, counts and recent history, with nothing personal.

A diagnostics file is attached to public bug reports, so no person's name may be in it:
not the profile's name, not a note, not a record id a phone app chose, not an entity id
or phone service (those are often made from a name: notify.mobile_app_alexs_phone), not
a reminder's text (it greets the person by name). Only this profile's data is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import timedelta
from typing import Any

from homeassistant.components.diagnostics import REDACTED, async_redact_data
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from .codec import group_records
from .const import (
    ATTR_NOTE,
    CONF_ACTIVITY_ENTITIES,
    CONF_MEDIA_PLAYERS,
    CONF_MOBILE_APPS,
    CONF_NAME,
    CONF_NOTIFY_ENTITIES,
    CONF_STEPS_ENTITY,
    CONF_TTS_ENTITY,
    CONF_WEBHOOK_ID,
)
from .model import ModelError
from .reminders import nudge_from_dict
from .runtime import BackwalkConfigEntry, ProfileRuntime

# Free text a person typed, and anything that would identify them or reach their data.
TO_REDACT = {CONF_NAME, ATTR_NOTE, "title", "profile", CONF_WEBHOOK_ID, "id"}
# Options naming entities or phones: only their domain is kept.
TARGET_OPTIONS = {
    CONF_ACTIVITY_ENTITIES,
    CONF_MEDIA_PLAYERS,
    CONF_MOBILE_APPS,
    CONF_NOTIFY_ENTITIES,
    CONF_STEPS_ENTITY,
    CONF_TTS_ENTITY,
}
RECENT_DAYS = 14


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: BackwalkConfigEntry
) -> dict[str, Any]:
    """Describe one profile for a bug report."""
    runtime = entry.runtime_data
    now = dt_util.now()
    history = runtime.history(
        now - timedelta(days=RECENT_DAYS), now + timedelta(seconds=1)
    )
    current = runtime.state.snapshot
    snapshot = asdict(current)
    snapshot["day"] = current.day.isoformat()
    snapshot["week_start"] = current.week_start.isoformat()
    snapshot["last_walk"] = current.last_walk.to_dict() if current.last_walk else None
    return async_redact_data(
        {
            "entry": {
                "title": entry.title,
                "data": dict(entry.data),
                "options": {
                    key: _redact_targets(value) if key in TARGET_OPTIONS else value
                    for key, value in entry.options.items()
                },
            },
            "settings": asdict(runtime.settings),
            "time_zone": str(runtime.log.timezone),
            "counts": _counts(runtime),
            # Changes only in the journal yet (the Store file is rewritten later).
            "journal_lines_pending": runtime.store.pending,
            "live_walk_started": runtime.state.live_walk_started,
            "snapshot": snapshot,
            "recent_history": history,
            "reminders": _reminders(runtime.reminders),
        },
        TO_REDACT,
    )


def _counts(runtime: ProfileRuntime) -> dict[str, int]:
    """How many records of each kind, and how many archived ones cannot be read.

    Diagnostics are what a user sends when something is wrong: a damaged archive
    must not keep them from downloading.
    """
    try:
        return runtime.counts()
    except ModelError:
        loaded = runtime.log.loaded_records()
        return {
            **{kind: len(items) for kind, items in group_records(loaded).items()},
            "archived_unreadable": len(runtime.log) - len(loaded),
        }


def _redact_targets(value: Any) -> Any:
    """Keep how many targets there are and of which domain, never their ids."""
    if isinstance(value, list):
        return [_redact_targets(item) for item in value]
    domain, dot, _ = str(value).partition(".")
    # A phone service (mobile_app_<device>) has no domain part: all of it goes.
    return f"{domain}.{REDACTED}" if dot else REDACTED


def _reminders(saved: Mapping[str, Any]) -> dict[str, Any]:
    """Describe what the reminder engine did and when, never a reminder's text."""
    # The text greets the person by name; types, keys and times are enough to debug.
    sent = saved.get("sent")
    snoozes = saved.get("snoozed")
    return {
        "checked": saved.get("checked"),
        "sent": dict(sent) if isinstance(sent, dict) else {},
        "snoozed": [
            _nudge(item) for item in (snoozes if isinstance(snoozes, list) else [])
        ],
        "last": _nudge(saved.get("last")),
    }


def _nudge(data: Any) -> dict[str, Any] | None:
    nudge = nudge_from_dict(data)
    if nudge is None:
        return None
    return {
        "type": nudge.type.value,
        "key": nudge.key,
        "due": nudge.due.isoformat(),
        "walk_time": nudge.walk_time.isoformat() if nudge.walk_time else None,
        "guidance": list(nudge.guidance),
    }
