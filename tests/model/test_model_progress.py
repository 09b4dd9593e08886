"""Progress rules: the log, day summaries, pain status, streaks, weekly goal and plan."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.backwalk.model import (
    Activity,
    Alternative,
    ModelError,
    PainReport,
    PainStatus,
    Settings,
    Snapshot,
    Stretch,
    Walk,
    WalkLog,
    compute_snapshot,
    new_id,
    pain_status,
)

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = date(2025, 6, 2)
DEFAULT = Settings()


def day_n(n: int) -> date:
    """Day n counted from Monday 2025-06-02 (n may be negative)."""
    return MONDAY + timedelta(days=n)


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def walk(day: date, minutes: float = 30, hour: int = 10, minute: int = 0) -> Walk:
    return Walk(new_id(), at(day, hour, minute), minutes)


def pain(day: date, level: int, hour: int = 9, minute: int = 0) -> PainReport:
    return PainReport(new_id(), at(day, hour, minute), level)


def stretch(day: date) -> Stretch:
    return Stretch(new_id(), at(day, 12))


def alternative(day: date, minutes: float = 20) -> Alternative:
    return Alternative(new_id(), at(day, 15), Activity.SWIMMING, minutes)


def snap(
    log: WalkLog, today: date, settings: Settings = DEFAULT, hour: int = 20
) -> Snapshot:
    return compute_snapshot(log, settings, at(today, hour))


# --- pain status ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "status"),
    [
        (None, None),  # not reported is not "no pain"
        (0, PainStatus.NONE),
        (1, PainStatus.MILD),
        (4, PainStatus.MILD),
        (5, PainStatus.PAIN_DAY),
        (7, PainStatus.PAIN_DAY),
        (8, PainStatus.RED_FLAG),
        (10, PainStatus.RED_FLAG),
    ],
)
def test_pain_status_boundaries(level: int | None, status: PainStatus | None) -> None:
    assert pain_status(level, DEFAULT) is status


def test_pain_status_follows_settings() -> None:
    settings = Settings(pain_day_threshold=2, red_flag_level=3)
    assert pain_status(1, settings) is PainStatus.MILD
    assert pain_status(2, settings) is PainStatus.PAIN_DAY
    assert pain_status(3, settings) is PainStatus.RED_FLAG


# --- the log --------------------------------------------------------------------------


def test_log_basics() -> None:
    w = walk(day_n(0))
    p = pain(day_n(0), 3)
    log = WalkLog(BERLIN, [w])
    log.add(p)
    assert len(log) == 2
    assert w.id in log
    assert "nope" not in log
    assert log.get(w.id) is w
    assert log.get("nope") is None
    assert log.timezone is BERLIN
    # Sorted by time: the pain report (09:00) comes before the walk (10:00).
    assert log.records() == [p, w]
    assert log.walks() == [w]


def test_log_refuses_duplicates_unknown_and_non_records() -> None:
    w = walk(day_n(0))
    with pytest.raises(ModelError) as info:
        WalkLog(BERLIN, [w, w])
    assert info.value.key == "duplicate_record"
    log = WalkLog(BERLIN, [w])
    with pytest.raises(ModelError) as info:
        log.add(Walk(w.id, at(day_n(1)), 5))
    assert info.value.key == "duplicate_record"
    with pytest.raises(ModelError) as info:
        log.remove("nope")
    assert info.value.key == "unknown_record"
    assert info.value.placeholders == {"id": "nope"}
    with pytest.raises(ModelError) as info:
        log.add("walk")  # type: ignore[arg-type]
    assert info.value.key == "invalid_record"
    assert len(log) == 1


def test_records_between_is_half_open() -> None:
    records = [walk(day_n(i)) for i in range(5)]
    log = WalkLog(BERLIN, reversed(records))
    assert log.records() == records
    assert log.records_between(at(day_n(1)), at(day_n(3))) == records[1:3]
    assert log.records_between(at(day_n(1), 9), at(day_n(3), 11)) == records[1:4]
    assert log.records_between(at(day_n(3)), at(day_n(1))) == []
    # Any zone: the instant is what counts.
    assert log.records_between(at(day_n(1)).astimezone(UTC), at(day_n(2))) == [
        records[1]
    ]
    with pytest.raises(ModelError) as info:
        log.records_between(datetime(2025, 6, 1), at(day_n(3)))  # noqa: DTZ001
    assert info.value.key == "invalid_timestamp"


def test_last_walk() -> None:
    log = WalkLog(BERLIN)
    assert log.last_walk() is None
    early, late = walk(day_n(0), 5), walk(day_n(2), 5)
    log.add(late)
    log.add(early)
    log.add(pain(day_n(3), 2))
    assert log.last_walk() is late
    assert log.last_walk(at(day_n(1))) is early
    assert log.last_walk(at(day_n(2))) is late  # started exactly then
    assert log.last_walk(at(day_n(-1))) is None
    log.remove(late.id)
    assert log.last_walk() is early
    assert log.walks() == [early]


def test_remove_returns_record_and_updates_order() -> None:
    a, b, c = walk(day_n(0)), walk(day_n(0)), stretch(day_n(0))
    log = WalkLog(BERLIN, [a, b, c])
    assert log.remove(b.id) is b
    assert b.id not in log
    assert log.records() == [a, c]
    assert log.remove(c.id) is c
    assert log.records() == [a]


# --- day summaries --------------------------------------------------------------------


def test_day_summary_empty() -> None:
    summary = WalkLog(BERLIN).day(day_n(0))
    assert summary.day == day_n(0)
    assert (summary.walk_minutes, summary.walk_count, summary.alternative_minutes) == (
        0,
        0,
        0,
    )
    assert (summary.pain_level, summary.max_pain, summary.stretched) == (
        None,
        None,
        False,
    )


def test_day_summary_aggregates() -> None:
    d = day_n(0)
    log = WalkLog(
        BERLIN, [walk(d, 20), walk(d, 12.5, hour=18), stretch(d), alternative(d, 25)]
    )
    log.add(pain(d, 7, hour=8))
    log.add(pain(d, 3, hour=21))
    log.add(pain(d, 5, hour=12))
    summary = log.day(d)
    assert summary.walk_minutes == 32.5
    assert summary.walk_count == 2
    assert summary.pain_level == 3  # latest by time, not latest added
    assert summary.max_pain == 7
    assert summary.stretched
    assert summary.alternative_minutes == 25


def test_walk_across_midnight_counts_on_both_days() -> None:
    w = walk(day_n(0), 40, hour=23, minute=40)
    log = WalkLog(BERLIN, [w])
    assert (log.day(day_n(0)).walk_minutes, log.day(day_n(0)).walk_count) == (20, 1)
    assert (log.day(day_n(1)).walk_minutes, log.day(day_n(1)).walk_count) == (20, 0)
    log.remove(w.id)
    assert log.day(day_n(1)).walk_minutes == 0
    assert log.day(day_n(0)).walk_count == 0


def test_latest_report_ties_break_on_id() -> None:
    d = day_n(0)
    a = PainReport("a", at(d), 9)
    b = PainReport("b", at(d), 2)
    assert WalkLog(BERLIN, [a, b]).day(d).pain_level == 2
    assert WalkLog(BERLIN, [b, a]).day(d).pain_level == 2


def test_remove_updates_aggregates() -> None:
    d = day_n(0)
    late = pain(d, 2, hour=20)
    gone_walk, kept_walk = walk(d, 10), walk(d, 7)
    s, alt = stretch(d), alternative(d, 15)
    log = WalkLog(BERLIN, [pain(d, 6), late, gone_walk, kept_walk, s, alt])
    log.remove(late.id)
    log.remove(gone_walk.id)
    log.remove(s.id)
    summary = log.day(d)
    assert (summary.pain_level, summary.walk_minutes, summary.walk_count) == (6, 7, 1)
    assert not summary.stretched
    log.remove(alt.id)
    assert log.day(d).alternative_minutes == 0


def test_set_timezone_recomputes_days() -> None:
    # 23:30 UTC is the next day in Berlin, the same day in New York.
    w = Walk(new_id(), datetime(2025, 6, 2, 23, 30, tzinfo=UTC), 20)
    log = WalkLog(BERLIN, [w])
    assert log.day(date(2025, 6, 3)).walk_minutes == 20
    assert compute_snapshot(log, DEFAULT, at(date(2025, 6, 3))).current_streak == 1
    log.set_timezone(ZoneInfo("America/New_York"))
    assert log.timezone == ZoneInfo("America/New_York")
    assert log.day(date(2025, 6, 3)).walk_minutes == 0
    assert log.day(date(2025, 6, 2)).walk_minutes == 20
    new_york_now = datetime(2025, 6, 3, 12, tzinfo=ZoneInfo("America/New_York"))
    result = compute_snapshot(log, DEFAULT, new_york_now)
    assert (result.day, result.minutes_today, result.current_streak) == (
        date(2025, 6, 3),
        0,
        1,
    )


# --- daily streaks --------------------------------------------------------------------


def test_empty_log_snapshot() -> None:
    result = snap(WalkLog(BERLIN), day_n(2))
    assert result.day == day_n(2)
    assert result.week_start == MONDAY
    assert (result.minutes_today, result.minutes_this_week, result.walks_this_week) == (
        0,
        0,
        0,
    )
    assert (result.current_streak, result.longest_streak, result.weekly_streak) == (
        0,
        0,
        0,
    )
    assert (result.weekly_goal_minutes, result.goal_progress) == (15, 0)
    assert not result.weekly_goal_met
    assert result.last_walk is None
    assert (result.pain_today, result.pain_status) == (None, None)
    assert not result.pain_day
    assert not result.red_flag_today
    assert result.target_minutes_today == 5


def test_snapshot_refuses_naive_now() -> None:
    with pytest.raises(ModelError) as info:
        compute_snapshot(WalkLog(BERLIN), DEFAULT, datetime(2025, 6, 2))  # noqa: DTZ001
    assert info.value.key == "invalid_timestamp"


def test_consecutive_active_days() -> None:
    log = WalkLog(BERLIN, [walk(day_n(i)) for i in range(3)])
    result = snap(log, day_n(2))
    assert (result.current_streak, result.longest_streak) == (3, 3)


def test_below_daily_minimum_is_not_active() -> None:
    log = WalkLog(BERLIN, [walk(day_n(0)), walk(day_n(1), 4.9), walk(day_n(2))])
    assert snap(log, day_n(2)).current_streak == 1
    # Two short walks on one day add up.
    log.add(walk(day_n(1), 0.1, hour=18))
    assert snap(log, day_n(2)).current_streak == 3


def test_minutes_across_midnight_count_where_they_happened() -> None:
    # 6 minutes from 23:58: 2 on day 0, 4 on day 1; neither reaches 5.
    log = WalkLog(BERLIN, [walk(day_n(0), 6, hour=23, minute=58)])
    assert snap(log, day_n(1)).current_streak == 0
    log.add(walk(day_n(1), 1, hour=8))
    assert snap(log, day_n(1)).current_streak == 1


def test_gap_breaks_streak_and_longest_remembers() -> None:
    days = [0, 1, 2, 3, 5, 6]
    log = WalkLog(BERLIN, [walk(day_n(i)) for i in days])
    result = snap(log, day_n(6))
    assert (result.current_streak, result.longest_streak) == (2, 4)
    # A day without a walk after the streak: today is not yet active, yesterday counts.
    assert snap(log, day_n(7)).current_streak == 2
    assert snap(log, day_n(8)).current_streak == 0
    assert snap(log, day_n(8)).longest_streak == 4


def test_today_not_yet_active_keeps_yesterdays_streak() -> None:
    log = WalkLog(BERLIN, [walk(day_n(i)) for i in range(3)])
    morning = compute_snapshot(log, DEFAULT, at(day_n(3), 7))
    assert morning.current_streak == 3
    log.add(walk(day_n(3), 3))
    assert snap(log, day_n(3)).current_streak == 3
    log.add(walk(day_n(3), 3, hour=17))
    assert snap(log, day_n(3)).current_streak == 4


def test_current_run_is_the_longest() -> None:
    log = WalkLog(BERLIN, [walk(day_n(i)) for i in (0, 1, 3, 4, 5)])
    result = snap(log, day_n(5))
    assert (result.current_streak, result.longest_streak) == (3, 3)


@pytest.mark.parametrize("excuse", [stretch, alternative])
def test_excused_pain_day_neither_breaks_nor_extends(excuse: object) -> None:
    assert callable(excuse)
    log = WalkLog(
        BERLIN, [walk(day_n(0)), walk(day_n(1)), pain(day_n(2), 6), walk(day_n(3))]
    )
    assert snap(log, day_n(3)).current_streak == 1  # unexcused pain day breaks
    log.add(excuse(day_n(2)))
    result = snap(log, day_n(3))
    assert (result.current_streak, result.longest_streak) == (3, 3)


def test_excuse_needs_a_pain_day() -> None:
    log = WalkLog(
        BERLIN, [walk(day_n(0)), pain(day_n(1), 4), stretch(day_n(1)), walk(day_n(2))]
    )
    assert snap(log, day_n(2)).current_streak == 1
    # The latest report decides: an early 6 that eased to 2 is not a pain day.
    log = WalkLog(
        BERLIN,
        [
            walk(day_n(0)),
            pain(day_n(1), 6, hour=8),
            pain(day_n(1), 2, hour=18),
            stretch(day_n(1)),
            walk(day_n(2)),
        ],
    )
    assert snap(log, day_n(2)).current_streak == 1


def test_excused_today_and_excused_yesterday() -> None:
    log = WalkLog(
        BERLIN, [walk(day_n(0)), walk(day_n(1)), pain(day_n(2), 9), stretch(day_n(2))]
    )
    assert snap(log, day_n(2)).current_streak == 2  # today excused
    assert (
        snap(log, day_n(3)).current_streak == 2
    )  # yesterday excused, today not yet active
    assert snap(log, day_n(4)).current_streak == 0


def test_active_pain_day_still_counts() -> None:
    log = WalkLog(
        BERLIN, [walk(day_n(0)), walk(day_n(1)), pain(day_n(1), 6), stretch(day_n(1))]
    )
    assert snap(log, day_n(1)).current_streak == 2


def test_excused_days_alone_make_no_streak() -> None:
    log = WalkLog(
        BERLIN,
        [pain(day_n(0), 6), stretch(day_n(0)), pain(day_n(1), 6), stretch(day_n(1))],
    )
    result = snap(log, day_n(1))
    assert (result.current_streak, result.longest_streak) == (0, 0)


def test_history_before_now_only() -> None:
    log = WalkLog(BERLIN, [walk(day_n(i)) for i in range(10, 14)])
    before = snap(log, day_n(0))
    assert (before.current_streak, before.longest_streak, before.weekly_streak) == (
        0,
        0,
        0,
    )
    assert before.target_minutes_today == 5
    assert before.last_walk is None
    # Days after today do not make the longest streak.
    log.add(walk(day_n(0)))
    assert snap(log, day_n(0)).longest_streak == 1
    assert snap(log, day_n(13)).longest_streak == 4


# --- cache invalidation ---------------------------------------------------------------


def test_changes_in_the_past_update_cached_streaks() -> None:
    log = WalkLog(BERLIN, [walk(day_n(i)) for i in (0, 1, 3, 4)])
    assert snap(log, day_n(4)).current_streak == 2
    filler = walk(day_n(2))
    log.add(filler)
    assert snap(log, day_n(4)).current_streak == 5
    log.remove(filler.id)
    assert snap(log, day_n(4)).current_streak == 2
    # Before the first record: the cache must start again from an earlier day.
    log.add(walk(day_n(-1)))
    assert snap(log, day_n(1)).longest_streak == 3
    log.add(pain(day_n(2), 5))
    log.add(stretch(day_n(2)))
    assert snap(log, day_n(4)).current_streak == 5


def test_removing_the_first_record_keeps_results_right() -> None:
    first = walk(day_n(-14))
    log = WalkLog(BERLIN, [first, walk(day_n(0)), walk(day_n(1))])
    assert snap(log, day_n(1)).longest_streak == 2
    log.remove(first.id)
    result = snap(log, day_n(1))
    assert (result.longest_streak, result.target_minutes_today) == (2, 5)
    for record in log.records():
        log.remove(record.id)
    assert snap(log, day_n(1)) == snap(WalkLog(BERLIN), day_n(1))


def test_settings_change_recomputes() -> None:
    log = WalkLog(BERLIN, [walk(day_n(i), 10) for i in range(4)])
    assert snap(log, day_n(3)).current_streak == 4
    strict = Settings(daily_minimum_minutes=15)
    assert snap(log, day_n(3), strict).current_streak == 0
    assert snap(log, day_n(3)).current_streak == 4


# --- weekly goal and streak -----------------------------------------------------------


def test_weekly_goal_progress() -> None:
    """The goal is walks and minutes (G10): the lesser share is the progress."""
    log = WalkLog(BERLIN, [walk(day_n(0), 10), walk(day_n(1), 0.5, hour=8)])
    result = snap(log, day_n(2))
    # Half a minute adds its minutes but is no walk (shorter than the daily minimum).
    assert (result.minutes_this_week, result.walks_this_week) == (10.5, 1)
    assert (result.weekly_walks_needed, result.weekly_goal_minutes) == (3, 15)
    assert result.goal_progress == 33.3
    assert not result.weekly_goal_met
    log.add(walk(day_n(2), 4))
    assert snap(log, day_n(2)).walks_this_week == 1
    log.add(walk(day_n(2), 30, hour=18))
    result = snap(log, day_n(2))
    assert (result.walks_this_week, result.goal_progress, result.minutes_today) == (
        2,
        66.7,
        34,
    )
    assert not result.weekly_goal_met
    log.add(walk(day_n(3), 5))
    result = snap(log, day_n(3))
    assert (result.walks_this_week, result.goal_progress, result.weekly_goal_met) == (
        3,
        100,
        True,
    )


def test_one_long_walk_does_not_meet_a_three_walk_goal() -> None:
    log = WalkLog(BERLIN, [walk(day_n(0), 90)])
    result = snap(log, day_n(0))
    assert (result.walks_this_week, result.weekly_goal_met) == (1, False)
    assert result.goal_progress == 33.3


def test_goal_met_exactly() -> None:
    log = WalkLog(BERLIN, [walk(day_n(i), 5) for i in range(3)])
    result = snap(log, day_n(2))
    assert result.weekly_goal_met
    assert result.goal_progress == 100


def test_walk_days_count_once_when_the_profile_says_so() -> None:
    log = WalkLog(BERLIN, [walk(day_n(0), 5, hour=h) for h in (8, 12, 18)])
    assert snap(log, day_n(0)).weekly_goal_met
    days = Settings(count_walk_days=True)
    result = snap(log, day_n(0), days)
    assert (result.walks_this_week, result.weekly_goal_met) == (1, False)


def test_pain_days_prorate_the_weekly_goal() -> None:
    """Days that were pain days ask for fewer walks: ceil(walks x free days / 7)."""
    records = [pain(day_n(i), 6) for i in range(3)] + [walk(day_n(4), 5)]
    log = WalkLog(BERLIN, records)
    result = snap(log, day_n(4))
    # 3 walks x 4 of 7 days, rounded up: 2 walks of 5 minutes.
    assert (result.weekly_walks_needed, result.weekly_goal_minutes) == (2, 10)
    assert not result.weekly_goal_met
    log.add(walk(day_n(5), 5))
    assert snap(log, day_n(5)).weekly_goal_met
    # Every day a pain day: nothing is asked, the week keeps the weekly streak.
    log = WalkLog(BERLIN, [pain(day_n(i), 6) for i in range(7)])
    result = snap(log, day_n(6))
    assert (result.weekly_walks_needed, result.goal_progress) == (0, 100)
    assert result.weekly_goal_met


def test_walk_across_week_boundary_splits() -> None:
    # Sunday 23:50 for 20 minutes: 10 in the old week, 10 in the new.
    log = WalkLog(BERLIN, [walk(day_n(6), 20, hour=23, minute=50)])
    assert snap(log, day_n(6)).minutes_this_week == 10
    result = snap(log, day_n(7))
    assert (result.minutes_this_week, result.walks_this_week, result.week_start) == (
        10,
        0,
        day_n(7),
    )


@pytest.mark.parametrize(
    ("first_weekday", "week_start", "minutes"),
    [
        (0, day_n(0), 25),  # Monday: days 0..6
        (6, day_n(-1), 30),  # Sunday: days -1..5
        (2, day_n(2), 15),  # Wednesday: days 2..8
    ],
)
def test_first_weekday(first_weekday: int, week_start: date, minutes: float) -> None:
    log = WalkLog(
        BERLIN,
        [
            walk(day_n(-1), 10),
            walk(day_n(1), 10),
            walk(day_n(3), 10),
            walk(day_n(6), 5),
        ],
    )
    settings = Settings(first_weekday=first_weekday)
    result = snap(log, day_n(3), settings)
    assert result.week_start == week_start
    assert result.minutes_this_week == minutes


def test_weekly_streak_counts_current_week_once_met() -> None:
    log = WalkLog(BERLIN, met_week(0, DEFAULT, 5))
    # Week 0 met its 3 walks of 5 minutes; week 1 missed (target 10 after stepping up).
    result = snap(log, day_n(14))
    assert (result.weekly_goal_minutes, result.weekly_goal_met) == (30, False)
    assert result.weekly_streak == 0
    for record in met_week(1, DEFAULT, 10):
        log.add(record)
    result = snap(log, day_n(14))
    assert (result.weekly_goal_minutes, result.weekly_goal_met) == (45, False)
    assert result.weekly_streak == 2  # the current week does not count until met
    for record in met_week(2, DEFAULT, 15):
        log.add(record)
    result = snap(log, day_n(16))
    assert (result.weekly_goal_met, result.weekly_streak) == (True, 3)
    # A new week, not yet met: the streak stands at the completed weeks.
    assert snap(log, day_n(21)).weekly_streak == 3
    assert snap(log, day_n(28)).weekly_streak == 0


# --- the plan (G10) -------------------------------------------------------------------


def met_week(week: int, settings: Settings, per_walk: float) -> list[Walk]:
    return [walk(day_n(7 * week + i), per_walk) for i in range(settings.walks_per_week)]


def test_plan_steps_up_to_target_and_caps() -> None:
    log = WalkLog(BERLIN)
    targets = []
    for week in range(8):
        today = day_n(7 * week)
        target = snap(log, today).target_minutes_today
        targets.append(target)
        for record in met_week(week, DEFAULT, target):
            log.add(record)
    assert targets == [5, 10, 15, 20, 25, 30, 30, 30]
    assert snap(log, day_n(7 * 8)).weekly_streak == 8


def test_plan_holds_when_goal_missed() -> None:
    """One walk a week is not three: the plan does not step up after it."""
    log = WalkLog(BERLIN, [walk(day_n(0), 40)])
    assert snap(log, day_n(7)).target_minutes_today == 5
    # A 1-minute press of start and finish is no walk either.
    log.add(walk(day_n(1), 1))
    log.add(walk(day_n(2), 1))
    assert snap(log, day_n(7)).target_minutes_today == 5
    log.add(walk(day_n(3), 5))
    log.add(walk(day_n(4), 5))
    assert snap(log, day_n(7)).target_minutes_today == 10


def test_plan_holds_on_pain_week() -> None:
    log = WalkLog(BERLIN, [*met_week(0, DEFAULT, 10), pain(day_n(3), 5)])
    assert snap(log, day_n(7)).target_minutes_today == 5
    # A mild week steps up as usual.
    log = WalkLog(BERLIN, [*met_week(0, DEFAULT, 10), pain(day_n(3), 4)])
    assert snap(log, day_n(7)).target_minutes_today == 10


def test_plan_steps_back_on_red_flag() -> None:
    settings = Settings(starting_minutes=10)
    records = [
        *met_week(0, settings, 10),
        *met_week(1, settings, 15),
        *met_week(2, settings, 20),
    ]
    log = WalkLog(BERLIN, records)
    assert snap(log, day_n(21), settings).target_minutes_today == 25
    # Any red-flag report in a week steps back, even when a later report is lower.
    log.add(pain(day_n(15), 8, hour=7))
    log.add(pain(day_n(15), 1, hour=19))
    assert snap(log, day_n(21), settings).target_minutes_today == 15
    # Never below where the plan began.
    log.add(pain(day_n(1), 9))
    log.add(pain(day_n(8), 10))
    assert snap(log, day_n(14), settings).target_minutes_today == 10
    assert snap(log, day_n(21), settings).target_minutes_today == 10


def test_plan_big_steps_cap_and_floor() -> None:
    settings = Settings(starting_minutes=10, target_minutes=20, step_minutes=15)
    log = WalkLog(BERLIN, met_week(0, settings, 10))
    assert snap(log, day_n(7), settings).target_minutes_today == 20
    log.add(pain(day_n(10), 8))
    assert snap(log, day_n(14), settings).target_minutes_today == 10


def test_plan_starts_at_first_record_week() -> None:
    log = WalkLog(BERLIN, [stretch(day_n(0)), *met_week(2, DEFAULT, 5)])
    # Week 0 and 1 held (no walks), week 2 met: week 3 steps up once.
    result = snap(log, day_n(21))
    assert result.target_minutes_today == 10
    assert result.weekly_goal_minutes == 30


def test_goal_uses_weeks_plan_target() -> None:
    log = WalkLog(BERLIN, met_week(0, DEFAULT, 5))
    result = snap(log, day_n(8))
    assert (result.target_minutes_today, result.weekly_goal_minutes) == (10, 30)


# --- today's pain ---------------------------------------------------------------------


def test_pain_today_fields() -> None:
    d = day_n(0)
    log = WalkLog(BERLIN, [pain(d, 9, hour=7), pain(d, 3, hour=8)])
    result = snap(log, d)
    assert (result.pain_today, result.pain_status, result.pain_day) == (
        3,
        PainStatus.MILD,
        False,
    )
    # Today's pain is the latest report: a lower one (a corrected mis-tap) ends the
    # red flag, so every view of today agrees.
    assert not result.red_flag_today
    log.add(pain(d, 6, hour=9))
    result = snap(log, d)
    assert (result.pain_today, result.pain_status, result.pain_day) == (
        6,
        PainStatus.PAIN_DAY,
        True,
    )
    log.add(pain(d, 8, hour=10))
    result = snap(log, d)
    assert (result.pain_status, result.pain_day, result.red_flag_today) == (
        PainStatus.RED_FLAG,
        True,
        True,
    )
    # Yesterday's report is not today's pain.
    assert snap(log, day_n(1)).pain_today is None


def test_no_red_flag_below_level() -> None:
    log = WalkLog(BERLIN, [pain(day_n(0), 7)])
    assert not snap(log, day_n(0)).red_flag_today


def test_totals_do_not_depend_on_order() -> None:
    # Plain float sums differ by order (0.1 + 0.2 + 0.3 != 0.3 + 0.2 + 0.1); fsum does not.
    d = day_n(0)
    walks = [walk(d, minutes, hour=8 + i) for i, minutes in enumerate([0.1, 0.2, 0.3])]
    forward, backward = WalkLog(BERLIN), WalkLog(BERLIN)
    for record in walks:
        forward.add(record)
    for record in reversed(walks):
        backward.add(record)
    assert forward.day(d).walk_minutes == backward.day(d).walk_minutes == 0.6
    assert snap(forward, d) == snap(backward, d)
