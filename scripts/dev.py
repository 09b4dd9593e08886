"""Run a real Home Assistant with backwalk loaded from the working tree (`make run`).

The first start finishes onboarding through Home Assistant's onboarding API, prints a demo
login, and creates a demo backwalk profile through the real config flow API. The end-to-end
tests use the same functions with a temporary config directory and a free port.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Iterator
import contextlib
import ctypes
from dataclasses import dataclass
from http import HTTPStatus
import json
import os
from pathlib import Path
import signal
import subprocess
import sys
import time
from typing import Any
import urllib.error
import urllib.parse
import urllib.request

REPO = Path(__file__).resolve().parent.parent
DEV_CONFIG = REPO / "config"
PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>
DEMO_USER = "demo"
DEMO_PASSWORD = "backwalk-demo"  # noqa: S105 - a local demo login, printed to the user
CLIENT_ID = "http://127.0.0.1/"

# What the end-to-end tests load instead of default_config: the parts the HTTP API, the
# onboarding and the config flow API need, so no component requirement is installed at start.
MINIMAL_CONFIGURATION = """\
homeassistant:
  name: backwalk test
  time_zone: Europe/Berlin
http:
  server_host: 127.0.0.1
  server_port: {port}
api:
config:
onboarding:
logger:
  default: warning
  logs:
    custom_components.backwalk: debug
"""


@dataclass
class Api:
    """A tiny client for Home Assistant's HTTP API (standard library only)."""

    base: str
    token: str | None = None

    def request(
        self, method: str, path: str, body: Any = None, form: bool = False
    ) -> Any:
        """Send one request; return the decoded JSON answer (or None)."""
        headers = {}
        data = None
        if body is not None:
            if form:
                data = urllib.parse.urlencode(body).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            else:
                data = json.dumps(body).encode()
                headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(  # only ever our own loopback server
            self.base + path, data=data, headers=headers, method=method
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
        return json.loads(raw) if raw else None


def link_integration(config_dir: Path) -> None:
    """Make <config>/custom_components/backwalk point at the working tree."""
    custom = config_dir / "custom_components"
    custom.mkdir(parents=True, exist_ok=True)
    link = custom / "backwalk"
    target = REPO / "custom_components" / "backwalk"
    if link.is_symlink() or link.exists():
        if link.resolve() == target.resolve():
            return
        link.unlink()
    link.symlink_to(target)


def write_minimal_configuration(config_dir: Path, port: int) -> None:
    """Write the end-to-end tests' configuration.yaml."""
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "configuration.yaml").write_text(
        MINIMAL_CONFIGURATION.format(port=port)
    )


def start_hass(
    config_dir: Path, log_file: Path | None = None
) -> subprocess.Popen[bytes]:
    """Start `hass -c config_dir` in its own process group.

    Its own group, so Ctrl-C reaches only this script, which then stops Home Assistant
    cleanly; and it is told to stop if this script dies first, so none is left behind.
    """
    output = log_file.open("ab") if log_file else None
    return subprocess.Popen(
        [sys.executable, "-m", "homeassistant", "-c", str(config_dir)],
        stdout=output,
        stderr=subprocess.STDOUT if output else None,
        start_new_session=True,
        preexec_fn=_stop_with_parent,  # noqa: PLW1509 - only sets the death signal
    )


def _stop_with_parent() -> None:
    """Ask Linux to send SIGTERM to this process when its parent dies."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError, AttributeError:
        pass  # not Linux: Ctrl-C still stops it through this script


def stop_hass(process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """Stop Home Assistant cleanly (SIGTERM), killing it only if it hangs."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_for_api(
    base: str, process: subprocess.Popen[bytes], timeout: float = 600
) -> None:
    """Wait until the HTTP server answers (the first start may install requirements)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Home Assistant exited with code {process.returncode}")
        try:
            Api(base).request("GET", "/api/onboarding")
        except urllib.error.HTTPError:
            return  # it answers; onboarding done or not, the server is up
        except OSError:
            time.sleep(0.5)
        else:
            return
    raise TimeoutError(f"Home Assistant did not answer at {base} within {timeout} s")


def _token_from_code(api: Api, code: str) -> dict[str, Any]:
    tokens: dict[str, Any] = api.request(
        "POST",
        "/auth/token",
        {"grant_type": "authorization_code", "code": code, "client_id": CLIENT_ID},
        form=True,
    )
    return tokens


def _login(api: Api) -> dict[str, Any]:
    """Log in with the demo user through the login flow, as the frontend does."""
    flow = api.request(
        "POST",
        "/auth/login_flow",
        {
            "client_id": CLIENT_ID,
            "handler": ["homeassistant", None],
            "redirect_uri": CLIENT_ID,
        },
    )
    result = api.request(
        "POST",
        f"/auth/login_flow/{flow['flow_id']}",
        {"client_id": CLIENT_ID, "username": DEMO_USER, "password": DEMO_PASSWORD},
    )
    return _token_from_code(api, result["result"])


def onboard(base: str) -> str:
    """Finish onboarding (first start) or log in; return an access token."""
    api = Api(base)
    try:
        steps = {
            step["step"]: step["done"] for step in api.request("GET", "/api/onboarding")
        }
    except urllib.error.HTTPError as err:
        if err.code != HTTPStatus.NOT_FOUND:
            raise
        steps = {}  # onboarding finished at an earlier start: its views are gone
    if not steps.get("user", True):
        code = api.request(
            "POST",
            "/api/onboarding/users",
            {
                "client_id": CLIENT_ID,
                "name": "Demo",
                "username": DEMO_USER,
                "password": DEMO_PASSWORD,
                "language": "en",
            },
        )["auth_code"]
        tokens = _token_from_code(api, code)
    else:
        tokens = _login(api)
    api.token = tokens["access_token"]
    if not steps.get("core_config", True):
        api.request("POST", "/api/onboarding/core_config")
    if not steps.get("analytics", True):
        api.request("POST", "/api/onboarding/analytics")
    if not steps.get("integration", True):
        api.request(
            "POST",
            "/api/onboarding/integration",
            {"client_id": CLIENT_ID, "redirect_uri": CLIENT_ID},
        )
    return str(api.token)


async def _async_promote_http_config(base: str, token: str) -> None:
    import aiohttp  # only inside the toolchain's venv

    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(base.replace("http", "ws", 1) + "/api/websocket") as socket,
    ):
        await socket.receive_json()  # auth_required
        await socket.send_json({"type": "auth", "access_token": token})
        if (await socket.receive_json()).get("type") != "auth_ok":
            raise RuntimeError("websocket authentication failed")
        await socket.send_json({"id": 1, "type": "http/config/promote"})
        await socket.receive_json()  # an error just means there was nothing to confirm


def promote_http_config(base: str, token: str) -> None:
    """Confirm the http settings from configuration.yaml.

    Home Assistant 2026.10 moves them into storage as a trial and, unless a user confirms
    it within five minutes, restarts with its defaults (all interfaces, not 127.0.0.1).
    """
    asyncio.run(_async_promote_http_config(base, token))


def wait_until_running(base: str, token: str, timeout: float = 600) -> None:
    """Wait until start-up is complete; before that SIGTERM would skip the final write."""
    api = Api(base, token)
    deadline = time.monotonic() + timeout
    while api.request("GET", "/api/config").get("state") != "RUNNING":
        if time.monotonic() > deadline:
            raise TimeoutError("Home Assistant did not finish starting")
        time.sleep(0.5)


def ensure_demo_profile(base: str, token: str) -> dict[str, Any]:
    """Create the demo profile through the config flow API, unless one exists."""
    api = Api(base, token)
    entries = api.request("GET", "/api/config/config_entries/entry?domain=backwalk")
    if entries:
        return dict(entries[0])
    flow = api.request(
        "POST", "/api/config/config_entries/flow", {"handler": "backwalk"}
    )
    answers = [
        {"name": "Demo"},
        {"pain_duration": "6_weeks_to_3_months", "usual_pain": 3},
        {
            "walks_per_week": 3,
            "target_minutes": 30,
            "starting_minutes": 5,
            "daily_minimum_minutes": 5,
            "first_weekday": "mon",
        },
        {
            "pain_day_threshold": 5,
            "red_flag_level": 8,
            "preferred_alternatives": ["swimming", "stationary_bike", "yoga"],
        },
        {
            "walk_days": ["mon", "wed", "fri"],
            "walk_time": "07:30:00",
            "stretch_lead_minutes": 10,
            "check_in_after_minutes": 120,
        },
        {"persistent_notification": True},
        {"webhook_local_only": True},
    ]
    for answer in answers:
        flow = api.request(
            "POST", f"/api/config/config_entries/flow/{flow['flow_id']}", answer
        )
        if flow.get("errors"):
            raise RuntimeError(f"config flow refused {answer}: {flow['errors']}")
    if flow.get("type") != "create_entry":
        raise RuntimeError(f"config flow did not create the profile: {flow}")
    return dict(flow["result"])


@contextlib.contextmanager
def running_hass(
    config_dir: Path, port: int, log_file: Path | None = None, timeout: float = 600
) -> Iterator[tuple[str, str]]:
    """Start Home Assistant, onboard, make the demo profile; yield (base URL, token)."""
    link_integration(config_dir)
    process = start_hass(config_dir, log_file)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_api(base, process, timeout)
        token = onboard(base)
        wait_until_running(base, token, timeout)
        promote_http_config(base, token)
        ensure_demo_profile(base, token)
        yield base, token
    finally:
        stop_hass(process)


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def run(config_dir: Path, port: int) -> int:
    """`make run`: serve until Ctrl-C (or SIGTERM)."""
    signal.signal(signal.SIGTERM, _interrupt)
    link_integration(config_dir)
    process = start_hass(config_dir)
    base = f"http://127.0.0.1:{port}"
    try:
        print(
            f"Starting Home Assistant at {base} (the first start installs requirements)..."
        )
        wait_for_api(base, process)
        token = onboard(base)
        wait_until_running(base, token)
        promote_http_config(base, token)
        entry = ensure_demo_profile(base, token)
        print()
        print(f"  Home Assistant: {base}")
        print(f"  Login:          {DEMO_USER} / {DEMO_PASSWORD}")
        print(f"  backwalk:       profile '{entry['title']}' ({entry['entry_id']})")
        print("  Ctrl-C stops it.")
        print()
        return process.wait()
    except KeyboardInterrupt:
        print("\nStopping Home Assistant...")
        return 0
    finally:
        stop_hass(process)


def main() -> int:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["run"])
    parser.add_argument("--config", type=Path, default=DEV_CONFIG)
    parser.add_argument("--port", type=int, default=8123)
    args = parser.parse_args()
    return run(args.config, args.port)


if __name__ == "__main__":
    sys.exit(main())
