"""Walk detection from activity sensors and step counters."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
import itertools
import json
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.backwalk.model import (
    DEFAULT_MAX_WALK,
    MAX_STEP_JUMP,
    ActivitySource,
    DetectedWalk,
    ModelError,
    Source,
    StepCounter,
    StepDelta,
    StepMode,
    StepTotals,
    Walk,
    WalkTracker,
    android_activity,
    confidence_of,
    custom_activity,
    estimate_walk,
    ios_activity,
    is_walking,
    merge_with_logged,
    new_id,
    yield_sensor_walks,
)

BERLIN = ZoneInfo("Europe/Berlin")
IPHONE = "sensor.iphone_activity"
PIXEL = "sensor.pixel_detected_activity"
TREADMILL = "binary_sensor.treadmill"
T0 = datetime(2025, 6, 2, 10, 0, tzinfo=BERLIN)


def at(minutes: float) -> datetime:
    """T0 plus `minutes` (elapsed time)."""
    return T0 + timedelta(minutes=minutes)


def utc(minutes: float) -> datetime:
    return at(minutes).astimezone(UTC)


def span(walk: DetectedWalk) -> tuple[datetime, datetime]:
    return walk.start, walk.end


def logged(start: float, minutes: float, source: Source = Source.MANUAL) -> Walk:
    return Walk(new_id(), at(start), minutes, source=source)


# --- sources and interpretation ------------------------------------------------------------


def test_presets() -> None:
    ios = ios_activity(IPHONE)
    assert ios == ActivitySource(IPHONE, frozenset({"walking"}), 50)
    android = android_activity(PIXEL, 80)
    assert android.walking_states == {"walking", "on_foot"}
    assert android.min_confidence == 80
    treadmill = custom_activity(TREADMILL, "on")
    assert treadmill.walking_states == {"on"}
    assert treadmill.min_confidence == 0
    assert custom_activity("sensor.x", ["Walk", " STEP "]).walking_states == {
        "walk",
        "step",
    }


@pytest.mark.parametrize(
    ("entity_id", "states", "confidence", "field"),
    [
        ("", frozenset({"walking"}), 50, "entity_id"),
        (None, frozenset({"walking"}), 50, "entity_id"),
        (IPHONE, "walking", 50, "walking_states"),
        (IPHONE, frozenset(), 50, "walking_states"),
        (IPHONE, frozenset({"walking", "Unknown"}), 50, "walking_states"),
        (IPHONE, frozenset({" "}), 50, "walking_states"),
        (IPHONE, frozenset({"walking"}), -1, "min_confidence"),
        (IPHONE, frozenset({"walking"}), 101, "min_confidence"),
        (IPHONE, frozenset({"walking"}), 50.0, "min_confidence"),
        (IPHONE, frozenset({"walking"}), True, "min_confidence"),
    ],
)
def test_source_refuses(
    entity_id: Any, states: Any, confidence: Any, field: str
) -> None:
    with pytest.raises(ModelError) as info:
        ActivitySource(entity_id, states, confidence)
    assert info.value.key == "invalid_activity_source"
    assert info.value.placeholders == {"field": field}


@pytest.mark.parametrize(
    ("state", "attributes", "expected"),
    [
        ("Walking", {"confidence": "High"}, 100),
        ("Walking", {"confidence": "medium"}, 50),
        ("Walking", {"confidence": " Low "}, 25),
        ("walking", {"walking": 87, "still": 5, "on_foot": 90}, 87),
        ("on_foot", {"walking": 87, "still": 5, "on_foot": 90}, 90),
        ("On Foot", {"on_foot": 64.6}, 65),
        ("Walking", {"confidence": 70}, 70),
        ("Walking", {"confidence": "Somewhat"}, None),
        ("Walking", {"confidence": 140}, None),
        ("Walking", {"confidence": float("nan")}, None),
        ("Walking", {"confidence": True}, None),
        ("walking", {"walking": "87"}, None),
        ("walking", {"walking": -3, "confidence": 40}, 40),
        ("Walking", {}, None),
    ],
)
def test_confidence_of(state: str, attributes: dict[str, Any], expected: int) -> None:
    assert confidence_of(state, attributes) == expected


@pytest.mark.parametrize(
    ("state", "attributes", "expected"),
    [
        ("Walking", {"confidence": "High"}, True),
        ("Walking", {"confidence": "Medium"}, True),
        ("Walking", {"confidence": "Low"}, False),
        ("Walking", {}, True),  # no confidence data is not a refusal
        ("Stationary", {"confidence": "High"}, False),
        ("Running", {"confidence": "High"}, False),
        ("Automotive", {"confidence": "High"}, False),
        ("Unknown", {"confidence": "Low"}, None),
        ("unavailable", {}, None),
        ("", {}, None),
    ],
)
def test_ios_states(state: str, attributes: dict[str, Any], expected: bool) -> None:
    assert is_walking(ios_activity(IPHONE), state, attributes) is expected


def test_android_states() -> None:
    source = android_activity(PIXEL)
    attributes = {"walking": 87, "still": 5, "on_foot": 90}
    assert is_walking(source, "walking", attributes) is True
    assert is_walking(source, "on_foot", attributes) is True
    assert is_walking(source, "still", attributes) is False
    assert is_walking(source, "walking", {"walking": 30, "on_foot": 90}) is False
    assert (
        is_walking(source, "walking", {"walking": 50}) is True
    )  # the threshold counts


def test_custom_source_ignores_confidence() -> None:
    treadmill = custom_activity(TREADMILL, ["on"])
    assert is_walking(treadmill, "on", {"confidence": 1}) is True
    assert is_walking(treadmill, "off", {}) is False
    assert is_walking(treadmill, "unavailable", {}) is None


# --- detected walks and settings -----------------------------------------------------------


def test_detected_walk_normalises() -> None:
    walk = DetectedWalk(at(0), at(31.27), (PIXEL, IPHONE, PIXEL))
    assert walk.start == utc(0)
    assert walk.start.tzinfo is UTC
    assert walk.minutes == 31.3
    assert walk.source_entity_ids == (IPHONE, PIXEL)
    record = walk.to_walk("abc")
    assert (record.id, record.start, record.minutes, record.source) == (
        "abc",
        utc(0),
        31.3,
        Source.SENSOR,
    )
    assert walk.to_walk().id != walk.to_walk().id


@pytest.mark.parametrize(
    ("start", "end", "key"),
    [
        (at(5), at(5), "invalid_record"),
        (at(5), at(1), "invalid_record"),
        (datetime(2025, 6, 2, 10), at(5), "invalid_timestamp"),  # noqa: DTZ001
    ],
)
def test_detected_walk_refuses(start: datetime, end: datetime, key: str) -> None:
    with pytest.raises(ModelError) as info:
        DetectedWalk(start, end)
    assert info.value.key == key


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"merge_window": timedelta(seconds=-1)}, "merge_window"),
        ({"max_walk": timedelta(0)}, "max_walk"),
        ({"max_walk": DEFAULT_MAX_WALK + timedelta(seconds=1)}, "max_walk"),
        ({"min_walk": timedelta(0)}, "min_walk"),
        (
            {"min_walk": timedelta(minutes=20), "max_walk": timedelta(minutes=10)},
            "min_walk",
        ),
    ],
)
def test_tracker_refuses_settings(kwargs: dict[str, timedelta], field: str) -> None:
    with pytest.raises(ModelError) as info:
        WalkTracker(**kwargs)
    assert info.value.key == "invalid_tracking_setting"
    assert info.value.placeholders == {"field": field}
    with pytest.raises(ModelError):
        WalkTracker.from_dict(None, **kwargs)


def test_tracker_refuses_naive_time() -> None:
    with pytest.raises(ModelError) as info:
        WalkTracker().observe(IPHONE, True, datetime(2025, 6, 2, 10))  # noqa: DTZ001
    assert info.value.key == "invalid_timestamp"


# --- the tracker: realistic sequences -----------------------------------------------------


def feed_ios(
    tracker: WalkTracker, source: ActivitySource, events: list[tuple[float, str, str]]
) -> list[DetectedWalk]:
    """Feed (minute, state, confidence) as the iOS sensor would report them."""
    done: list[DetectedWalk] = []
    for minute, state, confidence in events:
        walking = is_walking(source, state, {"confidence": confidence})
        done += tracker.observe(source.entity_id, walking, at(minute))
    return done


def test_ios_walk_with_confidences() -> None:
    tracker = WalkTracker()
    source = ios_activity(IPHONE)
    done = feed_ios(
        tracker,
        source,
        [
            (0, "Stationary", "High"),
            (5, "Walking", "Low"),  # not sure enough: no walk yet
            (6, "Walking", "Medium"),
            (10, "Walking", "High"),
            (30, "Stationary", "High"),
        ],
    )
    assert done == []
    assert not tracker.walking
    assert tracker.open_since == utc(6)
    assert tracker.next_deadline() == utc(33)
    assert tracker.tick(at(32.9)) == []
    [walk] = tracker.tick(at(33))
    assert span(walk) == (utc(6), utc(30))
    assert walk.minutes == 24.0
    assert walk.source_entity_ids == (IPHONE,)
    assert tracker.next_deadline() is None
    assert tracker.tick(at(60)) == []


def test_ios_unknown_mid_walk_then_walking_within_window() -> None:
    tracker = WalkTracker()
    done = feed_ios(
        tracker,
        ios_activity(IPHONE),
        [
            (0, "Walking", "High"),
            (12, "Unknown", "Low"),
            (14, "Walking", "High"),  # back within 3 min: the same walk
            (40, "Stationary", "High"),
        ],
    )
    assert done == []
    [walk] = tracker.tick(at(50))
    assert span(walk) == (utc(0), utc(40))


def test_ios_unknown_mid_walk_then_walking_after_window() -> None:
    tracker = WalkTracker()
    done = feed_ios(
        tracker,
        ios_activity(IPHONE),
        [
            (0, "Walking", "High"),
            (12, "Unknown", "Low"),
            (20, "Walking", "High"),  # too late: the first walk ended where seen last
            (30, "Stationary", "High"),
        ],
    )
    assert [span(walk) for walk in done] == [(utc(0), utc(12))]
    assert [span(walk) for walk in tracker.tick(at(40))] == [(utc(20), utc(30))]


def test_unknown_then_stationary_ends_at_last_walking_moment() -> None:
    tracker = WalkTracker()
    source = ios_activity(IPHONE)
    feed_ios(tracker, source, [(0, "Walking", "High"), (12, "Unknown", "Low")])
    # Stationary later does not move the end: walking was last seen at 12.
    assert tracker.observe(IPHONE, False, at(14)) == []
    assert [span(walk) for walk in tracker.tick(at(15))] == [(utc(0), utc(12))]


def test_android_sequence() -> None:
    tracker = WalkTracker()
    source = android_activity(PIXEL)
    events: list[tuple[float, str, dict[str, Any]]] = [
        (0, "still", {"still": 95}),
        (2, "walking", {"walking": 87, "still": 5}),
        (15, "on_foot", {"on_foot": 90, "walking": 40}),
        (25, "walking", {"walking": 30, "on_foot": 60}),  # unsure: stops
        (26, "on_foot", {"on_foot": 75}),  # sure again within the window
        (41, "still", {"still": 100}),
    ]
    done: list[DetectedWalk] = []
    for minute, state, attributes in events:
        done += tracker.observe(
            PIXEL, is_walking(source, state, attributes), at(minute)
        )
    done += tracker.tick(at(44))
    assert [span(walk) for walk in done] == [(utc(2), utc(41))]


def test_flicker_merges_into_one_walk() -> None:
    tracker = WalkTracker()
    done: list[DetectedWalk] = []
    for step in range(40):  # walking / stationary every 30 s for 20 minutes
        done += tracker.observe(IPHONE, step % 2 == 0, at(step / 2))
    done += tracker.tick(at(60))
    assert [span(walk) for walk in done] == [(utc(0), utc(19.5))]


def test_gap_equal_to_merge_window_splits() -> None:
    tracker = WalkTracker()
    tracker.observe(IPHONE, True, at(0))
    tracker.observe(IPHONE, False, at(10))
    done = tracker.observe(IPHONE, True, at(13))
    assert [span(walk) for walk in done] == [(utc(0), utc(10))]
    tracker.observe(IPHONE, False, at(20))
    assert [span(walk) for walk in tracker.tick(at(23))] == [(utc(13), utc(20))]


def test_short_walk_dropped() -> None:
    tracker = WalkTracker(min_walk=timedelta(minutes=5))
    tracker.observe(IPHONE, True, at(0))
    tracker.observe(IPHONE, False, at(4.9))
    assert tracker.tick(at(10)) == []
    tracker.observe(IPHONE, True, at(20))
    tracker.observe(IPHONE, False, at(25))
    assert [walk.minutes for walk in tracker.tick(at(30))] == [5.0]


def test_two_sources_overlapping() -> None:
    tracker = WalkTracker()
    assert tracker.observe(IPHONE, True, at(0)) == []
    assert tracker.observe(PIXEL, True, at(5)) == []
    assert tracker.observe(IPHONE, False, at(20)) == []
    assert tracker.to_dict()["walking"] == [PIXEL]  # the Pixel still walks
    assert tracker.next_deadline() == utc(600)  # only the cap while walking
    assert tracker.observe(PIXEL, None, at(30)) == []
    assert not tracker.walking
    [walk] = tracker.tick(at(33))
    assert span(walk) == (utc(0), utc(30))
    assert walk.source_entity_ids == (IPHONE, PIXEL)


def test_stop_from_a_source_that_was_not_walking_changes_nothing() -> None:
    tracker = WalkTracker()
    tracker.observe(IPHONE, True, at(0))
    tracker.observe(PIXEL, False, at(5))
    assert tracker.walking
    tracker.observe(IPHONE, False, at(10))
    assert [span(walk) for walk in tracker.tick(at(13))] == [(utc(0), utc(10))]


def test_time_never_runs_backwards() -> None:
    tracker = WalkTracker()
    tracker.observe(IPHONE, True, at(0))
    tracker.observe(IPHONE, False, at(20))
    # Stamped before the stop: taken as happening at 20, within the window.
    tracker.observe(PIXEL, True, at(15))
    tracker.observe(PIXEL, False, at(30))
    assert [span(walk) for walk in tracker.tick(at(40))] == [(utc(0), utc(30))]


def test_zero_merge_window_ends_at_once() -> None:
    tracker = WalkTracker(merge_window=timedelta(0))
    tracker.observe(IPHONE, True, at(0))
    assert [span(walk) for walk in tracker.observe(IPHONE, False, at(10))] == [
        (utc(0), utc(10))
    ]


def test_stuck_sensor_is_cut_at_max_walk() -> None:
    tracker = WalkTracker(max_walk=timedelta(minutes=60))
    tracker.observe(TREADMILL, True, at(0))
    assert tracker.tick(at(59)) == []
    assert tracker.next_deadline() == utc(60)
    [walk] = tracker.tick(at(61))
    assert span(walk) == (utc(0), utc(60))
    # Still "on": no second walk from the same stuck stretch, nor from another source.
    assert tracker.next_deadline() is None
    assert tracker.observe(IPHONE, True, at(70)) == []
    assert tracker.tick(at(500)) == []
    assert tracker.observe(IPHONE, False, at(501)) == []
    assert tracker.observe(TREADMILL, False, at(502)) == []
    assert not tracker.walking
    # Once everything stopped, walking starts a new walk again.
    tracker.observe(IPHONE, True, at(510))
    tracker.observe(IPHONE, False, at(530))
    assert [span(walk) for walk in tracker.tick(at(540))] == [(utc(510), utc(530))]


def test_cap_found_late_by_a_state_change() -> None:
    tracker = WalkTracker(max_walk=timedelta(minutes=60))
    tracker.observe(IPHONE, True, at(0))
    # No tick came; the stop at 90 still yields the walk cut at 60, not 90.
    assert [span(walk) for walk in tracker.observe(IPHONE, False, at(90))] == [
        (utc(0), utc(60))
    ]


def test_idle_walk_reaching_the_cap() -> None:
    tracker = WalkTracker(max_walk=timedelta(minutes=60))
    tracker.observe(IPHONE, True, at(0))
    tracker.observe(IPHONE, False, at(58.5))
    assert tracker.next_deadline() == utc(60)
    assert [span(walk) for walk in tracker.tick(at(60))] == [(utc(0), utc(58.5))]
    # Walking again within the old window starts a new walk: the old one is final.
    tracker.observe(IPHONE, True, at(61))
    assert tracker.open_since == utc(61)


def test_dst_change_mid_walk() -> None:
    # Berlin springs forward at 02:00 on 2025-03-30: 01:50 to 03:10 is 20 minutes.
    tracker = WalkTracker()
    tracker.observe(IPHONE, True, datetime(2025, 3, 30, 1, 50, tzinfo=BERLIN))
    tracker.observe(IPHONE, False, datetime(2025, 3, 30, 3, 10, tzinfo=BERLIN))
    [walk] = tracker.tick(datetime(2025, 3, 30, 4, 0, tzinfo=BERLIN))
    assert walk.minutes == 20.0


# --- restarts ------------------------------------------------------------------------------


def restart(tracker: WalkTracker, **kwargs: timedelta) -> WalkTracker:
    """Save as JSON and restore, as Home Assistant's store would."""
    restored, ok = WalkTracker.from_dict(
        json.loads(json.dumps(tracker.to_dict())), **kwargs
    )
    assert ok
    return restored


def test_restart_mid_walk_continues() -> None:
    tracker = WalkTracker()
    tracker.observe(IPHONE, True, at(0))
    tracker.tick(at(10))  # the HA side ticks before saving
    tracker = restart(tracker)
    assert tracker.open_since == utc(0)
    # Before the first state, a tick cannot end the walk, however long the restart.
    assert tracker.next_deadline() == utc(600)
    assert tracker.tick(at(25)) == []
    assert tracker.observe(IPHONE, True, at(25)) == []
    # Confirmed walking at 25: that is the moment to save, not the one before the restart.
    assert tracker.to_dict()["open"]["seen_until"] == utc(25).isoformat()
    tracker.observe(IPHONE, False, at(40))
    [walk] = tracker.tick(at(45))
    assert span(walk) == (utc(0), utc(40))


def test_long_restart_then_not_walking_ends_before_restart() -> None:
    tracker = WalkTracker()
    tracker.observe(IPHONE, True, at(0))
    tracker.tick(at(10))
    tracker = restart(tracker)
    [walk] = tracker.observe(IPHONE, False, at(25))
    assert span(walk) == (utc(0), utc(10))
    assert tracker.next_deadline() is None


def test_short_restart_then_unknown_waits_the_window() -> None:
    tracker = WalkTracker()
    tracker.observe(IPHONE, True, at(0))
    tracker.tick(at(10))
    tracker = restart(tracker)
    assert tracker.observe(IPHONE, None, at(11)) == []
    assert tracker.next_deadline() == utc(13)
    assert tracker.observe(IPHONE, True, at(12)) == []  # back in time: one walk
    tracker.observe(IPHONE, False, at(30))
    assert [span(walk) for walk in tracker.tick(at(33))] == [(utc(0), utc(30))]


def test_restart_with_idle_walk() -> None:
    tracker = WalkTracker()
    tracker.observe(IPHONE, True, at(0))
    tracker.observe(IPHONE, False, at(10))
    tracker = restart(tracker)
    assert tracker.next_deadline() == utc(13)
    assert [span(walk) for walk in tracker.tick(at(14))] == [(utc(0), utc(10))]


def test_restart_when_nothing_happened() -> None:
    tracker = restart(WalkTracker())
    assert tracker.next_deadline() is None
    assert tracker.to_dict() == WalkTracker().to_dict()


def test_restart_of_a_stuck_sensor_stays_cut() -> None:
    tracker = WalkTracker(max_walk=timedelta(minutes=60))
    tracker.observe(TREADMILL, True, at(0))
    assert len(tracker.tick(at(61))) == 1
    tracker = restart(tracker, max_walk=timedelta(minutes=60))
    assert tracker.observe(TREADMILL, True, at(70)) == []
    assert tracker.observe(IPHONE, True, at(71)) == []
    assert tracker.open_since is None


def test_restart_with_unconfirmed_source_reaching_the_cap() -> None:
    tracker = WalkTracker(max_walk=timedelta(minutes=60))
    tracker.observe(IPHONE, True, at(0))
    tracker.tick(at(20))
    tracker = restart(tracker, max_walk=timedelta(minutes=60))
    # Nothing was seen after the restart: the walk ends where it was last seen.
    assert [span(walk) for walk in tracker.tick(at(70))] == [(utc(0), utc(20))]


def test_restart_with_another_source_walking_continues() -> None:
    tracker = WalkTracker()
    tracker.observe(IPHONE, True, at(0))
    tracker.tick(at(10))
    tracker = restart(tracker)
    tracker.observe(PIXEL, True, at(20))
    tracker.observe(IPHONE, False, at(21))
    tracker.observe(PIXEL, False, at(30))
    [walk] = tracker.tick(at(40))
    assert span(walk) == (utc(0), utc(30))
    assert walk.source_entity_ids == (IPHONE, PIXEL)


def test_saved_format() -> None:
    tracker = WalkTracker()
    tracker.observe(PIXEL, True, at(0))
    tracker.observe(IPHONE, True, at(1))
    tracker.tick(at(5))
    assert tracker.to_dict() == {
        "version": 1,
        "clock": utc(5).isoformat(),
        "walking": [IPHONE, PIXEL],
        "open": {
            "start": utc(0).isoformat(),
            "seen_until": utc(5).isoformat(),
            "sources": [IPHONE, PIXEL],
        },
    }


GOOD_OPEN = {
    "start": utc(0).isoformat(),
    "seen_until": utc(10).isoformat(),
    "sources": [IPHONE],
}


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        "nonsense",
        {},
        {"version": 2, "clock": None, "walking": [], "open": None},
        {"version": True, "clock": None, "walking": [], "open": None},
        {"version": "1", "clock": None, "walking": [], "open": None},
        {"version": 1, "clock": None, "walking": None, "open": None},
        {"version": 1, "clock": None, "walking": [""], "open": None},
        {"version": 1, "clock": None, "walking": [3], "open": None},
        {"version": 1, "clock": None, "walking": "sensor.x", "open": None},
        {"version": 1, "clock": "yesterday", "walking": [], "open": None},
        {"version": 1, "clock": 5, "walking": [], "open": None},
        {"version": 1, "clock": "2025-06-02T10:00:00", "walking": [], "open": None},
        {"version": 1, "clock": None, "walking": [], "open": []},
        {
            "version": 1,
            "clock": None,
            "walking": [],
            "open": {**GOOD_OPEN, "start": None},
        },
        {
            "version": 1,
            "clock": None,
            "walking": [],
            "open": {**GOOD_OPEN, "sources": []},
        },
        {
            "version": 1,
            "clock": None,
            "walking": [],
            "open": {**GOOD_OPEN, "seen_until": utc(-1).isoformat()},
        },
    ],
)
def test_bad_saved_data_starts_clean(data: object) -> None:
    tracker, restored = WalkTracker.from_dict(data)
    assert not restored
    assert tracker.to_dict() == WalkTracker().to_dict()
    assert tracker.observe(IPHONE, True, at(0)) == []


def test_saved_clock_behind_the_walk_is_raised() -> None:
    data = {
        "version": 1,
        "clock": utc(-30).isoformat(),
        "walking": [],
        "open": GOOD_OPEN,
    }
    tracker, restored = WalkTracker.from_dict(data)
    assert restored
    assert tracker.to_dict()["clock"] == utc(10).isoformat()
    data = {"version": 1, "clock": None, "walking": [], "open": GOOD_OPEN}
    assert WalkTracker.from_dict(data)[0].to_dict()["clock"] == utc(10).isoformat()


# --- the tracker against a simple reference ------------------------------------------------

SOURCES = (IPHONE, PIXEL, TREADMILL)
EVENTS = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=600),  # seconds since the previous event
        st.integers(min_value=0, max_value=len(SOURCES) - 1),
        st.sampled_from([True, False, None]),
    ),
    max_size=60,
)


def reference(
    events: list[tuple[int, int, bool | None]], merge: timedelta, minimum: timedelta
) -> list[tuple[datetime, datetime]]:
    """Union of the per-source walking intervals, joined across short gaps."""
    now = utc(0)
    since: dict[int, datetime] = {}
    intervals: list[tuple[datetime, datetime]] = []
    for seconds, source, walking in events:
        now += timedelta(seconds=seconds)
        if walking and source not in since:
            since[source] = now
        elif not walking and source in since:
            intervals.append((since.pop(source), now))
    intervals += [(start, now) for start in since.values()]
    joined: list[list[datetime]] = []
    for start, end in sorted(intervals):
        if joined and start - joined[-1][1] < merge:
            joined[-1][1] = max(joined[-1][1], end)
        else:
            joined.append([start, end])
    return [(start, end) for start, end in joined if end - start >= minimum]


def run(
    tracker: WalkTracker, events: list[tuple[int, int, bool | None]], start: datetime
) -> tuple[list[DetectedWalk], datetime]:
    done: list[DetectedWalk] = []
    now = start
    for seconds, source, walking in events:
        now += timedelta(seconds=seconds)
        deadline = tracker.next_deadline()
        if deadline is not None and deadline <= now:
            done += tracker.tick(deadline)  # the timer fires before the next change
        done += tracker.observe(SOURCES[source], walking, now)
    return done, now


def finish(tracker: WalkTracker, now: datetime) -> list[DetectedWalk]:
    done: list[DetectedWalk] = []
    for source in SOURCES:
        done += tracker.observe(source, False, now)
    done += tracker.tick(now + timedelta(hours=1))
    return done


@given(
    events=EVENTS,
    merge=st.integers(min_value=0, max_value=400),
    minimum=st.integers(min_value=1, max_value=400),
    use_timer=st.booleans(),
)
@settings(max_examples=300, deadline=None)
def test_tracker_matches_reference(
    events: list[tuple[int, int, bool | None]],
    merge: int,
    minimum: int,
    use_timer: bool,
) -> None:
    merge_window, min_walk = timedelta(seconds=merge), timedelta(seconds=minimum)
    tracker = WalkTracker(merge_window=merge_window, min_walk=min_walk)
    if use_timer:
        done, now = run(tracker, events, utc(0))
    else:
        done, now = [], utc(0)
        for seconds, source, walking in events:
            now += timedelta(seconds=seconds)
            done += tracker.observe(SOURCES[source], walking, now)
    done += finish(tracker, now)
    assert [span(walk) for walk in done] == reference(events, merge_window, min_walk)


@given(events=EVENTS, split=st.integers(min_value=0, max_value=60))
@settings(max_examples=200, deadline=None)
def test_restart_with_states_fed_again_changes_nothing(
    events: list[tuple[int, int, bool | None]], split: int
) -> None:
    """A restart followed by the same states (as HA feeds them) is invisible."""
    straight = WalkTracker()
    expected, now = run(straight, events, utc(0))
    expected += finish(straight, now)

    first = WalkTracker()
    done, now = run(first, events[:split], utc(0))
    walking_now = first.to_dict()["walking"]
    second = restart(first)
    for source in walking_now:
        done += second.observe(source, True, now)
    rest, now = run(second, events[split:], now)
    done += rest + finish(second, now)
    assert done == expected


@given(events=EVENTS, cap=st.integers(min_value=5, max_value=120))
@settings(max_examples=200, deadline=None)
def test_walks_never_overlap_nor_exceed_the_cap(
    events: list[tuple[int, int, bool | None]], cap: int
) -> None:
    max_walk = timedelta(minutes=cap)
    tracker = WalkTracker(max_walk=max_walk, min_walk=timedelta(minutes=1))
    done, now = run(tracker, [(s * 10, src, w) for s, src, w in events], utc(0))
    done += finish(tracker, now)
    for walk in done:
        assert timedelta(minutes=1) <= walk.end - walk.start <= max_walk
    for earlier, later in itertools.pairwise(done):
        assert earlier.end < later.start


# --- overlap with logged walks -------------------------------------------------------------


def test_no_overlap_keeps_the_detection() -> None:
    detected = DetectedWalk(at(0), at(30), (IPHONE,))
    assert merge_with_logged(detected, []) is detected
    assert merge_with_logged(detected, [logged(-60, 30), logged(30, 10)]) is detected


def test_manual_walk_covering_everything_wins() -> None:
    detected = DetectedWalk(at(5), at(25), (IPHONE,))
    assert merge_with_logged(detected, [logged(0, 30)]) is None
    assert merge_with_logged(detected, [logged(5, 20)]) is None


def test_remainder_kept_when_long_enough() -> None:
    detected = DetectedWalk(at(0), at(40), (IPHONE,))
    result = merge_with_logged(detected, [logged(-10, 20)])  # covers 0..10
    assert result is not None
    assert span(result) == (utc(10), utc(40))
    assert result.minutes == 30.0
    assert result.source_entity_ids == (IPHONE,)


def test_remainder_dropped_when_short() -> None:
    detected = DetectedWalk(at(0), at(40), (IPHONE,))
    assert merge_with_logged(detected, [logged(0, 38)]) is None
    kept = merge_with_logged(detected, [logged(0, 38)], min_walk=timedelta(minutes=1))
    assert kept is not None
    assert span(kept) == (utc(38), utc(40))


def test_largest_uncovered_part_wins() -> None:
    detected = DetectedWalk(at(0), at(60))
    # Covered: 10..20 and 25..30 (logged out of order, overlapping each other).
    walks = [logged(25, 5), logged(10, 10), logged(12, 3)]
    result = merge_with_logged(detected, walks)
    assert result is not None
    assert span(result) == (utc(30), utc(60))
    # Equal parts: the earliest one.
    tie = merge_with_logged(DetectedWalk(at(0), at(30)), [logged(10, 10)])
    assert tie is not None
    assert span(tie) == (utc(0), utc(10))


def test_sensor_walks_do_not_double_count() -> None:
    first = DetectedWalk(at(0), at(30), (IPHONE,))
    earlier = first.to_walk()
    second = DetectedWalk(at(20), at(50), (PIXEL,))
    result = merge_with_logged(second, [earlier])
    assert result is not None
    assert span(result) == (utc(30), utc(50))
    assert result.source_entity_ids == (PIXEL,)
    assert merge_with_logged(first, [logged(0, 30, Source.SENSOR)]) is None


WALK_SPANS = st.lists(
    st.tuples(st.integers(min_value=-100, max_value=200), st.integers(1, 120)),
    max_size=8,
)


@given(
    start=st.integers(min_value=0, max_value=100),
    length=st.integers(min_value=1, max_value=200),
    spans=WALK_SPANS,
    minimum=st.integers(min_value=1, max_value=30),
)
def test_merge_result_is_uncovered_and_largest(
    start: int, length: int, spans: list[tuple[int, int]], minimum: int
) -> None:
    detected = DetectedWalk(at(start), at(start + length))
    walks = [logged(s, m) for s, m in spans]
    result = merge_with_logged(detected, walks, min_walk=timedelta(minutes=minimum))
    # Minute-by-minute check of what stays uncovered (all values are whole minutes).
    free = [
        minute
        for minute in range(start, start + length)
        if not any(s <= minute < s + m for s, m in spans)
    ]
    runs: list[list[int]] = []
    for minute in free:
        if runs and runs[-1][-1] == minute - 1:
            runs[-1].append(minute)
        else:
            runs.append([minute])
    longest = max(runs, key=len, default=[])
    if len(longest) < minimum:
        assert result is None
    else:
        assert result is not None
        assert span(result) == (utc(longest[0]), utc(longest[-1] + 1))


# --- step counters -------------------------------------------------------------------------


def berlin(day: int, hour: int, minute: int = 0, month: int = 6) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=BERLIN)


def test_step_counter_settings() -> None:
    counter = StepCounter("daily_reset", BERLIN)
    assert counter.mode is StepMode.DAILY_RESET
    assert counter.cadence_threshold == 90
    with pytest.raises(ModelError) as info:
        StepCounter("weekly", BERLIN)
    assert info.value.key == "unknown_step_mode"
    for bad in (0, -5, 90.0, True):
        with pytest.raises(ModelError) as info:
            StepCounter(StepMode.SINCE_BOOT, BERLIN, cadence_threshold=bad)  # type: ignore[arg-type]
        assert info.value.key == "invalid_tracking_setting"


def test_ios_daily_reset_at_midnight() -> None:
    counter = StepCounter(StepMode.DAILY_RESET, BERLIN)
    assert (
        counter.observe(8000, berlin(2, 22)) is None
    )  # the first reading is a baseline
    delta = counter.observe(8300, berlin(2, 23))
    assert delta is not None
    assert (delta.steps, delta.walking) == (300, False)
    # Reset at midnight: the reading is the new day's count.
    delta = counter.observe(120, berlin(3, 0, 20))
    assert delta is not None
    assert delta.steps == 120
    # A new day even when the count is above yesterday's last reading.
    counter = StepCounter(StepMode.DAILY_RESET, BERLIN)
    counter.observe(100, berlin(2, 23, 59))
    delta = counter.observe(150, berlin(3, 0, 30))
    assert delta is not None
    assert delta.steps == 150


def test_ios_reset_on_the_same_day() -> None:
    counter = StepCounter(StepMode.DAILY_RESET, BERLIN)
    counter.observe(5000, berlin(2, 10))
    delta = counter.observe(40, berlin(2, 11))
    assert delta is not None
    assert delta.steps == 40


def test_android_reboot_drop() -> None:
    counter = StepCounter(StepMode.SINCE_BOOT, BERLIN)
    counter.observe(1_204_000, berlin(2, 10))
    walking = counter.observe(1_205_800, berlin(2, 10, 20))
    assert walking is not None
    assert (walking.steps, walking.cadence, walking.walking) == (1800, 90.0, True)
    rebooted = counter.observe(350, berlin(2, 11))
    assert rebooted is not None
    assert rebooted.steps == 350
    after = counter.observe(400, berlin(3, 11))  # no midnight logic for boot counters
    assert after is not None
    assert after.steps == 50


def test_health_connect_day_change_and_corrections() -> None:
    counter = StepCounter(StepMode.DAILY_TOTAL, BERLIN)
    counter.observe(6000, berlin(2, 20))
    assert counter.observe(5800, berlin(2, 21)) is None  # revised down: no steps
    delta = counter.observe(6100, berlin(2, 22))
    assert delta is not None
    assert delta.steps == 300  # from the revised baseline
    delta = counter.observe(900, berlin(3, 8))
    assert delta is not None
    assert delta.steps == 900
    assert delta.start == berlin(2, 22)


def test_readings_ignored() -> None:
    counter = StepCounter(StepMode.SINCE_BOOT, BERLIN)
    counter.observe(1000, berlin(2, 10))
    for value in (None, -5, float("nan"), float("inf"), True):
        assert counter.observe(value, berlin(2, 10, 5)) is None
    assert counter.observe(1500, berlin(2, 10)) is None  # not after the previous one
    assert counter.observe(1500, berlin(2, 9)) is None
    delta = counter.observe(1100, berlin(2, 10, 10))
    assert delta is not None
    assert delta.steps == 100
    assert delta.start == berlin(2, 10)
    with pytest.raises(ModelError):
        counter.observe(1200, datetime(2025, 6, 2, 11))  # noqa: DTZ001


def test_absurd_jump_rebaselines() -> None:
    counter = StepCounter(StepMode.SINCE_BOOT, BERLIN)
    counter.observe(1000, berlin(2, 10))
    assert counter.observe(1000 + MAX_STEP_JUMP + 1, berlin(2, 11)) is None
    delta = counter.observe(1000 + MAX_STEP_JUMP + 101, berlin(2, 12))
    assert delta is not None
    assert delta.steps == 100
    exactly = counter.observe(1000 + 2 * MAX_STEP_JUMP + 101, berlin(2, 13))
    assert exactly is not None
    assert exactly.steps == MAX_STEP_JUMP
    daily = StepCounter(StepMode.DAILY_RESET, BERLIN)
    daily.observe(100, berlin(2, 10))
    assert daily.observe(75_000, berlin(2, 11)) is None


def test_unchanged_count_is_zero_steps() -> None:
    counter = StepCounter(StepMode.SINCE_BOOT, BERLIN)
    counter.observe(1000, berlin(2, 10))
    delta = counter.observe(1000.0, berlin(2, 10, 5))
    assert delta == StepDelta(berlin(2, 10), berlin(2, 10, 5), 0, 0.0, False)
    assert estimate_walk(delta) == 0.0


def test_cadence_estimate() -> None:
    counter = StepCounter(StepMode.SINCE_BOOT, BERLIN)
    counter.observe(0, berlin(2, 10))
    brisk = counter.observe(2000, berlin(2, 10, 20))  # 100 steps/min
    assert brisk is not None
    assert brisk.walking
    assert counter.estimate_walk(brisk) == 20.0
    assert estimate_walk(brisk) == 20.0
    # A long gap with a few steps is no walk at all.
    slow = counter.observe(4000, berlin(2, 16))
    assert slow is not None
    assert not slow.walking
    assert counter.estimate_walk(slow) == 0.0
    # Judged walking against a lower threshold: capped by steps / threshold.
    relaxed = StepDelta(berlin(2, 10), berlin(2, 10, 30), 1800, 60.0, True)
    assert estimate_walk(relaxed) == 20.0
    assert estimate_walk(relaxed, 60) == 30.0
    with pytest.raises(ModelError):
        estimate_walk(relaxed, 0)


def test_step_counter_restart() -> None:
    counter = StepCounter(StepMode.SINCE_BOOT, BERLIN)
    empty, restored = StepCounter.from_dict(counter.to_dict(), "since_boot", BERLIN)
    assert restored
    assert empty.observe(100, berlin(2, 9)) is None
    counter.observe(1000, berlin(2, 10))
    saved = json.loads(json.dumps(counter.to_dict()))
    assert saved == {
        "version": 1,
        "mode": "since_boot",
        "value": 1000,
        "time": berlin(2, 10).astimezone(UTC).isoformat(),
    }
    again, restored = StepCounter.from_dict(saved, StepMode.SINCE_BOOT, BERLIN)
    assert restored
    delta = again.observe(1500, berlin(2, 12))
    assert delta is not None
    assert delta.steps == 500


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"version": 1, "mode": "daily_total", "value": 10, "time": None},
        {
            "version": 1,
            "mode": "since_boot",
            "value": -1,
            "time": "2025-06-02T10:00:00+00:00",
        },
        {
            "version": 1,
            "mode": "since_boot",
            "value": "10",
            "time": "2025-06-02T10:00:00+00:00",
        },
        {"version": 1, "mode": "since_boot", "value": 10, "time": None},
        {
            "version": 1,
            "mode": "since_boot",
            "value": None,
            "time": "2025-06-02T10:00:00+00:00",
        },
        {
            "version": 0,
            "mode": "since_boot",
            "value": 10,
            "time": "2025-06-02T10:00:00+00:00",
        },
    ],
)
def test_step_counter_bad_saved_data(data: object) -> None:
    counter, restored = StepCounter.from_dict(data, "since_boot", BERLIN)
    assert not restored
    assert counter.observe(100, berlin(2, 9)) is None  # no baseline: starts over


# --- step totals ---------------------------------------------------------------------------


def delta(end: datetime, steps: int) -> StepDelta:
    return StepDelta(end - timedelta(minutes=10), end, steps, steps / 10, steps >= 900)


def test_step_totals_refuse_bad_weekday() -> None:
    for bad in (-1, 7, True):
        with pytest.raises(ModelError) as info:
            StepTotals(BERLIN, bad)
        assert info.value.key == "first_weekday_out_of_range"


def test_step_totals_across_spring_forward() -> None:
    # 2025-03-30 is a Sunday with 23 hours in Berlin; the week begins on Monday 24th.
    totals = StepTotals(BERLIN, first_weekday=0)
    totals.add(delta(datetime(2025, 3, 29, 23, 50, tzinfo=BERLIN), 500))
    # 00:30 local on the 30th is 23:30 UTC on the 29th: still the 30th here.
    totals.add(delta(datetime(2025, 3, 29, 23, 30, tzinfo=UTC), 200))
    totals.add(delta(datetime(2025, 3, 30, 3, 10, tzinfo=BERLIN), 300))
    totals.add(delta(datetime(2025, 3, 30, 23, 59, tzinfo=BERLIN), 1000))
    totals.add(delta(datetime(2025, 3, 31, 0, 1, tzinfo=BERLIN), 70))
    totals.add(delta(datetime(2025, 3, 31, 0, 2, tzinfo=BERLIN), 0))
    sunday = datetime(2025, 3, 30, 12, tzinfo=BERLIN)
    monday = datetime(2025, 3, 31, 12, tzinfo=BERLIN)
    assert totals.day(date(2025, 3, 29)) == 500
    assert totals.today(sunday) == 1500
    assert totals.this_week(sunday) == 2000
    assert totals.today(monday) == 70
    assert totals.this_week(monday) == 70
    sunday_weeks = StepTotals(BERLIN, first_weekday=6)
    sunday_weeks.add(delta(datetime(2025, 3, 29, 12, tzinfo=BERLIN), 400))
    sunday_weeks.add(delta(datetime(2025, 3, 31, 12, tzinfo=BERLIN), 600))
    assert sunday_weeks.this_week(monday) == 600
    assert sunday_weeks.this_week(datetime(2025, 3, 29, 13, tzinfo=BERLIN)) == 400


def test_counter_and_totals_across_fall_back() -> None:
    # Berlin falls back on Sunday 2025-10-26: 02:30 happens twice.
    counter = StepCounter(StepMode.DAILY_RESET, BERLIN)
    totals = StepTotals(BERLIN)
    first = datetime(2025, 10, 26, 2, 30, tzinfo=BERLIN)  # CEST
    second = datetime(2025, 10, 26, 2, 30, fold=1, tzinfo=BERLIN)  # CET, an hour later
    counter.observe(1000, first)
    step = counter.observe(1400, second)
    assert step is not None
    assert step.steps == 400
    assert step.cadence == pytest.approx(400 / 60)
    totals.add(step)
    step = counter.observe(30, datetime(2025, 10, 27, 0, 5, tzinfo=BERLIN))
    assert step is not None
    totals.add(step)
    assert totals.today(datetime(2025, 10, 26, 20, tzinfo=BERLIN)) == 400
    assert totals.this_week(datetime(2025, 10, 26, 20, tzinfo=BERLIN)) == 400
    assert totals.this_week(datetime(2025, 10, 27, 1, tzinfo=BERLIN)) == 30


def test_step_totals_keep_two_weeks() -> None:
    totals = StepTotals(BERLIN)
    for day in range(1, 31):
        totals.add(delta(berlin(day, 12), 100))
    assert totals.day(date(2025, 6, 16)) == 100
    assert totals.day(date(2025, 6, 15)) == 0
    assert len(totals.to_dict()["days"]) == 15


def test_step_totals_round_trip() -> None:
    totals = StepTotals(BERLIN)
    totals.add(delta(berlin(2, 12), 1234))
    totals.add(delta(berlin(3, 12), 10))
    saved = json.loads(json.dumps(totals.to_dict()))
    assert saved == {"version": 1, "days": {"2025-06-02": 1234, "2025-06-03": 10}}
    again, restored = StepTotals.from_dict(saved, BERLIN)
    assert restored
    assert again.this_week(berlin(3, 20)) == 1244


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"version": 1},
        {"version": 1, "days": []},
        {"version": 1, "days": {"yesterday": 5}},
        {"version": 1, "days": {"2025-06-02": -5}},
        {"version": 1, "days": {"2025-06-02": 5.5}},
        {"version": 1, "days": {"2025-06-02": True}},
        {"version": 1, "days": {3: 5}},
        {"days": {"2025-06-02": 5}},
    ],
)
def test_step_totals_bad_saved_data(data: object) -> None:
    totals, restored = StepTotals.from_dict(data, BERLIN, 0)
    assert not restored
    assert totals.to_dict() == {"version": 1, "days": {}}


@given(
    increments=st.lists(
        st.tuples(st.integers(min_value=1, max_value=240), st.integers(0, 5000)),
        max_size=40,
    ),
    reboot_at=st.integers(min_value=0, max_value=40),
)
def test_boot_counter_counts_every_step(
    increments: list[tuple[int, int]], reboot_at: int
) -> None:
    """With one reboot, the deltas add up to the steps really taken."""
    counter = StepCounter(StepMode.SINCE_BOOT, BERLIN)
    now = berlin(2, 6)
    value = 10_000
    counter.observe(value, now)
    counted = 0
    for index, (minutes, steps) in enumerate(increments):
        now += timedelta(minutes=minutes)
        # A reboot loses the count; the first reading after it is the steps since then.
        value = steps if index == reboot_at and steps < value else value + steps
        step = counter.observe(value, now)
        assert step is not None
        assert step.steps == steps
        assert step.walking == (steps > 0 and steps / minutes >= 90)
        assert 0 <= estimate_walk(step) <= minutes
        counted += step.steps
    assert counted == sum(steps for _, steps in increments)


def test_a_person_s_walk_trims_the_sensor_walks_it_overlaps() -> None:
    sensor_early = logged(0, 30, Source.SENSOR)
    sensor_inside = logged(42, 5, Source.SENSOR)
    sensor_late = logged(70, 10, Source.SENSOR)
    manual_other = logged(45, 2)
    mine = logged(20, 30)
    nearby = [sensor_early, sensor_inside, manual_other, mine, sensor_late]
    changes = yield_sensor_walks(mine, nearby, min_walk=timedelta(minutes=3))
    assert [old for old, _ in changes] == [sensor_early, sensor_inside]
    rest = changes[0][1]
    assert rest is not None
    assert (rest.start, rest.minutes, rest.source) == (utc(0), 20, Source.SENSOR)
    assert rest.id != sensor_early.id
    # Nothing of the walk inside is left.
    assert changes[1][1] is None


def test_a_sensor_walk_or_no_walk_trims_nothing() -> None:
    nearby = [logged(0, 30, Source.SENSOR)]
    assert yield_sensor_walks(logged(10, 5, Source.SENSOR), nearby) == []
