"""What can go wrong with a profile's files: failed writes, kept-aside files, stamps.

Helpers of store.py, kept apart so that the store itself reads as the load, append
and compact path.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
import errno
import glob
import logging
import os
from typing import Any, override

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util, file as file_util
from homeassistant.util.file import WriteError
from homeassistant.util.json import SerializationError

from .archive_codec import StoredArchive
from .const import DOMAIN
from .model.markdown import escape_markdown

# Suffixes of files kept aside for recovery: Home Assistant's own (invalid JSON) and ours.
_ASIDE_PATTERNS = (".corrupt.*", ".invalid.*")
# Write errors that mean the disk (or the user's quota, or a file size limit) is full.
_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
# What Store catches (and logs) when it cannot write its file.
_WRITE_ERRORS = (WriteError, SerializationError)


class WriteFailures(logging.Filter):
    """Learn that Store could not write one file, from the records it logs instead.

    Store logs a failed write and returns normally, and Home Assistant's file writer adds
    a traceback for every failure; Store has no public way to say that a write failed.
    A logging filter (Python's public API for reading records) catches the error of this
    one file while a write is awaited and drops those two records: the caller reports the
    failure once, where a full disk retried for hours would fill the log.
    """

    def __init__(self, key: str, path: str) -> None:
        """Watch the records about one Store file (by its key or its path)."""
        super().__init__()
        self._names = {key, path}
        self.error: Exception | None = None

    @override
    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        if record.levelno < logging.WARNING or not any(
            isinstance(arg, str) and arg in self._names for arg in args
        ):
            return True
        # The file writer's record carries the OSError, Store's the error it caught; a
        # record about anything else (an unreadable file, say) is left alone.
        failure = record.exc_info[1] if record.exc_info else None
        if not isinstance(failure, OSError):
            failure = next(
                (arg for arg in args if isinstance(arg, _WRITE_ERRORS)), None
            )
        if failure is None:
            return True
        if self.error is None:
            self.error = failure
        return False


@contextmanager
def catch_write_failures(store: Store[Any]) -> Iterator[WriteFailures]:
    """Catch (and keep out of the log) what Store reports about a failed write."""
    failures = WriteFailures(store.key, str(store.path))
    loggers = [
        logging.getLogger(name) for name in (Store.__module__, file_util.__name__)
    ]
    for logger in loggers:
        logger.addFilter(failures)
    try:
        yield failures
    finally:
        for logger in loggers:
            logger.removeFilter(failures)


def parse_stamp(stamp: object) -> datetime | None:
    """Return the aware time a journal stamp names, or None."""
    if not isinstance(stamp, str) or (parsed := dt_util.parse_datetime(stamp)) is None:
        return None
    return parsed if parsed.tzinfo is not None else None


def local_text(moment: datetime) -> str:
    """Return a moment as local time, to the minute, for people."""
    return dt_util.as_local(moment).strftime("%Y-%m-%d %H:%M")


def mtimes(paths: list[str]) -> dict[str, datetime]:
    """Last modification time of each path that exists."""
    times: dict[str, datetime] = {}
    for path in paths:
        try:
            times[path] = dt_util.utc_from_timestamp(os.stat(path).st_mtime)
        except OSError:
            continue
    return times


def _os_error(err: BaseException | None) -> OSError | None:
    # Home Assistant wraps the OSError of a failed write (WriteError from OSError).
    while err is not None and not isinstance(err, OSError):
        err = err.__cause__
    return err


def is_full(err: BaseException) -> bool:
    """Tell whether a write failed because the disk (or a quota) is full."""
    return (os_error := _os_error(err)) is not None and os_error.errno in _FULL


def reason(err: BaseException) -> str:
    """Return why a write failed, in the operating system's words when it has them."""
    os_error = _os_error(err)
    return (os_error.strerror if os_error else None) or str(err)


def aside_name(path: str) -> str:
    """Return the name a file kept aside for recovery gets."""
    return f"{path}.invalid.{dt_util.utcnow().strftime('%Y%m%dT%H%M%S%f')}"


def file_state(path: str) -> tuple[bool, list[str]]:
    """Return whether `path` exists, and the files kept aside from it."""
    asides: list[str] = []
    for pattern in _ASIDE_PATTERNS:
        asides.extend(glob.glob(glob.escape(path) + pattern))
    return os.path.exists(path), sorted(asides)


def report_unreadable_archive(
    hass: HomeAssistant, entry_id: str, path: str, archive: StoredArchive
) -> None:
    """Tell the user that a profile's archived records cannot be read.

    They stay in the file as they are (backwalk writes them back unchanged), so a
    backup's copy can be put in; meanwhile what needs them is refused.
    """
    entry = hass.config_entries.async_get_entry(entry_id)
    ir.async_create_issue(
        hass,
        DOMAIN,
        f"archive_unreadable_{entry_id}",
        is_fixable=False,
        is_persistent=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key="archive_unreadable",
        translation_placeholders={
            # Shown as markdown: a name must stay text.
            "profile": escape_markdown(entry.title) if entry else entry_id,
            "path": path,
            "cutoff": dt_util.as_local(archive.cutoff).date().isoformat(),
        },
    )
