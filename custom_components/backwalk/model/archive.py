"""Old records kept aside until something needs them, with the results they lead to.

Ten years of records took longer to decode and total at each start than everything else
a profile does. Records before a cutoff (a week start some weeks back) are therefore
stored apart and decoded only when a question reaches before the cutoff: a change
there, a look at an old day, every record. What the snapshot needs of them is small:
the streaks and the plan as they stood the day before the cutoff (the checkpoint),
valid for the settings and time zone they were computed with.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from operator import attrgetter

from .days import day_start, week_start
from .profile import Settings
from .records import MAX_WALK_MINUTES, Record, Walk

_ONE_WEEK = timedelta(days=7)
_MAX_WALK = timedelta(minutes=MAX_WALK_MINUTES)
_START = attrgetter("start")


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """Streak and plan results up to the day (and week) before `first_day`."""

    settings: Settings
    zone: str  # str() of the time zone the days were counted in
    first_day: date  # a week start under settings.first_weekday
    day_run: int
    day_best: int
    week_run: int
    week_next: int  # the per-walk target of the week that begins on first_day


class Archive:
    """Records whose time lies before `cutoff`, decoded on first use.

    No archived walk lasts past the cutoff, so the days from the cutoff's on are made
    of the other records alone.
    """

    __slots__ = ("_decode", "_ids", "_list_ids", "checkpoint", "count", "cutoff")

    def __init__(
        self,
        cutoff: datetime,
        count: int,
        decode: Callable[[], list[Record]],
        list_ids: Callable[[], Iterable[str]],
        checkpoint: Checkpoint | None,
    ) -> None:
        """Describe `count` records before `cutoff` that `decode` returns."""
        self.cutoff = cutoff
        self.count = count
        self.checkpoint = checkpoint
        self._decode = decode
        self._list_ids = list_ids
        self._ids: frozenset[str] | None = None

    def ids(self) -> frozenset[str]:
        """Return the archived records' ids (read once, without decoding records)."""
        if self._ids is None:
            self._ids = frozenset(self._list_ids())
        return self._ids

    def records(self) -> list[Record]:
        """Decode and return the archived records."""
        return self._decode()


def cutoff_day(
    walks: Sequence[Walk], tz: tzinfo, first_weekday: int, latest: date
) -> date:
    """Return the archive's first live day: a week start at or before `latest`.

    No walk may last past the cutoff (its minutes would count on both sides), so a
    week start that a walk runs across moves a week earlier. `walks` are in start order.
    """
    day = week_start(latest, first_weekday)
    while True:
        cutoff = day_start(day, tz).astimezone(UTC)
        low = bisect_left(walks, cutoff - _MAX_WALK, key=_START)
        high = bisect_left(walks, cutoff, key=_START)
        if all(walk.end <= cutoff for walk in walks[low:high]):
            return day
        day -= _ONE_WEEK
