"""When a profile's journal is folded into its Store file, and retries when that fails."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
import logging
from typing import TYPE_CHECKING

from homeassistant.const import EVENT_HOMEASSISTANT_FINAL_WRITE
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import async_call_later

from .codec import ProfileData
from .const import DOMAIN
from .store import COMPACT_AFTER_LINES, ProfileStore

if TYPE_CHECKING:
    from .runtime import BackwalkConfigEntry

_LOGGER = logging.getLogger(__name__)

# Seconds from a first unsaved journal line to rewriting the Store file: one rewrite
# covers a burst of changes, and the journal replayed at the next start stays short.
COMPACT_DELAY = 60
# Seconds before trying a failed rewrite again, doubling up to the most: the journal
# keeps every change meanwhile, and retrying at once on a full disk only floods the log.
COMPACT_RETRY_FIRST = 60
COMPACT_RETRY_MOST = 3600


class Compaction:
    """Fold a profile's journal into its Store file, retrying a failing disk.

    The file is rewritten a minute after a change, after COMPACT_AFTER_LINES journal
    lines, when the profile unloads and when Home Assistant stops. Runs under the runtime's lock, so no change is appended while the file is written.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        entry: BackwalkConfigEntry,
        store: ProfileStore,
        lock: asyncio.Lock,
        profile_data: Callable[[], ProfileData],
    ) -> None:
        """Compact `store` with what `profile_data` returns, holding `lock`."""
        self.hass = hass
        self.entry = entry
        self.store = store
        self._lock = lock
        self._profile_data = profile_data
        self._unsub_compact: Callable[[], None] | None = None
        # Failed rewrites of the Store file in a row (see _async_compact_failed).
        self._compact_failures = 0
        self._running = False

    @callback
    def async_start(self) -> Callable[[], None]:
        """Fold the journal in as it grows; return the function that stops it."""
        # Home Assistant stops without unloading: leave a whole Store file behind.
        # (Store writes wait for this moment while Home Assistant stops.)
        unsub_final_write = self.hass.bus.async_listen(
            EVENT_HOMEASSISTANT_FINAL_WRITE, self._async_final_write
        )

        @callback
        def stop() -> None:
            self._running = False
            unsub_final_write()
            if self._unsub_compact is not None:
                self._unsub_compact()
                self._unsub_compact = None

        self._running = True
        # A journal left by the last run is folded into the Store file soon.
        self.async_schedule()
        return stop

    async def async_writes_done(self) -> None:
        """Fold the journal into the Store file once the save under way is done."""
        await self._async_compact()

    async def _async_final_write(self, _event: Event) -> None:
        await self._async_compact()

    @callback
    def async_schedule(self) -> None:
        """Rewrite the Store file soon, or now when the journal grew long."""
        if not self.store.pending or not self._running:
            return
        if self._compact_failures:
            # A retry is scheduled: more lines do not make a failing disk work sooner.
            return
        if self.store.pending >= COMPACT_AFTER_LINES:
            if self._unsub_compact is not None:
                self._unsub_compact()
            self._async_compact_due(None)
        elif self._unsub_compact is None:
            self._unsub_compact = async_call_later(
                self.hass, COMPACT_DELAY, self._async_compact_due
            )

    @callback
    def _async_compact_due(self, _now: datetime | None) -> None:
        self._unsub_compact = None
        self.entry.async_create_task(
            self.hass, self._async_compact(), f"{DOMAIN} compact {self.entry.title}"
        )

    async def _async_compact(self) -> None:
        async with self._lock:
            if not self.store.pending:
                return
            try:
                await self.store.async_compact(self._profile_data())
            except (HomeAssistantError, OSError) as err:
                self._async_compact_failed(err)
                return
        if self._compact_failures:
            _LOGGER.info("The walk log of %s is written again", self.entry.title)
            self._compact_failures = 0

    @callback
    def _async_compact_failed(self, err: Exception) -> None:
        """Retry later and later; warn once (the store raised a repair issue).

        Nothing is lost: the journal still holds every change.
        """
        self._compact_failures += 1
        delay = min(
            COMPACT_RETRY_FIRST << min(self._compact_failures - 1, 16),
            COMPACT_RETRY_MOST,
        )
        # The reason, without the name of the temporary file that could not be made.
        reason = getattr(err, "strerror", None) or err
        if self._compact_failures == 1:
            _LOGGER.warning(
                "Could not rewrite the walk log of %s (%s); its journal keeps the "
                "changes. Trying again in %s s, then less often (at least hourly)",
                self.entry.title,
                reason,
                delay,
            )
        else:
            _LOGGER.debug(
                "Rewriting the walk log of %s failed again (%s); next try in %s s",
                self.entry.title,
                reason,
                delay,
            )
        if not self._running:
            return
        if self._unsub_compact is not None:
            self._unsub_compact()
        self._unsub_compact = async_call_later(
            self.hass, delay, self._async_compact_due
        )
