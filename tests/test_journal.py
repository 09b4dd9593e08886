"""The journal's lines: whatever changes are made, Store file + replayed journal = memory.

Random sequences of changes (adds, removals, live walks, reminder and tracking state)
are applied to an in-memory profile and written as journal lines; the Store file is
rewritten at random points, as compaction does. Decoding the last Store file and
replaying the lines written after it must give exactly the profile in memory, also when
the last line was cut short by a crash; and a damaged line costs only its own change.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.backwalk.codec import ProfileData, decode, encode
from custom_components.backwalk.journal import Change, encode_change, replay
from custom_components.backwalk.model import (
    Activity,
    Alternative,
    PainReport,
    Record,
    Source,
    Stretch,
    Walk,
)

START = datetime(2026, 1, 5, 7, 0, tzinfo=UTC)

moments = st.integers(min_value=0, max_value=60 * 24 * 365).map(
    lambda minutes: START + timedelta(minutes=minutes)
)
ids = st.sampled_from([f"r{number}" for number in range(12)])
notes = st.none() | st.text(max_size=20)


def records() -> st.SearchStrategy[Record]:
    """Any kind of record, with ids from a small pool so that ids are reused."""
    return st.one_of(
        st.builds(
            Walk,
            id=ids,
            start=moments,
            minutes=st.floats(min_value=1, max_value=120),
            distance_km=st.none() | st.floats(min_value=0, max_value=20),
            source=st.sampled_from(Source),
            note=notes,
        ),
        st.builds(
            PainReport,
            id=ids,
            time=moments,
            level=st.integers(min_value=0, max_value=10),
            note=notes,
        ),
        st.builds(Stretch, id=ids, time=moments, note=notes),
        st.builds(
            Alternative,
            id=ids,
            time=moments,
            activity=st.sampled_from(Activity),
            minutes=st.floats(min_value=1, max_value=120),
            note=notes,
        ),
    )


small_state = st.dictionaries(
    st.text(min_size=1, max_size=5),
    st.integers(min_value=-(2**53), max_value=2**53) | st.text(max_size=5),
    max_size=3,
)
changes = st.one_of(
    st.builds(Change, added=st.tuples(records())),
    st.builds(Change, removed=st.tuples(ids)),
    st.builds(
        Change,
        added=st.tuples(records()),
        removed=st.tuples(ids),
    ),
    st.builds(
        Change, sets_live_walk=st.just(True), live_walk_started=st.none() | moments
    ),
    st.builds(Change, reminders=small_state),
    st.builds(Change, tracking=small_state),
)


def apply(memory: dict[str, Any], change: Change) -> None:
    """What the runtime does in memory for a change (removals before additions)."""
    for record_id in change.removed:
        memory["records"].pop(record_id, None)
    for record in change.added:
        memory["records"][record.id] = record
    if change.sets_live_walk:
        memory["live"] = change.live_walk_started
    if change.reminders is not None:
        memory["reminders"] = change.reminders
    if change.tracking is not None:
        memory["tracking"] = change.tracking


def as_data(memory: dict[str, Any]) -> ProfileData:
    """The in-memory profile as the store gets it."""
    return ProfileData(
        records=list(memory["records"].values()),
        live_walk_started=memory["live"],
        reminders=memory["reminders"],
        tracking=memory["tracking"],
    )


def normal(data: ProfileData) -> Any:
    """Compare profiles regardless of record order."""
    return (
        sorted((record.id, repr(record.to_dict())) for record in data.records),
        data.live_walk_started,
        data.reminders,
        data.tracking,
    )


@settings(max_examples=200, deadline=None)
@given(
    steps=st.lists(st.tuples(changes, st.booleans()), max_size=30),
    torn=st.integers(min_value=1, max_value=40),
)
def test_store_file_and_journal_give_back_memory(
    steps: list[tuple[Change, bool]], torn: int
) -> None:
    memory: dict[str, Any] = {
        "records": {},
        "live": None,
        "reminders": {},
        "tracking": {},
    }
    stored = encode(ProfileData())
    lines: list[bytes] = []
    for change, compact_after in steps:
        apply(memory, change)
        lines.append(encode_change(change))
        if compact_after:
            stored = encode(as_data(memory))
            lines = []
    replayed = replay(decode(stored), [(0, b"".join(lines))])
    assert not replayed.unreadable
    assert replayed.lines == len(lines)
    assert normal(replayed.data) == normal(as_data(memory))

    # A crash while the next line was being written: that line is left out.
    cut = encode_change(Change(removed=("r0", "r1", "r2")))[:-1][:torn]
    after_crash = replay(decode(stored), [(0, b"".join(lines) + cut)])
    assert not after_crash.unreadable
    assert normal(after_crash.data) == normal(as_data(memory))


@settings(max_examples=200, deadline=None)
@given(
    steps=st.lists(changes, min_size=1, max_size=30),
    data=st.data(),
    damage=st.sampled_from([b"not json", b"[1, 2]", b'{"add": []}', b'{"at']),
)
def test_an_unreadable_line_costs_only_itself(
    steps: list[Change], data: st.DataObject, damage: bytes
) -> None:
    """Damage one line anywhere: replay gives what the other changes alone give."""
    lost = data.draw(st.integers(min_value=0, max_value=len(steps) - 1))
    memory: dict[str, Any] = {
        "records": {},
        "live": None,
        "reminders": {},
        "tracking": {},
    }
    lines = []
    for index, change in enumerate(steps):
        if index == lost:
            lines.append(damage + b"\n")
            continue
        apply(memory, change)
        lines.append(encode_change(change))
    # Split into two segments somewhere: damage costs no more across segments.
    cut = data.draw(st.integers(min_value=0, max_value=len(lines)))
    segments = [(0, b"".join(lines[:cut])), (1, b"".join(lines[cut:]))]
    replayed = replay(ProfileData(), segments)
    assert [(item.segment, item.line) for item in replayed.unreadable] == [
        (0, lost + 1) if lost < cut else (1, lost - cut + 1)
    ]
    assert replayed.lines == len(steps) - 1
    assert normal(replayed.data) == normal(as_data(memory))


def test_unreadable_line_keeps_the_rest_of_its_segment() -> None:
    walk = Walk(id="a", start=START, minutes=10)
    later = Walk(id="b", start=START, minutes=20)
    segments = [
        (4, b"not json\n" + encode_change(Change(added=(walk,)))),
        (5, encode_change(Change(added=(later,)))),
    ]
    replayed = replay(ProfileData(), segments)
    assert [(item.segment, item.line) for item in replayed.unreadable] == [(4, 1)]
    assert sorted(record.id for record in replayed.data.records) == ["a", "b"]
    assert replayed.lines == 2


def test_unreadable_lines_are_dated_by_their_neighbours() -> None:
    """The stamps of the readable lines around a lost one say when it was written."""

    def at(minutes: int) -> datetime:
        return START + timedelta(minutes=minutes)

    walk = Walk(id="a", start=START, minutes=10)
    segments = [
        (
            0,
            encode_change(Change(added=(walk,)), at(1))
            + b"garbage\n"
            + b"more garbage\n"
            + encode_change(Change(removed=("a",)), at(5))
            # Its own stamp survived, though the rest of it is not a change.
            + b'{"at": "2026-01-05T07:07:00+00:00", "add": []}\n'
            + b"garbage at the end of the segment\n",
        ),
        (1, b"garbage first in a segment\n" + encode_change(Change(), at(9))),
    ]
    replayed = replay(ProfileData(), segments)
    found = [
        (item.segment, item.line, item.after, item.before)
        for item in replayed.unreadable
    ]
    assert found == [
        (0, 2, at(1).isoformat(), at(5).isoformat()),
        (0, 3, at(1).isoformat(), at(5).isoformat()),
        (0, 5, "2026-01-05T07:07:00+00:00", "2026-01-05T07:07:00+00:00"),
        # The segment's last line: only the file's own time can close the span.
        (0, 6, at(5).isoformat(), None),
        (1, 1, at(5).isoformat(), at(9).isoformat()),
    ]


@pytest.mark.parametrize(
    "line",
    [
        b"[1, 2]",
        b'{"remove": "r1"}',
        b'{"remove": [1]}',
        b'{"add": []}',
        b'{"add": {"walks": {}}}',
        b'{"add": {"walks": [{"id": "x"}]}}',
        b'{"live_walk_started": "soon"}',
        b'{"reminders": []}',
        b'{"tracking": "x"}',
    ],
)
def test_lines_that_are_not_changes_are_unreadable(line: bytes) -> None:
    walk = Walk(id="a", start=START, minutes=10)
    replayed = replay(
        ProfileData(records=[walk]), [(0, line + b"\n" + encode_change(Change()))]
    )
    assert [(item.segment, item.line) for item in replayed.unreadable] == [(0, 1)]
    # Nothing of the line was applied; the line after it was.
    assert replayed.lines == 1
    assert replayed.data.records == [walk]
