"""Diagnostics: the profile, counts and recent history, with personal text redacted."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from .const import CONF_NAME
from .runtime import BackwalkConfigEntry

# Free text a person typed, and anything that would identify them or reach their data.
TO_REDACT = {CONF_NAME, "note", "title", "profile", "webhook_id"}
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
                "options": dict(entry.options),
            },
            "settings": asdict(runtime.settings),
            "time_zone": str(runtime.log.timezone),
            "counts": runtime.counts(),
            # Changes only in the journal yet (the Store file is rewritten later).
            "journal_lines_pending": runtime.store.pending,
            "live_walk_started": runtime.state.live_walk_started,
            "snapshot": snapshot,
            "recent_history": history,
        },
        TO_REDACT,
    )
