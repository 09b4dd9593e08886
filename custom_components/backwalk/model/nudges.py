"""Which reminders are due; the Home Assistant side owns the timers and delivery.

Every nudge is decided from the schedule and the person's state at one moment, and
has a key that stays the same across restarts, so that the caller can remember what
it sent and never send anything twice.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import StrEnum

from .common import utc as _utc
from .day_totals import PainStatus
from .days import local_day
from .errors import ModelError
from .guidance import (
    ACTIVITY_KEYS,
    HEALING_ONLY_TIPS,
    TEMPLATES,
    TIP_KEYS,
    Template,
    activities,
    stretches,
    weather_reason,
)
from .markdown import escape_markdown
from .messages import Messages
from .profile import Condition
from .schedule import Schedule, in_quiet_hours, quiet_end_after, walks_between
from .weather import SLIPPERY, WeatherReport, part_of_day

# A walk begun this long before the scheduled time still answers the check-in.
WALK_COUNTS_FROM = timedelta(hours=1)
# A check-in sent later than this after its due time would arrive out of the blue.
CHECK_IN_RELEVANT_FOR = timedelta(hours=6)
SNOOZE_RANGE = (1, 720)

# How far back a nudge can still be relevant: a check-in up to 12 h after its walk,
# deferred by quiet hours by up to a day (two where a DST gap swallows the time
# between two quiet periods), then relevant for 6 h. A margin on top.
_LOOK_BACK = timedelta(days=4)
# How far ahead next_due looks: a whole week of walks plus the same margin.
_LOOK_AHEAD = timedelta(days=10)


class NudgeType(StrEnum):
    """What a nudge is for."""

    STRETCH = "stretch"
    ALTERNATIVE = "alternative"
    RED_FLAG = "red_flag"
    CHECK_IN = "check_in"


@dataclass(frozen=True, slots=True)
class Nudge:
    """One reminder to deliver.

    `key` is unique and stable across restarts; `guidance` is the union of the ids
    cited by every template the message was made of.
    """

    type: NudgeType
    key: str
    walk_time: datetime | None
    due: datetime
    title: str
    message: str
    spoken: str
    guidance: tuple[str, ...]
    # The forecast condition a before-walk nudge was decided with, and the hazard
    # read from it (model.weather.Hazard value); None when no forecast was used.
    weather_condition: str | None = None
    weather_hazard: str | None = None


@dataclass(frozen=True, slots=True)
class NudgeContext:
    """What the planner knows about the person at one moment.

    preferred_alternatives holds Activity values; empty (or nothing G7 names) means
    all of G7's alternatives. last_walk_start and last_walk_end are those of the walk
    that started last, if any.
    """

    name: str
    condition: Condition
    # None: no report today yet, which asks for nothing different from no pain.
    today_pain_status: PainStatus | None
    target_minutes: int
    preferred_alternatives: tuple[str, ...] = ()
    last_walk_start: datetime | None = None
    last_walk_end: datetime | None = None
    # G10 counts walks: the week's walks that count so far, and how many it needs.
    walks_done: int = 0
    walks_needed: int = 0
    # The forecast for a walk, by the walk's time: only walks looked up are here.
    weather: Mapping[datetime, WeatherReport] = field(default_factory=dict)
    # The profile's language: every word of its nudges, and how times are written.
    messages: Messages = field(kw_only=True)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _guidance_of(templates: Iterable[Template]) -> tuple[str, ...]:
    ids = {guidance for template in templates for guidance in template.guidance}
    # By number, so G10 follows G9.
    return tuple(sorted(ids, key=lambda item: int(item[1:])))


def _clock(context: NudgeContext, walk: datetime, tz: tzinfo) -> dict[str, str]:
    """Return the walk's time as the language writes it, and as a voice says it."""
    wall = walk.astimezone(tz).time()
    messages = context.messages
    return {"time": messages.clock(wall), "spoken_time": messages.spoken_clock(wall)}


def tip_for(day: date, condition: Condition) -> Template:
    """Return the tip of `day`: one a day in turn, G8's only while healing."""
    keys = [
        key
        for key in TIP_KEYS
        if condition is Condition.ACUTE or key not in HEALING_ONLY_TIPS
    ]
    return TEMPLATES[keys[day.toordinal() % len(keys)]]


def _nudge(
    kind: NudgeType,
    key: str,
    *,
    messages: Messages,
    walk: datetime | None,
    due: datetime,
    parts: list[Template],
    values: dict[str, object],
    spoken_parts: int = 1,
    weather: WeatherReport | None = None,
) -> Nudge:
    """Build a nudge whose message is `parts` in order, spoken the first `spoken_parts`."""
    # The message is shown as markdown (Home Assistant's notifications): the name the
    # person typed is escaped there, so it can never become a link or an image. The
    # spoken line is plain text for a speaker, with the time in words it reads well.
    written = {**values, "name": escape_markdown(str(values["name"]))}
    spoken = {**values, "time": values.get("spoken_time")}
    # A speaker says the essential sentence; tips and the footer are for reading.
    return Nudge(
        type=kind,
        key=key,
        walk_time=walk,
        due=due,
        title=messages(f"nudge_title.{kind.value}"),
        message=" ".join(part.text(messages).format(**written) for part in parts),
        spoken=" ".join(
            part.spoken(messages).format(**spoken) for part in parts[:spoken_parts]
        ),
        guidance=_guidance_of(parts),
        weather_condition=weather.condition if weather else None,
        weather_hazard=weather.hazard.value if weather and weather.hazard else None,
    )


def _red_flag_key(tz: tzinfo, now: datetime) -> str:
    return f"red_flag:{local_day(now, tz).isoformat()}"


def _red_flag(tz: tzinfo, context: NudgeContext, now: datetime, due: datetime) -> Nudge:
    # G15 alone, no footer and no tip: nothing in it may read as a suggestion to move.
    return _nudge(
        NudgeType.RED_FLAG,
        _red_flag_key(tz, now),
        messages=context.messages,
        walk=None,
        due=due,
        parts=[TEMPLATES["red_flag"]],
        values={"name": context.name},
    )


def _before_walk(
    schedule: Schedule, tz: tzinfo, context: NudgeContext, walk: datetime, now: datetime
) -> Nudge | None:
    """Return the nudge before `walk`, if it is still worth sending at `now`."""
    due = walk - schedule.stretch_lead
    status = context.today_pain_status
    if status is PainStatus.RED_FLAG:
        # Deferred rather than skipped like the others: it is the one message that
        # matters on such a day. Waking someone with it does not help, though: the
        # person reported that pain themselves and got this advice at once from
        # red_flag_now, so it waits for the morning like a check-in.
        due = quiet_end_after(schedule, tz, due)
        # The advice is about today's pain, so it is worth sending all of today.
        if local_day(due, tz) != local_day(now, tz):
            return None
        return _red_flag(tz, context, now, due)
    # Stretching after the walk time is pointless, and a reminder in the quiet hours
    # is unwanted: such a before-walk nudge is dropped, not sent late.
    if now > walk or in_quiet_hours(schedule, tz, due):
        return None
    key = f"before:{_iso(walk)}"
    messages = context.messages
    values: dict[str, object] = {
        "name": context.name,
        **_clock(context, walk, tz),
        "minutes": messages.number(context.target_minutes),
        "stretches": stretches(messages),
        "activities": activities(messages, context.preferred_alternatives),
        "walks_done": messages.number(context.walks_done),
        "walks_needed": messages.number(context.walks_needed),
    }
    footer = TEMPLATES["not_medical_advice"]
    if status is PainStatus.PAIN_DAY:
        return _nudge(
            NudgeType.ALTERNATIVE,
            key,
            messages=messages,
            walk=walk,
            due=due,
            parts=[TEMPLATES["alternative"], footer],
            values=values,
        )
    # How the week stands, in walks (G10), when the week asks for any.
    week = [TEMPLATES["week_walks"]] if context.walks_needed else []
    weather = context.weather.get(walk)
    advice = _weather_advice(context, weather, values, walk, tz)
    # Weather advice takes the place of the day's tip, and is spoken: it changes
    # where to walk, which a listener needs to hear.
    parts = (
        [TEMPLATES["stretch"], *advice, *week, footer]
        if advice
        else [
            TEMPLATES["stretch"],
            *week,
            tip_for(local_day(walk, tz), context.condition),
            footer,
        ]
    )
    return _nudge(
        NudgeType.STRETCH,
        key,
        messages=messages,
        walk=walk,
        due=due,
        parts=parts,
        values=values,
        spoken_parts=2 if advice else 1,
        weather=weather,
    )


def _weather_advice(
    context: NudgeContext,
    weather: WeatherReport | None,
    values: dict[str, object],
    walk: datetime,
    tz: tzinfo,
) -> list[Template]:
    """Return what the weather at the walk asks to say, saying why; none in fair weather.

    Indoors first (a treadmill, G12; a flat indoor route, G8), since walking is the
    point; the low-impact alternatives the profile lists (G7) as the other choice.
    On ice or snow, a healing back is told to keep to flat, safe ground (G8).
    """
    if weather is None or weather.hazard is None:
        return []
    values["why"] = weather_reason(
        context.messages, weather.hazard.value, part_of_day(walk, tz)
    )
    advice = [TEMPLATES["weather_indoors"]]
    if any(activity in ACTIVITY_KEYS for activity in context.preferred_alternatives):
        advice.append(TEMPLATES["weather_alternative"])
    if weather.hazard in SLIPPERY and context.condition is Condition.ACUTE:
        advice.append(TEMPLATES["weather_flat_ground"])
    return advice


def _walked_for(context: NudgeContext, walk: datetime) -> bool:
    """Whether the person walked for the scheduled `walk`, early, on time or late."""
    counts_from = walk - WALK_COUNTS_FROM
    start, end = context.last_walk_start, context.last_walk_end
    # A walk still going an hour before the slot answers it as well as one begun then.
    return (start is not None and _utc(start) >= counts_from) or (
        end is not None and _utc(end) >= counts_from
    )


def _check_in(
    schedule: Schedule, tz: tzinfo, context: NudgeContext, walk: datetime, now: datetime
) -> Nudge | None:
    """Return the check-in after `walk`, if it is still worth sending at `now`."""
    # G15: on a red-flag day nobody is asked about walking.
    if context.today_pain_status is PainStatus.RED_FLAG or _walked_for(context, walk):
        return None
    # A check-in in the quiet hours is still worth having, so it waits for their end.
    due = quiet_end_after(schedule, tz, walk + schedule.check_in_after)
    if now > due + CHECK_IN_RELEVANT_FOR:
        return None
    return _nudge(
        NudgeType.CHECK_IN,
        f"check_in:{_iso(walk)}",
        messages=context.messages,
        walk=walk,
        due=due,
        parts=[TEMPLATES["check_in"]],
        values={"name": context.name, **_clock(context, walk, tz)},
    )


# The six positional parameters are the call shape the Home Assistant side was given.
def due_nudges(  # noqa: PLR0917
    schedule: Schedule,
    tz: tzinfo,
    context: NudgeContext,
    now: datetime,
    since: datetime,
    sent: Collection[str],
) -> list[Nudge]:
    """Return every nudge due in (since, now] and not yet sent, earliest first.

    Each is decided with the context at `now`; a key comes back at most once.
    """
    now, since = _utc(now), _utc(since)
    found: dict[str, Nudge] = {}
    # Walks up to one stretch lead ahead have their before-walk nudge due by now.
    for walk in walks_between(
        schedule,
        tz,
        now - _LOOK_BACK,
        now + schedule.stretch_lead + timedelta(microseconds=1),
    ):
        for nudge in (
            _before_walk(schedule, tz, context, walk, now),
            _check_in(schedule, tz, context, walk, now),
        ):
            if nudge is not None and since < nudge.due <= now and nudge.key not in sent:
                # Walks come in order and the red-flag key is per day, so the first
                # slot carrying it is kept.
                found.setdefault(nudge.key, nudge)
    return sorted(found.values(), key=lambda nudge: (nudge.due, nudge.key))


def red_flag_now(
    tz: tzinfo, context: NudgeContext, now: datetime, sent: Collection[str]
) -> Nudge | None:
    """Return the red-flag advice to give right away, unless today already had it.

    Meant for the moment a pain report makes today a red-flag day: the person is
    there and asking, so no quiet hours apply.
    """
    if context.today_pain_status is not PainStatus.RED_FLAG:
        return None
    now = _utc(now)
    nudge = _red_flag(tz, context, now, now)
    return None if nudge.key in sent else nudge


def red_flag_withdrawn(
    tz: tzinfo, context: NudgeContext, now: datetime, shown: Nudge | None
) -> bool:
    """Whether today's red-flag advice, the nudge last `shown`, is to be taken back.

    It is when today is no red-flag day any more: the report was corrected below the
    level (a mis-tap). Advice of another day stays where it was read, and so does
    advice that a later nudge already replaced.
    """
    return (
        shown is not None
        and shown.type is NudgeType.RED_FLAG
        and context.today_pain_status is not PainStatus.RED_FLAG
        and shown.key == _red_flag_key(tz, _utc(now))
    )


def next_due(schedule: Schedule, tz: tzinfo, now: datetime) -> datetime | None:
    """Return the earliest moment after `now` at which due_nudges may have news.

    It does not know the person's state, so it may name a moment that brings
    nothing (a check-in made needless by a walk); it never misses one that could.
    """
    now = _utc(now)
    moments: list[datetime] = []
    for walk in walks_between(schedule, tz, now - _LOOK_BACK, now + _LOOK_AHEAD):
        # The before-walk nudge in the quiet hours only survives as red-flag advice,
        # deferred to their end; quiet_end_after leaves other moments as they are.
        moments.append(quiet_end_after(schedule, tz, walk - schedule.stretch_lead))
        moments.append(quiet_end_after(schedule, tz, walk + schedule.check_in_after))
    return min((moment for moment in moments if moment > now), default=None)


def snoozed(nudge: Nudge, now: datetime, minutes: int = 15) -> Nudge:
    """Return the nudge again, due `minutes` after `now`, under a key of its own."""
    low, high = SNOOZE_RANGE
    if (
        not isinstance(minutes, int)
        or isinstance(minutes, bool)
        or not low <= minutes <= high
    ):
        raise ModelError("snooze_out_of_range", min=str(low), max=str(high))
    due = _utc(now) + timedelta(minutes=minutes)
    return replace(nudge, key=f"{nudge.key}:snooze:{_iso(due)}", due=due)
