"""The clinician report's summary: the sensors' arithmetic over a range of days."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.backwalk.model import (
    Activity,
    Alternative,
    ModelError,
    PainReport,
    Settings,
    Stretch,
    Walk,
    WalkLog,
    compute_snapshot,
    new_id,
)
from custom_components.backwalk.model.report import (
    MAX_REPORT_DAYS,
    PainTrend,
    PlanStep,
    build_report,
    check_range,
    default_range,
    pain_trend,
)

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = date(2025, 6, 2)
DEFAULT = Settings()


def day_n(n: int) -> date:
    return MONDAY + timedelta(days=n)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=BERLIN)


def walk(day: date, minutes: float = 30, hour: int = 10) -> Walk:
    return Walk(new_id(), at(day, hour), minutes, distance_km=1.5)


def pain(day: date, level: int, hour: int = 9) -> PainReport:
    return PainReport(new_id(), at(day, hour), level)


def test_default_range_is_twelve_whole_weeks_to_today() -> None:
    """This week (Monday on) and the 11 before it."""
    start, end = default_range(day_n(9), DEFAULT)
    assert end == day_n(9)
    assert start == day_n(7) - timedelta(weeks=11)
    assert start.weekday() == 0
    sunday_first = Settings(first_weekday=6)
    start, _ = default_range(day_n(9), sunday_first)
    assert start.weekday() == 6


def test_bad_ranges_are_refused() -> None:
    """End before start, and more than 5 years, name what is wrong."""
    with pytest.raises(ModelError) as err:
        check_range(day_n(1), day_n(0))
    assert err.value.key == "report_end_before_start"
    check_range(day_n(0), day_n(0))
    check_range(day_n(0), day_n(MAX_REPORT_DAYS - 1))
    with pytest.raises(ModelError) as err:
        check_range(day_n(0), day_n(MAX_REPORT_DAYS))
    assert err.value.key == "report_range_too_long"
    assert err.value.placeholders == {"max": "5"}
    for start, end in ((date(1999, 12, 31), day_n(0)), (day_n(0), date(2100, 1, 1))):
        with pytest.raises(ModelError) as err:
            check_range(start, end)
        assert err.value.key == "date_out_of_range"
    check_range(date(2099, 12, 31), date(2099, 12, 31))
    report = build_report(
        WalkLog(BERLIN), DEFAULT, date(2099, 12, 25), date(2099, 12, 31), at(day_n(0))
    )
    assert report.weeks[-1].start == date(2099, 12, 28)


def test_weeks_equal_the_weekly_sensors() -> None:
    """Each week's numbers are what a snapshot taken in that week shows."""
    log = WalkLog(BERLIN)
    for n in (0, 2, 4, 7, 9, 11, 14, 15):
        log.add(walk(day_n(n), 10 + n))
    log.add(pain(day_n(8), 6))
    now = at(day_n(16), 20)
    report = build_report(log, DEFAULT, day_n(0), day_n(16), now)
    assert [week.start for week in report.weeks] == [day_n(0), day_n(7), day_n(14)]
    for week in report.weeks:
        moment = min(now, at(week.start + timedelta(days=6), 23))
        snap = compute_snapshot(log, DEFAULT, moment)
        assert week.minutes == snap.minutes_this_week
        assert week.walks == snap.walks_this_week
        assert week.walks_needed == snap.weekly_walks_needed
        assert week.goal_met == snap.weekly_goal_met
        assert week.target_minutes == snap.target_minutes_today
    assert report.weeks[1].pain_days == 1
    final = compute_snapshot(log, DEFAULT, now)
    assert report.current_streak == final.current_streak == 2
    assert report.longest_streak == final.longest_streak
    assert report.weekly_streak == final.weekly_streak
    assert report.target_minutes == final.target_minutes_today
    assert report.walks == 8
    assert report.walk_minutes == sum(10 + n for n in (0, 2, 4, 7, 9, 11, 14, 15))
    assert report.walk_days == 8
    assert report.distance_km == pytest.approx(12.0)


def test_plan_steps_after_a_met_week() -> None:
    """Three 5-minute walks meet week one's goal: the plan steps up to 10."""
    log = WalkLog(BERLIN)
    for n in (0, 2, 4):
        log.add(walk(day_n(n), 5))
    report = build_report(log, DEFAULT, day_n(0), day_n(13), at(day_n(13), 20))
    assert report.plan_steps == (PlanStep(day_n(7), 5, 10),)
    assert report.target_minutes == 10


def test_streaks_at_a_past_end_are_that_days() -> None:
    """A range ending in the past shows the streaks as they stood that evening."""
    log = WalkLog(BERLIN)
    for n in range(5):
        log.add(walk(day_n(n)))
    report = build_report(log, DEFAULT, day_n(0), day_n(2), at(day_n(10), 12))
    assert report.current_streak == 3
    assert report.longest_streak == 3
    later = build_report(log, DEFAULT, day_n(0), day_n(10), at(day_n(10), 12))
    assert later.current_streak == 0
    assert later.longest_streak == 5


def test_pain_days_red_flags_and_trend() -> None:
    """The latest report is the day's pain; the highest decides a red flag."""
    log = WalkLog(BERLIN)
    levels = [7, 7, 6, 6, 5, 4, 4, 3, 3, 2]
    for n, level in enumerate(levels):
        log.add(pain(day_n(n), level))
    # A red-flag report that a lower one followed the same day.
    log.add(pain(day_n(1), 9, hour=8))
    report = build_report(log, DEFAULT, day_n(0), day_n(13), at(day_n(13), 20))
    assert [p.level for p in report.pain] == levels
    assert report.pain[1].max_level == 9
    assert report.pain_days == tuple(day_n(n) for n in range(5))
    assert report.red_flag_days == (day_n(1),)
    assert report.pain_trend is PainTrend.IMPROVING
    assert report.pain_trend_per_week is not None
    assert report.pain_trend_per_week < -3
    assert report.average_pain == pytest.approx(sum(levels) / len(levels), abs=0.05)


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        ([3, 3, 3, 3], PainTrend.STEADY),
        ([3, 4, 3, 4], PainTrend.STEADY),
        ([2, 3, 4, 5], PainTrend.WORSE),
        ([6, 5, 3, 2], PainTrend.IMPROVING),
    ],
)
def test_trend_in_words(levels: list[int], expected: PainTrend) -> None:
    """The fitted change over the reported days: one point or more is a change."""
    slope, trend = pain_trend([(n * 7, level) for n, level in enumerate(levels)])
    assert trend is expected
    assert slope is not None


def test_too_few_reports_have_no_trend() -> None:
    """Two reports, or reports within a few days, are not a trend."""
    assert pain_trend([(0, 3), (20, 8)]) == (None, PainTrend.UNKNOWN)
    assert pain_trend([(0, 3), (1, 5), (2, 8)]) == (None, PainTrend.UNKNOWN)
    assert pain_trend([]) == (None, PainTrend.UNKNOWN)


def test_alternatives_and_stretches_in_range_only() -> None:
    """Counts per activity; records outside the range are left out."""
    log = WalkLog(BERLIN)
    log.add(Alternative(new_id(), at(day_n(1)), Activity.SWIMMING, 20))
    log.add(Alternative(new_id(), at(day_n(2)), Activity.SWIMMING, 25.5))
    log.add(Alternative(new_id(), at(day_n(3)), Activity.YOGA, 15))
    log.add(Alternative(new_id(), at(day_n(20)), Activity.YOGA, 15))
    log.add(Stretch(new_id(), at(day_n(1), 7)))
    log.add(Stretch(new_id(), at(day_n(1), 18)))
    log.add(Stretch(new_id(), at(day_n(4), 7)))
    log.add(Stretch(new_id(), at(day_n(-1), 7)))
    report = build_report(log, DEFAULT, day_n(0), day_n(6), at(day_n(30)))
    assert [(a.activity, a.count, a.minutes) for a in report.alternatives] == [
        (Activity.SWIMMING, 2, 45.5),
        (Activity.YOGA, 1, 15.0),
    ]
    assert report.stretches == 3
    assert report.stretch_days == 2
    assert len(report.records) == 6


def test_empty_log_reports_zeroes() -> None:
    """No records: zero minutes, no pain, no trend; nothing is None that counts."""
    report = build_report(WalkLog(BERLIN), DEFAULT, day_n(0), day_n(6), at(day_n(6)))
    assert report.walk_minutes == 0
    assert report.walks == 0
    assert report.pain == ()
    assert report.average_pain is None
    assert report.pain_trend is PainTrend.UNKNOWN
    assert report.target_minutes == DEFAULT.starting_minutes
    assert len(report.weeks) == 1
