"""End to end: a real `hass` process started the way `make run` starts it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
import socket
import sys
import time

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import dev  # noqa: E402

pytestmark = pytest.mark.e2e


def walk_inside_this_week(last_reset: str) -> tuple[datetime, float]:
    """A walk that ended a moment ago and lies wholly in this week (even just after it began)."""
    week_start = datetime.fromisoformat(last_reset)
    if datetime.now(UTC) - week_start < timedelta(minutes=2):
        time.sleep(120)  # the week has only just begun: leave room for a walk in it
    now = datetime.now(UTC)
    started = max(week_start, now - timedelta(minutes=20))
    return started, round((now - started).total_seconds() / 60 - 0.5, 1)


def free_port() -> int:
    """Return a loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_hass_serves_backwalk(tmp_path: Path) -> None:
    """Onboarding, the config flow over HTTP, and the sensor in /api/states."""
    port = free_port()
    config_dir = tmp_path / "config"
    dev.write_minimal_configuration(config_dir, port)
    log_file = tmp_path / "hass.log"
    try:
        with dev.running_hass(config_dir, port, log_file, timeout=120) as (base, token):
            api = dev.Api(base, token)
            entries = api.request(
                "GET", "/api/config/config_entries/entry?domain=backwalk"
            )
            assert [(entry["title"], entry["state"]) for entry in entries] == [
                ("Demo", "loaded")
            ]
            # Links Home Assistant gives out (the webhook's) lead to this server.
            config = api.request("GET", "/api/config")
            assert (config["internal_url"], config["external_url"]) == (base, base)
            # The configuration raises no repair of its own (an `http:` block in YAML
            # would, and so would a missing country). Only Home Assistant's note that
            # a Python-environment installation ("Core") is deprecated may be there.
            (issues,) = dev.websocket(base, token, {"type": "repairs/list_issues"})
            assert [
                (issue["domain"], issue["issue_id"])
                for issue in issues["issues"]
                if issue["issue_id"] != "deprecated_method"
            ] == []
            states = {
                state["entity_id"]: state for state in api.request("GET", "/api/states")
            }
            week = states["sensor.demo_walking_minutes_this_week"]
            assert week["state"] == "0.0"
            assert week["attributes"]["unit_of_measurement"] == "min"
            started, minutes = walk_inside_this_week(week["attributes"]["last_reset"])
            logged = api.request(
                "POST",
                "/api/services/backwalk/log_walk?return_response",
                {"minutes": minutes, "started": started.isoformat()},
            )
            walk_id = logged["service_response"]["id"]
            week = api.request(
                "GET", "/api/states/sensor.demo_walking_minutes_this_week"
            )
            assert float(week["state"]) == minutes
        # A second start reuses the onboarded user and the existing profile.
        with dev.running_hass(config_dir, port, log_file, timeout=120) as (base, token):
            api = dev.Api(base, token)
            entries = api.request(
                "GET", "/api/config/config_entries/entry?domain=backwalk"
            )
            assert len(entries) == 1
            history = api.request(
                "POST",
                "/api/services/backwalk/get_history?return_response",
                {"start": "2000-01-01T00:00:00+00:00"},
            )["service_response"]
            assert [walk["id"] for walk in history["walks"]] == [walk_id]
    except Exception as err:
        log_tail = log_file.read_text(errors="replace")[-5000:]
        raise AssertionError(
            f"end-to-end run failed; Home Assistant log:\n{log_tail}"
        ) from err
