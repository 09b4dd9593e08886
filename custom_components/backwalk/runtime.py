"""ProfileRuntime: the one writer of a profile's log, and the snapshot entities read."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
import logging
from typing import TYPE_CHECKING, Any, Literal, Unpack

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EVENT_CORE_CONFIG_UPDATE
from homeassistant.core import Context, Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util

from .codec import ProfileData, group_records
from .compaction import Compaction
from .const import CONF_NAME, DOMAIN
from .coordinator import BackwalkCoordinator, ProfileState
from .errors import AlreadySavedError, refusal, validation_error
from .events import fire_deleted, fire_logged
from .journal import Change
from .model import (
    MAX_WALK_MINUTES,
    Activity,
    Alternative,
    Condition,
    ModelError,
    PainReport,
    Record,
    StepTotals,
    Stretch,
    Walk,
    WalkEntry,
    WalkLog,
    alternative_from_input,
    check_no_overlap,
    correctable_pain,
    finished_live_walk,
    new_id,
    pain_report_from_input,
    undoable,
    walk_from_input,
    yield_sensor_walks,
)
from .model.weather import WeatherReport
from .settings import (
    condition_from_options,
    min_walk_from_options,
    preferred_alternatives,
    schedule_from_options,
    settings_from_options,
)
from .store import ProfileStore

if TYPE_CHECKING:
    from .statistics import LongTermStatistics

_LOGGER = logging.getLogger(__name__)

type BackwalkConfigEntry = ConfigEntry[ProfileRuntime]


class ProfileRuntime:
    """Validates, records, saves, then publishes a new state: the profile's only writer."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: BackwalkConfigEntry,
        store: ProfileStore,
        data: ProfileData,
    ) -> None:
        """Hold a loaded profile."""
        self.hass = hass
        self.entry = entry
        self.store = store
        self.settings = settings_from_options(dict(entry.options))
        self.log = WalkLog(dt_util.get_default_time_zone(), data.records, data.archive)
        self.live_walk_started = data.live_walk_started
        self.schedule = schedule_from_options(dict(entry.options))
        self.preferred_alternatives = preferred_alternatives(entry.options)
        self.reminders: dict[str, Any] = data.reminders
        self.tracking: dict[str, Any] = data.tracking
        # Set by sources.py when a step counter is configured.
        self.steps: StepTotals | None = None
        # The forecast the last stretch reminder was decided with, by its walk's time
        # (set by the reminder engine; the next-walk sensor shows it).
        self.walk_weather: tuple[datetime, WeatherReport] | None = None
        # Set by __init__.py when the recorder runs (long-term statistics).
        self.statistics: LongTermStatistics | None = None
        self._lock = asyncio.Lock()
        self._compaction = Compaction(
            hass, entry, store, self._lock, self._profile_data
        )
        self._running = False
        self.coordinator = BackwalkCoordinator(hass, entry, self)

    @property
    def name(self) -> str:
        """The profile's name."""
        return str(self.entry.data[CONF_NAME])

    @property
    def condition(self) -> Condition:
        """Acute or chronic, from how long the pain has lasted (G2)."""
        return condition_from_options(self.entry.options)

    @property
    def state(self) -> ProfileState:
        """The current state the entities show."""
        return self.coordinator.data

    @callback
    def async_start(self) -> Callable[[], None]:
        """Keep the state current as days pass; return the function that stops it."""
        unsubscribers = [
            self.coordinator.async_start(),
            self.hass.bus.async_listen(
                EVENT_CORE_CONFIG_UPDATE, self._async_config_changed
            ),
            self._compaction.async_start(),
        ]

        @callback
        def stop() -> None:
            self._running = False
            for unsubscribe in unsubscribers:
                unsubscribe()

        self._running = True
        # Runs after stop (unload callbacks run last first): the next load must read a
        # save that was under way, and nothing may write this profile's file after it.
        # Saves waiting for the lock meanwhile are refused (the profile is not running).
        self.entry.async_on_unload(self._compaction.async_writes_done)
        return stop

    @callback
    def async_refresh(self) -> None:
        """Publish a freshly computed state to every entity."""
        self.coordinator.async_publish()

    @callback
    def _async_config_changed(self, _event: Event) -> None:
        self.log.set_timezone(dt_util.get_default_time_zone())
        self.async_refresh()

    def _profile_data(self) -> ProfileData:
        # Old records go to the archive (decoded again only when needed).
        archive, records = self.store.archive(self.log, self.settings)
        return ProfileData(
            records=records,
            archive=archive,
            live_walk_started=self.live_walk_started,
            reminders=self.reminders,
            tracking=self.tracking,
        )

    async def async_save_tracking(self, tracking: dict[str, Any]) -> None:
        """Save the automatic tracking's state (an open walk, step baselines)."""
        await self._async_save_part("tracking", tracking)

    async def async_save_reminders(self, reminders: dict[str, Any]) -> None:
        """Save the reminder engine's state (what was sent) with the log."""
        await self._async_save_part("reminders", reminders)

    async def _async_save_part(
        self, name: Literal["tracking", "reminders"], value: dict[str, Any]
    ) -> None:
        async with self._lock:
            previous = getattr(self, name)
            setattr(self, name, value)
            change = (
                Change(tracking=value)
                if name == "tracking"
                else Change(reminders=value)
            )
            await self._async_save_or_revert(
                change, lambda: setattr(self, name, previous)
            )

    async def _async_save_or_revert(
        self, change: Change, revert: Callable[[], None]
    ) -> None:
        if not self._running:
            # Unloaded (a reload may have loaded the file again already): a save now
            # would be overwritten, or overwrite newer records. Refuse; nothing is kept.
            revert()
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="profile_not_loaded",
                translation_placeholders={"profile": self.entry.title},
            )
        try:
            await self.store.async_append(change)
        except Exception as err:
            # Everything is caught, not only the OSError a refusing disk raises: after
            # any failure (a value the journal cannot encode, say) the line is not known
            # to be on disk, and nothing unsaved may stay visible: the user would
            # believe it was kept. (Cancellation is no Exception and is not caught.)
            revert()
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="save_failed"
            ) from err
        self._compaction.async_schedule()

    async def async_add[R: (Walk, PainReport, Stretch, Alternative)](
        self, make_record: Callable[[], R], *, ends_live_walk: bool = False
    ) -> R:
        """Validate, add and save one record, then publish; refusals change nothing.

        Every record, from any way in, takes this path. A record whose id is already
        saved raises AlreadySavedError (a client's retry).
        """
        async with self._lock:
            # Built and looked up under the lock: a save in flight holds it, so an id
            # found here is on disk, and one whose save failed has been taken out again.
            try:
                record = make_record()
                if (stored := self.log.get(record.id)) is not None:
                    raise AlreadySavedError(stored, record)
                # Looked up once: the overlap check and the trimming read the same.
                near: list[Record] = (
                    self._walks_near(record) if isinstance(record, Walk) else []
                )
                if isinstance(record, Walk):
                    # One person cannot walk twice at once: a walk said by voice and
                    # typed by hand too would count double.
                    check_no_overlap(record, near, self.log.timezone)
                self.log.add(record)
            except ModelError as err:
                raise validation_error(err) from err
            replaced: list[tuple[Walk, Walk | None]] = self._yield_sensor_walks(
                record, near
            )
            live_walk_started = self.live_walk_started
            if ends_live_walk:
                self.live_walk_started = None

            def revert() -> None:
                self.log.remove(record.id)
                for old, new in replaced:
                    if new is not None:
                        self.log.remove(new.id)
                    self.log.add(old)
                self.live_walk_started = live_walk_started

            change = Change(
                added=(record, *(new for _, new in replaced if new is not None)),
                removed=tuple(old.id for old, _ in replaced),
                sets_live_walk=ends_live_walk,
                live_walk_started=None,
            )
            await self._async_save_or_revert(change, revert)
        self.async_refresh()
        fire_logged(self.hass, self.entry.entry_id, self.name, record)
        return record

    def _walks_near(self, walk: Walk) -> list[Record]:
        """Return the records that could overlap `walk` (none outlasts the longest walk)."""
        return self.log.records_between(
            walk.start - timedelta(minutes=MAX_WALK_MINUTES), walk.end
        )

    def _yield_sensor_walks(
        self, record: Record, near: list[Record]
    ) -> list[tuple[Walk, Walk | None]]:
        """Trim the sensor walks a person's own walk overlaps (model.yield_sensor_walks).

        `near` holds the records that could overlap it. Returns (old, replacement)
        pairs so the change can be undone.
        """
        if not isinstance(record, Walk):
            return []
        changes = yield_sensor_walks(
            record,
            near,
            min_walk=min_walk_from_options(self.entry.options),
        )
        for old, new in changes:
            self.log.remove(old.id)
            if new is not None:
                self.log.add(new)
        return changes

    async def async_log_walk(self, minutes: object, **entry: Unpack[WalkEntry]) -> Walk:
        """Log a finished walk; it started `minutes` ago unless told otherwise.

        Minutes and distance are read by the model's one rule for every way in.
        """
        return await self.async_add(
            lambda: walk_from_input(dt_util.now(), minutes, **entry)
        )

    async def async_report_pain(
        self, level: object, note: str | None = None, *, record_id: str | None = None
    ) -> PainReport:
        """Record how much the back hurts now: a whole number from 0 to 10."""
        return await self.async_add(
            lambda: pain_report_from_input(dt_util.now(), level, note, record_id)
        )

    async def async_log_stretch(self, note: str | None = None) -> Stretch:
        """Record a stretching session (G13)."""
        return await self.async_add(
            lambda: Stretch(id=new_id(), time=dt_util.now(), note=note)
        )

    async def async_log_alternative(
        self, activity: Activity, minutes: object, note: str | None = None
    ) -> Alternative:
        """Record a low-impact alternative to walking (G7); it ended now."""
        return await self.async_add(
            lambda: alternative_from_input(dt_util.now(), activity, minutes, note)
        )

    async def async_delete(
        self, record_id: str, context: Context | None = None
    ) -> Record:
        """Delete one record by id, saved before returning; announce who deleted what."""
        return await self._async_remove(lambda: record_id, "delete", context)

    async def async_undo_last(
        self, record_id: str | None = None, context: Context | None = None
    ) -> Record:
        """Take back the entry made last, only within the correction window.

        Anyone may: it cannot reach history (see model.corrections). With `record_id`,
        only that entry, and only while it is still the one made last.
        """
        return await self._async_remove(
            lambda: undoable(self.log, dt_util.now(), record_id).id, "undo", context
        )

    async def _async_remove(
        self, choose: Callable[[], str], reason: str, context: Context | None
    ) -> Record:
        async with self._lock:
            # Chosen under the lock: what was made last cannot change in between.
            try:
                record = self.log.remove(choose())
            except ModelError as err:
                raise validation_error(err) from err
            await self._async_save_or_revert(
                Change(removed=(record.id,)), lambda: self.log.add(record)
            )
        self.async_refresh()
        self._fire_deleted(record, reason, context)
        return record

    def _fire_deleted(
        self, record: Record, reason: str, context: Context | None
    ) -> None:
        fire_deleted(
            self.hass,
            self.entry.entry_id,
            self.name,
            record,
            reason=reason,
            context=context,
        )

    async def async_correct_pain(
        self,
        level: object,
        note: str | None = None,
        context: Context | None = None,
    ) -> tuple[PainReport, PainReport | None]:
        """Change today's pain: replace a report made in the correction window, else add.

        Returns the new report and the one it replaced. A mis-tap at the red-flag level
        is fixed this way; a later report is history and stays beside the new one.
        """
        async with self._lock:
            now = dt_util.now()
            try:
                report = pain_report_from_input(now, level, note)
            except ModelError as err:
                raise validation_error(err) from err
            replaced = correctable_pain(self.log, now, self.log.timezone)
            if replaced is not None:
                self.log.remove(replaced.id)
            self.log.add(report)

            def revert() -> None:
                self.log.remove(report.id)
                if replaced is not None:
                    self.log.add(replaced)

            change = Change(added=(report,), removed=(replaced.id,) if replaced else ())
            await self._async_save_or_revert(change, revert)
        self.async_refresh()
        if replaced is not None:
            self._fire_deleted(replaced, "correction", context)
        fire_logged(self.hass, self.entry.entry_id, self.name, report, context)
        return report, replaced

    async def async_start_walk(self) -> None:
        """Start a live walk; it survives a restart until finished."""
        if self.live_walk_started is not None:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="walk_already_started"
            )
        await self._async_set_live_walk(dt_util.now())

    async def _async_set_live_walk(self, started: datetime | None) -> None:
        async with self._lock:
            previous = self.live_walk_started
            self.live_walk_started = started

            def revert() -> None:
                self.live_walk_started = previous

            change = Change(sets_live_walk=True, live_walk_started=started)
            await self._async_save_or_revert(change, revert)
        self.async_refresh()

    async def async_finish_walk(self) -> Walk:
        """Finish the live walk and log its elapsed minutes (the same path as any walk)."""
        started = self.live_walk_started
        if started is None:
            raise refusal("no_walk_started")
        if dt_util.now() - started > timedelta(minutes=MAX_WALK_MINUTES):
            # Left running by mistake: counting it would distort every total, and keeping
            # it would block the next walk. Drop it and say how to log the real walk.
            await self._async_set_live_walk(None)
            raise refusal("live_walk_too_long", max=str(MAX_WALK_MINUTES))

        def make() -> Walk:
            # Read again under the lock: a second press finishes nothing twice.
            if self.live_walk_started is None:
                raise refusal("no_walk_started")
            return finished_live_walk(self.live_walk_started, dt_util.now())

        try:
            return await self.async_add(make, ends_live_walk=True)
        except ServiceValidationError as err:
            if err.translation_key != "walk_overlaps":
                raise
            # The same walk is logged already: a running walk no one can finish
            # would block the next one.
            await self._async_set_live_walk(None)
            raise

    def history(self, start: datetime, end: datetime) -> dict[str, Any]:
        """Return the records in [start, end), grouped by kind, JSON-safe."""
        return group_records(self.log.records_between(start, end))

    def counts(self) -> dict[str, int]:
        """How many records of each kind the profile holds."""
        return {
            kind: len(items)
            for kind, items in group_records(self.log.records()).items()
        }
