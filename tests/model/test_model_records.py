"""Records: validation keys, UTC normalisation and dict round trips."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
import json
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.backwalk.model import (
    MAX_NOTE_LENGTH,
    Activity,
    Alternative,
    ModelError,
    PainReport,
    Source,
    Stretch,
    Walk,
    check_not_future,
    new_id,
)

BERLIN = ZoneInfo("Europe/Berlin")
T0 = datetime(2025, 6, 1, 8, 30, tzinfo=BERLIN)


def walk(**changes: Any) -> Walk:
    fields: dict[str, Any] = {
        "id": "w1",
        "start": T0,
        "minutes": 30,
        "distance_km": 2.5,
        "source": Source.MANUAL,
        "note": "easy",
    }
    fields.update(changes)
    return Walk(**fields)


def key_of(call: Any) -> str:
    with pytest.raises(ModelError) as info:
        call()
    return info.value.key


def test_model_error_carries_key_and_placeholders() -> None:
    err = ModelError("minutes_out_of_range", min="0", max="600")
    assert isinstance(err, ValueError)
    assert err.key == "minutes_out_of_range"
    assert err.placeholders == {"min": "0", "max": "600"}
    assert str(err) == "minutes_out_of_range (max=600, min=0)"
    assert str(ModelError("unknown_record")) == "unknown_record"
    assert ModelError("unknown_record").placeholders == {}


def test_new_id_is_uuid4_hex_and_unique() -> None:
    ids = {new_id() for _ in range(100)}
    assert len(ids) == 100
    for record_id in ids:
        assert len(record_id) == 32
        int(record_id, 16)


def test_walk_valid_and_normalised_to_utc() -> None:
    w = walk(minutes=30)
    assert w.start == T0
    assert w.start.tzinfo is UTC
    assert w.start.hour == 6
    assert isinstance(w.minutes, float)
    assert w.end == datetime(2025, 6, 1, 7, 0, tzinfo=UTC)
    assert w.time == w.start


def test_walk_defaults() -> None:
    w = Walk("w", T0, 5)
    assert (w.distance_km, w.source, w.note) == (None, Source.MANUAL, None)


def test_walk_end_is_real_elapsed_time_across_dst() -> None:
    # 01:50 on the spring-forward night plus 30 minutes is 03:20 local, not 02:20.
    start = datetime(2025, 3, 30, 1, 50, tzinfo=BERLIN)
    w = walk(start=start, minutes=30)
    assert w.end.astimezone(BERLIN) == datetime(2025, 3, 30, 3, 20, tzinfo=BERLIN)


def test_walk_accepts_source_strings() -> None:
    assert walk(source="voice").source is Source.VOICE


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"minutes": 0}, "minutes_out_of_range"),
        ({"minutes": -1}, "minutes_out_of_range"),
        ({"minutes": 600.01}, "minutes_out_of_range"),
        ({"minutes": float("nan")}, "minutes_out_of_range"),
        ({"minutes": float("inf")}, "minutes_out_of_range"),
        ({"minutes": "30"}, "invalid_record"),
        ({"minutes": True}, "invalid_record"),
        ({"distance_km": -0.1}, "distance_out_of_range"),
        ({"distance_km": 100.5}, "distance_out_of_range"),
        ({"distance_km": "2"}, "invalid_record"),
        ({"note": "x" * (MAX_NOTE_LENGTH + 1)}, "note_too_long"),
        ({"note": 5}, "invalid_record"),
        ({"start": datetime(2025, 6, 1, 8, 30)}, "invalid_timestamp"),  # noqa: DTZ001
        ({"start": "2025-06-01T08:30:00+00:00"}, "invalid_timestamp"),
        ({"source": "carrier pigeon"}, "unknown_source"),
        ({"source": 3}, "unknown_source"),
        ({"id": ""}, "invalid_record"),
        ({"id": 7}, "invalid_record"),
    ],
)
def test_walk_refuses(changes: dict[str, Any], key: str) -> None:
    assert key_of(lambda: walk(**changes)) == key


def test_walk_limits_are_inclusive() -> None:
    assert walk(minutes=600).minutes == 600
    assert walk(minutes=0.1).minutes == 0.1
    assert walk(distance_km=0).distance_km == 0
    assert walk(distance_km=100).distance_km == 100
    assert walk(note="x" * MAX_NOTE_LENGTH).note == "x" * MAX_NOTE_LENGTH


def test_minutes_error_placeholders() -> None:
    with pytest.raises(ModelError) as info:
        walk(minutes=601)
    assert info.value.placeholders == {"min": "0", "max": "600"}


@pytest.mark.parametrize("level", [0, 10])
def test_pain_level_bounds_accepted(level: int) -> None:
    assert PainReport("p", T0, level).level == level


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"level": -1}, "level_out_of_range"),
        ({"level": 11}, "level_out_of_range"),
        ({"level": 5.0}, "invalid_record"),
        ({"level": False}, "invalid_record"),
        ({"note": "x" * 501}, "note_too_long"),
        ({"time": datetime(2025, 1, 1)}, "invalid_timestamp"),  # noqa: DTZ001
    ],
)
def test_pain_report_refuses(changes: dict[str, Any], key: str) -> None:
    fields: dict[str, Any] = {"id": "p", "time": T0, "level": 3, "note": None}
    fields.update(changes)
    assert key_of(lambda: PainReport(**fields)) == key


def test_stretch_refuses() -> None:
    assert key_of(lambda: Stretch("s", datetime(2025, 1, 1))) == "invalid_timestamp"  # noqa: DTZ001
    assert key_of(lambda: Stretch("s", T0, "x" * 501)) == "note_too_long"
    assert key_of(lambda: Stretch("", T0)) == "invalid_record"


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"activity": "running"}, "unknown_activity"),
        ({"activity": None}, "unknown_activity"),
        ({"minutes": 0}, "minutes_out_of_range"),
        ({"minutes": 601}, "minutes_out_of_range"),
        ({"note": "x" * 501}, "note_too_long"),
        ({"time": datetime(2025, 1, 1)}, "invalid_timestamp"),  # noqa: DTZ001
    ],
)
def test_alternative_refuses(changes: dict[str, Any], key: str) -> None:
    fields: dict[str, Any] = {
        "id": "a",
        "time": T0,
        "activity": Activity.YOGA,
        "minutes": 20,
    }
    fields.update(changes)
    assert key_of(lambda: Alternative(**fields)) == key


def test_alternative_accepts_activity_string() -> None:
    activity: Any = "stationary_bike"
    assert Alternative("a", T0, activity, 20).activity is Activity.STATIONARY_BIKE


def test_records_are_frozen() -> None:
    w = walk()
    with pytest.raises(AttributeError):
        w.minutes = 5  # type: ignore[misc]


SAMPLES = [
    walk(),
    walk(distance_km=None, note=None, source=Source.WEBHOOK),
    PainReport("p", T0, 7, "sharp"),
    PainReport("p2", T0, 0),
    Stretch("s", T0),
    Stretch("s2", T0, "cat-cow"),
    Alternative("a", T0, Activity.SWIMMING, 45, "pool"),
]


@pytest.mark.parametrize("record", SAMPLES)
def test_round_trip_through_json(
    record: Walk | PainReport | Stretch | Alternative,
) -> None:
    data = json.loads(json.dumps(record.to_dict()))
    again = type(record).from_dict(data)
    assert again == record
    assert again.to_dict() == record.to_dict()


def test_to_dict_is_plain() -> None:
    assert walk().to_dict() == {
        "id": "w1",
        "start": "2025-06-01T06:30:00+00:00",
        "minutes": 30.0,
        "distance_km": 2.5,
        "source": "manual",
        "note": "easy",
    }
    assert Alternative("a", T0, Activity.YOGA, 20).to_dict() == {
        "id": "a",
        "time": "2025-06-01T06:30:00+00:00",
        "activity": "yoga",
        "minutes": 20.0,
        "note": None,
    }


def test_from_dict_optional_fields_may_be_absent() -> None:
    w = Walk.from_dict(
        {
            "id": "w",
            "start": "2025-06-01T06:30:00+02:00",
            "minutes": 5,
            "source": "sensor",
        }
    )
    assert (w.distance_km, w.note, w.source) == (None, None, Source.SENSOR)
    assert w.start == datetime(2025, 6, 1, 4, 30, tzinfo=UTC)
    assert (
        PainReport.from_dict(
            {"id": "p", "time": "2025-06-01T06:30:00Z", "level": 2}
        ).note
        is None
    )


@pytest.mark.parametrize(
    ("cls", "data", "key"),
    [
        (Walk, None, "invalid_record"),
        (Walk, [], "invalid_record"),
        (Walk, {}, "invalid_record"),
        (
            Walk,
            {"start": "2025-06-01T06:30:00+00:00", "minutes": 5, "source": "manual"},
            "invalid_record",
        ),
        (Walk, {"id": "w", "minutes": 5, "source": "manual"}, "invalid_record"),
        (
            Walk,
            {"id": "w", "start": 12, "minutes": 5, "source": "manual"},
            "invalid_record",
        ),
        (
            Walk,
            {"id": "w", "start": "yesterday", "minutes": 5, "source": "manual"},
            "invalid_timestamp",
        ),
        (
            Walk,
            {
                "id": "w",
                "start": "2025-06-01T06:30:00",
                "minutes": 5,
                "source": "manual",
            },
            "invalid_timestamp",
        ),
        (
            Walk,
            {"id": "w", "start": "2025-06-01T06:30:00Z", "source": "manual"},
            "invalid_record",
        ),
        (
            Walk,
            {
                "id": "w",
                "start": "2025-06-01T06:30:00Z",
                "minutes": "5",
                "source": "manual",
            },
            "invalid_record",
        ),
        (
            Walk,
            {"id": "w", "start": "2025-06-01T06:30:00Z", "minutes": 5},
            "invalid_record",
        ),
        (
            Walk,
            {"id": "w", "start": "2025-06-01T06:30:00Z", "minutes": 5, "source": "x"},
            "unknown_source",
        ),
        (
            Walk,
            {
                "id": "w",
                "start": "2025-06-01T06:30:00Z",
                "minutes": 5,
                "source": "manual",
                "note": [],
            },
            "invalid_record",
        ),
        (
            Walk,
            {
                "id": "w",
                "start": "2025-06-01T06:30:00Z",
                "minutes": 999,
                "source": "manual",
            },
            "minutes_out_of_range",
        ),
        (PainReport, {"id": "p", "time": "2025-06-01T06:30:00Z"}, "invalid_record"),
        (
            PainReport,
            {"id": "p", "time": "2025-06-01T06:30:00Z", "level": "5"},
            "invalid_record",
        ),
        (
            PainReport,
            {"id": "p", "time": "2025-06-01T06:30:00Z", "level": 12},
            "level_out_of_range",
        ),
        (
            PainReport,
            {"id": None, "time": "2025-06-01T06:30:00Z", "level": 2},
            "invalid_record",
        ),
        (Stretch, {"id": "s"}, "invalid_record"),
        (Stretch, "s", "invalid_record"),
        (
            Alternative,
            {"id": "a", "time": "2025-06-01T06:30:00Z", "minutes": 5},
            "invalid_record",
        ),
        (
            Alternative,
            {
                "id": "a",
                "time": "2025-06-01T06:30:00Z",
                "activity": "golf",
                "minutes": 5,
            },
            "unknown_activity",
        ),
        (
            Alternative,
            {"id": "a", "time": "2025-06-01T06:30:00Z", "activity": "yoga"},
            "invalid_record",
        ),
    ],
)
def test_from_dict_refuses(cls: Any, data: Any, key: str) -> None:
    assert key_of(lambda: cls.from_dict(data)) == key


def test_check_not_future() -> None:
    now = datetime(2025, 6, 1, 12, tzinfo=UTC)
    check_not_future(walk(start=now), now)
    check_not_future(PainReport("p", now - timedelta(hours=1), 3), now)
    assert (
        key_of(lambda: check_not_future(walk(start=now + timedelta(seconds=1)), now))
        == "start_in_future"
    )
    naive = datetime(2025, 6, 1)  # noqa: DTZ001
    assert key_of(lambda: check_not_future(walk(), naive)) == "invalid_timestamp"


# Inside the years the model accepts, in every zone.
aware_times = st.datetimes(
    min_value=datetime(2000, 1, 2),  # noqa: DTZ001
    max_value=datetime(2099, 12, 30),  # noqa: DTZ001
    timezones=st.sampled_from(
        [
            UTC,
            BERLIN,
            ZoneInfo("Australia/Lord_Howe"),
            timezone(timedelta(hours=-3, minutes=-30)),
        ]
    ),
)


@settings(database=None)
@given(
    start=aware_times,
    minutes=st.floats(min_value=0.001, max_value=600),
    distance=st.none() | st.floats(min_value=0, max_value=100),
    source=st.sampled_from(Source),
    note=st.none() | st.text(max_size=500),
)
def test_walk_round_trip_property(
    start: datetime,
    minutes: float,
    distance: float | None,
    source: Source,
    note: str | None,
) -> None:
    w = Walk(new_id(), start, minutes, distance, source, note)
    again = Walk.from_dict(json.loads(json.dumps(w.to_dict())))
    assert again == w
    assert again.end == w.end


@settings(database=None)
@given(
    time=aware_times, level=st.integers(0, 10), note=st.none() | st.text(max_size=500)
)
def test_pain_round_trip_property(time: datetime, level: int, note: str | None) -> None:
    report = PainReport(new_id(), time, level, note)
    assert PainReport.from_dict(json.loads(json.dumps(report.to_dict()))) == report
