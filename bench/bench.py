"""Benchmark: backwalk against the do-it-yourself history_stats setup, by history length.

Run from the repository root (or `make bench`):

    scripts/toolchain.sh python bench/bench.py [--years 1 5 10] [--quick]

For each history size it generates a realistic synthetic history (walks, pain reports,
stretches, alternatives, and a phone's activity sensor), writes it where a real Home
Assistant keeps it (backwalk's Store file; the recorder's SQLite database), starts a real
Home Assistant in-process with a temporary configuration directory, and measures:

- backwalk: config entry setup until every entity has a state, the memory it adds
  (tracemalloc), `backwalk.log_walk` until every sensor is updated (each call is saved to
  disk before it returns), one activity-sensor state change until the integration has
  handled it (the walk tracker's work, and the saves it makes, included);
- the do-it-yourself equivalent in the same run: a `history_stats` sensor (time spent
  "Walking" this week) over the same activity states in the recorder: its setup and its
  update after a state change.

It prints a table and writes bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Coroutine, Iterator
import cProfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time as dt_time, timedelta
import gc
import json
import logging
import os
from pathlib import Path
import platform
import pstats
import random
import socket
import statistics
import sys
import tempfile
import time
import tracemalloc
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    # custom_components.backwalk is loaded from this checkout.
    sys.path.insert(0, str(ROOT))

from homeassistant import loader  # noqa: E402
from homeassistant.components.recorder import get_instance  # noqa: E402
from homeassistant.components.recorder.db_schema import States, StatesMeta  # noqa: E402
from homeassistant.components.recorder.util import session_scope  # noqa: E402
from homeassistant.const import __version__ as ha_version  # noqa: E402
from homeassistant.core import HomeAssistant  # noqa: E402
from homeassistant.helpers import entity_registry as er, recorder as recorder_helper  # noqa: E402
from homeassistant.setup import async_setup_component  # noqa: E402
from pytest_homeassistant_custom_component.common import (  # noqa: E402
    MockConfigEntry,
    async_test_home_assistant,
)
from sqlalchemy import insert, select  # noqa: E402

from custom_components.backwalk.const import CONF_NAME, CONF_WEBHOOK_ID, DOMAIN  # noqa: E402
from custom_components.backwalk.store import STORAGE_MINOR_VERSION, STORAGE_VERSION  # noqa: E402

TIME_ZONE = "Europe/Berlin"
ACTIVITY = "sensor.phone_activity"
ENTRY_ID = "01BENCHPROFILE0000000000000"
WALKING = "Walking"
# iOS companion app activity states (sensor.<phone>_activity), with the confidence word.
OTHER_STATES = ("Stationary", "Automotive", "Running", "Cycling", "Unknown")

# history_stats as the Home Assistant documentation suggests for "this week".
DIY_START = (
    "{{ as_timestamp(now().replace(hour=0, minute=0, second=0))"
    " - now().weekday() * 86400 }}"
)
DIY_END = "{{ now() }}"

PROFILE_OPTIONS: dict[str, Any] = {
    "pain_duration": "over_3_months",
    "usual_pain": 3,
    "walks_per_week": 4,
    "target_minutes": 30,
    "starting_minutes": 5,
    "daily_minimum_minutes": 5,
    "first_weekday": 0,
    "pain_day_threshold": 5,
    "red_flag_level": 8,
    "preferred_alternatives": ["swimming", "stationary_bike", "yoga"],
    "walk_days": [0, 2, 4],
    "walk_time": "07:30:00",
    "stretch_lead_minutes": 10,
    "check_in_after_minutes": 120,
    "media_players": [],
    "mobile_app_services": [],
    "notify_entities": [],
    "persistent_notification": True,
    "activity_entities": [ACTIVITY],
    "walking_states": WALKING,
    "min_confidence": 50,
    "merge_window_minutes": 3,
    "min_walk_minutes": 3,
    "steps_mode": "daily_reset",
    "cadence_threshold": 90,
    "webhook_local_only": True,
}


# --- synthetic history ------------------------------------------------------------------


@dataclass
class History:
    """What one person accumulated over `years`."""

    years: float
    stored: dict[str, Any]  # backwalk's Store data (the "data" of its file)
    # The activity sensor's state changes: (UTC timestamp, state, confidence word).
    activity: list[tuple[float, str, str]] = field(default_factory=list)

    @property
    def records(self) -> int:
        """Number of backwalk records."""
        return sum(
            len(self.stored[key])
            for key in ("walks", "pain_reports", "stretches", "alternatives")
        )


def _record_id(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def generate_history(
    years: float, *, seed: int = 1, today: date | None = None
) -> History:
    """Make `years` of history ending yesterday (local days of TIME_ZONE).

    Roughly what a year of regular use looks like: a walk on most days (sometimes
    two), growing longer as the plan progresses, pain reports on most days with pain
    days and the odd flare, stretches on half of the days, a low-impact alternative
    now and then; and the phone's activity sensor changing 20 to 30 times a day
    (commutes, short walks indoors, the walks themselves).
    """
    rng = random.Random(seed)
    tz = ZoneInfo(TIME_ZONE)
    today = today or datetime.now(tz).date()
    days = max(1, round(years * 365.25))
    first = today - timedelta(days=days)
    walks: list[dict[str, Any]] = []
    pains: list[dict[str, Any]] = []
    stretches: list[dict[str, Any]] = []
    alternatives: list[dict[str, Any]] = []
    activity: list[tuple[float, str, str]] = []

    def at(day: date, minutes: float) -> datetime:
        return datetime.combine(day, dt_time(0), tz) + timedelta(minutes=minutes)

    def state(moment: datetime, name: str) -> None:
        activity.append(
            (moment.timestamp(), name, rng.choice(("High", "High", "Medium", "Low")))
        )

    for index in range(days):
        day = first + timedelta(days=index)
        week = index // 7
        level = max(0, min(10, round(rng.gauss(3, 1.6))))
        flare = rng.random() < 0.03
        if flare:
            level = rng.randint(6, 9)
        # Activity sensor: asleep, commutes, short walks around the house and office.
        events: list[tuple[float, str]] = [(rng.uniform(0, 30), "Stationary")]
        for _ in range(rng.randint(7, 11)):
            start = rng.uniform(6 * 60, 22 * 60)
            events.append((start, WALKING))
            events.append((start + rng.uniform(0.5, 2.5), "Stationary"))
        if day.weekday() < 5:
            for commute in (rng.uniform(420, 480), rng.uniform(1020, 1080)):
                events.append((commute, "Automotive"))
                events.append((commute + rng.uniform(15, 40), "Stationary"))
        if rng.random() < 0.2:
            extra = rng.uniform(600, 1200)
            events.append((extra, rng.choice(("Running", "Cycling", "Unknown"))))
            events.append((extra + rng.uniform(5, 30), "Stationary"))

        # Walks: most days one, sometimes two; longer as the weeks pass (G10).
        walk_count = 0 if rng.random() < 0.15 or level >= 8 else 1
        if walk_count and rng.random() < 0.12:
            walk_count = 2
        base = min(45.0, 5.0 + week * 0.5)
        for number in range(walk_count):
            start_min = (
                rng.uniform(420, 540) if number == 0 else rng.uniform(1020, 1140)
            )
            minutes = round(max(3.0, rng.gauss(base, base * 0.25)), 1)
            source = rng.choices(
                ("manual", "sensor", "button", "webhook", "voice"),
                weights=(50, 25, 12, 8, 5),
            )[0]
            start = at(day, start_min)
            walks.append(
                {
                    "id": _record_id(rng),
                    "start": start.astimezone(UTC).isoformat(),
                    "minutes": minutes,
                    "distance_km": round(minutes * rng.uniform(0.07, 0.09), 2)
                    if rng.random() < 0.6
                    else None,
                    "source": source,
                    "note": rng.choice((None, None, None, "park", "with the dog")),
                }
            )
            events.append((start_min, WALKING))
            events.append((start_min + minutes, "Stationary"))
        if rng.random() < 0.6 or flare:
            pains.append(
                {
                    "id": _record_id(rng),
                    "time": at(day, rng.uniform(480, 1320)).astimezone(UTC).isoformat(),
                    "level": level,
                    "note": "after gardening" if rng.random() < 0.05 else None,
                }
            )
        if rng.random() < 0.5:
            stretches.append(
                {
                    "id": _record_id(rng),
                    "time": at(day, rng.uniform(400, 1300)).astimezone(UTC).isoformat(),
                    "note": None,
                }
            )
        if rng.random() < 0.05 or (level >= 5 and rng.random() < 0.4):
            minutes = float(rng.choice((20, 30, 45)))
            alternatives.append(
                {
                    "id": _record_id(rng),
                    "time": at(day, rng.uniform(600, 1200)).astimezone(UTC).isoformat(),
                    "activity": rng.choice(("swimming", "stationary_bike", "yoga")),
                    "minutes": minutes,
                    "note": None,
                }
            )
        for minute, name in sorted(events):
            state(at(day, min(minute, 1439.0)), name)

    walks.sort(key=lambda item: item["start"])
    # Drop repeated states (a sensor only changes when its state does).
    changes: list[tuple[float, str, str]] = []
    for item in sorted(activity):
        if not changes or changes[-1][1] != item[1]:
            changes.append(item)
    stored = {
        "walks": walks,
        "pain_reports": pains,
        "stretches": stretches,
        "alternatives": alternatives,
        "live_walk_started": None,
        "reminders": {},
        "tracking": {},
    }
    return History(years=years, stored=stored, activity=changes)


def write_store(config_dir: Path, history: History) -> Path:
    """Write the profile's file exactly where and how Home Assistant's Store keeps it."""
    key = f"{DOMAIN}.{ENTRY_ID}"
    path = config_dir / ".storage" / key
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "version": STORAGE_VERSION,
        "minor_version": STORAGE_MINOR_VERSION,
        "key": key,
        "data": history.stored,
    }
    # Home Assistant writes its Store files indented.
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


# --- measuring ------------------------------------------------------------------------


def summary(samples: list[float]) -> dict[str, float]:
    """Median and p99 (milliseconds) of samples in seconds."""
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, max(0, round(0.99 * len(ordered)) - 1))]
    return {
        "median_ms": statistics.median(ordered) * 1000,
        "p99_ms": p99 * 1000,
        "n": len(ordered),
    }


@dataclass
class Plan:
    """How much to measure."""

    setup_reps: int = 7
    diy_setup_reps: int = 5
    log_walk_calls: int = 1000
    state_changes: int = 1500
    # Where to write a cProfile of the log_walk calls (None: no profile).
    profile_dir: Path | None = None


async def _timed(job: Callable[[], Coroutine[Any, Any, Any]]) -> float:
    start = time.perf_counter()
    await job()
    return time.perf_counter() - start


async def run_size(
    history: History, plan: Plan, work: Path, log: Callable[[str], None]
) -> dict[str, Any]:
    """Measure one history size in a fresh Home Assistant; return the results."""
    config_dir = work / f"config-{history.years:g}y"
    config_dir.mkdir(parents=True)
    store_path = write_store(config_dir, history)
    result: dict[str, Any] = {
        "years": history.years,
        "records": history.records,
        "activity_states": len(history.activity),
        "store_bytes": store_path.stat().st_size,
    }
    async with async_test_home_assistant(config_dir=str(config_dir)) as hass:
        # Load custom_components/ from this checkout (the test helper turns that off).
        hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
        await hass.config.async_set_time_zone(TIME_ZONE)
        try:
            await _measure(
                hass,
                history=history,
                plan=plan,
                config_dir=config_dir,
                result=result,
                log=log,
            )
        finally:
            await hass.async_stop(force=True)
    return result


async def _measure(
    hass: HomeAssistant,
    *,
    history: History,
    plan: Plan,
    config_dir: Path,
    result: dict[str, Any],
    log: Callable[[str], None],
) -> None:
    # --- the recorder, holding the same activity history --------------------------------
    db_path = config_dir / "home-assistant_v2.db"
    recorder_helper.async_initialize_recorder(hass)
    recorder_ok = await async_setup_component(
        hass,
        "recorder",
        {
            "recorder": {
                "db_url": f"sqlite:///{db_path}",
                # Keep the whole history (the default keeps 10 days).
                "purge_keep_days": 36600,
                "auto_purge": False,
                "commit_interval": 1,
            }
        },
    )
    _check(recorder_ok, "recorder setup")
    instance = get_instance(hass)
    await instance.async_db_ready
    activity = history.activity
    # The window the state changes below are stamped in: the last half hour to now.
    now = time.time()
    window = 30 * 60.0
    past = [item for item in activity if item[0] < now - window - 60]
    first_live = now - window - 30
    hass.states.async_set(
        ACTIVITY, "Stationary", {"confidence": "High"}, timestamp=first_live
    )
    await hass.async_block_till_done()
    await instance.async_block_till_done()
    started = time.perf_counter()
    inserted = await instance.async_add_executor_job(_insert_states, instance, past)
    result["recorder_rows"] = inserted
    result["recorder_db_bytes"] = db_path.stat().st_size
    # The generated history is on disk now; a real Home Assistant would not hold it in
    # memory (and collecting it would slow down what is measured).
    history.stored = {}
    history.activity = []
    del past
    gc.collect()
    log(
        f"  recorder: {inserted} states inserted in {time.perf_counter() - started:.1f} s"
    )

    # --- Home Assistant's HTTP server (backwalk's webhook needs it) ----------------------
    # On a free loopback port: the default, 8123, may be taken by a Home Assistant the
    # developer runs (`make run`), and the benchmark must not fail or bind to it.
    http_config = {"server_host": ["127.0.0.1"], "server_port": free_port()}
    _check(
        await async_setup_component(hass, "http", {"http": http_config}),
        "http setup",
    )

    # --- backwalk: setup ---------------------------------------------------------------
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Alex",
        unique_id="alex",
        data={CONF_NAME: "Alex", CONF_WEBHOOK_ID: "bench-webhook"},
        options=dict(PROFILE_OPTIONS),
        version=1,
        minor_version=2,
        entry_id=ENTRY_ID,
    )
    entry.add_to_hass(hass)
    registry = er.async_get(hass)

    def entities_with_state(entry_id: str) -> bool:
        entries = [
            item
            for item in er.async_entries_for_config_entry(registry, entry_id)
            if item.disabled_by is None
        ]
        # Every entity has a state; Start walk and Finish walk are available only when
        # they can act (never both), so "unavailable" is a state too.
        return bool(entries) and all(
            hass.states.get(item.entity_id) is not None for item in entries
        )

    async def recorder_idle() -> None:
        # A recorder backlog (the states inserted above, or recorded since) would
        # compete for the GIL and charge its cost to what is measured next.
        await hass.async_block_till_done()
        while instance.async_get_commit_future() is not None:
            await instance.async_block_till_done()

    async def setup(entry_id: str) -> float:
        await recorder_idle()
        started = time.perf_counter()
        _check(await hass.config_entries.async_setup(entry_id), f"{entry_id} setup")
        for _ in range(10_000):
            if entities_with_state(entry_id):
                break
            await asyncio.sleep(0)
        else:
            raise RuntimeError(f"entities of {entry_id} never got a state")
        elapsed = time.perf_counter() - started
        await hass.async_block_till_done()
        return elapsed

    async def unload(entry_id: str) -> None:
        _check(await hass.config_entries.async_unload(entry_id), f"{entry_id} unload")
        await hass.async_block_till_done()

    # Warm-up (imports, the domain's own setup, first entity registration): not counted.
    # Its unload rewrites the Store file as backwalk keeps it (the generated file has
    # an older release's layout): that file is what the setups below read.
    await setup(entry.entry_id)
    await unload(entry.entry_id)
    result["store_bytes_generated"] = result["store_bytes"]
    result["store_bytes"] = (
        (config_dir / ".storage" / f"{DOMAIN}.{ENTRY_ID}").stat().st_size
    )
    setups = []
    for _ in range(plan.setup_reps):
        gc.collect()
        setups.append(await setup(entry.entry_id))
        await unload(entry.entry_id)
    result["setup"] = summary(setups)
    if plan.profile_dir is not None:
        # One more setup under the profiler (not counted: profiling slows it down).
        profiler = cProfile.Profile()
        profiler.enable()
        await setup(entry.entry_id)
        profiler.disable()
        await unload(entry.entry_id)
        _report_profile(profiler, plan.profile_dir / f"setup-{history.years:g}y", log)
    # Memory: one more setup with tracemalloc on (it slows everything, so not timed).
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    await setup(entry.entry_id)
    gc.collect()
    result["memory_added_bytes"] = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    log(
        f"  backwalk setup {result['setup']['median_ms']:.1f} ms, "
        f"{result['memory_added_bytes'] / 1e6:.2f} MB"
    )
    runtime = entry.runtime_data
    _check(len(runtime.log) >= result["records"], "the history did not load")

    # --- backwalk: the first import of the long-term statistics ------------------------
    # Otherwise it starts half a minute after the setup, in the middle of what follows.
    long_term = runtime.statistics
    if long_term is None:
        raise RuntimeError("no long-term statistics (is the recorder loaded?)")
    await recorder_idle()
    started = time.perf_counter()
    await long_term.async_write()
    await recorder_idle()
    result["statistics_import_s"] = time.perf_counter() - started
    log(f"  statistics import {result['statistics_import_s']:.2f} s")

    # --- backwalk: log_walk until every sensor is updated ------------------------------
    minutes_today = next(
        item.entity_id
        for item in er.async_entries_for_config_entry(registry, entry.entry_id)
        if item.unique_id.endswith("minutes_today")
    )
    rng = random.Random(7)
    calls: list[float] = []
    walk_profiler = cProfile.Profile() if plan.profile_dir is not None else None
    if walk_profiler is not None:
        walk_profiler.enable()
    for index in range(plan.log_walk_calls):
        before_state = hass.states.get(minutes_today)
        minutes = round(rng.uniform(5, 40), 1)
        started = time.perf_counter()
        response = await hass.services.async_call(
            DOMAIN,
            "log_walk",
            {"minutes": minutes},
            blocking=True,
            return_response=True,
        )
        calls.append(time.perf_counter() - started)
        if index == 0:
            # The call returns after the sensors were written: check that once.
            after_state = hass.states.get(minutes_today)
            _check(
                after_state is not None
                and before_state is not None
                and after_state.last_updated > before_state.last_updated,
                "log_walk returned before the sensors were updated",
            )
        # Keep the history at its size: delete it again (not timed).
        await hass.services.async_call(
            DOMAIN,
            "delete_entry",
            {"entry_id": response["id"]},
            blocking=True,
        )
    if walk_profiler is not None and plan.profile_dir is not None:
        walk_profiler.disable()
        _report_profile(
            walk_profiler, plan.profile_dir / f"log_walk-{history.years:g}y", log
        )
    result["log_walk"] = summary(calls)
    log(
        f"  log_walk median {result['log_walk']['median_ms']:.2f} ms, "
        f"p99 {result['log_walk']['p99_ms']:.2f} ms"
    )

    # --- state changes of the activity sensor ------------------------------------------
    # Stamped inside the last half hour, in order; history_stats sees the same changes.
    # The walk tracker's clock never runs backwards (it has seen the present already),
    # so it takes them as happening now: walks open and close but are too short to be
    # logged. What is measured is its work per change; logging a walk is log_walk's.
    rng = random.Random(11)
    changes = _change_sequence(rng, plan.state_changes, now - window, now)

    async def feed(sequence: list[tuple[float, str]]) -> list[float]:
        # Each run starts with the recorder idle (the log_walk calls above recorded
        # tens of thousands of state changes).
        await recorder_idle()
        samples = []
        for stamp, name in sequence:
            started = time.perf_counter()
            hass.states.async_set(
                ACTIVITY, name, {"confidence": "High"}, timestamp=stamp
            )
            await hass.async_block_till_done()
            samples.append(time.perf_counter() - started)
        return samples

    third = len(changes) // 3
    logged_before = len(runtime.log)
    backwalk_samples = await feed(changes[:third])
    result["walks_detected"] = len(runtime.log) - logged_before
    await unload(entry.entry_id)
    baseline_samples = await feed(changes[third : 2 * third])

    # --- the do-it-yourself history_stats sensor ---------------------------------------
    _check(
        await async_setup_component(hass, "history_stats", {}), "history_stats setup"
    )
    diy = MockConfigEntry(
        domain="history_stats",
        title="Walking this week",
        options={
            "name": "Walking this week",
            "entity_id": ACTIVITY,
            "state": [WALKING],
            "type": "time",
            "start": DIY_START,
            "end": DIY_END,
        },
    )
    diy.add_to_hass(hass)
    await setup(diy.entry_id)  # warm-up
    await unload(diy.entry_id)
    diy_setups = []
    for _ in range(plan.diy_setup_reps):
        gc.collect()
        diy_setups.append(await setup(diy.entry_id))
        await unload(diy.entry_id)
    result["diy_setup"] = summary(diy_setups)
    await setup(diy.entry_id)
    diy_samples = await feed(changes[2 * third :])
    diy_sensor = er.async_entries_for_config_entry(registry, diy.entry_id)[0].entity_id
    result["diy_value_hours"] = hass.states.get(diy_sensor).state

    base = statistics.median(baseline_samples)
    result["state_change"] = {
        "baseline": summary(baseline_samples),
        "backwalk": summary(backwalk_samples),
        "diy": summary(diy_samples),
        # What each adds to Home Assistant's own cost of a state change.
        "backwalk_net_ms": max(0.0, statistics.median(backwalk_samples) - base) * 1000,
        "diy_net_ms": max(0.0, statistics.median(diy_samples) - base) * 1000,
    }
    log(
        "  state change median: baseline {:.3f} ms, backwalk {:.3f} ms, "
        "history_stats {:.3f} ms".format(
            base * 1000,
            result["state_change"]["backwalk"]["median_ms"],
            result["state_change"]["diy"]["median_ms"],
        )
    )
    await unload(diy.entry_id)


def _report_profile(
    profiler: cProfile.Profile, path: Path, log: Callable[[str], None]
) -> None:
    """Save the profile and log where the event loop's time went (not the executor's)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(f"{path}.prof")
    with path.with_suffix(".txt").open("w", encoding="utf-8") as out:
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(40)
    log(f"  profile: {path}.prof, {path.with_suffix('.txt')}")


def free_port() -> int:
    """Return a loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _check(condition: object, what: str) -> None:
    if not condition:
        raise RuntimeError(f"benchmark step failed: {what}")


def _insert_states(instance: Any, past: list[tuple[float, str, str]]) -> int:
    """Bulk-insert the activity history into the recorder's tables (its own models)."""
    with session_scope(session=instance.get_session()) as session:
        metadata_id = session.execute(
            select(StatesMeta.metadata_id).where(StatesMeta.entity_id == ACTIVITY)
        ).scalar_one()
        rows = [
            {
                "metadata_id": metadata_id,
                "state": name,
                "last_updated_ts": stamp,
                # The recorder leaves these empty when they equal last_updated_ts.
                "last_changed_ts": None,
                "last_reported_ts": None,
                "origin_idx": 0,
            }
            for stamp, name, _confidence in past
        ]
        for chunk in _chunks(rows, 20_000):
            session.execute(insert(States), chunk)
    return len(rows)


def _chunks[T](items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _change_sequence(
    rng: random.Random, count: int, start: float, end: float
) -> list[tuple[float, str]]:
    """State changes evenly spread between start and end, Walking among other states."""
    names: list[str] = []
    previous = "Stationary"
    for _ in range(count):
        if previous == WALKING:
            name = "Stationary"
        else:
            name = rng.choice((WALKING, WALKING, "Stationary", *OTHER_STATES))
            if name == previous:
                name = WALKING if previous != WALKING else "Stationary"
        names.append(name)
        previous = name
    step = (end - start) / (count + 1)
    stamps = [start + step * (index + 1) for index in range(count)]
    return list(zip(stamps, names, strict=True))


# --- output ---------------------------------------------------------------------------


def render(results: list[dict[str, Any]], plan: Plan) -> str:
    """Return the table printed at the end (times are medians)."""
    header = (
        "| history | records | store file | setup | memory added "
        "| log_walk median / p99 | state change: backwalk / history_stats "
        "| history_stats setup | backwalk / DIY, update | backwalk / DIY, setup "
        "| statistics import |"
    )
    lines = [header, "|---" * 11 + "|"]
    for item in results:
        change = item["state_change"]
        ratio_update = (
            change["backwalk_net_ms"] / change["diy_net_ms"]
            if change["diy_net_ms"] > 0
            else float("nan")
        )
        ratio_setup = item["setup"]["median_ms"] / item["diy_setup"]["median_ms"]
        item["ratio_update_backwalk_over_diy"] = ratio_update
        item["ratio_setup_backwalk_over_diy"] = ratio_setup
        lines.append(
            f"| {item['years']:g} y | {item['records']} "
            f"| {item['store_bytes'] / 1e6:.2f} MB "
            f"| {item['setup']['median_ms']:.1f} ms "
            f"| {item['memory_added_bytes'] / 1e6:.2f} MB "
            f"| {item['log_walk']['median_ms']:.1f} / {item['log_walk']['p99_ms']:.1f} ms "
            f"| {change['backwalk_net_ms'] * 1000:.0f} / {change['diy_net_ms'] * 1000:.0f} µs "
            f"| {item['diy_setup']['median_ms']:.1f} ms "
            f"| {ratio_update:.2f} "
            f"| {ratio_setup:.1f} "
            f"| {item['statistics_import_s']:.1f} s |"
        )
    notes = (
        (
            f"setup: median of {plan.setup_reps} setups (after one warm-up setup, not "
            f"counted); history_stats setup: median of {plan.diy_setup_reps} (after a "
            "warm-up)."
        ),
        "memory added: tracemalloc over one more setup.",
        (
            "store file: as backwalk rewrote it after the warm-up (old records archived); "
            "statistics import: the first import of the long-term statistics, until the "
            "recorder has written them."
        ),
        (
            f"log_walk: {plan.log_walk_calls} calls, each synced to disk (one journal "
            "line; the Store file is rewritten every 500 lines) before it returns."
        ),
        (
            f"state change: median of {plan.state_changes // 3} changes for each, minus "
            "Home Assistant's own cost of a state change nobody listens to (the recorder "
            "records every change in all three runs)."
        ),
    )
    lines += ["", *notes]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=float, nargs="+", default=[1.0, 5.0, 10.0])
    parser.add_argument(
        "--quick", action="store_true", help="tiny repetition counts (smoke test)"
    )
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="write a cProfile of one setup and of the log_walk calls per size to DIR",
    )
    parser.add_argument(
        "--out", type=Path, default=ROOT / "bench" / "results" / "latest.json"
    )
    args = parser.parse_args(argv)
    plan = (
        Plan(setup_reps=1, diy_setup_reps=1, log_walk_calls=5, state_changes=9)
        if args.quick
        else Plan()
    )
    plan.profile_dir = args.profile
    logging.basicConfig(level=logging.WARNING)

    def log(message: str) -> None:
        print(message, flush=True)

    results = []
    with tempfile.TemporaryDirectory(prefix="backwalk-bench-") as work:
        for years in args.years:
            started = time.perf_counter()
            history = generate_history(years)
            log(
                f"{years:g} years: {history.records} records, "
                f"{len(history.activity)} activity states"
            )
            results.append(asyncio.run(run_size(history, plan, Path(work), log)))
            log(f"  done in {time.perf_counter() - started:.0f} s")
    print()
    print(
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
        f"Home Assistant {ha_version}"
    )
    print(render(results, plan))
    document = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "home_assistant": ha_version,
            "platform": platform.platform(),
        },
        "plan": plan.__dict__,
        "results": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document, indent=2, default=str), encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
