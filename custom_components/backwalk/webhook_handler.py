"""A webhook per profile, for phone shortcuts and other apps to log walks and pain."""

from __future__ import annotations

from datetime import datetime
from http import HTTPStatus
import logging
import re
from typing import Any

from aiohttp import web
from homeassistant.components import webhook
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.network import NoURLAvailableError
from homeassistant.util import dt as dt_util
from homeassistant.util.json import json_loads

from .const import (
    CONF_WEBHOOK_ID,
    CONF_WEBHOOK_LOCAL_ONLY,
    DOMAIN,
    WEBHOOK_MAX_BODY_BYTES,
)
from .model import MAX_NOTE_LENGTH, Source
from .runtime import ProfileRuntime

_LOGGER = logging.getLogger(__name__)

# Client ids make retries idempotent; they become part of the record id.
_CLIENT_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_WALK_KEYS = {"minutes", "started", "distance_km", "note", "id"}
_PAIN_KEYS = {"pain", "note", "id"}


class BadBodyError(Exception):
    """The request body cannot be stored; the message says why."""

    def __init__(self, code: str, message: str) -> None:
        """Keep a machine-readable code and a human-readable message."""
        super().__init__(message)
        self.code = code
        self.message = message


def webhook_url(hass: HomeAssistant, webhook_id: str) -> str:
    """Return the URL to give an app (the path alone when no URL is configured)."""
    try:
        return webhook.async_generate_url(hass, webhook_id)
    except NoURLAvailableError:
        return webhook.async_generate_path(webhook_id)


def _number(body: dict[str, Any], key: str) -> float:
    value = body[key]
    # bool is an int in Python; true is not a number of minutes.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadBodyError("not_a_number", f"'{key}' must be a number")
    return float(value)


def _note(body: dict[str, Any]) -> str | None:
    note = body.get("note")
    if note is None:
        return None
    if not isinstance(note, str):
        raise BadBodyError("invalid_note", "'note' must be text")
    if len(note) > MAX_NOTE_LENGTH:
        raise BadBodyError(
            "note_too_long", f"'note' is longer than {MAX_NOTE_LENGTH} characters"
        )
    return note


def _record_id(body: dict[str, Any], kind: str) -> str | None:
    client_id = body.get("id")
    if client_id is None:
        return None
    if not isinstance(client_id, str) or not _CLIENT_ID.match(client_id):
        raise BadBodyError(
            "invalid_id", "'id' must be 1-64 letters, digits, '.', '_', ':' or '-'"
        )
    return f"webhook-{kind}-{client_id}"


def _started(body: dict[str, Any]) -> datetime | None:
    started = body.get("started")
    if started is None:
        return None
    parsed = dt_util.parse_datetime(started) if isinstance(started, str) else None
    if parsed is None:
        raise BadBodyError(
            "invalid_started", "'started' must be an ISO 8601 date and time"
        )
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt_util.get_default_time_zone())
    return parsed


async def _async_store(runtime: ProfileRuntime, body: Any) -> dict[str, Any]:
    """Validate and store one body; return what the app gets back."""
    if not isinstance(body, dict):
        raise BadBodyError("not_an_object", "the body must be a JSON object")
    if "minutes" in body and "pain" in body:
        raise BadBodyError(
            "ambiguous", "send either 'minutes' (a walk) or 'pain', not both"
        )
    if "minutes" in body:
        if unknown := set(body) - _WALK_KEYS:
            raise BadBodyError(
                "unknown_field", f"unknown field(s): {', '.join(sorted(unknown))}"
            )
        record_id = _record_id(body, "walk")
        if record_id and record_id in runtime.log:
            return {"id": record_id, "duplicate": True}
        distance = body.get("distance_km")
        walk = await runtime.async_log_walk(
            _number(body, "minutes"),
            started=_started(body),
            distance_km=None if distance is None else _number(body, "distance_km"),
            note=_note(body),
            source=Source.WEBHOOK,
            record_id=record_id,
        )
        return {"id": walk.id, "duplicate": False, "type": "walk"}
    if "pain" in body:
        if unknown := set(body) - _PAIN_KEYS:
            raise BadBodyError(
                "unknown_field", f"unknown field(s): {', '.join(sorted(unknown))}"
            )
        record_id = _record_id(body, "pain")
        if record_id and record_id in runtime.log:
            return {"id": record_id, "duplicate": True}
        level = _number(body, "pain")
        if not level.is_integer():
            raise BadBodyError(
                "not_a_whole_number", "'pain' must be a whole number from 0 to 10"
            )
        report = await runtime.async_report_pain(
            int(level), _note(body), record_id=record_id
        )
        return {"id": report.id, "duplicate": False, "type": "pain"}
    raise BadBodyError(
        "nothing_to_log", "send 'minutes' for a walk or 'pain' for a pain report"
    )


def _error(status: HTTPStatus, code: str, message: str) -> web.Response:
    return web.json_response({"error": code, "message": message}, status=status)


async def _async_read_body(request: web.Request) -> bytes | None:
    """Read the body, or return None once it passes WEBHOOK_MAX_BODY_BYTES.

    request.json() reads up to the server's 16 MB and, past it, raises aiohttp's
    HTTPRequestEntityTooLarge into the webhook component, which logs a traceback and
    answers an empty 200. Reading the stream with our own, far smaller bound keeps
    memory small, also for a chunked body without a Content-Length.
    """
    # Taken once: a mock request (cloudhooks, the websocket API) makes a new reader
    # on each access.
    stream = request.content
    chunks: list[bytes] = []
    size = 0
    while size <= WEBHOOK_MAX_BODY_BYTES:
        chunk = await stream.read(WEBHOOK_MAX_BODY_BYTES + 1 - size)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
    return None


@callback
def async_register_webhook(hass: HomeAssistant, runtime: ProfileRuntime) -> None:
    """Listen on the profile's webhook until the entry unloads."""
    entry = runtime.entry

    async def handle(
        hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        raw = await _async_read_body(request)
        if raw is None:
            return _error(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                "body_too_large",
                f"The body is larger than {WEBHOOK_MAX_BODY_BYTES // 1024} KB; "
                "a walk or pain report needs far less.",
            )
        try:
            body = json_loads(raw)
        except ValueError:
            return _error(
                HTTPStatus.BAD_REQUEST, "invalid_json", "the body is not JSON"
            )
        try:
            result = await _async_store(runtime, body)
        except BadBodyError as err:
            return _error(HTTPStatus.BAD_REQUEST, err.code, err.message)
        except ServiceValidationError as err:
            # The model's own refusal (a range, a time in the future): its key is the code.
            message = str(err) or str(err.translation_key)
            return _error(HTTPStatus.BAD_REQUEST, str(err.translation_key), message)
        except HomeAssistantError as err:
            _LOGGER.warning("backwalk webhook could not save: %s", err)
            return _error(
                HTTPStatus.SERVICE_UNAVAILABLE, "save_failed", "not saved, try again"
            )
        return web.json_response(result)

    webhook_id = entry.data[CONF_WEBHOOK_ID]
    webhook.async_register(
        hass,
        DOMAIN,
        f"backwalk {entry.title}",
        webhook_id,
        handle,
        local_only=entry.options.get(CONF_WEBHOOK_LOCAL_ONLY, True),
        allowed_methods=["POST"],
    )
    entry.async_on_unload(lambda: webhook.async_unregister(hass, webhook_id))
