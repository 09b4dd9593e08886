"""Progress: the walk log with its per-day totals, streaks and the snapshot shown.

A day's totals live in day_totals.py; the weekly goal and plan in weekly_goal.py.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime, time as dt_time, timedelta, tzinfo
import math
from operator import attrgetter

from .archive import Archive, Checkpoint
from .common import utc as _utc
from .day_totals import DayKind, DaySummary, DayTotals, PainStatus, pain_status
from .days import local_day, split_minutes_by_day, week_start
from .errors import ModelError
from .history import StreakHistory, week_totals
from .profile import Settings
from .records import MAX_WALK_MINUTES, Alternative, PainReport, Record, Stretch, Walk
from .weekly_goal import goal_progress, week_goal_met, weekly_walks_needed

_ONE_DAY = timedelta(days=1)
_ONE_WEEK = timedelta(days=7)
# Records sort by time (a walk's is its start), ties broken by id.
_ORDER = attrgetter("time", "id")
_TIME = attrgetter("time")
# A tuple: isinstance with it is several times faster than with the Record union.
_RECORD_TYPES = (Walk, PainReport, Stretch, Alternative)
_MIDNIGHT = dt_time()
_MAX_WALK = timedelta(minutes=MAX_WALK_MINUTES)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The person's progress at one moment, as the entities show it."""

    day: date
    week_start: date
    minutes_today: float
    minutes_this_week: float
    # Walks that count toward the goal (at least the daily minimum long; per day
    # when the profile counts walk days), and how many the week needs.
    walks_this_week: int
    weekly_walks_needed: int
    weekly_goal_minutes: int
    goal_progress: float
    weekly_goal_met: bool
    current_streak: int
    longest_streak: int
    weekly_streak: int
    last_walk: Walk | None
    # Today's pain is the latest report of today (None: nothing reported yet); every
    # view of today (entities, voice, reminders, card) follows it, red flag included.
    pain_today: int | None
    pain_status: PainStatus | None
    pain_day: bool
    red_flag_today: bool
    target_minutes_today: int


class WalkLog:
    """All records of one person, with per-day aggregates kept up to date."""

    def __init__(
        self, tz: tzinfo, records: Iterable[Record] = (), archive: Archive | None = None
    ) -> None:
        """Hold `records`, and those of `archive` (all before it) once they are needed.

        Local days are those of `tz`.
        """
        self._tz = tz
        self._archive = archive if archive is not None and archive.count else None
        self._records: dict[str, Record] = {}
        self._history: StreakHistory | None = None
        for record in records:
            self._check_new(record)
            self._records[record.id] = record
        # The records themselves, sorted by (time, id): one sort instead of one
        # insertion per record; and each day's totals built once.
        self._order: list[Record] = sorted(self._records.values(), key=_ORDER)
        self._walk_order: list[Walk] = [
            record for record in self._order if isinstance(record, Walk)
        ]
        self._days: dict[date, DayTotals] = self._build_days(self._order)

    # --- records ---------------------------------------------------------------------

    @property
    def timezone(self) -> tzinfo:
        """The zone whose calendar days the aggregates use."""
        return self._tz

    def __len__(self) -> int:
        """Return the number of records."""
        archived = self._archive.count if self._archive is not None else 0
        return len(self._records) + archived

    def __contains__(self, record_id: object) -> bool:
        """Whether a record with this id is in the log."""
        return isinstance(record_id, str) and self.get(record_id) is not None

    def get(self, record_id: str) -> Record | None:
        """Return the record with this id, if any."""
        record = self._records.get(record_id)
        if record is None and self._maybe_archived(record_id):
            self.load_archive()
            record = self._records.get(record_id)
        return record

    def _maybe_archived(self, record_id: str) -> bool:
        """Whether the archive may hold this id (an unreadable one: none, all are old)."""
        try:
            return self._archived(record_id)
        except ModelError:
            return False

    @property
    def archive(self) -> Archive | None:
        """The records not decoded yet (None: every record is in memory)."""
        return self._archive

    def loaded_records(self) -> list[Record]:
        """Return the records in memory (every record unless archived), oldest first."""
        return list(self._order)

    def load_archive(self) -> None:
        """Decode the archived records and count them in like any others."""
        archive = self._archive
        if archive is None:
            return
        # Decoded before it is let go: one that cannot be read stays, saved as it was.
        added: dict[str, Record] = {}
        for record in archive.records():
            self._check_new(record)
            if record.id in added:
                raise ModelError("duplicate_record", id=record.id)
            added[record.id] = record
        self._archive = None
        self._records.update(added)
        self._order = sorted(self._records.values(), key=_ORDER)
        self._walk_order = [
            record for record in self._order if isinstance(record, Walk)
        ]
        self._days = self._build_days(self._order)
        self._history = None

    def checkpoint(self, settings: Settings, first_day: date) -> Checkpoint:
        """Return the streaks and the plan as they stand before `first_day` (a week start)."""
        history = self._history_for(settings, first_day)
        day_index = (first_day - history.base_day).days - 1
        week_index = (first_day - history.base_week).days // 7 - 1
        history.extend_days(self._days, day_index)
        history.extend_weeks(self._days, week_index)
        run, best = history.run_before(day_index)
        week_run, week_next = history.week_before(week_index)
        return Checkpoint(
            settings, str(self._tz), first_day, run, best, week_run, week_next
        )

    def _archived(self, record_id: str) -> bool:
        return self._archive is not None and record_id in self._archive.ids()

    def add(self, record: Record) -> None:
        """Add one record, updating only the days it touches."""
        archive = self._archive
        if archive is not None and (
            record.time < archive.cutoff or self._maybe_archived(record.id)
        ):
            # It changes archived days, or repeats an archived id.
            self.load_archive()
        self._check_new(record)
        self._records[record.id] = record
        insort(self._order, record, key=_ORDER)
        if isinstance(record, Walk):
            insort(self._walk_order, record, key=_ORDER)
        self._invalidate(self._count_new(record))

    def remove(self, record_id: str) -> Record:
        """Remove and return the record with this id."""
        if record_id not in self._records and self._archived(record_id):
            self.load_archive()
        record = self._records.pop(record_id, None)
        if record is None:
            raise ModelError("unknown_record", id=str(record_id))
        key = (record.time, record.id)
        del self._order[bisect_left(self._order, key, key=_ORDER)]
        if isinstance(record, Walk):
            del self._walk_order[bisect_left(self._walk_order, key, key=_ORDER)]
        days = self._days_of(record)
        self._recompute_days(days)
        self._invalidate(days[0])
        return record

    def records(self) -> list[Record]:
        """Return every record, oldest first (walks by their start)."""
        self.load_archive()
        return list(self._order)

    def records_between(self, start: datetime, end: datetime) -> list[Record]:
        """Return the records whose time lies in [start, end), oldest first."""
        if self._archive is not None and _utc(start) < self._archive.cutoff:
            self.load_archive()
        low = bisect_left(self._order, _utc(start), key=_TIME)
        high = bisect_left(self._order, _utc(end), key=_TIME)
        return self._order[low:high]

    def walks(self) -> list[Walk]:
        """Return every walk, oldest first."""
        self.load_archive()
        return list(self._walk_order)

    def last_walk(self, at: datetime | None = None) -> Walk | None:
        """Return the walk that started last (at or before `at`, when given)."""
        walk = self._last_loaded_walk(at)
        if walk is None and self._archive is not None:
            # Every walk in memory began later: the answer is an archived one.
            try:
                self.load_archive()
            except ModelError:
                return None  # unreadable (the Home Assistant side says so)
            walk = self._last_loaded_walk(at)
        return walk

    def _last_loaded_walk(self, at: datetime | None) -> Walk | None:
        if at is None:
            count = len(self._walk_order)
        else:
            count = bisect_right(self._walk_order, _utc(at), key=_TIME)
        if count == 0:
            return None
        return self._walk_order[count - 1]

    def set_timezone(self, tz: tzinfo) -> None:
        """Use another zone's calendar days; recomputes every aggregate."""
        if tz == self._tz:
            return  # the same days: nothing to recompute (nor to decode)
        with suppress(ModelError):
            # Unreadable, the archive keeps the days it had; the rest move.
            self.load_archive()
        self._tz = tz
        self._history = None
        self._days = self._build_days(self._order)

    def day(self, day: date) -> DaySummary:
        """Return what was logged on one local day."""
        if self._archive is not None and day < local_day(
            self._archive.cutoff, self._tz
        ):
            self.load_archive()
        data = self._days.get(day)
        if data is None:
            return DaySummary(day, 0.0, 0, None, None, False, 0.0)
        return DaySummary(
            day=day,
            walk_minutes=data.walk_minutes,
            walk_count=data.walk_count,
            pain_level=data.pain_level,
            max_pain=data.max_pain,
            stretched=data.stretched,
            alternative_minutes=data.alternative_minutes,
        )

    # --- progress --------------------------------------------------------------------

    def snapshot(self, settings: Settings, now: datetime) -> Snapshot:
        """Compute the progress at `now`; cheap however long the history is."""
        today = local_day(now, self._tz)
        week = week_start(today, settings.first_weekday)
        history = self._history_for(settings, today)

        # Streaks: completed days come from the cache, today is looked at directly.
        yesterday = (today - history.base_day).days - 1
        history.extend_days(self._days, yesterday)
        run_before, best_before = history.run_before(yesterday)
        data = self._days.get(today)
        active_today = data is not None and data.kind(settings) is DayKind.ACTIVE
        # Today not (yet) active keeps yesterday's streak; an excused day only skips.
        current_streak = run_before + 1 if active_today else run_before

        # Weekly goal and plan (G10): completed weeks from the cache.
        last_week = (week - history.base_week).days // 7 - 1
        history.extend_weeks(self._days, last_week)
        weeks_before, target = history.week_before(last_week)
        totals = week_totals(self._days, week, settings)
        walks_needed = weekly_walks_needed(settings, totals.pain_days)
        goal = walks_needed * target
        goal_met = week_goal_met(totals, settings, target)

        pain_today = data.pain_level if data is not None else None
        status = pain_status(pain_today, settings)
        return Snapshot(
            day=today,
            week_start=week,
            minutes_today=data.walk_minutes if data is not None else 0.0,
            minutes_this_week=totals.minutes,
            walks_this_week=totals.walks,
            weekly_walks_needed=walks_needed,
            weekly_goal_minutes=goal,
            goal_progress=goal_progress(totals, walks_needed, goal),
            weekly_goal_met=goal_met,
            current_streak=current_streak,
            longest_streak=max(best_before, current_streak),
            weekly_streak=weeks_before + 1 if goal_met else weeks_before,
            last_walk=self.last_walk(now),
            pain_today=pain_today,
            pain_status=status,
            pain_day=status in (PainStatus.PAIN_DAY, PainStatus.RED_FLAG),
            # A lower report later today (a corrected mis-tap) ends the red flag (G15
            # holds while it stands); the week's plan still steps back on the highest.
            red_flag_today=status is PainStatus.RED_FLAG,
            target_minutes_today=target,
        )

    # --- internals -------------------------------------------------------------------

    def _check_new(self, record: object) -> None:
        if not isinstance(record, _RECORD_TYPES):
            raise ModelError("invalid_record")
        if record.id in self._records:
            raise ModelError("duplicate_record", id=record.id)

    def _walk_parts(
        self, walk: Walk, first: date, durations: dict[float, timedelta] | None = None
    ) -> Iterable[tuple[date, float]]:
        """Return a walk's minutes on each local day it touches (`first`: its start's).

        `durations` caches timedelta(minutes=...) across calls (it costs more than all
        the rest of a short walk's work, and many walks last the same minutes).
        """
        minutes = walk.minutes
        if durations is None:
            duration = timedelta(minutes=minutes)
        elif (duration := durations.get(minutes)) is None:  # type: ignore[assignment]
            duration = durations[minutes] = timedelta(minutes=minutes)
        # Most walks end on the day they begin: split_minutes_by_day's first step, done
        # here without its conversions (the same instant, so the same answer).
        boundary = datetime.combine(first + _ONE_DAY, _MIDNIGHT, self._tz)
        if boundary.astimezone(UTC) >= walk.start + duration:
            return ((first, minutes),)
        return split_minutes_by_day(walk.start, minutes, self._tz).items()

    def _days_of(self, record: Record) -> list[date]:
        """Return the local days a record counts on, its own day first."""
        first = local_day(record.time, self._tz)
        if not isinstance(record, Walk):
            return [first]
        return [
            first,
            *(day for day, _ in self._walk_parts(record, first) if day != first),
        ]

    def _build_days(
        self, records: Iterable[Record], only: set[date] | None = None
    ) -> dict[date, DayTotals]:
        """Return the totals of the days `records` touch (of those in `only`, if given).

        The records must be all of each wanted day's records: any subset of the log
        holding them builds the same totals (fsum and the latest-report rule do not
        depend on order). This runs over the whole log at load, hence its plainness.
        """
        tz = self._tz
        days: dict[date, DayTotals] = {}
        walk_parts: dict[date, list[float]] = {}
        alternatives: dict[date, list[float]] = {}
        durations: dict[float, timedelta] = {}
        for record in records:
            # Records hold aware UTC times: local_day without its check.
            first = record.time.astimezone(tz).date()
            if isinstance(record, Walk):
                for day, minutes in self._walk_parts(record, first, durations):
                    if only is None or day in only:
                        walk_parts.setdefault(day, []).append(minutes)
            if only is not None and first not in only:
                continue
            data = days.get(first)
            if data is None:
                data = days[first] = DayTotals()
            if isinstance(record, Walk):
                data.walk_count += 1
                data.walk_lengths.append(record.minutes)
            elif isinstance(record, PainReport):
                data.add_pain(record)
            elif isinstance(record, Stretch):
                data.stretched = True
            else:
                # Counted on the day it began: alternatives excuse days, they are not
                # split.
                alternatives.setdefault(first, []).append(record.minutes)
        # fsum is exact and order-free: a log built in any order gets the same totals,
        # so a threshold comparison cannot flip on rounding noise.
        for day, parts in walk_parts.items():
            data = days.get(day)
            if data is None:
                data = days[day] = DayTotals()
            data.walk_minutes = math.fsum(parts)
        for day, parts in alternatives.items():
            days[day].alternative_minutes = math.fsum(parts)
        return days

    def _recompute_days(self, days: list[date]) -> None:
        """Rebuild these days' totals from their records (after a change)."""
        # Every instant of a local day lies within a day of its UTC midnights (UTC
        # offsets are under 24 hours), and a walk that reaches into a day began at most
        # MAX_WALK_MINUTES before. The records in between are found by bisection.
        # (Records lie in the years 2000-2099: no date arithmetic here overflows.)
        low = datetime.combine(min(days) - _ONE_DAY, _MIDNIGHT, UTC) - _MAX_WALK
        high = datetime.combine(max(days) + 2 * _ONE_DAY, _MIDNIGHT, UTC)
        order = self._order
        window = order[
            bisect_left(order, low, key=_TIME) : bisect_left(order, high, key=_TIME)
        ]
        built = self._build_days(window, only=set(days))
        for day in days:
            data = built.get(day)
            if data is None:
                self._days.pop(day, None)  # nothing is logged on it any more
            else:
                self._days[day] = data

    def _count_new(self, record: Record) -> date:
        """Count a record just added to the log; return its (first) day."""
        own = self._build_days((record,))
        days = self._days
        old = [day for day in own if day in days]
        for day, data in own.items():
            if day not in days:
                days[day] = data
        if old:
            if isinstance(record, PainReport):
                days[old[0]].add_pain(record)
            elif isinstance(record, Stretch):
                days[old[0]].stretched = True
            else:
                # Minutes: exact totals need every part of the day again.
                self._recompute_days(old)
        return local_day(record.time, self._tz)

    def _invalidate(self, day: date) -> None:
        history = self._history
        if history is None:
            return
        if day < history.base_day:
            self._history = None
        else:
            history.truncate(day)

    def _history_for(self, settings: Settings, today: date) -> StreakHistory:
        archive = self._archive
        point = archive.checkpoint if archive is not None else None
        if archive is not None and (
            point is None
            or point.settings != settings
            or point.zone != str(self._tz)
            or today < point.first_day
        ):
            # Results that hold for other settings (or none), or a day before the
            # cutoff: count from the first record.
            try:
                self.load_archive()
            except ModelError:
                # Unreadable: go on from the results at the cutoff, the closest there are.
                if point is not None and today < point.first_day:
                    point = None
            else:
                point = None
        history = self._history
        if history is not None and history.settings == settings:
            return history
        if point is not None:
            history = self._history = StreakHistory(
                settings=settings,
                base_day=point.first_day,
                base_week=point.first_day,
                start_run=point.day_run,
                start_best=point.day_best,
                start_week_run=point.week_run,
                start_target=point.week_next,
            )
            return history
        base = min(self._days, default=today)
        history = self._history = StreakHistory(
            settings=settings,
            base_day=base,
            base_week=week_start(base, settings.first_weekday),
        )
        return history


def compute_snapshot(log: WalkLog, settings: Settings, now: datetime) -> Snapshot:
    """Compute the progress shown at `now`."""
    return log.snapshot(settings, now)
