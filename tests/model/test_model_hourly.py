"""The long-term series: walking minutes per UTC hour, pain per local day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import math
from zoneinfo import ZoneInfo

from hypothesis import given, strategies as st

from custom_components.backwalk.model import PainReport, Walk
from custom_components.backwalk.model.hourly import (
    day_row_start,
    hour_start,
    minutes_by_hour,
    pain_by_day,
)

BERLIN = ZoneInfo("Europe/Berlin")
KOLKATA = ZoneInfo("Asia/Kolkata")


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _stamp(text: str) -> float:
    return _at(text).timestamp()


def test_a_walk_counts_in_the_hours_it_lasted() -> None:
    """50 minutes from 09:40: 20 in the 09:00 hour, 30 in the 10:00 hour."""
    walk = Walk(id="a", start=_at("2026-03-08T09:40:00+00:00"), minutes=50)
    assert minutes_by_hour([walk]) == {
        _stamp("2026-03-08T09:00:00+00:00"): 20.0,
        _stamp("2026-03-08T10:00:00+00:00"): 30.0,
    }
    # From an hour on, only that hour and later ones.
    assert minutes_by_hour([walk], since=_stamp("2026-03-08T10:00:00+00:00")) == {
        _stamp("2026-03-08T10:00:00+00:00"): 30.0
    }


@given(
    st.lists(
        st.tuples(st.integers(0, 20_000), st.integers(1, 600)),
        min_size=1,
        max_size=20,
        unique_by=lambda item: item[0],
    ),
    st.randoms(),
)
def test_hours_hold_every_minute_in_any_order(
    walks: list[tuple[int, int]], shuffler: object
) -> None:
    """The hours add up to the walks' minutes, and the order of walks changes nothing."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    records = [
        Walk(id=str(index), start=start + timedelta(minutes=offset), minutes=minutes)
        for index, (offset, minutes) in enumerate(walks)
    ]
    hours = minutes_by_hour(records)
    assert math.isclose(
        sum(hours.values()), sum(minutes for _, minutes in walks), abs_tol=1e-6
    )
    assert all(hour % 3600 == 0 for hour in hours)
    shuffled = list(records)
    shuffler.shuffle(shuffled)  # type: ignore[attr-defined]
    assert minutes_by_hour(shuffled) == hours


def test_pain_rows_are_local_days_at_their_first_hour() -> None:
    """A Berlin day is kept at 23:00 UTC; a Kolkata day (from 18:30 UTC) at 19:00 UTC."""
    reports = [
        PainReport(id="a", time=_at("2026-03-10T07:00:00+00:00"), level=2),
        PainReport(id="b", time=_at("2026-03-10T20:00:00+00:00"), level=7),
        PainReport(id="c", time=_at("2026-03-10T23:30:00+00:00"), level=4),
    ]
    by_day = pain_by_day(reports, BERLIN)
    assert [
        (hour_start(row).isoformat(), day.mean, day.low, day.high)
        for row, day in by_day.items()
    ] == [
        ("2026-03-09T23:00:00+00:00", 4.5, 2, 7),
        ("2026-03-10T23:00:00+00:00", 4.0, 4, 4),
    ]
    row = day_row_start(_at("2026-03-10T20:00:00+00:00"), KOLKATA)
    assert hour_start(row).isoformat() == "2026-03-10T19:00:00+00:00"
    # Still the same local day: 00:30 in Kolkata.
    assert hour_start(row).astimezone(KOLKATA).date().isoformat() == "2026-03-11"
