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
from homeassistant.util import dt as dt_util
from homeassistant.util.json import json_loads

from .const import (
    CONF_WEBHOOK_ID,
    CONF_WEBHOOK_LOCAL_ONLY,
    DOMAIN,
    WEBHOOK_MAX_BODY_BYTES,
)
from .errors import AlreadySavedError, async_error_message, refusal
from .language import messages_for, profile_language
from .model import MAX_NOTE_LENGTH, PainReport, Source, Walk
from .runtime import ProfileRuntime

_LOGGER = logging.getLogger(__name__)

# Client ids make retries idempotent; they become part of the record id.
_CLIENT_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
# The webhook's own refusals are translated under this prefix; clients see the code
# without it ("invalid_json"), as documented in the README.
_PREFIX = "webhook_"
_WALK_KEYS = {"minutes", "started", "distance_km", "note", "id"}
_PAIN_KEYS = {"pain", "note", "id"}


def _note(body: dict[str, Any]) -> str | None:
    note = body.get("note")
    if note is None:
        return None
    if not isinstance(note, str):
        raise refusal("webhook_invalid_note")
    if len(note) > MAX_NOTE_LENGTH:
        raise refusal("note_too_long", max=str(MAX_NOTE_LENGTH))
    return note


def _record_id(body: dict[str, Any], kind: str) -> str | None:
    client_id = body.get("id")
    if client_id is None:
        return None
    if not isinstance(client_id, str) or not _CLIENT_ID.match(client_id):
        raise refusal("webhook_invalid_id")
    return f"webhook-{kind}-{client_id}"


def _started(body: dict[str, Any]) -> datetime | None:
    started = body.get("started")
    if started is None:
        return None
    parsed = dt_util.parse_datetime(started) if isinstance(started, str) else None
    if parsed is None:
        raise refusal("webhook_invalid_started")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt_util.get_default_time_zone())
    return parsed


async def _async_store(runtime: ProfileRuntime, body: Any) -> dict[str, Any]:
    """Validate and store one body; return what the app gets back.

    Numbers are read by the model's one rule for every way in (runtime.py).
    """
    if not isinstance(body, dict):
        raise refusal("webhook_not_an_object")
    if "minutes" in body and "pain" in body:
        raise refusal("webhook_ambiguous")
    if "minutes" in body:
        kind, allowed = "walk", _WALK_KEYS
    elif "pain" in body:
        kind, allowed = "pain", _PAIN_KEYS
    else:
        raise refusal("webhook_nothing_to_log")
    if unknown := set(body) - allowed:
        raise refusal("webhook_unknown_field", fields=", ".join(sorted(unknown)))
    record_id = _record_id(body, kind)
    try:
        if kind == "walk":
            record: Walk | PainReport = await runtime.async_log_walk(
                body["minutes"],
                started=_started(body),
                distance_km=body.get("distance_km"),
                note=_note(body),
                source=Source.WEBHOOK,
                record_id=record_id,
            )
        else:
            record = await runtime.async_report_pain(
                body["pain"], _note(body), record_id=record_id
            )
    except AlreadySavedError as err:
        # A retry of a body already on disk: the app may forget it. The same shape as
        # the first answer, and what the retry said otherwise than the stored record.
        answer: dict[str, Any] = {"id": err.record_id, "duplicate": True, "type": kind}
        if differs := _differs(body, err.stored, err.attempt):
            answer["differs"] = differs
        return answer
    return {"id": record.id, "duplicate": False, "type": kind}


# Body fields and the record fields they set, to tell a retry that says otherwise.
_FIELDS = {
    "minutes": "minutes",
    "started": "start",
    "distance_km": "distance_km",
    "note": "note",
    "pain": "level",
}


def _differs(body: dict[str, Any], stored: object, attempt: object) -> list[str]:
    """List the body's fields whose values differ from the record stored under its id."""
    return sorted(
        field
        for field, attribute in _FIELDS.items()
        if field in body and getattr(stored, attribute) != getattr(attempt, attribute)
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


async def _refused(
    hass: HomeAssistant, language: str, err: ServiceValidationError
) -> web.Response:
    """400 with the refusal's code (webhook_ prefix dropped) and its sentence."""
    code = str(err.translation_key).removeprefix(_PREFIX)
    message = await async_error_message(hass, language, err)
    return _error(HTTPStatus.BAD_REQUEST, code, message)


@callback
def async_register_webhook(hass: HomeAssistant, runtime: ProfileRuntime) -> None:
    """Listen on the profile's webhook until the entry unloads."""
    entry = runtime.entry

    async def handle(
        hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        # An app has no frontend language: it is told in the profile's language.
        language = profile_language(hass, entry)
        raw = await _async_read_body(request)
        if raw is None:
            # 413, not 400, but said like every other refusal: a translated sentence.
            too_large = refusal(
                "webhook_body_too_large", max=str(WEBHOOK_MAX_BODY_BYTES // 1024)
            )
            message = await async_error_message(hass, language, too_large)
            return _error(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "body_too_large", message
            )
        try:
            body = json_loads(raw)
        except ValueError:
            return await _refused(hass, language, refusal("webhook_invalid_json"))
        try:
            result = await _async_store(runtime, body)
        except ServiceValidationError as err:
            return await _refused(hass, language, err)
        except HomeAssistantError as err:
            _LOGGER.warning("backwalk webhook could not save: %s", err)
            return _error(
                HTTPStatus.SERVICE_UNAVAILABLE,
                "save_failed",
                messages_for(hass, language)("error.not_saved"),
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
