"""The stored form of a profile's archive: old records as one compact text, decoded late.

Storage 2.1 keeps the records of the last weeks as before (one JSON object each) and
the older ones in `archive`: their cutoff, how many there are, the streak and plan
results at the cutoff (model.archive.Checkpoint), and the records as one JSON text of
short arrays (the values to_dict gives, without their names). Home Assistant reads that text as a
single string, and backwalk decodes it only when a question reaches before the cutoff,
so a start costs the same after ten years as after one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from homeassistant.helpers.json import json_bytes
from homeassistant.util import dt as dt_util
from homeassistant.util.json import json_loads

from .model import (
    Alternative,
    ModelError,
    PainReport,
    Record,
    Settings,
    Stretch,
    Walk,
    WalkLog,
    day_start,
)
from .model.archive import Archive, Checkpoint, cutoff_day
from .model.hourly import minutes_by_hour, pain_by_day

# Weeks of records kept out of the archive: what the calendar, corrections and the
# sensors look at stays decoded.
KEEP_WEEKS = 8
# The fields of each kind's short array, after its letter: the names to_dict uses.
_FIELDS: dict[str, tuple[type[Record], tuple[str, ...]]] = {
    "w": (Walk, ("id", "start", "minutes", "distance_km", "source", "note")),
    "p": (PainReport, ("id", "time", "level", "note")),
    "s": (Stretch, ("id", "time", "note")),
    "a": (Alternative, ("id", "time", "activity", "minutes", "note")),
}
_LETTERS: dict[type, str] = {kind: letter for letter, (kind, _) in _FIELDS.items()}


def _encode(record: Record) -> list[Any]:
    """One record as a short array: its kind's letter, then to_dict's values in order."""
    letter = _LETTERS[type(record)]
    stored = record.to_dict()
    return [letter, *(stored[name] for name in _FIELDS[letter][1])]


def _walk(item: list[Any]) -> Record:
    _, rid, start, minutes, distance, source, note = item
    return Walk.from_dict(
        {
            "id": rid,
            "start": start,
            "minutes": minutes,
            "distance_km": distance,
            "source": source,
            "note": note,
        }
    )


def _pain(item: list[Any]) -> Record:
    _, rid, time, level, note = item
    return PainReport.from_dict({"id": rid, "time": time, "level": level, "note": note})


def _stretch(item: list[Any]) -> Record:
    _, rid, time, note = item
    return Stretch.from_dict({"id": rid, "time": time, "note": note})


def _alternative(item: list[Any]) -> Record:
    _, rid, time, activity, minutes, note = item
    return Alternative.from_dict(
        {
            "id": rid,
            "time": time,
            "activity": activity,
            "minutes": minutes,
            "note": note,
        }
    )


_DECODERS = {"w": _walk, "p": _pain, "s": _stretch, "a": _alternative}


def _decode(item: object) -> Record:
    """Decode one short array through the records' own (checking) from_dict."""
    if type(item) is not list or not item:
        raise ModelError("invalid_record")
    try:
        return _DECODERS[item[0]](item)
    except (KeyError, TypeError, ValueError) as err:
        # An unknown letter, or too few or too many values.
        raise ModelError("invalid_record") from err


def has_old_records(records: list[Record], now: datetime) -> bool:
    """Whether some records are old enough for the archive (a file not archived yet)."""
    old = now - timedelta(weeks=KEEP_WEEKS + 1)
    return any(record.time < old for record in records)


@dataclass(frozen=True, slots=True)
class ArchiveTotals:
    """What the long-term statistics hold for the archived records, when right.

    `walk_sum`: the running total of walking minutes over the archived hours, added hour
    by hour in order as statistics.py adds them; `pain_days`: how many local days have
    pain reports. A start compares them with the statistics instead of decoding.
    """

    walk_sum: float
    pain_days: int

    def adding(self, records: list[Record], tz: tzinfo) -> ArchiveTotals:
        """Return the totals with `records` (all later than those counted) archived too."""
        total = self.walk_sum
        walks = [record for record in records if isinstance(record, Walk)]
        for minutes in minutes_by_hour(walks).values():
            total += minutes
        reports = [record for record in records if isinstance(record, PainReport)]
        return ArchiveTotals(total, self.pain_days + len(pain_by_day(reports, tz)))


class StoredArchive(Archive):
    """An archive read from (or about to be written to) the Store file.

    Text that cannot be decoded is kept as it is (written back unchanged, never
    extended) and refused with `archive_unreadable`; `on_unreadable` hears of it.
    """

    __slots__ = ("on_unreadable", "text", "totals", "unreadable")

    def __init__(
        self,
        cutoff: datetime,
        count: int,
        text: str,
        checkpoint: Checkpoint | None,
        totals: ArchiveTotals | None = None,
    ) -> None:
        """Hold the records' text; decode it when the log asks."""
        super().__init__(cutoff, count, self._records, self._ids_of, checkpoint)
        self.text = text
        self.totals = totals
        self.unreadable = False
        self.on_unreadable: Callable[[StoredArchive], None] | None = None

    def _refuse(self) -> ModelError:
        if not self.unreadable and self.on_unreadable is not None:
            self.on_unreadable(self)
        self.unreadable = True
        day = dt_util.as_local(self.cutoff).date()
        return ModelError("archive_unreadable", cutoff=day.isoformat())

    def _items(self) -> list[Any]:
        if self.unreadable:
            raise self._refuse()  # found before: not read (nor reported) again
        try:
            items = json_loads(self.text)
        except ValueError:
            items = None
        if not isinstance(items, list) or len(items) != self.count:
            raise self._refuse()
        return items

    def _records(self) -> list[Record]:
        try:
            records = [_decode(item) for item in self._items()]
        except ModelError as err:
            if err.key == "archive_unreadable":
                raise
            raise self._refuse() from err
        if any(record.time >= self.cutoff for record in records):
            raise self._refuse()
        return records

    def _ids_of(self) -> list[str]:
        items = self._items()
        if not all(type(item) is list and len(item) > 1 for item in items):
            raise self._refuse()
        return [str(item[1]) for item in items]

    def to_stored(self) -> dict[str, Any]:
        """Return the JSON-safe form."""
        point = self.checkpoint
        return {
            "cutoff": self.cutoff.isoformat(),
            "count": self.count,
            "checkpoint": None
            if point is None
            else {
                "settings": asdict(point.settings),
                "zone": point.zone,
                "first_day": point.first_day.isoformat(),
                "day_run": point.day_run,
                "day_best": point.day_best,
                "week_run": point.week_run,
                "week_next": point.week_next,
            },
            "totals": None
            if self.totals is None
            else {
                "walk_sum": self.totals.walk_sum,
                "pain_days": self.totals.pain_days,
            },
            "records": self.text,
        }


def decode_archive(stored: object) -> StoredArchive | None:
    """Read the stored archive's outline (not its records); raise ModelError if bad."""
    if stored is None:
        return None
    if not isinstance(stored, Mapping):
        raise ModelError("invalid_record")
    cutoff, count, text = (stored.get(key) for key in ("cutoff", "count", "records"))
    if (
        not isinstance(cutoff, str)
        or type(count) is not int
        or count < 0
        or not isinstance(text, str)
    ):
        raise ModelError("invalid_record")
    try:
        moment = datetime.fromisoformat(cutoff)
    except ValueError as err:
        raise ModelError("invalid_record") from err
    if moment.utcoffset() is None:
        raise ModelError("invalid_record")
    return StoredArchive(
        moment.astimezone(UTC),
        count,
        text,
        _checkpoint(stored.get("checkpoint")),
        _totals(stored.get("totals")),
    )


def _totals(stored: object) -> ArchiveTotals | None:
    """Decode the totals; unreadable ones only cost a full comparison."""
    if not isinstance(stored, Mapping):
        return None
    walk_sum, pain_days = stored.get("walk_sum"), stored.get("pain_days")
    if not isinstance(walk_sum, int | float) or isinstance(walk_sum, bool):
        return None
    if type(pain_days) is not int:
        return None
    return ArchiveTotals(float(walk_sum), pain_days)


def _checkpoint(stored: object) -> Checkpoint | None:
    """Decode a checkpoint; one that cannot be read only costs a recount."""
    if not isinstance(stored, Mapping):
        return None
    try:
        numbers = [
            stored[key] for key in ("day_run", "day_best", "week_run", "week_next")
        ]
        if not all(type(number) is int for number in numbers):
            return None
        return Checkpoint(
            Settings(**stored["settings"]),
            str(stored["zone"]),
            date.fromisoformat(stored["first_day"]),
            *numbers,
        )
    except KeyError, TypeError, ValueError, ModelError:
        return None


class ArchiveWriter:
    """Make the archive to store with the log, reusing what was encoded before."""

    __slots__ = ("_cache",)

    def __init__(self) -> None:
        """Start with nothing encoded."""
        self._cache: dict[str, tuple[Record, str]] = {}

    def archive(
        self, log: WalkLog, settings: Settings, today: date
    ) -> tuple[StoredArchive | None, list[Record]]:
        """Return the archive to store and the records to store beside it.

        An archive still undecoded is kept as it is, with the records that have aged
        past a later cutoff appended to its text.
        """
        loaded = log.loaded_records()
        walks = [record for record in loaded if isinstance(record, Walk)]
        tz = log.timezone
        first_day = cutoff_day(
            walks, tz, settings.first_weekday, today - timedelta(weeks=KEEP_WEEKS)
        )
        previous = log.archive
        if isinstance(previous, StoredArchive):
            point = previous.checkpoint
            if (
                point is None
                or first_day <= point.first_day
                # Text that is not a list cannot take more records without losing
                # some of its own: it stays as it is.
                or previous.unreadable
                or not previous.text.strip().startswith("[")
                or not previous.text.strip().endswith("]")
            ):
                return previous, loaded
        elif previous is not None:
            log.load_archive()  # not ours to extend: count everything in again
            loaded = log.loaded_records()
        cutoff = day_start(first_day, tz).astimezone(UTC)
        aged = [record for record in loaded if record.time < cutoff]
        live = loaded[len(aged) :]
        if not aged and not isinstance(previous, StoredArchive):
            return None, loaded
        encoded, self._cache = self._cache, {}
        fragments = [self._fragment(record, encoded) for record in aged]
        if isinstance(previous, StoredArchive) and previous.count:
            body = previous.text.strip()[1:-1]
            fragments.insert(0, body)
        count = len(aged) + (
            previous.count if isinstance(previous, StoredArchive) else 0
        )
        if isinstance(previous, StoredArchive):
            totals = previous.totals.adding(aged, tz) if previous.totals else None
        else:
            totals = ArchiveTotals(0.0, 0).adding(aged, tz)
        text = "[" + ",".join(fragments) + "]"
        return (
            StoredArchive(
                cutoff, count, text, log.checkpoint(settings, first_day), totals
            ),
            live,
        )

    def _fragment(self, record: Record, encoded: dict[str, tuple[Record, str]]) -> str:
        # Records are immutable: one encoded before is reused (only those still
        # archived stay cached).
        hit = encoded.get(record.id)
        if hit is None or hit[0] is not record:
            hit = (record, json_bytes(_encode(record)).decode())
        self._cache[record.id] = hit
        return hit[1]
