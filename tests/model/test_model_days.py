"""Local days and weeks across DST changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
import math
from zoneinfo import ZoneInfo

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.backwalk.model import (
    ModelError,
    day_start,
    local_day,
    split_minutes_by_day,
    week_days,
    week_start,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
SANTIAGO = ZoneInfo("America/Santiago")
HAVANA = ZoneInfo("America/Havana")
APIA = ZoneInfo("Pacific/Apia")


def hours_long(day: date, tz: ZoneInfo) -> float:
    """Real length of a local day (UTC subtraction: same-zone subtraction is wall time)."""
    start = day_start(day, tz).astimezone(UTC)
    end = day_start(day + timedelta(days=1), tz).astimezone(UTC)
    return (end - start).total_seconds() / 3600


def test_local_day() -> None:
    moment = datetime(2025, 6, 1, 22, 30, tzinfo=UTC)
    assert local_day(moment, BERLIN) == date(2025, 6, 2)
    assert local_day(moment, NEW_YORK) == date(2025, 6, 1)
    assert local_day(moment, UTC) == date(2025, 6, 1)


def test_local_day_refuses_naive() -> None:
    with pytest.raises(ModelError) as info:
        local_day(datetime(2025, 6, 1), BERLIN)  # noqa: DTZ001
    assert info.value.key == "invalid_timestamp"


@pytest.mark.parametrize(
    ("tz", "day", "offset", "hours"),
    [
        (BERLIN, date(2025, 3, 30), timedelta(hours=1), 23),  # spring forward
        (BERLIN, date(2025, 3, 31), timedelta(hours=2), 24),
        (BERLIN, date(2025, 10, 26), timedelta(hours=2), 25),  # fall back
        (NEW_YORK, date(2025, 3, 9), timedelta(hours=-5), 23),
        (NEW_YORK, date(2025, 11, 2), timedelta(hours=-4), 25),
        (LORD_HOWE, date(2025, 10, 5), timedelta(hours=10, minutes=30), 23.5),
        (LORD_HOWE, date(2025, 4, 6), timedelta(hours=11), 24.5),
    ],
)
def test_day_start_and_length(
    tz: ZoneInfo, day: date, offset: timedelta, hours: float
) -> None:
    start = day_start(day, tz)
    assert start.replace(tzinfo=None) == datetime(day.year, day.month, day.day)  # noqa: DTZ001
    assert start.utcoffset() == offset
    assert hours_long(day, tz) == hours


def test_day_start_where_midnight_is_skipped() -> None:
    # Chile moves its clocks from 00:00 to 01:00: the day begins at 01:00.
    start = day_start(date(2024, 9, 8), SANTIAGO)
    assert start.astimezone(UTC) == datetime(2024, 9, 8, 4, tzinfo=UTC)
    assert (start.hour, start.minute) == (1, 0)
    assert local_day(start, SANTIAGO) == date(2024, 9, 8)
    before = start.astimezone(UTC) - timedelta(microseconds=1)
    assert local_day(before, SANTIAGO) == date(2024, 9, 7)
    assert hours_long(date(2024, 9, 8), SANTIAGO) == 23


def test_day_start_where_midnight_happens_twice() -> None:
    # Cuba goes back from 01:00 to 00:00: the day begins at the first midnight.
    start = day_start(date(2025, 11, 2), HAVANA)
    assert start.astimezone(UTC) == datetime(2025, 11, 2, 4, tzinfo=UTC)
    assert hours_long(date(2025, 11, 2), HAVANA) == 25


def test_day_start_of_a_day_that_never_happened() -> None:
    # Samoa skipped 2011-12-30: it has no length and begins where the 31st does.
    assert day_start(date(2011, 12, 30), APIA) == day_start(date(2011, 12, 31), APIA)
    assert hours_long(date(2011, 12, 29), APIA) == 24


@pytest.mark.parametrize(
    ("first_weekday", "expected"),
    [
        (0, date(2025, 3, 24)),  # Monday
        (2, date(2025, 3, 26)),  # Wednesday
        (6, date(2025, 3, 30)),  # Sunday
    ],
)
def test_week_start(first_weekday: int, expected: date) -> None:
    # 2025-03-30 is a Sunday.
    assert week_start(date(2025, 3, 30), first_weekday) == expected
    assert week_start(expected, first_weekday) == expected
    assert week_start(expected + timedelta(days=6), first_weekday) == expected
    assert week_start(
        expected + timedelta(days=7), first_weekday
    ) == expected + timedelta(days=7)


@pytest.mark.parametrize("first_weekday", [-1, 7])
def test_week_start_refuses_bad_weekday(first_weekday: int) -> None:
    with pytest.raises(ModelError) as info:
        week_start(date(2025, 3, 30), first_weekday)
    assert info.value.key == "first_weekday_out_of_range"


@pytest.mark.parametrize(
    ("tz", "day"),
    [
        (BERLIN, date(2025, 3, 30)),
        (NEW_YORK, date(2025, 3, 9)),
        (LORD_HOWE, date(2025, 10, 5)),
    ],
)
def test_week_with_spring_forward_has_seven_local_days(tz: ZoneInfo, day: date) -> None:
    week = week_start(day, 0)
    days = week_days(week)
    assert days == [week + timedelta(days=i) for i in range(7)]
    assert day in days
    # Each of the seven starts is distinct, and every instant of the week belongs to one of them.
    starts = [day_start(d, tz) for d in days]
    assert len(set(starts)) == 7
    assert [local_day(s, tz) for s in starts] == days
    lengths = [hours_long(d, tz) for d in days]
    assert sum(lengths) < 7 * 24
    assert sorted(set(lengths)) in ([23, 24], [23.5, 24])


def test_split_within_one_day() -> None:
    start = datetime(2025, 6, 1, 10, tzinfo=BERLIN)
    assert split_minutes_by_day(start, 30, BERLIN) == {date(2025, 6, 1): 30}


def test_split_across_midnight() -> None:
    start = datetime(2025, 6, 1, 23, 40, tzinfo=BERLIN)
    assert split_minutes_by_day(start, 40, BERLIN) == {
        date(2025, 6, 1): 20,
        date(2025, 6, 2): 20,
    }
    # The same instant seen from New York is mid-afternoon: one day.
    assert split_minutes_by_day(start, 40, NEW_YORK) == {date(2025, 6, 1): 40}


def test_split_across_midnight_and_spring_forward() -> None:
    # 23:00 + 240 real minutes ends at 04:00 CEST: 60 minutes before midnight, 180 after.
    start = datetime(2025, 3, 29, 23, 0, tzinfo=BERLIN)
    assert split_minutes_by_day(start, 240, BERLIN) == {
        date(2025, 3, 29): 60,
        date(2025, 3, 30): 180,
    }


def test_split_where_midnight_is_skipped() -> None:
    # Santiago 23:30 + 60 minutes: 30 before the jump to 01:00, 30 after (ends 01:30).
    start = datetime(2024, 9, 7, 23, 30, tzinfo=SANTIAGO)
    assert split_minutes_by_day(start, 60, SANTIAGO) == {
        date(2024, 9, 7): 30,
        date(2024, 9, 8): 30,
    }


def test_split_across_fall_back_midnight() -> None:
    # Havana: 23:30 + 120 minutes; the hour after midnight is lived twice.
    start = datetime(2025, 11, 1, 23, 30, tzinfo=HAVANA)
    assert split_minutes_by_day(start, 120, HAVANA) == {
        date(2025, 11, 1): 30,
        date(2025, 11, 2): 90,
    }


def test_split_over_a_skipped_day() -> None:
    start = datetime(2011, 12, 29, 23, 0, tzinfo=APIA)
    assert split_minutes_by_day(start, 120, APIA) == {
        date(2011, 12, 29): 60,
        date(2011, 12, 31): 60,
    }


def test_split_nothing() -> None:
    assert split_minutes_by_day(datetime(2025, 1, 1, tzinfo=UTC), 0, BERLIN) == {}


def test_split_refuses_naive() -> None:
    with pytest.raises(ModelError):
        split_minutes_by_day(datetime(2025, 1, 1), 5, BERLIN)  # noqa: DTZ001


ZONES = [BERLIN, NEW_YORK, LORD_HOWE, SANTIAGO, HAVANA, UTC]


@settings(database=None)
@given(
    start=st.datetimes(
        min_value=datetime(2010, 1, 1),  # noqa: DTZ001
        max_value=datetime(2035, 1, 1),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    minutes=st.floats(min_value=0.01, max_value=600),
    tz=st.sampled_from(ZONES),
)
def test_split_property(start: datetime, minutes: float, tz: ZoneInfo) -> None:
    parts = split_minutes_by_day(start, minutes, tz)
    days = sorted(parts)
    assert days[0] == local_day(start, tz)
    assert days[-1] == local_day(start + timedelta(minutes=minutes), tz) or (
        # A walk that ends exactly at midnight ends on the day it started.
        local_day(start + timedelta(minutes=minutes), tz)
        == days[-1] + timedelta(days=1)
    )
    assert math.isclose(sum(parts.values()), minutes, rel_tol=1e-12)
    assert all(part > 0 for part in parts.values()) or len(parts) == 1
    # Every part but the first fills from the start of its day.
    for day in days[1:-1]:
        assert math.isclose(parts[day], hours_long(day, tz) * 60)


@settings(database=None)
@given(
    day=st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 1, 1)),
    tz=st.sampled_from(ZONES),
)
def test_day_start_property(day: date, tz: ZoneInfo) -> None:
    start = day_start(day, tz)
    assert local_day(start, tz) == day
    # Real time, not wall time: same-zone arithmetic ignores DST.
    before = start.astimezone(UTC) - timedelta(microseconds=1)
    assert local_day(before, tz) < day
