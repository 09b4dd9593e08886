"""What a person may enter: one rule for every way in (actions, webhook, voice, phone).

Values come as JSON, YAML, form fields or typed text, so a number may arrive as a number
or as text. Only plain decimals count: `true`, `"1_0"`, `"1e3"`, NaN and infinity are
refused, never read as something else, and a pain level is a whole number, never rounded.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, tzinfo
import math
import re
from typing import TypedDict, Unpack

from .errors import ModelError
from .records import (
    MAX_DISTANCE_KM,
    MAX_PAIN_LEVEL,
    MAX_WALK_MINUTES,
    Activity,
    Alternative,
    PainReport,
    Record,
    Source,
    Walk,
    check_not_future,
    new_id,
)

# Six seconds: anything shorter is a start and finish pressed by mistake, not a walk.
MIN_WALK_MINUTES = 0.1
# A phone's clock may run a little ahead of Home Assistant's: a walk may end this far
# in the future before it is refused.
CLOCK_SKEW = timedelta(minutes=1)

# Walks a person logged may touch by this much (times typed to the minute, a phone's
# clock): more is the same walk logged twice, by voice and by hand say.
OVERLAP_TOLERANCE = timedelta(minutes=1)

# Plain decimal text, as a person types it ("7", "25.5", " -3 "); Python's own float()
# would also take "1_0", "1e3", "nan" and "infinity".
_DECIMAL = re.compile(r"\s*[+-]?\d{1,9}(?:\.\d{1,9})?\s*")


def number_from(value: object, field: str) -> float:
    """Read a finite number given as a number or as plain decimal text."""
    # bool is an int in Python: `true` is not one minute.
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:
            raise ModelError("not_a_number", field=field) from None
    elif isinstance(value, str) and _DECIMAL.fullmatch(value):
        number = float(value)
    else:
        raise ModelError("not_a_number", field=field)
    if not math.isfinite(number):
        raise ModelError("not_a_number", field=field)
    return number


def pain_level_from(value: object) -> int:
    """Read a pain level from 0 to 10: whole numbers only (7.9 is not 7, nor 8)."""
    level = number_from(value, "level")
    if not level.is_integer():
        raise ModelError("level_not_whole", min="0", max=str(MAX_PAIN_LEVEL))
    if not 0 <= level <= MAX_PAIN_LEVEL:
        raise ModelError("level_out_of_range", min="0", max=str(MAX_PAIN_LEVEL))
    return int(level)


def walk_minutes_from(value: object) -> float:
    """Read the minutes of a walk or an alternative: six seconds to ten hours."""
    minutes = number_from(value, "minutes")
    if not MIN_WALK_MINUTES <= minutes <= MAX_WALK_MINUTES:
        raise ModelError(
            "minutes_out_of_range",
            min=f"{MIN_WALK_MINUTES:g}",
            max=str(MAX_WALK_MINUTES),
        )
    return minutes


def distance_from(value: object) -> float | None:
    """Read a walk's distance in km, when given."""
    if value is None:
        return None
    distance = number_from(value, "distance_km")
    if not 0 <= distance <= MAX_DISTANCE_KM:
        raise ModelError("distance_out_of_range", min="0", max=str(MAX_DISTANCE_KM))
    return distance


def walking_states(text: str) -> frozenset[str]:
    """Read the comma-separated states a person typed as meaning walking."""
    return frozenset(part.strip() for part in text.split(",") if part.strip())


def check_walk_plausible(walk: Walk, now: datetime) -> None:
    """Refuse a walk that has not happened yet: it must not start or end after now."""
    check_not_future(walk, now)
    if walk.end > now + CLOCK_SKEW:
        raise ModelError("walk_ends_in_future")


class WalkEntry(TypedDict, total=False):
    """What a person may say about a finished walk besides its minutes."""

    started: datetime | None
    distance_km: object
    note: str | None
    source: Source
    record_id: str | None


def walk_from_input(now: datetime, minutes: object, **entry: Unpack[WalkEntry]) -> Walk:
    """Build a finished walk a person entered; it started `minutes` before now unless told."""
    length = walk_minutes_from(minutes)
    started = entry.get("started")
    walk = Walk(
        id=entry.get("record_id") or new_id(),
        start=started if started is not None else now - timedelta(minutes=length),
        minutes=length,
        distance_km=distance_from(entry.get("distance_km")),
        source=entry.get("source", Source.MANUAL),
        note=entry.get("note"),
    )
    check_walk_plausible(walk, now)
    return walk


def pain_report_from_input(
    now: datetime, level: object, note: str | None = None, record_id: str | None = None
) -> PainReport:
    """Build a report of how much the back hurts now: a whole number from 0 to 10."""
    return PainReport(
        id=record_id or new_id(), time=now, level=pain_level_from(level), note=note
    )


def finished_live_walk(start: datetime, now: datetime) -> Walk:
    """Build the walk a live walk started at `start` became when finished now."""
    minutes = round((now - start).total_seconds() / 60, 1)
    return Walk(
        id=new_id(),
        start=start,
        minutes=walk_minutes_from(minutes),
        distance_km=None,
        source=Source.BUTTON,
        note=None,
    )


def alternative_from_input(
    now: datetime, activity: Activity, minutes: object, note: str | None = None
) -> Alternative:
    """Build a low-impact alternative to walking (G7) that ended now."""
    length = walk_minutes_from(minutes)
    return Alternative(
        id=new_id(),
        time=now - timedelta(minutes=length),
        activity=activity,
        minutes=length,
        note=note,
    )


def check_no_overlap(walk: Walk, others: Iterable[Record], tz: tzinfo) -> None:
    """Refuse a person's walk over another walk a person logged: no one walks twice.

    Walks from sensors are not compared: a person's own entry trims them instead.
    """
    if walk.source is Source.SENSOR:
        return
    for other in others:
        if (
            not isinstance(other, Walk)
            or other.source is Source.SENSOR
            or other.id == walk.id
        ):
            continue
        if min(walk.end, other.end) - max(walk.start, other.start) > OVERLAP_TOLERANCE:
            start = other.start.astimezone(tz)
            same_day = start.date() == walk.start.astimezone(tz).date()
            raise ModelError(
                "walk_overlaps",
                start=start.strftime("%H:%M" if same_day else "%Y-%m-%d %H:%M"),
                end=other.end.astimezone(tz).strftime("%H:%M"),
                minutes=f"{other.minutes:g}",
            )
