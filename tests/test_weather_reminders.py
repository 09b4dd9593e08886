"""The stretch reminder reads the walk's forecast: indoors on ice, in storms, in heat."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
)
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from tests.household import (
    Heard,
    async_set_forecast,
    async_setup_templates,
    weather_config,
)

# Monday 2026-11-23, 07:30 in Berlin (06:30 UTC): the stretch reminder is due at 06:20.
STRETCH_DUE = "2026-11-23T06:20:00+00:00"
NEXT_WALK = "sensor.alex_next_scheduled_walk"


def hour(condition: str, temperature: float, **extra: Any) -> dict[str, Any]:
    """The forecast of the walk's hour."""
    return {
        "datetime": "2026-11-23T06:00:00+00:00",
        "condition": condition,
        "temperature": temperature,
        **extra,
    }


@pytest.fixture(autouse=True)
def sunday_evening(freezer: FrozenDateTimeFactory) -> None:
    """Sunday 2026-11-22, 20:00 in Berlin (19:00 UTC)."""
    freezer.move_to("2026-11-22T19:00:00+00:00")


@pytest.fixture
def profile_options(
    profile_options: dict[str, Any], request: pytest.FixtureRequest
) -> dict[str, Any]:
    """Walks Monday 07:30, a speaker and a phone, the home's weather entity."""
    return {
        **profile_options,
        "walk_days": [0, 2, 4],
        "walk_time": "07:30:00",
        "stretch_lead_minutes": 10,
        "media_players": ["media_player.kitchen"],
        "tts_entity": "tts.piper",
        "mobile_app_services": ["mobile_app_alex"],
        "notify_entities": [],
        "persistent_notification": False,
        "weather_entity": "weather.home",
        **getattr(request, "param", {}),
    }


@pytest.fixture
async def heard(hass: HomeAssistant) -> Heard:
    """A speaker and a phone; a template weather entity with an hourly forecast."""
    hass.states.async_set("media_player.kitchen", "idle")
    await async_setup_templates(hass, weather_config())
    return Heard(hass, ("mobile_app_alex",))


async def at(hass: HomeAssistant, freezer: FrozenDateTimeFactory, moment: str) -> None:
    """Move the clock to a UTC moment and let timers run."""
    freezer.move_to(moment)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


@pytest.mark.parametrize(
    "profile_options", [{"pain_duration": "over_3_months"}], indirect=True
)
async def test_icy_morning_suggests_walking_indoors(
    hass: HomeAssistant,
    heard: Heard,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Freezing rain at 07:00: a treadmill without the rails or a flat indoor route."""
    await async_set_forecast(hass, hour("snowy-rainy", -1.0))
    await at(hass, freezer, STRETCH_DUE)
    [event] = heard.events
    assert event.data["type"] == "stretch"
    assert {"G8", "G12"} <= set(event.data["guidance"])
    assert "It is icy this morning" in event.data["message"]
    assert "treadmill" in event.data["message"]
    assert "flat indoor route" in event.data["message"]
    assert "It is icy this morning. Walk indoors" in event.data["spoken"]
    assert event.data["weather_condition"] == "snowy-rainy"
    assert event.data["weather_hazard"] == "ice"
    [speak] = heard.spoken
    assert speak.data["message"] == event.data["spoken"]
    [push] = heard.pushed["mobile_app_alex"]
    assert "It is icy this morning" in push.data["message"]
    # The listed alternatives are the other choice (G7).
    assert "G7" in event.data["guidance"]
    sensor = hass.states.get(NEXT_WALK)
    assert sensor.state == "2026-11-23T06:30:00+00:00"
    assert sensor.attributes["weather_condition"] == "snowy-rainy"
    assert sensor.attributes["weather_hazard"] == "ice"


async def test_snowy_day_for_an_acute_back_names_flat_safe_ground(
    hass: HomeAssistant,
    heard: Heard,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The default profile is acute (under six weeks): flat, safe ground (G8)."""
    await async_set_forecast(hass, hour("snowy", -3.0))
    await at(hass, freezer, STRETCH_DUE)
    [event] = heard.events
    assert "It is snowy this morning" in event.data["message"]
    assert "flat, safe ground" in event.data["message"]
    assert "G8" in event.data["guidance"]


async def test_fair_weather_is_the_usual_reminder(
    hass: HomeAssistant,
    heard: Heard,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Sun at 8 °C: no weather advice, the condition still noted."""
    await async_set_forecast(hass, hour("sunny", 8.0))
    await at(hass, freezer, STRETCH_DUE)
    [event] = heard.events
    assert "indoors" not in event.data["message"]
    assert event.data["weather_condition"] == "sunny"
    assert event.data["weather_hazard"] is None


@pytest.mark.parametrize(
    ("threshold", "temperature", "hot"),
    # Stored in °C whatever the home shows: 35 °C is the 95 °F a US home enters.
    [(None, 90.0, True), (None, 85.0, False), (35, 93.0, False), (35, 97.0, True)],
)
async def test_heat_in_fahrenheit_for_an_imperial_home(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    config_entry: MockConfigEntry,
    threshold: int | None,
    temperature: float,
    hot: bool,
) -> None:
    """US customary units: forecasts in °F against the threshold, 86 °F unless set."""
    hass.config.units = US_CUSTOMARY_SYSTEM
    await hass.config.async_set_time_zone("Europe/Berlin")
    hass.states.async_set("media_player.kitchen", "idle")
    await async_setup_templates(hass, weather_config(temperature_unit="°F"))
    heard = Heard(hass, ("mobile_app_alex",))
    config_entry.add_to_hass(hass)
    if threshold is not None:
        hass.config_entries.async_update_entry(
            config_entry, options={**config_entry.options, "heat_threshold": threshold}
        )
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    await async_set_forecast(hass, hour("sunny", temperature))
    await at(hass, freezer, STRETCH_DUE)
    [event] = heard.events
    assert ("It will be very hot this morning" in event.data["message"]) is hot
    assert event.data["weather_hazard"] == ("heat" if hot else None)


async def test_a_daily_forecast_when_there_is_no_hourly_one(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_entry: MockConfigEntry,
) -> None:
    """A weather entity with only a daily forecast: the walk's day counts."""
    await async_setup_templates(hass, weather_config(hourly=False))
    heard = Heard(hass, ("mobile_app_alex",))
    await async_set_forecast(
        hass,
        {
            "datetime": "2026-11-22T23:00:00+00:00",  # Monday in Berlin
            "condition": "lightning-rainy",
            "temperature": 12.0,
            "templow": 6.0,
        },
    )
    await at(hass, freezer, STRETCH_DUE)
    [event] = heard.events
    assert "A storm is forecast this morning" in event.data["message"]
    assert event.data["weather_condition"] == "lightning-rainy"


async def test_weather_unavailable_sends_the_usual_reminder(
    hass: HomeAssistant,
    heard: Heard,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The weather service is down: the reminder goes out as usual, nothing logged."""
    hass.states.async_set("sensor.forecast_feed", "unavailable", {"forecast": []})
    await hass.async_block_till_done()
    assert hass.states.get("weather.home").state == "unavailable"
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        await at(hass, freezer, STRETCH_DUE)
    [event] = heard.events
    assert event.data["type"] == "stretch"
    assert "Stretch gently first" in event.data["message"]
    assert event.data["weather_condition"] is None
    assert len(heard.spoken) == 1
    assert not [
        record
        for record in caplog.records
        if record.levelno >= logging.WARNING and "backwalk" in record.name
    ]
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    "profile_options", [{"weather_entity": "weather.gone"}], indirect=True
)
async def test_a_removed_weather_entity_sends_the_usual_reminder(
    hass: HomeAssistant,
    heard: Heard,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """No such weather entity: the usual reminder, and no error."""
    await at(hass, freezer, STRETCH_DUE)
    [event] = heard.events
    assert "Stretch gently first" in event.data["message"]
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    "profile_options", [{"weather_entity": "weather.station"}], indirect=True
)
async def test_a_failing_forecast_is_warned_about_once(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A weather entity left over from an integration that failed to load.

    Its forecast call fails before each walk: both reminders go out as usual, and the
    log says so once, not before every walk.
    """
    hass.states.async_set("media_player.kitchen", "idle")
    hass.states.async_set("weather.station", "sunny", {"supported_features": 3})
    heard = Heard(hass, ("mobile_app_alex",))
    await at(hass, freezer, STRETCH_DUE)
    await at(hass, freezer, "2026-11-25T06:20:00+00:00")  # Wednesday's walk
    assert [event.data["type"] for event in heard.events] == ["stretch", "stretch"]
    assert all(event.data["weather_condition"] is None for event in heard.events)
    warnings = [
        record
        for record in caplog.records
        if record.levelno >= logging.WARNING and "backwalk" in record.name
    ]
    assert len(warnings) == 1
    assert "weather.station" in warnings[0].getMessage()
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


def _register_forecasts(
    hass: HomeAssistant, answer: Callable[[], Awaitable[ServiceResponse]]
) -> None:
    """A weather integration of its own kind: its get_forecasts answers `answer`."""

    async def get_forecasts(_call: ServiceCall) -> ServiceResponse:
        return await answer()

    hass.services.async_register(
        "weather",
        "get_forecasts",
        get_forecasts,
        supports_response=SupportsResponse.ONLY,
    )


@pytest.mark.parametrize(
    ("features", "fault"),
    [
        (3, ValueError("a bug in the weather integration")),
        (None, None),  # says nothing of what it supports
        ("hourly", None),
        (0, None),  # no forecast at all
        (3, "no forecast list"),
    ],
)
@pytest.mark.parametrize(
    "profile_options", [{"weather_entity": "weather.station"}], indirect=True
)
async def test_a_broken_weather_integration_never_stops_the_reminders(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_entry: MockConfigEntry,
    features: object,
    fault: Exception | str | None,
) -> None:
    """Its forecast call raises what no service should, or its state is nonsense.

    Each walk's reminder goes out as usual, this one and the next.
    """

    async def answer() -> ServiceResponse:
        if isinstance(fault, Exception):
            raise fault
        if fault is not None:
            return {"weather.station": {"forecast": fault}}
        return {"weather.station": {"forecast": [hour("snowy", -3.0)]}}

    hass.states.async_set("media_player.kitchen", "idle")
    hass.states.async_set("weather.station", "sunny", {"supported_features": features})
    _register_forecasts(hass, answer)
    heard = Heard(hass, ("mobile_app_alex",))
    await at(hass, freezer, STRETCH_DUE)
    await at(hass, freezer, "2026-11-25T06:20:00+00:00")  # Wednesday's walk
    assert [event.data["type"] for event in heard.events] == ["stretch", "stretch"]
    assert all(event.data["weather_condition"] is None for event in heard.events)
    assert len(heard.spoken) == 2


@pytest.mark.parametrize(
    "profile_options", [{"weather_entity": "weather.station"}], indirect=True
)
async def test_a_forecast_that_never_comes_does_not_hold_the_reminder(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_entry: MockConfigEntry,
) -> None:
    """A weather service that hangs: the reminder goes out once the wait is over."""
    never = asyncio.Event()

    async def answer() -> ServiceResponse:
        await never.wait()
        return {}

    hass.states.async_set("media_player.kitchen", "idle")
    hass.states.async_set("weather.station", "sunny", {"supported_features": 3})
    _register_forecasts(hass, answer)
    heard = Heard(hass, ("mobile_app_alex",))
    freezer.move_to(STRETCH_DUE)
    async_fire_time_changed(hass)
    for _ in range(20):
        await asyncio.sleep(0)
    assert heard.events == []  # waiting for the forecast
    # The wait's own timer, 16 s on (the clock itself stays: the wait is what ends).
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=16))
    await hass.async_block_till_done()
    [event] = heard.events
    assert event.data["type"] == "stretch"
    assert event.data["weather_condition"] is None


async def test_a_phone_service_that_breaks_skips_only_itself(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_entry: MockConfigEntry,
) -> None:
    """The phone's notify service raises what no service should (a bug in it).

    The speaker still says the reminder, the event still tells where it went, and
    the next walk's reminder comes as well.
    """

    async def broken_phone(_call: ServiceCall) -> None:
        raise KeyError("registration")

    hass.states.async_set("media_player.kitchen", "idle")
    heard = Heard(hass, ())
    hass.services.async_register("notify", "mobile_app_alex", broken_phone)
    await at(hass, freezer, STRETCH_DUE)
    await at(hass, freezer, "2026-11-25T06:20:00+00:00")  # Wednesday's walk
    assert [event.data["type"] for event in heard.events] == ["stretch", "stretch"]
    assert heard.events[0].data["delivered_to"] == ["media_player.kitchen"]
    assert len(heard.spoken) == 2


@pytest.mark.parametrize(
    ("threshold", "temperature", "hot"),
    [(30, 50.0, False), (30, 85.0, False), (30, 87.0, True), (45, 112.0, False)],
)
async def test_a_threshold_saved_in_celsius_holds_after_a_switch_to_fahrenheit(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    config_entry: MockConfigEntry,
    threshold: int,
    temperature: float,
    hot: bool,
) -> None:
    """30 °C chosen on a metric home, then the home switches to US customary units.

    The threshold still means 30 °C (86 °F): a mild 50 °F morning is not "very hot".
    """
    hass.config.units = US_CUSTOMARY_SYSTEM
    await hass.config.async_set_time_zone("Europe/Berlin")
    hass.states.async_set("media_player.kitchen", "idle")
    await async_setup_templates(hass, weather_config(temperature_unit="°F"))
    heard = Heard(hass, ("mobile_app_alex",))
    config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        config_entry, options={**config_entry.options, "heat_threshold": threshold}
    )
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    await async_set_forecast(hass, hour("sunny", temperature))
    await at(hass, freezer, STRETCH_DUE)
    [event] = heard.events
    assert event.data["weather_hazard"] == ("heat" if hot else None)
