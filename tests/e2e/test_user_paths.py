"""End to end: what a person does with backwalk, through Home Assistant's HTTP and websocket APIs.

One real `hass` process (the one installed beside pytest: `make test-versions` runs this on
the newest release too) and the same requests the frontend and the card send:

- the config flow makes two profiles (a taken name is an error on the name field);
- walks and pain reports through the REST API and the websocket API (as the card calls
  them), a refusal that stores nothing, and the states they drive;
- the options flow changes a threshold, and the profile reloads with it;
- a reload, and a restart through `homeassistant.restart` (the UI's Restart), keep
  everything;
- deleting a profile removes its entities, its device and its files, and nothing of the
  other profile.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
import http.client
from pathlib import Path
import socket
import subprocess
import sys
import time
from typing import Any
import urllib.error

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import dev  # noqa: E402

pytestmark = pytest.mark.e2e

DOMAIN = "backwalk"
EVERYTHING = {
    "start": "2000-01-01T00:00:00+00:00",
    "end": "2100-01-01T00:00:00+00:00",
}
SAM: dict[str, Any] = {
    **dev.DEMO_ANSWERS,
    "name": "Sam",
    "pain_duration": "over_3_months",
    "pain_day_threshold": 5,
    "red_flag_level": 9,
}
ALEX: dict[str, Any] = {**dev.DEMO_ANSWERS, "name": "Alex"}


def free_port() -> int:
    """Return a loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def answers(schema: list[dict[str, Any]], given: dict[str, Any]) -> dict[str, Any]:
    """Answer one form from `given`; a section's fields nest under the section."""
    answer: dict[str, Any] = {}
    for field in schema:
        if field.get("type") == "expandable":
            answer[field["name"]] = answers(field["schema"], given)
        elif field["name"] in given:
            answer[field["name"]] = given[field["name"]]
    return answer


def run_flow(
    api: dev.Api, path: str, flow: dict[str, Any], given: dict[str, Any]
) -> tuple[list[str], dict[str, Any]]:
    """Answer every form of a flow; return the steps shown and the last result."""
    steps = []
    for _ in range(20):  # far more steps than any flow of backwalk has
        if flow.get("type") != "form":
            break
        steps.append(flow["step_id"])
        flow = api.request(
            "POST",
            f"{path}/{flow['flow_id']}",
            answers(flow.get("data_schema") or [], given),
        )
        assert not flow.get("errors"), (steps, flow)
    return steps, flow


def add_profile(api: dev.Api, given: dict[str, Any]) -> dict[str, Any]:
    """Make a profile through the config flow, as Settings > Add integration does."""
    flow = api.request("POST", "/api/config/config_entries/flow", {"handler": DOMAIN})
    steps, result = run_flow(api, "/api/config/config_entries/flow", flow, given)
    assert steps[0] == "user", steps
    assert result["type"] == "create_entry", result
    assert result["result"]["title"] == given["name"]
    return dict(result["result"])


def change_options(
    api: dev.Api, entry_id: str, page: str, given: dict[str, Any]
) -> None:
    """Change a profile's options (Settings > the profile > Configure) on `page`."""
    path = "/api/config/config_entries/options/flow"
    flow = api.request("POST", path, {"handler": entry_id})
    if flow["type"] == "menu":  # one page at a time
        assert page in flow["menu_options"], flow
        flow = api.request("POST", f"{path}/{flow['flow_id']}", {"next_step_id": page})
    steps, result = run_flow(api, path, flow, given)
    assert page in steps, steps
    assert result["type"] == "create_entry", result


def state(api: dev.Api, entity_id: str) -> dict[str, Any]:
    """The entity's state object."""
    found: dict[str, Any] = api.request("GET", f"/api/states/{entity_id}")
    return found


def wait_for_state(
    api: dev.Api, entity_id: str, wanted: str, timeout: float = 30
) -> None:
    """Wait until the entity shows `wanted` (a reload sets entities up again)."""
    deadline = time.monotonic() + timeout
    seen = None
    while time.monotonic() < deadline:
        try:
            seen = state(api, entity_id)["state"]
        except urllib.error.HTTPError as err:
            seen = f"HTTP {err.code}"
        if seen == wanted:
            return
        time.sleep(0.2)
    raise AssertionError(f"{entity_id} is {seen}, not {wanted}, after {timeout} s")


def action(api: dev.Api, name: str, data: dict[str, Any]) -> Any:
    """Call a backwalk action through the REST API and return its response."""
    answer = api.request("POST", f"/api/services/{DOMAIN}/{name}?return_response", data)
    return answer["service_response"]


def history(api: dev.Api, entry_id: str) -> dict[str, Any]:
    """Everything the profile holds."""
    found: dict[str, Any] = action(
        api, "get_history", {**EVERYTHING, "config_entry_id": entry_id}
    )
    return found


def walk_today(day_start: str) -> tuple[datetime, float]:
    """A walk that ended a moment ago and lies wholly in today (even just after midnight)."""
    start_of_day = datetime.fromisoformat(day_start)
    if datetime.now(UTC) - start_of_day < timedelta(minutes=2):
        time.sleep(120)  # the day has only just begun: leave room for a walk in it
    now = datetime.now(UTC)
    started = max(start_of_day, now - timedelta(minutes=20))
    return started, round((now - started).total_seconds() / 60 - 0.5, 1)


def start(
    config_dir: Path, port: int, log_file: Path
) -> tuple[subprocess.Popen[bytes], str]:
    """Start Home Assistant; onboard or log in; return the process and a token."""
    process = dev.start_hass(config_dir, log_file)
    token = dev.bring_up(f"http://127.0.0.1:{port}", process, timeout=180)
    return process, token


def test_main_user_paths(tmp_path: Path) -> None:
    """Profiles made, used, changed, reloaded, restarted and deleted through the APIs."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    config_dir = tmp_path / "config"
    dev.write_minimal_configuration(config_dir, port)
    dev.prepare_config(config_dir, port)
    log_file = tmp_path / "hass.log"
    process: subprocess.Popen[bytes] | None = None
    try:
        process, token = start(config_dir, port, log_file)
        api = dev.Api(base, token)
        sam = add_profile(api, SAM)["entry_id"]
        alex = add_profile(api, ALEX)["entry_id"]

        # A taken name (capitals and spaces do not count) is an error on the name field.
        flow = api.request(
            "POST", "/api/config/config_entries/flow", {"handler": DOMAIN}
        )
        refused = api.request(
            "POST",
            f"/api/config/config_entries/flow/{flow['flow_id']}",
            {"name": " sAM "},
        )
        assert refused["type"] == "form"
        assert refused["errors"] == {"name": "name_taken"}, refused
        api.request("DELETE", f"/api/config/config_entries/flow/{flow['flow_id']}")
        entries = api.request(
            "GET", f"/api/config/config_entries/entry?domain={DOMAIN}"
        )
        assert sorted((e["title"], e["state"]) for e in entries) == [
            ("Alex", "loaded"),
            ("Sam", "loaded"),
        ]

        # Fresh profiles: nothing walked, no pain reported yet (unknown, not "no pain").
        today = state(api, "sensor.sam_walking_minutes_today")
        assert today["state"] == "0.0"
        assert state(api, "sensor.sam_pain_today")["state"] == "unknown"
        assert state(api, "sensor.sam_condition")["state"] == "chronic"
        assert state(api, "sensor.alex_condition")["state"] == "acute"

        # A walk through the REST API (a script, an automation, a phone shortcut).
        started, minutes = walk_today(today["attributes"]["last_reset"])
        walk = action(
            api,
            "log_walk",
            {
                "minutes": minutes,
                "started": started.isoformat(),
                "config_entry_id": sam,
            },
        )
        assert float(state(api, "sensor.sam_walking_minutes_today")["state"]) == minutes
        assert state(api, "sensor.alex_walking_minutes_today")["state"] == "0.0"

        # A pain report through the websocket API, as the card's slider sends it.
        (reported,) = dev.websocket(
            base,
            token,
            {
                "type": "call_service",
                "domain": DOMAIN,
                "service": "report_pain",
                "service_data": {"level": 6, "config_entry_id": sam},
                "return_response": True,
            },
        )
        pain = reported["response"]
        assert state(api, "sensor.sam_pain_today")["state"] == "6"
        assert state(api, "binary_sensor.sam_pain_day")["state"] == "on"
        assert state(api, "sensor.sam_pain_status")["state"] == "pain_day"

        # A refusal is a translated sentence and stores nothing.
        with pytest.raises(RuntimeError, match="whole number from 0 to 10"):
            dev.websocket(
                base,
                token,
                {
                    "type": "call_service",
                    "domain": DOMAIN,
                    "service": "report_pain",
                    "service_data": {"level": 11, "config_entry_id": sam},
                },
            )
        kept = history(api, sam)
        assert [w["id"] for w in kept["walks"]] == [walk["id"]]
        assert [p["id"] for p in kept["pain_reports"]] == [pain["id"]]
        assert history(api, alex)["walks"] == []

        # The options flow: a higher pain-day threshold, and 6 is no pain day any more.
        change_options(api, sam, "thresholds", {**SAM, "pain_day_threshold": 7})
        wait_for_state(api, "binary_sensor.sam_pain_day", "off")
        assert state(api, "sensor.sam_pain_status")["state"] == "mild"
        assert state(api, "sensor.sam_pain_today")["state"] == "6"

        # A reload (Settings > the profile > Reload) keeps everything.
        reloaded = api.request("POST", f"/api/config/config_entries/entry/{sam}/reload")
        assert reloaded == {"require_restart": False}
        wait_for_state(api, "sensor.sam_pain_today", "6")
        assert history(api, sam) == kept

        # A restart through the UI's action: Home Assistant exits with "restart me".
        with contextlib.suppress(OSError, http.client.HTTPException):
            # It may stop before it answers.
            api.request("POST", "/api/services/homeassistant/restart", {})
        assert process.wait(timeout=dev.STOP_TIMEOUT) == dev.RESTART_EXIT_CODE
        dev.end_group(process.pid)
        process, token = start(config_dir, port, log_file)
        api = dev.Api(base, token)
        assert history(api, sam) == kept
        assert float(state(api, "sensor.sam_walking_minutes_today")["state"]) == minutes
        assert state(api, "binary_sensor.sam_pain_day")["state"] == "off"

        # Deleting a profile takes its entities, its device and its files with it.
        deleted = api.request("DELETE", f"/api/config/config_entries/entry/{sam}")
        assert deleted == {"require_restart": False}
        entities, devices = dev.websocket(
            base,
            token,
            {"type": "config/entity_registry/list"},
            {"type": "config/device_registry/list"},
        )
        assert not [e for e in entities if e["config_entry_id"] == sam]
        assert not [d for d in devices if sam in d["config_entries"]]
        assert [d for d in devices if alex in d["config_entries"]]
        with pytest.raises(urllib.error.HTTPError) as gone:
            state(api, "sensor.sam_pain_today")
        assert gone.value.code == 404
        assert not list((config_dir / ".storage").glob(f"{DOMAIN}.{sam}*"))
        assert list((config_dir / ".storage").glob(f"{DOMAIN}.{alex}*"))
        entries = api.request(
            "GET", f"/api/config/config_entries/entry?domain={DOMAIN}"
        )
        assert [(e["title"], e["state"]) for e in entries] == [("Alex", "loaded")]
        assert state(api, "sensor.alex_walking_minutes_today")["state"] == "0.0"

        dev.stop_hass(process)
        process = None
        logged = log_file.read_text(errors="replace")
        backwalk_errors = [
            line
            for line in logged.splitlines()
            if ("ERROR" in line or "Traceback" in line) and "backwalk" in line
        ]
        assert not backwalk_errors, backwalk_errors
    except Exception as err:
        log_tail = log_file.read_text(errors="replace")[-5000:]
        raise AssertionError(
            f"user paths failed; Home Assistant log:\n{log_tail}"
        ) from err
    finally:
        if process is not None:
            dev.stop_hass(process)
