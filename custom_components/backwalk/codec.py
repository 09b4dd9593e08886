"""The stored form of a profile: JSON-safe dicts to and from the model's records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NotRequired, TypedDict

from homeassistant.util import dt as dt_util

from .archive_codec import StoredArchive, decode_archive
from .model import Alternative, ModelError, PainReport, Record, Stretch, Walk


class StoredData(TypedDict):
    """What one profile keeps on disk."""

    walks: list[dict[str, Any]]
    pain_reports: list[dict[str, Any]]
    stretches: list[dict[str, Any]]
    alternatives: list[dict[str, Any]]
    live_walk_started: str | None
    # Owned by reminders.py: which nudges were sent, snoozed ones, how far it checked.
    reminders: dict[str, Any]
    # Owned by sources.py: an open automatic walk, step-counter baselines and totals.
    tracking: dict[str, Any]
    # Storage 1.3: the first journal segment this file does not hold (see journal.py).
    journal_from: NotRequired[int]
    # Storage 2.1: the records before a cutoff, as one text (see archive_codec.py).
    archive: NotRequired[dict[str, Any] | None]


@dataclass(slots=True)
class ProfileData:
    """The decoded contents of a profile's store."""

    records: list[Record] = field(default_factory=list)
    live_walk_started: datetime | None = None
    reminders: dict[str, Any] = field(default_factory=dict)
    tracking: dict[str, Any] = field(default_factory=dict)
    # Records older than those in `records`, not decoded yet (None: there are none).
    archive: StoredArchive | None = None


_GROUPS: dict[type, str] = {
    Walk: "walks",
    PainReport: "pain_reports",
    Stretch: "stretches",
    Alternative: "alternatives",
}


def group_records(records: list[Record]) -> dict[str, list[dict[str, Any]]]:
    """Group records by kind, JSON-safe, under the names storage and responses use."""
    grouped: dict[str, list[dict[str, Any]]] = {group: [] for group in _GROUPS.values()}
    for record in records:
        grouped[_GROUPS[type(record)]].append(record.to_dict())
    return grouped


_DECODERS: Mapping[str, type[Walk | PainReport | Stretch | Alternative]] = {
    "walks": Walk,
    "pain_reports": PainReport,
    "stretches": Stretch,
    "alternatives": Alternative,
}


class EncodedRecords:
    """Each record's stored form, kept between saves.

    Records are immutable, so a record that was saved before is not encoded again: a
    save then costs a dictionary lookup per record instead of a `to_dict` call (with
    its datetime formatting), which kept every action slower the longer the log.
    """

    __slots__ = ("_cache",)

    def __init__(self) -> None:
        """Start empty."""
        self._cache: dict[str, tuple[Record, dict[str, Any]]] = {}

    def group(self, records: list[Record]) -> dict[str, list[dict[str, Any]]]:
        """Group records like group_records, reusing what earlier calls encoded."""
        cache = self._cache
        kept: dict[str, tuple[Record, dict[str, Any]]] = {}
        grouped: dict[str, list[dict[str, Any]]] = {
            group: [] for group in _GROUPS.values()
        }
        for record in records:
            hit = cache.get(record.id)
            if hit is None or hit[0] is not record:
                hit = (record, record.to_dict())
            kept[record.id] = hit
            grouped[_GROUPS[type(record)]].append(hit[1])
        # Only what is still in the log stays cached.
        self._cache = kept
        return grouped


def encode(
    data: ProfileData, cache: EncodedRecords | None = None, journal_from: int = 0
) -> StoredData:
    """Turn profile data into the JSON-safe stored form."""
    grouped = (
        cache.group(data.records) if cache is not None else group_records(data.records)
    )
    return {
        "walks": grouped["walks"],
        "pain_reports": grouped["pain_reports"],
        "stretches": grouped["stretches"],
        "alternatives": grouped["alternatives"],
        "live_walk_started": (
            data.live_walk_started.isoformat() if data.live_walk_started else None
        ),
        "reminders": data.reminders,
        "tracking": data.tracking,
        "journal_from": journal_from,
        "archive": data.archive.to_stored() if data.archive is not None else None,
    }


def decode_records(groups: Mapping[str, Any]) -> list[Record]:
    """Decode records grouped by kind (absent kinds are empty)."""
    records: list[Record] = []
    for key, record_type in _DECODERS.items():
        items = groups.get(key, [])
        if not isinstance(items, list):
            raise ModelError("invalid_record")
        records.extend(record_type.from_dict(item) for item in items)
    return records


def decode_live_walk(value: object) -> datetime | None:
    """Decode when a live walk started (None: no walk under way)."""
    if value is None:
        return None
    if (
        not isinstance(value, str)
        or (parsed := dt_util.parse_datetime(value)) is None
        or parsed.tzinfo is None
    ):
        raise ModelError("invalid_record")
    return parsed


def decode_journal_from(stored: Mapping[str, Any]) -> int:
    """Return the first journal segment the stored form does not hold (0 before 1.3)."""
    value = stored.get("journal_from", 0)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ModelError("invalid_record")
    return value


def decode(stored: Any) -> ProfileData:
    """Decode the stored form; raise ModelError when anything is not as written."""
    if not isinstance(stored, Mapping):
        raise ModelError("invalid_record")
    records = decode_records(stored)
    if len({record.id for record in records}) != len(records):
        raise ModelError("duplicate_record")
    live_started = decode_live_walk(stored.get("live_walk_started"))
    decode_journal_from(stored)
    reminders = stored.get("reminders", {})
    tracking = stored.get("tracking", {})
    if not isinstance(reminders, dict) or not isinstance(tracking, dict):
        raise ModelError("invalid_record")
    archive = decode_archive(stored.get("archive"))
    if archive is not None and any(record.time < archive.cutoff for record in records):
        raise ModelError("invalid_record")
    return ProfileData(
        records=records,
        live_walk_started=live_started,
        reminders=reminders,
        tracking=tracking,
        archive=archive,
    )
