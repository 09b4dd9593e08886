"""Refusals as a person reads them: translated, with the caller's values shortened."""

from __future__ import annotations

from contextlib import suppress

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import translation

from .const import DOMAIN
from .language import messages_for
from .model import ModelError, Record

# Placeholder values come from the caller (an id, a device id): one of a megabyte must
# not come back in the answer, nor fill the log.
MAX_PLACEHOLDER_LENGTH = 40


class AlreadySavedError(Exception):
    """A record with this id is already saved: a client's retry, stored once."""

    def __init__(self, stored: Record, attempt: Record) -> None:
        """Keep the record on disk and the one the retry would have made."""
        super().__init__(stored.id)
        self.record_id = stored.id
        self.stored = stored
        self.attempt = attempt


def shorten(value: str) -> str:
    """Cut a caller's value to a length that fits in a sentence."""
    if len(value) <= MAX_PLACEHOLDER_LENGTH:
        return value
    return value[: MAX_PLACEHOLDER_LENGTH - 1] + "…"


def refusal(key: str, **placeholders: str) -> ServiceValidationError:
    """Make a translated refusal; Home Assistant shows its sentence, never the key."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={
            name: shorten(value) for name, value in placeholders.items()
        }
        or None,
    )


def validation_error(err: ModelError) -> ServiceValidationError:
    """Translate a model refusal into the error a user sees."""
    return refusal(err.key, **err.placeholders)


async def async_error_message(
    hass: HomeAssistant, language: str, err: HomeAssistantError
) -> str:
    """Say a refusal of backwalk's own as a sentence in `language`, else in English."""
    generic = messages_for(hass, language)("error.generic")
    key = err.translation_key
    if err.translation_domain != DOMAIN or key is None:
        return generic
    localize_key = f"component.{DOMAIN}.exceptions.{key}.message"
    message: str | None = None
    for lang in dict.fromkeys((language, "en")):
        strings = await translation.async_get_translations(
            hass, lang, "exceptions", {DOMAIN}
        )
        if message := strings.get(localize_key):
            break
    if not message:
        return generic
    with suppress(KeyError, IndexError, ValueError):
        message = message.format(**(err.translation_placeholders or {}))
    return message
