"""Actions: log walks, pain, stretches and alternatives; correct, undo, delete; history."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.service import async_register_admin_service
from homeassistant.util import dt as dt_util
import voluptuous as vol

from .compat import async_get_service_entry, device_config_entries
from .const import (
    ATTR_ACTIVITY,
    ATTR_CONFIG_ENTRY_ID,
    ATTR_DEVICE_ID,
    ATTR_DISTANCE_KM,
    ATTR_END,
    ATTR_ENTRY_ID,
    ATTR_LEVEL,
    ATTR_MINUTES,
    ATTR_NOTE,
    ATTR_START,
    ATTR_STARTED,
    DOMAIN,
    SERVICE_CORRECT_PAIN,
    SERVICE_CREATE_REPORT,
    SERVICE_DELETE_ENTRY,
    SERVICE_GET_HISTORY,
    SERVICE_LOG_ALTERNATIVE,
    SERVICE_LOG_STRETCH,
    SERVICE_LOG_WALK,
    SERVICE_REPORT_PAIN,
    SERVICE_UNDO_LAST,
)
from .errors import refusal, validation_error
from .events import record_type
from .model import MAX_NOTE_LENGTH, Activity, ModelError
from .report import create_report, parse_day
from .runtime import BackwalkConfigEntry, ProfileRuntime

# Numbers pass through untouched and are read by the model's one rule for every way in
# (vol.Coerce would turn `true` into 1, "1_0" into 10 and 7.9 into 7), so every refusal
# reaches the user as one translated message naming what was wrong.
_PROFILE = {
    # Home Assistant's refusal of an unknown entry repeats the id: keep it short (an entry
    # id has 26 characters).
    vol.Optional(ATTR_CONFIG_ENTRY_ID): vol.All(cv.string, vol.Length(max=64)),
    vol.Optional(ATTR_DEVICE_ID): cv.string,
}
_NOTE = {vol.Optional(ATTR_NOTE): vol.All(cv.string, vol.Length(max=MAX_NOTE_LENGTH))}

LOG_WALK_SCHEMA = vol.Schema(
    {
        **_PROFILE,
        vol.Required(ATTR_MINUTES): object,
        vol.Optional(ATTR_STARTED): cv.datetime,
        vol.Optional(ATTR_DISTANCE_KM): object,
        **_NOTE,
    }
)
REPORT_PAIN_SCHEMA = vol.Schema({**_PROFILE, vol.Required(ATTR_LEVEL): object, **_NOTE})
LOG_STRETCH_SCHEMA = vol.Schema({**_PROFILE, **_NOTE})
LOG_ALTERNATIVE_SCHEMA = vol.Schema(
    {
        **_PROFILE,
        vol.Required(ATTR_ACTIVITY): vol.In([activity.value for activity in Activity]),
        vol.Required(ATTR_MINUTES): object,
        **_NOTE,
    }
)
DELETE_ENTRY_SCHEMA = vol.Schema({**_PROFILE, vol.Required(ATTR_ENTRY_ID): cv.string})
UNDO_LAST_SCHEMA = vol.Schema({**_PROFILE, vol.Optional(ATTR_ENTRY_ID): cv.string})
GET_HISTORY_SCHEMA = vol.Schema(
    {
        **_PROFILE,
        vol.Optional(ATTR_START): cv.datetime,
        vol.Optional(ATTR_END): cv.datetime,
    }
)

CREATE_REPORT_SCHEMA = vol.Schema(
    {
        **_PROFILE,
        vol.Optional(ATTR_START): parse_day,
        vol.Optional(ATTR_END): parse_day,
    }
)


def _local(moment: datetime) -> datetime:
    """Read a datetime from the user in Home Assistant's time zone when it has none."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt_util.get_default_time_zone())
    return moment


def resolve_profile(hass: HomeAssistant, data: dict[str, Any]) -> ProfileRuntime:
    """Find the profile an action is for: by entry id, by device, or the only one.

    Home Assistant's helper reads the entry id (or finds the only entry) and refuses an
    unknown, foreign or unloaded one; only the device is read here.
    """
    entry_id: str | None = data.get(ATTR_CONFIG_ENTRY_ID)
    if device_id := data.get(ATTR_DEVICE_ID):
        device = dr.async_get(hass).async_get(device_id)
        if device is None:
            raise refusal("unknown_device", device_id=device_id)
        ids = [id_ for id_ in device_config_entries(device) if _is_backwalk(hass, id_)]
        if not ids:
            raise refusal("unknown_device", device_id=device_id)
        if entry_id is not None and entry_id != ids[0]:
            # Two profiles named: guessing one could log a walk for the wrong person.
            raise refusal("profile_mismatch")
        entry_id = ids[0]
    entry: BackwalkConfigEntry = async_get_service_entry(hass, DOMAIN, entry_id)
    return entry.runtime_data


def _is_backwalk(hass: HomeAssistant, entry_id: str) -> bool:
    entry = hass.config_entries.async_get_entry(entry_id)
    return entry is not None and entry.domain == DOMAIN


async def _log_walk(call: ServiceCall) -> ServiceResponse:
    runtime = resolve_profile(call.hass, dict(call.data))
    started = call.data.get(ATTR_STARTED)
    walk = await runtime.async_log_walk(
        call.data[ATTR_MINUTES],
        started=_local(started) if started is not None else None,
        distance_km=call.data.get(ATTR_DISTANCE_KM),
        note=call.data.get(ATTR_NOTE),
    )
    return {"id": walk.id}


async def _report_pain(call: ServiceCall) -> ServiceResponse:
    runtime = resolve_profile(call.hass, dict(call.data))
    report = await runtime.async_report_pain(
        call.data[ATTR_LEVEL], call.data.get(ATTR_NOTE)
    )
    return {"id": report.id}


async def _log_stretch(call: ServiceCall) -> ServiceResponse:
    runtime = resolve_profile(call.hass, dict(call.data))
    stretch = await runtime.async_log_stretch(call.data.get(ATTR_NOTE))
    return {"id": stretch.id}


async def _log_alternative(call: ServiceCall) -> ServiceResponse:
    runtime = resolve_profile(call.hass, dict(call.data))
    alternative = await runtime.async_log_alternative(
        Activity(call.data[ATTR_ACTIVITY]),
        call.data[ATTR_MINUTES],
        call.data.get(ATTR_NOTE),
    )
    return {"id": alternative.id}


async def _correct_pain(call: ServiceCall) -> ServiceResponse:
    runtime = resolve_profile(call.hass, dict(call.data))
    report, replaced = await runtime.async_correct_pain(
        call.data[ATTR_LEVEL], call.data.get(ATTR_NOTE), call.context
    )
    return {"id": report.id, "replaced": replaced.id if replaced else None}


async def _undo_last(call: ServiceCall) -> ServiceResponse:
    runtime = resolve_profile(call.hass, dict(call.data))
    record = await runtime.async_undo_last(call.data.get(ATTR_ENTRY_ID), call.context)
    return {"id": record.id, "type": record_type(record)}


async def _delete_entry(call: ServiceCall) -> None:
    runtime = resolve_profile(call.hass, dict(call.data))
    await runtime.async_delete(call.data[ATTR_ENTRY_ID], call.context)


async def _get_history(call: ServiceCall) -> ServiceResponse:
    runtime = resolve_profile(call.hass, dict(call.data))
    # By default: the last 14 local days, today included.
    tomorrow = dt_util.start_of_local_day() + timedelta(days=1)
    try:
        end = _local(call.data[ATTR_END]) if ATTR_END in call.data else tomorrow
        start = (
            _local(call.data[ATTR_START])
            if ATTR_START in call.data
            else dt_util.start_of_local_day(end.date() - timedelta(days=14))
        )
        if start >= end:
            raise refusal("start_not_before_end")
        history = runtime.history(start, end)
    except OverflowError as err:
        # At the very ends of the calendar a date cannot be moved or put in UTC.
        raise refusal("date_out_of_range") from err
    except ModelError as err:
        raise validation_error(err) from err  # archived records that cannot be read
    return {
        "profile": runtime.name,
        "start": start.isoformat(),
        "end": end.isoformat(),
        **history,
    }


async def _create_report(call: ServiceCall) -> ServiceResponse:
    runtime = resolve_profile(call.hass, dict(call.data))
    return create_report(call, runtime)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register backwalk's actions."""
    optional = SupportsResponse.OPTIONAL
    hass.services.async_register(
        DOMAIN, SERVICE_LOG_WALK, _log_walk, LOG_WALK_SCHEMA, supports_response=optional
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_REPORT_PAIN,
        _report_pain,
        REPORT_PAIN_SCHEMA,
        supports_response=optional,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_LOG_STRETCH,
        _log_stretch,
        LOG_STRETCH_SCHEMA,
        supports_response=optional,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_LOG_ALTERNATIVE,
        _log_alternative,
        LOG_ALTERNATIVE_SCHEMA,
        supports_response=optional,
    )
    # Anyone may correct today's pain or undo the entry just made: both reach back
    # only minutes (model.corrections), never into history.
    hass.services.async_register(
        DOMAIN,
        SERVICE_CORRECT_PAIN,
        _correct_pain,
        REPORT_PAIN_SCHEMA,
        supports_response=optional,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_UNDO_LAST,
        _undo_last,
        UNDO_LAST_SCHEMA,
        supports_response=optional,
    )
    # Deleting history is for administrators, as Home Assistant's own recorder.purge:
    # any other user could otherwise erase someone else's walks without a trace.
    async_register_admin_service(
        hass, DOMAIN, SERVICE_DELETE_ENTRY, _delete_entry, DELETE_ENTRY_SCHEMA
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_GET_HISTORY,
        _get_history,
        GET_HISTORY_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_CREATE_REPORT,
        _create_report,
        CREATE_REPORT_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
