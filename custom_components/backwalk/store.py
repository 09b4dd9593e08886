"""Durable storage of one profile's walk log (helpers.storage.Store, versioned)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
import glob
import logging
import os
import shutil
from typing import Any, TypedDict

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
from homeassistant.util.file import WriteError
from homeassistant.util.json import SerializationError

from .const import DOMAIN
from .model import Alternative, ModelError, PainReport, Record, Stretch, Walk

_LOGGER = logging.getLogger(__name__)

STORAGE_VERSION = 1
STORAGE_MINOR_VERSION = 2

# Suffixes of files kept aside for recovery: Home Assistant's own (invalid JSON) and ours.
_ASIDE_PATTERNS = (".corrupt.*", ".invalid.*")


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


@dataclass(slots=True)
class ProfileData:
    """The decoded contents of a profile's store."""

    records: list[Record] = field(default_factory=list)
    live_walk_started: datetime | None = None
    reminders: dict[str, Any] = field(default_factory=dict)
    tracking: dict[str, Any] = field(default_factory=dict)


class StorageUnreadableError(HomeAssistantError):
    """The profile's file exists but cannot be read; it has been kept aside."""

    def __init__(self, aside_path: str, reason: str) -> None:
        """Remember where the unreadable file now is."""
        super().__init__(f"Unreadable backwalk storage, kept at {aside_path}: {reason}")
        self.aside_path = aside_path
        self.reason = reason


class _VersionedStore(Store[StoredData]):
    """Store with the migration path between our storage versions."""

    # Store logs a failed write and returns normally; keep the error for async_save.
    write_error: Exception | None = None

    async def _async_write_data(self, data: dict[str, Any]) -> None:
        try:
            await super()._async_write_data(data)
        except (SerializationError, WriteError) as err:
            self.write_error = err
            raise

    def take_write_error(self) -> Exception | None:
        """Return and forget the error of the last write, if it failed."""
        err, self.write_error = self.write_error, None
        return err

    async def _async_migrate_func(
        self,
        old_major_version: int,
        old_minor_version: int,
        old_data: dict[str, Any],
    ) -> StoredData:
        # One step per version, oldest first; a newer minor version of version 1 is
        # read as it is (Home Assistant's convention: minor versions only add).
        if old_major_version == 1 and old_minor_version < 2:
            # Store writes what this returns at once: refuse bad content here, so an
            # unreadable file is kept aside as it was, not rewritten first.
            decode(old_data)
            # 1.2 added the reminder engine's and the automatic tracking's state.
            migrated: dict[str, Any] = {
                **old_data,
                "reminders": old_data.get("reminders", {}),
                "tracking": old_data.get("tracking", {}),
            }
            return migrated  # type: ignore[return-value]
        raise NotImplementedError


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


def encode(data: ProfileData, cache: EncodedRecords | None = None) -> StoredData:
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
    }


def decode(stored: Any) -> ProfileData:
    """Decode the stored form; raise ModelError when anything is not as written."""
    if not isinstance(stored, Mapping):
        raise ModelError("invalid_record")
    records: list[Record] = []
    for key, record_type in _DECODERS.items():
        items = stored.get(key, [])
        if not isinstance(items, list):
            raise ModelError("invalid_record")
        records.extend(record_type.from_dict(item) for item in items)
    if len({record.id for record in records}) != len(records):
        raise ModelError("duplicate_record")
    live = stored.get("live_walk_started")
    live_started: datetime | None = None
    if live is not None:
        if (
            not isinstance(live, str)
            or (parsed := dt_util.parse_datetime(live)) is None
            or parsed.tzinfo is None
        ):
            raise ModelError("invalid_record")
        live_started = parsed
    reminders = stored.get("reminders", {})
    tracking = stored.get("tracking", {})
    if not isinstance(reminders, dict) or not isinstance(tracking, dict):
        raise ModelError("invalid_record")
    return ProfileData(
        records=records,
        live_walk_started=live_started,
        reminders=reminders,
        tracking=tracking,
    )


class ProfileStore:
    """One profile's file: load with corruption handling, save immediately."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Create the store for a config entry."""
        self._hass = hass
        self._entry_id = entry_id
        self._store = _VersionedStore(
            hass,
            STORAGE_VERSION,
            f"{DOMAIN}.{entry_id}",
            minor_version=STORAGE_MINOR_VERSION,
            atomic_writes=True,
        )
        self._encoded = EncodedRecords()

    @property
    def path(self) -> str:
        """Path of the profile's file."""
        return str(self._store.path)

    @property
    def issue_id(self) -> str:
        """Repair issue id used when this profile's file is unreadable."""
        return f"storage_unreadable_{self._entry_id}"

    async def async_load(self) -> ProfileData:
        """Load the profile, refusing to start empty over an unreadable file."""
        path = self._store.path
        try:
            stored = await self._store.async_load()
        except ModelError as err:
            # Found by the migration step, before anything was rewritten.
            aside = await self._async_keep_aside(path)
            raise self._unreadable(aside, f"invalid content ({err.key})") from err
        except (HomeAssistantError, NotImplementedError, KeyError, TypeError) as err:
            # A version newer than this release understands, one we have no migration
            # for, or a file that is JSON but not a Store document.
            aside = await self._async_keep_aside(path)
            raise self._unreadable(aside, str(err)) from err
        if stored is None:
            # Looked at only now (a file that loads needs no look): a file still there
            # was not readable, and one Home Assistant found invalid JSON is aside now.
            existed, asides = await self._hass.async_add_executor_job(_file_state, path)
            if existed or asides:
                # Home Assistant moved an invalid JSON file aside (now or at an earlier
                # start): starting empty would look like data loss to the user.
                raise self._unreadable(asides[-1] if asides else path, "invalid JSON")
            return ProfileData()
        try:
            data = decode(stored)
        except ModelError as err:
            aside = await self._async_keep_aside(path)
            raise self._unreadable(aside, f"invalid content ({err.key})") from err
        ir.async_delete_issue(self._hass, DOMAIN, self.issue_id)
        return data

    async def async_save(self, data: ProfileData) -> None:
        """Write now; an action is acknowledged only after this returns."""
        self._store.take_write_error()
        await self._store.async_save(encode(data, self._encoded))
        if (err := self._store.take_write_error()) is not None:
            raise err

    async def async_start_fresh(self) -> None:
        """Begin an empty log; unreadable files stay aside for manual recovery."""
        await self.async_save(ProfileData())
        ir.async_delete_issue(self._hass, DOMAIN, self.issue_id)

    async def async_remove(self) -> None:
        """Delete the profile's file (the config entry was removed)."""
        await self._store.async_remove()
        ir.async_delete_issue(self._hass, DOMAIN, self.issue_id)

    async def _async_keep_aside(self, path: str) -> str:
        aside = f"{path}.invalid.{dt_util.utcnow().strftime('%Y%m%dT%H%M%S%f')}"
        await self._hass.async_add_executor_job(shutil.move, path, aside)
        return aside

    def _unreadable(self, aside: str, reason: str) -> StorageUnreadableError:
        _LOGGER.error(
            "backwalk storage %s is unreadable (%s); kept at %s",
            self.path,
            reason,
            aside,
        )
        ir.async_create_issue(
            self._hass,
            DOMAIN,
            self.issue_id,
            is_fixable=True,
            is_persistent=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key="storage_unreadable",
            translation_placeholders={
                "path": self.path,
                "aside": aside,
                "reason": reason,
            },
            data={"entry_id": self._entry_id},
        )
        return StorageUnreadableError(aside, reason)


def _file_state(path: str) -> tuple[bool, list[str]]:
    asides: list[str] = []
    for pattern in _ASIDE_PATTERNS:
        asides.extend(glob.glob(glob.escape(path) + pattern))
    return os.path.exists(path), sorted(asides)
