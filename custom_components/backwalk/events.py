"""The bus events that announce a profile's records: logged and deleted.

The recorder keeps them, so a deleted record's event is the trace of what it was and
which user removed it.
"""

from __future__ import annotations

from homeassistant.core import Context, HomeAssistant

from .const import EVENT_DELETED, EVENT_LOGGED
from .model import Alternative, PainReport, Record, Stretch, Walk

_RECORD_TYPES: dict[type, str] = {
    Walk: "walk",
    PainReport: "pain",
    Stretch: "stretch",
    Alternative: "alternative",
}


def record_type(record: Record) -> str:
    """Name of a record's kind, as used in events and responses."""
    return _RECORD_TYPES[type(record)]


def fire_logged(
    hass: HomeAssistant,
    entry_id: str,
    profile: str,
    record: Record,
    context: Context | None = None,
) -> None:
    """Announce a record that was saved."""
    hass.bus.async_fire(
        EVENT_LOGGED,
        {
            "entry_id": entry_id,
            "profile": profile,
            "type": record_type(record),
            **record.to_dict(),
        },
        context=context,
    )


def fire_deleted(
    hass: HomeAssistant,
    entry_id: str,
    profile: str,
    record: Record,
    *,
    reason: str,
    context: Context | None,
) -> None:
    """Announce a record taken out of the log, why, and by which user (none: automation)."""
    hass.bus.async_fire(
        EVENT_DELETED,
        {
            "entry_id": entry_id,
            "profile": profile,
            "type": record_type(record),
            "reason": reason,
            "user_id": context.user_id if context else None,
            **record.to_dict(),
        },
        context=context,
    )
