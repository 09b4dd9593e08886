"""End to end: nothing acknowledged is lost when Home Assistant is killed (SIGKILL).

A real `hass` process gets bursts of walks and pain reports, through the action API and
through the profile's webhook, and is killed at a random moment of each burst. After every
restart the whole log is read back with `backwalk.get_history`: every call answered with
200 before the kill is there exactly once, a call in flight at the kill is there once or
not at all (and then whole), and nothing is there that was never sent.

Reproduce a run with BACKWALK_KILL_SEED=<seed> (printed); BACKWALK_KILL_ROUNDS changes
the number of kills (default 20).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
import http.client
import json
import os
from pathlib import Path
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import Any
import urllib.error

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import dev  # noqa: E402

from custom_components.backwalk.codec import decode  # noqa: E402
from custom_components.backwalk.model import PainReport, Walk  # noqa: E402

pytestmark = pytest.mark.e2e

ROUNDS = int(os.environ.get("BACKWALK_KILL_ROUNDS", "20"))
MAX_KILL_DELAY = 1.5  # seconds after the burst begins
# Wide enough for every record the test makes, whatever the clock says.
# Walks start hour after hour from here, so none overlaps another.
WALKS_FROM = datetime(2026, 1, 1, tzinfo=UTC)
HISTORY_RANGE = {
    "start": "2000-01-01T00:00:00+00:00",
    "end": "2100-01-01T00:00:00+00:00",
}
# What a dead or dying server looks like to urllib: refused, reset, or cut short.
CONNECTION_ERRORS = (OSError, http.client.HTTPException)


def free_port() -> int:
    """Return a loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Sent:
    """One call that reached the wire: what a stored record made from it must hold."""

    kind: str  # "walk" or "pain"
    note: str
    value: int  # minutes of a walk, level of a pain report
    source: str  # "manual" (action) or "webhook"
    client_id: str | None = None  # the webhook's idempotency id
    # A walk's own hour: one person's walks may not overlap (backwalk refuses that).
    started: str | None = None


@dataclass
class Ledger:
    """Everything sent and acknowledged over the whole test (the config dir is kept)."""

    sent: dict[str, Sent] = field(default_factory=dict)  # by note
    acked: dict[str, str | None] = field(default_factory=dict)  # note -> answered id
    in_flight: list[Sent] = field(default_factory=list)  # unanswered at a kill
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    walks: int = 0

    def walk_start(self) -> str:
        """A start no other walk of the test has: hour after hour through 2026."""
        with self.lock:
            self.walks += 1
            hour = WALKS_FROM + timedelta(hours=self.walks)
        assert hour < datetime.now(UTC) - timedelta(hours=2), "too many walks"
        return hour.isoformat()

    def send(self, sent: Sent) -> None:
        """Remember a call before it is made."""
        with self.lock:
            assert sent.note not in self.sent, f"note reused: {sent.note}"
            self.sent[sent.note] = sent

    def ack(self, sent: Sent, record_id: str | None) -> None:
        """Remember a call answered with 200."""
        with self.lock:
            self.acked[sent.note] = record_id


def service(api: dev.Api, name: str, data: dict[str, Any]) -> Any:
    """Call a backwalk action and return its response."""
    answer = api.request("POST", f"/api/services/backwalk/{name}?return_response", data)
    return answer["service_response"]


def webhook_body(sent: Sent) -> dict[str, Any]:
    """The JSON a phone posts for one record (the same again when it retries)."""
    key = "minutes" if sent.kind == "walk" else "pain"
    body: dict[str, Any] = {key: sent.value, "note": sent.note, "id": sent.client_id}
    if sent.started is not None:
        body["started"] = sent.started
    return body


def make_call(
    sent: Sent, api: dev.Api, hook: dev.Api, webhook_path: str
) -> Callable[[], str | None]:
    """The HTTP request that sends one record; returns the record id in the answer."""
    if sent.source == "webhook":
        body = webhook_body(sent)

        def call_webhook() -> str | None:
            answer = hook.request("POST", webhook_path, body)
            return str(answer["id"])

        return call_webhook
    if sent.kind == "walk":
        name, data = (
            "log_walk",
            {
                "minutes": sent.value,
                "note": sent.note,
                "started": sent.started,
            },
        )
    else:
        name, data = "report_pain", {"level": sent.value, "note": sent.note}

    def call_action() -> str | None:
        return str(service(api, name, data)["id"])

    return call_action


def burst_worker(
    worker: int,
    round_no: int,
    ledger: Ledger,
    rng: random.Random,
    api: dev.Api,
    hook: dev.Api,
    webhook_path: str,
    killed: threading.Event,
    deadline: float,
) -> None:
    """Send records one after another until the server dies (or the deadline)."""
    number = 0
    while time.monotonic() < deadline:
        number += 1
        note = f"round-{round_no}-{worker}-{number}"
        kind = rng.choice(["walk", "pain"])
        value = rng.randint(1, 60) if kind == "walk" else rng.randint(0, 10)
        started = ledger.walk_start() if kind == "walk" else None
        if worker == 0:  # the webhook, with an idempotency id
            sent = Sent(kind, note, value, "webhook", f"r{round_no}-{number}", started)
        else:
            sent = Sent(kind, note, value, "manual", started=started)
        ledger.send(sent)
        try:
            record_id = make_call(sent, api, hook, webhook_path)()
        except urllib.error.HTTPError as err:
            with ledger.lock:
                ledger.errors.append(f"{note}: HTTP {err.code} {err.read()[:300]!r}")
                ledger.in_flight.append(sent)
            return
        except CONNECTION_ERRORS as err:
            with ledger.lock:
                ledger.in_flight.append(sent)
                if not killed.is_set():
                    ledger.errors.append(f"{note}: {err!r} before the kill")
            return
        ledger.ack(sent, record_id)


def read_store(config_dir: Path, entry_id: str) -> dict[str, Any]:
    """The profile's store file, which must be whole JSON whenever the process dies."""
    path = config_dir / ".storage" / f"backwalk.{entry_id}"
    text = path.read_text()
    try:
        stored: dict[str, Any] = json.loads(text)
    except ValueError as err:
        raise AssertionError(f"{path} is not valid JSON after a kill: {err}") from err
    assert stored["key"] == f"backwalk.{entry_id}"
    return stored


def check_history(api: dev.Api, ledger: Ledger, context: str) -> int:
    """Everything acknowledged is stored once; everything stored was sent, whole."""
    history = service(api, "get_history", HISTORY_RANGE)
    records = [("walk", item) for item in history["walks"]] + [
        ("pain", item) for item in history["pain_reports"]
    ]
    assert not history["stretches"], context
    assert not history["alternatives"], context
    ids = [item["id"] for _, item in records]
    assert len(ids) == len(set(ids)), f"{context}: a record id appears twice"
    notes = [item["note"] for _, item in records]
    duplicated = sorted({note for note in notes if notes.count(note) > 1})
    assert not duplicated, f"{context}: stored twice: {duplicated}"
    for kind, item in records:
        sent = ledger.sent.get(item["note"])
        assert sent is not None, f"{context}: a record nobody sent: {item}"
        value = item["minutes"] if kind == "walk" else item["level"]
        assert (kind, value) == (sent.kind, sent.value), (
            f"{context}: stored {kind} {item} differs from what was sent: {sent}"
        )
        if kind == "walk":
            assert item["source"] == sent.source, f"{context}: {item} vs {sent}"
        if sent.client_id is not None:
            assert item["id"] == f"webhook-{kind}-{sent.client_id}", context
        answered = ledger.acked.get(sent.note)
        if answered is not None:
            assert item["id"] == answered, f"{context}: {item} answered as {answered}"
    lost = sorted(set(ledger.acked) - set(notes))
    assert not lost, f"{context}: acknowledged but lost: {lost}"
    unacknowledged = set(notes) - set(ledger.acked)
    in_flight = {sent.note for sent in ledger.in_flight}
    assert unacknowledged <= in_flight, (
        f"{context}: stored, never acknowledged nor in flight: "
        f"{sorted(unacknowledged - in_flight)}"
    )
    return len(records)


def resend_in_flight(hook: dev.Api, webhook_path: str, ledger: Ledger) -> int:
    """A phone retries what got no answer: the same webhook id is stored only once."""
    retried = 0
    for sent in [s for s in ledger.in_flight if s.source == "webhook"]:
        if sent.note in ledger.acked:
            continue
        body = webhook_body(sent)
        answer = hook.request("POST", webhook_path, body)
        assert answer["id"] == f"webhook-{sent.kind}-{sent.client_id}", answer
        ledger.ack(sent, answer["id"])
        retried += 1
    # An acknowledged id sent again is answered as a duplicate, and not stored again.
    for note, record_id in list(ledger.acked.items()):
        sent = ledger.sent[note]
        if sent.client_id is not None:
            body = webhook_body(sent)
            answer = hook.request("POST", webhook_path, body)
            assert answer == {"id": record_id, "duplicate": True, "type": sent.kind}, (
                answer
            )
            break
    return retried


def start(
    config_dir: Path, base: str, token: str, log_file: Path
) -> subprocess.Popen[bytes]:
    """Start Home Assistant and wait until it runs with the profile loaded."""
    process = dev.start_hass(config_dir, log_file)
    dev.wait_for_api(base, process, timeout=120)
    dev.wait_until_running(base, token, timeout=120)
    entries = dev.Api(base, token).request(
        "GET", "/api/config/config_entries/entry?domain=backwalk"
    )
    assert [entry["state"] for entry in entries] == ["loaded"], entries
    return process


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the whole process group: no shutdown, no final write."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def prepare(config_dir: Path, base: str, log_file: Path) -> tuple[str, str, str]:
    """Onboard and make the demo profile; return (token, entry id, webhook path)."""
    dev.link_integration(config_dir)
    process = dev.start_hass(config_dir, log_file)
    try:
        dev.wait_for_api(base, process, timeout=120)
        token = dev.onboard(base)
        dev.wait_until_running(base, token, timeout=120)
        api = dev.Api(base, token)
        # Onboarding adds integrations that look for the internet at every start
        # (radio_browser waits ~10 s for it): keep the restarts to backwalk alone.
        for entry in api.request("GET", "/api/config/config_entries/entry"):
            api.request(
                "DELETE", f"/api/config/config_entries/entry/{entry['entry_id']}"
            )
        entry_id = dev.ensure_demo_profile(base, token)["entry_id"]
    finally:
        # A clean stop writes the user, the token and the entries the loop relies on.
        dev.stop_hass(process)
    stored = json.loads((config_dir / ".storage" / "core.config_entries").read_text())
    (entry,) = [e for e in stored["data"]["entries"] if e["entry_id"] == entry_id]
    return token, entry_id, f"/api/webhook/{entry['data']['webhook_id']}"


def test_nothing_acknowledged_is_lost(tmp_path: Path) -> None:
    """Kill Home Assistant during bursts of writes; read everything back each time."""
    seed = int(os.environ.get("BACKWALK_KILL_SEED", random.randrange(2**32)))
    print(f"kill/restart seed: {seed} (BACKWALK_KILL_SEED={seed} reproduces it)")  # noqa: T201
    rng = random.Random(seed)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    config_dir = tmp_path / "config"
    log_file = tmp_path / "hass.log"
    dev.write_minimal_configuration(config_dir, port)
    ledger = Ledger()
    kills = retried = stored = 0
    began = time.monotonic()
    process: subprocess.Popen[bytes] | None = None
    context = f"seed {seed}, setup"
    try:
        token, entry_id, webhook_path = prepare(config_dir, base, log_file)
        api = dev.Api(base, token)
        hook = dev.Api(base)  # a phone has no Home Assistant login
        for round_no in range(ROUNDS + 1):
            context = f"seed {seed}, round {round_no}"
            process = start(config_dir, base, token, log_file)
            check_history(api, ledger, context)
            retried += resend_in_flight(hook, webhook_path, ledger)
            # Retried ids are now acknowledged too, and none is stored twice.
            stored = check_history(api, ledger, f"{context}, after retries")
            if round_no == ROUNDS:
                break
            killed = threading.Event()
            delay = rng.uniform(0, MAX_KILL_DELAY)
            deadline = time.monotonic() + MAX_KILL_DELAY + 5
            workers = [
                threading.Thread(
                    target=burst_worker,
                    args=(
                        worker,
                        round_no,
                        ledger,
                        random.Random(rng.random()),
                        api,
                        hook,
                        webhook_path,
                        killed,
                        deadline,
                    ),
                    daemon=True,
                )
                for worker in range(3)
            ]
            for worker in workers:
                worker.start()
            time.sleep(delay)
            killed.set()
            kill(process)
            process = None
            kills += 1
            for worker in workers:
                worker.join(timeout=35)
                assert not worker.is_alive(), f"{context}: a request hangs"
            assert not ledger.errors, f"{context}: {ledger.errors}"
            read_store(config_dir, entry_id)
        # The last start ends cleanly; what was stored is still there afterwards.
        assert process is not None
        dev.stop_hass(process)
        process = None
        final = decode(read_store(config_dir, entry_id)["data"])
        # Older records live in the file's archive, in a compact form of their own.
        archived = final.archive.records() if final.archive is not None else []
        kept = {
            record.id
            for record in [*final.records, *archived]
            if isinstance(record, Walk | PainReport)
        }
        assert len(kept) == stored, context
    except Exception as err:
        log_tail = log_file.read_text(errors="replace")[-5000:]
        raise AssertionError(
            f"{context}: {err}\nHome Assistant log:\n{log_tail}"
        ) from err
    finally:
        if process is not None:
            kill(process)
    print(  # noqa: T201
        f"kill/restart: {ROUNDS} rounds, {kills} kills, {len(ledger.sent)} calls sent, "
        f"{len(ledger.acked)} acknowledged ({retried} after a retry), {stored} stored, "
        f"{time.monotonic() - began:.0f} s, seed {seed}"
    )
