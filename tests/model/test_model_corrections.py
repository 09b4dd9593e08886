"""Corrections anyone may make: undo the entry just made, replace a mis-tapped pain report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.backwalk.model import (
    CORRECTION_WINDOW,
    Activity,
    Alternative,
    ModelError,
    PainReport,
    Stretch,
    Walk,
    WalkLog,
    correctable_pain,
    entry_moment,
    last_entry,
    undoable,
)

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2025, 6, 2, 10, tzinfo=UTC)  # 12:00 in Berlin


def ago(minutes: float) -> datetime:
    return NOW - timedelta(minutes=minutes)


def test_window_is_five_minutes() -> None:
    # The card's Undo and "Change today's pain" promise this span in words.
    assert timedelta(minutes=5) == CORRECTION_WINDOW


def test_an_entry_is_made_when_it_ends() -> None:
    walk = Walk("w", ago(30), 30)
    alternative = Alternative("a", ago(20), Activity.SWIMMING, 20)
    assert entry_moment(walk) == NOW
    assert entry_moment(alternative) == NOW
    assert entry_moment(PainReport("p", ago(1), 3)) == ago(1)
    assert entry_moment(Stretch("s", ago(2))) == ago(2)


def test_undo_takes_the_entry_made_last() -> None:
    # A 40-minute walk that ended now began long before the stretch: made last all the same.
    log = WalkLog(BERLIN, [Stretch("s", ago(3)), Walk("w", ago(40), 40)])
    assert undoable(log, NOW).id == "w"
    assert undoable(log, NOW, "w").id == "w"
    # The stretch is not the latest: an Undo for it refuses rather than take the walk.
    with pytest.raises(ModelError) as error:
        undoable(log, NOW, "s")
    assert error.value.key == "undo_not_last"
    with pytest.raises(ModelError) as error:
        undoable(log, NOW, "nope")
    assert error.value.key == "unknown_record"


def test_undo_reaches_back_five_minutes_only() -> None:
    log = WalkLog(BERLIN, [PainReport("p", ago(5), 9)])
    assert undoable(log, NOW).id == "p"
    later = NOW + timedelta(seconds=1)
    assert last_entry(log, later) is None
    with pytest.raises(ModelError) as error:
        undoable(log, later)
    assert (error.value.key, error.value.placeholders) == (
        "nothing_to_undo",
        {"minutes": "5"},
    )
    # History is out of reach however it is asked for.
    with pytest.raises(ModelError) as error:
        undoable(log, later, "p")
    assert error.value.key == "nothing_to_undo"
    # A walk logged afterwards for yesterday ended yesterday: no recent entry either.
    log = WalkLog(BERLIN, [Walk("y", ago(24 * 60), 30)])
    assert last_entry(log, NOW) is None


def test_pain_made_in_the_window_is_replaced() -> None:
    log = WalkLog(BERLIN, [PainReport("old", ago(60), 4), PainReport("tap", ago(2), 9)])
    assert correctable_pain(log, NOW, BERLIN) == PainReport("tap", ago(2), 9)
    # Only today's latest report, the one that is today's pain.
    assert correctable_pain(log, NOW + timedelta(minutes=3, seconds=1), BERLIN) is None
    log = WalkLog(BERLIN, [PainReport("old", ago(60), 4)])
    assert correctable_pain(log, NOW, BERLIN) is None
    assert correctable_pain(WalkLog(BERLIN), NOW, BERLIN) is None


def test_yesterdays_report_is_not_moved_into_today() -> None:
    midnight = datetime(2025, 6, 2, 22, tzinfo=UTC)  # 00:00 in Berlin
    log = WalkLog(BERLIN, [PainReport("late", midnight - timedelta(minutes=2), 9)])
    assert correctable_pain(log, midnight + timedelta(minutes=1), BERLIN) is None
    assert correctable_pain(log, midnight - timedelta(minutes=1), BERLIN) is not None
