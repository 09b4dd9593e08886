"""Profile: pain duration, condition and settings validation."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.backwalk.model import (
    Condition,
    ModelError,
    PainDuration,
    Settings,
    condition_for,
)


@pytest.mark.parametrize(
    ("duration", "condition"),
    [
        (PainDuration.UNDER_6_WEEKS, Condition.ACUTE),
        (PainDuration.SIX_WEEKS_TO_3_MONTHS, Condition.ACUTE),
        (PainDuration.OVER_3_MONTHS, Condition.CHRONIC),
    ],
)
def test_condition_for(duration: PainDuration, condition: Condition) -> None:
    assert condition_for(duration) is condition


def test_enum_values_are_stable() -> None:
    # Stored in config entries: the values must never change.
    assert [d.value for d in PainDuration] == [
        "under_6_weeks",
        "6_weeks_to_3_months",
        "over_3_months",
    ]
    assert condition_for(PainDuration("over_3_months")) == "chronic"


def test_defaults_follow_g10() -> None:
    settings = Settings()
    assert (
        settings.walks_per_week,
        settings.starting_minutes,
        settings.target_minutes,
    ) == (
        3,
        5,
        30,
    )
    assert (settings.daily_minimum_minutes, settings.pain_day_threshold) == (5, 5)
    assert (settings.red_flag_level, settings.first_weekday, settings.step_minutes) == (
        8,
        0,
        5,
    )


def test_settings_are_hashable_and_frozen() -> None:
    assert hash(Settings()) == hash(Settings())
    with pytest.raises(AttributeError):
        Settings().walks_per_week = 4  # type: ignore[misc]


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"walks_per_week": 0}, "walks_per_week_out_of_range"),
        ({"walks_per_week": 8}, "walks_per_week_out_of_range"),
        ({"walks_per_week": 3.0}, "walks_per_week_out_of_range"),
        ({"walks_per_week": True}, "walks_per_week_out_of_range"),
        ({"target_minutes": 4}, "target_minutes_out_of_range"),
        ({"target_minutes": 181}, "target_minutes_out_of_range"),
        ({"starting_minutes": 0}, "starting_minutes_out_of_range"),
        ({"starting_minutes": 31}, "starting_above_target"),
        ({"daily_minimum_minutes": 0}, "daily_minimum_minutes_out_of_range"),
        ({"daily_minimum_minutes": 121}, "daily_minimum_minutes_out_of_range"),
        ({"pain_day_threshold": 0}, "pain_day_threshold_out_of_range"),
        ({"pain_day_threshold": 11}, "pain_day_threshold_out_of_range"),
        ({"red_flag_level": 0}, "red_flag_level_out_of_range"),
        ({"red_flag_level": 11}, "red_flag_level_out_of_range"),
        ({"red_flag_level": 5}, "red_flag_not_above_threshold"),
        ({"red_flag_level": 4}, "red_flag_not_above_threshold"),
        ({"first_weekday": -1}, "first_weekday_out_of_range"),
        ({"first_weekday": 7}, "first_weekday_out_of_range"),
        ({"step_minutes": 0}, "step_minutes_out_of_range"),
        ({"step_minutes": 31}, "step_minutes_out_of_range"),
    ],
)
def test_settings_refuse(changes: dict[str, Any], key: str) -> None:
    with pytest.raises(ModelError) as info:
        Settings(**changes)
    assert info.value.key == key


def test_settings_placeholders() -> None:
    with pytest.raises(ModelError) as info:
        Settings(walks_per_week=9)
    assert info.value.placeholders == {"min": "1", "max": "7"}
    with pytest.raises(ModelError) as info:
        Settings(pain_day_threshold=6, red_flag_level=6)
    assert info.value.placeholders == {"min": "7"}


@pytest.mark.parametrize(
    "changes",
    [
        {"walks_per_week": 1},
        {"walks_per_week": 7},
        {"target_minutes": 5, "starting_minutes": 5},
        {"target_minutes": 180, "starting_minutes": 180},
        {"starting_minutes": 1},
        {"daily_minimum_minutes": 120},
        {"pain_day_threshold": 9, "red_flag_level": 10},
        {"pain_day_threshold": 1, "red_flag_level": 2},
        {"first_weekday": 6},
        {"step_minutes": 1},
        {"step_minutes": 30},
    ],
)
def test_settings_limits_are_inclusive(changes: dict[str, Any]) -> None:
    settings = Settings(**changes)
    for name, value in changes.items():
        assert getattr(settings, name) == value
