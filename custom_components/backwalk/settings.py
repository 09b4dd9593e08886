"""A profile's config entry options as the model's typed settings: the one place."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time, timedelta
from typing import Any

from .const import (
    ALTERNATIVES,
    CONF_ALTERNATIVES,
    CONF_CHECK_IN_AFTER,
    CONF_COUNT_WALK_DAYS,
    CONF_DAILY_MINIMUM,
    CONF_FIRST_WEEKDAY,
    CONF_MIN_WALK,
    CONF_PAIN_DAY_THRESHOLD,
    CONF_PAIN_DURATION,
    CONF_QUIET_END,
    CONF_QUIET_START,
    CONF_RED_FLAG_LEVEL,
    CONF_STARTING_MINUTES,
    CONF_STRETCH_LEAD,
    CONF_TARGET_MINUTES,
    CONF_WALK_DAYS,
    CONF_WALK_TIME,
    CONF_WALKS_PER_WEEK,
    DEFAULT_CHECK_IN_AFTER,
    DEFAULT_MIN_WALK,
    DEFAULT_STRETCH_LEAD,
    DEFAULT_WALK_TIME,
)
from .model import Condition, PainDuration, Schedule, Settings, condition_for


def settings_from_options(options: Mapping[str, Any]) -> Settings:
    """Build the model's settings from config entry options (defaults where unset)."""
    defaults = Settings()
    return Settings(
        walks_per_week=int(options.get(CONF_WALKS_PER_WEEK, defaults.walks_per_week)),
        target_minutes=int(options.get(CONF_TARGET_MINUTES, defaults.target_minutes)),
        starting_minutes=int(
            options.get(CONF_STARTING_MINUTES, defaults.starting_minutes)
        ),
        daily_minimum_minutes=int(
            options.get(CONF_DAILY_MINIMUM, defaults.daily_minimum_minutes)
        ),
        pain_day_threshold=int(
            options.get(CONF_PAIN_DAY_THRESHOLD, defaults.pain_day_threshold)
        ),
        red_flag_level=int(options.get(CONF_RED_FLAG_LEVEL, defaults.red_flag_level)),
        first_weekday=int(options.get(CONF_FIRST_WEEKDAY, defaults.first_weekday)),
        count_walk_days=bool(options.get(CONF_COUNT_WALK_DAYS, False)),
    )


def schedule_from_options(options: Mapping[str, Any]) -> Schedule:
    """Build the walk schedule from config entry options (no walks when unset)."""
    quiet_start = options.get(CONF_QUIET_START)
    quiet_end = options.get(CONF_QUIET_END)
    return Schedule(
        walk_days=frozenset(int(day) for day in options.get(CONF_WALK_DAYS, [])),
        walk_time=time.fromisoformat(options.get(CONF_WALK_TIME, DEFAULT_WALK_TIME)),
        stretch_lead_minutes=int(options.get(CONF_STRETCH_LEAD, DEFAULT_STRETCH_LEAD)),
        check_in_after_minutes=int(
            options.get(CONF_CHECK_IN_AFTER, DEFAULT_CHECK_IN_AFTER)
        ),
        quiet_start=time.fromisoformat(quiet_start) if quiet_start else None,
        quiet_end=time.fromisoformat(quiet_end) if quiet_end else None,
    )


def condition_from_options(options: Mapping[str, Any]) -> Condition:
    """Return acute or chronic, from how long the pain has lasted (G2)."""
    return condition_for(PainDuration(options[CONF_PAIN_DURATION]))


def min_walk_from_options(options: Mapping[str, Any]) -> timedelta:
    """Return the shortest span that counts as a walk (a shorter leftover is none)."""
    return timedelta(minutes=int(options.get(CONF_MIN_WALK, DEFAULT_MIN_WALK)))


def preferred_alternatives(options: Mapping[str, Any]) -> tuple[str, ...]:
    """Return the pain-day alternatives the person chose (G7), or all of them.

    None chosen (or none that G7 names) means all of them, as in the reminders.
    """
    chosen = options.get(CONF_ALTERNATIVES, ALTERNATIVES)
    return tuple(activity for activity in chosen if activity in ALTERNATIVES) or tuple(
        ALTERNATIVES
    )
