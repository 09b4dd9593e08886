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
    """Say one of backwalk's refusals (errors.refusal) as a sentence in `language`."""
    strings = await translation.async_get_translations(
        hass, language, "exceptions", {DOMAIN}
    )
    # Home Assistant fills a language's missing keys in from English, and every key
    # refusal() is given is in en.json (tests/test_translations.py): the generic
    # sentence is only the last resort.
    message = strings.get(
        f"component.{DOMAIN}.exceptions.{err.translation_key}.message",
        messages_for(hass, language)("error.generic"),
    )
    with suppress(KeyError, IndexError, ValueError):
        message = message.format(**(err.translation_placeholders or {}))
    return message
