"""Streak and plan results of completed days and weeks, kept between snapshots."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
import math

from .day_totals import DayKind, DayTotals
from .days import week_days, week_start
from .profile import Settings
from .weekly_goal import WeekTotals, next_target, week_goal_met

_ONE_DAY = timedelta(days=1)
_ONE_WEEK = timedelta(days=7)


@dataclass(slots=True)
class StreakHistory:
    """Results for completed days and weeks under one Settings, extended lazily.

    Index i of the day lists is base_day + i days; of the week lists, base_week + i
    weeks. A change on some day truncates the lists from that day (or its week) on,
    so logging today's walk never makes the past be recomputed. base_day may lie
    before the first record: empty days and weeks change nothing (inactive, goal not
    met, plan held), so that is harmless.
    """

    settings: Settings
    base_day: date
    base_week: date
    # Streak ending on each day, and the longest streak up to it.
    day_run: list[int] = field(default_factory=list)
    day_best: list[int] = field(default_factory=list)
    # Goal-met weeks ending with each week, and the per-walk target of the week after.
    week_run: list[int] = field(default_factory=list)
    week_next: list[int] = field(default_factory=list)
    # The results before base_day (and base_week): zero at the first record; those of
    # an archive's checkpoint when the days before are archived.
    start_run: int = 0
    start_best: int = 0
    start_week_run: int = 0
    start_target: int | None = None  # None: the plan's starting minutes

    def run_before(self, index: int) -> tuple[int, int]:
        """Return the streak and the longest streak on day index `index` (-1: before)."""
        if index < 0:
            return self.start_run, self.start_best
        return self.day_run[index], self.day_best[index]

    def week_before(self, index: int) -> tuple[int, int]:
        """Return the goal-met run of week `index` and the target after it (-1: before)."""
        if index < 0:
            start = self.start_target
            return self.start_week_run, (
                self.settings.starting_minutes if start is None else start
            )
        return self.week_run[index], self.week_next[index]

    def truncate(self, day: date) -> None:
        """Forget everything from `day` on (day >= base_day)."""
        del self.day_run[(day - self.base_day).days :]
        del self.day_best[(day - self.base_day).days :]
        weeks = (
            week_start(day, self.settings.first_weekday) - self.base_week
        ).days // 7
        del self.week_run[weeks:]
        del self.week_next[weeks:]

    def extend_days(self, days: Mapping[date, DayTotals], last: int) -> None:
        """Make the day lists cover indexes up to `last`."""
        settings = self.settings
        day = self.base_day + timedelta(days=len(self.day_run))
        run, best = self.run_before(len(self.day_run) - 1)
        while len(self.day_run) <= last:
            data = days.get(day)
            kind = data.kind(settings) if data is not None else DayKind.BREAKS
            if kind is DayKind.ACTIVE:
                run += 1
            elif kind is DayKind.BREAKS:
                run = 0
            # An excused pain day leaves the run as it is.
            best = max(best, run)
            self.day_run.append(run)
            self.day_best.append(best)
            day += _ONE_DAY

    def extend_weeks(self, days: Mapping[date, DayTotals], last: int) -> None:
        """Make the week lists cover indexes up to `last`."""
        settings = self.settings
        week = self.base_week + _ONE_WEEK * len(self.week_run)
        while len(self.week_run) <= last:
            index = len(self.week_run)
            previous_run, target = self.week_before(index - 1)
            totals = week_totals(days, week, settings)
            met = week_goal_met(totals, settings, target)
            self.week_run.append(previous_run + 1 if met else 0)
            self.week_next.append(
                next_target(target, totals, met=met, settings=settings)
            )
            week += _ONE_WEEK


def week_totals(
    days: Mapping[date, DayTotals], week: date, settings: Settings
) -> WeekTotals:
    """Return a week's minutes, counted walks, pain days and whether it had a red flag."""
    minutes: list[float] = []
    walks = pain_days = 0
    red_flag = False
    for day in week_days(week):
        data = days.get(day)
        if data is None:
            continue
        minutes.append(data.walk_minutes)
        walks += data.counted_walks(settings)
        if (
            data.pain_level is not None
            and data.pain_level >= settings.pain_day_threshold
        ):
            pain_days += 1
        if data.max_pain is not None and data.max_pain >= settings.red_flag_level:
            red_flag = True
    return WeekTotals(math.fsum(minutes), walks, pain_days, red_flag)
