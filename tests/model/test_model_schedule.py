"""The walking schedule and quiet hours, across DST changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.backwalk.model import (
    ModelError,
    Schedule,
    in_quiet_hours,
    next_walk,
    quiet_end_after,
    walks_between,
)
from custom_components.backwalk.model.schedule import at_wall_time

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
ZONES = [BERLIN, NEW_YORK, LORD_HOWE]
EVERY_DAY = frozenset(range(7))
SUNDAY = frozenset({6})


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def quiet(start: time, end: time, **kwargs: object) -> Schedule:
    return Schedule(
        EVERY_DAY,
        time(8),
        quiet_start=start,
        quiet_end=end,
        **kwargs,  # type: ignore[arg-type]
    )


# --- validation ------------------------------------------------------------------


def test_defaults() -> None:
    schedule = Schedule(frozenset({0, 2, 4}), time(7, 30))
    assert schedule.stretch_lead_minutes == 10
    assert schedule.check_in_after_minutes == 120
    assert schedule.stretch_lead == timedelta(minutes=10)
    assert schedule.check_in_after == timedelta(hours=2)
    assert schedule.quiet_start is None
    assert schedule.quiet_end is None
    assert schedule.has_walks


def test_walk_days_become_a_frozenset() -> None:
    schedule = Schedule([4, 0, 4], time(7))  # type: ignore[arg-type]
    assert schedule.walk_days == frozenset({0, 4})
    assert isinstance(schedule.walk_days, frozenset)
    assert hash(schedule) == hash(Schedule(frozenset({0, 4}), time(7)))


@pytest.mark.parametrize("days", [{7}, {-1}, {True}, {"1"}, 3, None])
def test_unknown_weekday(days: object) -> None:
    with pytest.raises(ModelError) as err:
        Schedule(days, time(7))  # type: ignore[arg-type]
    assert err.value.key == "unknown_weekday"


@pytest.mark.parametrize("lead", [-1, 121, True, 1.5])
def test_stretch_lead_out_of_range(lead: object) -> None:
    with pytest.raises(ModelError) as err:
        Schedule(EVERY_DAY, time(7), stretch_lead_minutes=lead)  # type: ignore[arg-type]
    assert err.value.key == "stretch_lead_out_of_range"
    assert err.value.placeholders == {"min": "0", "max": "120"}


@pytest.mark.parametrize("after", [14, 721, False, "60"])
def test_check_in_after_out_of_range(after: object) -> None:
    with pytest.raises(ModelError) as err:
        Schedule(EVERY_DAY, time(7), check_in_after_minutes=after)  # type: ignore[arg-type]
    assert err.value.key == "check_in_after_out_of_range"
    assert err.value.placeholders == {"min": "15", "max": "720"}


def test_range_edges_are_allowed() -> None:
    Schedule(EVERY_DAY, time(7), stretch_lead_minutes=0, check_in_after_minutes=15)
    Schedule(EVERY_DAY, time(7), stretch_lead_minutes=120, check_in_after_minutes=720)


@pytest.mark.parametrize(("start", "end"), [(time(22), None), (None, time(7))])
def test_quiet_hours_incomplete(start: time | None, end: time | None) -> None:
    with pytest.raises(ModelError) as err:
        Schedule(EVERY_DAY, time(7), quiet_start=start, quiet_end=end)
    assert err.value.key == "quiet_hours_incomplete"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"walk_time": time(7, tzinfo=UTC)},
        {"walk_time": "07:00"},
        {
            "walk_time": time(7),
            "quiet_start": time(22, tzinfo=UTC),
            "quiet_end": time(7),
        },
        {"walk_time": time(7), "quiet_start": time(22), "quiet_end": "07:00"},
    ],
)
def test_invalid_time(kwargs: dict[str, object]) -> None:
    with pytest.raises(ModelError) as err:
        Schedule(EVERY_DAY, **kwargs)  # type: ignore[arg-type]
    assert err.value.key == "invalid_time"


def test_empty_schedule_has_no_walks() -> None:
    schedule = Schedule.empty()
    assert not schedule.has_walks
    now = utc(2025, 6, 1)
    assert walks_between(schedule, BERLIN, now, now + timedelta(days=30)) == []
    assert next_walk(schedule, BERLIN, now) is None
    assert not in_quiet_hours(schedule, BERLIN, now)
    assert Schedule(frozenset(), time(7)).has_walks is False


# --- walks -----------------------------------------------------------------------


def test_walks_on_the_chosen_weekdays() -> None:
    schedule = Schedule(frozenset({0, 2, 4}), time(7, 30))
    # Monday 2 June 2025 to Monday 9 June, Berlin summer time (+2).
    walks = walks_between(schedule, BERLIN, utc(2025, 6, 2), utc(2025, 6, 9))
    assert walks == [
        utc(2025, 6, 2, 5, 30),
        utc(2025, 6, 4, 5, 30),
        utc(2025, 6, 6, 5, 30),
    ]
    assert all(walk.tzinfo is UTC for walk in walks)


def test_walks_between_is_half_open() -> None:
    schedule = Schedule(EVERY_DAY, time(7, 30))
    walk = utc(2025, 6, 2, 5, 30)
    assert walks_between(schedule, BERLIN, walk, walk + timedelta(seconds=1)) == [walk]
    assert walks_between(schedule, BERLIN, walk - timedelta(hours=1), walk) == []
    assert walks_between(schedule, BERLIN, walk, walk) == []
    assert walks_between(schedule, BERLIN, walk, walk - timedelta(hours=1)) == []


def test_walks_between_accepts_any_zone_for_its_bounds() -> None:
    schedule = Schedule(EVERY_DAY, time(7, 30))
    start = datetime(2025, 6, 2, 7, tzinfo=BERLIN)
    end = datetime(2025, 6, 2, 8, tzinfo=BERLIN)
    assert walks_between(schedule, BERLIN, start, end) == [utc(2025, 6, 2, 5, 30)]


def test_late_evening_walk_in_a_zone_ahead_of_utc() -> None:
    # 00:30 on Monday in Lord Howe is Sunday afternoon in UTC.
    schedule = Schedule(frozenset({0}), time(0, 30))
    walks = walks_between(schedule, LORD_HOWE, utc(2025, 6, 1), utc(2025, 6, 3))
    assert walks == [utc(2025, 6, 1, 14)]
    assert walks[0].astimezone(LORD_HOWE).weekday() == 0


def test_naive_bounds_are_refused() -> None:
    schedule = Schedule(EVERY_DAY, time(7))
    with pytest.raises(ModelError) as err:
        walks_between(schedule, BERLIN, datetime(2025, 6, 1), utc(2025, 6, 2))  # noqa: DTZ001
    assert err.value.key == "invalid_timestamp"


@pytest.mark.parametrize(
    ("tz", "wall", "day_utc", "expected"),
    [
        # Spring forward: a time in the gap moves on by the gap.
        (BERLIN, time(2, 30), utc(2025, 3, 29), utc(2025, 3, 30, 1, 30)),
        (NEW_YORK, time(2, 30), utc(2025, 3, 8), utc(2025, 3, 9, 7, 30)),
        # Lord Howe's gap is half an hour: 02:00 to 02:30.
        (LORD_HOWE, time(2, 15), utc(2025, 10, 3), utc(2025, 10, 4, 15, 45)),
        # Fall back: the first of the two occurrences.
        (BERLIN, time(2, 30), utc(2025, 10, 25), utc(2025, 10, 26, 0, 30)),
        (NEW_YORK, time(1, 30), utc(2025, 11, 1), utc(2025, 11, 2, 5, 30)),
        (LORD_HOWE, time(1, 45), utc(2025, 4, 4), utc(2025, 4, 5, 14, 45)),
    ],
)
def test_walks_across_dst(
    tz: ZoneInfo, wall: time, day_utc: datetime, expected: datetime
) -> None:
    schedule = Schedule(SUNDAY, wall)
    assert walks_between(schedule, tz, day_utc, day_utc + timedelta(days=3)) == [
        expected
    ]


def test_gap_over_midnight_moves_the_walk_into_the_next_day() -> None:
    nuuk = ZoneInfo("America/Nuuk")
    # Saturday 29 March 2025 the clocks go from 23:00 straight to Sunday 00:00.
    schedule = Schedule(frozenset({5}), time(23, 30))
    sunday = datetime(2025, 3, 30, tzinfo=nuuk)
    (walk,) = walks_between(schedule, nuuk, sunday, sunday + timedelta(hours=1))
    assert walk.astimezone(nuuk) == datetime(2025, 3, 30, 0, 30, tzinfo=nuuk)
    assert next_walk(schedule, nuuk, sunday) == walk


def test_gap_walk_shows_the_later_wall_time() -> None:
    schedule = Schedule(SUNDAY, time(2, 30))
    (walk,) = walks_between(schedule, BERLIN, utc(2025, 3, 29), utc(2025, 4, 1))
    assert walk.astimezone(BERLIN).time() == time(3, 30)


@pytest.mark.parametrize("tz", ZONES)
def test_a_year_of_daily_walks(tz: ZoneInfo) -> None:
    schedule = Schedule(EVERY_DAY, time(7, 15))
    start = datetime(2025, 1, 1, tzinfo=tz)
    walks = walks_between(schedule, tz, start, datetime(2026, 1, 1, tzinfo=tz))
    days = [walk.astimezone(tz).date() for walk in walks]
    # One walk every local day, each at 07:15 local time whatever the offset.
    assert days == [date(2025, 1, 1) + timedelta(days=n) for n in range(365)]
    assert all(walk.astimezone(tz).time() == time(7, 15) for walk in walks)


def test_next_walk() -> None:
    schedule = Schedule(frozenset({2}), time(7, 30))  # Wednesdays
    walk = utc(2025, 6, 4, 5, 30)
    assert next_walk(schedule, BERLIN, walk) == walk
    assert next_walk(schedule, BERLIN, walk - timedelta(days=6)) == walk
    assert next_walk(schedule, BERLIN, walk + timedelta(seconds=1)) == walk + timedelta(
        days=7
    )


def test_at_wall_time() -> None:
    assert at_wall_time(date(2025, 6, 1), time(12), NEW_YORK) == utc(2025, 6, 1, 16)


# --- quiet hours -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (time(21, 59), False),
        (time(22), True),
        (time(23, 59), True),
        (time(0), True),
        (time(6, 59), True),
        (time(7), False),
        (time(12), False),
    ],
)
def test_quiet_hours_wrapping_midnight(local: time, expected: bool) -> None:
    schedule = quiet(time(22), time(7))
    moment = datetime.combine(date(2025, 6, 2), local, tzinfo=BERLIN)
    assert in_quiet_hours(schedule, BERLIN, moment) is expected


@pytest.mark.parametrize(
    ("local", "expected"),
    [(time(12, 59), False), (time(13), True), (time(14, 59), True), (time(15), False)],
)
def test_quiet_hours_within_a_day(local: time, expected: bool) -> None:
    schedule = quiet(time(13), time(15))
    moment = datetime.combine(date(2025, 6, 2), local, tzinfo=NEW_YORK)
    assert in_quiet_hours(schedule, NEW_YORK, moment) is expected


def test_equal_quiet_times_mean_no_quiet_hours() -> None:
    schedule = quiet(time(22), time(22))
    moment = datetime(2025, 6, 2, 22, tzinfo=BERLIN)
    assert not in_quiet_hours(schedule, BERLIN, moment)
    assert quiet_end_after(schedule, BERLIN, moment) == moment


def test_quiet_end_after() -> None:
    schedule = quiet(time(22), time(7))
    evening = datetime(2025, 6, 2, 23, tzinfo=BERLIN)
    morning = datetime(2025, 6, 3, 5, tzinfo=BERLIN)
    end = utc(2025, 6, 3, 5)  # 07:00 summer time
    assert quiet_end_after(schedule, BERLIN, evening) == end
    assert quiet_end_after(schedule, BERLIN, morning) == end
    assert quiet_end_after(schedule, BERLIN, evening).tzinfo is UTC


def test_quiet_end_after_outside_quiet_hours_is_the_moment() -> None:
    noon = datetime(2025, 6, 2, 12, tzinfo=BERLIN)
    assert quiet_end_after(quiet(time(22), time(7)), BERLIN, noon) == noon
    assert quiet_end_after(quiet(time(22), time(7)), BERLIN, noon).tzinfo is UTC
    assert quiet_end_after(Schedule.empty(), BERLIN, noon) == noon


def test_quiet_end_in_the_spring_gap_moves_on() -> None:
    schedule = quiet(time(22), time(2, 30))
    night = datetime(2025, 3, 29, 23, tzinfo=BERLIN)
    # 02:30 does not exist that night; the quiet hours end at 03:30 summer time.
    assert quiet_end_after(schedule, BERLIN, night) == utc(2025, 3, 30, 1, 30)


def test_quiet_end_in_the_spring_gap_keeps_the_last_minutes_quiet() -> None:
    schedule = quiet(time(4), time(2, 1))
    # 02:01 becomes 03:01 summer time; the minute from 03:00 to 03:01 is still quiet.
    end = utc(2024, 3, 31, 1, 1)
    assert in_quiet_hours(schedule, BERLIN, end - timedelta(seconds=1))
    assert quiet_end_after(schedule, BERLIN, utc(2024, 3, 30, 3)) == end


def test_quiet_window_swallowed_by_the_gap() -> None:
    # Only 02:00-02:01 is not quiet, and on the spring night those wall times both
    # become 03:00-03:01... the end (03:00) comes before the next start (03:01).
    schedule = quiet(time(2, 1), time(2))
    moment = utc(2024, 3, 30, 12)
    assert quiet_end_after(schedule, BERLIN, moment) == utc(2024, 3, 31, 1)
    assert not in_quiet_hours(schedule, BERLIN, utc(2024, 3, 31, 1))
    assert in_quiet_hours(schedule, BERLIN, utc(2024, 3, 31, 1, 1))


def test_gap_moving_the_end_past_the_next_start_joins_two_periods() -> None:
    # Quiet 03:15 to 02:30: on the spring night 02:30 becomes 03:30, after the next
    # period has begun at 03:15, so the quiet hours run on to the following night.
    schedule = quiet(time(3, 15), time(2, 30))
    saturday = utc(2025, 3, 29, 12)
    assert quiet_end_after(schedule, BERLIN, saturday) == utc(2025, 3, 31, 0, 30)


def test_quiet_hours_end_once_in_the_repeated_hour() -> None:
    schedule = quiet(time(22), time(2, 30))
    first_pass = utc(2025, 10, 26, 0, 15)  # 02:15 summer time
    second_pass = utc(2025, 10, 26, 1, 15)  # 02:15 winter time
    assert quiet_end_after(schedule, BERLIN, first_pass) == utc(2025, 10, 26, 0, 30)
    # The clocks show 02:15 again, but the quiet hours already ended.
    assert not in_quiet_hours(schedule, BERLIN, second_pass)
    assert quiet_end_after(schedule, BERLIN, second_pass) == second_pass


def test_quiet_end_in_lord_howe_repeated_half_hour() -> None:
    schedule = quiet(time(22), time(1, 45))
    assert quiet_end_after(schedule, LORD_HOWE, utc(2025, 4, 5, 14, 40)) == utc(
        2025, 4, 5, 14, 45
    )
    assert not in_quiet_hours(schedule, LORD_HOWE, utc(2025, 4, 5, 15))


def test_quiet_hours_across_a_gap_over_midnight() -> None:
    nuuk = ZoneInfo("America/Nuuk")
    # Saturday 29 March 2025 the clocks go from 23:00 straight to Sunday 00:00.
    schedule = quiet(time(23, 30), time(6))
    assert in_quiet_hours(schedule, nuuk, datetime(2025, 3, 30, 0, 45, tzinfo=nuuk))
    assert not in_quiet_hours(schedule, nuuk, datetime(2025, 3, 30, 0, 15, tzinfo=nuuk))
    assert quiet_end_after(
        schedule, nuuk, datetime(2025, 3, 30, 0, 45, tzinfo=nuuk)
    ) == datetime(2025, 3, 30, 6, tzinfo=nuuk)


times = st.times().map(lambda value: value.replace(second=0, microsecond=0))
moments = st.datetimes(
    min_value=datetime(2024, 1, 1),  # noqa: DTZ001
    max_value=datetime(2027, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@settings(max_examples=300, deadline=None)
@given(
    tz=st.sampled_from([*ZONES, ZoneInfo("America/Nuuk")]),
    start=times,
    end=times,
    moment=moments,
)
def test_quiet_end_is_the_first_moment_out_of_quiet(
    tz: ZoneInfo, start: time, end: time, moment: datetime
) -> None:
    schedule = quiet(start, end)
    result = quiet_end_after(schedule, tz, moment)
    if not in_quiet_hours(schedule, tz, moment):
        assert result == moment
        return
    assert result > moment
    # Longer than a day only when a gap swallows the whole time between two periods.
    assert result - moment < timedelta(days=2, hours=1)
    assert not in_quiet_hours(schedule, tz, result)
    # Still quiet just before the end, and at the halfway point.
    assert in_quiet_hours(schedule, tz, result - timedelta(seconds=1))
    assert in_quiet_hours(schedule, tz, moment + (result - moment) / 2)


@settings(max_examples=200, deadline=None)
@given(
    tz=st.sampled_from(ZONES),
    days=st.frozensets(st.integers(0, 6), min_size=1),
    wall=times,
    moment=moments,
)
def test_next_walk_is_the_first_of_walks_between(
    tz: ZoneInfo, days: frozenset[int], wall: time, moment: datetime
) -> None:
    schedule = Schedule(days, wall)
    walk = next_walk(schedule, tz, moment)
    assert walk is not None
    assert walk >= moment
    assert walk.astimezone(tz).weekday() in days
    assert walks_between(schedule, tz, moment, walk) == []
