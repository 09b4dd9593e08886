"""Corrections a person may make without the right to delete history.

A mis-tap is noticed at once: the entry made in the last few minutes can be taken back
(undo), and today's pain report made in those minutes can be replaced (a typo on the
pain slider). Older entries are history; only an administrator deletes those.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from .days import day_start, local_day
from .errors import ModelError
from .inputs import CLOCK_SKEW
from .progress import WalkLog
from .records import MAX_WALK_MINUTES, Alternative, PainReport, Record, Walk

# How long an entry stays a fresh mistake that anyone may take back (the card's Undo
# and "Change today's pain" use the same span).
CORRECTION_WINDOW = timedelta(minutes=5)
_LONGEST = timedelta(minutes=MAX_WALK_MINUTES)


def entry_moment(record: Record) -> datetime:
    """When an entry was most likely made: a walk's or an alternative's end, else its time.

    Records do not keep when they were saved; an entry is logged when it ends (a walk
    "that ended now", an alternative "that ended now"), so its end stands for that.
    """
    if isinstance(record, Walk):
        return record.end
    if isinstance(record, Alternative):
        return record.time + timedelta(minutes=record.minutes)
    return record.time


def _recent(log: WalkLog, now: datetime) -> list[Record]:
    """Entries whose moment lies within the window before `now` (or just after it)."""
    earliest = now - CORRECTION_WINDOW
    # A walk (or alternative) ending in the window may have begun up to the longest
    # walk earlier; records are found by their own time.
    candidates = log.records_between(earliest - _LONGEST, now + CLOCK_SKEW)
    return [
        record
        for record in candidates
        if earliest <= entry_moment(record) <= now + CLOCK_SKEW
    ]


def last_entry(log: WalkLog, now: datetime) -> Record | None:
    """Return the entry made last, if it was made within the correction window."""
    recent = _recent(log, now)
    if not recent:
        return None
    return max(
        recent, key=lambda record: (entry_moment(record), record.time, record.id)
    )


def undoable(log: WalkLog, now: datetime, record_id: str | None = None) -> Record:
    """Return the entry an undo at `now` takes back, or refuse.

    With `record_id`, that entry must be the one made last: a card's Undo never takes
    back something logged after it (by voice, say) instead.
    """
    last = last_entry(log, now)
    minutes = str(int(CORRECTION_WINDOW.total_seconds() // 60))
    if last is None:
        raise ModelError("nothing_to_undo", minutes=minutes)
    if record_id is not None and last.id != record_id:
        if record_id in log:
            raise ModelError("undo_not_last", minutes=minutes)
        raise ModelError("unknown_record", id=record_id)
    return last


def correctable_pain(log: WalkLog, now: datetime, tz: tzinfo) -> PainReport | None:
    """Return today's pain report (the latest of today) when it was made in the window.

    A new report replaces it (a typo); an older one stays history and a new report
    follows it. Yesterday's report is never moved into today.
    """
    today = local_day(now, tz)
    reports = [
        record
        for record in log.records_between(
            day_start(today, tz), day_start(today + timedelta(days=1), tz)
        )
        if isinstance(record, PainReport)
    ]
    if not reports:
        return None
    latest = max(reports, key=lambda report: (report.time, report.id))
    if not now - CORRECTION_WINDOW <= latest.time <= now + CLOCK_SKEW:
        return None
    return latest
