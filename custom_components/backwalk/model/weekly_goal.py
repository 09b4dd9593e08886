"""The weekly goal (G10): walks a week needs, whether it was met, next week's target."""

from __future__ import annotations

from dataclasses import dataclass
import math

from .profile import Settings


@dataclass(slots=True)
class WeekTotals:
    """What a completed week added up to, as the goal and the plan read it."""

    minutes: float
    walks: int  # walks that count toward the goal
    pain_days: int
    red_flag: bool

    @property
    def pain_day(self) -> bool:
        """Whether the week had at least one pain day."""
        return self.pain_days > 0


def weekly_walks_needed(settings: Settings, pain_days: int) -> int:
    """Return the walks a week needs (G10), prorated by its days without pain.

    Rounded up, so a week with a pain day or two still asks for every walk it can.
    """
    return math.ceil(settings.walks_per_week * (7 - pain_days) / 7)


def week_goal_met(totals: WeekTotals, settings: Settings, target: int) -> bool:
    """Tell whether a week met the goal: enough walks and enough minutes (G10)."""
    walks = weekly_walks_needed(settings, totals.pain_days)
    return totals.walks >= walks and totals.minutes >= walks * target


def next_target(
    target: int, totals: WeekTotals, *, met: bool, settings: Settings
) -> int:
    """Per-walk target for the week after a completed one (G10: build up slowly)."""
    if totals.red_flag:
        # G15: a red flag week steps back, never below where the plan began.
        return max(settings.starting_minutes, target - settings.step_minutes)
    if totals.pain_day:
        return target
    if met:
        return min(settings.target_minutes, target + settings.step_minutes)
    return target


def goal_progress(totals: WeekTotals, walks_needed: int, minutes_needed: int) -> float:
    """Percent of the weekly goal: the lesser of walks and minutes, so 100 means met."""
    if walks_needed == 0:
        return 100.0  # every day of the week was a pain day: nothing is asked
    share = min(totals.walks / walks_needed, totals.minutes / minutes_needed)
    return round(min(100.0, share * 100), 1)
