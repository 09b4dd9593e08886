"""Run a real Home Assistant with backwalk loaded from the working tree (`make run`).

The first start finishes onboarding through Home Assistant's onboarding API, prints a demo
login, creates a demo backwalk profile through the real config flow API and a demo
dashboard through the dashboards API. The end-to-end tests use the same functions with a
temporary config directory and a free port.

The first start installs the requirements of default_config's integrations, which takes
minutes on a small machine: a line every 15 s says what the start waits for and for how
long. However this script ends (Ctrl-C, SIGTERM, an error), Home Assistant is stopped
cleanly and nothing of its process group (a requirement install, say) is left running.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Iterator
import contextlib
import ctypes
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
import http.client
import json
import os
from pathlib import Path
import signal
import subprocess
import sys
import threading
import time
from typing import IO, Any
import urllib.error
import urllib.parse
import urllib.request

REPO = Path(__file__).resolve().parent.parent
DEV_CONFIG = REPO / "config"
SENTENCES = REPO / "custom_sentences"
EXAMPLE_DASHBOARD = REPO / "docs" / "dashboard.yaml"
PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>
PR_SET_CHILD_SUBREAPER = 36  # from <sys/prctl.h>
RESTART_EXIT_CODE = 100  # homeassistant.const: "restart me" (the UI's Restart button)
DEMO_USER = "demo"
DEMO_PASSWORD = "backwalk-demo"  # noqa: S105 - a local demo login, printed to the user
DEMO_DASHBOARD = "backwalk-demo"  # its URL path (Home Assistant wants a hyphen in it)
# Without a country Home Assistant raises a repair; the tests' configuration says Berlin.
DEMO_COUNTRY = "DE"
CLIENT_ID = "http://127.0.0.1/"
PROGRESS_INTERVAL = 15.0  # seconds between "still waiting" lines
STARTUP_TIMEOUT = 3600.0  # a first start installs requirements: minutes, not seconds
STOP_TIMEOUT = 150.0  # Home Assistant's own shutdown stages can take this long
HASS_OUTPUT = "hass-output.log"  # what `hass` prints (its log again, and early crashes)

# What the end-to-end tests load instead of default_config: the parts the HTTP API, the
# onboarding, the config flow API and the repairs list need, so no component requirement is
# installed at start. No `http:` block: write_http_config stores the address instead.
MINIMAL_CONFIGURATION = """\
homeassistant:
  name: backwalk test
  time_zone: Europe/Berlin
  country: DE
api:
config:
onboarding:
repairs:
logger:
  default: warning
  logs:
    custom_components.backwalk: debug
"""

# The demo profile's answers, by field name: whatever steps the config flow has, each form
# gets the answers it asks for (fields not named here keep their defaults).
DEMO_ANSWERS: dict[str, Any] = {
    "name": "Demo",
    "pain_duration": "6_weeks_to_3_months",
    "usual_pain": 3,
    "walks_per_week": 3,
    "target_minutes": 30,
    "starting_minutes": 5,
    "daily_minimum_minutes": 5,
    "first_weekday": "mon",
    "pain_day_threshold": 5,
    "red_flag_level": 8,
    "preferred_alternatives": ["swimming", "stationary_bike", "yoga"],
    "walk_days": ["mon", "wed", "fri"],
    "walk_time": "17:30:00",  # outside the default quiet hours, so reminders are sent
    "stretch_lead_minutes": 10,
    "check_in_after_minutes": 120,
    "persistent_notification": True,
    "webhook_local_only": True,
}

_subreaper = False  # set by run(): orphans of Home Assistant's children become ours


class StartupError(Exception):
    """Home Assistant did not come up; the message says why (shown without a traceback)."""


@dataclass
class Api:
    """A tiny client for Home Assistant's HTTP API (standard library only)."""

    base: str
    token: str | None = None
    timeout: float = 30

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
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            raw = response.read()
        return json.loads(raw) if raw else None


def duration(seconds: float) -> str:
    """Say a duration the way a person reads it: '42 s', '4 min 05 s'."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    return f"{whole // 60} min {whole % 60:02d} s"


def installing(pid: int) -> list[str]:
    """Name what Home Assistant (process `pid`) is installing now: its pip or uv children."""
    parents: dict[int, int] = {}
    argvs: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            argv = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue  # gone meanwhile
        # The command name in the second field may hold spaces; the parent comes after it.
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        argvs[int(entry.name)] = argv.split("\0")
    packages: list[str] = []
    for child, argv in argvs.items():
        ancestor = parents.get(child)
        while ancestor not in (None, 0, 1, pid):
            ancestor = parents.get(ancestor)
        if ancestor != pid or "pip" not in argv or "install" not in argv:
            continue
        # `... pip install --quiet <requirement> --index-strategy ...`: the first plain word.
        words = argv[argv.index("install") + 1 :]
        requirement = next((word for word in words if not word.startswith("-")), "")
        if requirement and requirement not in packages:
            packages.append(requirement)
    return packages


class Progress:
    """Prints every `interval` seconds what the start waits for and how long it has taken."""

    def __init__(self, interval: float | None = None, out: IO[str] | None = None):
        """Start the clock and the printing thread (a daemon: it never holds up an exit)."""
        self.interval = interval or PROGRESS_INTERVAL
        self.out = out or sys.stdout
        self.began = time.monotonic()
        self.what: str | None = None  # None: nothing to report (Home Assistant is up)
        self.pid: int | None = None  # whose requirement installs to name
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="progress", daemon=True)
        self._thread.start()

    def waiting_for(self, what: str | None) -> None:
        """Say what the start waits for now (None: stop reporting)."""
        self.what = what

    def restart_clock(self) -> None:
        """Measure from now (Home Assistant starts again)."""
        self.began = time.monotonic()

    def elapsed(self) -> float:
        """Seconds since the clock started."""
        return time.monotonic() - self.began

    def line(self) -> str | None:
        """Return the progress line for now, or None when there is nothing to wait for."""
        what = self.what
        if what is None:
            return None
        text = f"  [{duration(self.elapsed()):>11}] {what}"
        if self.pid is not None and (packages := installing(self.pid)):
            text += f"; installing {', '.join(packages)}"
        return text

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            if (line := self.line()) is not None:
                print(line, file=self.out, flush=True)

    def close(self) -> None:
        """Stop printing."""
        self._stop.set()
        self._thread.join()


def _say(progress: Progress | None, what: str | None) -> None:
    if progress is not None:
        progress.waiting_for(what)


def _link(link: Path, target: Path) -> None:
    """Make `link` a symlink to `target`, replacing whatever was there."""
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.is_symlink() or link.exists():
        if link.resolve() == target.resolve():
            return
        link.unlink()
    link.symlink_to(target)


def link_integration(config_dir: Path) -> None:
    """Make <config>/custom_components/backwalk point at the working tree."""
    _link(
        config_dir / "custom_components" / "backwalk",
        REPO / "custom_components" / "backwalk",
    )


def link_sentences(config_dir: Path) -> None:
    """Link the working tree's Assist sentences into <config>/custom_sentences/<language>/.

    File by file, so sentences a person adds there stay out of the repository.
    """
    for sentences in sorted(SENTENCES.glob("*/*.yaml")):
        language = sentences.parent.name
        _link(config_dir / "custom_sentences" / language / sentences.name, sentences)


def write_http_config(config_dir: Path, port: int, host: str = "127.0.0.1") -> None:
    """Make Home Assistant serve on host:port, stored the way its Network settings store it.

    Home Assistant 2026.10 keeps the http settings in .storage/http: an `http:` block in
    configuration.yaml is imported once as a trial that reverts to all interfaces unless
    someone confirms it within five minutes, and is ignored afterwards with a repair ("HTTP
    YAML configuration is ignored"). So the configuration has no `http:` block, and this
    writes the stored settings before each start; other stored http settings are kept.
    """
    from homeassistant.components.http.config import (  # only inside the venv
        HTTP_STORAGE_SCHEMA,
        KEY_PENDING,
        KEY_STABLE,
        KEY_YAML_MIGRATION_DONE,
        STORAGE_KEY,
        STORAGE_MINOR_VERSION,
        STORAGE_VERSION,
    )

    meta = ("created_at", "error", "error_message")
    path = config_dir / ".storage" / STORAGE_KEY
    kept: dict[str, Any] = {}
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        stored = json.loads(path.read_text())
        if stored["version"] == STORAGE_VERSION:
            data = stored["data"]
            kept = {k: v for k, v in data[KEY_STABLE].items() if k not in meta}
            if (
                kept.get("server_host") == [host]
                and kept.get("server_port") == port
                and data[KEY_PENDING] is None
                and data[KEY_YAML_MIGRATION_DONE]
            ):
                return
    wanted = {"server_host": [host], "server_port": port}
    try:
        stable = HTTP_STORAGE_SCHEMA({**kept, **wanted})
    except Exception:  # noqa: BLE001 - a stored setting no longer valid: start afresh
        stable = HTTP_STORAGE_SCHEMA(wanted)
    stable.update(
        created_at=datetime.now(UTC).isoformat(), error=None, error_message=None
    )
    content = {
        "version": STORAGE_VERSION,
        "minor_version": STORAGE_MINOR_VERSION,
        "key": STORAGE_KEY,
        "data": {KEY_STABLE: stable, KEY_PENDING: None, KEY_YAML_MIGRATION_DONE: True},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".new")
    partial.write_text(json.dumps(content, indent=2))
    partial.chmod(0o600)  # as Home Assistant keeps it (private=True)
    partial.replace(path)


def forget_half_made_login(config_dir: Path) -> None:
    """Remove the login an interrupted onboarding left behind, so onboarding can run again.

    Onboarding stores the demo's password, then waits (minutes, on a first start) until
    Home Assistant has set up `person`, and only then marks the user step done. A start
    stopped in between would have onboarding refuse the name at the next start ("username
    already exists"). Until that step is done nothing else uses these files.
    """
    storage = config_dir / ".storage"
    try:
        done = json.loads((storage / "onboarding").read_text())["data"]["done"]
    except OSError, ValueError, KeyError, TypeError:
        done = []
    if "user" not in done:
        for name in ("auth", "auth_provider.homeassistant"):
            (storage / name).unlink(missing_ok=True)


def prepare_config(config_dir: Path, port: int) -> None:
    """Make a config directory ready for `hass` to start on it."""
    link_integration(config_dir)
    link_sentences(config_dir)
    write_http_config(config_dir, port)
    forget_half_made_login(config_dir)


def write_minimal_configuration(config_dir: Path, port: int) -> None:
    """Write the end-to-end tests' configuration (and the address to serve on)."""
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "configuration.yaml").write_text(MINIMAL_CONFIGURATION)
    write_http_config(config_dir, port)


def start_hass(
    config_dir: Path, log_file: Path | None = None
) -> subprocess.Popen[bytes]:
    """Start `hass -c config_dir` in its own process group.

    Its own group, so Ctrl-C reaches only this script, which then stops Home Assistant
    cleanly, and so stop_hass can end the whole group (requirement installs included); and
    it is told to stop if this script dies first, so none is left behind.
    """
    output = log_file.open("ab") if log_file else None
    try:
        return subprocess.Popen(
            [
                sys.executable,
                *("-m", "homeassistant", "-c", str(config_dir), "--log-no-color"),
            ],
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT if output else None,
            start_new_session=True,
            preexec_fn=_stop_with_parent,  # noqa: PLW1509 - only sets the death signal
        )
    finally:
        if output:
            output.close()  # the child holds its own copy


def _prctl(option: int, value: int) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(option, value, 0, 0, 0) == 0)
    except OSError, AttributeError:
        return False  # not Linux


def _stop_with_parent() -> None:
    """Ask Linux to send SIGTERM to this process when its parent dies."""
    _prctl(PR_SET_PDEATHSIG, signal.SIGTERM)  # elsewhere Ctrl-C still stops it


def _become_subreaper() -> None:
    """Adopt orphaned descendants, so the leftovers of a stopped hass can be reaped here."""
    global _subreaper  # noqa: PLW0603 - one flag for the whole process
    _subreaper = _prctl(PR_SET_CHILD_SUBREAPER, 1)


def _reap_orphans() -> None:
    """Collect adopted children that have ended (only when this process adopts them)."""
    while _subreaper:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def end_group(pgid: int, grace: float = 5) -> None:
    """End whatever is left in a process group: SIGTERM, then SIGKILL after `grace` s.

    Home Assistant runs `uv pip install` in child processes; when it stops during a first
    start they can outlive it.
    """
    try:
        os.killpg(pgid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        _reap_orphans()
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)
    time.sleep(0.1)
    _reap_orphans()


def stop_hass(process: subprocess.Popen[bytes], timeout: float = STOP_TIMEOUT) -> None:
    """Stop Home Assistant (SIGTERM), then end anything left in its group.

    Once it runs, SIGTERM makes it save its state and close its database; it is killed
    only if that takes longer than `timeout`. While it is still setting up, SIGTERM ends
    it at once (it handles the signal only from then on).
    """
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    end_group(process.pid)


def _check_alive(process: subprocess.Popen[bytes] | None, what: str) -> None:
    if process is not None and process.poll() is not None:
        raise StartupError(
            f"Home Assistant exited with code {process.returncode} while {what}"
        )


def wait_for_api(
    base: str,
    process: subprocess.Popen[bytes],
    timeout: float = 600,
    progress: Progress | None = None,
) -> None:
    """Wait until the HTTP server answers (the first start may install requirements)."""
    what = "waiting for Home Assistant's HTTP server (after its core integrations)"
    _say(progress, what)
    deadline = time.monotonic() + timeout
    while True:
        _check_alive(process, what)
        try:
            Api(base, timeout=10).request("GET", "/api/onboarding")
        except urllib.error.HTTPError:
            return  # it answers; onboarding done or not, the server is up
        except OSError, http.client.HTTPException:
            pass  # not listening yet, or too busy to answer in time
        else:
            return
        if time.monotonic() > deadline:
            raise StartupError(
                f"Home Assistant did not answer at {base} within {duration(timeout)}"
            )
        time.sleep(0.5)


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


def onboard(base: str, timeout: float = 600, progress: Progress | None = None) -> str:
    """Finish onboarding (first start) or log in; return an access token.

    Each request may take as long as `timeout`: creating the user waits until Home
    Assistant has set up `person`, which on a first start waits for requirement installs.
    """
    api = Api(base, timeout=timeout)
    try:
        steps = {
            step["step"]: step["done"] for step in api.request("GET", "/api/onboarding")
        }
    except urllib.error.HTTPError as err:
        if err.code != HTTPStatus.NOT_FOUND:
            raise
        steps = {}  # onboarding finished at an earlier start: its views are gone
    if not steps.get("user", True):
        _say(
            progress, "creating the demo login (Home Assistant sets up 'person' first)"
        )
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
        _say(progress, "logging in as the demo user")
        tokens = _login(api)
    api.token = tokens["access_token"]
    _say(progress, "finishing onboarding")
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


def wait_until_running(
    base: str,
    token: str,
    timeout: float = 600,
    progress: Progress | None = None,
    process: subprocess.Popen[bytes] | None = None,
) -> None:
    """Wait until start-up is complete; before that SIGTERM would skip the final write."""
    api = Api(base, token)
    what = "waiting for Home Assistant to finish starting"
    _say(progress, what)
    deadline = time.monotonic() + timeout
    while True:
        _check_alive(process, what)
        try:
            config = api.request("GET", "/api/config")
        except urllib.error.HTTPError:
            raise
        except OSError, http.client.HTTPException:
            if process is None:
                raise  # nothing tells a busy server from a dead one
        else:
            if config.get("state") == "RUNNING":
                return
            count = len(config.get("components", []))
            _say(progress, f"{what} ({count} integrations set up so far)")
        if time.monotonic() > deadline:
            raise StartupError(
                f"Home Assistant did not finish starting within {duration(timeout)}"
            )
        time.sleep(0.5)


async def _async_websocket(
    base: str, token: str, commands: list[dict[str, Any]]
) -> list[Any]:
    import aiohttp  # only inside the toolchain's venv

    results = []
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(base.replace("http", "ws", 1) + "/api/websocket") as socket,
    ):
        await socket.receive_json()  # auth_required
        await socket.send_json({"type": "auth", "access_token": token})
        if (await socket.receive_json()).get("type") != "auth_ok":
            raise RuntimeError("websocket authentication failed")
        for number, command in enumerate(commands, start=1):
            await socket.send_json({"id": number, **command})
            while (answer := await socket.receive_json()).get("id") != number:
                pass  # an event of an earlier subscription
            if not answer.get("success"):
                raise RuntimeError(f"{command['type']} failed: {answer.get('error')}")
            results.append(answer.get("result"))
    return results


def websocket(base: str, token: str, *commands: dict[str, Any]) -> list[Any]:
    """Send websocket commands one after another; return their results (raise on an error)."""
    return asyncio.run(_async_websocket(base, token, list(commands)))


def configure_core(base: str, token: str) -> None:
    """Set what a person sets at onboarding, where the UI keeps it (storage, not YAML).

    The URLs: links Home Assistant gives out (the webhook URL in backwalk's flow) point at
    the address served here rather than at the host's network address, where nothing
    listens. A country: without one Home Assistant raises a repair. YAML would work too,
    but would lock Settings > System > General for the person trying the demo.
    """
    config = Api(base, token).request("GET", "/api/config")
    update: dict[str, Any] = {}
    for key in ("internal_url", "external_url"):
        current = config.get(key)
        # A loopback URL on another port is ours from a start with another --port.
        if current is None or (
            current != base and current.startswith("http://127.0.0.1:")
        ):
            update[key] = base
    if config.get("country") is None:
        update["country"] = DEMO_COUNTRY
    if update:
        websocket(base, token, {"type": "config/core/update", **update})


def _answers(schema: list[dict[str, Any]]) -> dict[str, Any]:
    """Answer one form for the demo; a section's fields nest under the section."""
    answer: dict[str, Any] = {}
    for field in schema:
        if field.get("type") == "expandable":
            answer[field["name"]] = _answers(field["schema"])
        elif field["name"] in DEMO_ANSWERS:
            answer[field["name"]] = DEMO_ANSWERS[field["name"]]
    return answer


def ensure_demo_profile(base: str, token: str) -> dict[str, Any]:
    """Create the demo profile through the config flow API, unless one exists."""
    api = Api(base, token)
    entries = api.request("GET", "/api/config/config_entries/entry?domain=backwalk")
    if entries:
        return dict(entries[0])
    flow = api.request(
        "POST", "/api/config/config_entries/flow", {"handler": "backwalk"}
    )
    for _step in range(20):  # far more steps than the flow has
        if flow.get("type") != "form":
            break
        answer = _answers(flow.get("data_schema") or [])
        step = flow.get("step_id")
        flow = api.request(
            "POST", f"/api/config/config_entries/flow/{flow['flow_id']}", answer
        )
        if flow.get("errors"):
            raise RuntimeError(
                f"config flow step {step} refused {answer}: {flow['errors']}"
            )
    if flow.get("type") != "create_entry":
        raise RuntimeError(f"config flow did not create the profile: {flow}")
    return dict(flow["result"])


def demo_dashboard(
    title: str, device_id: str, prefix: str, entry_id: str
) -> dict[str, Any]:
    """Return the README's example dashboard (docs/dashboard.yaml) for one profile."""
    import yaml  # only inside the toolchain's venv

    text = EXAMPLE_DASHBOARD.read_text()
    text = text.replace("ALEX_DEVICE_ID", device_id).replace("alex_", f"{prefix}_")
    # The long-term statistics are named after the profile's entry id, in lower case.
    text = text.replace("ALEX_ENTRY_ID", entry_id.lower())
    config: dict[str, Any] = yaml.safe_load(text)
    for view in config["views"]:
        view["title"] = title
        view["path"] = prefix
    return config


def ensure_demo_dashboard(base: str, token: str, entry: dict[str, Any]) -> str:
    """Create the demo dashboard (storage mode, as the UI makes one) unless it exists.

    It is not rewritten at later starts, so changes made to it in the UI stay.
    Returns its URL.
    """
    from homeassistant.util import slugify  # how entity ids are made from device names

    url = f"{base}/{DEMO_DASHBOARD}"
    dashboards, devices = websocket(
        base,
        token,
        {"type": "lovelace/dashboards/list"},
        {"type": "config/device_registry/list"},
    )
    if any(board["url_path"] == DEMO_DASHBOARD for board in dashboards):
        return url
    device_id = next(  # none (a disabled profile): the card then asks for one
        (
            device["id"]
            for device in devices
            if entry["entry_id"] in device.get("config_entries", [])
        ),
        "",
    )
    config = demo_dashboard(
        entry["title"], device_id, slugify(entry["title"]), entry["entry_id"]
    )
    websocket(
        base,
        token,
        {
            "type": "lovelace/dashboards/create",
            "url_path": DEMO_DASHBOARD,
            "title": "backwalk demo",
            "icon": "mdi:walk",
            "mode": "storage",
            "show_in_sidebar": True,
            "require_admin": False,
        },
        {"type": "lovelace/config/save", "url_path": DEMO_DASHBOARD, "config": config},
    )
    return url


def bring_up(
    base: str,
    process: subprocess.Popen[bytes],
    timeout: float,
    progress: Progress | None = None,
) -> str:
    """Wait for the start, onboard or log in, wait until it runs; return a token.

    `timeout` bounds each wait; a request to a server that dies on the way becomes a
    StartupError that says so.
    """
    try:
        wait_for_api(base, process, timeout, progress)
        token = onboard(base, timeout, progress)
        wait_until_running(base, token, timeout, progress, process)
        configure_core(base, token)
    except (OSError, http.client.HTTPException) as err:
        _check_alive(
            process, progress.what if progress and progress.what else "starting"
        )
        raise StartupError(f"Home Assistant stopped answering: {err}") from err
    return token


@contextlib.contextmanager
def running_hass(
    config_dir: Path, port: int, log_file: Path | None = None, timeout: float = 600
) -> Iterator[tuple[str, str]]:
    """Start Home Assistant, onboard, make the demo profile; yield (base URL, token)."""
    prepare_config(config_dir, port)
    process = start_hass(config_dir, log_file)
    base = f"http://127.0.0.1:{port}"
    try:
        token = bring_up(base, process, timeout)
        ensure_demo_profile(base, token)
        yield base, token
    finally:
        stop_hass(process)


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join("    " + line for line in text.splitlines()[-lines:])


def _describe(err: BaseException) -> str:
    if isinstance(err, urllib.error.HTTPError):
        body = err.read()[:300].decode(errors="replace")
        return f"HTTP {err.code} from {err.url}: {body}"
    return f"{type(err).__name__}: {err}"


def run(config_dir: Path, port: int, timeout: float = STARTUP_TIMEOUT) -> int:
    """`make run`: serve until Ctrl-C (or SIGTERM); Home Assistant's restarts are followed."""
    # Ctrl-C stops it even when started from a shell that ignores SIGINT (`make run &`).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    _become_subreaper()
    base = f"http://127.0.0.1:{port}"
    output = config_dir / HASS_OUTPUT
    log = config_dir / "home-assistant.log"
    first = not (config_dir / ".storage" / "onboarding").exists()
    print(f"Starting Home Assistant at {base} with backwalk from {REPO}")
    if first:
        print(
            "  First start: Home Assistant installs its integrations' requirements: about\n"
            "  a minute on 2 cores, several when the machine is busy (later starts: 10-20 s)."
        )
    progress = Progress()
    print(
        f"  Its log: {log}. A line every {progress.interval:g} s says what it waits for."
    )
    process: subprocess.Popen[bytes] | None = None
    running = False
    try:
        prepare_config(config_dir, port)
        output.unlink(missing_ok=True)
        while True:
            process = start_hass(config_dir, output)
            progress.pid = process.pid
            running = False
            token = bring_up(base, process, timeout, progress)
            running = True
            progress.waiting_for("creating the demo profile and dashboard")
            entry = ensure_demo_profile(base, token)
            dashboard = ensure_demo_dashboard(base, token, entry)
            progress.waiting_for(None)
            print(
                f"\n  backwalk is running (Home Assistant started in "
                f"{duration(progress.elapsed())}):\n"
                f"\n  Home Assistant: {base}"
                f"\n  Login:          {DEMO_USER} / {DEMO_PASSWORD}"
                f"\n  Dashboard:      {dashboard}"
                f"\n  Profile:        {entry['title']}"
                f'\n  Assist:         try "I walked 20 minutes" (Assist, top right)'
                f"\n  Log:            {log}"
                "\n\n  Ctrl-C stops it.\n",
                flush=True,
            )
            code = process.wait()
            if code != RESTART_EXIT_CODE:
                print(f"Home Assistant stopped (exit code {code}). Its log: {log}")
                return code
            print("Home Assistant restarts...", flush=True)
            end_group(process.pid)
            progress.restart_clock()
    except KeyboardInterrupt:
        if running:
            print("\nStopping Home Assistant (it saves its state first)...", flush=True)
        else:
            # Home Assistant handles SIGTERM only once it runs: before, it ends at once.
            # Its next start checks its database and redoes an unfinished onboarding.
            print("\nStopping Home Assistant (it was still starting)...", flush=True)
        return 0
    except StartupError as err:
        print(
            f"\nmake run: {err}.\n  The last lines Home Assistant printed ({output}):"
        )
        print(_tail(output))
        return 1
    except Exception as err:  # noqa: BLE001 - a newcomer's first command: one line, no traceback
        print(f"\nmake run failed: {_describe(err)}\n  Home Assistant's log: {log}")
        return 1
    finally:
        progress.close()
        # Nothing interrupts the clean stop: a second Ctrl-C would leave a dirty database.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)
        if process is not None:
            stop_hass(process)
            print("Home Assistant has stopped.", flush=True)


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
