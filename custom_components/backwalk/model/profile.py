"""Who the person is (how long the pain has lasted) and how they want to walk."""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import StrEnum

from .errors import ModelError


class PainDuration(StrEnum):
    """How long the back pain has lasted."""

    UNDER_6_WEEKS = "under_6_weeks"
    SIX_WEEKS_TO_3_MONTHS = "6_weeks_to_3_months"
    OVER_3_MONTHS = "over_3_months"


class Condition(StrEnum):
    """Acute or chronic back pain."""

    ACUTE = "acute"
    CHRONIC = "chronic"


def condition_for(duration: PainDuration) -> Condition:
    """Classify the pain: chronic only when it has lasted more than three months (G2)."""
    if duration is PainDuration.OVER_3_MONTHS:
        return Condition.CHRONIC
    return Condition.ACUTE


# Allowed ranges (inclusive); starting_minutes is further capped by target_minutes.
_RANGES: dict[str, tuple[int, int]] = {
    "walks_per_week": (1, 7),
    "target_minutes": (5, 180),
    "starting_minutes": (1, 180),
    "daily_minimum_minutes": (1, 120),
    "pain_day_threshold": (1, 10),
    "red_flag_level": (1, 10),
    "first_weekday": (0, 6),
    "step_minutes": (1, 30),
}


@dataclass(frozen=True, slots=True)
class Settings:
    """The walking plan and the thresholds the progress rules use.

    Defaults follow G10: start with 5 minutes, build up to 30, 3 times a week.
    """

    walks_per_week: int = 3
    target_minutes: int = 30
    starting_minutes: int = 5
    daily_minimum_minutes: int = 5
    pain_day_threshold: int = 5
    red_flag_level: int = 8
    first_weekday: int = 0
    step_minutes: int = 5
    # G10 says "three or four times a week": each walk counts, unless the person wants
    # several walks on one day to count as one walk day.
    count_walk_days: bool = False

    def __post_init__(self) -> None:
        """Refuse settings the rules cannot work with."""
        if not isinstance(self.count_walk_days, bool):
            raise ModelError("invalid_record", field="count_walk_days")
        for item in fields(self):
            if item.name not in _RANGES:
                continue
            value: object = getattr(self, item.name)
            low, high = _RANGES[item.name]
            if (
                not isinstance(value, int)
                or isinstance(value, bool)
                or not low <= value <= high
            ):
                raise ModelError(
                    f"{item.name}_out_of_range", min=str(low), max=str(high)
                )
        if self.starting_minutes > self.target_minutes:
            raise ModelError("starting_above_target", max=str(self.target_minutes))
        if self.red_flag_level <= self.pain_day_threshold:
            raise ModelError(
                "red_flag_not_above_threshold", min=str(self.pain_day_threshold + 1)
            )
