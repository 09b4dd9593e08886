"""Reading a forecast for a walk, and what the stretch reminder says about it."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from custom_components.backwalk.model import (
    GUIDANCE,
    TEMPLATES,
    Condition,
    Messages,
    NudgeContext,
    NudgeType,
    PainStatus,
    Schedule,
    due_nudges,
)
from custom_components.backwalk.model.weather import (
    CELSIUS,
    FAHRENHEIT,
    Forecast,
    Hazard,
    WeatherReport,
    default_heat_threshold,
    entry_for_walk,
    from_celsius,
    hazard_of,
    part_of_day,
    read_forecast,
    report_for_walk,
    to_celsius,
)
from tests.model.languages import CATALOG, ENGLISH

BERLIN = ZoneInfo("Europe/Berlin")
# Monday 2025-12-01 07:30 Berlin is 06:30 UTC; the stretch reminder is due at 06:20.
WALK = datetime(2025, 12, 1, 6, 30, tzinfo=UTC)
SCHEDULE = Schedule(frozenset(range(7)), time(7, 30))
HEAT_C = 30.0


def hourly(condition: str, temperature: float, **extra: Any) -> list[dict[str, Any]]:
    """Three hours of forecast around the walk, the walk's hour as given."""
    return [
        {
            "datetime": "2025-12-01T05:00:00+00:00",
            "condition": "cloudy",
            "temperature": 5,
        },
        {
            "datetime": "2025-12-01T06:00:00+00:00",
            "condition": condition,
            "temperature": temperature,
            **extra,
        },
        {
            "datetime": "2025-12-01T07:00:00+00:00",
            "condition": "sunny",
            "temperature": 9,
        },
    ]


@pytest.mark.parametrize(
    ("forecast", "expected"),
    [
        (Forecast("sunny", 18.0), None),
        (Forecast("rainy", 12.0), None),  # ordinary rain: walk in a coat
        (Forecast("pouring", 12.0), Hazard.HEAVY_RAIN),
        (Forecast("snowy", -2.0), Hazard.SNOW),
        (Forecast("snowy-rainy", 1.0), Hazard.ICE),
        (Forecast("hail", 8.0), Hazard.ICE),
        (Forecast("clear-night", 0.0), Hazard.ICE),  # freezing: paths may be icy
        (Forecast("cloudy", 0.5), None),
        (Forecast("lightning", 20.0), Hazard.STORM),
        (Forecast("lightning-rainy", 20.0), Hazard.STORM),
        (Forecast("exceptional", 15.0), Hazard.SEVERE),
        (Forecast("windy", 10.0, wind_kmh=55.0), Hazard.STORM),
        (Forecast("windy-variant", 10.0, wind_kmh=20.0, gust_kmh=80.0), Hazard.STORM),
        (Forecast("windy", 10.0, wind_kmh=30.0), None),  # a breeze
        (Forecast("windy", 10.0), None),  # no speed: not called a storm
        (Forecast("sunny", 30.0), None),  # at the threshold, not above it
        (Forecast("sunny", 31.0), Hazard.HEAT),
        (Forecast(None, None), None),
        # Two at once: ice underfoot is named first.
        (Forecast("lightning-rainy", -1.0), Hazard.ICE),
    ],
)
def test_hazard_of(forecast: Forecast, expected: Hazard | None) -> None:
    assert hazard_of(forecast, HEAT_C, daily=False) is expected


def test_daily_judges_freezing_on_the_low_and_heat_on_the_high() -> None:
    assert (
        hazard_of(Forecast("sunny", 8.0, low_c=-3.0), HEAT_C, daily=True) is Hazard.ICE
    )
    assert hazard_of(Forecast("sunny", 8.0, low_c=-3.0), HEAT_C, daily=False) is None
    assert (
        hazard_of(Forecast("sunny", 33.0, low_c=20.0), HEAT_C, daily=True)
        is Hazard.HEAT
    )


def test_units() -> None:
    assert to_celsius(86.0, FAHRENHEIT) == pytest.approx(30.0)
    assert to_celsius(273.15, "K") == pytest.approx(0.0)
    assert to_celsius(12.0, CELSIUS) == 12.0
    assert default_heat_threshold(CELSIUS) == 30.0
    assert default_heat_threshold(FAHRENHEIT) == 86.0
    assert from_celsius(30.0, FAHRENHEIT) == pytest.approx(86.0)
    assert from_celsius(0.0, "K") == pytest.approx(273.15)
    assert from_celsius(12.0, CELSIUS) == 12.0
    for unit in (CELSIUS, FAHRENHEIT, "K"):
        assert to_celsius(from_celsius(35.0, unit), unit) == pytest.approx(35.0)
    forecast = read_forecast(
        {"condition": "windy", "temperature": 90, "templow": 70, "wind_speed": 35},
        FAHRENHEIT,
        "mph",
    )
    assert forecast.temperature_c == pytest.approx(32.22, abs=0.01)
    assert forecast.low_c == pytest.approx(21.11, abs=0.01)
    assert forecast.wind_kmh == pytest.approx(56.33, abs=0.01)
    assert hazard_of(forecast, to_celsius(86.0, FAHRENHEIT), daily=True) is Hazard.STORM
    # Nonsense in a field is no number, never an error.
    odd = read_forecast(
        {"condition": 3, "temperature": "hot", "wind_speed": True}, CELSIUS, "Beaufort"
    )
    assert odd == Forecast(None)


def test_hourly_entry_covers_its_hour() -> None:
    entries = hourly("snowy", -1)
    assert entry_for_walk(entries, WALK, BERLIN, hourly=True) is entries[1]
    # Three-hourly sources: the last entry before the walk still covers it.
    assert entry_for_walk(entries[:1], WALK, BERLIN, hourly=True) is entries[0]
    assert entry_for_walk(entries[2:], WALK, BERLIN, hourly=True) is None
    assert entry_for_walk([{"condition": "sunny"}], WALK, BERLIN, hourly=True) is None
    assert entry_for_walk([{"datetime": "soon"}], WALK, BERLIN, hourly=True) is None


def test_daily_entry_is_the_walks_local_day() -> None:
    entries = [
        {"datetime": "2025-11-30T23:00:00+00:00", "condition": "snowy"},  # Dec 1 Berlin
        {"datetime": "2025-12-01T23:00:00+00:00", "condition": "sunny"},
    ]
    assert entry_for_walk(entries, WALK, BERLIN, hourly=False) is entries[0]
    assert entry_for_walk(entries[1:], WALK, BERLIN, hourly=False) is None


def test_report_for_walk() -> None:
    report = report_for_walk(
        hourly("snowy", -1),
        WALK,
        BERLIN,
        hourly=True,
        temperature_unit=CELSIUS,
        wind_unit="km/h",
        heat_above_c=HEAT_C,
    )
    assert report == WeatherReport("snowy", Hazard.SNOW)
    assert (
        report_for_walk(
            [],
            WALK,
            BERLIN,
            hourly=True,
            temperature_unit=CELSIUS,
            wind_unit=None,
            heat_above_c=HEAT_C,
        )
        is None
    )


@pytest.mark.parametrize(
    ("hour", "expected"),
    [
        (7, "morning"),
        (13, "afternoon"),
        (18, "evening"),
        (22, "night"),
    ],
)
def test_part_of_day(hour: int, expected: str) -> None:
    moment = datetime(2025, 12, 1, hour, tzinfo=BERLIN)
    assert part_of_day(moment, BERLIN) == expected


# --- the stretch reminder --------------------------------------------------------


def stretch(
    report: WeatherReport | None,
    condition: Condition = Condition.ACUTE,
    alternatives: tuple[str, ...] = (),
    status: PainStatus = PainStatus.NONE,
    messages: Messages = ENGLISH,
) -> Any:
    context = NudgeContext(
        name="Ana",
        condition=condition,
        today_pain_status=status,
        target_minutes=20,
        preferred_alternatives=alternatives,
        weather={} if report is None else {WALK: report},
        messages=messages,
    )
    due = WALK - timedelta(minutes=10)
    (nudge,) = due_nudges(
        SCHEDULE, BERLIN, context, due, due - timedelta(minutes=1), ()
    )
    return nudge


def test_weather_advice_is_in_the_profile_s_language() -> None:
    german = CATALOG.messages("de")
    nudge = stretch(
        WeatherReport("snowy-rainy", Hazard.ICE), Condition.ACUTE, messages=german
    )
    assert "Es ist heute Morgen glatt, also geh heute lieber drinnen" in nudge.message
    assert nudge.spoken.endswith(
        "Es ist heute Morgen glatt. Geh heute drinnen,"
        " auf dem Laufband ohne Griffe oder auf einer ebenen Strecke."
    )
    assert "bleib auf ebenen, sicheren und geräumten Wegen" in nudge.message


def test_icy_morning_suggests_indoors_and_says_why() -> None:
    nudge = stretch(WeatherReport("snowy-rainy", Hazard.ICE), Condition.CHRONIC)
    assert nudge.type is NudgeType.STRETCH
    assert "It is icy this morning" in nudge.message
    assert "treadmill" in nudge.message
    assert "handrails" in nudge.message
    assert "flat indoor route" in nudge.message
    assert {"G8", "G12"} <= set(nudge.guidance)
    assert "G7" not in nudge.guidance  # no alternatives listed
    # Spoken: the stretch sentence and the weather, which changes where to walk.
    assert nudge.spoken.startswith(
        TEMPLATES["stretch"]
        .spoken(ENGLISH)
        .format(name="Ana", time="7:30 AM", minutes=20)
    )
    assert "It is icy this morning. Walk indoors" in nudge.spoken
    assert nudge.weather_condition == "snowy-rainy"
    assert nudge.weather_hazard == "ice"
    assert all(guidance in GUIDANCE for guidance in nudge.guidance)
    # The day's tip gives way to the weather.
    assert not any(
        TEMPLATES[key].text(ENGLISH) in nudge.message
        for key in TEMPLATES
        if key.startswith("tip_")
    )


def test_listed_alternatives_are_offered_too() -> None:
    nudge = stretch(
        WeatherReport("sunny", Hazard.HEAT),
        Condition.CHRONIC,
        alternatives=("swimming",),
    )
    assert "It will be very hot this morning" in nudge.message
    assert "another low-impact activity: swimming." in nudge.message
    assert {"G7", "G8", "G12"} <= set(nudge.guidance)


@pytest.mark.parametrize("hazard", [Hazard.ICE, Hazard.SNOW])
def test_icy_or_snowy_day_for_an_acute_back_names_flat_safe_ground(
    hazard: Hazard,
) -> None:
    nudge = stretch(WeatherReport("snowy", hazard), Condition.ACUTE, ("yoga",))
    assert TEMPLATES["weather_flat_ground"].text(ENGLISH) in nudge.message
    assert "flat, safe ground" in nudge.message
    assert "G8" in nudge.guidance
    chronic = stretch(WeatherReport("snowy", hazard), Condition.CHRONIC, ("yoga",))
    assert TEMPLATES["weather_flat_ground"].text(ENGLISH) not in chronic.message


def test_fair_weather_is_todays_reminder_with_the_condition_noted() -> None:
    plain = stretch(None)
    fair = stretch(WeatherReport("sunny", None))
    assert fair.message == plain.message
    assert fair.spoken == plain.spoken
    assert fair.weather_condition == "sunny"
    assert fair.weather_hazard is None
    assert plain.weather_condition is None


def test_a_pain_day_keeps_its_alternative() -> None:
    nudge = stretch(WeatherReport("snowy", Hazard.SNOW), status=PainStatus.PAIN_DAY)
    assert nudge.type is NudgeType.ALTERNATIVE
    assert "icy" not in nudge.message
