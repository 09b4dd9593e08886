"""Days, weeks, streaks, scheduled walks and nudges across DST, in four zones.

What the other model tests leave out: Pacific/Chatham (DST moves +12:45 to +13:45,
at 02:45 local), instants drawn right around each zone's real transitions rather than
anywhere in a year, first weekdays other than Monday, and whole-year partitions.
Europe/Berlin and America/New_York shift by an hour at night; Australia/Lord_Howe
shifts by half an hour, so its days last 23.5 and 24.5 hours.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
import math
from zoneinfo import ZoneInfo

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.backwalk.model import (
    Condition,
    ModelError,
    NudgeContext,
    NudgeType,
    PainStatus,
    Schedule,
    Settings,
    Walk,
    WalkLog,
    compute_snapshot,
    day_start,
    due_nudges,
    local_day,
    new_id,
    red_flag_now,
    walks_between,
    week_days,
    week_start,
)
from custom_components.backwalk.model.schedule import at_wall_time
from tests.model.languages import EVERY_LANGUAGE, EXERCISE_WORDS

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
CHATHAM = ZoneInfo("Pacific/Chatham")
ZONES = [NEW_YORK, BERLIN, LORD_HOWE, CHATHAM]
YEARS = range(2024, 2028)
HOUR = 3600.0
# Real day lengths, in hours, in each zone: DST moves clocks by one hour or by half.
DAY_HOURS = {
    NEW_YORK: {23.0, 24.0, 25.0},
    BERLIN: {23.0, 24.0, 25.0},
    LORD_HOWE: {23.5, 24.0, 24.5},
    CHATHAM: {23.0, 24.0, 25.0},
}


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def hours_long(day: date, tz: ZoneInfo) -> float:
    """Real length of a local day (through UTC: same-zone subtraction is wall time)."""
    start = utc(day_start(day, tz))
    return (utc(day_start(day + timedelta(days=1), tz)) - start).total_seconds() / HOUR


def find_transitions(tz: ZoneInfo) -> list[datetime]:
    """Every instant in YEARS at which the zone's offset changes, to the second, in UTC."""
    found: list[datetime] = []
    moment = datetime(YEARS.start, 1, 1, tzinfo=UTC)
    end = datetime(YEARS.stop, 1, 1, tzinfo=UTC)
    offset = moment.astimezone(tz).utcoffset()
    step = timedelta(hours=6)
    while moment < end:
        following = moment + step
        if following.astimezone(tz).utcoffset() != offset:
            # The first second with the new offset.
            low, high = 0, int(step.total_seconds())
            while high - low > 1:
                middle = (low + high) // 2
                probe = moment + timedelta(seconds=middle)
                if probe.astimezone(tz).utcoffset() == offset:
                    low = middle
                else:
                    high = middle
            found.append(moment + timedelta(seconds=high))
            offset = following.astimezone(tz).utcoffset()
        moment = following
    return found


TRANSITIONS = {tz: find_transitions(tz) for tz in ZONES}


@st.composite
def zone_and_instant(draw: st.DrawFn) -> tuple[ZoneInfo, datetime]:
    """A zone and an instant, mostly within two days of one of its DST changes."""
    tz = draw(st.sampled_from(ZONES))
    near = draw(st.booleans())
    if near:
        base = draw(st.sampled_from(TRANSITIONS[tz]))
        offset = draw(
            st.timedeltas(min_value=timedelta(days=-2), max_value=timedelta(days=2))
        )
        return tz, base + offset
    moment = draw(
        st.datetimes(
            min_value=datetime(YEARS.start, 1, 1),  # noqa: DTZ001
            max_value=datetime(YEARS.stop - 1, 12, 31),  # noqa: DTZ001
            timezones=st.just(UTC),
        )
    )
    return tz, moment


@st.composite
def zone_and_day(draw: st.DrawFn) -> tuple[ZoneInfo, date]:
    """A zone and a local day, mostly within a week of one of its DST changes."""
    tz, moment = draw(zone_and_instant())
    shift = draw(st.integers(-7, 7))
    return tz, local_day(moment, tz) + timedelta(days=shift)


# Wall times: any minute, and the ones DST makes interesting in these zones. fold=0, as
# time.fromisoformat gives the runtime (fold=1 would ask for a repeated hour's second pass).
wall_times = st.times().map(
    lambda value: value.replace(second=0, microsecond=0, fold=0)
) | (
    st.sampled_from(
        [
            time(0, 0),
            time(1, 30),
            time(1, 59),
            time(2, 0),
            time(2, 15),
            time(2, 30),
            time(2, 45),
            time(3, 0),
            time(3, 15),
            time(3, 45),
            time(23, 59),
        ]
    )
)


def test_each_zone_changes_twice_a_year() -> None:
    # The strategies above lean on these: two changes a year, by the expected amount.
    for tz, changes in TRANSITIONS.items():
        assert len(changes) == 2 * len(YEARS), tz
        for change in changes:
            before = (change - timedelta(seconds=1)).astimezone(tz).utcoffset()
            after = change.astimezone(tz).utcoffset()
            assert before is not None
            assert after is not None
            shift = abs(after - before)
            assert shift == (
                timedelta(minutes=30) if tz is LORD_HOWE else timedelta(hours=1)
            )


# --- days ------------------------------------------------------------------------------


@pytest.mark.parametrize("tz", ZONES, ids=str)
@pytest.mark.parametrize("year", YEARS)
def test_a_year_of_days_tiles_real_time(tz: ZoneInfo, year: int) -> None:
    """Day starts increase, each day lasts 23-25 h, and the year adds up to whole days."""
    first = date(year, 1, 1)
    days = [first + timedelta(days=n) for n in range(366 if year % 4 == 0 else 365)]
    lengths = [hours_long(day, tz) for day in days]
    assert set(lengths) == DAY_HOURS[tz]
    # One short day and one long day a year, the rest 24 hours.
    assert sum(1 for hours in lengths if hours < 24) == 1
    assert sum(1 for hours in lengths if hours > 24) == 1
    # 1 January has the same offset every year here, so the year is whole days long.
    assert math.fsum(lengths) == 24 * len(days)
    for day in days:
        start = day_start(day, tz)
        assert local_day(start, tz) == day
        assert start.astimezone(tz).time() == time(0)


@settings(max_examples=300, deadline=None, database=None)
@given(zone_day=zone_and_day())
def test_consecutive_days_start_in_order(zone_day: tuple[ZoneInfo, date]) -> None:
    tz, day = zone_day
    start = utc(day_start(day, tz))
    following = utc(day_start(day + timedelta(days=1), tz))
    assert start < following
    assert (following - start).total_seconds() / HOUR in DAY_HOURS[tz]
    # The instant before a day starts belongs to the day before.
    assert local_day(start - timedelta(microseconds=1), tz) == day - timedelta(days=1)
    assert local_day(following - timedelta(microseconds=1), tz) == day


# --- weeks -----------------------------------------------------------------------------


@pytest.mark.parametrize("first_weekday", range(7))
@pytest.mark.parametrize("tz", ZONES, ids=str)
def test_every_day_of_a_year_is_in_exactly_one_week(
    tz: ZoneInfo, first_weekday: int
) -> None:
    """A year's days fall into weeks that begin on the chosen weekday and never overlap."""
    first = date(2025, 1, 1)
    days = [first + timedelta(days=n) for n in range(365)]
    weeks: dict[date, list[date]] = {}
    for day in days:
        week = week_start(day, first_weekday)
        assert week.weekday() == first_weekday
        assert day in week_days(week)
        weeks.setdefault(week, []).append(day)
    # Every full week holds exactly its seven days; only the ends of the year are cut.
    ordered = sorted(weeks)
    for week in ordered[1:-1]:
        assert weeks[week] == week_days(week)
    assert sum(len(members) for members in weeks.values()) == len(days)
    for earlier, later in pairwise(ordered):
        assert later - earlier == timedelta(days=7)
    # In real time a week lasts 168 hours, give or take its DST change.
    for week in ordered:
        start = utc(day_start(week, tz))
        end = utc(day_start(week + timedelta(days=7), tz))
        hours = (end - start).total_seconds() / HOUR
        assert hours in {168 + delta - 24 for delta in DAY_HOURS[tz]}


@settings(max_examples=300, deadline=None, database=None)
@given(zone_instant=zone_and_instant(), first_weekday=st.integers(0, 6))
def test_an_instant_is_in_one_day_and_one_week(
    zone_instant: tuple[ZoneInfo, datetime], first_weekday: int
) -> None:
    tz, moment = zone_instant
    day = local_day(moment, tz)
    week = week_start(day, first_weekday)
    assert week.weekday() == first_weekday
    assert 0 <= (day - week).days < 7
    assert utc(day_start(day, tz)) <= moment < utc(day_start(day + timedelta(1), tz))
    assert utc(day_start(week, tz)) <= moment < utc(day_start(week + timedelta(7), tz))
    # The week of the day before the week, and after it, are the neighbouring weeks.
    assert week_start(week - timedelta(days=1), first_weekday) == week - timedelta(7)
    assert week_start(week + timedelta(days=7), first_weekday) == week + timedelta(7)


@settings(max_examples=200, deadline=None, database=None)
@given(
    zone_instant=zone_and_instant(),
    minutes=st.floats(min_value=0.01, max_value=600),
    first_weekday=st.integers(0, 6),
)
def test_a_walk_counts_once_across_days_and_weeks(
    zone_instant: tuple[ZoneInfo, datetime], minutes: float, first_weekday: int
) -> None:
    """Summed over the days and the weeks it touches, a walk counts its minutes once."""
    tz, start = zone_instant
    walk = Walk(new_id(), start, minutes)
    log = WalkLog(tz, [walk])
    first, last = local_day(walk.start, tz), local_day(walk.end, tz)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    summaries = [log.day(day) for day in days]
    assert math.isclose(
        math.fsum(summary.walk_minutes for summary in summaries), minutes
    )
    assert [summary.walk_count for summary in summaries] == [1] + [0] * (len(days) - 1)
    # Nothing is counted on the days either side.
    assert log.day(first - timedelta(days=1)).walk_minutes == 0
    assert log.day(last + timedelta(days=1)).walk_minutes == 0

    user = Settings(first_weekday=first_weekday)
    weeks = sorted({week_start(day, first_weekday) for day in days})
    snapshots = [
        # Noon on the week's last day is inside the week whatever its DST.
        compute_snapshot(
            log, user, datetime.combine(week + timedelta(days=6), time(12), tz)
        )
        for week in weeks
    ]
    assert [snapshot.week_start for snapshot in snapshots] == weeks
    assert math.isclose(
        math.fsum(snapshot.minutes_this_week for snapshot in snapshots), minutes
    )
    # One of the week's walks, in one week only, when it lasts the daily minimum.
    counted = 1 if minutes >= user.daily_minimum_minutes else 0
    assert sum(snapshot.walks_this_week for snapshot in snapshots) == counted


# --- streaks ---------------------------------------------------------------------------


@settings(max_examples=150, deadline=None, database=None)
@given(
    zone_day=zone_and_day(),
    count=st.integers(1, 21),
    first_weekday=st.integers(0, 6),
    minimum=st.integers(1, 30),
    share=st.floats(min_value=0, max_value=1),
)
def test_n_active_days_make_a_streak_of_n(
    zone_day: tuple[ZoneInfo, date],
    count: int,
    first_weekday: int,
    minimum: int,
    share: float,
) -> None:
    """N consecutive days with enough walking make a streak of N, DST or not."""
    tz, first = zone_day
    days = [first + timedelta(days=n) for n in range(count)]
    walks = []
    for day in days:
        # Anywhere in the day that leaves room for the walk, even in a DST hour.
        room = hours_long(day, tz) * 60 - minimum
        start = utc(day_start(day, tz)) + timedelta(minutes=room * share)
        walks.append(Walk(new_id(), start, minimum))
    log = WalkLog(tz, walks)
    user = Settings(first_weekday=first_weekday, daily_minimum_minutes=minimum)

    def streaks_at(moment: datetime) -> tuple[int, int]:
        snapshot = compute_snapshot(log, user, moment)
        return snapshot.current_streak, snapshot.longest_streak

    last = days[-1]
    # As the last walk ends, later that day, and all of the next day.
    assert streaks_at(walks[-1].end - timedelta(microseconds=1)) == (count, count)
    next_day = utc(day_start(last + timedelta(days=1), tz))
    assert streaks_at(next_day - timedelta(microseconds=1)) == (count, count)
    assert streaks_at(next_day) == (count, count)
    # The day after that, nothing logged on two days: the streak is over.
    after = utc(day_start(last + timedelta(days=2), tz))
    assert streaks_at(after) == (0, count)
    # Mid-way, the streak is as long as the days so far (a walk may end at midnight).
    middle = count // 2
    during = walks[middle].end - timedelta(microseconds=1)
    assert streaks_at(during)[0] == middle + 1


# --- scheduled walks -------------------------------------------------------------------


@settings(max_examples=300, deadline=None, database=None)
@given(
    zone_instant=zone_and_instant(),
    walk_days=st.frozensets(st.integers(0, 6), min_size=1),
    wall=wall_times,
    span=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=10)),
)
def test_scheduled_walks_are_unique_ordered_and_complete(
    zone_instant: tuple[ZoneInfo, datetime],
    walk_days: frozenset[int],
    wall: time,
    span: timedelta,
) -> None:
    """Across a DST change: one walk per scheduled local day, in order, at its wall time."""
    tz, start = zone_instant
    end = start + span
    schedule = Schedule(walk_days, wall)
    walks = walks_between(schedule, tz, start, end)
    assert walks == sorted(set(walks))
    assert all(start <= walk < end for walk in walks)
    local_days = [local_day(walk, tz) for walk in walks]
    # No local day twice: the repeated hour does not repeat a walk.
    assert len(set(local_days)) == len(local_days)
    for walk, day in zip(walks, local_days, strict=True):
        # None of these zones jumps over midnight, so a walk keeps its weekday.
        assert day.weekday() in walk_days
        shown = walk.astimezone(tz)
        assert shown.fold == 0
        gap = datetime.combine(day, wall, tzinfo=tz)
        if utc(gap).astimezone(tz).replace(tzinfo=None) == gap.replace(tzinfo=None):
            assert shown.time() == wall
        else:
            # A wall time the clocks skip is shown as late as it was into the gap.
            assert shown.time() > wall
    # Complete: every scheduled local day whose walk lies in the window is there.
    expected = []
    day = local_day(start, tz) - timedelta(days=1)
    while day <= local_day(end, tz) + timedelta(days=1):
        if day.weekday() in walk_days:
            moment = at_wall_time(day, wall, tz)
            if start <= moment < end:
                expected.append(moment)
        day += timedelta(days=1)
    assert walks == expected


# --- nudges ----------------------------------------------------------------------------

schedules = st.builds(
    Schedule,
    walk_days=st.frozensets(st.integers(0, 6), min_size=1),
    walk_time=wall_times,
    stretch_lead_minutes=st.integers(0, 120),
    check_in_after_minutes=st.integers(15, 720),
) | st.builds(
    Schedule,
    walk_days=st.frozensets(st.integers(0, 6), min_size=1),
    walk_time=wall_times,
    stretch_lead_minutes=st.integers(0, 120),
    check_in_after_minutes=st.integers(15, 720),
    quiet_start=wall_times,
    quiet_end=wall_times,
)
contexts = st.builds(
    NudgeContext,
    name=st.just("Ana"),
    condition=st.sampled_from(Condition),
    today_pain_status=st.sampled_from(PainStatus),
    target_minutes=st.integers(5, 180),
    messages=st.sampled_from(EVERY_LANGUAGE),
)
steps = st.lists(
    st.timedeltas(min_value=timedelta(minutes=20), max_value=timedelta(hours=9)),
    min_size=1,
    max_size=10,
)
# How long the nudge drivers run: from half a day before the drawn instant (often a
# DST change) to four days after, the drawn steps repeated as needed.
DRIVE = timedelta(days=4, hours=12)


def clock(start: datetime, steps: list[timedelta]) -> list[datetime]:
    """The moments a caller checks at: the steps, in turn, over DRIVE from `start`."""
    moments = [start - timedelta(hours=12)]
    while moments[-1] < start + DRIVE - timedelta(hours=12):
        moments.append(moments[-1] + steps[(len(moments) - 1) % len(steps)])
    return moments


@settings(max_examples=200, deadline=None, database=None)
@given(
    zone_instant=zone_and_instant(),
    schedule=schedules,
    context=contexts,
    steps=steps,
    lag=st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=30)),
)
def test_nudges_come_once_through_dst(
    zone_instant: tuple[ZoneInfo, datetime],
    schedule: Schedule,
    context: NudgeContext,
    steps: list[timedelta],
    lag: timedelta,
) -> None:
    """A caller feeding back what it sent never gets a key twice, in any zone."""
    tz, start = zone_instant
    sent: set[str] = set()
    every: list[str] = []
    for previous, now in pairwise(clock(start, steps)):
        # `since` may lag behind: `sent` alone must prevent repeats.
        since = previous - lag
        nudges = due_nudges(schedule, tz, context, now, since, frozenset(sent))
        for nudge in nudges:
            assert nudge.key not in sent
            assert since < nudge.due <= now
            if nudge.walk_time is not None:
                assert local_day(nudge.walk_time, tz).weekday() in schedule.walk_days
        every.extend(nudge.key for nudge in nudges)
        sent.update(nudge.key for nudge in nudges)
    assert len(every) == len(set(every))


@settings(max_examples=200, deadline=None, database=None)
@given(
    zone_instant=zone_and_instant(),
    schedule=schedules,
    context=contexts,
    steps=steps,
)
def test_red_flag_days_bring_no_exercise_through_dst(
    zone_instant: tuple[ZoneInfo, datetime],
    schedule: Schedule,
    context: NudgeContext,
    steps: list[timedelta],
) -> None:
    """On a red-flag day only the red-flag advice comes, once per local day, in any zone."""
    tz, start = zone_instant
    red = replace(context, today_pain_status=PainStatus.RED_FLAG)
    sent: set[str] = set()
    days_advised: list[date] = []
    for since, now in pairwise(clock(start, steps)):
        nudges = due_nudges(schedule, tz, red, now, since, frozenset(sent))
        immediate = red_flag_now(tz, red, now, frozenset(sent))
        for nudge in [*nudges, *([immediate] if immediate else [])]:
            assert nudge.type is NudgeType.RED_FLAG
            assert nudge.walk_time is None
            exercise = EXERCISE_WORDS[red.messages.language]
            assert not exercise.search(nudge.message)
            assert not exercise.search(nudge.spoken)
            assert nudge.key == f"red_flag:{local_day(now, tz).isoformat()}"
        keys = {nudge.key for nudge in nudges}
        if immediate is not None:
            keys.add(immediate.key)
        # At most one advice per step, and never again the same local day.
        assert len(keys) <= 1
        days_advised.extend(date.fromisoformat(key.split(":")[1]) for key in keys)
        sent.update(keys)
    assert len(days_advised) == len(set(days_advised))


# --- the ends of time ------------------------------------------------------------------


@pytest.mark.parametrize("tz", ZONES, ids=str)
def test_a_walk_before_utc_can_hold_it_is_refused_not_crashed(tz: ZoneInfo) -> None:
    """Midnight of 1 January of year 1 east of UTC has no UTC time: refused in words."""
    first = datetime(1, 1, 1, tzinfo=tz)
    if (first.utcoffset() or timedelta(0)) <= timedelta(0):
        pytest.skip("west of UTC that moment exists in UTC")
    with pytest.raises(ModelError) as error:
        Walk(new_id(), first, 10)
    assert error.value.key == "time_out_of_range"


def test_transitions_are_where_the_zone_database_says() -> None:
    # A few known changes, to check the finder itself.
    assert datetime(2025, 3, 30, 1, tzinfo=UTC) in TRANSITIONS[BERLIN]
    assert datetime(2025, 3, 9, 7, tzinfo=UTC) in TRANSITIONS[NEW_YORK]
    # Lord Howe: 2 a.m. standard time (+10:30) on 5 October 2025 is 15:30 UTC.
    assert datetime(2025, 10, 4, 15, 30, tzinfo=UTC) in TRANSITIONS[LORD_HOWE]
    # Chatham: 2:45 a.m. standard time (+12:45) on 28 September 2025 is 14:00 UTC.
    assert datetime(2025, 9, 27, 14, tzinfo=UTC) in TRANSITIONS[CHATHAM]
    assert bisect_right(TRANSITIONS[CHATHAM], datetime(2026, 1, 1, tzinfo=UTC)) == 4


@pytest.mark.parametrize("first_weekday", range(1, 7))
def test_a_walk_on_the_first_day_of_the_calendar(first_weekday: int) -> None:
    """Either refused when logged, or counted: never a crash later on."""
    try:
        walk = Walk(new_id(), datetime(1, 1, 1, 12, tzinfo=UTC), 10)
    except ModelError:
        return
    log = WalkLog(BERLIN, [walk])
    snapshot = compute_snapshot(
        log,
        Settings(first_weekday=first_weekday),
        datetime(2026, 11, 25, 9, tzinfo=UTC),
    )
    assert snapshot.longest_streak == 1
