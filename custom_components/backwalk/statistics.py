"""A profile's long-term statistics: walking minutes per hour and pain per day.

Home Assistant's statistics graph shows years of data from the recorder's long-term
statistics. A sensor feeds them only through its state changes, so a walk logged after
it happened (or deleted) would land in the wrong hour or never leave its mark. Instead
backwalk writes them itself, as external statistics computed from the log:

- `backwalk:<profile>_walking_minutes`: each hour's walking minutes (`state`) and the
  running total (`sum`), so a graph shows the change per day, week or month as bars.
  A walk counts in the hours it really lasted. Only hours with minutes have a row; an
  hour whose walks are deleted keeps a row with 0 minutes (rows cannot be deleted).
- `backwalk:<profile>_pain`: one row per local day that has pain reports, at the day's
  first hour: the mean, lowest and highest level reported that day. A row per day
  rather than per hour of report: a week or month is then the mean of its days, each
  day counting once however often pain was reported, and the graph's day bars are the
  day's own numbers. A day whose reports are deleted keeps an empty row (a gap).

The statistics themselves record what was imported: at each start the rows are read
once and compared with the log, and only the rows that differ are written. A new
profile so imports its whole history once, a restart imports nothing, and an import
that was interrupted is completed. After that, a change marks the hours from its
record on (every later hour's sum depends on it) and a short while later the rows
that changed from there are written. The recorder is optional: without it, none of
this runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
import logging
import math
import re
from typing import TYPE_CHECKING, Any

from homeassistant.components.recorder.models import (
    StatisticData,
    StatisticMeanType,
    StatisticMetaData,
)
from homeassistant.components.recorder.statistics import (
    async_add_external_statistics,
    statistics_during_period,
)
from homeassistant.const import EVENT_CORE_CONFIG_UPDATE, UnitOfTime
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.recorder import get_instance
from homeassistant.helpers.start import async_at_started
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_conversion import DurationConverter

from .archive_codec import StoredArchive
from .const import DOMAIN, EVENT_DELETED, EVENT_LOGGED
from .model import (
    EARLIEST_TIME,
    LATEST_TIME,
    MAX_WALK_MINUTES,
    ModelError,
    PainReport,
    Record,
    Walk,
    WalkLog,
)
from .model.hourly import (
    HOUR,
    day_row_start,
    hour_of,
    hour_start,
    minutes_by_hour,
    pain_by_day,
)

if TYPE_CHECKING:
    from .runtime import ProfileRuntime

_LOGGER = logging.getLogger(__name__)

# Seconds after Home Assistant has started (or the profile was loaded into a running
# one) before the statistics are compared with the log: a start has more urgent work.
START_DELAY = 30
# Seconds from a change to writing its rows: one write covers a burst of changes.
WRITE_DELAY = 10
_NOTHING = math.inf
_EVERYTHING = -math.inf
# A walk that reaches into an hour began at most this long before it; a person's walk
# may trim a sensor walk that began that much earlier.
_WALK_REACH = timedelta(minutes=MAX_WALK_MINUTES)
_ONE_DAY = timedelta(days=1)

type _PainRow = tuple[float | None, float | None, float | None]


def statistic_ids(entry_id: str) -> tuple[str, str]:
    """Return the ids of a profile's minutes and pain statistics.

    From the config entry's id: it never changes, while a profile's name can.
    """
    stem = re.sub(r"[^a-z0-9]+", "_", entry_id.lower()).strip("_")
    return f"{DOMAIN}:{stem}_walking_minutes", f"{DOMAIN}:{stem}_pain"


class LongTermStatistics:
    """Keep a profile's external statistics equal to its log."""

    def __init__(self, hass: HomeAssistant, runtime: ProfileRuntime) -> None:
        """Prepare; nothing is read or written before async_start."""
        self.hass = hass
        self._runtime = runtime
        self.minutes_id, self.pain_id = statistic_ids(runtime.entry.entry_id)
        # What the database holds, read once: hour -> (minutes, sum) and day row ->
        # (mean, low, high). None until read.
        self._minutes: dict[float, tuple[float, float]] | None = None
        self._pain: dict[float, _PainRow] | None = None
        # The first hour (timestamp) whose rows may differ from the log.
        self._minutes_from = _EVERYTHING
        self._pain_from = _EVERYTHING
        # The first hour whose rows the two dicts above hold (see _skip_archived).
        self._read_from = _EVERYTHING
        self._lock = asyncio.Lock()
        self._unsub_write: Callable[[], None] | None = None
        self._running = False

    @callback
    def async_start(self) -> Callable[[], None]:
        """Follow the profile's changes; return the function that stops it."""
        entry_id = self._runtime.entry.entry_id

        @callback
        def ours(event_data: dict[str, Any]) -> bool:
            return event_data.get("entry_id") == entry_id

        self._running = True
        bus = self.hass.bus
        unsubscribers = [
            bus.async_listen(EVENT_LOGGED, self._async_changed, event_filter=ours),
            bus.async_listen(EVENT_DELETED, self._async_changed, event_filter=ours),
            # Another time zone moves the local days the pain rows stand for.
            bus.async_listen(EVENT_CORE_CONFIG_UPDATE, self._async_zone_changed),
            async_at_started(self.hass, self._async_started),
        ]

        @callback
        def stop() -> None:
            self._running = False
            for unsubscribe in unsubscribers:
                unsubscribe()
            self._cancel_write()

        return stop

    @callback
    def _async_started(self, _hass: HomeAssistant) -> None:
        self._async_schedule(START_DELAY)

    @callback
    def _async_changed(self, event: Event[dict[str, Any]]) -> None:
        data = event.data
        if data.get("type") == "walk":
            start = dt_util.parse_datetime(str(data.get("start")))
            if start is not None:
                since = hour_of((start - _WALK_REACH).timestamp())
                self._minutes_from = min(self._minutes_from, since)
        elif data.get("type") == "pain":
            moment = dt_util.parse_datetime(str(data.get("time")))
            if moment is not None:
                since = day_row_start(moment, self._runtime.log.timezone)
                self._pain_from = min(self._pain_from, since)
        else:
            return
        self._async_schedule(WRITE_DELAY)

    @callback
    def _async_zone_changed(self, _event: Event) -> None:
        self._pain_from = _EVERYTHING
        self._async_schedule(WRITE_DELAY)

    @callback
    def _async_schedule(self, delay: float) -> None:
        if self._unsub_write is None and self._running:
            self._unsub_write = async_call_later(self.hass, delay, self._async_due)

    def _cancel_write(self) -> None:
        if self._unsub_write is not None:
            self._unsub_write()
            self._unsub_write = None

    @callback
    def _async_due(self, _now: datetime) -> None:
        self._unsub_write = None
        entry = self._runtime.entry
        entry.async_create_background_task(
            self.hass, self.async_write(), f"{DOMAIN} statistics {entry.title}"
        )

    async def async_write(self) -> None:
        """Write the rows that differ from the log now (the first time: compare all)."""
        self._cancel_write()
        async with self._lock:
            if min(self._minutes_from, self._pain_from) < self._read_from:
                # Rows older than those kept in memory are asked about: read them all.
                self._minutes = self._pain = None
            if self._minutes is None or self._pain is None:
                self._minutes, self._pain = await self._async_read()
                self._read_from = _EVERYTHING
                self._skip_archived(self._minutes, self._pain)
            minutes_from, self._minutes_from = self._minutes_from, _NOTHING
            pain_from, self._pain_from = self._pain_from, _NOTHING
            minutes = self._rows(self._minute_rows, self._minutes, minutes_from)
            pain = self._rows(self._pain_rows, self._pain, pain_from)
        title = self._runtime.entry.title
        if minutes:
            _LOGGER.debug(
                "Writing %s hours of walking minutes of %s", len(minutes), title
            )
            async_add_external_statistics(
                self.hass,
                StatisticMetaData(
                    mean_type=StatisticMeanType.NONE,
                    has_sum=True,
                    name=f"{title} walking minutes",
                    source=DOMAIN,
                    statistic_id=self.minutes_id,
                    unit_class=DurationConverter.UNIT_CLASS,
                    unit_of_measurement=UnitOfTime.MINUTES,
                ),
                minutes,
            )
        if pain:
            _LOGGER.debug("Writing %s days of pain of %s", len(pain), title)
            async_add_external_statistics(
                self.hass,
                StatisticMetaData(
                    mean_type=StatisticMeanType.ARITHMETIC,
                    has_sum=False,
                    name=f"{title} pain",
                    source=DOMAIN,
                    statistic_id=self.pain_id,
                    unit_class=None,
                    unit_of_measurement=None,
                ),
                pain,
            )

    def _rows[T](
        self,
        rows: Callable[[dict[float, T], float], list[StatisticData]],
        written: dict[float, T],
        since: float,
    ) -> list[StatisticData]:
        """Return `rows` from `since`, or from the archive's cutoff when it is unreadable.

        (Its records are decoded before any row is noted.) The rows before the cutoff
        stay as the database has them; a repair tells why.
        """
        try:
            return rows(written, since)
        except ModelError:
            archive = self._runtime.log.archive
            if archive is None:
                raise
            # The first whole hour from the cutoff: rows from there need no archive.
            cut = -(-archive.cutoff.timestamp() // HOUR) * HOUR
            return rows(written, max(since, cut))

    async def _async_read(
        self,
    ) -> tuple[dict[float, tuple[float, float]], dict[float, _PainRow]]:
        """Read every row the database holds for this profile."""
        found = await get_instance(self.hass).async_add_executor_job(
            statistics_during_period,
            self.hass,
            EARLIEST_TIME,
            None,
            {self.minutes_id, self.pain_id},
            "hour",
            None,
            {"state", "sum", "mean", "min", "max"},
        )
        minutes = {
            row["start"]: (row.get("state") or 0.0, row.get("sum") or 0.0)
            for row in found.get(self.minutes_id, [])
        }
        pain = {
            row["start"]: (row.get("mean"), row.get("min"), row.get("max"))
            for row in found.get(self.pain_id, [])
        }
        return minutes, pain

    def _skip_archived(
        self,
        minutes: dict[float, tuple[float, float]],
        pain: dict[float, _PainRow],
    ) -> None:
        """Compare from the archive's cutoff on when the rows before it match its totals.

        Every change before the cutoff decodes the archive, so an archive still not
        decoded is as it was written, and its totals say what the statistics hold for
        it. When they do, those rows are neither compared again nor kept in memory, and
        the archive stays undecoded.
        """
        archive = self._runtime.log.archive
        if not isinstance(archive, StoredArchive) or archive.totals is None:
            return
        cut = archive.cutoff.timestamp()
        if cut % HOUR:
            return  # a day that begins on the half hour: its first hour is shared
        before = [hour for hour in minutes if hour < cut]
        last = max(before, default=None)
        walk_sum = minutes[last][1] if last is not None else 0.0
        pain_days = sum(
            1 for row, values in pain.items() if row < cut and values[0] is not None
        )
        if (walk_sum, pain_days) != (archive.totals.walk_sum, archive.totals.pain_days):
            return
        for hour in before:
            if hour != last:
                del minutes[hour]
        for row in [row for row in pain if row < cut]:
            del pain[row]
        self._read_from = cut
        self._minutes_from = max(self._minutes_from, cut)
        self._pain_from = max(self._pain_from, cut)

    def _minute_rows(
        self, written: dict[float, tuple[float, float]], since: float
    ) -> list[StatisticData]:
        """Return the hours from `since` on whose rows differ from the log; note them."""
        if since == _NOTHING:
            return []
        log = self._runtime.log
        if since == _EVERYTHING:
            walks = log.walks()
        else:
            first = hour_start(since) - _WALK_REACH
            walks = [
                record
                for record in _records_from(log, first, since)
                if isinstance(record, Walk)
            ]
        wanted = minutes_by_hour(walks, since)
        # The running total before `since` is what the last row before it holds.
        before = [hour for hour in written if hour < since]
        total = written[max(before)][1] if before else 0.0
        rows: list[StatisticData] = []
        for hour in sorted({*wanted, *(hour for hour in written if hour >= since)}):
            state = wanted.get(hour, 0.0)
            total += state
            if written.get(hour) != (state, total):
                written[hour] = (state, total)
                rows.append(
                    StatisticData(start=hour_start(hour), state=state, sum=total)
                )
        return rows

    def _pain_rows(
        self, written: dict[float, _PainRow], since: float
    ) -> list[StatisticData]:
        """Return the day rows from `since` on that differ from the log; note them."""
        if since == _NOTHING:
            return []
        log = self._runtime.log
        if since == _EVERYTHING:
            records = log.records()
        else:
            # A day's row lies within a day after any of its reports.
            records = _records_from(log, hour_start(since) - _ONE_DAY, since)
        wanted = pain_by_day(
            (record for record in records if isinstance(record, PainReport)),
            log.timezone,
            since,
        )
        rows: list[StatisticData] = []
        for row in sorted({*wanted, *(row for row in written if row >= since)}):
            pain = wanted.get(row)
            values: _PainRow = (
                (pain.mean, float(pain.low), float(pain.high))
                if pain is not None
                else (None, None, None)
            )
            if written.get(row) == values:
                continue
            written[row] = values
            if pain is None:
                # No report left that day: an empty row, shown as a gap.
                rows.append(StatisticData(start=hour_start(row)))
            else:
                rows.append(
                    StatisticData(
                        start=hour_start(row),
                        mean=pain.mean,
                        min=float(pain.low),
                        max=float(pain.high),
                    )
                )
        return rows


def _records_from(log: WalkLog, moment: datetime, since: float) -> list[Record]:
    """Return the records from `moment` on, for rows from the hour `since` on.

    Archived records end before the archive's cutoff: when `since` is not earlier, the
    records in memory are all that counts, and the archive is not decoded for them.
    """
    archive = log.archive
    if archive is not None and since >= archive.cutoff.timestamp():
        return [record for record in log.loaded_records() if record.time >= moment]
    return log.records_between(moment, LATEST_TIME)


def async_clear(hass: HomeAssistant, entry_id: str) -> None:
    """Delete a removed profile's statistics (when the recorder runs)."""
    if "recorder" in hass.config.components:
        get_instance(hass).async_clear_statistics(list(statistic_ids(entry_id)))
