"""Durable storage of one profile's walk log: a versioned Store file plus its journal.

Each acknowledged change is appended to the journal (journal.py) and synced before the
action returns; the Store file is rewritten from memory now and then (compaction).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial
import logging
import shutil
from typing import Any

from homeassistant.core import CoreState, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .archive_codec import ArchiveWriter, StoredArchive, has_old_records
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
    Unreadable,
    append_line,
    delete_segments_below,
    encode_change,
    fold_archive,
    read_segments,
    replay,
    segment_numbers,
    segment_path,
)
from .model import ModelError, Record, Settings, WalkLog
from .model.markdown import escape_markdown
from .store_faults import (
    aside_name,
    catch_write_failures,
    file_state,
    is_full,
    local_text,
    mtimes,
    parse_stamp,
    reason,
    report_unreadable_archive,
)

_LOGGER = logging.getLogger(__name__)

# 2.1: old records in an archive (archive_codec.py). A major version, so that a release
# that knows nothing of the archive keeps such a file aside instead of losing it.
STORAGE_VERSION = 2
STORAGE_MINOR_VERSION = 1
# Journal lines after which the Store file is rewritten at once (bounds the replay at
# load); otherwise it is rewritten a while after the first change (see runtime.py).
COMPACT_AFTER_LINES = 500


class StorageUnreadableError(HomeAssistantError):
    """The profile's file exists but cannot be read; it has been kept aside."""

    def __init__(self, aside_path: str, reason: str) -> None:
        """Remember where the unreadable file now is."""
        super().__init__(f"Unreadable backwalk storage, kept at {aside_path}: {reason}")
        self.aside_path = aside_path
        self.reason = reason


class _VersionedStore(Store[StoredData]):
    """Store with the migration path between our storage versions."""

    async def _async_migrate_func(
        self,
        old_major_version: int,
        old_minor_version: int,
        old_data: dict[str, Any],
    ) -> StoredData:
        # A newer minor version of version 2 is read as it is (Home Assistant's
        # convention: minor versions only add; Store does that on NotImplementedError).
        if old_major_version == 1:
            # Store writes what this returns at once: refuse bad content here, so an
            # unreadable file is kept aside as it was, not rewritten first.
            decode(old_data)
            # 1.2 added the reminder engine's and the automatic tracking's state; 1.3
            # the journal (absent: the file holds every segment there is, none); 2.1
            # the archive (none yet: the next compaction makes it).
            migrated: dict[str, Any] = {
                **old_data,
                "reminders": old_data.get("reminders", {}),
                "tracking": old_data.get("tracking", {}),
                "journal_from": old_data.get("journal_from", 0),
                "archive": None,
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
        self._archives = ArchiveWriter()
        # The segment changes are appended to, and whether it exists on disk yet.
        self._segment = 0
        self._segment_created = False
        # Journal lines the Store file does not hold yet.
        self.pending = 0
        # Segments with unreadable lines, kept aside once the Store file holds the rest.
        self._damaged: dict[int, _Damage] = {}

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

    @property
    def write_issue_id(self) -> str:
        """Repair issue id used while this profile's Store file cannot be written."""
        return f"storage_write_failed_{self._entry_id}"

    async def async_load(self) -> ProfileData:
        """Load the profile, refusing to start empty over an unreadable file."""
        path = self._store.path
        try:
            with catch_write_failures(self._store) as failures:
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
        if failures.error is not None:
            # The migrated file could not be written: the file on disk is unchanged and
            # is migrated again at the next load.
            _LOGGER.warning("Could not write %s: %s", path, reason(failures.error))
        if stored is None:
            # Looked at only now (a file that loads needs no look): a file still there
            # was not readable, and one Home Assistant found invalid JSON is aside now.
            existed, asides = await self._hass.async_add_executor_job(file_state, path)
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
        archive = replayed.data.archive
        try:
            if archive is not None and (
                # (Ids read only when the journal touched records at all.)
                (replayed.touched and not replayed.touched.isdisjoint(archive.ids()))
                or any(record.time < archive.cutoff for record in replayed.data.records)
            ):
                # The journal changed archived records: count them in with the rest.
                fold_archive(replayed)
        except ModelError as err:
            # Changes to archived records, and no archive to apply them to.
            aside = await self._async_keep_aside(self.path)
            raise self._unreadable(aside, f"invalid content ({err.key})") from err
        if replayed.data.archive is not None:
            replayed.data.archive.on_unreadable = partial(
                report_unreadable_archive, self._hass, self._entry_id, self.path
            )
        # Never append after a segment's unfinished last line: start a new one.
        self._segment = max([journal_from - 1, *(n for n, _ in segments)]) + 1
        self._segment_created = False
        # Compact soon even when no line was readable: the segments can then go; and
        # when old records are not archived yet (a file of an earlier release).
        self.pending = replayed.lines or len(segments)
        if replayed.data.archive is None and has_old_records(
            replayed.data.records, dt_util.utcnow()
        ):
            self.pending = max(self.pending, 1)
        if not self.pending:
            # The Store file holds everything: no write is failing any more.
            ir.async_delete_issue(self._hass, DOMAIN, self.write_issue_id)
        if replayed.unreadable:
            await self._async_note_unreadable(replayed.unreadable)
            # The damaged segments are kept aside only once the Store file holds what
            # was read from them: until then they stay where the next load reads them.
            try:
                await self.async_compact(replayed.data)
            except (HomeAssistantError, OSError) as err:
                _LOGGER.debug(
                    "Damaged journal of %s not folded yet: %s", self.path, err
                )
        return replayed.data

    def archive(
        self, log: WalkLog, settings: Settings
    ) -> tuple[StoredArchive | None, list[Record]]:
        """Return the archive to write with the log, and the records kept beside it."""
        return self._archives.archive(log, settings, dt_util.now(log.timezone).date())

    async def async_append(self, change: Change) -> None:
        """Sync one change to disk; an action is acknowledged only after this returns."""
        # Stamped, so that a line lost to damage can be dated by its neighbours.
        line = encode_change(change, dt_util.utcnow())
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
        try:
            written = await self._async_write(data, journal_from)
        except (HomeAssistantError, OSError) as err:
            # What a failed write raises: the OSError, or Store's WriteError or
            # SerializationError (the errors the runtime's compaction retries). The
            # segments still hold every change; the next compaction tries again.
            self.pending += pending
            self._async_write_failed(err)
            raise
        if not written:
            # Home Assistant is stopping and Store queued the write for its final
            # write: the segments stay until a load finds the file holds them.
            return
        ir.async_delete_issue(self._hass, DOMAIN, self.write_issue_id)
        if self._damaged:
            await self._async_keep_damaged_aside()
        await self._hass.async_add_executor_job(
            delete_segments_below, self.path, journal_from
        )

    async def _async_write(self, data: ProfileData, journal_from: int) -> bool:
        """Write the Store file; False when Store only queued it (Home Assistant stops)."""
        queued = self._hass.state is CoreState.stopping
        with catch_write_failures(self._store) as failures:
            await self._store.async_save(encode(data, self._encoded, journal_from))
        if failures.error is not None:
            raise failures.error
        return not queued

    @callback
    def _async_write_failed(self, err: Exception) -> None:
        """Tell the user while the Store file cannot be written (the runtime retries)."""
        entry = self._hass.config_entries.async_get_entry(self._entry_id)
        # Shown as markdown: a name must stay text.
        profile = escape_markdown(entry.title) if entry else self._entry_id
        # A full disk loses nothing (journal lines are small and usually still fit):
        # a warning; any other failure an error.
        full = is_full(err)
        ir.async_create_issue(
            self._hass,
            DOMAIN,
            self.write_issue_id,
            is_fixable=False,
            is_persistent=False,
            severity=ir.IssueSeverity.WARNING if full else ir.IssueSeverity.ERROR,
            translation_key="storage_full" if full else "storage_not_writable",
            translation_placeholders={
                "profile": profile,
                "path": self.path,
                "error": reason(err),
            },
        )

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
            shutil.move(path, aside_name(path))
        return numbers[-1] + 1 if numbers else 0

    async def async_remove(self) -> None:
        """Delete the profile's files (the config entry was removed)."""
        await self._store.async_remove()
        await self._hass.async_add_executor_job(delete_segments_below, self.path)
        ir.async_delete_issue(self._hass, DOMAIN, self.issue_id)
        ir.async_delete_issue(self._hass, DOMAIN, self.journal_issue_id)
        ir.async_delete_issue(self._hass, DOMAIN, self.write_issue_id)

    async def _async_keep_aside(self, path: str) -> str:
        aside = aside_name(path)
        await self._hass.async_add_executor_job(shutil.move, path, aside)
        return aside

    async def _async_note_unreadable(self, unreadable: list[Unreadable]) -> None:
        """Work out when the unreadable lines were written, and log them once."""
        numbers = sorted({item.segment for item in unreadable})
        written = await self._hass.async_add_executor_job(
            mtimes, [self.path, *(segment_path(self.path, n) for n in numbers)]
        )
        entry = self._hass.config_entries.async_get_entry(self._entry_id)
        for item in unreadable:
            # At the latest: the next readable line, else the segment's last write.
            last = (
                parse_stamp(item.before)
                or written.get(segment_path(self.path, item.segment))
                or dt_util.utcnow()
            )
            # At the earliest: the readable line before, else the Store file (every
            # replayed segment was begun after it), else the profile's creation.
            first = parse_stamp(item.after)
            if first is None and (stored := written.get(self.path)) and stored <= last:
                first = stored
            if first is None and entry is not None:
                first = entry.created_at
            damage = self._damaged.setdefault(item.segment, _Damage(last, last))
            damage.count += 1
            damage.first = min(damage.first, first or last, last)
            damage.last = max(damage.last, last)
        _LOGGER.error(
            "backwalk journal of %s has %s unreadable lines (segments %s); every other "
            "line was loaded, and the segments are kept aside once the walk log is saved",
            self.path,
            len(unreadable),
            numbers,
        )

    async def _async_keep_damaged_aside(self) -> None:
        """Keep damaged segments aside (the Store file holds the rest), tell the user."""
        damaged, self._damaged = self._damaged, {}
        asides: list[str] = []
        for number in sorted(damaged):
            try:
                asides.append(
                    await self._async_keep_aside(segment_path(self.path, number))
                )
            except OSError:
                # Its readable lines are in the Store file; only the lost ones go.
                _LOGGER.exception(
                    "Could not keep %s aside", segment_path(self.path, number)
                )
        count = sum(damage.count for damage in damaged.values())
        first = min(damage.first for damage in damaged.values())
        last = max(damage.last for damage in damaged.values())
        aside = ", ".join(asides)
        # An earlier report the user has not dismissed yet is added to, not replaced.
        issue = ir.async_get(self._hass).async_get_issue(DOMAIN, self.journal_issue_id)
        if issue is not None and issue.active and issue.data:
            earlier = issue.data
            count += int(earlier.get("count") or 0)
            first = min(first, parse_stamp(earlier.get("first")) or first)
            last = max(last, parse_stamp(earlier.get("last")) or last)
            aside = ", ".join(filter(None, (str(earlier.get("aside") or ""), aside)))
        ir.async_create_issue(
            self._hass,
            DOMAIN,
            self.journal_issue_id,
            # Fixable only to be acknowledged: its flow says what to do, then closes it.
            is_fixable=True,
            is_persistent=True,
            severity=ir.IssueSeverity.WARNING,
            translation_key="journal_unreadable",
            # Kept across restarts and put into diagnostics downloads: no name here
            # (the fix flow shows the profile's name).
            translation_placeholders={
                "count": str(count),
                "first": local_text(first),
                "last": local_text(last),
                "aside": aside,
            },
            data={
                "entry_id": self._entry_id,
                "count": count,
                "first": first.isoformat(),
                "last": last.isoformat(),
                "aside": aside,
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


@dataclass(slots=True)
class _Damage:
    """Unreadable lines of one segment: how many, written between first and last."""

    first: datetime
    last: datetime
    count: int = 0
