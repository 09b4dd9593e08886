"""What a person logs: walks, pain reports, stretches and alternative activities."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Self
import uuid

from .common import member_of, set_field as _set
from .errors import ModelError

MAX_WALK_MINUTES = 600
MAX_NOTE_LENGTH = 500
MAX_PAIN_LEVEL = 10
MAX_DISTANCE_KM = 100


class Source(StrEnum):
    """How a walk reached the log."""

    MANUAL = "manual"
    VOICE = "voice"
    BUTTON = "button"
    SENSOR = "sensor"
    WEBHOOK = "webhook"


class Activity(StrEnum):
    """Low-impact alternatives for days when walking hurts (G7)."""

    SWIMMING = "swimming"
    STATIONARY_BIKE = "stationary_bike"
    YOGA = "yoga"
    OTHER = "other"


def new_id() -> str:
    """Return a fresh, random record id."""
    return uuid.uuid4().hex


# --- validation helpers (shared by the constructors and from_dict) ---------------------


def _check_id(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ModelError("invalid_record", field="id")
    return value


# Records outside these years are refused (see _check_time).
EARLIEST_TIME = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_TIME = datetime(2100, 1, 1, tzinfo=UTC)


def _check_time(value: object) -> datetime:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise ModelError("invalid_timestamp")
    # Stored in UTC so that ordering and `start + minutes` are real elapsed time even
    # across DST changes (same-zone datetime arithmetic is wall-clock arithmetic).
    try:
        moment = value.astimezone(UTC)
    except OverflowError:
        # 0001-01-01 00:00 east of UTC has no UTC time that datetime can hold: a time
        # zone is there, the date is what is wrong.
        raise ModelError("time_out_of_range", min="2000", max="2099") from None
    if not EARLIEST_TIME <= moment < LATEST_TIME:
        # Far-off dates are typing mistakes; near the calendar's ends they would also
        # break the week and day arithmetic (a week before 0001-01-01 has no start).
        raise ModelError("time_out_of_range", min="2000", max="2099")
    return moment


def _is_number(value: object) -> bool:
    # bool is an int subclass; True minutes is a bug, not a number.
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_minutes(value: object) -> float:
    if not _is_number(value):
        raise ModelError("invalid_record", field="minutes")
    minutes = float(value)  # type: ignore[arg-type]
    # NaN fails both comparisons, so it is refused here too.
    if not 0 < minutes <= MAX_WALK_MINUTES:
        raise ModelError("minutes_out_of_range", min="0", max=str(MAX_WALK_MINUTES))
    return minutes


def _check_distance(value: object) -> float | None:
    if value is None:
        return None
    if not _is_number(value):
        raise ModelError("invalid_record", field="distance_km")
    distance = float(value)  # type: ignore[arg-type]
    if not 0 <= distance <= MAX_DISTANCE_KM:
        raise ModelError("distance_out_of_range", min="0", max=str(MAX_DISTANCE_KM))
    return distance


def _check_note(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ModelError("invalid_record", field="note")
    if len(value) > MAX_NOTE_LENGTH:
        raise ModelError("note_too_long", max=str(MAX_NOTE_LENGTH))
    return value


def _check_level(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ModelError("invalid_record", field="level")
    if not 0 <= value <= MAX_PAIN_LEVEL:
        raise ModelError("level_out_of_range", min="0", max=str(MAX_PAIN_LEVEL))
    return value


def _check_source(value: object) -> Source:
    if (member := member_of(Source, value)) is None:
        raise ModelError("unknown_source", source=str(value))
    return member


def _check_activity(value: object) -> Activity:
    if (member := member_of(Activity, value)) is None:
        raise ModelError("unknown_activity", activity=str(value))
    return member


# --- decoding helpers --------------------------------------------------------------------


def _mapping(data: object) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ModelError("invalid_record")
    return data


def _required(data: Mapping[str, Any], name: str) -> Any:
    if name not in data:
        raise ModelError("invalid_record", field=name)
    return data[name]


def _parse_time(data: Mapping[str, Any], name: str) -> datetime:
    value = _required(data, name)
    if not isinstance(value, str):
        raise ModelError("invalid_record", field=name)
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise ModelError("invalid_timestamp") from None


def _optional(data: Mapping[str, Any], name: str) -> Any:
    # Optional fields may be absent from stored data (older or hand-written files).
    return data.get(name)


# --- fast decoding of well-formed stored data ------------------------------------------
#
# Loading a long history decodes thousands of records. A record as to_dict wrote it
# (a plain dict of plain JSON values) is checked here with cheap exact-type tests and
# built without running the checks a second time in __post_init__. Anything else,
# including every invalid record, raises _Slow and goes through the checking path
# above, which refuses it with the same error as ever. The fast path only accepts what
# that path accepts, and builds the same record.


class _Slow(Exception):  # noqa: N818 - a signal, not an error
    """Not plainly well-formed: decode with the checking path."""


_SLOW = _Slow()
_SOURCES: dict[str, Source] = {member.value: member for member in Source}
_ACTIVITIES: dict[str, Activity] = {member.value: member for member in Activity}
_new = object.__new__
_init_field = object.__setattr__


def _fast_id(data: dict[str, Any]) -> str:
    value = data["id"]
    if type(value) is not str or not value:
        raise _SLOW
    return value


def _fast_time(data: dict[str, Any], name: str) -> datetime:
    value = data[name]
    if type(value) is not str:
        raise _SLOW
    moment = datetime.fromisoformat(value)  # ValueError: the slow path says why
    # As to_dict wrote it, the time is in UTC already ("+00:00" parses to UTC itself).
    if moment.tzinfo is not UTC:
        if moment.utcoffset() is None:
            raise _SLOW
        moment = moment.astimezone(UTC)  # OverflowError: likewise
    if not EARLIEST_TIME <= moment < LATEST_TIME:
        raise _SLOW
    return moment


def _fast_minutes(value: object) -> float:
    kind = type(value)
    if kind is not float and kind is not int:
        raise _SLOW
    minutes = float(value)  # type: ignore[arg-type]
    if not 0 < minutes <= MAX_WALK_MINUTES:
        raise _SLOW
    return minutes


def _fast_distance(value: object) -> float | None:
    if value is None:
        return None
    kind = type(value)
    if kind is not float and kind is not int:
        raise _SLOW
    distance = float(value)  # type: ignore[arg-type]
    if not 0 <= distance <= MAX_DISTANCE_KM:
        raise _SLOW
    return distance


def _fast_note(value: object) -> str | None:
    if value is None:
        return None
    if type(value) is not str or len(value) > MAX_NOTE_LENGTH:
        raise _SLOW
    return value


# KeyError: a missing field; TypeError: an unhashable source or activity.
_FAST_ERRORS = (_Slow, KeyError, TypeError, ValueError, OverflowError)


# --- records -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Walk:
    """A finished walk; `start` is kept in UTC."""

    id: str
    start: datetime
    minutes: float
    distance_km: float | None = None
    source: Source = Source.MANUAL
    note: str | None = None

    def __post_init__(self) -> None:
        """Refuse anything that is not a real walk, so none can exist."""
        _set(self, "id", _check_id(self.id))
        _set(self, "start", _check_time(self.start))
        _set(self, "minutes", _check_minutes(self.minutes))
        _set(self, "distance_km", _check_distance(self.distance_km))
        _set(self, "source", _check_source(self.source))
        _set(self, "note", _check_note(self.note))

    @property
    def time(self) -> datetime:
        """When the walk began; the moment it sorts by."""
        return self.start

    @property
    def end(self) -> datetime:
        """When the walk ended (real elapsed time)."""
        return self.start + timedelta(minutes=self.minutes)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict."""
        return {
            "id": self.id,
            "start": self.start.isoformat(),
            "minutes": self.minutes,
            "distance_km": self.distance_km,
            "source": self.source.value,
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Decode what to_dict returned; raise ModelError on anything else."""
        if cls is Walk and type(data) is dict:
            try:
                source = _SOURCES[data["source"]]
                walk = _new(cls)
                _init_field(walk, "id", _fast_id(data))
                _init_field(walk, "start", _fast_time(data, "start"))
                _init_field(walk, "minutes", _fast_minutes(data["minutes"]))
                _init_field(
                    walk, "distance_km", _fast_distance(data.get("distance_km"))
                )
                _init_field(walk, "source", source)
                _init_field(walk, "note", _fast_note(data.get("note")))
            except _FAST_ERRORS:
                pass
            else:
                return walk
        data = _mapping(data)
        return cls(
            id=_required(data, "id"),
            start=_parse_time(data, "start"),
            minutes=_required(data, "minutes"),
            distance_km=_optional(data, "distance_km"),
            source=_required(data, "source"),
            note=_optional(data, "note"),
        )


@dataclass(frozen=True, slots=True)
class PainReport:
    """How much the back hurts at a moment, 0 (none) to 10 (worst)."""

    id: str
    time: datetime
    level: int
    note: str | None = None

    def __post_init__(self) -> None:
        """Refuse levels outside 0..10."""
        _set(self, "id", _check_id(self.id))
        _set(self, "time", _check_time(self.time))
        _set(self, "level", _check_level(self.level))
        _set(self, "note", _check_note(self.note))

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict."""
        return {
            "id": self.id,
            "time": self.time.isoformat(),
            "level": self.level,
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Decode what to_dict returned; raise ModelError on anything else."""
        if cls is PainReport and type(data) is dict:
            try:
                level = data["level"]
                if type(level) is not int or not 0 <= level <= MAX_PAIN_LEVEL:
                    raise _SLOW
                report = _new(cls)
                _init_field(report, "id", _fast_id(data))
                _init_field(report, "time", _fast_time(data, "time"))
                _init_field(report, "level", level)
                _init_field(report, "note", _fast_note(data.get("note")))
            except _FAST_ERRORS:
                pass
            else:
                return report
        data = _mapping(data)
        return cls(
            id=_required(data, "id"),
            time=_parse_time(data, "time"),
            level=_required(data, "level"),
            note=_optional(data, "note"),
        )


@dataclass(frozen=True, slots=True)
class Stretch:
    """A stretching session."""

    id: str
    time: datetime
    note: str | None = None

    def __post_init__(self) -> None:
        """Refuse naive times and long notes."""
        _set(self, "id", _check_id(self.id))
        _set(self, "time", _check_time(self.time))
        _set(self, "note", _check_note(self.note))

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict."""
        return {"id": self.id, "time": self.time.isoformat(), "note": self.note}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Decode what to_dict returned; raise ModelError on anything else."""
        if cls is Stretch and type(data) is dict:
            try:
                stretch = _new(cls)
                _init_field(stretch, "id", _fast_id(data))
                _init_field(stretch, "time", _fast_time(data, "time"))
                _init_field(stretch, "note", _fast_note(data.get("note")))
            except _FAST_ERRORS:
                pass
            else:
                return stretch
        data = _mapping(data)
        return cls(
            id=_required(data, "id"),
            time=_parse_time(data, "time"),
            note=_optional(data, "note"),
        )


@dataclass(frozen=True, slots=True)
class Alternative:
    """A low-impact activity done instead of walking (G7); `time` is when it began."""

    id: str
    time: datetime
    activity: Activity
    minutes: float
    note: str | None = None

    def __post_init__(self) -> None:
        """Refuse unknown activities and impossible durations."""
        _set(self, "id", _check_id(self.id))
        _set(self, "time", _check_time(self.time))
        _set(self, "activity", _check_activity(self.activity))
        _set(self, "minutes", _check_minutes(self.minutes))
        _set(self, "note", _check_note(self.note))

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict."""
        return {
            "id": self.id,
            "time": self.time.isoformat(),
            "activity": self.activity.value,
            "minutes": self.minutes,
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Decode what to_dict returned; raise ModelError on anything else."""
        if cls is Alternative and type(data) is dict:
            try:
                activity = _ACTIVITIES[data["activity"]]
                alternative = _new(cls)
                _init_field(alternative, "id", _fast_id(data))
                _init_field(alternative, "time", _fast_time(data, "time"))
                _init_field(alternative, "activity", activity)
                _init_field(alternative, "minutes", _fast_minutes(data["minutes"]))
                _init_field(alternative, "note", _fast_note(data.get("note")))
            except _FAST_ERRORS:
                pass
            else:
                return alternative
        data = _mapping(data)
        return cls(
            id=_required(data, "id"),
            time=_parse_time(data, "time"),
            activity=_required(data, "activity"),
            minutes=_required(data, "minutes"),
            note=_optional(data, "note"),
        )


# A plain union (not a `type` alias) so it also works with isinstance().
Record = Walk | PainReport | Stretch | Alternative


def check_not_future(record: Record, now: datetime) -> None:
    """Refuse a record that begins after `now` (nobody logs tomorrow's walk)."""
    if record.time > _check_time(now):
        raise ModelError("start_in_future")
