"""Durable storage of one profile's walk log: a versioned Store file plus its journal.

Each acknowledged change is appended to the journal (journal.py) and synced before the
action returns; the Store file is rewritten from memory now and then (compaction).
"""

from __future__ import annotations

from functools import partial
import glob
import logging
import os
import shutil
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
from homeassistant.util.file import WriteError
from homeassistant.util.json import SerializationError

from .codec import (
    EncodedRecords,
    ProfileData,
    StoredData,
    decode,
    decode_journal_from,
    encode,
)
from .const import DOMAIN
from .journal import (
    Change,
    append_line,
    delete_segments_below,
    encode_change,
    read_segments,
    replay,
    segment_numbers,
    segment_path,
)
from .model import ModelError

_LOGGER = logging.getLogger(__name__)

STORAGE_VERSION = 1
STORAGE_MINOR_VERSION = 3
# Journal lines after which the Store file is rewritten at once (bounds the replay at
# load); otherwise it is rewritten a while after the first change (see runtime.py).
COMPACT_AFTER_LINES = 500

# Suffixes of files kept aside for recovery: Home Assistant's own (invalid JSON) and ours.
_ASIDE_PATTERNS = (".corrupt.*", ".invalid.*")


class StorageUnreadableError(HomeAssistantError):
    """The profile's file exists but cannot be read; it has been kept aside."""

    def __init__(self, aside_path: str, reason: str) -> None:
        """Remember where the unreadable file now is."""
        super().__init__(f"Unreadable backwalk storage, kept at {aside_path}: {reason}")
        self.aside_path = aside_path
        self.reason = reason


class _VersionedStore(Store[StoredData]):
    """Store with the migration path between our storage versions."""

    # Store logs a failed write and returns normally; keep the error for the caller.
    write_error: Exception | None = None
    # Writes that reached the disk: while Home Assistant stops, Store only queues them.
    writes = 0

    async def _async_write_data(self, data: dict[str, Any]) -> None:
        try:
            await super()._async_write_data(data)
        except (SerializationError, WriteError) as err:
            self.write_error = err
            raise
        self.writes += 1

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
        # A newer minor version of version 1 is read as it is (Home Assistant's
        # convention: minor versions only add).
        if old_major_version == 1 and old_minor_version < STORAGE_MINOR_VERSION:
            # Store writes what this returns at once: refuse bad content here, so an
            # unreadable file is kept aside as it was, not rewritten first.
            decode(old_data)
            # 1.2 added the reminder engine's and the automatic tracking's state; 1.3
            # the journal (absent: the file holds every segment there is, none).
            migrated: dict[str, Any] = {
                **old_data,
                "reminders": old_data.get("reminders", {}),
                "tracking": old_data.get("tracking", {}),
                "journal_from": old_data.get("journal_from", 0),
            }
            return migrated  # type: ignore[return-value]
        raise NotImplementedError


class ProfileStore:
    """One profile's files: load with corruption handling, append changes, compact."""

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
        # The segment changes are appended to, and whether it exists on disk yet.
        self._segment = 0
        self._segment_created = False
        # Journal lines the Store file does not hold yet.
        self.pending = 0

    @property
    def path(self) -> str:
        """Path of the profile's Store file."""
        return str(self._store.path)

    @property
    def issue_id(self) -> str:
        """Repair issue id used when this profile's file is unreadable."""
        return f"storage_unreadable_{self._entry_id}"

    @property
    def journal_issue_id(self) -> str:
        """Repair issue id used when part of this profile's journal is unreadable."""
        return f"journal_unreadable_{self._entry_id}"

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
            data, journal_from = ProfileData(), 0
        else:
            try:
                data = decode(stored)
                journal_from = decode_journal_from(stored)
            except ModelError as err:
                aside = await self._async_keep_aside(path)
                raise self._unreadable(aside, f"invalid content ({err.key})") from err
        ir.async_delete_issue(self._hass, DOMAIN, self.issue_id)
        return await self._async_replay(data, journal_from)

    async def _async_replay(self, data: ProfileData, journal_from: int) -> ProfileData:
        segments = await self._hass.async_add_executor_job(
            read_segments, self.path, journal_from
        )
        replayed = replay(data, segments)
        for number, line in replayed.unreadable:
            await self._async_journal_unreadable(number, line)
        # Never append after a segment's unfinished last line: start a new one.
        self._segment = max([journal_from - 1, *(n for n, _ in segments)]) + 1
        self._segment_created = False
        # Compact soon even when no line was readable: the segments can then go.
        self.pending = replayed.lines or len(segments)
        if replayed.unreadable:
            # The lines read from a segment now kept aside are only in memory.
            await self.async_compact(replayed.data)
        return replayed.data

    async def async_append(self, change: Change) -> None:
        """Sync one change to disk; an action is acknowledged only after this returns."""
        line = encode_change(change)
        path = segment_path(self.path, self._segment)
        try:
            await self._hass.async_add_executor_job(
                partial(append_line, path, line, new_file=not self._segment_created)
            )
        except OSError:
            # The segment may end in part of this line: later lines go to a new one.
            self._segment += 1
            self._segment_created = False
            raise
        self._segment_created = True
        self.pending += 1

    async def async_compact(self, data: ProfileData) -> None:
        """Rewrite the Store file with `data`, then delete the segments it now holds.

        `data` must hold every change appended so far, and nothing may be appended
        until this returns (the runtime's lock sees to both).
        """
        journal_from = self._segment + 1
        pending, self.pending = self.pending, 0
        self._segment, self._segment_created = journal_from, False
        written = self._store.writes
        try:
            await self._async_write(data, journal_from)
        except Exception:
            # The segments still hold every change; the next compaction tries again.
            self.pending += pending
            raise
        if self._store.writes == written:
            # Home Assistant is stopping and Store queued the write for its final
            # write: the segments stay until a load finds the file holds them.
            return
        await self._hass.async_add_executor_job(
            delete_segments_below, self.path, journal_from
        )

    async def _async_write(self, data: ProfileData, journal_from: int) -> None:
        self._store.take_write_error()
        await self._store.async_save(encode(data, self._encoded, journal_from))
        if (err := self._store.take_write_error()) is not None:
            raise err

    async def async_start_fresh(self) -> None:
        """Begin an empty log; unreadable files stay aside for manual recovery."""
        kept = await self._hass.async_add_executor_job(self._keep_segments_aside)
        await self._async_write(ProfileData(), kept)
        ir.async_delete_issue(self._hass, DOMAIN, self.issue_id)

    def _keep_segments_aside(self) -> int:
        """Move the journal aside (it belongs to the old log); return the next number."""
        numbers = segment_numbers(self.path)
        for number in numbers:
            path = segment_path(self.path, number)
            shutil.move(path, _aside_name(path))
        return numbers[-1] + 1 if numbers else 0

    async def async_remove(self) -> None:
        """Delete the profile's files (the config entry was removed)."""
        await self._store.async_remove()
        await self._hass.async_add_executor_job(delete_segments_below, self.path)
        ir.async_delete_issue(self._hass, DOMAIN, self.issue_id)
        ir.async_delete_issue(self._hass, DOMAIN, self.journal_issue_id)

    async def _async_keep_aside(self, path: str) -> str:
        aside = _aside_name(path)
        await self._hass.async_add_executor_job(shutil.move, path, aside)
        return aside

    async def _async_journal_unreadable(self, number: int, line: int) -> None:
        """Keep a segment with an unreadable line aside, and tell the user."""
        aside = await self._async_keep_aside(segment_path(self.path, number))
        _LOGGER.error(
            "backwalk journal of %s has an unreadable line %s; the lines before it "
            "were loaded and the segment was kept at %s",
            self.path,
            line,
            aside,
        )
        ir.async_create_issue(
            self._hass,
            DOMAIN,
            self.journal_issue_id,
            is_fixable=False,
            is_persistent=True,
            severity=ir.IssueSeverity.WARNING,
            translation_key="journal_unreadable",
            # Kept across restarts and put into diagnostics downloads: no name here
            # (the fix flow shows the profile's name).
            translation_placeholders={
                "aside": aside,
                "line": str(line),
            },
        )

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


def _aside_name(path: str) -> str:
    return f"{path}.invalid.{dt_util.utcnow().strftime('%Y%m%dT%H%M%S%f')}"


def _file_state(path: str) -> tuple[bool, list[str]]:
    asides: list[str] = []
    for pattern in _ASIDE_PATTERNS:
        asides.extend(glob.glob(glob.escape(path) + pattern))
    return os.path.exists(path), sorted(asides)
