"""Progress: per-day aggregates, streaks, the weekly goal and the walking plan."""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import Enum, StrEnum
import math
from operator import itemgetter
from typing import cast

from .days import local_day, split_minutes_by_day, week_days, week_start
from .errors import ModelError
from .profile import Settings
from .records import Alternative, PainReport, Record, Stretch, Walk

_ONE_DAY = timedelta(days=1)
_ONE_WEEK = timedelta(days=7)
_TIME = itemgetter(0)


class PainStatus(StrEnum):
    """How today's pain relates to the person's thresholds."""

    NONE = "none"
    MILD = "mild"
    PAIN_DAY = "pain_day"
    RED_FLAG = "red_flag"


def pain_status(level: int | None, settings: Settings) -> PainStatus:
    """Classify a pain level against the settings' thresholds."""
    if not level:
        return PainStatus.NONE
    if level >= settings.red_flag_level:
        # G15: serious symptoms need care at once, not exercise.
        return PainStatus.RED_FLAG
    if level >= settings.pain_day_threshold:
        return PainStatus.PAIN_DAY
    return PainStatus.MILD


@dataclass(frozen=True, slots=True)
class DaySummary:
    """Everything logged on one local day."""

    day: date
    walk_minutes: float
    walk_count: int
    pain_level: int | None
    max_pain: int | None
    stretched: bool
    alternative_minutes: float


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The person's progress at one moment, as the entities show it."""

    day: date
    week_start: date
    minutes_today: float
    minutes_this_week: float
    walks_this_week: int
    weekly_goal_minutes: int
    goal_progress: float
    weekly_goal_met: bool
    current_streak: int
    longest_streak: int
    weekly_streak: int
    last_walk: Walk | None
    pain_today: int | None
    pain_status: PainStatus
    pain_day: bool
    red_flag_today: bool
    target_minutes_today: int


class _Kind(Enum):
    """What a day does to a streak."""

    BREAKS = 0
    ACTIVE = 1
    EXCUSED = 2


@dataclass(slots=True)
class _DayData:
    """What one local day holds, by record id so that removal is exact."""

    walk_parts: dict[str, float] = field(default_factory=dict)
    walk_starts: set[str] = field(default_factory=set)
    pains: dict[str, tuple[datetime, int]] = field(default_factory=dict)
    stretches: set[str] = field(default_factory=set)
    alternatives: dict[str, float] = field(default_factory=dict)
    walk_minutes: float = 0.0
    alternative_minutes: float = 0.0
    pain_level: int | None = None
    max_pain: int | None = None

    def refresh(self) -> None:
        """Recompute the totals from the parts."""
        # fsum is exact and order-free: a log built in any order gets the same totals,
        # so a threshold comparison cannot flip on rounding noise.
        self.walk_minutes = math.fsum(self.walk_parts.values())
        self.alternative_minutes = math.fsum(self.alternatives.values())
        if self.pains:
            # The latest report wins; ties in time break on id so the answer is stable.
            _, (_, latest) = max(
                self.pains.items(), key=lambda item: (item[1][0], item[0])
            )
            self.pain_level = latest
            self.max_pain = max(level for _, level in self.pains.values())
        else:
            self.pain_level = None
            self.max_pain = None

    def is_empty(self) -> bool:
        """Whether nothing is logged on this day any more."""
        return not (
            self.walk_parts
            or self.walk_starts
            or self.pains
            or self.stretches
            or self.alternatives
        )

    def kind(self, settings: Settings) -> _Kind:
        """Whether this day extends, skips or breaks a streak."""
        if self.walk_minutes >= settings.daily_minimum_minutes:
            return _Kind.ACTIVE
        if (
            self.pain_level is not None
            and self.pain_level >= settings.pain_day_threshold
            and (self.stretches or self.alternatives)
        ):
            return _Kind.EXCUSED
        return _Kind.BREAKS


@dataclass(slots=True)
class _WeekTotals:
    minutes: float
    walks: int
    pain_day: bool
    red_flag: bool


@dataclass(slots=True)
class _History:
    """Results for completed days and weeks under one Settings, extended lazily.

    Index i of the day lists is base_day + i days; of the week lists, base_week + i
    weeks. A change on some day truncates the lists from that day (or its week) on,
    so logging today's walk never makes the past be recomputed. base_day may lie
    before the first record: empty days and weeks change nothing (inactive, goal not
    met, plan held), so that is harmless.
    """

    settings: Settings
    base_day: date
    base_week: date
    # Streak ending on each day, and the longest streak up to it.
    day_run: list[int] = field(default_factory=list)
    day_best: list[int] = field(default_factory=list)
    # Goal-met weeks ending with each week, and the per-walk target of the week after.
    week_run: list[int] = field(default_factory=list)
    week_next: list[int] = field(default_factory=list)

    def truncate(self, day: date) -> None:
        """Forget everything from `day` on (day >= base_day)."""
        del self.day_run[(day - self.base_day).days :]
        del self.day_best[(day - self.base_day).days :]
        weeks = (
            week_start(day, self.settings.first_weekday) - self.base_week
        ).days // 7
        del self.week_run[weeks:]
        del self.week_next[weeks:]


class WalkLog:
    """All records of one person, with per-day aggregates kept up to date."""

    def __init__(self, tz: tzinfo, records: Iterable[Record] = ()) -> None:
        """Hold `records`; local days are those of `tz`."""
        self._tz = tz
        self._records: dict[str, Record] = {}
        self._order: list[tuple[datetime, str]] = []
        self._walk_order: list[tuple[datetime, str]] = []
        self._days: dict[date, _DayData] = {}
        self._history: _History | None = None
        touched: set[date] = set()
        for record in records:
            self._check_new(record)
            self._records[record.id] = record
            self._order.append((record.time, record.id))
            if isinstance(record, Walk):
                self._walk_order.append((record.time, record.id))
            self._aggregate(record, add=True, collect=touched)
        # One sort instead of one insertion per record, and each day's totals once.
        self._order.sort()
        self._walk_order.sort()
        self._refresh_days(touched)

    # --- records ---------------------------------------------------------------------

    @property
    def timezone(self) -> tzinfo:
        """The zone whose calendar days the aggregates use."""
        return self._tz

    def __len__(self) -> int:
        """Return the number of records."""
        return len(self._records)

    def __contains__(self, record_id: object) -> bool:
        """Whether a record with this id is in the log."""
        return record_id in self._records

    def get(self, record_id: str) -> Record | None:
        """Return the record with this id, if any."""
        return self._records.get(record_id)

    def add(self, record: Record) -> None:
        """Add one record, updating only the days it touches."""
        self._check_new(record)
        self._records[record.id] = record
        insort(self._order, (record.time, record.id))
        if isinstance(record, Walk):
            insort(self._walk_order, (record.time, record.id))
        self._invalidate(self._aggregate(record, add=True))

    def remove(self, record_id: str) -> Record:
        """Remove and return the record with this id."""
        record = self._records.pop(record_id, None)
        if record is None:
            raise ModelError("unknown_record", id=str(record_id))
        key = (record.time, record.id)
        del self._order[bisect_left(self._order, key)]
        if isinstance(record, Walk):
            del self._walk_order[bisect_left(self._walk_order, key)]
        self._invalidate(self._aggregate(record, add=False))
        return record

    def records(self) -> list[Record]:
        """Return every record, oldest first (walks by their start)."""
        return [self._records[record_id] for _, record_id in self._order]

    def records_between(self, start: datetime, end: datetime) -> list[Record]:
        """Return the records whose time lies in [start, end), oldest first."""
        low = bisect_left(self._order, _utc(start), key=_TIME)
        high = bisect_left(self._order, _utc(end), key=_TIME)
        return [self._records[record_id] for _, record_id in self._order[low:high]]

    def walks(self) -> list[Walk]:
        """Return every walk, oldest first."""
        return [self._walk(record_id) for _, record_id in self._walk_order]

    def last_walk(self, at: datetime | None = None) -> Walk | None:
        """Return the walk that started last (at or before `at`, when given)."""
        if at is None:
            count = len(self._walk_order)
        else:
            count = bisect_right(self._walk_order, _utc(at), key=_TIME)
        if count == 0:
            return None
        return self._walk(self._walk_order[count - 1][1])

    def set_timezone(self, tz: tzinfo) -> None:
        """Use another zone's calendar days; recomputes every aggregate."""
        self._tz = tz
        self._days.clear()
        self._history = None
        touched: set[date] = set()
        for record in self._records.values():
            self._aggregate(record, add=True, collect=touched)
        self._refresh_days(touched)

    def day(self, day: date) -> DaySummary:
        """Return what was logged on one local day."""
        data = self._days.get(day)
        if data is None:
            return DaySummary(day, 0.0, 0, None, None, False, 0.0)
        return DaySummary(
            day=day,
            walk_minutes=data.walk_minutes,
            walk_count=len(data.walk_starts),
            pain_level=data.pain_level,
            max_pain=data.max_pain,
            stretched=bool(data.stretches),
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
        self._extend_days(history, yesterday)
        run_before = history.day_run[yesterday] if yesterday >= 0 else 0
        best_before = history.day_best[yesterday] if yesterday >= 0 else 0
        data = self._days.get(today)
        active_today = data is not None and data.kind(settings) is _Kind.ACTIVE
        # Today not (yet) active keeps yesterday's streak; an excused day only skips.
        current_streak = run_before + 1 if active_today else run_before

        # Weekly goal and plan (G10): completed weeks from the cache.
        last_week = (week - history.base_week).days // 7 - 1
        self._extend_weeks(history, last_week)
        target = (
            history.week_next[last_week]
            if last_week >= 0
            else settings.starting_minutes
        )
        weeks_before = history.week_run[last_week] if last_week >= 0 else 0
        totals = self._week_totals(week, settings)
        goal = settings.walks_per_week * target
        goal_met = totals.minutes >= goal

        pain_today = data.pain_level if data is not None else None
        max_pain = data.max_pain if data is not None else None
        status = pain_status(pain_today, settings)
        return Snapshot(
            day=today,
            week_start=week,
            minutes_today=data.walk_minutes if data is not None else 0.0,
            minutes_this_week=totals.minutes,
            walks_this_week=totals.walks,
            weekly_goal_minutes=goal,
            goal_progress=round(min(100.0, totals.minutes * 100 / goal), 1),
            weekly_goal_met=goal_met,
            current_streak=current_streak,
            longest_streak=max(best_before, current_streak),
            weekly_streak=weeks_before + 1 if goal_met else weeks_before,
            last_walk=self.last_walk(now),
            pain_today=pain_today,
            pain_status=status,
            pain_day=status in (PainStatus.PAIN_DAY, PainStatus.RED_FLAG),
            red_flag_today=max_pain is not None and max_pain >= settings.red_flag_level,
            target_minutes_today=target,
        )

    # --- internals -------------------------------------------------------------------

    def _walk(self, record_id: str) -> Walk:
        # _walk_order holds the ids of walks only.
        return cast("Walk", self._records[record_id])

    def _check_new(self, record: object) -> None:
        if not isinstance(record, Walk | PainReport | Stretch | Alternative):
            raise ModelError("invalid_record")
        if record.id in self._records:
            raise ModelError("duplicate_record", id=record.id)

    def _aggregate(
        self, record: Record, *, add: bool, collect: set[date] | None = None
    ) -> date:
        """Add or take away a record's share of its days; return the first day touched.

        With `collect`, only collect the days (adding never empties one): the caller
        refreshes them all at the end with _refresh_days, once per day rather than
        once per record.
        """
        first = local_day(record.time, self._tz)
        touched = [first]
        data = self._day_data(first)
        match record:
            case Walk():
                parts = split_minutes_by_day(record.start, record.minutes, self._tz)
                touched.extend(day for day in parts if day != first)
                _mark(data.walk_starts, record.id, add=add)
                for day, minutes in parts.items():
                    _put(self._day_data(day).walk_parts, record.id, minutes, add=add)
            case PainReport():
                _put(data.pains, record.id, (record.time, record.level), add=add)
            case Stretch():
                _mark(data.stretches, record.id, add=add)
            case _:  # Alternative
                # Counted on the day it began: alternatives excuse days, they are not split.
                _put(data.alternatives, record.id, record.minutes, add=add)
        if collect is not None:
            collect.update(touched)
            return first
        for day in touched:
            day_data = self._days[day]
            if day_data.is_empty():
                del self._days[day]
            else:
                day_data.refresh()
        return first

    def _refresh_days(self, days: set[date]) -> None:
        for day in days:
            self._days[day].refresh()

    def _day_data(self, day: date) -> _DayData:
        data = self._days.get(day)
        if data is None:
            data = self._days[day] = _DayData()
        return data

    def _invalidate(self, day: date) -> None:
        history = self._history
        if history is None:
            return
        if day < history.base_day:
            self._history = None
        else:
            history.truncate(day)

    def _history_for(self, settings: Settings, today: date) -> _History:
        history = self._history
        if history is None or history.settings != settings:
            base = min(self._days, default=today)
            history = self._history = _History(
                settings=settings,
                base_day=base,
                base_week=week_start(base, settings.first_weekday),
            )
        return history

    def _extend_days(self, history: _History, last: int) -> None:
        """Make the day lists cover indexes up to `last`."""
        settings = history.settings
        day = history.base_day + timedelta(days=len(history.day_run))
        run = history.day_run[-1] if history.day_run else 0
        best = history.day_best[-1] if history.day_best else 0
        while len(history.day_run) <= last:
            data = self._days.get(day)
            kind = data.kind(settings) if data is not None else _Kind.BREAKS
            if kind is _Kind.ACTIVE:
                run += 1
            elif kind is _Kind.BREAKS:
                run = 0
            # An excused pain day leaves the run as it is.
            best = max(best, run)
            history.day_run.append(run)
            history.day_best.append(best)
            day += _ONE_DAY

    def _extend_weeks(self, history: _History, last: int) -> None:
        """Make the week lists cover indexes up to `last`."""
        settings = history.settings
        week = history.base_week + _ONE_WEEK * len(history.week_run)
        while len(history.week_run) <= last:
            index = len(history.week_run)
            target = (
                history.week_next[index - 1] if index else settings.starting_minutes
            )
            totals = self._week_totals(week, settings)
            met = totals.minutes >= settings.walks_per_week * target
            previous_run = history.week_run[index - 1] if index else 0
            history.week_run.append(previous_run + 1 if met else 0)
            history.week_next.append(
                _next_target(target, totals, met=met, settings=settings)
            )
            week += _ONE_WEEK

    def _week_totals(self, week: date, settings: Settings) -> _WeekTotals:
        minutes: list[float] = []
        walks = 0
        pain_day = red_flag = False
        for day in week_days(week):
            data = self._days.get(day)
            if data is None:
                continue
            minutes.append(data.walk_minutes)
            walks += len(data.walk_starts)
            if (
                data.pain_level is not None
                and data.pain_level >= settings.pain_day_threshold
            ):
                pain_day = True
            if data.max_pain is not None and data.max_pain >= settings.red_flag_level:
                red_flag = True
        return _WeekTotals(math.fsum(minutes), walks, pain_day, red_flag)


def _next_target(
    target: int, totals: _WeekTotals, *, met: bool, settings: Settings
) -> int:
    """Per-walk target for the week after a completed one (G10: build up slowly)."""
    if totals.red_flag:
        # G15: a red flag week steps back, never below where the plan began.
        return max(settings.starting_minutes, target - settings.step_minutes)
    if totals.pain_day:
        return target
    if met:
        return min(settings.target_minutes, target + settings.step_minutes)
    return target


def _utc(moment: datetime) -> datetime:
    if moment.utcoffset() is None:
        raise ModelError("invalid_timestamp")
    return moment.astimezone(UTC)


def _put[T](container: dict[str, T], key: str, value: T, *, add: bool) -> None:
    if add:
        container[key] = value
    else:
        del container[key]


def _mark(container: set[str], key: str, *, add: bool) -> None:
    if add:
        container.add(key)
    else:
        container.remove(key)


def compute_snapshot(log: WalkLog, settings: Settings, now: datetime) -> Snapshot:
    """Compute the progress shown at `now`."""
    return log.snapshot(settings, now)
