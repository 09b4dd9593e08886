"""Reminder planning: what is due when, red flags, quiet hours, DST."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.backwalk.model import (
    GUIDANCE,
    TEMPLATES,
    Condition,
    ModelError,
    Nudge,
    NudgeContext,
    NudgeType,
    PainStatus,
    Schedule,
    due_nudges,
    next_due,
    red_flag_now,
    red_flag_withdrawn,
    snoozed,
    tip_for,
    walks_between,
)
from tests.model.languages import ENGLISH, EVERY_LANGUAGE, EXERCISE_WORDS as EXERCISE_IN

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
ZONES = [BERLIN, NEW_YORK, LORD_HOWE]
EVERY_DAY = frozenset(range(7))
EXERCISE_WORDS = EXERCISE_IN["en"]
TIP_TEXTS = {
    key: TEMPLATES[key].text(ENGLISH) for key in TEMPLATES if key.startswith("tip_")
}

# Daily at 08:00 Berlin: in June 06:00 UTC; stretch at 05:50 UTC, check-in at 08:00 UTC.
DAILY = Schedule(EVERY_DAY, time(8))
WALK = datetime(2025, 6, 2, 6, tzinfo=UTC)
STRETCH_DUE = WALK - timedelta(minutes=10)
CHECK_IN_DUE = WALK + timedelta(hours=2)
LONG_AGO = datetime(2025, 1, 1, tzinfo=UTC)


def context(
    status: PainStatus | None = PainStatus.NONE,
    condition: Condition = Condition.ACUTE,
    **kwargs: object,
) -> NudgeContext:
    return NudgeContext(
        name="Ana",
        condition=condition,
        today_pain_status=status,
        target_minutes=20,
        **{"messages": ENGLISH, **kwargs},  # type: ignore[arg-type]
    )


def due(
    now: datetime,
    since: datetime | None = None,
    *,
    ctx: NudgeContext | None = None,
    schedule: Schedule = DAILY,
    tz: ZoneInfo = BERLIN,
    sent: frozenset[str] = frozenset(),
) -> list[Nudge]:
    return due_nudges(
        schedule,
        tz,
        ctx or context(),
        now,
        now - timedelta(minutes=1) if since is None else since,
        sent,
    )


def tip_of(nudge: Nudge) -> str:
    (key,) = [key for key, text in TIP_TEXTS.items() if text in nudge.message]
    return key


# --- before the walk -------------------------------------------------------------


def test_stretch_nudge() -> None:
    (nudge,) = due(STRETCH_DUE)
    assert nudge.type is NudgeType.STRETCH
    assert nudge.key == "before:2025-06-02T06:00:00+00:00"
    assert nudge.walk_time == WALK
    assert nudge.due == STRETCH_DUE
    assert nudge.title
    for area in ("neck", "arms", "hips", "legs", "hamstrings", "ankles"):
        assert area in nudge.message
    assert "20 minutes" in nudge.message
    assert "8:00 AM" in nudge.message
    assert "not medical advice" in nudge.message
    tip = tip_of(nudge)
    assert nudge.message.index("Stretch") < nudge.message.index(TIP_TEXTS[tip])
    # Spoken: only the essential sentence, no footer or tip.
    assert nudge.spoken == TEMPLATES["stretch"].spoken(ENGLISH).format(
        name="Ana", time="8 AM", minutes=20
    )
    assert set(nudge.guidance) == {"G10", "G13", "G15", *TEMPLATES[tip].guidance}
    assert all(guidance in GUIDANCE for guidance in nudge.guidance)


def test_stretch_window() -> None:
    assert due(STRETCH_DUE - timedelta(seconds=1)) == []
    # A due time equal to `since` was handled by the previous call.
    assert due(STRETCH_DUE + timedelta(minutes=1), since=STRETCH_DUE) == []
    # Late, but before the walk: still worth it.
    assert [n.type for n in due(WALK, since=LONG_AGO)] == [NudgeType.STRETCH]


def test_before_walk_nudge_is_skipped_after_the_walk_time() -> None:
    assert (
        due(WALK + timedelta(seconds=1), since=STRETCH_DUE - timedelta(hours=1)) == []
    )


def test_no_lead_means_a_nudge_at_the_walk_time() -> None:
    schedule = replace(DAILY, stretch_lead_minutes=0)
    (nudge,) = due(WALK, schedule=schedule)
    assert nudge.due == WALK
    assert nudge.type is NudgeType.STRETCH


def test_pain_day_suggests_alternatives() -> None:
    ctx = context(
        PainStatus.PAIN_DAY,
        preferred_alternatives=("yoga", "other", "swimming", "yoga"),
    )
    (nudge,) = due(STRETCH_DUE, ctx=ctx)
    assert nudge.type is NudgeType.ALTERNATIVE
    assert nudge.key == "before:2025-06-02T06:00:00+00:00"
    assert "gentle yoga or swimming" in nudge.message
    assert "gentle yoga or swimming" in nudge.spoken
    assert "stationary" not in nudge.message
    assert "not medical advice" in nudge.message
    assert nudge.guidance == ("G7", "G15")
    assert not any(text in nudge.message for text in TIP_TEXTS.values())


@pytest.mark.parametrize("preferred", [(), ("other",)])
def test_pain_day_without_preference_lists_all(preferred: tuple[str, ...]) -> None:
    ctx = context(PainStatus.PAIN_DAY, preferred_alternatives=preferred)
    (nudge,) = due(STRETCH_DUE, ctx=ctx)
    assert "swimming, a stationary bike or gentle yoga" in nudge.message


def test_mild_pain_still_stretches() -> None:
    (nudge,) = due(STRETCH_DUE, ctx=context(PainStatus.MILD))
    assert nudge.type is NudgeType.STRETCH


def test_before_walk_key_is_shared_by_its_types() -> None:
    (stretch,) = due(STRETCH_DUE)
    # Pain reported after the stretch nudge went out: no second before-walk nudge.
    assert (
        due(
            STRETCH_DUE, ctx=context(PainStatus.PAIN_DAY), sent=frozenset({stretch.key})
        )
        == []
    )


# --- tips ------------------------------------------------------------------------


def test_tip_rotates_day_by_day() -> None:
    tips = [tip_of(due(STRETCH_DUE + timedelta(days=n))[0]) for n in range(10)]
    for today, tomorrow in pairwise(tips):
        assert today != tomorrow
    # Deterministic: the same day gives the same tip again.
    assert tip_of(due(STRETCH_DUE)[0]) == tips[0]


def test_acute_gets_every_tip_in_turn() -> None:
    days = [date(2025, 6, 2) + timedelta(days=n) for n in range(5)]
    tips = {tip_for(day, Condition.ACUTE).key for day in days}
    assert tips == set(TIP_TEXTS)
    assert "tip_flat" in tips


def test_chronic_never_gets_the_flat_ground_tip() -> None:
    days = [date(2025, 6, 2) + timedelta(days=n) for n in range(40)]
    tips = [tip_for(day, Condition.CHRONIC).key for day in days]
    assert "tip_flat" not in tips
    assert set(tips) == set(TIP_TEXTS) - {"tip_flat"}
    ctx = context(condition=Condition.CHRONIC)
    for n in range(10):
        assert tip_of(due(STRETCH_DUE + timedelta(days=n), ctx=ctx)[0]) != "tip_flat"


def test_tip_follows_the_walks_local_day() -> None:
    # 00:30 in Lord Howe is the previous day in UTC; the tip is the local day's.
    schedule = Schedule(EVERY_DAY, time(0, 30))
    walk = datetime(2025, 6, 2, 0, 30, tzinfo=LORD_HOWE)
    (nudge,) = due(walk - timedelta(minutes=10), schedule=schedule, tz=LORD_HOWE)
    assert tip_of(nudge) == tip_for(date(2025, 6, 2), Condition.ACUTE).key


# --- check-ins -------------------------------------------------------------------


def test_check_in() -> None:
    (nudge,) = due(CHECK_IN_DUE)
    assert nudge.type is NudgeType.CHECK_IN
    assert nudge.key == "check_in:2025-06-02T06:00:00+00:00"
    assert nudge.walk_time == WALK
    assert nudge.due == CHECK_IN_DUE
    assert nudge.guidance == ("G10",)
    assert "8:00 AM" in nudge.message
    assert "Ana" in nudge.spoken


def test_check_in_is_relevant_for_six_hours() -> None:
    late = CHECK_IN_DUE + timedelta(hours=6)
    assert [n.key for n in due(late, since=STRETCH_DUE)] == [
        "check_in:2025-06-02T06:00:00+00:00"
    ]
    assert due(late + timedelta(seconds=1), since=STRETCH_DUE) == []


@pytest.mark.parametrize(
    ("start", "end", "asked"),
    [
        (None, None, True),
        # A walk from an hour before the slot on answers it.
        (WALK - timedelta(minutes=60), WALK - timedelta(minutes=40), False),
        (WALK + timedelta(minutes=30), WALK + timedelta(minutes=60), False),
        # Yesterday's walk does not.
        (WALK - timedelta(days=1), WALK - timedelta(days=1, minutes=-30), True),
        (WALK - timedelta(minutes=61), WALK - timedelta(minutes=62), True),
        # A long walk begun earlier but still going an hour before the slot does.
        (WALK - timedelta(minutes=90), WALK - timedelta(minutes=30), False),
        (WALK - timedelta(minutes=90), WALK - timedelta(minutes=61), True),
    ],
)
def test_check_in_suppressed_by_a_walk(
    start: datetime | None, end: datetime | None, asked: bool
) -> None:
    ctx = context(last_walk_start=start, last_walk_end=end)
    assert bool(due(CHECK_IN_DUE, ctx=ctx)) is asked


def test_naive_walk_times_are_refused() -> None:
    ctx = context(last_walk_start=datetime(2025, 6, 2, 8))  # noqa: DTZ001
    with pytest.raises(ModelError) as err:
        due(CHECK_IN_DUE, ctx=ctx)
    assert err.value.key == "invalid_timestamp"
    with pytest.raises(ModelError):
        due(datetime(2025, 6, 2, 8))  # noqa: DTZ001


# --- red flags -------------------------------------------------------------------


def test_red_flag_before_the_walk() -> None:
    (nudge,) = due(STRETCH_DUE, ctx=context(PainStatus.RED_FLAG))
    assert nudge.type is NudgeType.RED_FLAG
    assert nudge.key == "red_flag:2025-06-02"
    assert nudge.walk_time is None
    assert nudge.due == STRETCH_DUE
    assert nudge.guidance == ("G15",)
    for text in (nudge.title, nudge.message, nudge.spoken):
        assert not EXERCISE_WORDS.search(text), text
    assert "emergency" in nudge.message
    assert "not medical advice" not in nudge.message


def test_red_flag_has_no_check_in() -> None:
    assert due(CHECK_IN_DUE, ctx=context(PainStatus.RED_FLAG)) == []


def test_red_flag_now() -> None:
    now = datetime(2025, 6, 2, 21, 30, tzinfo=UTC)  # 23:30 in Berlin
    red = context(PainStatus.RED_FLAG)
    nudge = red_flag_now(BERLIN, red, now, ())
    assert nudge is not None
    assert nudge.type is NudgeType.RED_FLAG
    assert nudge.due == now
    assert nudge.key == "red_flag:2025-06-02"
    # Right after a report: in the evening's local day, whatever the UTC date.
    assert red_flag_now(BERLIN, red, now + timedelta(hours=1), ()) is not None
    assert red_flag_now(BERLIN, red, now + timedelta(hours=1), ()).key == (  # type: ignore[union-attr]
        "red_flag:2025-06-03"
    )
    assert red_flag_now(BERLIN, red, now, {nudge.key}) is None
    for status in (PainStatus.NONE, PainStatus.MILD, PainStatus.PAIN_DAY):
        assert red_flag_now(BERLIN, context(status), now, ()) is None


def test_red_flag_withdrawn_after_a_correction_today_only() -> None:
    now = datetime(2025, 6, 2, 8, tzinfo=UTC)
    advice = red_flag_now(BERLIN, context(PainStatus.RED_FLAG), now, ())
    assert advice is not None
    later = now + timedelta(minutes=2)
    # Corrected below the level (or to nothing left today): taken back.
    for status in (None, PainStatus.NONE, PainStatus.MILD, PainStatus.PAIN_DAY):
        assert red_flag_withdrawn(BERLIN, context(status), later, advice)
    # While the red flag stands, it stays.
    assert not red_flag_withdrawn(BERLIN, context(PainStatus.RED_FLAG), later, advice)
    # Yesterday's advice is not today's to take back: a new day is no correction.
    tomorrow = now + timedelta(days=1)
    assert not red_flag_withdrawn(BERLIN, context(None), tomorrow, advice)
    # Another nudge already replaced it, or nothing was shown.
    stretch = replace(advice, type=NudgeType.STRETCH, key="before:x")
    assert not red_flag_withdrawn(BERLIN, context(PainStatus.MILD), later, stretch)
    assert not red_flag_withdrawn(BERLIN, context(PainStatus.MILD), later, None)


def test_red_flag_is_given_once_a_day() -> None:
    red = context(PainStatus.RED_FLAG)
    given_now = red_flag_now(BERLIN, red, WALK - timedelta(hours=3), ())
    assert given_now is not None
    assert due(STRETCH_DUE, ctx=red, sent=frozenset({given_now.key})) == []


def test_red_flag_stays_relevant_all_day_but_not_the_next() -> None:
    red = context(PainStatus.RED_FLAG)
    evening = datetime(2025, 6, 2, 20, tzinfo=UTC)  # 22:00 in Berlin
    (nudge,) = due(evening, since=LONG_AGO, ctx=red)
    assert nudge.key == "red_flag:2025-06-02"
    assert nudge.due == STRETCH_DUE
    # Next morning before the walk: only today's slot counts, yesterday's is past.
    morning = datetime(2025, 6, 3, 3, tzinfo=UTC)
    assert due(morning, since=LONG_AGO, ctx=red) == []


# --- quiet hours -----------------------------------------------------------------

QUIET = Schedule(EVERY_DAY, time(7, 5), quiet_start=time(22), quiet_end=time(7))
# 07:05 Berlin = 05:05 UTC; the stretch at 06:55 local falls in the quiet hours.
QUIET_WALK = datetime(2025, 6, 2, 5, 5, tzinfo=UTC)
QUIET_END = datetime(2025, 6, 2, 5, tzinfo=UTC)


def test_quiet_hours_skip_before_walk_nudges() -> None:
    stretch_due = QUIET_WALK - timedelta(minutes=10)
    assert due(stretch_due, schedule=QUIET) == []
    assert due(QUIET_END, since=LONG_AGO, schedule=QUIET) == []
    assert due(QUIET_WALK, since=LONG_AGO, schedule=QUIET) == []
    pain = context(PainStatus.PAIN_DAY)
    assert due(QUIET_WALK, since=LONG_AGO, schedule=QUIET, ctx=pain) == []


def test_quiet_hours_defer_red_flag_advice() -> None:
    red = context(PainStatus.RED_FLAG)
    stretch_due = QUIET_WALK - timedelta(minutes=10)
    assert due(stretch_due, schedule=QUIET, ctx=red) == []
    (nudge,) = due(QUIET_END, schedule=QUIET, ctx=red)
    assert nudge.type is NudgeType.RED_FLAG
    assert nudge.due == QUIET_END
    assert next_due(QUIET, BERLIN, stretch_due - timedelta(minutes=1)) == QUIET_END


def test_quiet_hours_defer_check_ins() -> None:
    schedule = Schedule(
        EVERY_DAY,
        time(21, 30),
        check_in_after_minutes=120,
        quiet_start=time(22),
        quiet_end=time(7),
    )
    walk = datetime(2025, 6, 2, 19, 30, tzinfo=UTC)  # 21:30 Berlin
    morning = datetime(2025, 6, 3, 5, tzinfo=UTC)  # 07:00 Berlin
    assert due(walk + timedelta(hours=2), schedule=schedule) == []
    assert next_due(schedule, BERLIN, walk + timedelta(minutes=1)) == morning
    (nudge,) = due(morning, schedule=schedule)
    assert nudge.type is NudgeType.CHECK_IN
    assert nudge.key == "check_in:2025-06-02T19:30:00+00:00"
    assert nudge.due == morning
    assert nudge.walk_time == walk


# --- DST -------------------------------------------------------------------------


def test_walk_in_the_spring_gap() -> None:
    schedule = Schedule(frozenset({6}), time(2, 30))
    walk = datetime(2025, 3, 30, 1, 30, tzinfo=UTC)  # 03:30 summer time
    (nudge,) = due(walk - timedelta(minutes=10), schedule=schedule)
    assert nudge.key == "before:2025-03-30T01:30:00+00:00"
    assert "3:30 AM" in nudge.message


def test_walk_in_the_repeated_hour_is_nudged_once() -> None:
    schedule = Schedule(frozenset({6}), time(2, 30))
    start = datetime(2025, 10, 25, 12, tzinfo=UTC)
    nudges = run(schedule, BERLIN, context(), start, start + timedelta(days=1))
    assert [n.key for n in nudges] == [
        "before:2025-10-26T00:30:00+00:00",
        "check_in:2025-10-26T00:30:00+00:00",
    ]


# --- next_due --------------------------------------------------------------------


def run(
    schedule: Schedule,
    tz: ZoneInfo,
    ctx: NudgeContext,
    start: datetime,
    end: datetime,
) -> list[Nudge]:
    """Drive the planner as the Home Assistant side does: one timer at a time."""
    sent: set[str] = set()
    result: list[Nudge] = []
    now = start
    while (moment := next_due(schedule, tz, now)) is not None and moment < end:
        for nudge in due_nudges(schedule, tz, ctx, moment, now, sent):
            # next_due named the very moment this nudge fell due.
            assert nudge.due == moment
            assert nudge.key not in sent
            sent.add(nudge.key)
            result.append(nudge)
        now = moment
    return result


def test_next_due() -> None:
    assert next_due(DAILY, BERLIN, STRETCH_DUE - timedelta(hours=1)) == STRETCH_DUE
    assert next_due(DAILY, BERLIN, STRETCH_DUE) == CHECK_IN_DUE
    assert next_due(DAILY, BERLIN, CHECK_IN_DUE) == STRETCH_DUE + timedelta(days=1)
    assert next_due(Schedule.empty(), BERLIN, STRETCH_DUE) is None
    (nudge,) = due(STRETCH_DUE, since=STRETCH_DUE - timedelta(hours=1))
    assert nudge.type is NudgeType.STRETCH


@pytest.mark.parametrize("tz", ZONES)
@pytest.mark.parametrize("year", [2025, 2026])
def test_a_year_driven_by_next_due(tz: ZoneInfo, year: int) -> None:
    schedule = Schedule(
        frozenset({0, 2, 4, 6}),
        time(2, 15),  # inside every zone's DST change on some Sunday
        stretch_lead_minutes=20,
        check_in_after_minutes=60,
    )
    start = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    nudges = run(schedule, tz, context(), start, end)
    walks = walks_between(
        schedule, tz, start + schedule.stretch_lead, end - schedule.check_in_after
    )
    expected = sorted(
        [(w - timedelta(minutes=20), f"before:{w.isoformat()}") for w in walks]
        + [(w + timedelta(minutes=60), f"check_in:{w.isoformat()}") for w in walks]
    )
    assert [(n.due, n.key) for n in nudges] == expected
    stretches = [n for n in nudges if n.type is NudgeType.STRETCH]
    assert len(stretches) == len(walks)


def test_next_due_with_quiet_hours_drives_deferred_check_ins() -> None:
    schedule = Schedule(
        frozenset({1, 3}),
        time(21),
        check_in_after_minutes=180,
        quiet_start=time(23),
        quiet_end=time(6, 30),
    )
    start = datetime(2025, 3, 1, tzinfo=UTC)
    nudges = run(schedule, NEW_YORK, context(), start, start + timedelta(days=30))
    check_ins = [n for n in nudges if n.type is NudgeType.CHECK_IN]
    assert check_ins
    assert all(n.due.astimezone(NEW_YORK).time() == time(6, 30) for n in check_ins)
    assert len(check_ins) == len([n for n in nudges if n.type is NudgeType.STRETCH])


# --- snooze ----------------------------------------------------------------------


def test_snoozed() -> None:
    (nudge,) = due(STRETCH_DUE)
    later = snoozed(nudge, STRETCH_DUE + timedelta(minutes=2))
    assert later.due == STRETCH_DUE + timedelta(minutes=17)
    assert later.key == f"{nudge.key}:snooze:2025-06-02T06:07:00+00:00"
    assert replace(later, key=nudge.key, due=nudge.due) == nudge
    again = snoozed(later, later.due, minutes=60)
    assert again.key.startswith(later.key + ":snooze:")
    assert again.due == later.due + timedelta(hours=1)


@pytest.mark.parametrize("minutes", [0, 721, True, 1.5])
def test_snooze_out_of_range(minutes: object) -> None:
    (nudge,) = due(STRETCH_DUE)
    with pytest.raises(ModelError) as err:
        snoozed(nudge, STRETCH_DUE, minutes)  # type: ignore[arg-type]
    assert err.value.key == "snooze_out_of_range"


# --- properties ------------------------------------------------------------------

walk_times = st.times().map(lambda value: value.replace(microsecond=0))
schedules = st.builds(
    Schedule,
    walk_days=st.frozensets(st.integers(0, 6)),
    walk_time=walk_times,
    stretch_lead_minutes=st.integers(0, 120),
    check_in_after_minutes=st.integers(15, 720),
) | st.builds(
    Schedule,
    walk_days=st.frozensets(st.integers(0, 6)),
    walk_time=walk_times,
    stretch_lead_minutes=st.integers(0, 120),
    check_in_after_minutes=st.integers(15, 720),
    quiet_start=walk_times,
    quiet_end=walk_times,
)
moments = st.datetimes(
    min_value=datetime(2024, 1, 1),  # noqa: DTZ001
    max_value=datetime(2027, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)
optional_moments = st.none() | moments
contexts = st.builds(
    NudgeContext,
    name=st.just("Ana"),
    condition=st.sampled_from(Condition),
    today_pain_status=st.sampled_from(PainStatus),
    target_minutes=st.integers(5, 180),
    preferred_alternatives=st.lists(
        st.sampled_from(["swimming", "stationary_bike", "yoga", "other"])
    ).map(tuple),
    last_walk_start=optional_moments,
    last_walk_end=optional_moments,
    messages=st.sampled_from(EVERY_LANGUAGE),
)


@settings(max_examples=300, deadline=None)
@given(
    schedule=schedules,
    tz=st.sampled_from(ZONES),
    ctx=contexts,
    now=moments,
    back=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=4)),
)
def test_red_flag_never_brings_exercise(
    schedule: Schedule,
    tz: ZoneInfo,
    ctx: NudgeContext,
    now: datetime,
    back: timedelta,
) -> None:
    red = replace(ctx, today_pain_status=PainStatus.RED_FLAG)
    nudges = due_nudges(schedule, tz, red, now, now - back, ())
    assert all(nudge.type is NudgeType.RED_FLAG for nudge in nudges)
    assert len(nudges) <= 1
    immediate = red_flag_now(tz, red, now, ())
    assert immediate is not None
    for nudge in [*nudges, immediate]:
        assert nudge.key == immediate.key
        exercise = EXERCISE_IN[red.messages.language]
        assert not exercise.search(nudge.message)
        assert not exercise.search(nudge.spoken)


@settings(max_examples=200, deadline=None)
@given(
    schedule=schedules,
    tz=st.sampled_from(ZONES),
    ctx=contexts,
    start=moments,
    steps=st.lists(
        st.timedeltas(min_value=timedelta(minutes=1), max_value=timedelta(hours=20)),
        min_size=1,
        max_size=12,
    ),
    overlap=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=2)),
)
def test_no_key_is_returned_twice(
    schedule: Schedule,
    tz: ZoneInfo,
    ctx: NudgeContext,
    start: datetime,
    steps: list[timedelta],
    overlap: timedelta,
) -> None:
    # `since` lags behind (a caller that lost track): `sent` alone must prevent repeats.
    sent: set[str] = set()
    now = start
    for step in steps:
        since, now = now - overlap, now + step
        nudges = due_nudges(schedule, tz, ctx, now, since, frozenset(sent))
        keys = [nudge.key for nudge in nudges]
        assert not sent & set(keys)
        assert len(set(keys)) == len(keys)
        assert [n.due for n in nudges] == sorted(n.due for n in nudges)
        for nudge in nudges:
            assert since < nudge.due <= now
            assert nudge.guidance
            assert set(nudge.guidance) <= set(GUIDANCE)
        sent.update(keys)


@settings(max_examples=200, deadline=None)
@given(schedule=schedules, tz=st.sampled_from(ZONES), ctx=contexts, now=moments)
def test_next_due_misses_nothing(
    schedule: Schedule, tz: ZoneInfo, ctx: NudgeContext, now: datetime
) -> None:
    moment = next_due(schedule, tz, now)
    if moment is None:
        assert not schedule.walk_days
        return
    assert moment > now
    # Nothing falls due between now and the moment named.
    assert (
        due_nudges(schedule, tz, ctx, moment - timedelta(microseconds=1), now, ()) == []
    )
