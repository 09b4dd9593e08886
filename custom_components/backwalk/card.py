"""The backwalk dashboard card, served by the integration (no build step, no resource to add).

`frontend/backwalk-card.js` is a plain JavaScript web component. It is served at
CARD_URL and loaded on every frontend page as an extra module, with the integration's version
in the query so a new release is never hidden by a cached old one. Its words are in
`frontend/i18n/<language>.json`, served beside it at I18N_URL: the card fetches the file of
the user's language, so a new language is a new file.
"""

from __future__ import annotations

import logging
from pathlib import Path

from homeassistant.core import HomeAssistant
from homeassistant.loader import async_get_integration

from .const import DOMAIN

_LOGGER = logging.getLogger(__name__)

CARD_FILE = Path(__file__).parent / "frontend" / "backwalk-card.js"
CARD_URL = f"/{DOMAIN}/backwalk-card.js"
I18N_DIR = CARD_FILE.parent / "i18n"
I18N_URL = f"/{DOMAIN}/i18n"


async def async_register_card(hass: HomeAssistant) -> None:
    """Serve the card and have the frontend load it, when those components run."""
    if "http" not in hass.config.components:
        _LOGGER.debug("http is not loaded: the dashboard card is not served")
        return
    try:  # 2026.8 and newer
        from homeassistant.components.http.server import StaticPathConfig
    except ImportError:  # 2026.6 and 2026.7: defined in http itself (see compat.py)
        from homeassistant.components.http import StaticPathConfig  # type: ignore[attr-defined]

    await hass.http.async_register_static_paths(
        [
            StaticPathConfig(CARD_URL, str(CARD_FILE), cache_headers=False),
            StaticPathConfig(I18N_URL, str(I18N_DIR), cache_headers=False),
        ]
    )
    if "frontend" not in hass.config.components:
        return
    from homeassistant.components.frontend import add_extra_js_url

    integration = await async_get_integration(hass, DOMAIN)
    add_extra_js_url(hass, f"{CARD_URL}?v={integration.version}")
