"""The cached, incremental WalkLog against a plain recomputation of every rule."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta, tzinfo
import math
import random
import time
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings as hyp_settings, strategies as st

from custom_components.backwalk.model import (
    Activity,
    Alternative,
    PainReport,
    Record,
    Settings,
    Snapshot,
    Stretch,
    Walk,
    WalkLog,
    compute_snapshot,
    day_start,
    history as history_module,
    local_day,
    pain_status,
    progress as progress_module,
    split_minutes_by_day,
    week_start,
)
from custom_components.backwalk.model.archive import Archive, cutoff_day
from custom_components.backwalk.model.day_totals import DayTotals

ZONES = [
    ZoneInfo("Europe/Berlin"),
    ZoneInfo("America/New_York"),
    ZoneInfo("Australia/Lord_Howe"),
]


def reference(
    records: list[Record], tz: tzinfo, settings: Settings, now: datetime
) -> Snapshot:
    """Every rule recomputed from scratch, the obvious way."""
    today = local_day(now, tz)
    parts: dict[date, list[float]] = defaultdict(list)
    lengths: dict[date, list[float]] = defaultdict(list)
    reports: dict[date, list[PainReport]] = defaultdict(list)
    excuses: set[date] = set()
    for record in records:
        day = local_day(record.time, tz)
        if isinstance(record, Walk):
            lengths[day].append(record.minutes)
            for part_day, part in split_minutes_by_day(
                record.start, record.minutes, tz
            ).items():
                parts[part_day].append(part)
        elif isinstance(record, PainReport):
            reports[day].append(record)
        else:
            excuses.add(day)

    def minutes(day: date) -> float:
        return math.fsum(parts[day])

    def latest(day: date) -> int | None:
        if not reports[day]:
            return None
        return max(reports[day], key=lambda r: (r.time, r.id)).level

    def active(day: date) -> bool:
        return minutes(day) >= settings.daily_minimum_minutes

    def pain_day(day: date) -> bool:
        level = latest(day)
        return level is not None and level >= settings.pain_day_threshold

    def excused(day: date) -> bool:
        return not active(day) and pain_day(day) and day in excuses

    record_days = [local_day(r.time, tz) for r in records]
    first = min(record_days, default=today)

    # Current streak: walk back from today (or yesterday), skipping excused days.
    current = 1 if active(today) else 0
    day = today - timedelta(days=1)
    while day >= first:
        if active(day):
            current += 1
        elif not excused(day):
            break
        day -= timedelta(days=1)

    longest = run = 0
    day = first
    while day < today:
        run = run + 1 if active(day) else run if excused(day) else 0
        longest = max(longest, run)
        day += timedelta(days=1)
    longest = max(longest, current)

    def week_minutes(week: date) -> float:
        return math.fsum(minutes(week + timedelta(days=i)) for i in range(7))

    def week_walks(week: date) -> int:
        # A walk counts when it lasts the daily minimum; per day if walk days count.
        total = 0
        for i in range(7):
            long_enough = [
                m
                for m in lengths[week + timedelta(days=i)]
                if m >= settings.daily_minimum_minutes
            ]
            total += (
                min(len(long_enough), 1)
                if settings.count_walk_days
                else len(long_enough)
            )
        return total

    def walks_needed(week: date) -> int:
        pain_days = sum(pain_day(week + timedelta(days=i)) for i in range(7))
        return math.ceil(settings.walks_per_week * (7 - pain_days) / 7)

    def met_goal(week: date, target: int) -> bool:
        needed = walks_needed(week)
        return week_walks(week) >= needed and week_minutes(week) >= needed * target

    this_week = week_start(today, settings.first_weekday)
    target = settings.starting_minutes
    met_weeks: list[bool] = []
    week = week_start(first, settings.first_weekday)
    while week < this_week:
        days = [week + timedelta(days=i) for i in range(7)]
        met = met_goal(week, target)
        met_weeks.append(met)
        red = any(r.level >= settings.red_flag_level for d in days for r in reports[d])
        if red:
            target = max(settings.starting_minutes, target - settings.step_minutes)
        elif any(pain_day(d) for d in days):
            pass
        elif met:
            target = min(settings.target_minutes, target + settings.step_minutes)
        week += timedelta(days=7)

    needed = walks_needed(this_week)
    goal = needed * target
    total = week_minutes(this_week)
    done = week_walks(this_week)
    goal_met = met_goal(this_week, target)
    progress = (
        100.0
        if needed == 0
        else round(min(100.0, min(done / needed, total / goal) * 100), 1)
    )
    weekly = 1 if goal_met else 0
    for met in reversed(met_weeks):
        if not met:
            break
        weekly += 1

    walks = [r for r in records if isinstance(r, Walk) and r.start <= now]
    last = max(walks, key=lambda w: (w.start, w.id), default=None)
    level = latest(today)
    status = pain_status(level, settings)
    return Snapshot(
        day=today,
        week_start=this_week,
        minutes_today=minutes(today),
        minutes_this_week=total,
        walks_this_week=done,
        weekly_walks_needed=needed,
        weekly_goal_minutes=goal,
        goal_progress=progress,
        weekly_goal_met=goal_met,
        current_streak=current,
        longest_streak=longest,
        weekly_streak=weekly,
        last_walk=last,
        pain_today=level,
        pain_status=status,
        pain_day=pain_day(today),
        # Today's pain is its latest report, the red flag included (a corrected mis-tap
        # ends it); only the week's plan looks at every report (see the loop above).
        red_flag_today=level is not None and level >= settings.red_flag_level,
        target_minutes_today=target,
    )


# --- hypothesis: random logs, random order, random removals ---------------------------------

ORIGIN = datetime(2025, 3, 3, tzinfo=UTC)  # a window holding the March DST changes
SPAN_MINUTES = 45 * 24 * 60


@st.composite
def records_strategy(draw: st.DrawFn) -> list[Record]:
    count = draw(st.integers(0, 40))
    records: list[Record] = []
    for index in range(count):
        moment = ORIGIN + timedelta(minutes=draw(st.integers(0, SPAN_MINUTES)))
        kind = draw(st.sampled_from(["walk", "walk", "pain", "stretch", "alternative"]))
        record_id = f"r{index:03d}"
        if kind == "walk":
            minutes = draw(st.sampled_from([1, 2.5, 4, 5, 10, 15, 30, 45, 90, 600]))
            records.append(Walk(record_id, moment, minutes))
        elif kind == "pain":
            records.append(PainReport(record_id, moment, draw(st.integers(0, 10))))
        elif kind == "stretch":
            records.append(Stretch(record_id, moment))
        else:
            records.append(Alternative(record_id, moment, Activity.YOGA, 20))
    return records


@st.composite
def settings_strategy(draw: st.DrawFn) -> Settings:
    target = draw(st.integers(5, 40))
    threshold = draw(st.integers(1, 9))
    return Settings(
        walks_per_week=draw(st.integers(1, 7)),
        target_minutes=target,
        starting_minutes=draw(st.integers(1, target)),
        daily_minimum_minutes=draw(st.sampled_from([1, 5, 10, 20])),
        pain_day_threshold=threshold,
        red_flag_level=draw(st.integers(threshold + 1, 10)),
        first_weekday=draw(st.integers(0, 6)),
        step_minutes=draw(st.integers(1, 15)),
        count_walk_days=draw(st.booleans()),
    )


def moments(draw: st.DrawFn, count: int) -> list[datetime]:
    return [
        ORIGIN
        + timedelta(
            minutes=draw(st.integers(-7 * 24 * 60, SPAN_MINUTES + 14 * 24 * 60))
        )
        for _ in range(count)
    ]


@hyp_settings(
    database=None,
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    records=records_strategy(),
    settings=settings_strategy(),
    tz=st.sampled_from(ZONES),
    data=st.data(),
)
def test_incremental_equals_bulk_equals_reference(
    records: list[Record], settings: Settings, tz: ZoneInfo, data: Any
) -> None:
    nows = moments(data.draw, 3)
    order = data.draw(st.permutations(records))
    incremental = WalkLog(tz)
    kept: list[Record] = []
    for record in order:
        incremental.add(record)
        kept.append(record)
        # Snapshots between changes fill the caches the next change must invalidate.
        if data.draw(st.booleans()):
            now = data.draw(st.sampled_from(nows))
            assert compute_snapshot(incremental, settings, now) == reference(
                kept, tz, settings, now
            )
        if kept and data.draw(st.integers(0, 5)) == 0:
            gone = kept.pop(data.draw(st.integers(0, len(kept) - 1)))
            incremental.remove(gone.id)
    bulk = WalkLog(tz, kept)
    assert (
        incremental.records()
        == bulk.records()
        == sorted(kept, key=lambda r: (r.time, r.id))
    )
    for now in nows:
        expected = reference(kept, tz, settings, now)
        assert compute_snapshot(bulk, settings, now) == expected
        assert compute_snapshot(incremental, settings, now) == expected
        day = local_day(now, tz)
        assert incremental.day(day) == bulk.day(day)


@hyp_settings(database=None, max_examples=50, deadline=None)
@given(records=records_strategy(), settings=settings_strategy(), data=st.data())
def test_set_timezone_equals_fresh_log(
    records: list[Record], settings: Settings, data: Any
) -> None:
    first, second = data.draw(st.permutations(ZONES))[:2]
    log = WalkLog(first, records)
    now = moments(data.draw, 1)[0]
    compute_snapshot(log, settings, now)
    log.set_timezone(second)
    assert compute_snapshot(log, settings, now) == compute_snapshot(
        WalkLog(second, records), settings, now
    )


# --- ten years ----------------------------------------------------------------------------------


def ten_years(seed: int = 7) -> tuple[list[Record], datetime]:
    """About 4000 walks and 4000 pain reports, plus stretches and alternatives."""
    rng = random.Random(seed)
    tz = ZONES[0]
    start = date(2015, 1, 1)
    records: list[Record] = []
    day = start
    while len(records) < 9000:
        base = datetime(day.year, day.month, day.day, tzinfo=tz)
        if rng.random() < 0.6:  # walks on most days, some twice, some at night
            for _ in range(rng.choice([1, 1, 1, 2])):
                hour = rng.choice([7, 12, 18, 23])
                moment = base + timedelta(hours=hour, minutes=rng.randrange(60))
                records.append(
                    Walk(f"w{len(records)}", moment, rng.choice([3, 5, 10, 20, 30, 45]))
                )
        if rng.random() < 0.6:
            moment = base + timedelta(hours=rng.randrange(6, 23))
            records.append(
                PainReport(
                    f"p{len(records)}", moment, rng.choice([0, 2, 3, 4, 5, 6, 8])
                )
            )
        if rng.random() < 0.15:
            records.append(Stretch(f"s{len(records)}", base + timedelta(hours=20)))
        if rng.random() < 0.05:
            records.append(
                Alternative(
                    f"a{len(records)}",
                    base + timedelta(hours=16),
                    Activity.SWIMMING,
                    30,
                )
            )
        day += timedelta(days=1)
    end = datetime(day.year, day.month, day.day, 21, tzinfo=tz)
    return records, end


def test_ten_years_incremental_equals_bulk() -> None:
    tz = ZONES[0]
    settings = Settings()
    records, end = ten_years()
    walks = sum(isinstance(r, Walk) for r in records)
    assert 3500 <= walks <= 5000
    incremental = WalkLog(tz)
    checkpoints: dict[int, Snapshot] = {}
    current_day: date | None = None
    for index, record in enumerate(records):
        incremental.add(record)
        record_day = local_day(record.time, tz)
        if record_day != current_day:
            # Once a day, as Home Assistant does at midnight and on each log.
            current_day = record_day
            checkpoints[index] = compute_snapshot(incremental, settings, record.time)
    started = time.perf_counter()
    bulk = WalkLog(tz, records)
    final_bulk = compute_snapshot(bulk, settings, end)
    bulk_seconds = time.perf_counter() - started
    assert compute_snapshot(incremental, settings, end) == final_bulk
    assert final_bulk == reference(records, tz, settings, end)
    assert final_bulk.longest_streak >= 5
    # Spot checks of the past snapshots against a fresh log of the records up to then.
    for index in list(checkpoints)[:: len(checkpoints) // 12]:
        now = records[index].time
        fresh = WalkLog(tz, records[: index + 1])
        assert checkpoints[index] == compute_snapshot(fresh, settings, now)
    # Generous: building and computing ten years must stay well under a second.
    assert bulk_seconds < 2


def test_logging_today_does_not_walk_the_history(monkeypatch: Any) -> None:
    tz = ZONES[0]
    settings = Settings()
    records, end = ten_years()
    log = WalkLog(tz, records)
    compute_snapshot(log, settings, end)
    calls = {"kind": 0, "week": 0}
    kind = DayTotals.kind
    week_totals = history_module.week_totals

    def counting_kind(self: DayTotals, settings: Settings) -> Any:
        calls["kind"] += 1
        return kind(self, settings)

    def counting_week_totals(days: Any, week: date, settings: Settings) -> Any:
        calls["week"] += 1
        return week_totals(days, week, settings)

    monkeypatch.setattr(DayTotals, "kind", counting_kind)
    monkeypatch.setattr(history_module, "week_totals", counting_week_totals)
    monkeypatch.setattr(progress_module, "week_totals", counting_week_totals)
    for minute in range(5):
        log.add(Walk(f"today{minute}", end - timedelta(minutes=60 - minute), 10))
        result = compute_snapshot(log, settings, end)
    assert result == reference(log.records(), tz, settings, end)
    # Only today (and its week) is looked at, however long the history.
    assert calls == {"kind": 5, "week": 5}
    # A change yesterday recomputes one day, not ten years.
    calls.update(kind=0, week=0)
    log.add(Walk("yesterday", end - timedelta(days=1), 10))
    compute_snapshot(log, settings, end)
    assert calls == {"kind": 2, "week": 1}


@hyp_settings(
    database=None,
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    records=records_strategy(),
    settings=settings_strategy(),
    tz=st.sampled_from(ZONES),
    data=st.data(),
)
def test_archived_log_equals_reference(
    records: list[Record], settings: Settings, tz: ZoneInfo, data: Any
) -> None:
    """Records before a cutoff kept in an archive: the same answers, changes included.

    The archive is decoded only when a question reaches before the cutoff, and its
    checkpoint (from the whole log, as a save makes it) stands in for the days before.
    """
    latest = ORIGIN + timedelta(minutes=data.draw(st.integers(0, SPAN_MINUTES)))
    walks = sorted(
        (record for record in records if isinstance(record, Walk)),
        key=lambda walk: (walk.start, walk.id),
    )
    first_day = cutoff_day(walks, tz, settings.first_weekday, local_day(latest, tz))
    cutoff = day_start(first_day, tz).astimezone(UTC)
    old = [record for record in records if record.time < cutoff]
    assert all(walk.end <= cutoff for walk in old if isinstance(walk, Walk))
    live = [record for record in records if record.time >= cutoff]
    point = WalkLog(tz, records).checkpoint(settings, first_day)
    log = WalkLog(
        tz,
        live,
        Archive(
            cutoff, len(old), lambda: list(old), lambda: [r.id for r in old], point
        ),
    )
    kept = list(records)
    assert len(log) == len(kept)
    for now in moments(data.draw, 2):
        assert compute_snapshot(log, settings, now) == reference(
            kept, tz, settings, now
        )
    # Changes on either side of the cutoff, then the same answers as a full log.
    extra = data.draw(records_strategy())
    for index, record in enumerate(extra):
        if data.draw(st.booleans()):
            fresh = type(record).from_dict({**record.to_dict(), "id": f"x{index}"})
            log.add(fresh)
            kept.append(fresh)
        if kept and data.draw(st.integers(0, 3)) == 0:
            gone = kept.pop(data.draw(st.integers(0, len(kept) - 1)))
            assert gone.id in log
            log.remove(gone.id)
        now = moments(data.draw, 1)[0]
        assert compute_snapshot(log, settings, now) == reference(
            kept, tz, settings, now
        )
    assert log.records() == sorted(kept, key=lambda r: (r.time, r.id))
