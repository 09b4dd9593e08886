"""What the weather at a walk's hour means for the walk: a hazard, or none.

The Home Assistant side fetches the forecast (weather.get_forecasts); picking the
entry for the walk, reading it and deciding what to suggest live here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum

from .common import utc as _utc

CELSIUS = "°C"
FAHRENHEIT = "°F"
KELVIN = "K"
# The default heat threshold in each unit system: 30 °C is 86 °F.
DEFAULT_HEAT_C = 30.0
DEFAULT_HEAT_F = 86.0
# At or below freezing a path may be icy.
FREEZING_C = 0.0
# Beaufort 7 (near gale, walking against it is hard) sustained, or gusts of a gale.
HIGH_WIND_KMH = 50.0
HIGH_GUST_KMH = 75.0
# An hourly entry stands for the hours up to the next; some sources give one every
# three hours.
_HOURLY_REACH = timedelta(hours=3)

# Wind speed units Home Assistant uses, in km/h (Beaufort is no speed: unknown).
_KMH: Mapping[str, float] = {
    "km/h": 1.0,
    "m/s": 3.6,
    "mph": 1.609344,
    "kn": 1.852,
    "ft/s": 1.09728,
}


class Hazard(StrEnum):
    """Weather that makes an outdoor walk a poor idea for a painful back."""

    ICE = "ice"
    SNOW = "snow"
    STORM = "storm"
    SEVERE = "severe"
    HEAVY_RAIN = "heavy_rain"
    HEAT = "heat"


# Home Assistant's forecast conditions that are a hazard whatever the numbers say.
_CONDITIONS: Mapping[str, Hazard] = {
    "snowy": Hazard.SNOW,
    "snowy-rainy": Hazard.ICE,
    "hail": Hazard.ICE,
    "lightning": Hazard.STORM,
    "lightning-rainy": Hazard.STORM,
    "pouring": Hazard.HEAVY_RAIN,
    "exceptional": Hazard.SEVERE,
}
_WINDY = frozenset({"windy", "windy-variant"})
# Ice and snow first: underfoot they are the risk to a painful back (G8).
_ORDER = (
    Hazard.ICE,
    Hazard.SNOW,
    Hazard.STORM,
    Hazard.SEVERE,
    Hazard.HEAVY_RAIN,
    Hazard.HEAT,
)
SLIPPERY = frozenset({Hazard.ICE, Hazard.SNOW})


@dataclass(frozen=True, slots=True)
class Forecast:
    """One forecast entry, in Celsius and km/h; None where the source gave nothing."""

    condition: str | None
    temperature_c: float | None = None
    low_c: float | None = None
    wind_kmh: float | None = None
    gust_kmh: float | None = None


@dataclass(frozen=True, slots=True)
class WeatherReport:
    """What the forecast for one walk said, and the hazard read from it (or none)."""

    condition: str | None
    hazard: Hazard | None


def to_celsius(value: float, unit: str) -> float:
    """Return a temperature in °C from °C, °F or K."""
    if unit == FAHRENHEIT:
        return (value - 32.0) * 5.0 / 9.0
    if unit == KELVIN:
        return value - 273.15
    return value


def from_celsius(value: float, unit: str) -> float:
    """Return a temperature in °C as °F or K where the unit says so."""
    if unit == FAHRENHEIT:
        return value * 9.0 / 5.0 + 32.0
    if unit == KELVIN:
        return value + 273.15
    return value


def default_heat_threshold(unit: str) -> float:
    """Return the default heat threshold in the unit system's temperature unit."""
    return DEFAULT_HEAT_F if unit == FAHRENHEIT else DEFAULT_HEAT_C


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _kmh(value: object, unit: str | None) -> float | None:
    number = _number(value)
    factor = _KMH.get(unit or "km/h")
    if number is None or not factor:
        return None
    return number * factor


def read_forecast(
    entry: Mapping[str, object], temperature_unit: str, wind_unit: str | None
) -> Forecast:
    """Read one entry of weather.get_forecasts' response, whatever its units."""
    condition = entry.get("condition")
    temperature = _number(entry.get("temperature"))
    low = _number(entry.get("templow"))
    return Forecast(
        condition=condition if isinstance(condition, str) else None,
        temperature_c=(
            None if temperature is None else to_celsius(temperature, temperature_unit)
        ),
        low_c=None if low is None else to_celsius(low, temperature_unit),
        wind_kmh=_kmh(entry.get("wind_speed"), wind_unit),
        gust_kmh=_kmh(entry.get("wind_gust_speed"), wind_unit),
    )


def _moment(entry: Mapping[str, object]) -> datetime | None:
    value = entry.get("datetime")
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    return _utc(moment) if moment.tzinfo else None


def entry_for_walk(
    entries: Iterable[Mapping[str, object]],
    walk: datetime,
    tz: tzinfo,
    *,
    hourly: bool,
) -> Mapping[str, object] | None:
    """Return the forecast entry that covers `walk`, or None.

    Hourly: the last entry at or before the walk, if it is recent enough to cover
    it. Daily: the entry of the walk's local day.
    """
    walk = _utc(walk)
    dated = [
        (moment, entry) for entry in entries if (moment := _moment(entry)) is not None
    ]
    if hourly:
        before = [item for item in dated if item[0] <= walk < item[0] + _HOURLY_REACH]
        return max(before, key=lambda item: item[0])[1] if before else None
    day = walk.astimezone(tz).date()
    return next(
        (entry for moment, entry in dated if moment.astimezone(tz).date() == day),
        None,
    )


def hazards_of(forecast: Forecast, heat_above_c: float, *, daily: bool) -> set[Hazard]:
    """Return every hazard a forecast entry holds.

    A daily entry gives the day's high as its temperature and its low apart: a walk
    may meet either, so freezing is judged on the low and heat on the high.
    """
    found: set[Hazard] = set()
    condition = forecast.condition
    if condition is not None and condition in _CONDITIONS:
        found.add(_CONDITIONS[condition])
    coldest = forecast.low_c if daily and forecast.low_c is not None else None
    if coldest is None:
        coldest = forecast.temperature_c
    if coldest is not None and coldest <= FREEZING_C and Hazard.SNOW not in found:
        found.add(Hazard.ICE)
    if condition in _WINDY and (
        (forecast.wind_kmh is not None and forecast.wind_kmh >= HIGH_WIND_KMH)
        or (forecast.gust_kmh is not None and forecast.gust_kmh >= HIGH_GUST_KMH)
    ):
        found.add(Hazard.STORM)
    if forecast.temperature_c is not None and forecast.temperature_c > heat_above_c:
        found.add(Hazard.HEAT)
    return found


def hazard_of(forecast: Forecast, heat_above_c: float, *, daily: bool) -> Hazard | None:
    """Return the hazard that matters most, or None for weather fit to walk in."""
    found = hazards_of(forecast, heat_above_c, daily=daily)
    return next((hazard for hazard in _ORDER if hazard in found), None)


def report_for_walk(
    entries: Iterable[Mapping[str, object]],
    walk: datetime,
    tz: tzinfo,
    *,
    hourly: bool,
    temperature_unit: str,
    wind_unit: str | None,
    heat_above_c: float,
) -> WeatherReport | None:
    """Return what the forecast says about `walk`, or None when it does not cover it."""
    entry = entry_for_walk(entries, walk, tz, hourly=hourly)
    if entry is None:
        return None
    forecast = read_forecast(entry, temperature_unit, wind_unit)
    return WeatherReport(
        condition=forecast.condition,
        hazard=hazard_of(forecast, heat_above_c, daily=not hourly),
    )


def part_of_day(walk: datetime, tz: tzinfo) -> str:
    """Name the walk's part of the day: morning, afternoon, evening or night.

    The words for it ("this morning", "heute Morgen") are under part_of_day.<part>
    in each language file.
    """
    hour = walk.astimezone(tz).hour
    if 5 <= hour < 12:
        return "morning"
    if 12 <= hour < 17:
        return "afternoon"
    if 17 <= hour < 21:
        return "evening"
    return "night"
