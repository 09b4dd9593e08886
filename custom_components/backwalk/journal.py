"""The journal: each acknowledged change as one line, synced to disk before it counts.

Rewriting the whole store file on every action made each action slower the longer the
history (ten years of walks are a 1.5 MB file: about 10 ms per action). Instead, an
action appends its change, a short JSON line, to a journal segment next to the store
file and syncs it; the store file is rewritten from memory now and then (compaction),
and the segments it then holds are deleted.

Segments are `<store file>.journal-<n>`; the store file's `journal_from` says that it
already holds every segment numbered below it. Loading reads the store file, then
replays the later segments in order; older ones (a crash came between a compaction and
their deletion) are deleted unread. Replay lets an add replace a record with the same
id and a removal of a missing record do nothing, so a store file restored from a backup
still loads with the segments written after it.

Each line is a whole change and says when it was written (`at`), so a line that cannot
be read costs only itself: the lines after it are still replayed, and the times of the
lines around it say when the lost change was made. A segment is created by the first
line that goes into it, never empty.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
import glob
import os
from typing import Any

from homeassistant.helpers.json import json_bytes
from homeassistant.util.json import json_loads

from .codec import ProfileData, decode_live_walk, decode_records, group_records
from .model import ModelError, Record

_SEGMENT = ".journal-"
# Temporary files of the Store file writer of earlier releases, `<store file>.<random>.tmp`,
# that a crash left behind: removed at load (each would take the room of a whole log).
_TEMPORARY = ".*.tmp"


@dataclass(frozen=True, slots=True)
class Change:
    """What one action changed; only the parts it names are written."""

    added: tuple[Record, ...] = ()
    removed: tuple[str, ...] = ()
    # A live walk that starts or ends (None: ended); untouched unless sets_live_walk.
    sets_live_walk: bool = False
    live_walk_started: datetime | None = None
    reminders: dict[str, Any] | None = None
    tracking: dict[str, Any] | None = None


def encode_change(change: Change, at: datetime | None = None) -> bytes:
    """One journal line (with its newline) for a change made at `at`."""
    document: dict[str, Any] = {}
    if at is not None:
        document["at"] = at.isoformat()
    if change.removed:
        document["remove"] = list(change.removed)
    if change.added:
        document["add"] = {
            group: items
            for group, items in group_records(list(change.added)).items()
            if items
        }
    if change.sets_live_walk:
        started = change.live_walk_started
        document["live_walk_started"] = started.isoformat() if started else None
    if change.reminders is not None:
        document["reminders"] = change.reminders
    if change.tracking is not None:
        document["tracking"] = change.tracking
    return json_bytes(document) + b"\n"


@dataclass(slots=True)
class Unreadable:
    """A journal line that could not be read, and when it was written, as far as known."""

    segment: int
    line: int  # from 1
    # Stamps (`at`) of the nearest readable lines before it and after it in its own
    # segment; both are its own stamp when that much of the line could be read.
    after: str | None = None
    before: str | None = None


@dataclass(slots=True)
class Replayed:
    """The profile after replaying its segments, and what could not be read."""

    data: ProfileData
    lines: int = 0
    unreadable: list[Unreadable] = field(default_factory=list)
    # Ids the lines added or removed: what they say wins over an archived record.
    touched: set[str] = field(default_factory=set)


def replay(data: ProfileData, segments: Iterable[tuple[int, bytes]]) -> Replayed:
    """Apply the segments' lines, in order, to the data loaded from the store file.

    A segment's text after its last newline is a line whose write never finished: it
    was never acknowledged, so it is left out. A complete line that cannot be read is
    skipped (the caller keeps its segment aside for recovery); every other line is
    applied, since each is a whole change and ids make applying one again harmless.
    """
    records = {record.id: record for record in data.records}
    result = Replayed(data)
    stamp: str | None = None  # of the last readable line
    for number, content in segments:
        lines = content.split(b"\n")
        # Unreadable lines of this segment waiting for the stamp of a later line.
        waiting: list[Unreadable] = []
        # The last item is the unfinished tail (empty when the segment ends cleanly).
        for index, line in enumerate(lines[:-1], start=1):
            document: object = None
            try:
                document = json_loads(line)
                _apply(document, records, result)
            except ModelError, ValueError:
                own = _stamp(document)
                damage = Unreadable(number, index, own or stamp, own)
                if own is None:
                    waiting.append(damage)
                result.unreadable.append(damage)
                continue
            result.lines += 1
            if (line_stamp := _stamp(document)) is not None:
                stamp = line_stamp
                for damage in waiting:
                    damage.before = line_stamp
                waiting.clear()
    result.data.records = list(records.values())
    return result


def fold_archive(replayed: Replayed) -> None:
    """Count the archived records in with the others (the lines changed some).

    What the lines say of a record (added, replaced or removed) wins over its archived
    form.
    """
    data = replayed.data
    if data.archive is None:
        return
    kept = {record.id: record for record in data.records}
    for record in data.archive.records():
        if record.id not in replayed.touched:
            kept.setdefault(record.id, record)
    data.records = list(kept.values())
    data.archive = None


def _stamp(document: object) -> str | None:
    """When a line says it was written (only shown to people, so not checked further)."""
    if isinstance(document, Mapping) and isinstance(at := document.get("at"), str):
        return at
    return None


def _apply(document: object, records: dict[str, Record], result: Replayed) -> None:
    data = result.data
    if not isinstance(document, Mapping):
        raise ModelError("invalid_record")
    # Decode everything first: a line is applied whole or not at all.
    removed = document.get("remove", [])
    if not isinstance(removed, list) or not all(
        isinstance(item, str) for item in removed
    ):
        raise ModelError("invalid_record")
    added_groups = document.get("add", {})
    if not isinstance(added_groups, Mapping):
        raise ModelError("invalid_record")
    added = decode_records(added_groups)
    live = data.live_walk_started
    if "live_walk_started" in document:
        live = decode_live_walk(document["live_walk_started"])
    reminders = document.get("reminders", data.reminders)
    tracking = document.get("tracking", data.tracking)
    if not isinstance(reminders, dict) or not isinstance(tracking, dict):
        raise ModelError("invalid_record")
    for record_id in removed:
        records.pop(record_id, None)
    for record in added:
        records[record.id] = record
    result.touched.update(removed)
    result.touched.update(record.id for record in added)
    data.live_walk_started = live
    data.reminders = reminders
    data.tracking = tracking


# --- files (run in the executor) ----------------------------------------------------------


def segment_path(store_path: str, number: int) -> str:
    """Where segment `number` of a profile's journal lives."""
    return f"{store_path}{_SEGMENT}{number}"


def segment_numbers(store_path: str) -> list[int]:
    """List the profile's segment numbers in order (files kept aside excluded)."""
    prefix = store_path + _SEGMENT
    numbers = []
    for path in glob.glob(glob.escape(prefix) + "*"):
        suffix = path[len(prefix) :]
        if suffix.isdigit():
            numbers.append(int(suffix))
    return sorted(numbers)


def read_segments(store_path: str, first: int) -> list[tuple[int, bytes]]:
    """Read the segments from `first` on; delete older ones (the store file has them).

    Temporary files of a store file write that a crash interrupted go too: nothing
    reads them, and on a nearly full disk each would take the room of a whole file.
    """
    for path in glob.glob(glob.escape(store_path) + _TEMPORARY):
        _remove(path)
    segments = []
    for number in segment_numbers(store_path):
        path = segment_path(store_path, number)
        if number < first:
            with suppress(OSError):
                os.unlink(path)
            continue
        with open(path, "rb") as file:
            segments.append((number, file.read()))
    return segments


def delete_segments_below(store_path: str, first: int | None = None) -> None:
    """Delete the segments a newly written store file holds (None: all of them)."""
    for number in segment_numbers(store_path):
        if first is not None and number >= first:
            break
        # One left behind is deleted unread at the next load (it is below journal_from).
        with suppress(OSError):
            os.unlink(segment_path(store_path, number))


def append_line(path: str, line: bytes, *, new_file: bool) -> None:
    """Append one line and sync it; on failure, take back what was written if possible.

    A new file's directory entry is synced too, or the file could vanish in a crash.
    A file this call created is removed again when the line does not make it: a full
    disk otherwise collects an empty segment per failed action.
    """
    if new_file:
        os.makedirs(os.path.dirname(path), exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        size = os.fstat(descriptor).st_size
        try:
            _write_all(descriptor, line)
            os.fsync(descriptor)
        except OSError:
            # A line the user is told failed must not come back at the next start.
            with suppress(OSError):
                os.ftruncate(descriptor, size)
            if size == 0:
                _remove(path)
            raise
    finally:
        os.close(descriptor)
    if new_file:
        try:
            _sync_directory(os.path.dirname(path))
        except OSError:
            # Not known to be on disk, so not acknowledged: it must not come back.
            _remove(path)
            raise


def _sync_directory(directory: str) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _remove(path: str) -> None:
    with suppress(OSError):
        os.unlink(path)


def _write_all(descriptor: int, data: bytes) -> None:
    # os.write may write less than asked (a full disk, a signal): go on with the rest.
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]
