"""Sensors: thin views of the profile's snapshot."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import PERCENTAGE, EntityCategory, UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .coordinator import ProfileState, next_scheduled_walk
from .entity import BackwalkEntity, weekly_goal_attributes
from .model import Condition, PainStatus, day_start
from .runtime import BackwalkConfigEntry

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class BackwalkSensorEntityDescription(SensorEntityDescription):
    """How one sensor reads the profile's state."""

    value_fn: Callable[[ProfileState], StateType | datetime]
    last_reset_fn: Callable[[ProfileState], datetime] | None = None
    attributes_fn: Callable[[ProfileState], dict[str, Any]] | None = None


def _week_start(state: ProfileState) -> datetime:
    return day_start(state.snapshot.week_start, state.timezone)


def _day_start(state: ProfileState) -> datetime:
    return day_start(state.snapshot.day, state.timezone)


def _last_walk_end(state: ProfileState) -> datetime | None:
    walk = state.snapshot.last_walk
    return walk.end if walk else None


def _next_walk_attributes(state: ProfileState) -> dict[str, Any]:
    """Show the forecast its stretch reminder was decided with, once it was."""
    if state.walk_weather is None:
        return {}
    walk, report = state.walk_weather
    if walk != next_scheduled_walk(state):
        return {}
    return {
        "weather_condition": report.condition,
        "weather_hazard": report.hazard.value if report.hazard else None,
    }


def _last_walk_attributes(state: ProfileState) -> dict[str, Any]:
    walk = state.snapshot.last_walk
    if walk is None:
        return {}
    return {
        "started": walk.start.isoformat(),
        "minutes": walk.minutes,
        "distance_km": walk.distance_km,
        "source": walk.source.value,
    }


def _pain_status_attributes(state: ProfileState) -> dict[str, Any]:
    """Return the pain thresholds and the pain-day alternatives (G7)."""
    return {
        "pain_day_threshold": state.settings.pain_day_threshold,
        "red_flag_level": state.settings.red_flag_level,
        # Today's latest report is at the red-flag level (G15): no exercise today.
        "red_flag_today": state.snapshot.red_flag_today,
        # None chosen (or none that G7 names) means all of them, as in the reminders.
        "preferred_alternatives": list(state.preferred_alternatives),
    }


SENSORS: tuple[BackwalkSensorEntityDescription, ...] = (
    BackwalkSensorEntityDescription(
        key="minutes_this_week",
        translation_key="minutes_this_week",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MINUTES,
        state_class=SensorStateClass.TOTAL,
        suggested_display_precision=0,
        value_fn=lambda state: round(state.snapshot.minutes_this_week, 1),
        last_reset_fn=_week_start,
    ),
    BackwalkSensorEntityDescription(
        key="minutes_today",
        translation_key="minutes_today",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MINUTES,
        state_class=SensorStateClass.TOTAL,
        suggested_display_precision=0,
        value_fn=lambda state: round(state.snapshot.minutes_today, 1),
        last_reset_fn=_day_start,
    ),
    BackwalkSensorEntityDescription(
        key="walks_this_week",
        translation_key="walks_this_week",
        state_class=SensorStateClass.TOTAL,
        value_fn=lambda state: state.snapshot.walks_this_week,
        last_reset_fn=_week_start,
    ),
    BackwalkSensorEntityDescription(
        key="goal_progress",
        translation_key="goal_progress",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda state: state.snapshot.goal_progress,
        attributes_fn=weekly_goal_attributes,
    ),
    BackwalkSensorEntityDescription(
        key="current_streak",
        translation_key="current_streak",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda state: state.snapshot.current_streak,
    ),
    BackwalkSensorEntityDescription(
        key="longest_streak",
        translation_key="longest_streak",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda state: state.snapshot.longest_streak,
    ),
    BackwalkSensorEntityDescription(
        key="weekly_streak",
        translation_key="weekly_streak",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda state: state.snapshot.weekly_streak,
    ),
    BackwalkSensorEntityDescription(
        key="last_walk",
        translation_key="last_walk",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=_last_walk_end,
        attributes_fn=_last_walk_attributes,
    ),
    BackwalkSensorEntityDescription(
        key="pain_today",
        translation_key="pain_today",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda state: state.snapshot.pain_today,
    ),
    BackwalkSensorEntityDescription(
        key="target_minutes_today",
        translation_key="target_minutes_today",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MINUTES,
        value_fn=lambda state: state.snapshot.target_minutes_today,
    ),
    BackwalkSensorEntityDescription(
        key="next_walk",
        translation_key="next_walk",
        device_class=SensorDeviceClass.TIMESTAMP,
        # As the calendar: today's walk is off on a red-flag day (G15).
        value_fn=next_scheduled_walk,
        attributes_fn=_next_walk_attributes,
    ),
    BackwalkSensorEntityDescription(
        key="pain_status",
        translation_key="pain_status",
        device_class=SensorDeviceClass.ENUM,
        options=[status.value for status in PainStatus],
        # Unknown until the first report of the day: not reported is not "no pain".
        value_fn=lambda state: (
            status.value if (status := state.snapshot.pain_status) is not None else None
        ),
        attributes_fn=_pain_status_attributes,
    ),
    BackwalkSensorEntityDescription(
        key="condition",
        translation_key="condition",
        device_class=SensorDeviceClass.ENUM,
        entity_category=EntityCategory.DIAGNOSTIC,
        options=[condition.value for condition in Condition],
        value_fn=lambda state: state.condition.value,
    ),
)


STEP_SENSORS: tuple[BackwalkSensorEntityDescription, ...] = (
    BackwalkSensorEntityDescription(
        key="steps_today",
        translation_key="steps_today",
        state_class=SensorStateClass.TOTAL,
        value_fn=lambda state: state.steps_today,
        last_reset_fn=_day_start,
    ),
    BackwalkSensorEntityDescription(
        key="steps_this_week",
        translation_key="steps_this_week",
        state_class=SensorStateClass.TOTAL,
        value_fn=lambda state: state.steps_this_week,
        last_reset_fn=_week_start,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BackwalkConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the profile's sensors (step sensors only with a step counter)."""
    runtime = entry.runtime_data
    descriptions = SENSORS + (STEP_SENSORS if runtime.steps is not None else ())
    async_add_entities(
        BackwalkSensor(runtime, description) for description in descriptions
    )


class BackwalkSensor(BackwalkEntity, SensorEntity):
    """A number or state read from the profile's snapshot."""

    entity_description: BackwalkSensorEntityDescription

    @property
    def native_value(self) -> StateType | datetime:
        """The value from the snapshot."""
        return self.entity_description.value_fn(self.coordinator.data)

    @property
    def last_reset(self) -> datetime | None:
        """Start of the day or week this total counts from."""
        if self.entity_description.last_reset_fn is None:
            return None
        return self.entity_description.last_reset_fn(self.coordinator.data)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Details that do not fit the state."""
        if self.entity_description.attributes_fn is None:
            return None
        return self.entity_description.attributes_fn(self.coordinator.data)
