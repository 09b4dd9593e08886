"""The clinician report's summary: a date range of one person's log, in numbers.

Every figure comes from the log's own arithmetic (WalkLog.day and WalkLog.snapshot),
so a week in the report says what the sensors said for that week, and the streaks at
the end of the range are the streak sensors' values on that day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from itertools import pairwise
import math

from .day_totals import PainStatus, pain_status
from .days import day_start, local_day, week_start
from .errors import ModelError
from .profile import Settings
from .progress import WalkLog
from .records import (
    EARLIEST_TIME,
    LATEST_TIME,
    Activity,
    Alternative,
    Record,
    Stretch,
    Walk,
)

# A report longer than this is refused: 5 years of days is already a long page, and the
# range bounds the work one request may ask for.
MAX_REPORT_DAYS = 5 * 366
DEFAULT_REPORT_WEEKS = 12
# The fitted change of pain over the reported days that counts as a real change: about
# the smallest difference people notice on a 0-10 scale.
TREND_MIN_CHANGE = 1.0
# Fewer daily reports than this, or spread over fewer days, say nothing about a trend.
TREND_MIN_REPORTS = 3
TREND_MIN_SPAN_DAYS = 7
_ONE_DAY = timedelta(days=1)
_ONE_WEEK = timedelta(days=7)


class PainTrend(StrEnum):
    """Which way daily pain went over the report's range."""

    IMPROVING = "improving"
    STEADY = "steady"
    WORSE = "worse"
    UNKNOWN = "not_enough_reports"


@dataclass(frozen=True, slots=True)
class WeekSummary:
    """One week as the weekly sensors showed it (the whole week, first weekday on)."""

    start: date
    minutes: float
    walks: int
    walks_needed: int
    goal_met: bool
    target_minutes: int
    pain_days: int


@dataclass(frozen=True, slots=True)
class DayPain:
    """A day's pain: the latest report (today's pain, as the sensor) and the highest."""

    day: date
    level: int
    max_level: int
    status: PainStatus


@dataclass(frozen=True, slots=True)
class PlanStep:
    """A week whose per-walk target differs from the week before."""

    week: date
    from_minutes: int
    to_minutes: int


@dataclass(frozen=True, slots=True)
class ActivityCount:
    """How often and how long one low-impact alternative was done (G7)."""

    activity: Activity
    count: int
    minutes: float


@dataclass(frozen=True, slots=True)
class ReportSummary:
    """Everything the report says about [start, end] (both local days included)."""

    start: date
    end: date
    settings: Settings
    weeks: tuple[WeekSummary, ...]
    walk_minutes: float
    walks: int
    walk_days: int
    distance_km: float
    current_streak: int
    longest_streak: int
    weekly_streak: int
    pain: tuple[DayPain, ...]
    average_pain: float | None
    pain_trend_per_week: float | None
    pain_trend: PainTrend
    pain_days: tuple[date, ...]
    red_flag_days: tuple[date, ...]
    stretches: int
    stretch_days: int
    alternatives: tuple[ActivityCount, ...]
    plan_steps: tuple[PlanStep, ...]
    target_minutes: int
    records: tuple[Record, ...]


def default_range(today: date, settings: Settings) -> tuple[date, date]:
    """Return the last 12 whole weeks: this week (to today) and the 11 before it."""
    first = week_start(today, settings.first_weekday) - (DEFAULT_REPORT_WEEKS - 1) * (
        _ONE_WEEK
    )
    return first, today


# Records lie in these years; a day beyond them is a typing mistake (and near the
# calendar's ends, day and week arithmetic would overflow).
FIRST_REPORT_DAY = EARLIEST_TIME.date()
LAST_REPORT_DAY = LATEST_TIME.date() - _ONE_DAY


def check_range(start: date, end: date) -> None:
    """Refuse a range outside 2000-2099, ending before it starts, or too long."""
    if not (
        FIRST_REPORT_DAY <= start <= LAST_REPORT_DAY
        and FIRST_REPORT_DAY <= end <= LAST_REPORT_DAY
    ):
        raise ModelError("date_out_of_range")
    if end < start:
        raise ModelError("report_end_before_start")
    if (end - start).days + 1 > MAX_REPORT_DAYS:
        raise ModelError("report_range_too_long", max=str(MAX_REPORT_DAYS // 366))


def pain_trend(points: Sequence[tuple[int, float]]) -> tuple[float | None, PainTrend]:
    """Return the least-squares slope of pain per week and what it means in words.

    `points` are (day number, pain). The trend is judged by the fitted change over the
    reported days, so a long range is not called steady for a small weekly slope.
    """
    if len(points) < TREND_MIN_REPORTS:
        return None, PainTrend.UNKNOWN
    days = [float(day) for day, _ in points]
    span = max(days) - min(days)
    if span < TREND_MIN_SPAN_DAYS:
        return None, PainTrend.UNKNOWN
    mean_day = math.fsum(days) / len(days)
    mean_pain = math.fsum(pain for _, pain in points) / len(points)
    covariance = math.fsum((d - mean_day) * (p - mean_pain) for d, p in points)
    variance = math.fsum((d - mean_day) ** 2 for d in days)
    slope = covariance / variance  # per day; variance > 0 as span > 0
    change = slope * span
    if change <= -TREND_MIN_CHANGE:
        trend = PainTrend.IMPROVING
    elif change >= TREND_MIN_CHANGE:
        trend = PainTrend.WORSE
    else:
        trend = PainTrend.STEADY
    return round(slope * 7, 2), trend


def _day_end(day: date, log: WalkLog) -> datetime:
    """Return the last instant of a local day (a snapshot there sees all of it)."""
    return day_start(day + _ONE_DAY, log.timezone) - timedelta(microseconds=1)


def build_report(
    log: WalkLog, settings: Settings, start: date, end: date, now: datetime
) -> ReportSummary:
    """Summarise the local days start..end of `log` (end included), as seen at `now`."""
    check_range(start, end)
    tz = log.timezone
    today = local_day(now, tz)
    days = [start + offset * _ONE_DAY for offset in range((end - start).days + 1)]
    summaries = [log.day(day) for day in days]

    weeks: list[WeekSummary] = []
    week = week_start(start, settings.first_weekday)
    while week <= end:
        last = week + 6 * _ONE_DAY
        # At the end of the week's last day (or now, for the running week): the values
        # the weekly sensors showed when the week closed.
        moment = now if week <= today <= last else _day_end(last, log)
        snap = log.snapshot(settings, moment)
        weeks.append(
            WeekSummary(
                start=week,
                minutes=snap.minutes_this_week,
                walks=snap.walks_this_week,
                walks_needed=snap.weekly_walks_needed,
                goal_met=snap.weekly_goal_met,
                target_minutes=snap.target_minutes_today,
                pain_days=sum(
                    1
                    for offset in range(7)
                    if _is_pain_day(log, week + offset * _ONE_DAY, settings)
                ),
            )
        )
        week += _ONE_WEEK

    # Streaks as the sensors showed them at the end of the range (now, if it is today).
    as_of = now if end >= today else _day_end(end, log)
    final = log.snapshot(settings, as_of)

    pain: list[DayPain] = []
    for summary in summaries:
        if summary.pain_level is None or summary.max_pain is None:
            continue
        status = pain_status(summary.pain_level, settings) or PainStatus.NONE
        pain.append(DayPain(summary.day, summary.pain_level, summary.max_pain, status))
    slope, trend = pain_trend([((p.day - start).days, p.level) for p in pain])

    records = tuple(
        log.records_between(day_start(start, tz), day_start(end + _ONE_DAY, tz))
    )
    walks = [record for record in records if isinstance(record, Walk)]
    stretches = [record for record in records if isinstance(record, Stretch)]
    alternatives = [record for record in records if isinstance(record, Alternative)]

    plan_steps = tuple(
        PlanStep(after.start, before.target_minutes, after.target_minutes)
        for before, after in pairwise(weeks)
        if before.target_minutes != after.target_minutes
    )
    return ReportSummary(
        start=start,
        end=end,
        settings=settings,
        weeks=tuple(weeks),
        walk_minutes=math.fsum(summary.walk_minutes for summary in summaries),
        walks=len(walks),
        walk_days=sum(1 for summary in summaries if summary.walk_minutes > 0),
        distance_km=math.fsum(walk.distance_km or 0.0 for walk in walks),
        current_streak=final.current_streak,
        longest_streak=final.longest_streak,
        weekly_streak=final.weekly_streak,
        pain=tuple(pain),
        average_pain=(
            round(math.fsum(p.level for p in pain) / len(pain), 1) if pain else None
        ),
        pain_trend_per_week=slope,
        pain_trend=trend,
        pain_days=tuple(p.day for p in pain if p.level >= settings.pain_day_threshold),
        red_flag_days=tuple(
            p.day for p in pain if p.max_level >= settings.red_flag_level
        ),
        stretches=len(stretches),
        stretch_days=len({local_day(item.time, tz) for item in stretches}),
        alternatives=tuple(
            ActivityCount(
                activity,
                sum(1 for item in alternatives if item.activity is activity),
                math.fsum(
                    item.minutes for item in alternatives if item.activity is activity
                ),
            )
            for activity in Activity
            if any(item.activity is activity for item in alternatives)
        ),
        plan_steps=plan_steps,
        target_minutes=final.target_minutes_today,
        records=records,
    )


def _is_pain_day(log: WalkLog, day: date, settings: Settings) -> bool:
    """Tell a pain day as the sensor does: the latest report at the threshold."""
    level = log.day(day).pain_level
    return level is not None and level >= settings.pain_day_threshold
