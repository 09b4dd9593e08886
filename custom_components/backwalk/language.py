"""Which language backwalk speaks: the message catalog, read once, and who hears what.

Reminders, spoken texts, phone buttons, calendar summaries and webhook errors are in
the profile's language (its option, else Home Assistant's language when backwalk has
it, else English); Assist answers in the language of the conversation.
"""

from __future__ import annotations

from pathlib import Path

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.util import language as language_util
from homeassistant.util.hass_dict import HassKey

from .const import CONF_LANGUAGE, DOMAIN
from .model import (
    FALLBACK_LANGUAGE,
    LANGUAGES,
    Catalog,
    Messages,
    base_language,
    load_catalog,
)

MESSAGES_DIR = Path(__file__).parent / "messages"
_CATALOG: HassKey[Catalog] = HassKey(f"{DOMAIN}_catalog")


async def async_load_catalog(hass: HomeAssistant) -> Catalog:
    """Read the language files once, off the event loop."""
    if (catalog := hass.data.get(_CATALOG)) is None:
        catalog = await hass.async_add_executor_job(load_catalog, MESSAGES_DIR)
        hass.data[_CATALOG] = catalog
    return catalog


@callback
def messages_for(hass: HomeAssistant, language: str | None) -> Messages:
    """Return the messages of `language` (English where backwalk lacks it).

    The catalog is read in async_setup, before any profile or intent can ask.
    """
    return hass.data[_CATALOG].messages(language)


@callback
def default_language(hass: HomeAssistant) -> str:
    """Return Home Assistant's language if backwalk speaks it, else English."""
    language = base_language(hass.config.language)
    return language if language in LANGUAGES else FALLBACK_LANGUAGE


@callback
def profile_language(hass: HomeAssistant, entry: ConfigEntry) -> str:
    """Return the language a profile's reminders and texts are in."""
    language = entry.options.get(CONF_LANGUAGE)
    if isinstance(language, str) and language in LANGUAGES:
        return language
    return default_language(hass)


@callback
def profile_messages(hass: HomeAssistant, entry: ConfigEntry) -> Messages:
    """Return the messages in the profile's language."""
    return messages_for(hass, profile_language(hass, entry))


@callback
def voice_language(hass: HomeAssistant, tts_entity: str, language: str) -> str | None:
    """Return the voice's language closest to the profile's, or None for its default.

    Without it the engine reads a German reminder in its default (often English)
    voice. An engine that speaks no variant of the language keeps its default.
    """
    if "tts" not in hass.config.components:
        return None
    # Imported here: the text-to-speech component is loaded only where it is used.
    from homeassistant.components.tts.helper import get_engine_instance

    engine = get_engine_instance(hass, tts_entity)
    if engine is None:
        return None
    matched = language_util.matches(language, list(engine.supported_languages or []))
    return matched[0] if matched else None
