"""The forecast for a walk's hour, from a weather entity's weather.get_forecasts.

What the forecast means is model.weather's. A weather entity that is missing,
unavailable or failing never stops a reminder: it goes out as on a fair day.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import datetime, tzinfo
import logging
from typing import Any

from homeassistant.components.weather.const import (
    ATTR_WEATHER_TEMPERATURE_UNIT,
    ATTR_WEATHER_WIND_SPEED_UNIT,
    DOMAIN as WEATHER_DOMAIN,
    WeatherEntityFeature,
)
from homeassistant.const import (
    ATTR_SUPPORTED_FEATURES,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import HomeAssistant

from .compat import SERVICE_GET_FORECASTS
from .const import CONF_HEAT_THRESHOLD, CONF_WEATHER_ENTITY
from .model.weather import DEFAULT_HEAT_C, WeatherReport, report_for_walk

_LOGGER = logging.getLogger(__name__)

# Seconds to wait for a forecast: the reminder is due now, and a weather service that
# hangs must not hold it (blocking service calls have no time limit of their own).
FORECAST_TIMEOUT = 15


def heat_threshold_c(options: Mapping[str, Any]) -> float:
    """Return the heat threshold in °C, as the profile stores it (30 °C unset).

    Stored in one unit so that a home changing its unit system keeps its threshold;
    the options page shows it in the home's unit.
    """
    value = options.get(CONF_HEAT_THRESHOLD)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return DEFAULT_HEAT_C


class WalkWeather:
    """Looks up the forecast for one profile's walks."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Warn about a failing weather entity once, not before every walk."""
        self.hass = hass
        self._warned: set[str] = set()

    async def async_report(
        self, options: Mapping[str, Any], walk: datetime, tz: tzinfo
    ) -> WeatherReport | None:
        """Return the forecast for `walk`, or None when there is none to use."""
        entity_id = options.get(CONF_WEATHER_ENTITY)
        if not isinstance(entity_id, str) or not entity_id:
            return None
        state = self.hass.states.get(entity_id)
        if state is None or state.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
            _LOGGER.debug("No forecast for the walk: %s is unavailable", entity_id)
            return None
        features = state.attributes.get(ATTR_SUPPORTED_FEATURES)
        if not isinstance(features, int):
            return None  # a weather entity that says nothing sensible about itself
        # Hourly says most about the walk's own hour; a daily forecast still warns
        # of a day of ice or heat.
        hourly = bool(features & WeatherEntityFeature.FORECAST_HOURLY)
        if not hourly and not features & WeatherEntityFeature.FORECAST_DAILY:
            return None
        try:
            async with asyncio.timeout(FORECAST_TIMEOUT):
                response = await self.hass.services.async_call(
                    WEATHER_DOMAIN,
                    SERVICE_GET_FORECASTS,
                    {"type": "hourly" if hourly else "daily"},
                    target={"entity_id": entity_id},
                    blocking=True,
                    return_response=True,
                )
        except TimeoutError:
            self._note_failure(entity_id, f"no answer in {FORECAST_TIMEOUT} s")
            return None
        except Exception as err:  # noqa: BLE001
            # Another integration's fault (a bug, a service that went away) must
            # not stop this reminder, nor every later one with it.
            self._note_failure(entity_id, err)
            return None
        self._warned.discard(entity_id)
        result = (response or {}).get(entity_id)
        entries = result.get("forecast") if isinstance(result, dict) else None
        if not isinstance(entries, list):
            return None
        units = self.hass.config.units.temperature_unit
        return report_for_walk(
            [entry for entry in entries if isinstance(entry, Mapping)],
            walk,
            tz,
            hourly=hourly,
            temperature_unit=str(
                state.attributes.get(ATTR_WEATHER_TEMPERATURE_UNIT, units)
            ),
            wind_unit=state.attributes.get(ATTR_WEATHER_WIND_SPEED_UNIT),
            heat_above_c=heat_threshold_c(options),
        )

    def _note_failure(self, entity_id: str, err: Exception | str) -> None:
        if entity_id in self._warned:
            _LOGGER.debug("No forecast from %s: %s", entity_id, err)
            return
        self._warned.add(entity_id)
        _LOGGER.warning(
            "No forecast from %s for the walk reminders (sent without it): %s",
            entity_id,
            err,
        )
